"""The public record: pydantic models that generate ``schemas/record.schema.json``.

The JSON Schema is the contract with downstream teams; these models must produce exactly the
committed schema (``tests/test_contract.py`` fails when they drift, ``worldview schema --write``
regenerates it). Change either only together, and bump ``SCHEMA_VERSION`` when the shape changes.
"""

from __future__ import annotations

from typing import Annotated, Final, Literal

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION: Final = "1.1.0"  # 1.1.0: content.footnotes
SCHEMA_ID = f"https://worldview-pipeline.org/schemas/record/{SCHEMA_VERSION}/record.schema.json"
JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"

Score = Annotated[float, Field(ge=0.0, le=1.0)]
Index = Annotated[int, Field(ge=0)]
ThemeId = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
IsoDate = Annotated[str, Field(pattern=r"^\d{4}-\d{2}-\d{2}$")]
NonEmpty = Annotated[str, Field(min_length=1)]


class _Model(BaseModel):
    """Closed objects: an unknown field is a contract violation, not silently kept."""

    model_config = ConfigDict(extra="forbid")


class SentenceTheme(_Model):
    """A theme one sentence carries, with the classifier's confidence."""

    id: ThemeId = Field(description="Theme id from the taxonomy (see provenance.taxonomy_version).")
    score: Score = Field(
        description="Classifier score in [0, 1], at or above the theme's decision threshold."
    )


class Sentence(_Model):
    """One sentence of a paragraph, located by character offsets."""

    index: Index = Field(description="Position of the sentence in its paragraph, from 0.")
    text: NonEmpty = Field(description="The sentence text, exactly as in the paragraph.")
    start: Index = Field(description="Character offset of the sentence in its paragraph's text.")
    end: Index = Field(description="Exclusive end offset: paragraph.text[start:end] == text.")
    themes: list[SentenceTheme] = Field(
        default_factory=list,
        description="Themes the sentence expresses, highest score first; empty when none or "
        "when the record was made without theme tagging (provenance.model is null).",
    )


class Paragraph(_Model):
    """One body paragraph in reading order."""

    index: Index = Field(description="Position of the paragraph in the body, from 0.")
    section: str | None = Field(description="The heading the paragraph falls under, if any.")
    text: NonEmpty = Field(description="The paragraph's clean text (no markup, LF line ends).")
    sentences: list[Sentence] = Field(description="The paragraph split into sentences, in order.")


class Image(_Model):
    """A figure of the article; every field is what the page states, null when it states none."""

    caption: str | None = Field(default=None, description="The figure's caption.")
    credit: str | None = Field(
        default=None, description="Photo or image credit, split off the caption."
    )
    src: str | None = Field(default=None, description="Image URL or path as given by the source.")
    alt: str | None = Field(default=None, description="Alternative text of the image.")


class Footnote(_Model):
    """A footnote or endnote: apparatus printed apart from the body."""

    label: str | None = Field(
        default=None, description="The note's mark as printed ('1', '*', 'iv'), if any."
    )
    text: NonEmpty = Field(description="The note's text, without its mark.")


class Content(_Model):
    """The article body: everything but the site's chrome."""

    key_takeaways: list[str] = Field(
        default_factory=list, description="The 'key takeaways' or summary bullets, in order."
    )
    headings: list[str] = Field(default_factory=list, description="Section headings, in order.")
    paragraphs: list[Paragraph] = Field(
        default_factory=list, description="Body paragraphs in reading order."
    )
    images: list[Image] = Field(default_factory=list, description="Figures, in order.")
    pull_quotes: list[str] = Field(
        default_factory=list,
        description="Pull quotes (text repeated from the body for emphasis), kept out of "
        "the paragraphs.",
    )
    footnotes: list[Footnote] = Field(
        default_factory=list,
        description="Footnotes and endnotes of the document (sources, asides), in order, each "
        "without its mark; the marks are removed from the paragraphs. Not the editor's notes "
        "(metadata.notes). Added in 1.1.0.",
    )


class Author(_Model):
    """A named author of the document."""

    name: NonEmpty = Field(description="The author's name as the byline gives it.")
    affiliation: str | None = Field(
        default=None, description="Institution the author belongs to, from the byline or bio."
    )
    bio: str | None = Field(default=None, description="The author's biography note, if any.")


class Metadata(_Model):
    """What the document states about itself."""

    title: NonEmpty = Field(description="The document's title.")
    subtitle: str | None = Field(default=None, description="Subtitle or standfirst, if any.")
    authors: list[Author] = Field(default_factory=list, description="Authors in byline order.")
    published: IsoDate | None = Field(
        default=None, description="Publication date stated by the document, never guessed."
    )
    updated: IsoDate | None = Field(
        default=None, description="Last-updated date stated by the document, never guessed."
    )
    publication_type: str | None = Field(
        default=None,
        description="The kind of publication the document says it is (e.g. 'Analysis', "
        "'Commentary'), as stated.",
    )
    language: str | None = Field(default=None, description="BCP 47 language tag, e.g. 'en'.")
    canonical_url: str | None = Field(
        default=None, description="The document's canonical URL, when the source declares one."
    )
    site_name: str | None = Field(
        default=None, description="Name of the publishing site or institution."
    )
    notes: list[str] = Field(default_factory=list, description="Editor's notes.")


class Source(_Model):
    """The source object the record was made from."""

    uri: NonEmpty = Field(description="Where the source was read: s3://bucket/key or a path.")
    sha256: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")] = Field(
        description="SHA-256 of the source bytes (lower-case hex)."
    )
    bytes: Index = Field(description="Size of the source in bytes.")
    media_type: NonEmpty = Field(description="Media type, e.g. 'text/html'.")
    format: Literal["html", "markdown", "text", "pdf", "docx"] = Field(
        description="The format the pipeline read the source as, detected from its content "
        "(not its name); 'pdf' and 'docx' since schema 1.1.0."
    )
    encoding: NonEmpty = Field(description="Character encoding the source was decoded from.")
    version_id: str | None = Field(
        default=None, description="Object-store version (or ETag) of the source that was read."
    )


class SentenceRef(_Model):
    """A sentence that carries a document theme."""

    paragraph: Index = Field(description="Index of the paragraph in content.paragraphs.")
    sentence: Index = Field(description="Index of the sentence in that paragraph's sentences.")
    score: Score = Field(description="The theme's score on that sentence.")


class DocumentTheme(_Model):
    """A theme of the whole document, rolled up from its sentences."""

    id: ThemeId = Field(description="Theme id from the taxonomy.")
    label: NonEmpty = Field(description="The theme's human-readable label from the taxonomy.")
    score: Score = Field(description="The theme's highest sentence score in the document.")
    sentence_count: Index = Field(description="How many sentences carry the theme.")
    sentences: list[SentenceRef] = Field(description="The sentences that carry the theme.")


class Provenance(_Model):
    """What produced the record; a change in any of these versions makes a new record version."""

    pipeline_version: NonEmpty = Field(description="Version of the worldview package.")
    schema_version: NonEmpty = Field(description="Version of this record schema.")
    taxonomy_version: str | None = Field(
        default=None, description="Theme taxonomy version; null when not tagged."
    )
    model: str | None = Field(default=None, description="Theme model id; null when not tagged.")
    processed_at: NonEmpty = Field(description="When the pipeline made the record (ISO 8601, UTC).")
    steps_ms: dict[str, Annotated[float, Field(ge=0.0)]] = Field(
        default_factory=dict, description="Milliseconds each pipeline step took, by step name."
    )


class Record(_Model):
    """One version of one document: a source analysis as clean, structured, theme-tagged data."""

    schema_version: Literal["1.1.0"] = Field(
        default=SCHEMA_VERSION, description="Version of the schema the record follows."
    )
    document_id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$")] = Field(
        description="Stable id of the document: a slug of the source name plus a hash of its "
        "location; every version of the same source shares it."
    )
    version: Annotated[int, Field(ge=1)] = Field(
        default=1,
        description="Record version, from 1; a new one is made only when the source content, "
        "the pipeline, the schema, the taxonomy or the model changed.",
    )
    source: Source = Field(description="Location, hash, size, format and encoding of the source.")
    metadata: Metadata = Field(description="Title, authors, dates and other stated facts.")
    content: Content = Field(description="The article body.")
    themes: list[DocumentTheme] = Field(
        default_factory=list,
        description="Document themes in taxonomy order; empty when none or not tagged.",
    )
    provenance: Provenance = Field(description="What produced the record.")
    warnings: list[str] = Field(
        default_factory=list, description="What cleaning did, as 'code: detail' strings."
    )


def record_json_schema() -> dict:
    """The record's JSON Schema (draft 2020-12) exactly as committed in ``schemas/``."""
    schema = Record.model_json_schema(mode="serialization")
    return {"$schema": JSON_SCHEMA_DIALECT, "$id": SCHEMA_ID, **schema}

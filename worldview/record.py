"""The public record: pydantic models that generate ``schemas/record.schema.json``.

The JSON Schema is the contract with downstream teams; these models must produce exactly the
committed schema (``tests/test_contract.py`` fails when they drift, ``worldview schema --write``
regenerates it). Change either only together, and bump ``SCHEMA_VERSION`` when the shape changes.
"""

from __future__ import annotations

from typing import Annotated, Final, Literal

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION: Final = "1.0.0"
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
    id: ThemeId
    score: Score


class Sentence(_Model):
    index: Index
    text: NonEmpty
    start: Index = Field(description="Character offset of the sentence in its paragraph's text.")
    end: Index = Field(description="Exclusive end offset: paragraph.text[start:end] == text.")
    themes: list[SentenceTheme] = Field(default_factory=list)


class Paragraph(_Model):
    index: Index
    section: str | None = Field(description="The heading the paragraph falls under, if any.")
    text: NonEmpty
    sentences: list[Sentence]


class Image(_Model):
    caption: str | None = None
    credit: str | None = None
    src: str | None = None
    alt: str | None = None


class Content(_Model):
    key_takeaways: list[str] = Field(default_factory=list)
    headings: list[str] = Field(default_factory=list, description="Section headings, in order.")
    paragraphs: list[Paragraph] = Field(default_factory=list)
    images: list[Image] = Field(default_factory=list)
    pull_quotes: list[str] = Field(default_factory=list)


class Author(_Model):
    name: NonEmpty
    affiliation: str | None = None
    bio: str | None = None


class Metadata(_Model):
    title: NonEmpty
    subtitle: str | None = None
    authors: list[Author] = Field(default_factory=list)
    published: IsoDate | None = Field(
        default=None, description="Publication date stated by the document, never guessed."
    )
    updated: IsoDate | None = None
    publication_type: str | None = None
    language: str | None = Field(default=None, description="BCP 47 language tag, e.g. 'en'.")
    canonical_url: str | None = None
    site_name: str | None = None
    notes: list[str] = Field(default_factory=list, description="Editor's notes.")


class Source(_Model):
    uri: NonEmpty
    sha256: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
    bytes: Index
    media_type: NonEmpty
    format: Literal["html", "markdown", "text"]
    encoding: NonEmpty
    version_id: str | None = Field(
        default=None, description="Object-store version (or ETag) of the source that was read."
    )


class SentenceRef(_Model):
    paragraph: Index
    sentence: Index
    score: Score


class DocumentTheme(_Model):
    id: ThemeId
    label: NonEmpty
    score: Score
    sentence_count: Index
    sentences: list[SentenceRef]


class Provenance(_Model):
    pipeline_version: NonEmpty
    schema_version: NonEmpty
    taxonomy_version: str | None = None
    model: str | None = Field(default=None, description="Theme model id; null when not tagged.")
    processed_at: NonEmpty
    steps_ms: dict[str, Annotated[float, Field(ge=0.0)]] = Field(default_factory=dict)


class Record(_Model):
    schema_version: Literal["1.0.0"] = SCHEMA_VERSION
    document_id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$")]
    version: Annotated[int, Field(ge=1)] = 1
    source: Source
    metadata: Metadata
    content: Content
    themes: list[DocumentTheme] = Field(default_factory=list)
    provenance: Provenance
    warnings: list[str] = Field(
        default_factory=list, description="What cleaning did, as 'code: detail' strings."
    )


def record_json_schema() -> dict:
    """The record's JSON Schema (draft 2020-12) exactly as committed in ``schemas/``."""
    schema = Record.model_json_schema(mode="serialization")
    return {"$schema": JSON_SCHEMA_DIALECT, "$id": SCHEMA_ID, **schema}

"""Typed models passed between the pipeline steps in ``tasks/`` (internal, not the contract).

decode -> DecodedText; detect_format -> Format; clean -> CleanedDocument (article blocks in order,
with chrome and repeats removed and side material moved into fields); segment -> Segments;
extract_metadata -> record.Metadata.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from worldview.record import Content


class Format(StrEnum):
    HTML = "html"
    MARKDOWN = "markdown"
    TEXT = "text"
    PDF = "pdf"  # binary: read from its bytes (``DecodedText.data``)
    DOCX = "docx"  # Word (Office Open XML), binary likewise


@dataclass(slots=True)
class DecodedText:
    text: str  # NFC-untouched Unicode, newlines normalised to "\n"
    encoding: str  # codec that decoded the bytes, e.g. "utf-8", "utf-8-sig", "utf-16", "cp1252"
    warnings: list[str] = field(default_factory=list)
    # A binary document (PDF, Word) is not decoded: its bytes go to its reader ("binary" encoding,
    # empty text).
    data: bytes | None = None

    @property
    def source(self) -> str | bytes:
        """What detect_format and clean read: the text, or a binary document's bytes."""
        return self.text if self.data is None else self.data


class Role(StrEnum):
    """What a block is, when the markup or the cleaner already knows; segment and clean read it."""

    TITLE = "title"
    SUBTITLE = "subtitle"
    BYLINE = "byline"
    DATELINE = "dateline"
    BIO = "bio"
    TAKEAWAYS_HEADING = "takeaways_heading"
    CAPTION = "caption"
    EMPHASIS = "emphasis"  # a paragraph set wholly in italics or bold, e.g. a Markdown dek
    KICKER = "kicker"  # a label over the headline ("Analysis"): the HTML reader drops or lifts it
    FOOTNOTE = "footnote"  # a footnote or endnote (PDF, Word): clean moves it to ``footnotes``


class BlockKind(StrEnum):
    HEADING = "heading"  # level 1..6
    PARAGRAPH = "paragraph"
    LIST_ITEM = "list_item"
    QUOTE = "quote"  # blockquote / set-apart line: a pull-quote candidate
    IMAGE = "image"  # src/alt, caption text (credit still inside) when the markup ties them


@dataclass(slots=True)
class Block:
    kind: BlockKind
    text: str = ""
    level: int = 0  # heading level; list nesting depth
    src: str | None = None
    alt: str | None = None
    role: Role | None = None  # None for ordinary body blocks
    # Photo credit when the markup sets it apart from the caption (HTML); text keeps it too.
    credit: str | None = None


@dataclass(slots=True)
class MarkupHints:
    """Metadata the markup states outright (meta tags, JSON-LD, front matter)."""

    title: str | None = None
    subtitle: str | None = None
    authors: list[str] = field(default_factory=list)
    published: str | None = None  # YYYY-MM-DD
    updated: str | None = None
    publication_type: str | None = None
    language: str | None = None
    canonical_url: str | None = None
    site_name: str | None = None


@dataclass(slots=True)
class CleanedDocument:
    format: Format
    blocks: list[Block]
    hints: MarkupHints = field(default_factory=MarkupHints)
    bios: list[str] = field(default_factory=list)  # author bio lines moved out of the body
    photo_lines: list[str] = field(default_factory=list)  # "PHOTO: ..." captions
    disclaimers: list[str] = field(default_factory=list)  # "The views expressed ..."
    publication_type: str | None = None  # from a "PUBLICATION TYPE:" line
    notes: list[str] = field(default_factory=list)  # editor's notes
    warnings: list[str] = field(default_factory=list)
    footnotes: list[str] = field(default_factory=list)  # footnotes and endnotes, mark first


@dataclass(slots=True)
class Segments:
    title: str | None
    subtitle: str | None
    content: Content  # sentences carry empty themes until tagging
    bylines: list[str] = field(default_factory=list)  # "By A and B" lines found at the top
    datelines: list[str] = field(default_factory=list)  # stated dates found near the top
    warnings: list[str] = field(default_factory=list)

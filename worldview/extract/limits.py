"""One document's bounds: what a single upload may cost the pipeline, each a setting.

Every limit is a ``WORLDVIEW_MAX_*`` setting (``worldview/settings.py``) and is checked by the step
that makes the thing it bounds, with a reason that names the setting:

- ``max_document_bytes``: decode (and the store's GET) refuses a larger file;
- ``max_paragraphs``: clean refuses a markup page whose tags promise twice as many before it is
  read; segment refuses a body with more;
- ``max_sentences``: segment refuses, counting as sentences are split;
- ``max_paragraph_chars``: segment splits a longer paragraph at sentence ends (a warning);
- ``max_authors``: extract_metadata keeps the first ones (a warning);
- ``max_record_bytes``: build_record refuses a record whose JSON would be larger;
- ``max_document_seconds``: checked before each step and between the tagger's chunks.

The time budget is cooperative (a step is never interrupted; Python cannot stop a thread): the
other limits keep each step's work in proportion to them, and tag_themes, the slow step, works in
chunks of paragraphs and checks the clock between them.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from worldview.document import Format
from worldview.errors import DocumentTooLargeError, TimeBudgetError
from worldview.extract.rules.scripts import FULL_WIDTH_SENTENCE_END
from worldview.record import Author, Record
from worldview.settings import Settings, get_settings

# Markup blocks that each become a block (and most a paragraph): a page whose tags promise more
# than ``BLOCK_MARGIN`` times ``max_paragraphs`` of them is refused before the reader builds a
# tree and a million blocks (1,000,000 <p> in 11 MB: 26 s and 800 MB in the reader alone).
MARKUP_BLOCK_TAG = re.compile(r"<(?:p|li|td|th|dd|dt|h[1-6]|blockquote|pre|figcaption)[\s>/]", re.I)
BLOCK_MARGIN = 2  # chrome, list items and table cells do not all become paragraphs
MIN_CHARS_PER_BLOCK = 4  # "<p>x" : a text shorter than this many characters a block is in time
# Where a long paragraph is cut: after a sentence's end, else at a space, else anywhere.
SENTENCE_BREAK = re.compile(rf"[.!?…{''.join(FULL_WIDTH_SENTENCE_END)}][\"'”’»)\]]*\s+")
# Bytes of record JSON a character of text may cost (stored in its paragraph and its sentence,
# up to 3 bytes in UTF-8) and a sentence besides its text (offsets, index, themes).
RECORD_BYTES_PER_CHAR = 6
RECORD_BYTES_PER_SENTENCE = 400

_deadline: ContextVar[tuple[float, float] | None] = ContextVar("worldview_deadline", default=None)


def _settings() -> Settings:
    return get_settings()


# --- time ---------------------------------------------------------------------------------------


@contextmanager
def time_budget(seconds: float | None = None) -> Iterator[None]:
    """The per-document time budget (``WORLDVIEW_MAX_DOCUMENT_SECONDS`` unless given) for the
    code inside; ``check_time`` raises once it is spent. Per thread and task (a context var)."""
    seconds = _settings().max_document_seconds if seconds is None else seconds
    token = _deadline.set((time.monotonic() + seconds, seconds) if seconds > 0 else None)
    try:
        yield
    finally:
        _deadline.reset(token)


def check_time(step: str) -> None:
    budget = _deadline.get()
    if budget is not None and time.monotonic() > budget[0]:
        raise TimeBudgetError(
            f"over the per-document time budget of {budget[1]:g} s "
            "(WORLDVIEW_MAX_DOCUMENT_SECONDS)",
            step=step,
        )


# --- paragraphs and sentences -------------------------------------------------------------------


def check_block_estimate(source: str | bytes, fmt: Format) -> None:
    """clean, before reading: a text whose markup promises far more blocks than
    ``max_paragraphs`` is refused before a tree and its blocks are built (PDF and Word have
    their own limits: pages, unpacked bytes)."""
    limit = _settings().max_paragraphs
    if isinstance(source, bytes) or len(source) < limit * BLOCK_MARGIN * MIN_CHARS_PER_BLOCK:
        return  # too short to hold that many blocks: the common case costs one len()
    if fmt == Format.HTML:
        count = sum(1 for _ in MARKUP_BLOCK_TAG.finditer(source))
        what = "block elements (<p>, <li>, <td>, ...)"
    else:
        count = source.count("\n\n")
        what = "blank-line-separated blocks"
    if count > limit * BLOCK_MARGIN:
        raise DocumentTooLargeError(
            f"{count:,} {what}: far over WORLDVIEW_MAX_PARAGRAPHS ({limit:,} paragraphs); "
            "not one analysis (split it, or raise the limit)",
            step="clean",
        )


def check_paragraphs(count: int) -> None:
    """segment: the body's paragraphs, before any is split into sentences."""
    limit = _settings().max_paragraphs
    if count > limit:
        raise DocumentTooLargeError(
            f"{count:,} paragraphs, over WORLDVIEW_MAX_PARAGRAPHS ({limit:,}); "
            "not one analysis (split it, or raise the limit)",
            step="segment",
        )


class SentenceCounter:
    """segment: counts sentences as they are split; refuses past ``max_sentences``."""

    def __init__(self) -> None:
        self.limit = _settings().max_sentences
        self.count = 0

    def add(self, n: int) -> None:
        self.count += n
        if self.count > self.limit:
            raise DocumentTooLargeError(
                f"more than {self.limit:,} sentences (WORLDVIEW_MAX_SENTENCES); "
                "not one analysis (split it, or raise the limit)",
                step="segment",
            )


def split_long_paragraph(text: str, limit: int | None = None) -> list[str]:
    """``text`` in pieces of at most ``max_paragraph_chars``, cut after a sentence's end where
    there is one in the second half of the window, else at a space, else anywhere."""
    limit = limit or _settings().max_paragraph_chars
    pieces: list[str] = []
    while len(text) > limit:
        cut = 0
        for match in SENTENCE_BREAK.finditer(text, limit // 2, limit):
            cut = match.end()
        if not cut:
            cut = max(text.rfind(" ", limit // 2, limit), text.rfind("\n", limit // 2, limit)) + 1
        if cut <= 0:
            cut = limit
        head, text = text[:cut].rstrip(), text[cut:].lstrip()
        if head:
            pieces.append(head)
    if text:
        pieces.append(text)
    return pieces


def paragraph_split_warning(split: int) -> str:
    limit = _settings().max_paragraph_chars
    return (
        f"paragraph_split: {split} paragraph(s) longer than {limit:,} characters "
        "(WORLDVIEW_MAX_PARAGRAPH_CHARS) split at sentence ends"
    )


# --- metadata, record ---------------------------------------------------------------------------


def limit_authors(authors: list[Author], warnings: list[str]) -> list[Author]:
    """extract_metadata: the first ``max_authors`` authors, with a warning past them."""
    limit = _settings().max_authors
    if len(authors) <= limit:
        return authors
    warnings.append(
        f"authors_truncated: {len(authors):,} names found, the first {limit} kept "
        "(WORLDVIEW_MAX_AUTHORS)"
    )
    return authors[:limit]


def check_record_size(record: Record) -> None:
    """build_record: a record whose JSON would pass ``max_record_bytes`` is refused. The size
    is bounded from the text first; the record is serialised only when that bound is near."""
    limit = _settings().max_record_bytes
    content = record.content
    chars = sum(len(p.text) for p in content.paragraphs)
    chars += sum(len(t) for t in (*content.headings, *content.key_takeaways, *content.pull_quotes))
    chars += sum(len(f.text) for f in content.footnotes)
    sentences = sum(len(p.sentences) for p in content.paragraphs)
    bound = RECORD_BYTES_PER_CHAR * chars + RECORD_BYTES_PER_SENTENCE * sentences
    if bound + 1_000_000 < limit:
        return
    size = len(record.model_dump_json(indent=2))  # as the store writes it
    if size > limit:
        raise DocumentTooLargeError(
            f"the record would be {size:,} bytes, over WORLDVIEW_MAX_RECORD_BYTES ({limit:,})",
            step="build_record",
        )

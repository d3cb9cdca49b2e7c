"""Tag themes: worldview themes per sentence, rolled up to the document.

The tagger (``worldview.themes.load_tagger()``, loaded once per process by the caller) fills each
body sentence's ``themes`` in place and returns the document themes with references to the
sentences that carry them, plus warnings about what it could not tag (text in another language:
``themes_skipped: language ru``). ``tagger=None`` is the explicit "no themes" choice
(``process --no-themes``): records then name no taxonomy and no model.
"""

from __future__ import annotations

import threading
from functools import cache
from typing import NamedTuple, Protocol

from worldview.extract.limits import check_time
from worldview.record import Content, DocumentTheme, Paragraph


class Tagger(Protocol):
    taxonomy_version: str
    model_id: str

    def tag_content(
        self, content: Content, warnings: list[str] | None = None
    ) -> list[DocumentTheme]:
        """Fill ``content.paragraphs[].sentences[].themes`` in place; return document themes.
        Append to ``warnings`` (``"code: detail"``) what kept sentences from being tagged."""
        ...


class TaggedThemes(NamedTuple):
    themes: list[DocumentTheme]
    warnings: list[str]  # for the record's warnings, e.g. "themes_skipped: language ru"


# The tagger reads a long document in chunks of paragraphs of about this many sentences: its
# memory follows the chunk, not the document (5,000 sentences in one pass: +550 MB), and the
# per-document time budget is checked between chunks. A document that fits in one chunk (every
# analysis in samples/ and the seed) is tagged in one pass, exactly as before.
TAG_CHUNK_SENTENCES = 2_000


@cache
def _passes() -> threading.BoundedSemaphore:
    """At most ``WORLDVIEW_TAG_CONCURRENCY`` encoder passes at once in this process (1): the
    encoder already uses every core, so more passes only add their activations to memory (160
    documents on 8 threads, 2 cores: 8 at once 64 s and 1,008 MB peak; 2 at once 50 s and
    849 MB; 1 at a time 51 s and 811 MB)."""
    from worldview.settings import get_settings

    return threading.BoundedSemaphore(max(1, get_settings().tag_concurrency))


def _tag(tagger: Tagger, content: Content, warnings: list[str]) -> list[DocumentTheme]:
    with _passes():
        return tagger.tag_content(content, warnings)


def tag_themes(content: Content, tagger: Tagger | None) -> TaggedThemes:
    """One encoder pass over all body sentences (per chunk, for a very long document); a
    missing model raises before this is called."""
    if tagger is None:
        return TaggedThemes([], [])
    warnings: list[str] = []
    chunks = _chunks(content.paragraphs)
    if len(chunks) <= 1:
        return TaggedThemes(_tag(tagger, content, warnings), warnings)
    merged: dict[str, DocumentTheme] = {}
    for chunk in chunks:
        check_time("tag_themes")
        # The same Paragraph objects: the tagger fills their sentences' themes in place.
        for theme in _tag(tagger, Content(paragraphs=chunk), warnings):
            seen = merged.get(theme.id)
            if seen is None:
                merged[theme.id] = theme
            else:
                seen.score = max(seen.score, theme.score)
                seen.sentence_count += theme.sentence_count
                seen.sentences.extend(theme.sentences)
    order = getattr(getattr(tagger, "taxonomy", None), "ids", None) or list(merged)
    themes = [merged[t] for t in order if t in merged]
    return TaggedThemes(themes, list(dict.fromkeys(warnings)))


def _chunks(paragraphs: list[Paragraph]) -> list[list[Paragraph]]:
    chunks: list[list[Paragraph]] = [[]]
    size = 0
    for paragraph in paragraphs:
        if size >= TAG_CHUNK_SENTENCES:
            chunks.append([])
            size = 0
        chunks[-1].append(paragraph)
        size += len(paragraph.sentences)
    return chunks

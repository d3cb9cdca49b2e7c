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

from worldview.record import Content, DocumentTheme


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


@cache
def _passes() -> threading.BoundedSemaphore:
    """At most ``WORLDVIEW_TAG_CONCURRENCY`` encoder passes at once in this process (1): the
    encoder already uses every core, so more passes only add their activations to memory (160
    documents on 8 threads, 2 cores: 8 at once 64 s and 1,008 MB peak; 2 at once 50 s and
    849 MB; 1 at a time 51 s and 811 MB)."""
    from worldview.settings import get_settings

    return threading.BoundedSemaphore(max(1, get_settings().tag_concurrency))


def tag_themes(content: Content, tagger: Tagger | None) -> TaggedThemes:
    """One encoder pass over all body sentences (in slices, for a very long document: the
    tagger checks the time budget between them); a missing model raises before this is
    called."""
    if tagger is None:
        return TaggedThemes([], [])
    warnings: list[str] = []
    with _passes():
        themes = tagger.tag_content(content, warnings)
    return TaggedThemes(themes, warnings)

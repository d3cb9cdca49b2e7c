"""Tag themes: worldview themes per sentence, rolled up to the document.

The tagger (``worldview.themes.load_tagger()``, loaded once per process by the caller) fills each
body sentence's ``themes`` in place and returns the document themes with references to the
sentences that carry them. ``tagger=None`` is the explicit "no themes" choice
(``process --no-themes``): records then name no taxonomy and no model.
"""

from __future__ import annotations

from typing import Protocol

from worldview.record import Content, DocumentTheme


class Tagger(Protocol):
    taxonomy_version: str
    model_id: str

    def tag_content(self, content: Content) -> list[DocumentTheme]:
        """Fill ``content.paragraphs[].sentences[].themes`` in place; return document themes."""
        ...


def tag_themes(content: Content, tagger: Tagger | None) -> list[DocumentTheme]:
    """One encoder pass over all body sentences; a missing model raises before this is called."""
    if tagger is None:
        return []
    return tagger.tag_content(content)

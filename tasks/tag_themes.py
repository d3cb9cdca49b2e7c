"""Step 6: worldview themes per sentence, rolled up to the document.

PLACEHOLDER until the theme tagger lands (issue 4): with no tagger, sentences keep empty themes.
"""

from __future__ import annotations

from typing import Protocol

from tasks._prefect import prefect_task
from worldview.record import Content, DocumentTheme


class Tagger(Protocol):
    taxonomy_version: str
    model_id: str

    def tag_content(self, content: Content) -> list[DocumentTheme]:
        """Fill ``content.paragraphs[].sentences[].themes`` in place; return document themes."""
        ...


def tag_themes(content: Content, tagger: Tagger | None) -> list[DocumentTheme]:
    if tagger is None:
        return []
    return tagger.tag_content(content)


tag_themes_task = prefect_task(tag_themes, name="tag-themes")

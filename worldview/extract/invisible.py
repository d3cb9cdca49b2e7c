"""Metadata a reader can trust to look like what it says: control and invisible characters
(bidi overrides, zero-width joiners, ...) removed from titles, names and the other metadata
fields, with a warning; words that mix look-alike scripts flagged (not changed: only a person
can tell a spoof from a typo). The vocabulary is in ``rules/characters.py``."""

from __future__ import annotations

import unicodedata

from worldview.extract.rules.characters import CONFUSABLE_SCRIPTS, INVISIBLE_IN_METADATA, WORD
from worldview.record import Metadata

UNTITLED = "Untitled"


def _script(char: str) -> str:
    return unicodedata.name(char, "UNKNOWN").split(" ", 1)[0]


def mixed_script_words(text: str) -> list[str]:
    """Words of ``text`` with letters of more than one look-alike script ("Pаris")."""
    if text.isascii():
        return []
    mixed = []
    for word in WORD.findall(text):
        scripts = {_script(c) for c in word if c.isalpha() and not c.isascii()}
        if any(c.isascii() and c.isalpha() for c in word):
            scripts.add("LATIN")
        if len(scripts & CONFUSABLE_SCRIPTS) > 1:
            mixed.append(word)
    return mixed


class _Remover:
    def __init__(self) -> None:
        self.removed = 0
        self.fields: list[str] = []

    def __call__(self, value: str | None, field: str) -> str | None:
        if not value or not INVISIBLE_IN_METADATA.search(value):
            return value
        cleaned, count = INVISIBLE_IN_METADATA.subn("", value)
        self.removed += count
        if field not in self.fields:
            self.fields.append(field)
        return " ".join(cleaned.split()) if cleaned.strip() else cleaned.strip()


def clean_metadata(metadata: Metadata, warnings: list[str]) -> Metadata:
    """Remove control and invisible characters from every metadata string (a warning says how
    many and where); flag words of the title, subtitle and author names that mix scripts."""
    remove = _Remover()
    metadata.title = remove(metadata.title, "title") or UNTITLED
    metadata.subtitle = remove(metadata.subtitle, "subtitle") or None
    metadata.site_name = remove(metadata.site_name, "site_name") or None
    metadata.publication_type = remove(metadata.publication_type, "publication_type") or None
    metadata.notes = [n for n in (remove(n, "notes") for n in metadata.notes) if n]
    for author in metadata.authors:
        author.name = remove(author.name, "authors") or ""
        author.affiliation = remove(author.affiliation, "authors") or None
        author.bio = remove(author.bio, "authors") or None
    metadata.authors = [a for a in metadata.authors if a.name]
    if remove.removed:
        warnings.append(
            f"metadata_characters_removed: {remove.removed} control or invisible character(s) "
            f"(bidi overrides, zero-width joiners, ...) removed from {', '.join(remove.fields)}"
        )
    named = [("title", metadata.title), ("subtitle", metadata.subtitle or "")]
    named += [("author", a.name) for a in metadata.authors]
    for field, text in named:
        words = mixed_script_words(text)
        if words:
            shown = ", ".join(f"'{w}'" for w in words[:3])
            warnings.append(
                f"mixed_scripts: the {field} has word(s) mixing look-alike scripts (Latin, "
                f"Cyrillic, Greek): {shown}"
            )
    return metadata

"""What changed between two versions of a record, and why the newer one was made.

Paragraphs are aligned by text (``difflib`` over the paragraph sequence): a paragraph is
*unchanged* when the same text is in both versions at an aligned place, *changed* when one
replaced another and the two are still mostly the same text, else *removed* and *added*.
Sentence themes are compared on the sentences whose text is in both versions: a theme gained or
lost there is the tagger's verdict changing (a new model or taxonomy), not new text.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, field
from difflib import SequenceMatcher
from typing import Any

from worldview.record import Record
from worldview.storage import ChangeReason, change_reasons

# Two paragraphs at a replaced place count as one *changed* paragraph at this similarity or above.
CHANGED_PARAGRAPH_SIMILARITY = 0.5
METADATA_FIELDS = (
    "title",
    "subtitle",
    "authors",
    "published",
    "updated",
    "publication_type",
    "language",
    "canonical_url",
    "site_name",
    "notes",
)
REASON_TEXT: dict[str, str] = {
    "new_document": "the document's first version",
    "source": "new source content",
    "pipeline": "a new pipeline version",
    "schema": "a new record schema",
    "taxonomy": "a new theme taxonomy",
    "model": "a new theme model",
}


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: Any
    new: Any


@dataclass(frozen=True)
class ParagraphChange:
    old_index: int | None  # None: added
    new_index: int | None  # None: removed
    old_text: str | None
    new_text: str | None


@dataclass(frozen=True)
class SentenceThemeChange:
    theme: str
    score: float  # the score in the version that has it
    paragraph: int  # in the version that has it
    sentence: int
    text: str


@dataclass(frozen=True)
class DocumentThemeChange:
    theme: str
    old_score: float | None  # None: gained
    new_score: float | None  # None: lost


@dataclass
class RecordDiff:
    document_id: str
    old_version: int
    new_version: int
    reasons: list[ChangeReason]
    source: list[FieldChange] = field(default_factory=list)
    provenance: list[FieldChange] = field(default_factory=list)
    metadata: list[FieldChange] = field(default_factory=list)
    paragraphs_added: list[ParagraphChange] = field(default_factory=list)
    paragraphs_removed: list[ParagraphChange] = field(default_factory=list)
    paragraphs_changed: list[ParagraphChange] = field(default_factory=list)
    paragraphs_unchanged: int = 0
    themes_gained: list[SentenceThemeChange] = field(default_factory=list)
    themes_lost: list[SentenceThemeChange] = field(default_factory=list)
    document_themes: list[DocumentThemeChange] = field(default_factory=list)

    @property
    def content_changed(self) -> bool:
        return bool(self.paragraphs_added or self.paragraphs_removed or self.paragraphs_changed)

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def diff_records(old: Record, new: Record) -> RecordDiff:
    """What changed from ``old`` to ``new`` (two versions of one document, in either order of
    creation: the diff reads from ``old`` to ``new``)."""
    diff = RecordDiff(
        document_id=new.document_id,
        old_version=old.version,
        new_version=new.version,
        reasons=change_reasons(old, new),
    )
    diff.source = _field_changes(
        old.source.model_dump(), new.source.model_dump(), ("sha256", "bytes", "format", "encoding")
    )
    provenance = ("pipeline_version", "schema_version", "taxonomy_version", "model")
    diff.provenance = _field_changes(
        old.provenance.model_dump(), new.provenance.model_dump(), provenance
    )
    diff.metadata = _field_changes(_metadata(old), _metadata(new), METADATA_FIELDS)
    _diff_paragraphs(old, new, diff)
    diff.themes_gained, diff.themes_lost = _sentence_theme_changes(old, new)
    diff.document_themes = _document_theme_changes(old, new)
    return diff


def _metadata(record: Record) -> dict[str, Any]:
    data = record.metadata.model_dump()
    data["authors"] = [_author(a) for a in data["authors"]]
    return data


def _author(author: dict[str, Any]) -> str:
    return (
        f"{author['name']} ({author['affiliation']})" if author["affiliation"] else author["name"]
    )


def _field_changes(
    old: dict[str, Any], new: dict[str, Any], names: tuple[str, ...]
) -> list[FieldChange]:
    return [FieldChange(n, old.get(n), new.get(n)) for n in names if old.get(n) != new.get(n)]


def _diff_paragraphs(old: Record, new: Record, diff: RecordDiff) -> None:
    a = [p.text for p in old.content.paragraphs]
    b = [p.text for p in new.content.paragraphs]
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            diff.paragraphs_unchanged += i2 - i1
            continue
        olds, news = list(range(i1, i2)), list(range(j1, j2))
        # Pair replaced paragraphs in order while they stay similar; the rest are removed/added.
        while olds and news:
            i, j = olds[0], news[0]
            if SequenceMatcher(None, a[i], b[j]).ratio() < CHANGED_PARAGRAPH_SIMILARITY:
                break
            diff.paragraphs_changed.append(ParagraphChange(i, j, a[i], b[j]))
            olds.pop(0)
            news.pop(0)
        diff.paragraphs_removed += [ParagraphChange(i, None, a[i], None) for i in olds]
        diff.paragraphs_added += [ParagraphChange(None, j, None, b[j]) for j in news]


def _sentence_themes(record: Record) -> dict[str, list[tuple[int, int, dict[str, float]]]]:
    """Sentence text -> where it is and its themes (a text may occur more than once)."""
    found: dict[str, list[tuple[int, int, dict[str, float]]]] = defaultdict(list)
    for p in record.content.paragraphs:
        for s in p.sentences:
            found[s.text].append((p.index, s.index, {t.id: t.score for t in s.themes}))
    return found


def _sentence_theme_changes(
    old: Record, new: Record
) -> tuple[list[SentenceThemeChange], list[SentenceThemeChange]]:
    before, after = _sentence_themes(old), _sentence_themes(new)
    gained, lost = [], []
    for text, places in after.items():
        for (p_new, s_new, themes_new), (p_old, s_old, themes_old) in zip(
            places, before.get(text, []), strict=False
        ):
            for theme in sorted(themes_new.keys() - themes_old.keys()):
                gained.append(SentenceThemeChange(theme, themes_new[theme], p_new, s_new, text))
            for theme in sorted(themes_old.keys() - themes_new.keys()):
                lost.append(SentenceThemeChange(theme, themes_old[theme], p_old, s_old, text))
    gained.sort(key=lambda c: (c.paragraph, c.sentence, c.theme))
    lost.sort(key=lambda c: (c.paragraph, c.sentence, c.theme))
    return gained, lost


def _document_theme_changes(old: Record, new: Record) -> list[DocumentThemeChange]:
    before = {t.id: t.score for t in old.themes}
    after = {t.id: t.score for t in new.themes}
    return [
        DocumentThemeChange(theme, before.get(theme), after.get(theme))
        for theme in sorted(before.keys() | after.keys())
        if before.get(theme) != after.get(theme)
    ]


def _clip(text: str | None, width: int = 88) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _value(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(map(str, value)) + "]"
    return "null" if value is None else repr(value)


def render_diff(diff: RecordDiff) -> str:
    """The diff as text for a terminal."""
    why = ", ".join(REASON_TEXT.get(r, r) for r in diff.reasons) or "nothing: same inputs"
    lines = [f"{diff.document_id}  v{diff.old_version} -> v{diff.new_version}", f"why: {why}"]
    for title, changes in (
        ("source", diff.source),
        ("provenance", diff.provenance),
        ("metadata", diff.metadata),
    ):
        if changes:
            lines.append(f"{title}:")
            lines += [f"  {c.field}: {_value(c.old)} -> {_value(c.new)}" for c in changes]
    lines.append(
        f"paragraphs: {len(diff.paragraphs_added)} added, {len(diff.paragraphs_removed)} removed, "
        f"{len(diff.paragraphs_changed)} changed, {diff.paragraphs_unchanged} unchanged"
    )
    for c in diff.paragraphs_removed:
        lines.append(f"  - [{c.old_index}] {_clip(c.old_text)}")
    for c in diff.paragraphs_added:
        lines.append(f"  + [{c.new_index}] {_clip(c.new_text)}")
    for c in diff.paragraphs_changed:
        lines.append(f"  ~ [{c.old_index}->{c.new_index}] {_clip(c.old_text, 40)}")
        lines.append(f"      now: {_clip(c.new_text, 80)}")
    lines.append(
        f"sentence themes (same sentences): {len(diff.themes_gained)} gained, "
        f"{len(diff.themes_lost)} lost"
    )
    for sign, found in (("+", diff.themes_gained), ("-", diff.themes_lost)):
        for t in found:
            where = f"p{t.paragraph} s{t.sentence}"
            lines.append(f"  {sign} {t.theme} ({t.score:.2f}) {where}: {_clip(t.text, 60)}")
    if diff.document_themes:
        lines.append("document themes:")
        for d in diff.document_themes:
            if d.old_score is None:
                lines.append(f"  + {d.theme} ({d.new_score:.2f})")
            elif d.new_score is None:
                lines.append(f"  - {d.theme} ({d.old_score:.2f})")
            else:
                lines.append(f"  ~ {d.theme} {d.old_score:.2f} -> {d.new_score:.2f}")
    return "\n".join(lines)

"""Theme prevalence over a corpus: per document, per month, per site or per author.

Each record is reduced to one ``DocRow`` (what trends need: date, site, authors, sentence counts
per theme); ``compute_trends`` groups the rows. Two measures:

* ``documents``: the share of a group's documents with at least one sentence of the theme;
* ``sentences``: the share of a group's sentences that carry the theme (how much of the text).

A document with two authors counts for both; a document without a stated date is ``undated``
(never guessed from when it was processed).
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import urlparse

from worldview.record import Record
from worldview.views.themed import ThemeInfo, all_themes, theme_info

Grouping = Literal["month", "site", "author"]
Measure = Literal["documents", "sentences"]
GROUPINGS: tuple[Grouping, ...] = ("month", "site", "author")
MEASURES: tuple[Measure, ...] = ("documents", "sentences")
UNDATED = "undated"
NO_SITE = "site not stated"
NO_AUTHOR = "no author stated"
OTHERS = "all others"


@dataclass(frozen=True)
class DocRow:
    """One document's latest record, reduced to what trends read."""

    document_id: str
    version: int
    title: str
    published: str | None
    site: str | None
    authors: tuple[str, ...]
    sentences: int
    theme_sentences: dict[str, int]  # theme id -> sentences carrying it
    record_key: str | None = None

    def to_json(self) -> str:
        data = {**self.__dict__, "authors": list(self.authors)}
        return json.dumps(data, ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, line: str) -> DocRow:
        data = json.loads(line)
        data["authors"] = tuple(data["authors"])
        return cls(**data)


def site_of(record: Record) -> str | None:
    m = record.metadata
    if m.site_name:
        return m.site_name
    if m.canonical_url:
        host = urlparse(m.canonical_url).hostname
        if host:
            return host.removeprefix("www.")
    return None


def row_from_record(record: Record, record_key: str | None = None) -> DocRow:
    counts: Counter[str] = Counter()
    total = 0
    for paragraph in record.content.paragraphs:
        for sentence in paragraph.sentences:
            total += 1
            counts.update({t.id for t in sentence.themes})
    return DocRow(
        document_id=record.document_id,
        version=record.version,
        title=record.metadata.title,
        published=record.metadata.published,
        site=site_of(record),
        authors=tuple(a.name for a in record.metadata.authors),
        sentences=total,
        theme_sentences=dict(sorted(counts.items())),
        record_key=record_key,
    )


def groups_of(row: DocRow, by: Grouping) -> list[str]:
    if by == "month":
        return [row.published[:7] if row.published else UNDATED]
    if by == "site":
        return [row.site or NO_SITE]
    return list(dict.fromkeys(row.authors)) or [NO_AUTHOR]


@dataclass
class Cell:
    documents: int = 0  # documents of the group with the theme
    sentences: int = 0  # sentences of the group with the theme


@dataclass
class Group:
    name: str
    documents: int = 0
    sentences: int = 0
    cells: dict[str, Cell] = field(default_factory=dict)

    def add(self, row: DocRow) -> None:
        self.documents += 1
        self.sentences += row.sentences
        for theme_id, n in row.theme_sentences.items():
            cell = self.cells.setdefault(theme_id, Cell())
            cell.documents += 1
            cell.sentences += n

    def share(self, theme_id: str, measure: Measure) -> float:
        cell = self.cells.get(theme_id)
        if cell is None:
            return 0.0
        if measure == "documents":
            return cell.documents / self.documents if self.documents else 0.0
        return cell.sentences / self.sentences if self.sentences else 0.0

    def count(self, theme_id: str, measure: Measure) -> int:
        cell = self.cells.get(theme_id, Cell())
        return cell.documents if measure == "documents" else cell.sentences

    def base(self, measure: Measure) -> int:
        return self.documents if measure == "documents" else self.sentences


@dataclass
class Trends:
    by: Grouping | None
    total: Group  # the whole corpus
    groups: list[Group]  # in display order (months in time order, others by size)
    themes: list[ThemeInfo]  # every taxonomy theme, then any other theme the records carry
    hidden_groups: int = 0  # groups pooled into OTHERS (site, author) past ``top``

    @property
    def documents(self) -> int:
        return self.total.documents

    def ranked_themes(self, measure: Measure) -> list[ThemeInfo]:
        """Themes by their share of the whole corpus, largest first."""
        return sorted(self.themes, key=lambda t: -self.total.share(t.id, measure))

    def dated_span(self) -> tuple[str, str] | None:
        if self.by != "month":
            return None
        months = [g.name for g in self.groups if g.name != UNDATED]
        return (months[0], months[-1]) if months else None


def _month_range(first: str, last: str) -> list[str]:
    year, month = int(first[:4]), int(first[5:7])
    out = []
    while f"{year:04d}-{month:02d}" <= last:
        out.append(f"{year:04d}-{month:02d}")
        month += 1
        if month > 12:
            year, month = year + 1, 1
    return out


def compute_trends(rows: list[DocRow], by: Grouping | None = None, top: int = 12) -> Trends:
    """Group ``rows``; for ``site``/``author`` the ``top`` largest groups, the rest pooled."""
    total = Group("all documents")
    groups: dict[str, Group] = {}
    for row in rows:
        total.add(row)
        if by is not None:
            for name in groups_of(row, by):
                groups.setdefault(name, Group(name)).add(row)
    hidden = 0
    ordered: list[Group] = []
    if by == "month":
        months = sorted(name for name in groups if name != UNDATED)
        # Every month from the first to the last, so a gap in the data is a gap in the chart.
        ordered = (
            [groups.get(m, Group(m)) for m in _month_range(months[0], months[-1])] if months else []
        )
        if UNDATED in groups:
            ordered.append(groups[UNDATED])
    elif by is not None:
        ordered = sorted(groups.values(), key=lambda g: (-g.documents, g.name.casefold()))
        if len(ordered) > top:
            rest = ordered[top:]
            ordered, hidden = ordered[:top], len(rest)
            pooled = Group(f"{OTHERS} ({hidden})")
            seen: set[str] = set()
            for row in rows:
                if row.document_id not in seen and set(groups_of(row, by)) & {g.name for g in rest}:
                    seen.add(row.document_id)
                    pooled.add(row)
            ordered.append(pooled)
    known = all_themes()
    ids = {t.id for t in known}
    extra = sorted({t for row in rows for t in row.theme_sentences} - ids)
    themes = known + [theme_info(t) for t in extra]
    return Trends(by=by, total=total, groups=ordered, themes=themes, hidden_groups=hidden)


def percent(value: float) -> str:
    return f"{value * 100:.0f}%"


def measure_phrase(measure: Measure) -> str:
    return "share of documents" if measure == "documents" else "share of sentences"


def markdown_table(trends: Trends, measure: Measure, max_groups: int = 8) -> str:
    """Themes as rows: the whole corpus, then the last ``max_groups`` groups (months: newest)."""
    groups = [g for g in trends.groups if g.documents]
    if trends.by == "month":
        groups = [g for g in groups if g.name != UNDATED][-max_groups:]
    else:
        groups = groups[:max_groups]
    head = ["theme", f"all ({trends.documents} docs)"] + [
        f"{g.name} ({g.documents})" for g in groups
    ]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" + "---:|" * (len(head) - 1)]
    for t in trends.ranked_themes(measure):
        total = trends.total
        cells = [f"{percent(total.share(t.id, measure))} ({total.count(t.id, measure)})"]
        cells += [percent(g.share(t.id, measure)) for g in groups]
        label = t.label.replace("|", "\\|")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def trends_json(trends: Trends, measure: Measure) -> dict:
    def group(g: Group) -> dict:
        return {
            "name": g.name,
            "documents": g.documents,
            "sentences": g.sentences,
            "themes": {
                t.id: {
                    "documents": g.count(t.id, "documents"),
                    "sentences": g.count(t.id, "sentences"),
                    "share": round(g.share(t.id, measure), 4),
                }
                for t in trends.themes
            },
        }

    return {
        "by": trends.by,
        "measure": measure,
        "themes": [{"id": t.id, "label": t.label, "colour": t.colour.hex} for t in trends.themes],
        "all": group(trends.total),
        "groups": [group(g) for g in trends.groups],
    }

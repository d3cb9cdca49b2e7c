"""A record in the terminal: what it is, and each theme with its count and its surest sentence.

Printed through ``rich``: colours and the terminal's width on a TTY, plain text when piped.
"""

from __future__ import annotations

from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from worldview.record import Record
from worldview.views.html import human_date
from worldview.views.themed import RecordView, record_view

SENTENCE_CHARS = 220  # a longer sentence is cut (the page shows it whole)


def clip(text: str, limit: int = SENTENCE_CHARS) -> str:
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0] + " …"


def _byline(record: Record) -> str:
    m = record.metadata
    authors = ", ".join(
        f"{a.name} ({a.affiliation})" if a.affiliation else a.name for a in m.authors
    )
    bits = [f"By {authors}" if authors else "no author stated"]
    bits += [x for x in (m.publication_type, m.site_name) if x]
    bits.append(human_date(m.published) or "date not stated")
    return " · ".join(bits)


def _counts(view: RecordView) -> str:
    if not view.tagged:
        return "not tagged (made without the theme model)"
    size = len(view.themes) + len(view.absent)
    return (
        f"{len(view.sentences)} of {view.total_sentences} sentences carry a theme; "
        f"{len(view.themes)} of {size} themes"
    )


def summary_renderable(record: Record, *, top: int = 1) -> Group:
    """The summary as a rich renderable; ``top`` sentences per theme (surest first)."""
    view = record_view(record)
    head = Text(record.metadata.title, style="bold")
    lines: list = [head, Text(_byline(record), style="dim")]
    lines.append(Text(f"source {record.source.uri}", style="dim"))
    lines.append(Text(f"record {record.document_id} v{record.version}", style="dim"))
    lines.append(Text(_counts(view)))
    if not view.themes:
        return Group(*lines)
    table = Table(box=None, show_header=False, padding=(0, 1, 0, 0), expand=False)
    table.add_column(width=2, no_wrap=True)
    table.add_column(ratio=1)
    for summary in view.themes:
        colour = summary.theme.colour.hex
        body = Text()
        body.append(summary.theme.label, style="bold")
        noun = "sentence" if summary.count == 1 else "sentences"
        body.append(f"  {summary.count} {noun} · document score {summary.score:.2f}", style="dim")
        ranked = sorted(summary.sentences, key=lambda s: -summary.score_in(s))[:top]
        for s in ranked:
            body.append(f"\n[{s.number}] ", style=f"bold {colour}")
            body.append(f"{summary.score_in(s):.2f} ", style="dim")
            body.append(f"¶{s.paragraph + 1}  ", style="dim")
            body.append(clip(s.text))
        table.add_row(Text("■", style=colour), body)
    lines.append(Text())
    lines.append(table)
    return Group(*lines)


def print_summary(record: Record, console: Console | None = None, *, top: int = 1) -> None:
    console = console or Console(highlight=False)
    console.print(summary_renderable(record, top=top), soft_wrap=False)

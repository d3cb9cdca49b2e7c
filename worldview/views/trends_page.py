"""Theme trends as one self-contained HTML page: the chart, the overall bars and the table."""

from __future__ import annotations

from collections.abc import Callable

from worldview.views.charts import bars, heat, trend_chart
from worldview.views.html import esc, page, swatch
from worldview.views.palette import contrast
from worldview.views.trends import (
    GROUPINGS,
    MEASURES,
    UNDATED,
    DocRow,
    Measure,
    Trends,
    measure_phrase,
    percent,
)

TRENDS_CSS = """
.lede { color: var(--muted); font: .95rem/1.5 var(--sans); margin: 0 0 1rem; }
.switch { font: .85rem var(--sans); margin: .3rem 0; }
.switch a, .switch b { margin-right: .6rem; }
figure.chart { margin: 1.5rem 0; }
figure.chart svg { max-width: 100%; height: auto; }
figure.chart figcaption { font-size: .8rem; color: var(--muted); }
table.trend td.num { min-width: 3.4rem;
  print-color-adjust: exact; -webkit-print-color-adjust: exact; }
table.trend th.grp { font-weight: 600; white-space: nowrap; font-size: .8rem; text-align: right; }
table.trend th.grp small { display: block; font-weight: 400; color: var(--muted); }
table.trend td.label { white-space: nowrap; }
.method { font: .85rem/1.5 var(--sans); color: var(--muted); max-width: 48rem; }
details.docs { font: .85rem var(--sans); margin-top: 1.5rem; }
details.docs summary { cursor: pointer; color: var(--link); }
details.docs li { margin: .2rem 0; }
@media print { figure.chart { break-inside: avoid; } .switch { display: none; } }
"""


def _table(trends: Trends, measure: Measure) -> str:
    groups = [g for g in trends.groups if g.documents or g.name != UNDATED]
    columns = [trends.total, *groups]
    head = "".join(
        f'<th class="grp">{esc("all" if i == 0 else g.name)}<small>n={g.documents}</small></th>'
        for i, g in enumerate(columns)
    )
    rows = []
    for t in trends.ranked_themes(measure):
        cells = []
        for g in columns:
            if not g.documents:
                cells.append('<td class="num muted">–</td>')
                continue
            v = g.share(t.id, measure)
            fill = heat(v)
            ink = "#fff" if contrast(fill, "#ffffff") > contrast(fill, "#1d1d22") else "inherit"
            tip = f"{g.count(t.id, measure)} of {g.base(measure)}"
            cells.append(
                f'<td class="num" style="background:{fill};color:{ink}" title="{tip}">'
                f"{percent(v)}</td>"
            )
        rows.append(
            f'<tr><td class="label">{swatch(t.colour.hex)} {esc(t.label)}</td>{"".join(cells)}</tr>'
        )
    return (
        '<div class="scroll"><table class="trend"><thead><tr><th>theme</th>'
        f"{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
    )


def _switch(
    trends: Trends, measure: Measure, link: Callable[[str | None, Measure], str] | None
) -> str:
    if link is None:
        return ""
    options = []
    for by in (None, *GROUPINGS):
        name = by or "whole corpus"
        if by == trends.by:
            options.append(f"<b>{esc(name)}</b>")
        else:
            options.append(f'<a href="{esc(link(by, measure))}">{esc(name)}</a>')
    measures = []
    for m in MEASURES:
        if m == measure:
            measures.append(f"<b>{m}</b>")
        else:
            measures.append(f'<a href="{esc(link(trends.by, m))}">{m}</a>')
    return (
        f'<p class="switch">Group by: {" ".join(options)}</p>'
        f'<p class="switch">Measure: {" ".join(measures)}</p>'
    )


def _documents(rows: list[DocRow], doc_link: Callable[[DocRow], str] | None) -> str:
    if not rows:
        return ""
    items = []
    for row in sorted(rows, key=lambda r: (r.published or "", r.title), reverse=True):
        title = esc(row.title)
        if doc_link is not None:
            title = f'<a href="{esc(doc_link(row))}">{title}</a>'
        when = esc(row.published or "undated")
        themes = len(row.theme_sentences)
        items.append(f"<li>{title} <span class='muted'>· {when} · {themes} themes</span></li>")
    return (
        f'<details class="docs"><summary>The {len(rows)} documents</summary>'
        f"<ul>{''.join(items)}</ul></details>"
    )


def render_trends(
    trends: Trends,
    measure: Measure = "documents",
    *,
    rows: list[DocRow] | None = None,
    as_of: str | None = None,
    link: Callable[[str | None, Measure], str] | None = None,
    doc_link: Callable[[DocRow], str] | None = None,
    back_link: tuple[str, str] | None = None,
) -> str:
    by = trends.by
    title = "Theme trends" + (f" by {by}" if by else "")
    lede = [f"{trends.documents} documents (each one’s latest record)"]
    span = trends.dated_span()
    if span:
        lede.append(f"published {span[0]} to {span[1]}")
    lede.append(measure_phrase(measure))
    if as_of:
        lede.append(f"as of {as_of}")
    nav = ""
    if back_link is not None:
        nav = f'<p class="ui noprint"><a href="{esc(back_link[0])}">← {esc(back_link[1])}</a></p>'
    body = [
        f'<div class="wrap">{nav}<h1>{esc(title)}</h1><p class="lede">{esc(" · ".join(lede))}</p>',
        _switch(trends, measure, link),
    ]
    if not trends.documents:
        body.append("<p>No records yet.</p>")
    else:
        body.append(f'<figure class="chart">{trend_chart(trends, measure)}</figure>')
        if by is not None:
            body.append(f'<figure class="chart">{bars(trends, measure)}</figure>')
        body.append(f"<h2>Table</h2>{_table(trends, measure)}")
        if trends.hidden_groups:
            body.append(
                f'<p class="method">The {trends.hidden_groups} smaller groups are pooled in '
                "the last column.</p>"
            )
    body.append(
        '<h2>How to read it</h2><p class="method">A document carries a theme when at least one '
        "of its sentences does (the theme model’s verdict, per sentence). <b>documents</b>: the "
        "share of a group’s documents that carry the theme; <b>sentences</b>: the share of the "
        "group’s sentences that carry it, i.e. how much of the text. A document with several "
        "authors counts for each; a document without a stated publication date is "
        "<i>undated</i> (dates are never guessed). Small groups move a lot: read the n.</p>"
    )
    body.append(_documents(rows or [], doc_link))
    body.append("</div>")
    return page(title, "".join(body), TRENDS_CSS)

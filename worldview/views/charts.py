"""Trend charts as hand-written SVG (no plotting library: the charts are simple, the output is
small, deterministic, scales on any screen and prints sharp).

* ``bars``: each theme's share of the whole corpus, in its colour, largest first;
* ``small_multiples``: one panel per theme, its share month by month (a month without documents
  is a gap in the line), all panels on one scale so they compare;
* ``heatmap``: themes by sites or authors, darker where the share is higher.

Every mark has a ``<title>`` with the exact numbers; every theme is named, never only coloured.
"""

from __future__ import annotations

from worldview.views.html import esc
from worldview.views.palette import contrast, mix
from worldview.views.trends import UNDATED, Group, Measure, Trends, measure_phrase, percent

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
INK, MUTED, RULE = "#1d1d22", "#5b5b66", "#d9d9e0"
CHAR_W = 6.2  # average width of a 12 px sans-serif character, for fitting labels
# Sequential scale for the heatmap (light to dark blue), interpolated in sRGB.
HEAT = ["#f4f8fc", "#c9dcee", "#8fb8dc", "#4f8bc2", "#22609e", "#0d3a6b"]


def _svg(width: float, height: float, title: str, desc: str, body: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'width="{width:.0f}" height="{height:.0f}" role="img" aria-labelledby="t d" '
        f'font-family="{FONT}" font-size="12" fill="{INK}">'
        f'<title id="t">{esc(title)}</title><desc id="d">{esc(desc)}</desc>'
        f'<rect width="100%" height="100%" fill="#ffffff"/>{body}</svg>'
    )


def fit(text: str, width: float, char_w: float = CHAR_W) -> str:
    limit = max(4, int(width / char_w))
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def heat(value: float) -> str:
    value = min(1.0, max(0.0, value))
    position = value * (len(HEAT) - 1)
    i = min(int(position), len(HEAT) - 2)
    return mix(HEAT[i + 1], HEAT[i], position - i)


def _nice_max(value: float) -> float:
    for step in (0.1, 0.2, 0.25, 0.4, 0.5, 0.6, 0.8, 1.0):
        if value <= step:
            return step
    return 1.0


def bars(trends: Trends, measure: Measure) -> str:
    """Each theme's share of the whole corpus, largest first."""
    label_w, bar_w, value_w, row_h, top = 250, 380, 130, 24, 34
    width = label_w + bar_w + value_w
    themes = trends.ranked_themes(measure)
    height = top + row_h * len(themes) + 12
    total = trends.total
    scale = _nice_max(max((total.share(t.id, measure) for t in themes), default=0.0) or 0.1)
    out = [
        f'<text x="0" y="16" font-weight="600" font-size="13">Themes across all '
        f"{trends.documents} documents ({measure_phrase(measure)})</text>"
    ]
    for k in range(5):
        x = label_w + bar_w * k / 4
        out.append(
            f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top - 6}" y2="{height - 10}" stroke="{RULE}"/>'
            f'<text x="{x:.1f}" y="{top - 9}" font-size="10" fill="{MUTED}" '
            f'text-anchor="middle">{percent(scale * k / 4)}</text>'
        )
    for i, t in enumerate(themes):
        y = top + i * row_h
        share = total.share(t.id, measure)
        n, base = total.count(t.id, measure), total.base(measure)
        w = bar_w * share / scale
        unit = "documents" if measure == "documents" else "sentences"
        tip = f"{t.label}: {percent(share)} ({n} of {base} {unit})"
        out.append(
            f"<g><title>{esc(tip)}</title>"
            f'<text x="{label_w - 10}" y="{y + 16}" text-anchor="end">'
            f"{esc(fit(t.label, label_w - 14))}</text>"
            f'<rect x="{label_w}" y="{y + 4}" width="{w:.1f}" height="{row_h - 8}" rx="2" '
            f'fill="{t.colour.hex}"/>'
            f'<text x="{label_w + w + 6:.1f}" y="{y + 16}" fill="{MUTED}">'
            f"{percent(share)} · {n}</text></g>"
        )
    desc = "; ".join(f"{t.label} {percent(total.share(t.id, measure))}" for t in themes)
    return _svg(width, height, f"Theme prevalence, {measure_phrase(measure)}", desc, "".join(out))


def _panel(
    t,
    groups: list[Group],
    measure: Measure,
    box: tuple[float, float, float, float],
    top: float,
    total_share: float,
) -> str:
    x0, y0, w, h = box
    plot_top, plot_h = y0 + 30, h - 52
    values = [(g, g.share(t.id, measure) if g.documents else None) for g in groups]
    step = w / max(1, len(groups) - 1) if len(groups) > 1 else 0.0
    xs = [x0 + (i * step if len(groups) > 1 else w / 2) for i in range(len(groups))]

    def y_of(v: float) -> float:
        return plot_top + plot_h * (1 - v / top)

    overall = f"{percent(total_share)} overall"
    out = [
        f'<text x="{x0}" y="{y0 + 13}" font-weight="600">'
        f'<tspan fill="{t.colour.hex}">■</tspan> {esc(fit(t.label, w - 95, 7.0))}</text>',
        f'<text x="{x0 + w}" y="{y0 + 13}" font-size="10" fill="{MUTED}" text-anchor="end">'
        f"{overall}</text>",
        f'<line x1="{x0}" x2="{x0 + w}" y1="{plot_top + plot_h}" y2="{plot_top + plot_h}" '
        f'stroke="{RULE}"/>',
        f'<line x1="{x0}" x2="{x0 + w}" y1="{plot_top}" y2="{plot_top}" stroke="{RULE}" '
        'stroke-dasharray="2 3"/>',
    ]
    segment: list[str] = []
    segments: list[list[str]] = []
    for x, (_, v) in zip(xs, values, strict=True):
        if v is None:
            if segment:
                segments.append(segment)
            segment = []
            continue
        segment.append(f"{x:.1f},{y_of(v):.1f}")
    if segment:
        segments.append(segment)
    for points in segments:
        if len(points) > 1:
            out.append(
                f'<polyline points="{" ".join(points)}" fill="none" stroke="{t.colour.hex}" '
                'stroke-width="2" stroke-linejoin="round"/>'
            )
    for x, (g, v) in zip(xs, values, strict=True):
        if v is None:
            continue
        unit = "documents" if measure == "documents" else "sentences"
        counts = f"{g.count(t.id, measure)} of {g.base(measure)} {unit}"
        tip = f"{t.label}, {g.name}: {percent(v)} ({counts})"
        out.append(
            f'<circle cx="{x:.1f}" cy="{y_of(v):.1f}" r="3" fill="{t.colour.hex}">'
            f"<title>{esc(tip)}</title></circle>"
        )
    first, last = groups[0].name, groups[-1].name
    label_y = plot_top + plot_h + 13
    out.append(f'<text x="{x0}" y="{label_y}" font-size="10" fill="{MUTED}">{esc(first)}</text>')
    if last != first:
        out.append(
            f'<text x="{x0 + w}" y="{label_y}" font-size="10" fill="{MUTED}" '
            f'text-anchor="end">{esc(last)}</text>'
        )
    return "".join(out)


def small_multiples(trends: Trends, measure: Measure, columns: int = 3) -> str:
    """One panel per theme, its share month by month, one scale for all."""
    groups = [g for g in trends.groups if g.name != UNDATED]
    if not groups:
        return bars(trends, measure)
    themes = trends.ranked_themes(measure)
    panel_w, panel_h, gap_x, gap_y, head = 300, 118, 34, 14, 46
    rows = -(-len(themes) // columns)
    width = columns * panel_w + (columns - 1) * gap_x
    height = head + rows * (panel_h + gap_y)
    peak = max((g.share(t.id, measure) for g in groups for t in themes if g.documents), default=0)
    top = _nice_max(peak or 0.1)
    undated = next((g for g in trends.groups if g.name == UNDATED), None)
    note = f"; {undated.documents} undated documents left out" if undated else ""
    out = [
        f'<text x="0" y="16" font-weight="600" font-size="13">Theme prevalence by month '
        f"({measure_phrase(measure)})</text>",
        f'<text x="0" y="33" font-size="11" fill="{MUTED}">{trends.documents} documents, '
        f"{groups[0].name} to {groups[-1].name}; every panel from 0 to {percent(top)} (dotted "
        f"line){esc(note)}</text>",
    ]
    for i, t in enumerate(themes):
        r, c = divmod(i, columns)
        x0 = c * (panel_w + gap_x)
        y0 = head + r * (panel_h + gap_y)
        box = (x0 + 4, y0, panel_w - 8, panel_h)
        out.append(_panel(t, groups, measure, box, top, trends.total.share(t.id, measure)))
    desc = f"{len(themes)} panels, months {groups[0].name} to {groups[-1].name}"
    return _svg(
        width, height, f"Theme prevalence by month, {measure_phrase(measure)}", desc, "".join(out)
    )


def heatmap(trends: Trends, measure: Measure) -> str:
    """Themes (rows) by groups (columns), darker where the share is higher."""
    groups = [g for g in trends.groups if g.documents]
    if not groups:
        return bars(trends, measure)
    themes = trends.ranked_themes(measure)
    label_w, cell_w, cell_h, head = 270, 58, 24, 150
    width = label_w + cell_w * (len(groups) + 1) + 110  # room for the last rotated name
    height = head + cell_h * len(themes) + 40
    columns = [trends.total, *groups]
    by = trends.by or "group"
    out = [
        f'<text x="0" y="16" font-weight="600" font-size="13">Theme prevalence by {by} '
        f"({measure_phrase(measure)})</text>"
    ]
    for j, g in enumerate(columns):
        x = label_w + j * cell_w + cell_w / 2
        name = "all" if j == 0 else g.name
        weight = ' font-weight="600"' if j == 0 else ""
        out.append(
            f'<text transform="translate({x:.1f},{head - 22}) rotate(-40)" font-size="11"'
            f"{weight}>{esc(fit(name, 150, 6.0))}</text>"
            f'<text x="{x:.1f}" y="{head - 6}" font-size="10" fill="{MUTED}" '
            f'text-anchor="middle">n={g.documents}</text>'
        )
    for i, t in enumerate(themes):
        y = head + i * cell_h
        out.append(
            f'<text x="{label_w - 8}" y="{y + 16}" text-anchor="end">'
            f'<tspan fill="{t.colour.hex}">■</tspan> {esc(fit(t.label, label_w - 26))}</text>'
        )
        for j, g in enumerate(columns):
            v = g.share(t.id, measure)
            fill = heat(v)
            ink = "#ffffff" if contrast(fill, "#ffffff") > contrast(fill, INK) else INK
            x = label_w + j * cell_w
            where = "all" if j == 0 else g.name
            counts = f"{g.count(t.id, measure)} of {g.base(measure)}"
            tip = f"{t.label}, {where}: {percent(v)} ({counts})"
            out.append(
                f"<g><title>{esc(tip)}</title>"
                f'<rect x="{x + 1}" y="{y + 1}" width="{cell_w - 2}" height="{cell_h - 2}" '
                f'fill="{fill}"/>'
                f'<text x="{x + cell_w / 2:.1f}" y="{y + 16}" text-anchor="middle" '
                f'font-size="11" fill="{ink}">{percent(v)}</text></g>'
            )
    x_sep = label_w + cell_w
    out.append(
        f'<line x1="{x_sep}" x2="{x_sep}" y1="{head - 4}" y2="{head + cell_h * len(themes)}" '
        f'stroke="{INK}" stroke-width="1.5"/>'
    )
    legend_y = head + cell_h * len(themes) + 20
    for k, v in enumerate((0.0, 0.25, 0.5, 0.75, 1.0)):
        x = label_w + k * 60
        out.append(
            f'<rect x="{x}" y="{legend_y - 10}" width="14" height="12" fill="{heat(v)}" '
            f'stroke="{RULE}"/><text x="{x + 18}" y="{legend_y}" font-size="10" '
            f'fill="{MUTED}">{percent(v)}</text>'
        )
    desc = f"{len(themes)} themes by {len(groups)} {by} groups"
    return _svg(
        width, height, f"Theme prevalence by {by}, {measure_phrase(measure)}", desc, "".join(out)
    )


def trend_chart(trends: Trends, measure: Measure) -> str:
    """The chart that fits the grouping."""
    if trends.by is None:
        return bars(trends, measure)
    if trends.by == "month":
        return small_multiples(trends, measure)
    return heatmap(trends, measure)

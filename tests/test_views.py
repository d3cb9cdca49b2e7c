"""What an analyst sees (issue 17): the record page, the terminal summary, theme trends and charts.

The pages are checked as a reader would use them: on the seed and every sample, processed with the
real theme model, every sentence theme of the record is highlighted exactly once and named with
its label and score; the page fetches nothing and runs no script; hostile text stays text.
"""

from __future__ import annotations

import io
import json
import math
import re
from pathlib import Path
from xml.etree import ElementTree

import lxml.html
import pytest

from worldview.pipeline import process_document
from worldview.record import Record
from worldview.views.charts import bars, heatmap, small_multiples, trend_chart
from worldview.views.html import CSP
from worldview.views.page import render_record
from worldview.views.palette import contrast, load_palette, rgb
from worldview.views.themed import record_view, sentence_anchor
from worldview.views.trends import (
    NO_AUTHOR,
    UNDATED,
    DocRow,
    compute_trends,
    markdown_table,
    row_from_record,
    trends_json,
)
from worldview.views.trends_page import render_trends

REPO = Path(__file__).resolve().parents[1]
SAMPLES = sorted((REPO / "samples" / "articles").iterdir())


@pytest.fixture(scope="module")
def tagged_records(seed_path) -> dict[str, Record]:
    """The seed and every sample through the whole core, themes on (the model loads once)."""
    from worldview.themes import load_tagger

    tagger = load_tagger()
    paths = [seed_path, *SAMPLES]
    return {p.name: process_document(p.read_bytes(), str(p), tagger=tagger) for p in paths}


def themed_sentences(record: Record) -> dict[str, list[tuple[str, float]]]:
    """anchor -> [(theme id, score)], highest score first, for every sentence with a theme."""
    out = {}
    for p in record.content.paragraphs:
        for s in p.sentences:
            if s.themes:
                ranked = sorted(s.themes, key=lambda t: -t.score)
                out[sentence_anchor(p.index, s.index)] = [(t.id, t.score) for t in ranked]
    return out


def labels() -> dict[str, str]:
    from worldview.themes.taxonomy import load_taxonomy

    return {t.id: t.label for t in load_taxonomy().themes}


def check_page(record: Record, html: str) -> None:
    """Every claim the page makes about the record, checked against the record."""
    doc = lxml.html.fromstring(html)
    assert doc.xpath("//h1")[0].text_content() == record.metadata.title
    header = doc.xpath("//header")[0].text_content()
    for author in record.metadata.authors:
        assert author.name in header
        if author.affiliation:
            assert author.affiliation in header
    # every themed sentence highlighted exactly once, with its own text and themes
    expected = themed_sentences(record)
    marks = doc.xpath("//mark[contains(concat(' ', @class, ' '), ' hl ')]")
    ids = [m.get("id") for m in marks]
    assert len(ids) == len(set(ids)) == len(expected)
    assert set(ids) == set(expected)
    texts = {
        sentence_anchor(p.index, s.index): s.text
        for p in record.content.paragraphs
        for s in p.sentences
    }
    names = labels()
    for mark in marks:
        anchor = mark.get("id")
        assert mark.text_content() == texts[anchor]
        assert mark.get("data-themes").split() == [t for t, _ in expected[anchor]]
        # the label and score of every theme of the sentence, beside it (hover and note)
        note = doc.get_element_by_id(f"n-{anchor}").text_content()
        for theme_id, score in expected[anchor]:
            assert names[theme_id] in note and f"{score:.2f}" in note
            assert names[theme_id] in mark.get("title")
    # the text is all there, in order: each paragraph reads as the record has it
    for p in record.content.paragraphs:
        para = doc.get_element_by_id(f"p{p.index}").xpath("./p")[0]
        for extra in para.xpath(".//sup | .//span[@class='pn']"):
            extra.drop_tree()
        assert para.text_content() == p.text
    # the legend: each theme with its sentence count and a link to each of its sentences
    for theme in record.themes:
        item = doc.xpath(f"//nav[@class='legend']//li[@data-theme='{theme.id}']")
        assert len(item) == 1
        count = sum(1 for ts in expected.values() if theme.id in dict(ts))
        noun = "sentence" if count == 1 else "sentences"
        assert f"{count} {noun}" in item[0].text_content()
        links = {a.get("href") for a in item[0].xpath(".//span[@class='refs']/a")}
        wanted = {f"#{a}" for a, ts in expected.items() if theme.id in dict(ts)}
        assert links == wanted
        definition = doc.get_element_by_id(f"theme-{theme.id}")
        assert definition.getnext().text_content()  # its definition follows
    # readable without scripts, fetching nothing
    assert not doc.xpath("//script | //iframe | //object | //embed | //link | //img | //form")
    assert not [el for el in doc.iter() if any(k.startswith("on") for k in el.attrib)]
    assert not re.search(r"javascript:|@import|url\(", html, re.I)
    csp = doc.xpath("//meta[@http-equiv='Content-Security-Policy']/@content")
    assert csp == [CSP] and "default-src 'none'" in CSP
    for href in doc.xpath("//a/@href"):
        assert href.startswith(("#", "http://", "https://")), href
    # warnings and provenance at the foot
    foot = doc.xpath("//footer")[0].text_content()
    assert f"Warnings ({len(record.warnings)})" in foot
    assert (record.provenance.model or "none (not tagged)") in foot


def test_every_sample_and_the_seed_page_shows_every_sentence_theme(tagged_records) -> None:
    assert len(tagged_records) == len(SAMPLES) + 1
    for name, record in tagged_records.items():
        assert record.themes, f"{name}: the model found no theme?"
        try:
            check_page(record, render_record(record))
        except AssertionError as exc:
            raise AssertionError(f"{name}: {exc}") from exc


def test_focus_links_work_without_script(tagged_records) -> None:
    """Each legend entry links to a banner that CSS shows when targeted, and the page's CSS
    fades the other themes then (``:target`` + ``:has``: no script)."""
    record = tagged_records["seed_usip_negotiating_with_putin.txt"]
    html = render_record(record)
    doc = lxml.html.fromstring(html)
    style = doc.xpath("//style")[0].text
    for theme in record.themes:
        (link,) = doc.xpath(f"//nav//li[@data-theme='{theme.id}']/a[@class='name']")
        assert link.get("href") == f"#only-{theme.id}"
        assert doc.get_element_by_id(f"only-{theme.id}").get("class") == "focus"
        assert f'body:has(#only-{theme.id}:target) mark.hl:not([data-themes~="{theme.id}"])' in (
            style
        )


def test_a_record_without_the_model_says_so(seed_path) -> None:
    record = process_document(seed_path.read_bytes(), str(seed_path))
    html = render_record(record)
    assert "made without the theme model" in html
    assert "<mark" not in html
    check_page(record, html)


def test_hostile_text_stays_text(seed_path) -> None:
    record = process_document(seed_path.read_bytes(), str(seed_path))
    data = record.model_dump(mode="json")
    data["metadata"]["title"] = '<script>alert("title")</script>'
    data["metadata"]["canonical_url"] = "javascript:alert(1)"
    data["metadata"]["authors"][0]["name"] = '"><img src=x onerror=alert(2)>'
    data["content"]["images"] = [{"src": "data:text/html,<script>", "caption": "<b>x</b>"}]
    data["warnings"] = ["odd: </style><script>alert(3)</script>"]
    paragraph = data["content"]["paragraphs"][0]
    sentence = paragraph["sentences"][0]
    sentence["themes"] = [{"id": "west_as_enemy", "score": 0.9}]
    data["themes"] = [
        {
            "id": "west_as_enemy",
            "label": "<i>label</i>",
            "score": 0.9,
            "sentence_count": 1,
            "sentences": [{"paragraph": 0, "sentence": 0, "score": 0.9}],
        }
    ]
    hostile = Record.model_validate(data)
    html = render_record(hostile)
    doc = lxml.html.fromstring(html)
    assert not doc.xpath("//script | //img | //b[text()='x'] | //i[text()='label']")
    assert "javascript:" not in html and "data:text" not in html
    assert doc.xpath("//h1")[0].text_content() == '<script>alert("title")</script>'


def test_a_theme_the_installed_taxonomy_does_not_know_is_shown_grey_with_its_label(
    seed_path,
) -> None:
    record = process_document(seed_path.read_bytes(), str(seed_path))
    data = record.model_dump(mode="json")
    data["content"]["paragraphs"][0]["sentences"][0]["themes"] = [{"id": "new_theme", "score": 1}]
    data["themes"] = [
        {
            "id": "new_theme",
            "label": "A newer theme",
            "score": 1.0,
            "sentence_count": 1,
            "sentences": [{"paragraph": 0, "sentence": 0, "score": 1.0}],
        }
    ]
    html = render_record(Record.model_validate(data))
    doc = lxml.html.fromstring(html)
    assert "A newer theme" in doc.get_element_by_id("n-p0-s0").text_content()
    assert load_palette().unknown.hex in html


# -- the palette ---------------------------------------------------------------------------


def _lab(hex_colour: str) -> tuple[float, float, float]:
    def lin(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (lin(c) for c in rgb(hex_colour))
    x = (0.4124564 * r + 0.3575761 * g + 0.1804375 * b) / 0.95047
    y = 0.2126729 * r + 0.7151522 * g + 0.0721750 * b
    z = (0.0193339 * r + 0.1191920 * g + 0.9503041 * b) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 216 / 24389 else (24389 / 27 * t + 16) / 116

    fx, fy, fz = f(x), f(y), f(z)
    return 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)


def _ciede2000(c1: str, c2: str) -> float:
    (l1, a1, b1), (l2, a2, b2) = _lab(c1), _lab(c2)
    cb = (math.hypot(a1, b1) + math.hypot(a2, b2)) / 2
    g = 0.5 * (1 - math.sqrt(cb**7 / (cb**7 + 25**7)))
    a1p, a2p = (1 + g) * a1, (1 + g) * a2
    c1p, c2p = math.hypot(a1p, b1), math.hypot(a2p, b2)
    h1p = math.degrees(math.atan2(b1, a1p)) % 360
    h2p = math.degrees(math.atan2(b2, a2p)) % 360
    dl, dc = l2 - l1, c2p - c1p
    dh = h2p - h1p
    dh = dh - 360 if dh > 180 else dh + 360 if dh < -180 else dh
    dhh = 2 * math.sqrt(c1p * c2p) * math.sin(math.radians(dh / 2))
    lb, cbp = (l1 + l2) / 2, (c1p + c2p) / 2
    hb = (h1p + h2p + 360) / 2 if abs(h1p - h2p) > 180 else (h1p + h2p) / 2
    t = (
        1
        - 0.17 * math.cos(math.radians(hb - 30))
        + 0.24 * math.cos(math.radians(2 * hb))
        + 0.32 * math.cos(math.radians(3 * hb + 6))
        - 0.20 * math.cos(math.radians(4 * hb - 63))
    )
    sl = 1 + 0.015 * (lb - 50) ** 2 / math.sqrt(20 + (lb - 50) ** 2)
    sc, sh = 1 + 0.045 * cbp, 1 + 0.015 * cbp * t
    rt = (
        -math.sin(math.radians(60 * math.exp(-(((hb - 275) / 25) ** 2))))
        * 2
        * math.sqrt(cbp**7 / (cbp**7 + 25**7))
    )
    return math.sqrt(
        (dl / sl) ** 2 + (dc / sc) ** 2 + (dhh / sh) ** 2 + rt * (dc / sc) * (dhh / sh)
    )


def test_the_palette_has_one_accessible_distinguishable_colour_per_theme() -> None:
    from worldview.themes.taxonomy import load_taxonomy

    palette = load_palette()
    ids = load_taxonomy().ids
    assert set(palette.colours) == set(ids) and len(ids) == 15
    hexes = [palette.colours[t].hex for t in ids]
    assert len(set(hexes)) == 15
    for theme_id, colour in palette.colours.items():
        # a swatch, bar or line is visible on white (WCAG non-text contrast 3:1), not near-black
        assert 3.0 <= contrast(colour.hex, "#ffffff") <= 8.5, theme_id
        # text on a highlighted sentence keeps AAA contrast
        assert contrast(colour.tint(0.26), "#1d1d22") >= 7.0, theme_id
    closest = min(_ciede2000(a, b) for i, a in enumerate(hexes) for b in hexes[i + 1 :])
    assert closest >= 20.0, closest


# -- the terminal summary ------------------------------------------------------------------


def test_summary_names_each_theme_with_its_count_and_surest_sentence(tagged_records) -> None:
    from rich.console import Console

    from worldview.views.summary import print_summary

    record = tagged_records["seed_usip_negotiating_with_putin.txt"]
    out = io.StringIO()
    print_summary(record, Console(file=out, width=120, color_system=None))
    text = out.getvalue()
    assert record.metadata.title in text and "GLOBSEC" in text
    view = record_view(record)
    for summary in view.themes:
        noun = "sentence" if summary.count == 1 else "sentences"
        assert f"{summary.theme.label}  {summary.count} {noun}" in text
        assert f"[{summary.top.number}]" in text
    assert f"{len(view.sentences)} of {view.total_sentences} sentences carry a theme" in text


# -- trends --------------------------------------------------------------------------------


def row(doc: str, published: str | None, themes: dict[str, int], **kw) -> DocRow:
    return DocRow(
        document_id=doc,
        version=kw.get("version", 1),
        title=doc,
        published=published,
        site=kw.get("site"),
        authors=tuple(kw.get("authors", ())),
        sentences=kw.get("sentences", 10),
        theme_sentences=themes,
    )


ROWS = [
    row("a", "2025-01-10", {"west_as_enemy": 2}, site="A", authors=["X", "Y"]),
    row("b", "2025-01-20", {"west_as_enemy": 1, "lost_empire": 5}, site="A", authors=["X"]),
    row("c", "2025-03-02", {"lost_empire": 1}, site="B", authors=["Y"], sentences=20),
    row("d", None, {}, site=None),
]


def test_trends_by_month_count_documents_and_sentences_and_keep_gaps() -> None:
    trends = compute_trends(ROWS, "month")
    assert [g.name for g in trends.groups] == ["2025-01", "2025-02", "2025-03", UNDATED]
    jan, feb, mar, undated = trends.groups
    assert (jan.documents, feb.documents, mar.documents, undated.documents) == (2, 0, 1, 1)
    assert jan.share("west_as_enemy", "documents") == 1.0
    assert jan.share("lost_empire", "documents") == 0.5
    assert jan.share("lost_empire", "sentences") == 5 / 20
    assert mar.share("lost_empire", "sentences") == 1 / 20
    assert trends.total.share("west_as_enemy", "documents") == 0.5
    assert trends.dated_span() == ("2025-01", "2025-03")
    assert len(trends.themes) == 15  # every theme, found or not


def test_trends_by_author_count_a_shared_document_for_each_and_pool_the_rest() -> None:
    trends = compute_trends(ROWS, "author", top=1)
    assert [g.name for g in trends.groups] == ["X", "all others (2)"]
    assert trends.groups[0].documents == 2
    others = trends.groups[1]
    assert others.documents == 3  # Y's a and c, and d with no author: each document once
    by_site = compute_trends(ROWS, "site")
    assert {g.name: g.documents for g in by_site.groups} == {"A": 2, "B": 1, "site not stated": 1}
    assert NO_AUTHOR in [g.name for g in compute_trends(ROWS, "author").groups]


def test_trend_rows_come_from_records_and_round_trip(tagged_records) -> None:
    for record in tagged_records.values():
        r = row_from_record(record)
        assert DocRow.from_json(r.to_json()) == r
        assert r.sentences == sum(len(p.sentences) for p in record.content.paragraphs)
        for theme in record.themes:
            assert r.theme_sentences[theme.id] == theme.sentence_count


def test_trend_outputs_are_well_formed(tagged_records) -> None:
    rows = [row_from_record(r) for r in tagged_records.values()]
    for by in (None, "month", "site", "author"):
        trends = compute_trends(rows, by)
        for measure in ("documents", "sentences"):
            svg = trend_chart(trends, measure)
            root = ElementTree.fromstring(svg)  # well-formed XML
            assert root.tag.endswith("svg") and root.get("role") == "img"
            html = render_trends(trends, measure, rows=rows)
            doc = lxml.html.fromstring(html)
            assert not doc.xpath("//script") and doc.xpath("//svg")
            labels_shown = doc.xpath("//table[@class='trend']//td[@class='label']")
            assert len(labels_shown) == 15
            json.dumps(trends_json(trends, measure))
    table = markdown_table(compute_trends(rows, "month"), "documents", max_groups=3)
    lines = table.splitlines()
    assert len(lines) == 2 + 15 and lines[0].count("|") == 2 + 4


def test_charts_name_every_theme() -> None:
    trends = compute_trends(ROWS, "month")
    names = labels().values()
    for svg in (bars(trends, "documents"), small_multiples(trends, "documents")):
        for name in names:
            assert name.replace('"', "&quot;")[:20] in svg or name[:20] in svg
    site = compute_trends(ROWS, "site")
    assert "site not stated" in heatmap(site, "documents")

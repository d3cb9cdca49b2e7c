"""One record -> one self-contained HTML page an analyst reads: the article with every themed
sentence highlighted in its theme's colour and numbered, the themes' labels and scores in the
margin (under the paragraph on a phone and on paper), a legend with counts and links to the
sentences, the definitions, and warnings and provenance at the foot.

No script: hover text is a ``title``, "show only this theme" is a ``:target`` link and CSS
``:has()``; in a browser without ``:has()`` the link still jumps, and nothing is hidden.
"""

from __future__ import annotations

from worldview.record import Paragraph, Record
from worldview.views.html import esc, human_date, page, safe_url, score, swatch
from worldview.views.themed import (
    RecordView,
    ThemedSentence,
    ThemeInfo,
    ThemeSummary,
    record_view,
)

TINT = 0.26  # how much of a theme's colour a highlighted sentence's background takes

PAGE_CSS = """
header.doc { border-bottom: 1px solid var(--rule); padding-bottom: 1.2rem; margin-bottom: 1.2rem; }
.kicker { text-transform: uppercase; letter-spacing: .06em; font-size: .78rem; color: var(--muted);
  margin: 0; }
.subtitle { font-size: 1.15rem; color: var(--muted); margin: 0 0 .8rem; }
.byline { margin: .4rem 0; font-size: .95rem; }
.byline .aff { color: var(--muted); }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem; margin: .8rem 0 0;
  font-size: .8rem; color: var(--muted); }
.facts dt { font-weight: 600; }
.facts dd { margin: 0; overflow-wrap: anywhere; }
.banner { font-family: var(--sans); font-size: .9rem; background: #fff6d6;
  border: 1px solid #e6cf7a; padding: .6rem .8rem; border-radius: 4px; }
nav.legend { background: #fafaf7; border: 1px solid var(--rule); border-radius: 6px;
  padding: .9rem 1.1rem; margin: 1.2rem 0; }
nav.legend h2 { margin: 0 0 .2rem; font-size: 1.05rem; }
nav.legend .sub { margin: 0 0 .7rem; font-size: .85rem; color: var(--muted); }
nav.legend ul { list-style: none; margin: 0; padding: 0; columns: 2 22rem; column-gap: 2rem; }
nav.legend li { break-inside: avoid; display: grid; grid-template-columns: 1.1em 1fr auto;
  column-gap: .45rem; padding: .3rem 0; border-top: 1px solid #ececf1; font-size: .9rem; }
nav.legend li .sw { margin-top: .3em; }
nav.legend .name { font-weight: 600; text-decoration: none; color: var(--ink); }
nav.legend .name:hover { text-decoration: underline; }
nav.legend .count { font-variant-numeric: tabular-nums; white-space: nowrap; }
nav.legend .refs { grid-column: 2 / 4; font-size: .8rem; color: var(--muted); }
nav.legend .refs a { text-decoration: none; padding: 0 .1rem; }
nav.legend .refs a:hover { text-decoration: underline; }
.takeaways { border-left: 4px solid var(--ink); padding: .2rem 0 .2rem 1rem; margin: 1.2rem 0; }
.takeaways h2 { margin: 0 0 .3rem; font-size: .95rem; text-transform: uppercase;
  letter-spacing: .05em; }
.takeaways ul { margin: 0; padding-left: 1.1rem; }
.editor-note { font-size: .95rem; color: var(--muted); font-style: italic; }
.focus { display: none; position: sticky; top: 0; z-index: 2; background: #1d1d22; color: #fff;
  padding: .5rem .9rem; border-radius: 0 0 6px 6px; font-size: .9rem; margin: 0 0 1rem; }
.focus:target { display: block; }
.focus a { color: #cfe0ff; }
.focus .sw { outline: 1px solid #fff; }
article h2.section { font-size: 1.2rem; margin-top: 2rem; }
.para { display: grid; grid-template-columns: minmax(0, 42rem) minmax(13rem, 1fr); column-gap: 2rem;
  margin: 0 0 1.1rem; }
.para > p { margin: 0; }
.pn { font: .7rem var(--sans); color: #a0a0aa; margin-right: .35rem; user-select: none; }
mark.hl { color: inherit; background-color: var(--t); border-radius: 2px; padding: .08em .12em;
  background-image: var(--u); background-repeat: no-repeat; background-size: 100% 2.5px;
  background-position: 0 100%; -webkit-box-decoration-break: clone; box-decoration-break: clone;
  print-color-adjust: exact; -webkit-print-color-adjust: exact; }
sup.ref { font: 600 .68em var(--sans); line-height: 0; margin-left: .1em; }
sup.ref a { text-decoration: none; }
aside.notes ol { list-style: none; margin: 0; padding: 0; font-size: .78rem; line-height: 1.4; }
aside.notes li { display: flex; gap: .45rem; padding: .25rem 0; border-top: 1px solid #ececf1; }
aside.notes li:first-child { border-top: 0; }
aside.notes .num { font-weight: 700; min-width: 1.4em; text-decoration: none; }
aside.notes .tags { display: flex; flex-direction: column; gap: .1rem; }
aside.notes .tag { white-space: normal; }
aside.notes .tag a { color: var(--ink); text-decoration: none; }
aside.notes .tag a:hover { text-decoration: underline; }
.extras blockquote { font-size: 1.1rem; font-style: italic; border-left: 3px solid var(--rule);
  margin: 1rem 0; padding: .2rem 0 .2rem 1rem; }
.extras figure { margin: 1rem 0; }
.extras figcaption { font-size: .85rem; }
.footnotes { font-size: .9rem; padding-left: 0; list-style: none; }
.footnotes li { margin: .3rem 0; }
.defs dl { margin: 0; }
.defs dt { font: 600 .95rem var(--sans); margin-top: .9rem; display: flex; gap: .5rem;
  align-items: baseline; }
.defs dd { margin: .2rem 0 0 1.3rem; font-size: .95rem; }
.defs details { margin-top: 1.2rem; font-size: .95rem; }
.defs summary { font-family: var(--sans); cursor: pointer; color: var(--link); }
footer.doc { margin-top: 2.5rem; border-top: 1px solid var(--rule); padding-top: 1rem;
  font-size: .85rem; }
footer.doc h2 { font-size: 1rem; margin: 1.4rem 0 .5rem; }
footer.doc ul { padding-left: 1.1rem; margin: 0; }
footer.doc code { font-size: .8rem; overflow-wrap: anywhere; }
@media (max-width: 62rem) {
  .para { display: block; }
  aside.notes { margin: .35rem 0 0 .2rem; padding-left: .7rem; border-left: 3px solid var(--rule); }
}
@media (max-width: 30rem) {
  body { font-size: 16px; }
  .facts { column-gap: .6rem; }
  nav.legend { padding: .7rem; }
}
@media print {
  .para { display: block; break-inside: auto; }
  aside.notes { margin: .2rem 0 0; padding-left: .6rem; border-left: 2px solid var(--rule);
    break-inside: avoid; }
  nav.legend { padding: .5rem .8rem; }
  nav.legend ul { columns: 2; column-gap: 1.2rem; }
  nav.legend li { break-inside: avoid; font-size: 8.5pt; padding: .15rem 0; }
  .focus, .defs details summary { display: none; }
  .defs details > * { display: block; }
}
"""


def underline(themes: list[ThemeInfo]) -> str:
    """A stripe under the sentence in every theme's colour, in equal parts."""
    if len(themes) == 1:
        c = themes[0].colour.hex
        return f"linear-gradient({c},{c})"
    step = 100 / len(themes)
    stops = ",".join(
        f"{t.colour.hex} {i * step:.1f}% {(i + 1) * step:.1f}%" for i, t in enumerate(themes)
    )
    return f"linear-gradient(90deg,{stops})"


def _mark(s: ThemedSentence) -> str:
    themes = [t.theme for t in s.themes]
    hover = " · ".join(f"{t.theme.label} {score(t.score)}" for t in s.themes)
    style = f"--t:{themes[0].colour.tint(TINT)};--u:{underline(themes)}"
    return (
        f'<mark class="hl" id="{s.anchor}" data-themes="{esc(" ".join(s.theme_ids))}" '
        f'title="{esc(hover)}" style="{style}">{esc(s.text)}</mark>'
        f'<sup class="ref"><a href="#n-{s.anchor}" aria-label="note {s.number}">'
        f"{s.number}</a></sup>"
    )


def _note(s: ThemedSentence) -> str:
    tags = "".join(
        f'<span class="tag">{swatch(t.theme.colour.hex)} '
        f'<a href="#theme-{esc(t.theme.id)}">{esc(t.theme.label)}</a> '
        f'<span class="sc">{score(t.score)}</span></span>'
        for t in s.themes
    )
    return (
        f'<li id="n-{s.anchor}" data-themes="{esc(" ".join(s.theme_ids))}">'
        f'<a class="num" href="#{s.anchor}" aria-label="back to sentence {s.number}">{s.number}</a>'
        f'<span class="tags">{tags}</span></li>'
    )


def _paragraph(paragraph: Paragraph, view: RecordView) -> str:
    text = paragraph.text
    parts = [f'<span class="pn" aria-hidden="true">¶{paragraph.index + 1}</span>']
    notes = []
    position = 0
    for sentence in paragraph.sentences:
        themed = view.by_position.get((paragraph.index, sentence.index))
        if themed is None:
            continue
        parts.append(esc(text[position : sentence.start]))
        parts.append(_mark(themed))
        notes.append(_note(themed))
        position = sentence.end
    parts.append(esc(text[position:]))
    aside = (
        f'<aside class="notes" aria-label="themes of paragraph {paragraph.index + 1}">'
        f"<ol>{''.join(notes)}</ol></aside>"
        if notes
        else "<div></div>"
    )
    return f'<div class="para" id="p{paragraph.index}"><p>{"".join(parts)}</p>{aside}</div>'


def _article(record: Record, view: RecordView) -> str:
    out = ['<article id="text" aria-label="the text">']
    headings = record.content.headings
    shown = 0  # headings emitted so far (in order; a heading with no paragraph still shows)
    current: str | None = None
    for paragraph in record.content.paragraphs:
        if paragraph.section is not None and paragraph.section != current:
            if paragraph.section in headings[shown:]:
                upto = headings.index(paragraph.section, shown) + 1
                pending, shown = headings[shown:upto], upto
            else:
                pending = [paragraph.section]
            for heading in pending:
                out.append(f'<h2 class="section">{esc(heading)}</h2>')
            current = paragraph.section
        out.append(_paragraph(paragraph, view))
    for heading in headings[shown:]:
        if heading != current:
            out.append(f'<h2 class="section">{esc(heading)}</h2>')
    out.append("</article>")
    return "\n".join(out)


def _authors(record: Record) -> str:
    names = []
    for author in record.metadata.authors:
        aff = f' <span class="aff">({esc(author.affiliation)})</span>' if author.affiliation else ""
        names.append(f"{esc(author.name)}{aff}")
    if not names:
        return ""
    joined = ", ".join(names[:-1]) + (" and " if len(names) > 1 else "") + names[-1]
    return f'<p class="byline">By {joined}</p>'


def _header(record: Record) -> str:
    m = record.metadata
    kicker = [x for x in (m.publication_type, m.site_name) if x]
    published = human_date(m.published)
    kicker.append(published if published else "date not stated")
    facts = []
    if m.updated:
        facts.append(("Updated", esc(human_date(m.updated))))
    url = safe_url(m.canonical_url)
    if url:
        link = f'<a href="{esc(url)}" rel="noopener noreferrer">{esc(url)}</a>'
        facts.append(("Canonical URL", link))
    s = record.source
    facts.append(("Source", f"<code>{esc(s.uri)}</code>"))
    detail = f"{esc(s.format)}, {esc(s.encoding)}, {s.bytes:,} bytes"
    if s.version_id:
        detail += f", revision <code>{esc(s.version_id)}</code>"
    facts.append(("Read as", detail))
    facts.append(("Record", f"<code>{esc(record.document_id)}</code> version {record.version}"))
    if m.language:
        facts.append(("Language", esc(m.language)))
    dl = "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in facts)
    subtitle = f'<p class="subtitle">{esc(m.subtitle)}</p>' if m.subtitle else ""
    return (
        f'<header class="doc" id="top"><p class="kicker">{" · ".join(esc(k) for k in kicker)}</p>'
        f"<h1>{esc(m.title)}</h1>{subtitle}{_authors(record)}"
        f'<dl class="facts">{dl}</dl></header>'
    )


def _legend_item(summary: ThemeSummary) -> str:
    t = summary.theme
    refs = " ".join(
        f'<a href="#{s.anchor}" title="{esc(s.text[:140])}">{s.number}</a>'
        for s in summary.sentences
    )
    noun = "sentence" if summary.count == 1 else "sentences"
    refs_html = f'<span class="refs">sentences {refs}</span>' if refs else ""
    return (
        f'<li data-theme="{esc(t.id)}">{swatch(t.colour.hex)}'
        f'<a class="name" href="#only-{esc(t.id)}" title="show only this theme">{esc(t.label)}</a>'
        f'<span class="count">{summary.count} {noun} '
        f'<span class="sc" title="document score">{score(summary.score)}</span></span>'
        f"{refs_html}</li>"
    )


def _legend(view: RecordView) -> str:
    if not view.tagged:
        return (
            '<p class="banner">This record was made without the theme model '
            "(<code>--no-themes</code> or <code>WORLDVIEW_THEMES=off</code>): no sentence is "
            "tagged.</p>"
        )
    if not view.themes:
        return (
            f'<p class="banner">None of the {view.total_sentences} sentences carries a theme '
            f"(model <code>{esc(view.record.provenance.model)}</code>).</p>"
        )
    taxonomy_size = len(view.themes) + len(view.absent)
    return (
        '<nav class="legend" aria-labelledby="legend-h">'
        f'<h2 id="legend-h">Themes: {len(view.themes)} of {taxonomy_size}</h2>'
        f'<p class="sub">{len(view.sentences)} of {view.total_sentences} sentences carry a theme, '
        "numbered in the text. "
        '<span class="noprint">Click a theme to show only its sentences; the numbers link to '
        'them. <a href="#definitions">Definitions</a> · <a href="#text">the text</a></span></p>'
        f"<ul>{''.join(_legend_item(s) for s in view.themes)}</ul></nav>"
    )


def _focus(view: RecordView) -> tuple[str, str]:
    """Per theme: a banner that shows when ``#only-<id>`` is the target, and the CSS that then
    fades every sentence and note without that theme."""
    banners, css = [], []
    for summary in view.themes:
        t = summary.theme
        banners.append(
            f'<p class="focus" id="only-{esc(t.id)}">Showing only {swatch(t.colour.hex)} '
            f"<b>{esc(t.label)}</b> ({summary.count}) · "
            '<a href="#top">show all themes</a></p>'
        )
        sel = f"body:has(#only-{t.id}:target)"
        css.append(
            f'{sel} mark.hl:not([data-themes~="{t.id}"]) {{ background: none; }}\n'
            f'{sel} aside.notes li:not([data-themes~="{t.id}"]) {{ opacity: .3; }}\n'
            f'{sel} nav.legend li:not([data-theme="{t.id}"]) {{ opacity: .45; }}\n'
        )
    return "".join(banners), "".join(css)


def _front_matter(record: Record) -> str:
    out = []
    c = record.content
    if c.key_takeaways:
        items = "".join(f"<li>{esc(t)}</li>" for t in c.key_takeaways)
        out.append(f'<section class="takeaways"><h2>Key takeaways</h2><ul>{items}</ul></section>')
    for note in record.metadata.notes:
        out.append(f'<p class="editor-note">Editor’s note: {esc(note)}</p>')
    return "".join(out)


def _footnotes(record: Record) -> str:
    notes = getattr(record.content, "footnotes", None) or []  # schema 1.1.0 and later
    if not notes:
        return ""
    items = "".join(
        f'<li><span class="muted">{esc(n.label) + " " if n.label else ""}</span>{esc(n.text)}</li>'
        for n in notes
    )
    return f'<section class="extras"><h2>Notes</h2><ol class="footnotes">{items}</ol></section>'


def _extras(record: Record) -> str:
    c = record.content
    if not c.pull_quotes and not c.images:
        return _footnotes(record)
    out = ['<section class="extras"><h2>Also on the page</h2>']
    for quote in c.pull_quotes:
        out.append(f"<blockquote>{esc(quote)}</blockquote>")
    for image in c.images:
        bits = []
        if image.caption or image.alt:
            bits.append(esc(image.caption or image.alt))
        if image.credit:
            bits.append(f'<span class="muted">{esc(image.credit)}</span>')
        url = safe_url(image.src)
        if url:  # never loaded here: the page fetches nothing
            bits.append(f'<a href="{esc(url)}" rel="noopener noreferrer">image</a>')
        if bits:
            out.append(f"<figure><figcaption>Image: {' · '.join(bits)}</figcaption></figure>")
    out.append("</section>")
    return "".join(out) + _footnotes(record)


def _definitions(view: RecordView) -> str:
    if not view.themes and not view.absent:
        return ""
    out = ['<section class="defs" id="definitions"><h2>What the themes mean</h2><dl>']
    for summary in view.themes:
        t = summary.theme
        definition = esc(t.definition) if t.definition else "<i>not in the installed taxonomy</i>"
        out.append(
            f'<dt id="theme-{esc(t.id)}">{swatch(t.colour.hex)}{esc(t.label)} '
            f'<span class="sc">{summary.count} in this document · <code>{esc(t.id)}</code></span>'
            f"</dt><dd>{definition}</dd>"
        )
    out.append("</dl>")
    if view.absent:
        out.append(
            f"<details><summary>The {len(view.absent)} theme(s) this document does not carry"
            "</summary><dl>"
        )
        for t in view.absent:
            out.append(
                f'<dt id="theme-{esc(t.id)}">{swatch(t.colour.hex)}{esc(t.label)}</dt>'
                f"<dd>{esc(t.definition or '')}</dd>"
            )
        out.append("</dl></details>")
    out.append("</section>")
    return "".join(out)


def _footer(record: Record) -> str:
    out = ['<footer class="doc">']
    bios = [a for a in record.metadata.authors if a.bio]
    if bios:
        out.append("<h2>About the authors</h2>")
        out.extend(f"<p>{esc(a.bio)}</p>" for a in bios)
    out.append(f"<h2>Warnings ({len(record.warnings)})</h2>")
    if record.warnings:
        items = "".join(f"<li>{_warning(w)}</li>" for w in record.warnings)
        out.append(f"<ul>{items}</ul>")
    else:
        out.append('<p class="muted">Cleaning changed nothing worth a warning.</p>')
    p = record.provenance
    rows = [
        ("Pipeline", p.pipeline_version),
        ("Schema", p.schema_version),
        ("Taxonomy", p.taxonomy_version or "—"),
        ("Theme model", p.model or "none (not tagged)"),
        ("Processed at", p.processed_at),
        ("Source sha256", record.source.sha256),
    ]
    if p.steps_ms:
        steps = " · ".join(f"{k} {v:,.1f}" for k, v in p.steps_ms.items())
        rows.append(("Step timings (ms)", f"{steps} · total {sum(p.steps_ms.values()):,.1f}"))
    table = "".join(f"<tr><th>{k}</th><td><code>{esc(v)}</code></td></tr>" for k, v in rows)
    out.append(f'<h2>Provenance</h2><div class="scroll"><table>{table}</table></div>')
    out.append("</footer>")
    return "".join(out)


def _warning(warning: str) -> str:
    code, sep, detail = warning.partition(": ")
    if sep and code and " " not in code:
        return f"<code>{esc(code)}</code> {esc(detail)}"
    return esc(warning)


def render_record(record: Record, *, back_link: tuple[str, str] | None = None) -> str:
    """The record as one self-contained HTML page; ``back_link`` (href, text) for the page
    server's navigation (left out of stored and saved pages)."""
    view = record_view(record)
    banners, focus_css = _focus(view)
    nav = ""
    if back_link is not None:
        nav = f'<p class="ui noprint"><a href="{esc(back_link[0])}">← {esc(back_link[1])}</a></p>'
    body = (
        f'<div class="wrap">{nav}{_header(record)}{_legend(view)}{banners}'
        f"{_front_matter(record)}{_article(record, view)}{_extras(record)}"
        f"{_definitions(view)}{_footer(record)}"
        f'<p class="site-foot">Rendered by worldview from record '
        f"<code>{esc(record.document_id)}</code> v{record.version}. Highlights, labels and scores "
        "are the theme model’s, not an analyst’s.</p></div>"
    )
    return page(record.metadata.title, body, PAGE_CSS + focus_css, record.metadata.language)

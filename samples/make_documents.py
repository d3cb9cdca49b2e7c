"""Write the PDF and Word samples from the project's own articles, with real producers.

Think tanks publish PDFs made by browsers ("print to PDF" of a web page), by word processors and
by layout tools, and receive Word files. The samples here are made the same way, from the
sample articles of this folder (no third-party text): headless Chromium prints web pages (with
and without its header and footer) and laid-out reports (two columns; justified text with soft
hyphens; running headers and "Page N of M" footers from CSS page-margin boxes); LibreOffice
exports Word documents and HTML to PDF and to .docx; python-docx writes a Word file with styles,
footnotes, tracked changes and a comment, as Word itself would.

Each sample's content as the producer got it is kept as ``src/<sample file name>.html`` (the
goldens quote from it). The binaries are committed: CI has neither Chromium nor LibreOffice.
Needs ``chromium`` and ``libreoffice-writer-nogui`` (Debian). Run from anywhere:

    .venv/bin/python samples/make_documents.py            # (re)write the samples
    .venv/bin/python samples/make_documents.py --only NAME  # one sample

The output of a producer changes with its version (and PDFs carry dates), so the files are not
byte-reproducible; regenerate them only to change a sample, then review the goldens.
"""

from __future__ import annotations

import base64
import html
import io
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib
from collections.abc import Callable
from pathlib import Path

SAMPLES = Path(__file__).resolve().parent
ARTICLES = SAMPLES / "articles"
SRC = SAMPLES / "src"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or "chromium"
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice") or "soffice"


# --- pictures ---------------------------------------------------------------------------------


def png(width: int, height: int, seed: int) -> bytes:
    """A small RGB PNG (bands of colour), written without an imaging library."""
    rows = []
    for y in range(height):
        row = bytearray([0])
        for x in range(width):
            band = (x * 3 + y * (seed + 2)) // 40 % 6
            row += bytes(((band * 37 + seed * 50) % 256, (band * 23 + 90) % 256, 160 - band * 9))
        rows.append(bytes(row))

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
        + chunk(b"IEND", b"")
    )


def data_uri(seed: int, width: int = 360, height: int = 200) -> str:
    return "data:image/png;base64," + base64.b64encode(png(width, height, seed)).decode()


# --- producers --------------------------------------------------------------------------------


def chromium_pdf(page: str, out: Path, *, header_footer: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / f"{out.stem}.html"
        source.write_text(page, encoding="utf-8")
        args = [CHROMIUM, "--headless=new", "--no-sandbox", "--disable-gpu"]
        args += ["--no-pdf-header-footer"] if not header_footer else []
        args += [f"--print-to-pdf={out}", source.as_uri()]
        subprocess.run(args, check=True, capture_output=True, timeout=120)


def libreoffice(source: Path, target: str, out: Path, infilter: str | None = None) -> None:
    """Convert ``source`` with LibreOffice (``target`` e.g. "pdf:writer_pdf_Export") to ``out``."""
    with tempfile.TemporaryDirectory() as tmp:
        args = [SOFFICE, f"-env:UserInstallation=file://{tmp}/profile", "--headless"]
        args += [f"--infilter={infilter}"] if infilter else []
        args += ["--convert-to", target, "--outdir", tmp, str(source)]
        subprocess.run(args, check=True, capture_output=True, timeout=180)
        made = Path(tmp) / f"{source.stem}.{target.split(':')[0]}"
        shutil.copyfile(made, out)


def keep_source(name: str, page: str) -> None:
    (SRC / f"{name}.html").write_text(page, encoding="utf-8")


# --- reading the text samples -----------------------------------------------------------------


def text_chunks(name: str) -> list[str]:
    text = (ARTICLES / name).read_text(encoding="utf-8")
    return [chunk.strip() for chunk in text.split("\n\n") if chunk.strip()]


def is_heading(chunk: str) -> bool:
    return len(chunk) < 70 and not chunk.endswith((".", "?", "!")) and "\n" not in chunk


def soft_hyphens(text: str) -> str:
    """Soft hyphens between syllables of long words (vowel, consonant, vowel: break before the
    consonant), as a typesetting tool inserts them for justified text."""

    def word(match: re.Match[str]) -> str:
        w = match.group(0)
        out, last = [], 0
        for i in range(3, len(w) - 3):
            if (
                w[i - 1] in "aeiouy"
                and w[i] not in "aeiouy"
                and w[i + 1] in "aeiouy"
                and i - last >= 3
            ):
                out.append(w[last:i])
                last = i
        out.append(w[last:])
        return "\u00ad".join(out)

    return re.sub(r"[a-z]{9,}", word, text)


# --- the samples ------------------------------------------------------------------------------


def web_page_with_local_images(article: str) -> str:
    """A sample web page whose pictures are in the page itself (no network while printing)."""
    page = (ARTICLES / article).read_text(encoding="utf-8")
    seed = iter(range(1, 100))

    def local(match: re.Match[str]) -> str:
        src = match.group(1)
        if src.endswith(".svg") or "/experts/" in src:
            return match.group(0)  # logos and portraits stay broken links, as in a bad print
        return f'<img src="{data_uri(next(seed))}"'

    return re.sub(r'<img src="([^"]+)"', local, page)


def arctic_print(out: Path) -> None:
    """A think-tank web page printed from the browser with its header and footer (date, title,
    URL, "1/4"): cookie banner on every page, menus, share buttons, related list."""
    page = web_page_with_local_images("arctic_northern_sea_route.html")
    keep_source(out.name, page)
    chromium_pdf(page, out, header_footer=True)


def un_print(out: Path) -> None:
    """A Drupal page printed without the browser's header and footer."""
    page = web_page_with_local_images("russia_at_the_un.html")
    keep_source(out.name, page)
    chromium_pdf(page, out, header_footer=False)


TWO_COLUMN_CSS = """
@page { size: A4; margin: 20mm 16mm 18mm;
  @top-left { content: "Maritime Risk Asia | Policy Brief No. 7"; font: 8pt sans-serif;
    color: #555; }
  @top-right { content: "March 2025"; font: 8pt sans-serif; color: #555; }
  @bottom-center { content: "Page " counter(page) " of " counter(pages); font: 8pt sans-serif; }
}
body { font: 10pt/1.35 "DejaVu Serif", serif; margin: 0; }
.kicker { font: bold 9pt sans-serif; letter-spacing: .08em; color: #036; margin: 0 0 4pt; }
h1 { font: bold 21pt/1.15 sans-serif; margin: 0 0 8pt; }
.byline { font: 10pt sans-serif; margin: 0; }
.date { font: 9pt sans-serif; color: #444; margin: 2pt 0 10pt; }
.box { border: 1pt solid #036; background: #eef3f8; padding: 6pt 10pt; margin: 0 0 12pt; }
.box h2 { font: bold 11pt sans-serif; margin: 0 0 4pt; }
.box li { font: 9.5pt/1.3 sans-serif; margin: 2pt 0; }
.columns { column-count: 2; column-gap: 8mm; text-align: left; }
.columns p { margin: 0 0 6pt; }
.columns h2 { font: bold 11.5pt sans-serif; margin: 8pt 0 4pt; break-after: avoid; }
.notes { font-size: 8pt; line-height: 1.25; }
.notes h2 { font-size: 10pt; }
.notes li { margin: 0 0 2pt; }
.bio { font: italic 9pt sans-serif; }
sup { font-size: 6.5pt; }
"""

SHADOW_FLEET_NOTES = {
    "services that oil shipping depends on: tankers, insurance and finance.": (
        "Price cap coalition guidance on maritime services, December 2022, as summarised in "
        "Maritime Risk Asia, Tanker Tracker, issue 31."
    ),
    "about 70 percent of Russia’s seaborne crude exports in 2024.": (
        "Estimates vary with the definition of the fleet; this figure counts tankers without "
        "insurance from a member of the International Group of P&I Clubs."
    ),
    "more than 180 vessels in a single package.": (
        "Designations announced in January 2025; the count excludes vessels listed earlier."
    ),
}


def shadow_fleet_two_columns(out: Path) -> None:
    """A policy brief laid out in two columns by a layout engine (CSS columns, printed by
    Chromium): running header and "Page N of M" footer, a key-points box, note markers and
    endnotes, author bios."""
    chunks = text_chunks("sanctions_shadow_fleet.txt")
    title, header, key_points = chunks[:3]
    byline, published = header.split("\n")
    items = [line[2:] for line in key_points.split("\n")[1:]]
    body, bios, notes = [], [], []
    for chunk in chunks[3:]:
        if " is a senior fellow " in chunk or " is an analyst " in chunk:
            bios.append(f'<p class="bio">{html.escape(chunk)}</p>')
            continue
        if is_heading(chunk):
            body.append(f"<h2>{html.escape(chunk)}</h2>")
            continue
        text = html.escape(chunk)
        for anchor, note in SHADOW_FLEET_NOTES.items():
            if anchor in chunk:
                notes.append(note)
                text = text.replace(anchor, f"{anchor}<sup>{len(notes)}</sup>")
        body.append(f"<p>{text}</p>")
    note_items = "".join(f"<li>{html.escape(n)}</li>" for n in notes)
    key_items = "".join(f"<li>{html.escape(i)}</li>" for i in items)
    page = f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>{html.escape(title)}</title><style>{TWO_COLUMN_CSS}</style></head><body>
<p class="kicker">POLICY BRIEF</p>
<h1>{html.escape(title)}</h1>
<p class="byline">{html.escape(byline)}</p>
<p class="date">{html.escape(published)}</p>
<div class="box"><h2>Key Points</h2><ul>{key_items}</ul></div>
<div class="columns">{"".join(body)}
<div class="notes"><h2>Notes</h2><ol>{note_items}</ol></div>
{"".join(bios)}</div>
</body></html>"""
    keep_source(out.name, page)
    chromium_pdf(page, out, header_footer=False)


JUSTIFIED_CSS = """
@page { size: A5; margin: 18mm 16mm 16mm;
  @top-center { content: "Faith as Foreign Policy"; font: italic 7.5pt serif; color: #666; }
  @bottom-center { content: counter(page); font: 8pt serif; }
}
@page :first { @top-center { content: none; } }
body { font: 10pt/1.4 "DejaVu Serif", serif; margin: 0; }
h1 { font: bold 17pt/1.2 "DejaVu Sans", sans-serif; margin: 0 0 10pt; text-align: left; }
.byline { font: 9.5pt "DejaVu Sans", sans-serif; margin: 0 0 14pt; }
h2 { font: bold 11pt "DejaVu Sans", sans-serif; margin: 12pt 0 4pt; }
p { text-align: justify; hyphens: manual; margin: 0; text-indent: 1.2em; }
h2 + p, .byline + p { text-indent: 0; }
blockquote { font: italic 12.5pt/1.35 serif; margin: 10pt 14pt; color: #333; }
.bio { font-style: italic; margin-top: 10pt; text-indent: 0; }
.copyright { font-size: 8pt; margin-top: 6pt; text-indent: 0; }
"""


def orthodox_justified(out: Path) -> None:
    """Justified text with soft hyphens and first-line indents (paragraphs without space between
    them), a running header from page two, bare page numbers, a set-apart pull quote."""
    chunks = text_chunks("orthodox_church_soft_power.txt")
    title, byline = chunks[:2]
    parts = [f"<h1>{html.escape(title)}</h1>", f'<p class="byline">{html.escape(byline)}</p>']
    for chunk in chunks[2:]:
        text = html.escape(chunk)
        if is_heading(chunk):
            parts.append(f"<h2>{text}</h2>")
        elif chunk.startswith("The church lends the Kremlin") and len(chunk) < 120:
            parts.append(f"<blockquote>{text}</blockquote>")
        elif " is a " in chunk[:60] and "Sørensen" in chunk[:40]:
            parts.append(f'<p class="bio">{soft_hyphens(text)}</p>')
        elif chunk.startswith("©") or chunk.startswith("Copyright"):
            parts.append(f'<p class="copyright">{text}</p>')
        else:
            parts.append(f"<p>{soft_hyphens(text)}</p>")
    page = f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>{html.escape(title)}</title><style>{JUSTIFIED_CSS}</style></head><body>
{"".join(parts)}</body></html>"""
    keep_source(out.name, page)
    chromium_pdf(page, out, header_footer=False)


# --- Word documents ---------------------------------------------------------------------------

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
KALININGRAD_NOTES = [
    (
        "headquarters of the Baltic Fleet",
        "Baltic Defence Review, Order of Battle: Western Military District, 2024 edition.",
    ),
    (
        "could become the place where Russia tries to cut the Baltic states off",
        "On the gap's place in NATO planning see Vilnius Institute for Policy Analysis, "
        "Corridor Studies No. 3.",
    ),
]


def _markdown_parts(name: str) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """Front matter and (kind, text) parts of a sample Markdown article."""
    text = (ARTICLES / name).read_text(encoding="utf-8-sig").replace("\r\n", "\n")
    front: dict[str, str] = {}
    if text.startswith("---\n"):
        head, _, text = text[4:].partition("\n---\n")
        for line in head.split("\n"):
            key, _, value = line.partition(":")
            front[key.strip()] = value.strip().strip('"')
    parts: list[tuple[str, str]] = []
    for chunk in (c.strip() for c in text.split("\n\n")):
        if not chunk:
            continue
        if chunk.startswith("## "):
            parts.append(("heading", chunk[3:]))
        elif chunk.startswith("!["):
            image, _, caption = chunk.partition("\n")
            parts.append(("image", re.match(r"!\[([^\]]*)\]", image).group(1)))
            if caption:
                parts.append(("caption", caption.strip("*_ ")))
        elif chunk.startswith("> **Editor"):
            parts.append(("note", re.sub(r"\*\*", "", chunk[2:])))
        elif chunk.startswith("> "):
            parts.append(("quote", chunk[2:]))
        elif chunk.startswith("- "):
            parts += [("item", line[2:]) for line in chunk.split("\n")]
        elif chunk.startswith("*") and chunk.endswith("*") or chunk == "---":
            if chunk != "---":
                parts.append(("bio", chunk.strip("*_ ")))
        else:
            plain = re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", chunk)
            plain = re.sub(r"\*\*([^*]+)\*\*|_([^_]+)_", lambda m: m.group(1) or m.group(2), plain)
            parts.append(("paragraph", plain))
    return front, parts


def kaliningrad_word(out: Path, *, tracked_changes: bool = True) -> None:
    """A Word file as Word writes one: Title and Heading styles, a byline and date, an italic
    editor's note, an inline picture with a Caption paragraph, a Quote, footnotes, a tracked
    insertion and deletion (to be read as accepted), a comment, a soft hyphen."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Inches, Pt

    front, parts = _markdown_parts("kaliningrad_baltic_exclave.md")
    document = docx.Document()
    document.core_properties.author = "python-docx"  # what the library leaves: not a byline
    document.core_properties.title = front["title"]
    document.add_paragraph(front["title"], style="Title")
    document.add_paragraph(f"By {front['author']}")
    document.add_paragraph("8 April 2025")
    shown: list[str] = [f"<h1>{html.escape(front['title'])}</h1>"]
    shown += [f"<p>By {html.escape(front['author'])}</p>", "<p>8 April 2025</p>"]
    notes: list[tuple[int, str]] = []
    tracked = False
    for kind, text in parts:
        shown.append(f"<p>{html.escape(text)}</p>")
        if kind == "heading":
            document.add_heading(text, level=1)
        elif kind == "image":
            stream = io.BytesIO(png(480, 260, 7))
            document.add_picture(stream, width=Inches(4.5))
            document.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
            _set_alt_text(document, text)
        elif kind == "caption":
            document.add_paragraph(text, style="Caption")
        elif kind == "quote":
            document.add_paragraph(text, style="Quote")
        elif kind == "note":
            paragraph = document.add_paragraph()
            paragraph.add_run(text).italic = True
        elif kind == "bio":
            paragraph = document.add_paragraph()
            paragraph.add_run(text).font.size = Pt(9)
        else:
            paragraph = document.add_paragraph()
            rest = text
            for anchor, note in KALININGRAD_NOTES:
                if anchor in rest:
                    before, _, rest = rest.partition(anchor)
                    paragraph.add_run(before + anchor)
                    notes.append((len(notes) + 1, note))
                    _footnote_reference(paragraph, len(notes))
            if tracked_changes and not tracked and "Moscow presents these deployments" in rest:
                tracked = True
                before, _, after = rest.partition("a necessary response")
                paragraph.add_run(before)
                _tracked(paragraph, "deletion", "an ")
                _tracked(paragraph, "insertion", "a ")
                paragraph.add_run("necessary response" + after)
            else:
                paragraph.add_run(rest.replace("anti-access", "anti-\u00adaccess", 1))
    for _, note in notes:
        shown.append(f"<p>{html.escape(note)}</p>")
    buffer = io.BytesIO()
    document.save(buffer)
    data = _add_footnotes_and_comment(buffer.getvalue(), notes)
    out.write_bytes(data)
    keep_source(out.name, "<html><body>" + "\n".join(shown) + "</body></html>")


def _set_alt_text(document, text: str) -> None:
    for element in document.paragraphs[-1]._p.iter():
        if element.tag.endswith("}docPr"):
            element.set("descr", text)


def _footnote_reference(paragraph, number: int) -> None:
    from docx.oxml import parse_xml

    run = parse_xml(
        f'<w:r xmlns:w="{W}"><w:rPr><w:rStyle w:val="FootnoteReference"/>'
        f'<w:vertAlign w:val="superscript"/></w:rPr><w:footnoteReference w:id="{number}"/></w:r>'
    )
    paragraph._p.append(run)


def _tracked(paragraph, kind: str, text: str) -> None:
    from docx.oxml import parse_xml

    tag, text_tag = ("w:del", "w:delText") if kind == "deletion" else ("w:ins", "w:t")
    element = parse_xml(
        f'<{tag} xmlns:w="{W}" w:id="{90 + len(text)}" w:author="Copy Editor" '
        f'w:date="2025-04-07T09:00:00Z"><w:r><{text_tag} xml:space="preserve">{text}'
        f"</{text_tag}></w:r></{tag}>"
    )
    paragraph._p.append(element)


def _add_footnotes_and_comment(data: bytes, notes: list[tuple[int, str]]) -> bytes:
    """python-docx writes no footnotes or comments part: add them as Word stores them."""
    import zipfile

    footnotes = [
        f'<w:footnote w:id="{i}"><w:p><w:pPr><w:pStyle w:val="FootnoteText"/></w:pPr>'
        f'<w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr><w:footnoteRef/></w:r>'
        f'<w:r><w:t xml:space="preserve"> {html.escape(text)}</w:t></w:r></w:p></w:footnote>'
        for i, text in notes
    ]
    footnotes_xml = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:footnotes xmlns:w="{W}">'
        '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p>'
        '</w:footnote><w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r>'
        "<w:continuationSeparator/></w:r></w:p></w:footnote>"
        + "".join(footnotes)
        + "</w:footnotes>"
    )
    comments_xml = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:comments xmlns:w="{W}">'
        '<w:comment w:id="1" w:author="Copy Editor" w:date="2025-04-07T09:05:00Z"><w:p><w:r>'
        "<w:t>Check this figure against the latest census before publishing.</w:t></w:r></w:p>"
        "</w:comment></w:comments>"
    )
    source = zipfile.ZipFile(io.BytesIO(data))
    target_buffer = io.BytesIO()
    with zipfile.ZipFile(target_buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "[Content_Types].xml":
                content = content.replace(
                    b"</Types>",
                    b'<Override PartName="/word/footnotes.xml" ContentType="application/'
                    b'vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"/>'
                    b'<Override PartName="/word/comments.xml" ContentType="application/'
                    b'vnd.openxmlformats-officedocument.wordprocessingml.comments+xml"/></Types>',
                )
            elif item.filename == "word/_rels/document.xml.rels":
                content = content.replace(
                    b"</Relationships>",
                    b'<Relationship Id="rIdFn1" Type="http://schemas.openxmlformats.org/'
                    b'officeDocument/2006/relationships/footnotes" Target="footnotes.xml"/>'
                    b'<Relationship Id="rIdCm1" Type="http://schemas.openxmlformats.org/'
                    b'officeDocument/2006/relationships/comments" Target="comments.xml"/>'
                    b"</Relationships>",
                )
            elif item.filename == "word/document.xml":
                text = content.decode("utf-8")
                # The comment sits on the first sentence about the population.
                text = text.replace(
                    "home to about a million people",
                    'home to about a million people</w:t></w:r><w:commentRangeStart w:id="1"/>'
                    '<w:commentRangeEnd w:id="1"/><w:r><w:commentReference w:id="1"/></w:r>'
                    '<w:r><w:t xml:space="preserve">',
                    1,
                )
                content = text.encode("utf-8")
            target.writestr(item, content)
        target.writestr("word/footnotes.xml", footnotes_xml)
        target.writestr("word/comments.xml", comments_xml)
    return target_buffer.getvalue()


def kaliningrad_word_pdf(out: Path) -> None:
    """The Word file above, its changes accepted, exported to PDF by LibreOffice (footnotes at
    the foot of the page)."""
    with tempfile.TemporaryDirectory() as tmp:
        docx_path = Path(tmp) / f"{out.stem}_accepted.docx"
        kaliningrad_word(docx_path, tracked_changes=False)  # printed with the changes accepted
        libreoffice(docx_path, "pdf:writer_pdf_Export", out)
        shutil.move(SRC / f"{docx_path.name}.html", SRC / f"{out.name}.html")


ENERGY_NOTES = [
    (
        "about 40 percent of the European Union’s imported natural gas.",
        "Eurostat, imports of natural gas by partner country, 2021 annual data.",
    ),
    (
        "cut gas consumption by roughly 15 percent,",
        "Council Regulation on coordinated demand-reduction measures for gas, August 2022.",
    ),
]


def energy_writer_page() -> str:
    """The Markdown article as the HTML a word processor imports: title, subtitle, byline,
    key takeaways, a picture with its caption, footnotes in LibreOffice's own HTML form."""
    front, parts = _markdown_parts("energy_leverage_europe.md")
    body = [
        f"<h1>{html.escape(front['title'])}</h1>",
        f'<p style="font-size:14pt"><i>{html.escape(front["subtitle"])}</i></p>',
        "<p>By Tomas Lindqvist</p>",
        "<p>20 February 2025</p>",
    ]
    notes: list[str] = []
    items: list[str] = []
    for kind, text in parts:
        if kind != "item" and items:
            body.append("<ul>" + "".join(items) + "</ul>")
            items = []
        if kind == "heading":
            body.append(f"<h2>{html.escape(text)}</h2>")
        elif kind == "item":
            items.append(f"<li>{html.escape(text)}</li>")
        elif kind == "image":
            body.append(
                f'<p style="text-align:center"><img src="{data_uri(3, 420, 230)}" '
                f'alt="{html.escape(text)}" width="420" height="230"></p>'
            )
        elif kind == "caption":
            body.append(f'<p style="font-size:9pt"><i>{html.escape(text)}</i></p>')
        elif kind == "quote":
            body.append(f"<blockquote><i>{html.escape(text)}</i></blockquote>")
        elif kind == "bio":
            body.append(f"<p><i>{html.escape(text)}</i></p>")
        else:
            escaped = html.escape(text)
            for anchor, note in ENERGY_NOTES:
                if anchor in text:
                    notes.append(note)
                    n = len(notes)
                    escaped = escaped.replace(
                        html.escape(anchor),
                        f'{html.escape(anchor)}<a class="sdfootnoteanc" name="sdfootnote{n}anc" '
                        f'href="#sdfootnote{n}sym"><sup>{n}</sup></a>',
                    )
            body.append(f'<p style="text-align:justify">{escaped}</p>')
    if items:
        body.append("<ul>" + "".join(items) + "</ul>")
    for n, note in enumerate(notes, 1):
        body.append(
            f'<div id="sdfootnote{n}"><p class="sdfootnote"><a class="sdfootnotesym" '
            f'name="sdfootnote{n}sym" href="#sdfootnote{n}anc">{n}</a>{html.escape(note)}</p></div>'
        )
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(front['title'])}</title></head><body>"
        + "\n".join(body)
        + "</body></html>"
    )


def energy_writer_docx(out: Path) -> None:
    """A LibreOffice Writer document saved as .docx (footnotes, a picture, a caption)."""
    page = energy_writer_page()
    keep_source(out.name, page)
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / f"{out.stem}.html"
        source.write_text(page, encoding="utf-8")
        libreoffice(source, "docx:MS Word 2007 XML", out, infilter="HTML (StarWriter)")


def energy_writer_pdf(out: Path) -> None:
    """The same Writer document exported to PDF by LibreOffice."""
    page = energy_writer_page()
    keep_source(out.name, page)
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / f"{out.stem}.html"
        source.write_text(page, encoding="utf-8")
        libreoffice(source, "pdf:writer_pdf_Export", out, infilter="HTML (StarWriter)")


RECIPES: dict[str, Callable[[Path], None]] = {
    "arctic_northern_sea_route_print.pdf": arctic_print,
    "russia_at_the_un_print.pdf": un_print,
    "sanctions_shadow_fleet_two_column.pdf": shadow_fleet_two_columns,
    "orthodox_church_justified.pdf": orthodox_justified,
    "kaliningrad_baltic_exclave_word.docx": kaliningrad_word,
    "kaliningrad_baltic_exclave_word_export.pdf": kaliningrad_word_pdf,
    "energy_leverage_europe_writer.docx": energy_writer_docx,
    "energy_leverage_europe_writer_export.pdf": energy_writer_pdf,
}


def main(argv: list[str]) -> int:
    only = argv[argv.index("--only") + 1] if "--only" in argv else None
    for name, make in RECIPES.items():
        if only and name != only:
            continue
        make(ARTICLES / name)
        print(f"wrote samples/articles/{name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

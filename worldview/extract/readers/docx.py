"""Word reader: a .docx (Office Open XML) -> the article's blocks in reading order, hints,
warnings.

The package is read with ``zipfile`` and its XML with lxml (no DTDs, no entities, no network):
python-docx reads neither footnotes nor tracked changes, and mammoth's HTML would send Word files
through the web-page heuristics. What the styles say becomes the block's kind and role: Title,
Subtitle, Heading 1-9 (or a style's outline level), Caption, Quote, list paragraphs (numbering
or a List style); custom styles count by what they are based on. A document that uses no heading
styles is read by its direct formatting, as a PDF is: the largest text at the top is the title,
short bold or larger paragraphs are headings.

Tracked changes are read as accepted (insertions and moves kept, deletions dropped); comments
and field codes are ignored; inline pictures become images (alt text from their properties) and
a Caption paragraph next to one is its caption; text boxes are set-apart text (quotes);
footnotes and endnotes follow the body as notes, numbered in the order the text cites them, and
their marks leave the text. Core properties are hints only (a title that is not a file name;
an author only when the first lines print that name; never a date).

Refused with a reason: more unpacked XML than ``WORLDVIEW_MAX_UNPACKED_BYTES``, a part that
inflates more than ``MAX_RATIO`` times (a "zip bomb"), a damaged package or XML.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from worldview.document import Block, BlockKind, MarkupHints, Role
from worldview.errors import NoArticleError, UnsupportedInputError
from worldview.extract.rules.pages import JUNK_AUTHOR, JUNK_TITLE

STEP = "clean"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
V = "urn:schemas-microsoft-com:vml"
DC = "http://purl.org/dc/elements/1.1/"
MAX_RATIO = 200  # a part inflating more than this is a zip bomb, not a document
RATIO_MIN_BYTES = 1 << 20  # small parts compress as they like
TITLE_MIN_EM = 1.25
HEADING_MIN_EM = 1.12
HEADING_MAX_CHARS = 200
FRONT_PARAGRAPHS = 8
HEADING_STYLE = re.compile(r"^heading\s*([1-9])$")
QUOTE_STYLES = ("quote", "intense quote", "block text", "pull quote")
LIST_STYLE = re.compile(r"^list\b")
SKIPPED = frozenset(
    f"{{{ns}}}{tag}"
    for ns, tag in (
        (W, "del"),
        (W, "moveFrom"),
        (W, "instrText"),
        (W, "delInstrText"),
        (W, "commentReference"),
        (W, "rPr"),
        (W, "pPr"),
        (MC, "Fallback"),
        (W, "txbxContent"),  # read apart, as set-apart text
    )
)
XML = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_comments=True
)


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


@dataclass(slots=True)
class _Style:
    name: str
    based_on: str | None = None
    outline: int | None = None
    size: float | None = None
    bold: bool | None = None
    italic: bool | None = None


@dataclass(slots=True)
class _Paragraph:
    text: str
    style: str  # the resolved style name, lower case ("heading 2", "caption", "normal")
    outline: int | None
    size: float
    bold: bool
    italic: bool
    list_level: int | None
    pictures: list[tuple[str | None, str | None]] = field(default_factory=list)  # (src, alt)
    boxed: list[str] = field(default_factory=list)  # text-box paragraphs


class _Budget:
    """What may still be unpacked from the package."""

    def __init__(self, limit: int) -> None:
        self.left = limit
        self.limit = limit

    def read(self, archive: zipfile.ZipFile, name: str) -> bytes | None:
        try:
            info = archive.getinfo(name)
        except KeyError:
            return None
        if info.file_size > self.left:
            raise UnsupportedInputError(
                f"Word document too large: {name} unpacks to {info.file_size} bytes, over the "
                f"{self.limit}-byte limit (WORLDVIEW_MAX_UNPACKED_BYTES)",
                step=STEP,
            )
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size >= RATIO_MIN_BYTES and ratio > MAX_RATIO:
            raise UnsupportedInputError(
                f"zip bomb: {name} inflates {ratio:.0f}-fold (at most {MAX_RATIO})", step=STEP
            )
        try:
            with archive.open(info) as member:
                data = member.read(info.file_size + 1)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
            raise UnsupportedInputError(
                f"damaged Word document: {name}: {exc}", step=STEP
            ) from None
        if len(data) > info.file_size:
            raise UnsupportedInputError(
                f"damaged Word document: {name} is longer than it says", step=STEP
            )
        self.left -= len(data)
        return data


def _parse(data: bytes | None, name: str) -> Any:
    if data is None:
        return None
    try:
        return etree.fromstring(data, XML)
    except etree.XMLSyntaxError as exc:
        raise UnsupportedInputError(f"damaged Word document: {name}: {exc}", step=STEP) from None


# --- styles -----------------------------------------------------------------------------------


def _on(element: Any) -> bool | None:
    if element is None:
        return None
    value = element.get(_w("val"))
    return value not in ("0", "false", "off", "none")


def _run_facts(rpr: Any) -> tuple[float | None, bool | None, bool | None]:
    if rpr is None:
        return None, None, None
    size = rpr.find(_w("sz"))
    half_points = size.get(_w("val")) if size is not None else None
    points = float(half_points) / 2 if half_points and half_points.isdigit() else None
    return points, _on(rpr.find(_w("b"))), _on(rpr.find(_w("i")))


def _styles(root: Any) -> tuple[dict[str, _Style], str | None, float]:
    """Style id -> style; the default paragraph style's id; the default font size."""
    styles: dict[str, _Style] = {}
    default_id = None
    default_size = 11.0
    if root is None:
        return styles, default_id, default_size
    doc_size = root.find(f"{_w('docDefaults')}/{_w('rPrDefault')}/{_w('rPr')}")
    size, _, _ = _run_facts(doc_size)
    default_size = size or default_size
    for style in root.iter(_w("style")):
        if style.get(_w("type")) != "paragraph":
            continue
        style_id = style.get(_w("styleId")) or ""
        name_element = style.find(_w("name"))
        name = (name_element.get(_w("val")) if name_element is not None else style_id) or ""
        based = style.find(_w("basedOn"))
        outline = style.find(f"{_w('pPr')}/{_w('outlineLvl')}")
        size, bold, italic = _run_facts(style.find(_w("rPr")))
        styles[style_id] = _Style(
            name=name.casefold(),
            based_on=based.get(_w("val")) if based is not None else None,
            outline=int(outline.get(_w("val"), "9")) if outline is not None else None,
            size=size,
            bold=bold,
            italic=italic,
        )
        if style.get(_w("default")) in ("1", "true"):
            default_id = style_id
    return styles, default_id, default_size


def _resolve(styles: dict[str, _Style], style_id: str | None) -> list[_Style]:
    """The style and the styles it is based on, nearest first."""
    chain: list[_Style] = []
    while style_id and style_id in styles and len(chain) < 20:
        style = styles[style_id]
        chain.append(style)
        style_id = style.based_on
    return chain


def _kind_name(chain: list[_Style]) -> str:
    """The built-in style a paragraph's style is or is based on ("heading 2", "title", ...)."""
    for style in chain:
        name = style.name
        if name in ("title", "subtitle", "caption") or name in QUOTE_STYLES:
            return name
        if HEADING_STYLE.match(name) or LIST_STYLE.match(name):
            return name
    return chain[0].name if chain else "normal"


# --- the body ---------------------------------------------------------------------------------


class _Reader:
    def __init__(self, styles: dict[str, _Style], default_id: str | None, size: float) -> None:
        self.styles = styles
        self.default_id = default_id
        self.default_size = size
        self.relations: dict[str, str] = {}
        self.note_order: list[tuple[str, str]] = []  # (kind, id) in citing order

    def paragraphs(self, body: Any) -> list[_Paragraph]:
        out: list[_Paragraph] = []
        stack = [iter(body)]
        while stack:
            element = next(stack[-1], None)
            if element is None:
                stack.pop()
                continue
            tag = element.tag
            if tag == _w("p"):
                paragraph = self.paragraph(element)
                if paragraph is not None:
                    out.append(paragraph)
            elif tag in (
                _w("tbl"),
                _w("tr"),
                _w("tc"),
                _w("sdt"),
                _w("sdtContent"),
                _w("customXml"),
                _w("ins"),
                _w("moveTo"),
            ):
                stack.append(iter(element))  # tables, content controls: their paragraphs
        return out

    def paragraph(self, p: Any) -> _Paragraph | None:
        ppr = p.find(_w("pPr"))
        style_id = None
        outline = None
        list_level = None
        if ppr is not None:
            style = ppr.find(_w("pStyle"))
            style_id = style.get(_w("val")) if style is not None else None
            level = ppr.find(_w("outlineLvl"))
            outline = int(level.get(_w("val"), "9")) if level is not None else None
            numbering = ppr.find(_w("numPr"))
            if numbering is not None:
                ilvl = numbering.find(_w("ilvl"))
                num = numbering.find(_w("numId"))
                if num is None or num.get(_w("val")) != "0":
                    list_level = int(ilvl.get(_w("val"), "0")) if ilvl is not None else 0
        chain = _resolve(self.styles, style_id or self.default_id)
        name = _kind_name(chain)
        if outline is None:
            outline = next((s.outline for s in chain if s.outline is not None), None)
        style_size = next((s.size for s in chain if s.size), None) or self.default_size
        style_bold = next((s.bold for s in chain if s.bold is not None), False)
        style_italic = next((s.italic for s in chain if s.italic is not None), False)
        result = _Paragraph(
            "", name, outline, style_size, bool(style_bold), bool(style_italic), list_level
        )
        self._runs(p, result, style_size, bool(style_bold), bool(style_italic))
        if not result.text and not result.pictures and not result.boxed:
            return None
        return result

    def _runs(self, p: Any, result: _Paragraph, size: float, bold: bool, italic: bool) -> None:
        parts: list[str] = []
        sizes: Counter[float] = Counter()
        bold_chars = italic_chars = total = 0
        for run in _walk(p):
            tag = run.tag
            if tag == _w("r"):
                run_size, run_bold, run_italic = _run_facts(run.find(_w("rPr")))
                text = _run_text(run, self)
                if text.strip():
                    n = len(text.strip())
                    sizes[run_size or size] += n
                    bold_chars += n if (run_bold if run_bold is not None else bold) else 0
                    italic_chars += n if (run_italic if run_italic is not None else italic) else 0
                    total += n
                parts.append(text)
            elif tag == _w("txbxContent"):
                result.boxed += [t for t in (_plain(x) for x in run.iter(_w("p"))) if t]
        text = " ".join("".join(parts).replace("\n", " ").split())
        result.text = text
        if total:
            result.size = sizes.most_common(1)[0][0]
            result.bold = bold_chars * 2 > total
            result.italic = italic_chars * 2 > total
        for drawing in p.iter(_w("drawing"), f"{{{V}}}imagedata"):
            result.pictures.append(self._picture(drawing))

    def _picture(self, element: Any) -> tuple[str | None, str | None]:
        if element.tag == f"{{{V}}}imagedata":
            rel = element.get(f"{{{R}}}id")
            return self.relations.get(rel or ""), element.get("title") or None
        properties = element.find(f".//{{{WP}}}docPr")
        alt = None
        if properties is not None:
            alt = properties.get("descr") or properties.get("title") or None
        blip = element.find(f".//{{{A}}}blip")
        rel = blip.get(f"{{{R}}}embed") if blip is not None else None
        return self.relations.get(rel or ""), alt


def _walk(p: Any) -> Any:
    """The runs of a paragraph (and its text boxes), in order, tracked deletions left out."""
    stack = [iter(p)]
    while stack:
        element = next(stack[-1], None)
        if element is None:
            stack.pop()
            continue
        tag = element.tag
        if tag == _w("txbxContent"):
            yield element
            continue
        if tag in SKIPPED or not isinstance(tag, str):
            continue
        if tag == _w("r"):
            yield element
            # A run may hold a drawing with a text box: look inside for it.
            yield from element.iter(_w("txbxContent"))
            continue
        stack.append(iter(element))


SYMBOLS = {_w("tab"): " ", _w("br"): "\n", _w("cr"): "\n", _w("noBreakHyphen"): "-"}


def _run_text(run: Any, reader: _Reader | None) -> str:
    parts: list[str] = []
    for child in run:
        tag = child.tag
        if tag == _w("t"):
            parts.append(child.text or "")
        elif tag in SYMBOLS:
            parts.append(SYMBOLS[tag])
        elif tag == _w("sym"):
            code = child.get(_w("char"), "")
            if re.fullmatch(r"[0-9A-Fa-f]{2,4}", code):
                value = int(code, 16)
                parts.append(chr(value - 0xF000) if value >= 0xF000 else chr(value))
        elif tag in (_w("footnoteReference"), _w("endnoteReference")) and reader is not None:
            kind = "footnote" if tag == _w("footnoteReference") else "endnote"
            reader.note_order.append((kind, child.get(_w("id"), "")))
        # w:softHyphen: a hint where to break, not text
    return "".join(parts)


def _plain(p: Any) -> str:
    """The text of a paragraph inside a note or a text box."""
    parts = [_run_text(run, None) for run in _walk(p) if run.tag == _w("r")]
    return " ".join("".join(parts).split())


# --- blocks -----------------------------------------------------------------------------------


def _blocks(paragraphs: list[_Paragraph]) -> list[Block]:
    sizes: Counter[float] = Counter()
    for paragraph in paragraphs:
        sizes[paragraph.size] += len(paragraph.text)
    body = sizes.most_common(1)[0][0] if sizes else 11.0
    styled = any(p.style == "title" or HEADING_STYLE.match(p.style) for p in paragraphs)
    largest = max((p.size for p in paragraphs[:FRONT_PARAGRAPHS] if p.text), default=body)
    titled = False
    blocks: list[Block] = []
    for i, paragraph in enumerate(paragraphs):
        for src, alt in paragraph.pictures:
            blocks.append(Block(BlockKind.IMAGE, src=src, alt=alt))
        text = paragraph.text
        if text:
            block = _block(
                paragraph,
                body,
                styled,
                not titled and i < FRONT_PARAGRAPHS and paragraph.size >= largest,
            )
            titled = titled or block.role == Role.TITLE
            blocks.append(block)
        blocks += [Block(BlockKind.QUOTE, t) for t in paragraph.boxed]
    return blocks


def _block(paragraph: _Paragraph, body: float, styled: bool, largest: bool) -> Block:
    text, style = paragraph.text, paragraph.style
    heading = HEADING_STYLE.match(style)
    if style == "title":
        return Block(BlockKind.HEADING, text, level=1, role=Role.TITLE)
    if style == "subtitle":
        return Block(BlockKind.PARAGRAPH, text, role=Role.SUBTITLE)
    if heading or (paragraph.outline is not None and paragraph.outline < 9):
        level = int(heading.group(1)) if heading else (paragraph.outline or 0) + 1
        return Block(BlockKind.HEADING, text, level=min(6, level))
    if style == "caption":
        return Block(BlockKind.PARAGRAPH, text, role=Role.CAPTION)
    if style in QUOTE_STYLES:
        return Block(BlockKind.QUOTE, text)
    if paragraph.list_level is not None or LIST_STYLE.match(style):
        return Block(BlockKind.LIST_ITEM, text, level=(paragraph.list_level or 0) + 1)
    if not styled and len(text) <= HEADING_MAX_CHARS and not text.endswith((".", ",", ";")):
        # No heading styles: the formatting says it.
        if largest and paragraph.size >= TITLE_MIN_EM * body:
            return Block(BlockKind.HEADING, text, level=1, role=Role.TITLE)
        if paragraph.size >= HEADING_MIN_EM * body or paragraph.bold:
            return Block(BlockKind.HEADING, text, level=2)
    return Block(BlockKind.PARAGRAPH, text)


def _notes(reader: _Reader, roots: dict[str, Any]) -> list[Block]:
    """The notes the text cites, in citing order, numbered as Word numbers them."""
    by_id: dict[tuple[str, str], str] = {}
    for kind, root in roots.items():
        if root is None:
            continue
        for note in root.iter(_w(kind)):
            if note.get(_w("type")) in ("separator", "continuationSeparator", "continuationNotice"):
                continue
            text = " ".join(t for t in (_plain(p) for p in note.iter(_w("p"))) if t)
            if text:
                by_id[(kind, note.get(_w("id"), ""))] = text
    blocks = []
    seen: set[tuple[str, str]] = set()
    numbers = {"footnote": 0, "endnote": 0}
    for key in reader.note_order:
        if key in seen or key not in by_id:
            continue
        seen.add(key)
        numbers[key[0]] += 1
        blocks.append(
            Block(BlockKind.PARAGRAPH, f"{numbers[key[0]]} {by_id[key]}", role=Role.FOOTNOTE)
        )
    return blocks


def _relations(root: Any) -> dict[str, str]:
    found: dict[str, str] = {}
    if root is None:
        return found
    for rel in root:
        target = rel.get("Target") or ""
        if rel.get("TargetMode") == "External":
            continue
        found[rel.get("Id") or ""] = "word/" + target.lstrip("/").removeprefix("word/")
    return found


def _hints(core: Any, blocks: list[Block]) -> MarkupHints:
    hints = MarkupHints()
    if core is None:
        return hints
    title = core.find(f"{{{DC}}}title")
    value = " ".join((title.text or "").split()) if title is not None else ""
    if value and not JUNK_TITLE.search(value):
        hints.title = value
    creator = core.find(f"{{{DC}}}creator")
    author = " ".join((creator.text or "").split()) if creator is not None else ""
    front = " ".join(b.text for b in blocks[:FRONT_PARAGRAPHS])
    if author and not JUNK_AUTHOR.match(author) and author in front:
        hints.authors = [author]
    return hints


def docx_to_blocks(data: bytes) -> tuple[list[Block], MarkupHints, list[str]]:
    """The blocks of a Word document, the hints its properties give, and what reading did."""
    from worldview.settings import get_settings

    budget = _Budget(get_settings().max_unpacked_bytes)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise UnsupportedInputError(f"damaged Word document: {exc}", step=STEP) from None
    with archive:
        document = _parse(budget.read(archive, "word/document.xml"), "word/document.xml")
        if document is None:
            raise UnsupportedInputError("not a Word document: no word/document.xml", step=STEP)
        styles, default_id, size = _styles(
            _parse(budget.read(archive, "word/styles.xml"), "styles")
        )
        reader = _Reader(styles, default_id, size)
        rels = "word/_rels/document.xml.rels"
        reader.relations = _relations(_parse(budget.read(archive, rels), rels))
        body = document.find(_w("body"))
        paragraphs = reader.paragraphs(body) if body is not None else []
        notes = {
            kind: _parse(budget.read(archive, f"word/{kind}s.xml"), f"{kind}s")
            for kind in ("footnote", "endnote")
        }
        core = _parse(budget.read(archive, "docProps/core.xml"), "core")
    blocks = _blocks(paragraphs)
    if not any(b.text for b in blocks):
        raise NoArticleError("the Word document has no text", step=STEP)
    warnings: list[str] = []
    deleted = document.find(f".//{_w('del')}") is not None
    inserted = document.find(f".//{_w('ins')}") is not None
    if deleted or inserted:
        warnings.append("tracked_changes_accepted: insertions kept, deletions dropped")
    blocks += _notes(reader, notes)
    return blocks, _hints(core, blocks), warnings

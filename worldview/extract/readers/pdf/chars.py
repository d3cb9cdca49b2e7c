"""A PDF page's text layer as lines, with where they sit and how they are set (pdfium).

pdfium (through pypdfium2) gives every character of the text layer in content-stream order with
its box, font size and font. Characters are gathered into lines in that order: a character
starts a new line when it is not level with the line (its box overlaps the line's by less than
half its height), when it steps back to the left, or past a gap wider than a column gutter
(the widest word space of justified text is narrower). Stream order keeps apart what a page
draws over other things (a banner fixed over the text): each is its own run of lines.

Within a line, digits set smaller and raised (superscripts) are note marks and are dropped,
except at the start of a line, where they label a footnote. Pictures and the small marks drawn
as paths left of a line (list bullets) come from the page's objects. Coordinates are points
from the top-left corner of the page.
"""

from __future__ import annotations

import ctypes
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pypdfium2.raw as pdfium_c

BOLD_NAMES = ("bold", "black", "heavy", "semibold", "demibold", "demi", "extrabold", "ultrabold")
ITALIC_NAMES = ("italic", "oblique", "slanted")
FONT_ITALIC_FLAG = 1 << 6
FONT_FORCE_BOLD_FLAG = 1 << 18
BOLD_WEIGHT = 600
# A gap wider than this many ems between two characters of a line is a gutter between columns.
COLUMN_GAP_EM = 1.6
# A glyph this far left of the previous one's left edge starts a new line.
BACKSTEP_EM = 0.3
# A gap wider than this many ems between two glyphs with no space character is a word space.
WORD_GAP_EM = 0.18
SUPERSCRIPT_SIZE = 0.82  # of the line's size
SUPERSCRIPT_RISE = 0.12  # of the line's size, centre above the line's centre
NOTE_MARK_CHARS = frozenset("0123456789*†‡§¶,–-")
MIN_PICTURE_PT = 36.0  # smaller pictures are icons and rules
BULLET_MAX_EM = 0.7
MAX_OBJECTS_PER_PAGE = 20000
FONT_SAMPLES = 5
IMAGE_OBJECT = 3
PATH_OBJECT = 2


@dataclass(slots=True)
class Line:
    """One line of text as printed."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float  # font size of most of its characters (points)
    bold: bool
    italic: bool
    page: int
    order: int  # position in the page's content stream
    bullet: bool = False  # a list mark (glyph or drawn) starts it
    label: str | None = None  # a superscript mark at its start (a footnote's number)

    @property
    def height(self) -> float:
        return self.bottom - self.top

    @property
    def width(self) -> float:
        return self.x1 - self.x0


@dataclass(slots=True)
class Picture:
    x0: float
    x1: float
    top: float
    bottom: float
    page: int


@dataclass(slots=True)
class Page:
    number: int
    width: float
    height: float
    lines: list[Line] = field(default_factory=list)
    pictures: list[Picture] = field(default_factory=list)
    marks: list[tuple[float, float, float, float]] = field(default_factory=list)  # drawn bullets
    notes_removed: int = 0  # lines whose note marks were dropped
    marks_removed: set[str] = field(default_factory=set)  # the marks, e.g. {"1", "2"}


@dataclass(slots=True)
class _Glyph:
    ch: str
    left: float
    right: float
    top: float
    bottom: float
    size: float
    index: int  # in the page's text layer: its font is looked up when the line is done


@dataclass(slots=True)
class _FontFacts:
    bold: bool
    italic: bool


class Fonts:
    """Bold and italic of each text object's font, looked up once per object of one page."""

    def __init__(self) -> None:
        self._by_object: dict[int, _FontFacts] = {}
        self._name = ctypes.create_string_buffer(256)

    def facts(self, text_object: Any) -> _FontFacts:
        key = ctypes.cast(text_object, ctypes.c_void_p).value or 0
        known = self._by_object.get(key)
        if known is not None:
            return known
        font = pdfium_c.FPDFTextObj_GetFont(text_object)
        name = ""
        weight = flags = 0
        if font:
            length = pdfium_c.FPDFFont_GetBaseFontName(font, self._name, len(self._name))
            name = self._name.value.decode("latin-1", "replace").lower() if length else ""
            weight = pdfium_c.FPDFFont_GetWeight(font)
            flags = pdfium_c.FPDFFont_GetFlags(font)
        name = name.split("+", 1)[-1]  # "ABCDEF+Font-Bold": the subset tag is not the name
        facts = _FontFacts(
            bold=any(w in name for w in BOLD_NAMES)
            or weight >= BOLD_WEIGHT
            or bool(flags & FONT_FORCE_BOLD_FLAG),
            italic=any(w in name for w in ITALIC_NAMES) or bool(flags & FONT_ITALIC_FLAG),
        )
        self._by_object[key] = facts
        return facts


def read_page(page: Any, textpage: Any, number: int, fonts: Fonts) -> Page:
    """The lines, pictures and drawn marks of one page."""
    width = pdfium_c.FPDF_GetPageWidthF(page)
    height = pdfium_c.FPDF_GetPageHeightF(page)
    result = Page(number=number, width=width, height=height)
    _read_objects(page, result)
    count = pdfium_c.FPDFText_CountChars(textpage)
    if count <= 0:
        return result
    buffer = ctypes.create_string_buffer((count + 1) * 2)
    pdfium_c.FPDFText_GetText(
        textpage, 0, count, ctypes.cast(buffer, ctypes.POINTER(ctypes.c_ushort))
    )
    text = buffer.raw[: count * 2].decode("utf-16-le", errors="replace")
    rect = pdfium_c.FS_RECTF()
    builder = _LineBuilder(result, textpage, fonts)
    for i, ch in enumerate(text):
        if ch in "\r\n" or ch == "\x00":
            continue
        if ch == " " or ch == "\u00a0":
            builder.space()
            continue
        if not pdfium_c.FPDFText_GetLooseCharBox(textpage, i, rect):
            continue
        size = pdfium_c.FPDFText_GetFontSize(textpage, i)
        top, bottom = height - rect.top, height - rect.bottom
        if bottom - top <= 0 or size <= 0:
            continue
        builder.add(_Glyph(ch, rect.left, rect.right, top, bottom, size, i))
    builder.flush()
    _mark_bullets(result)
    return result


def _read_objects(page: Any, result: Page) -> None:
    """Pictures worth a caption, and small filled paths that may be list bullets."""
    count = min(pdfium_c.FPDFPage_CountObjects(page), MAX_OBJECTS_PER_PAGE)
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    for i in range(count):
        obj = pdfium_c.FPDFPage_GetObject(page, i)
        kind = pdfium_c.FPDFPageObj_GetType(obj)
        if kind not in (IMAGE_OBJECT, PATH_OBJECT):
            continue
        if not pdfium_c.FPDFPageObj_GetBounds(obj, left, bottom, right, top):
            continue
        x0, x1 = left.value, right.value
        y0, y1 = result.height - top.value, result.height - bottom.value
        if kind == IMAGE_OBJECT:
            if x1 - x0 >= MIN_PICTURE_PT and y1 - y0 >= MIN_PICTURE_PT:
                result.pictures.append(Picture(x0, x1, y0, y1, result.number))
        elif 0 < x1 - x0 < 12 and 0 < y1 - y0 < 12:
            result.marks.append((x0, x1, y0, y1))


class _LineBuilder:
    def __init__(self, page: Page, textpage: Any, fonts: Fonts) -> None:
        self.page = page
        self.textpage = textpage
        self.fonts = fonts
        self.glyphs: list[_Glyph] = []
        self.spaced: list[bool] = []  # a space character came before glyph i
        self.pending_space = False
        self.top = self.bottom = self.right = self.left = 0.0

    def space(self) -> None:
        self.pending_space = True

    def add(self, glyph: _Glyph) -> None:
        if self.glyphs and not self._continues(glyph):
            self.flush()
        if not self.glyphs:
            self.top, self.bottom = glyph.top, glyph.bottom
            self.right = glyph.right
        self.spaced.append(self.pending_space)
        self.pending_space = False
        self.glyphs.append(glyph)
        self.top = min(self.top, glyph.top) if glyph.size >= self.glyphs[0].size * 0.9 else self.top
        self.bottom = max(self.bottom, glyph.bottom)
        self.right = max(self.right, glyph.right)
        self.left = glyph.left

    def _font_of(self, glyph: _Glyph) -> _FontFacts:
        text_object = pdfium_c.FPDFText_GetTextObject(self.textpage, glyph.index)
        return self.fonts.facts(text_object) if text_object else _FontFacts(False, False)

    def _continues(self, glyph: _Glyph) -> bool:
        overlap = min(self.bottom, glyph.bottom) - max(self.top, glyph.top)
        if overlap < 0.5 * min(glyph.bottom - glyph.top, self.bottom - self.top):
            return False
        em = max(glyph.size, 1.0)
        if glyph.left < self.left - BACKSTEP_EM * em:
            return False  # back to the left: a new line (or text drawn over this one)
        # (An italic "f" reaches over the next letter: glyphs are compared by their left edges.)
        return glyph.left - self.right <= COLUMN_GAP_EM * em

    def flush(self) -> None:
        glyphs = self.glyphs
        self.pending_space = False
        if not glyphs:
            return
        line = _finish_line(glyphs, self.spaced, self.page, self._font_of)
        self.glyphs, self.spaced = [], []
        if line is not None:
            self.page.lines.append(line)


def _finish_line(
    glyphs: list[_Glyph], spaced: list[bool], page: Page, font_of: Callable[[_Glyph], _FontFacts]
) -> Line | None:
    sizes = Counter(round(g.size, 1) for g in glyphs)
    size = max(sizes.items(), key=lambda item: (item[1], item[0]))[0]
    body = [g for g in glyphs if g.size >= size * SUPERSCRIPT_SIZE]
    if not body:
        body = glyphs
    centre = sum((g.top + g.bottom) / 2 for g in body) / len(body)
    parts: list[str] = []
    label: list[str] = []
    removed: list[str] = []
    dropped = 0
    previous: _Glyph | None = None
    for glyph, space in zip(glyphs, spaced, strict=True):
        raised = (
            glyph.size < size * SUPERSCRIPT_SIZE
            and (glyph.top + glyph.bottom) / 2 < centre - SUPERSCRIPT_RISE * size
        )
        if raised and glyph.ch in NOTE_MARK_CHARS:
            if not parts:
                label.append(glyph.ch)  # a footnote's own number
            else:
                removed.append(glyph.ch)
                dropped += 1
            continue
        if parts and (space or (previous and glyph.left - previous.right > WORD_GAP_EM * size)):
            parts.append(" ")
        if removed:
            page.marks_removed.update("".join(removed).replace(",", " ").split())
            removed = []
        parts.append(glyph.ch)
        previous = glyph
    if removed:
        page.marks_removed.update("".join(removed).replace(",", " ").split())
    page.notes_removed += 1 if dropped else 0
    text = "".join(parts).strip()
    if not text:
        return None
    # Weight and slant from a few glyphs spread over the line (a font lookup per glyph would
    # cost a third of the reading time): most of them decide.
    step = max(1, len(body) // FONT_SAMPLES)
    facts = [font_of(g) for g in body[::step][:FONT_SAMPLES] if not g.ch.isspace()]
    bold = sum(f.bold for f in facts) * 2 > len(facts)
    italic = sum(f.italic for f in facts) * 2 > len(facts)
    kept = [g for g in glyphs if g.size >= size * SUPERSCRIPT_SIZE] or glyphs
    return Line(
        text=text,
        x0=min(g.left for g in kept),
        x1=max(g.right for g in kept),
        top=min(g.top for g in kept),
        bottom=max(g.bottom for g in kept),
        size=size,
        bold=bold,
        italic=italic,
        page=page.number,
        order=len(page.lines),
        label="".join(label).strip(",–-") or None,
    )


def _mark_bullets(page: Page) -> None:
    """A small drawn mark just left of a line's start, level with it, is its list bullet."""
    if not page.marks:
        return
    for line in page.lines:
        em = line.size
        for x0, x1, top, bottom in page.marks:
            if (
                x1 <= line.x0
                and line.x0 - x1 <= 2.0 * em
                and x1 - x0 <= BULLET_MAX_EM * em
                and line.top <= (top + bottom) / 2 <= line.bottom
            ):
                line.bullet = True
                break

"""Lines -> text boxes in reading order: page furniture removed, paragraphs set apart, columns
and sidebars ordered.

1. **Furniture.** A line printed at the same place on most pages (a running header or footer, a
   banner a browser prints on every page) is furniture; so is a page number, a print timestamp or
   a URL in the top or bottom margin, even on a page of its own.
2. **Boxes.** Consecutive lines (in stream order) form one box while they are level-spaced,
   share a column and are set alike. A box ends at a vertical gap wider than the body's line
   spacing, a change of size or weight, an indented first line, or after a short line that ends
   a sentence in justified text. A box is a paragraph, a heading, a caption, a list item.
3. **Reading order.** Boxes of a page are ordered by recursive XY cuts: a vertical gutter that
   runs through the whole region first (columns, a sidebar: left to right), else the first
   horizontal gap (top to bottom); overlapping boxes keep their stream order.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from worldview.extract.readers.pdf.chars import Line, Page, Picture
from worldview.extract.rules.pages import (
    FOOTER_ZONE,
    HEADER_ZONE,
    REPEAT_MIN_SHARE,
    REPEAT_TOLERANCE_PT,
    is_page_furniture_text,
)
from worldview.extract.rules.people import FRONT_LINE
from worldview.extract.rules.sections import SENTENCE_END

BULLET_GLYPH = re.compile(r"^[•●◦▪▸►‣∙○■□➢✓–]\s*|^\uf0b7\s*|^\uf0a7\s*")
NUMBERED_ITEM = re.compile(r"^(?:\d{1,2}|[a-z])[.)]\s+(?=\S)")
ITEM_MARK = re.compile(r"^(?:\d{1,3}[.)]?|\[\d{1,3}\]|[a-z][.)])\s+(?=\S)")
DIGITS = re.compile(r"\d+")
SPACES = re.compile(r"\s+")
# Paragraphs: a gap past the body's usual line gap by this many ems starts a new box.
PARAGRAPH_GAP_EM = 0.25
INDENT_EM = 0.8
SIZE_CHANGE = 0.05  # a relative change of font size
SHORT_LINE_EM = 2.5  # a justified line ending this far short of the box's right edge
GUTTER_MIN_PT = 6.0
HEADER_LINE_CHARS = 80
EDGE_MIN_LINES = 4
SHORT_SHARE = 0.4  # a line ending this share of its column's width short of the edge


@dataclass(slots=True)
class Box:
    lines: list[Line]
    picture: Picture | None = None  # a box that is a picture (no lines)
    column_top: bool = False  # the first box of its column (a paragraph may continue here)
    column_end: bool = False  # the last box of its column

    @property
    def page(self) -> int:
        return self.picture.page if self.picture else self.lines[0].page

    @property
    def x0(self) -> float:
        return self.picture.x0 if self.picture else min(line.x0 for line in self.lines)

    @property
    def x1(self) -> float:
        return self.picture.x1 if self.picture else max(line.x1 for line in self.lines)

    @property
    def top(self) -> float:
        return self.picture.top if self.picture else self.lines[0].top

    @property
    def bottom(self) -> float:
        return self.picture.bottom if self.picture else max(line.bottom for line in self.lines)

    @property
    def size(self) -> float:
        if not self.lines:
            return 0.0
        counts = Counter(line.size for line in self.lines)
        return counts.most_common(1)[0][0]

    @property
    def bold(self) -> bool:
        return bool(self.lines) and all(line.bold for line in self.lines)

    @property
    def italic(self) -> bool:
        return bool(self.lines) and all(line.italic for line in self.lines)

    @property
    def order(self) -> int:
        return self.lines[0].order if self.lines else -1


@dataclass(slots=True)
class Furniture:
    removed: int = 0
    examples: list[str] = field(default_factory=list)


# --- furniture --------------------------------------------------------------------------------


def _key(text: str) -> str:
    return SPACES.sub(" ", DIGITS.sub("#", text.casefold())).strip()


def remove_furniture(pages: list[Page]) -> Furniture:
    """Drop running headers and footers, page numbers, print stamps and repeated banners."""
    found = Furniture()
    places: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for page in pages:
        for line in page.lines:
            places[_place_key(line, page)].append((page.number, line.top))
    pages_with_text = sum(1 for page in pages if page.lines)
    needed = max(2, REPEAT_MIN_SHARE * pages_with_text)
    repeated = {key for key, spots in places.items() if _repeats_in_place(spots, needed)}
    for page in pages:
        kept = []
        for line in page.lines:
            if _place_key(line, page) in repeated or (
                _in_margin(line, page) and is_page_furniture_text(line.text)
            ):
                found.removed += 1
                if len(found.examples) < 3 and line.text[:40] not in found.examples:
                    found.examples.append(line.text[:40])
                continue
            kept.append(line)
        page.lines = kept
    return found


def _in_margin(line: Line, page: Page) -> bool:
    return line.bottom <= page.height * HEADER_ZONE or line.top >= page.height * (1 - FOOTER_ZONE)


def _place_key(line: Line, page: Page) -> str:
    """A line's text for spotting repeats; in the margins, numbers aside ("Page 3 of 8")."""
    if _in_margin(line, page):
        return "margin:" + _key(line.text)
    return SPACES.sub(" ", line.text.casefold()).strip()


def _repeats_in_place(spots: list[tuple[int, float]], needed: float) -> bool:
    if len(spots) < needed:
        return False
    tops = sorted(top for _, top in spots)
    median = tops[len(tops) // 2]
    pages = {page for page, top in spots if abs(top - median) <= REPEAT_TOLERANCE_PT}
    return len(pages) >= needed


# --- boxes ------------------------------------------------------------------------------------


def line_gap(pages: list[Page], body_size: float) -> float:
    """The usual gap between two lines of a body paragraph (the most common one)."""
    gaps: Counter[float] = Counter()
    for page in pages:
        for a, b in zip(page.lines, page.lines[1:], strict=False):
            if abs(a.size - body_size) < 0.5 and abs(b.size - body_size) < 0.5:
                gap = b.top - a.bottom
                if -0.5 * body_size < gap < body_size and _overlaps(a, b):
                    gaps[round(gap, 0)] += 1
    return float(gaps.most_common(1)[0][0]) if gaps else 0.2 * body_size


def _overlaps(a: Line | Box, b: Line | Box) -> bool:
    overlap = min(a.x1, b.x1) - max(a.x0, b.x0)
    return overlap > 0.3 * min(a.x1 - a.x0, b.x1 - b.x0)


class ColumnEdges:
    """Where the lines of a page that start at a line's left edge, in its size, usually end: a
    line well short of that ended its paragraph (ragged-right text has no other sign)."""

    def __init__(self, lines: list[Line]) -> None:
        self.lines = lines
        self.known: dict[tuple[int, float], float | None] = {}

    def edge(self, line: Line) -> float | None:
        key = (round(line.x0), round(line.size, 1))
        if key not in self.known:
            em = line.size
            ends = sorted(
                other.x1
                for other in self.lines
                if abs(other.x0 - line.x0) <= em and abs(other.size - line.size) <= SIZE_CHANGE * em
            )
            self.known[key] = (
                ends[int(0.8 * (len(ends) - 1))] if len(ends) >= EDGE_MIN_LINES else None
            )
        return self.known[key]

    def ends_short(self, line: Line) -> bool:
        edge = self.edge(line)
        return edge is not None and line.x1 < edge - SHORT_SHARE * (edge - line.x0)


def make_boxes(page: Page, gap: float) -> list[Box]:
    """The page's lines grouped into boxes (paragraphs, headings, items), in stream order."""
    boxes: list[Box] = []
    current: list[Line] = []
    edges = ColumnEdges(page.lines)
    for line in page.lines:
        if current and _continues(current, line, gap, edges):
            current.append(line)
            continue
        if current:
            boxes.extend(_split_justified(current))
        current = [line]
    if current:
        boxes.extend(_split_justified(current))
    return boxes


def _split_justified(lines: list[Line]) -> list[Box]:
    """Justified text without space between paragraphs: a line that ends short of the right
    edge and ends a sentence, under a next line that starts one, ends a paragraph."""
    edge = justified_edge(lines)
    if edge is None:
        return [Box(lines)]
    boxes: list[Box] = []
    start = 0
    for i in range(len(lines) - 1):
        line, following = lines[i], lines[i + 1]
        short = line.x1 < edge - SHORT_LINE_EM * line.size
        if short and SENTENCE_END.search(line.text) and following.text[:1].isupper():
            boxes.append(Box(lines[start : i + 1]))
            start = i + 1
    boxes.append(Box(lines[start:]))
    return boxes


def _continues(lines: list[Line], line: Line, gap: float, edges: ColumnEdges) -> bool:
    last = lines[-1]
    em = max(last.size, line.size)
    if abs(line.size - last.size) > SIZE_CHANGE * em or line.bold != last.bold:
        return False
    if line.bullet or BULLET_GLYPH.match(line.text) or line.label:
        return False
    distance = line.top - last.bottom
    if distance < -0.3 * em or distance > gap + PARAGRAPH_GAP_EM * em:
        return False
    if not _overlaps(last, line):
        return False
    if FRONT_LINE.match(line.text) and len(lines) == 1 and len(last.text) <= HEADER_LINE_CHARS:
        return False  # "Published: ..." under a short "By ..." line: a header stack
    if _is_item_start(line) and (line.x0 < last.x0 - 0.5 * em or _is_item_start(lines[0])):
        return False  # "2." under an item (or outdented under its hanging lines): the next item
    if edges.ends_short(last) and not _hyphenated(last):
        return False  # the line before stopped well short of the column's edge
    margin = min(x.x0 for x in lines)
    if line.x0 > margin + INDENT_EM * em and (len(lines) > 1 or line.x0 > last.x0 + INDENT_EM * em):
        # An indented first line starts a paragraph; lines under a numbered item's first line
        # hang.
        return len(lines) == 1 and _is_item_start(lines[0]) and line.x0 <= last.x0 + 3 * em
    return True


def _hyphenated(line: Line) -> bool:
    return line.text.endswith(("-", "\u2010", "\u00ad", "\ufffe"))


def _is_item_start(line: Line) -> bool:
    return bool(
        line.bullet or line.label or BULLET_GLYPH.match(line.text) or ITEM_MARK.match(line.text)
    )


def justified_edge(lines: list[Line]) -> float | None:
    """The right edge most lines of a box end at, when its text is justified."""
    if len(lines) < 4:
        return None
    ends = Counter(round(line.x1) for line in lines[:-1])
    edge, count = ends.most_common(1)[0]
    return float(edge) if count >= 0.6 * (len(lines) - 1) else None


# --- reading order ----------------------------------------------------------------------------


def reading_order(boxes: list[Box]) -> list[Box]:
    """Boxes in reading order by recursive XY cuts; the first box of each column is marked."""
    ordered: list[Box] = []
    _cut(sorted(boxes, key=lambda b: (b.order, b.top)), ordered)
    if ordered:
        ordered[0].column_top = ordered[-1].column_end = True
    return ordered


def _cut(boxes: list[Box], out: list[Box], depth: int = 0) -> None:
    if len(boxes) <= 1 or depth > 60:
        _emit_column(boxes, out)
        return
    columns = _vertical_split(boxes)
    if columns:
        for column in columns:
            start = len(out)
            _cut(column, out, depth + 1)
            if len(out) > start:
                out[start].column_top = out[-1].column_end = True
        return
    rows = _horizontal_split(boxes)
    if rows:
        top, rest = rows
        _cut(top, out, depth + 1)
        _cut(rest, out, depth + 1)
        return
    _emit_column(boxes, out)


def _emit_column(boxes: list[Box], out: list[Box]) -> None:
    out.extend(sorted(boxes, key=lambda b: b.order) if _overlapping(boxes) else boxes)


def _overlapping(boxes: list[Box]) -> bool:
    """Boxes drawn over each other: keep the order they were drawn in."""
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 : i + 8]:
            if min(a.bottom, b.bottom) - max(a.top, b.top) > 2 and _overlaps(a, b):
                return True
    return False


def _vertical_split(boxes: list[Box]) -> list[list[Box]] | None:
    """Columns: x ranges with an empty gutter between them over the whole region."""
    spans = sorted((b.x0, b.x1) for b in boxes)
    cuts: list[float] = []
    reach = spans[0][1]
    for x0, x1 in spans[1:]:
        if x0 - reach >= GUTTER_MIN_PT:
            cuts.append((x0 + reach) / 2)
        reach = max(reach, x1)
    if not cuts:
        return None
    columns: list[list[Box]] = [[] for _ in range(len(cuts) + 1)]
    for box in boxes:
        centre = (box.x0 + box.x1) / 2
        index = sum(1 for cut in cuts if centre > cut)
        columns[index].append(box)
    columns = [sorted(c, key=lambda b: (b.top, b.order)) for c in columns if c]
    return columns if len(columns) > 1 else None


def _horizontal_split(boxes: list[Box]) -> tuple[list[Box], list[Box]] | None:
    """The first horizontal gap that no box spans: what is above it, and the rest."""
    ordered = sorted(boxes, key=lambda b: (b.top, b.order))
    reach = ordered[0].bottom
    for i, box in enumerate(ordered[1:], 1):
        if box.top >= reach - 0.5:
            return ordered[:i], ordered[i:]
        reach = max(reach, box.bottom)
    return None

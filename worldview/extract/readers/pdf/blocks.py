"""Boxes in reading order -> the document's blocks, each with the role its layout gives it.

Sizes are judged against the body text's size (the size most characters are set in):

- **footnotes**: smaller text below the last body text of a page that starts with a note mark,
  and the numbered items under a "Notes"/"References" heading (the heading goes);
- **title**: on the first page with text, the largest text well above body size (the one the
  document's Title property names, if several are as large);
- **subtitle**: right under the title, set larger than the body or in italics;
- **headings**: short lines larger than the body, or bold, not ending a sentence; levels by size;
- **captions**: the smaller or italic text right under (or a "Figure" line over) a picture;
- **quotes**: text set larger than the body that reads as a sentence (a pull quote), or italic
  text indented on both sides;
- **list items**: lines led by a bullet glyph, a drawn bullet or a number;
- a paragraph cut by a column or page break (it does not end a sentence) is joined with the
  paragraph that continues it at the top of the next column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from worldview.document import Block, BlockKind, Role
from worldview.extract.readers.pdf.chars import Line
from worldview.extract.readers.pdf.layout import BULLET_GLYPH, NUMBERED_ITEM, Box
from worldview.extract.readers.pdf.text import fix_glyphs, join_lines, join_two, vocabulary
from worldview.extract.rules.captions import CREDIT_LABEL_START
from worldview.extract.rules.pages import NOTES_HEADING, is_dateline_text
from worldview.extract.rules.people import BYLINE_START, JOB_TITLE
from worldview.extract.rules.sections import SENTENCE_END
from worldview.extract.rules.side_material import NOTE_LABEL

TITLE_MIN_EM = 1.25
TITLE_MAX_CHARS = 300
SUBTITLE_MIN_EM = 1.05
SUBTITLE_MAX_CHARS = 400
HEADING_MIN_EM = 1.12
HEADING_MAX_CHARS = 200
HEADING_MAX_LINES = 3
QUOTE_MIN_EM = 1.1
QUOTE_MAX_CHARS = 400
FOOTNOTE_MAX_EM = 0.92
BODY_SIZE_TOLERANCE = 0.08
CAPTION_GAP_EM = 2.0
QUOTE_INDENT_EM = 1.5
FIGURE_LABEL = re.compile(
    r"^(?:figure|fig\.|chart|map|table|exhibit|graph|photo|image)\s*\d*", re.I
)
HEADING_END = re.compile(r"[.,;]$")
PRE_TITLE_KEEP = 3
FRONT_ITEMS = 8
NAME_LINE_MAX_CHARS = 80
PERSON_NAME = re.compile(r"^[^\W\d_][\w'’.-]*(?:\s+[^\W\d_][\w'’.-]*){1,3}$")
AUTHOR_LABEL = re.compile(r"^(?:authors?|written\s+by|contributors?|by)\s*:?$", re.I)
NUMBERED_HEADING = re.compile(r"^(?P<number>\d{1,2}(?:\.\d{1,2}){0,3})\.?\s+\S")


@dataclass(slots=True)
class Item:
    box: Box
    kind: BlockKind
    text: str = ""
    role: Role | None = None
    level: int = 0


def build_blocks(
    boxes: list[Box], body_size: float, title_hint: str | None, marks: dict[int, set[str]]
) -> list[Block]:
    """``marks``: the note marks dropped from each page's text."""
    words = vocabulary(fix_glyphs(line.text) for box in boxes for line in box.lines)
    items = _footnotes_at_page_foot(boxes, body_size, words, marks)
    items = _endnotes(items, body_size, words)
    title = _find_title(items, body_size, title_hint)
    if title is not None:
        items, title = _drop_masthead(items, title)
        _front(items, title, body_size)
        _author_stack(items, title)
    _headings_quotes_captions(items, body_size)
    _join_across_breaks(items, body_size, words)
    return [_block(item) for item in items if item.text or item.kind == BlockKind.IMAGE]


def _block(item: Item) -> Block:
    if item.kind == BlockKind.IMAGE:
        return Block(BlockKind.IMAGE)
    return Block(item.kind, item.text, level=item.level, role=item.role)


def _text(lines: list[Line], words: set[str]) -> str:
    return join_lines([fix_glyphs(line.text) for line in lines], words)


def _item(box: Box, words: set[str]) -> Item:
    if box.picture is not None:
        return Item(box, BlockKind.IMAGE)
    text = _text(box.lines, words)
    first = box.lines[0]
    bullet = BULLET_GLYPH.match(text)
    if first.bullet or bullet:
        return Item(box, BlockKind.LIST_ITEM, text[bullet.end() :] if bullet else text, level=1)
    number = NUMBERED_ITEM.match(text)
    if number and (SENTENCE_END.search(text) or not NUMBERED_HEADING.match(text)):
        return Item(box, BlockKind.LIST_ITEM, text[number.end() :], level=1)
    return Item(box, BlockKind.PARAGRAPH, text)


def _is_body(box: Box, body_size: float) -> bool:
    return box.picture is None and abs(box.size - body_size) <= BODY_SIZE_TOLERANCE * body_size


# --- notes ------------------------------------------------------------------------------------


def _footnotes_at_page_foot(
    boxes: list[Box], body_size: float, words: set[str], marks: dict[int, set[str]]
) -> list[Item]:
    """Items, with the notes at the foot of each column split one per note."""
    seen: set[str] = set()
    notes_from = len(boxes)
    items: list[Item] = []
    for i, box in enumerate(boxes):
        if i == 0 or box.page != boxes[i - 1].page:
            seen |= marks.get(box.page, set())
        if i >= notes_from or _starts_foot(boxes, i, body_size, seen):
            notes_from = i if i < notes_from else notes_from
            if box.picture is None and _starts_note(box.lines[0]):
                items.extend(_notes(box, words))
            elif items and items[-1].role == Role.FOOTNOTE:
                items[-1].text = f"{items[-1].text} {_text(box.lines, words)}"
            if box.column_end:
                notes_from = len(boxes)
            continue
        items.append(_item(box, words))
    return items


def _starts_note(line: Line) -> bool:
    return _note_label(line) is not None


def _note_label(line: Line) -> str | None:
    if line.label:
        return line.label
    match = NOTE_LABEL.match(fix_glyphs(line.text))
    return (match.group("bracketed") or match.group("label")) if match else None


def _starts_foot(boxes: list[Box], i: int, body_size: float, marks: set[str]) -> bool:
    """Box ``i`` opens a column's foot of notes: it starts with a note mark (one the text above
    carries, or in text set smaller than the body), and so does or continues every box after
    it down to the column's end."""
    box = boxes[i]
    if box.picture is not None:
        return False
    label = _note_label(box.lines[0])
    small = box.size <= FOOTNOTE_MAX_EM * body_size
    if label is None or not (small or label in marks):
        return False
    for following in boxes[i:]:
        if following.picture is not None or following.bold:
            return False
        if following.page != box.page or abs(following.size - box.size) > 0.5:
            return False
        if following.column_end:
            return True
    return True


def _notes(box: Box, words: set[str]) -> list[Item]:
    """One item per note: a line with a mark of its own starts the next one."""
    notes: list[list[Line]] = []
    for line in box.lines:
        if not notes or _starts_note(line):
            notes.append([line])
        else:
            notes[-1].append(line)
    items = []
    for lines in notes:
        text = _text(lines, words)
        if lines[0].label:
            text = f"{lines[0].label} {text}"
        items.append(Item(Box(lines), BlockKind.PARAGRAPH, text, role=Role.FOOTNOTE))
    return items


def _endnotes(items: list[Item], body_size: float, words: set[str]) -> list[Item]:
    """The items under a "Notes" heading that start with a mark are notes; the heading goes."""
    kept: list[Item] = []
    in_notes = False
    note_size = 0.0
    for item in items:
        box = item.box
        if item.kind != BlockKind.IMAGE and NOTES_HEADING.match(item.text):
            in_notes, note_size = True, 0.0
            continue
        if in_notes and item.kind != BlockKind.IMAGE and item.role is None:
            marked = _starts_note(box.lines[0]) or item.kind == BlockKind.LIST_ITEM
            if marked:
                kept.extend(_notes(box, words))
                note_size = box.size
                continue
            if note_size and abs(box.size - note_size) < 0.3 and not box.italic:
                kept[-1].text = f"{kept[-1].text} {item.text}"  # a note's next paragraph
                continue
            in_notes = False
        kept.append(item)
    return kept


# --- title, subtitle --------------------------------------------------------------------------


def _find_title(items: list[Item], body_size: float, hint: str | None) -> int | None:
    """Index of the title item: the largest text on the first page with text."""
    texts = [
        i for i, item in enumerate(items) if item.kind != BlockKind.IMAGE and item.role is None
    ]
    if not texts:
        return None
    first_page = items[texts[0]].box.page
    candidates = [
        i
        for i in texts
        if items[i].box.page == first_page
        and items[i].box.size >= TITLE_MIN_EM * body_size
        and 3 <= len(items[i].text) <= TITLE_MAX_CHARS
        and len(items[i].text.split()) >= 2
    ]
    if not candidates:
        return None
    hinted = _fold(hint) if hint else ""
    named = [i for i in candidates if hinted and _fold(items[i].text) in hinted]
    if named:
        return named[0]
    largest = max(items[i].box.size for i in candidates)
    return next(i for i in candidates if items[i].box.size >= largest - 0.5)


def _drop_masthead(items: list[Item], title: int) -> tuple[list[Item], int]:
    """Above the title on its page, only the few lines next to it are kept (a kicker, a date):
    what sits higher is masthead, a site's menus on a printed page, a logo's words."""
    start = max(0, title - PRE_TITLE_KEEP)
    return items[start:], title - start


def _author_stack(items: list[Item], title: int) -> None:
    """ "Authors" over "Jane Roe" / "Senior Fellow" / "John Doe" lines near the title: one
    byline, "By Jane Roe and John Doe"."""
    for i in range(title + 1, min(len(items), title + FRONT_ITEMS)):
        if not AUTHOR_LABEL.match(items[i].text):
            continue
        people: list[str] = []
        j = i + 1
        while j < len(items) and len(items[j].text) <= NAME_LINE_MAX_CHARS:
            text = items[j].text
            if is_dateline_text(text) or items[j].kind == BlockKind.HEADING:
                break
            if JOB_TITLE.search(text) and people:
                pass  # a role under the name is not an affiliation (a bio may give one)
            elif PERSON_NAME.match(text):
                people.append(text)
            else:
                break
            items[j].text = ""
            j += 1
        if people:
            items[i].text = "By " + " and ".join(people)
            items[i].role = Role.BYLINE
        return


def _fold(text: str) -> str:
    return re.sub(r"[\W_]+", " ", text.casefold()).strip()


def _front(items: list[Item], title: int, body_size: float) -> None:
    item = items[title]
    item.kind, item.role, item.level = BlockKind.HEADING, Role.TITLE, 1
    following = next(
        (x for x in items[title + 1 :] if x.kind != BlockKind.IMAGE and x.role is None), None
    )
    if following is None or following.kind != BlockKind.PARAGRAPH:
        return
    text, box = following.text, following.box
    if len(text) > SUBTITLE_MAX_CHARS or BYLINE_START.match(text) or is_dateline_text(text):
        return
    larger = SUBTITLE_MIN_EM * body_size <= box.size < item.box.size
    if larger or (box.italic and box.size >= (1 - BODY_SIZE_TOLERANCE) * body_size):
        following.role = Role.SUBTITLE


# --- headings, quotes, captions ---------------------------------------------------------------


def _heading_sizes(items: list[Item], body_size: float) -> list[float]:
    sizes = {
        round(item.box.size * 2) / 2
        for item in items
        if item.kind == BlockKind.PARAGRAPH
        and item.role is None
        and _looks_like_heading(item, body_size)
    }
    return sorted(sizes, reverse=True)


def _looks_like_heading(item: Item, body_size: float) -> bool:
    box, text = item.box, item.text
    if len(text) > HEADING_MAX_CHARS or len(box.lines) > HEADING_MAX_LINES:
        return False
    if HEADING_END.search(text) or not text[:1].isalnum() and text[:1] not in "“\"‘'(":
        return False
    if BYLINE_START.match(text):
        return False
    return box.size >= HEADING_MIN_EM * body_size or (
        box.bold and box.size >= (1 - BODY_SIZE_TOLERANCE) * body_size
    )


def _headings_quotes_captions(items: list[Item], body_size: float) -> None:
    sizes = _heading_sizes(items, body_size)
    for i, item in enumerate(items):
        if item.kind == BlockKind.IMAGE:
            _caption_for(items, i, body_size)
            continue
        if item.kind != BlockKind.PARAGRAPH or item.role is not None:
            continue
        if _looks_like_heading(item, body_size):
            item.kind = BlockKind.HEADING
            number = NUMBERED_HEADING.match(item.text)
            rank = sizes.index(round(item.box.size * 2) / 2)
            level = 2 + (number.group("number").count(".") if number else rank)
            item.level = min(6, level)
        elif _is_quote(items, i, body_size):
            item.kind = BlockKind.QUOTE


def _is_quote(items: list[Item], i: int, body_size: float) -> bool:
    item = items[i]
    box, text = item.box, item.text
    if not (20 <= len(text) <= QUOTE_MAX_CHARS) or len(text.split()) < 5:
        return False
    if box.size >= QUOTE_MIN_EM * body_size and SENTENCE_END.search(text):
        return True
    if not box.italic:
        return False
    neighbours = [
        items[j].box
        for j in (i - 1, i + 1)
        if 0 <= j < len(items)
        and items[j].kind == BlockKind.PARAGRAPH
        and _is_body(items[j].box, body_size)
        and items[j].box.page == box.page
    ]
    indent = QUOTE_INDENT_EM * body_size
    return any(box.x0 >= n.x0 + indent and box.x1 <= n.x1 - indent for n in neighbours)


def _caption_for(items: list[Item], i: int, body_size: float) -> None:
    """The text right under a picture (or a "Figure" line right over it) is its caption."""
    picture = items[i].box
    below = items[i + 1] if i + 1 < len(items) else None
    if below is not None and _is_caption(below, picture, body_size, below=True):
        below.role = Role.CAPTION
        return
    above = items[i - 1] if i > 0 else None
    if above is not None and _is_caption(above, picture, body_size, below=False):
        above.role = Role.CAPTION
        items[i - 1], items[i] = items[i], items[i - 1]  # the caption follows its picture


def _is_caption(item: Item, picture: Box, body_size: float, *, below: bool) -> bool:
    if item.kind != BlockKind.PARAGRAPH or item.role is not None or item.box.page != picture.page:
        return False
    box = item.box
    distance = box.top - picture.bottom if below else picture.top - box.bottom
    if not (-2.0 <= distance <= CAPTION_GAP_EM * body_size):
        return False
    if min(box.x1, picture.x1) - max(box.x0, picture.x0) <= 0:
        return False
    labelled = FIGURE_LABEL.match(item.text) or CREDIT_LABEL_START.match(item.text)
    if not below:
        return bool(labelled)
    return bool(labelled) or box.italic or box.size < (1 - BODY_SIZE_TOLERANCE / 2) * body_size


# --- paragraphs across column and page breaks -------------------------------------------------


def _join_across_breaks(items: list[Item], body_size: float, words: set[str]) -> None:
    """A body paragraph that stops at the end of a column without ending its sentence goes on
    in the first paragraph of the next column (notes, pictures and captions in between stay)."""
    previous: Item | None = None
    for item in items:
        if item.kind == BlockKind.IMAGE or item.role in (Role.FOOTNOTE, Role.CAPTION):
            continue
        if (
            previous is not None
            and item.kind == previous.kind
            and item.kind in (BlockKind.PARAGRAPH, BlockKind.LIST_ITEM)
            and item.role is None
            and previous.role is None
            and (previous.box.column_end or item.box.column_top)
            and abs(item.box.size - previous.box.size) <= 0.5
            and not SENTENCE_END.search(previous.text)
            and not (item.kind == BlockKind.LIST_ITEM and item.box.lines[0].bullet)
        ):
            previous.text = join_two(previous.text, item.text, words)
            item.text = ""
            continue
        previous = item

"""Plain text -> blocks in reading order (Markdown: ``readers.markdown``; HTML: ``readers.html``).

Plain text has no markup, so its structure is read from layout: blank lines separate blocks; a
short line without closing punctuation is a heading (the first one the title); bullet lines are
list items; a block whose lines each end a sentence is several one-line blocks (a caption
repeated on the next line), while hard-wrapped prose is joined back into one paragraph.
"""

from __future__ import annotations

import re

from worldview.document import Block, BlockKind, Role
from worldview.extract.rules.dates import MONTH
from worldview.extract.rules.people import FRONT_LINE
from worldview.extract.rules.sections import FULL_STOP_INSIDE, SENTENCE_END

BLANK_LINES = re.compile(r"\n[ \t\f\v\u00a0]*\n")
# "2. Oktober 2025" is a German date, not item 2 of a numbered list.
BULLET = re.compile(
    rf"^\s*(?:[•●◦▪▸►‣∙·*+\-–—]|\d{{1,3}}[.)](?!\s+{MONTH}\s+\d{{4}}))\s+(?=\S)", re.I
)
SPACES = re.compile(r"[ \t\f\v\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
HEADING_MAX_CHARS = 160
HEADING_MAX_WORDS = 20
TITLE_MAX_CHARS = 250


def squash(text: str) -> str:
    """One line, single spaces; typography untouched."""
    return SPACES.sub(" ", text.replace("\n", " ")).strip()


def looks_like_heading(line: str, *, as_title: bool = False) -> bool:
    """A short line that does not read as a sentence: no closing period, few words."""
    limit = TITLE_MAX_CHARS if as_title else HEADING_MAX_CHARS
    if not line or len(line) > limit or BULLET.match(line):
        return False
    if len(line.split()) > (40 if as_title else HEADING_MAX_WORDS):
        return False
    if line.endswith("?") or line.endswith("!"):
        return as_title or len(line.split()) <= 10
    if SENTENCE_END.search(line) or FULL_STOP_INSIDE.search(line):
        return False
    return line[0].isupper() or line[0].isdigit() or not line[0].isalpha()


def lines_are_separate(lines: list[str]) -> bool:
    """Lines that each end a sentence (or repeat), or a byline over a date, are separate blocks;
    hard-wrapped prose is not."""
    if len(lines) < 2:
        return False
    if len(set(lines)) < len(lines):
        return True
    # Wrapped prose continues sentences, so some line after the first starts in lower case;
    # a stack of labels, dates, headline and dek never does.
    continued = any(line[:1].islower() for line in lines[1:])
    if not continued and len(lines) <= 8 and any(FRONT_LINE.match(line) for line in lines):
        return True
    return all(SENTENCE_END.search(line) for line in lines[:-1])


def _is_header_stack(lines: list[str]) -> bool:
    """The document's first lines: short, none continuing the one before, one headline-like."""
    return (
        len(lines) <= 8
        and all(len(line) <= TITLE_MAX_CHARS for line in lines)
        and not any(line[:1].islower() for line in lines[1:])
        and any(looks_like_heading(line, as_title=True) for line in lines)
    )


def text_to_blocks(text: str) -> list[Block]:
    blocks: list[Block] = []
    for chunk in BLANK_LINES.split(text):
        lines = [squash(line) for line in chunk.split("\n")]
        lines = [line for line in lines if line]
        if not lines:
            continue
        if any(BULLET.match(line) for line in lines):
            _add_list_chunk(lines, blocks)
            continue
        lines = _join_wrapped_title(lines)
        if (
            lines_are_separate(lines)
            or (not blocks and _is_header_stack(lines))
            or all(looks_like_heading(line) for line in lines)  # a list of titles
        ):
            for line in lines:
                blocks.append(_line_block(line, first=not blocks))
        else:
            blocks.append(_line_block(" ".join(lines), first=not blocks))
    return blocks


WRAP_WIDTH_MIN = 60  # a line this long that ends mid-phrase was wrapped by the editor


def _join_wrapped_title(lines: list[str]) -> list[str]:
    """ "After Trading Prisoners with Russia: Can the World" + "Negotiate with Putin?" -> one
    line, when the first is as long as a hard wrap and does not end a phrase."""
    if (
        len(lines) >= 2
        and len(lines[0]) >= WRAP_WIDTH_MIN
        and not lines[0].endswith((".", "!", "?", ":", ")", "”", '"'))
    ):
        if not FRONT_LINE.match(lines[1]) and len(lines[0]) + len(lines[1]) < TITLE_MAX_CHARS:
            return [f"{lines[0]} {lines[1]}", *lines[2:]]
    return lines


def _line_block(line: str, *, first: bool) -> Block:
    if first and looks_like_heading(line, as_title=True):
        return Block(BlockKind.HEADING, line, level=1, role=Role.TITLE)
    if not first and looks_like_heading(line):
        return Block(BlockKind.HEADING, line, level=2)
    return Block(BlockKind.PARAGRAPH, line)


def _add_list_chunk(lines: list[str], blocks: list[Block]) -> None:
    """Bullet lines; a line without a bullet continues the item above (or stands alone)."""
    current: list[str] | None = None
    for line in lines:
        match = BULLET.match(line)
        if match:
            if current:
                blocks.append(Block(BlockKind.LIST_ITEM, " ".join(current), level=1))
            current = [line[match.end() :]]
        elif current is not None and not looks_like_heading(line):
            current.append(line)
        else:
            if current:
                blocks.append(Block(BlockKind.LIST_ITEM, " ".join(current), level=1))
                current = None
            blocks.append(_line_block(line, first=not blocks))
    if current:
        blocks.append(Block(BlockKind.LIST_ITEM, " ".join(current), level=1))

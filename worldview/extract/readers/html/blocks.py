"""Passes over the emitted blocks: byline pieces joined, headings left empty dropped, the
headline first, the dek under it marked.
"""

from __future__ import annotations

from worldview.document import Block, BlockKind, Role
from worldview.extract.readers.html.people import all_people, byline, split_people

DEK_MIN_CHARS, DEK_MAX_CHARS = 40, 300


def tidy(blocks: list[Block]) -> list[Block]:
    blocks = _drop_empty_headings(_merge_bylines(blocks))
    # The headline leads even when the page prints its byline or date above it.
    title_at = next((i for i, b in enumerate(blocks) if b.role == Role.TITLE), 0)
    if title_at:
        blocks.insert(0, blocks.pop(title_at))
    _mark_header_subtitle(blocks)
    return blocks


def _drop_empty_headings(blocks: list[Block]) -> list[Block]:
    """A plain heading with nothing under it (its related-links list was dropped) goes too."""
    out: list[Block] = []
    for i, block in enumerate(blocks):
        if block.kind is BlockKind.HEADING and block.role is None:
            nxt = next((b for b in blocks[i + 1 :] if b.role != Role.BIO), None)
            if nxt is None or (nxt.kind is BlockKind.HEADING and nxt.level <= block.level):
                continue
        out.append(block)
    return out


def _merge_bylines(blocks: list[Block]) -> list[Block]:
    """Consecutive byline pieces ("Jane Doe" "John Roe") become one "By Jane Doe and John Roe"."""
    out: list[Block] = []
    for block in blocks:
        prev = out[-1] if out else None
        if prev is not None and block.role == prev.role == Role.BYLINE:
            names = split_people(prev.text) + split_people(block.text)
            if all_people(names):
                prev.text = byline(list(dict.fromkeys(names)))
                continue
        if (
            prev is not None
            and block.role == prev.role == Role.DATELINE
            and block.text == prev.text
        ):
            continue
        out.append(block)
    return out


def _mark_header_subtitle(blocks: list[Block]) -> None:
    """A short plain paragraph right under the headline, before any byline/body, is its dek."""
    for i, block in enumerate(blocks):
        if block.role == Role.TITLE:
            for nxt in blocks[i + 1 : i + 2]:
                if nxt.role is None and nxt.kind is BlockKind.HEADING and nxt.level == 2:
                    break
                if (
                    nxt.role is None
                    and nxt.kind is BlockKind.PARAGRAPH
                    and DEK_MIN_CHARS <= len(nxt.text) <= DEK_MAX_CHARS
                    and i + 2 < len(blocks)
                    and blocks[i + 2].role in {Role.BYLINE, Role.DATELINE}
                ):
                    nxt.role = Role.SUBTITLE
            return

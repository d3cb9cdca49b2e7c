"""Plain text and Markdown -> blocks in reading order (the HTML twin is ``tasks/clean_html``).

Plain text has no markup, so its structure is read from layout: blank lines separate blocks; a
short line without closing punctuation is a heading (the first one the title); bullet lines are
list items; a block whose lines each end a sentence is several one-line blocks (a caption
repeated on the next line), while hard-wrapped prose is joined back into one paragraph.
Markdown is parsed with markdown-it-py; front matter becomes ``MarkupHints``.
"""

from __future__ import annotations

import re
from functools import cache

from tasks.dates import MONTH
from worldview.document import Block, BlockKind, MarkupHints

BLANK_LINES = re.compile(r"\n[ \t\f\v\u00a0]*\n")
# "2. Oktober 2025" is a German date, not item 2 of a numbered list.
BULLET = re.compile(
    rf"^\s*(?:[•●◦▪▸►‣∙·*+\-–—]|\d{{1,3}}[.)](?!\s+{MONTH}\s+\d{{4}}))\s+(?=\S)", re.I
)
SPACES = re.compile(r"[ \t\f\v\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
SENTENCE_END = re.compile(r"""[.!?…:;]["'”’»)\]]*$""")
# A full stop after a word inside the line: two sentences ("A caption. (Credit)"), not a heading.
INNER_SENTENCE_END = re.compile(r"[a-z]{2}\.\s")
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
    if SENTENCE_END.search(line) or INNER_SENTENCE_END.search(line):
        return False
    return line[0].isupper() or line[0].isdigit() or not line[0].isalpha()


# Lines that open a front-matter item: "By ...", "Published: ...", "Updated ...".
FRONT_LINE = re.compile(
    r"^(?:By|BY|Written by|Published|PUBLISHED|Updated|UPDATED|Posted|Date|Von|Par|Por)\b"
)


def _lines_are_separate(lines: list[str]) -> bool:
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
            _lines_are_separate(lines)
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
        return Block(BlockKind.HEADING, line, level=1, role="title")
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


# --- Markdown ---------------------------------------------------------------------------------

FRONT_MATTER = re.compile(r"\A\s*---\n(.*?)\n(?:---|\.\.\.)\s*\n", re.S)
TAG = re.compile(r"<[^>]*>")
HTML_COMMENT = re.compile(r"<!--.*?-->", re.S)
AFFILIATION_KEYS = ("affiliation", "organization", "organisation", "institution", "org")
FRONT_MATTER_KEYS = {
    "title": "title",
    "subtitle": "subtitle",
    "description": "subtitle",
    "author": "authors",
    "authors": "authors",
    "date": "published",
    "published": "published",
    "updated": "updated",
    "modified": "updated",
    "lang": "language",
    "language": "language",
    "canonical_url": "canonical_url",
    "canonical": "canonical_url",
    "url": "canonical_url",
    "site_name": "site_name",
    "site": "site_name",
    "publisher": "site_name",
    "type": "publication_type",
    "publication_type": "publication_type",
}


@cache
def _markdown_parser():
    from markdown_it import MarkdownIt

    parser = MarkdownIt("commonmark").enable("table").enable("strikethrough")
    # Parse every link as a link (the default leaves "[x](javascript:...)" as literal text); the
    # text keeps only link labels, and image sources are vetted in segment.
    parser.validateLink = lambda url: True
    return parser


def _front_matter(text: str) -> tuple[MarkupHints, str]:
    hints = MarkupHints()
    match = FRONT_MATTER.match(text)
    if not match:
        return hints, text
    import yaml

    try:
        data = yaml.safe_load(match.group(1))
    except yaml.YAMLError:
        return hints, text
    if not isinstance(data, dict):
        return hints, text
    for key, value in data.items():
        field_name = FRONT_MATTER_KEYS.get(str(key).lower().replace("-", "_"))
        if field_name is None or value in (None, ""):
            continue
        if field_name == "authors":
            names = value if isinstance(value, list) else [value]
            for name in names:
                if isinstance(name, dict):
                    # {name: X, affiliation: Y} travels as "X (Y)", as a byline would say it.
                    org = next((name[k] for k in AFFILIATION_KEYS if name.get(k)), None)
                    name = name.get("name")
                    if name and isinstance(org, str):
                        name = f"{name} ({org.strip()})"
                if name:
                    hints.authors.append(str(name).strip())
        elif field_name in ("published", "updated"):
            setattr(hints, field_name, str(value)[:10])
        elif getattr(hints, field_name) is None:
            setattr(hints, field_name, str(value).strip())
    return hints, text[match.end() :]


def _inline_text(token) -> tuple[str, list[tuple[str, str, str | None]], bool]:
    """Plain text of an inline token, its images (src, alt, title), and whether all emphasised."""
    parts: list[str] = []
    images: list[tuple[str, str, str | None]] = []
    depth = 0
    emphasised = True
    for child in token.children or ():
        kind = child.type
        if kind in ("em_open", "strong_open"):
            depth += 1
        elif kind in ("em_close", "strong_close"):
            depth -= 1
        elif kind == "text" or kind == "code_inline":
            parts.append(child.content)
            if child.content.strip() and depth == 0:
                emphasised = False
        elif kind in ("softbreak", "hardbreak"):
            parts.append("\n")
        elif kind == "image":
            alt = "".join(c.content for c in child.children or ()) or child.content
            images.append((child.attrGet("src") or "", alt, child.attrGet("title")))
        elif kind == "html_inline":
            if child.content.lower().startswith("<br"):
                parts.append("\n")
    return "".join(parts), images, emphasised and any(p.strip() for p in parts)


MAX_BRACKETS_PER_PARAGRAPH = 64


def _defuse_brackets(text: str) -> str:
    """Escape "[" in paragraphs that hold very many: markdown-it matches link labels in time
    quadratic in their number ("[[[[..." takes seconds), and no real paragraph has 64 links."""
    if text.count("[") <= MAX_BRACKETS_PER_PARAGRAPH:
        return text
    chunks = text.split("\n\n")
    for i, chunk in enumerate(chunks):
        if chunk.count("[") > MAX_BRACKETS_PER_PARAGRAPH:
            chunks[i] = chunk.replace("[", "\\[")
    return "\n\n".join(chunks)


def markdown_to_blocks(text: str) -> tuple[list[Block], MarkupHints]:
    hints, body = _front_matter(text)
    tokens = _markdown_parser().parse(_defuse_brackets(body))
    blocks: list[Block] = []
    list_depth = 0
    in_item = False
    quote_depth = 0
    quote_parts: list[str] = []
    heading_level = 0
    for token in tokens:
        kind = token.type
        if kind == "heading_open":
            heading_level = int(token.tag[1])
        elif kind == "heading_close":
            heading_level = 0
        elif kind in ("bullet_list_open", "ordered_list_open"):
            list_depth += 1
        elif kind in ("bullet_list_close", "ordered_list_close"):
            list_depth -= 1
        elif kind == "list_item_open":
            in_item = True
        elif kind == "list_item_close":
            in_item = False
        elif kind == "blockquote_open":
            quote_depth += 1
        elif kind == "blockquote_close":
            quote_depth -= 1
            if quote_depth == 0 and quote_parts:
                blocks.append(Block(BlockKind.QUOTE, squash(" ".join(quote_parts))))
                quote_parts = []
        elif kind == "html_block":
            content = squash(TAG.sub(" ", HTML_COMMENT.sub(" ", token.content)))
            if content and not token.content.lstrip().lower().startswith(("<script", "<style")):
                blocks.append(Block(BlockKind.PARAGRAPH, content))
        elif kind == "inline":
            raw, images, emphasised = _inline_text(token)
            if quote_depth and not heading_level and not in_item and not images:
                quote_parts.append(raw)
            else:
                _add_inline(blocks, raw, images, emphasised, heading_level, list_depth, in_item)
    # Markdown written like plain text: a first short line with no "#" is still the title.
    first = blocks[0] if blocks else None
    if (
        first is not None
        and not hints.title
        and first.kind == BlockKind.PARAGRAPH
        and not any(b.role == "title" for b in blocks)
        and looks_like_heading(first.text, as_title=True)
    ):
        blocks[0] = Block(BlockKind.HEADING, first.text, level=1, role="title")
    return blocks, hints


def _add_inline(blocks, raw, images, emphasised, heading_level, list_depth, in_item) -> None:
    text = squash(raw)
    for src, alt, title in images:
        blocks.append(Block(BlockKind.IMAGE, squash(title or ""), src=src or None, alt=alt or None))
    if not text:
        return
    if heading_level:
        role = (
            "title" if heading_level == 1 and not any(b.role == "title" for b in blocks) else None
        )
        blocks.append(Block(BlockKind.HEADING, text, level=heading_level, role=role))
    elif in_item:
        blocks.append(Block(BlockKind.LIST_ITEM, text, level=list_depth))
    elif images:
        # Text beside an image in the same paragraph is its caption.
        blocks[-1].text = text
    elif emphasised and blocks and blocks[-1].kind == BlockKind.IMAGE and not blocks[-1].text:
        blocks[-1].text = text
    else:
        role = "emphasis" if emphasised else None
        lines = [squash(line) for line in raw.split("\n") if line.strip()]
        # Short lines that each end a sentence (a byline over a date, a repeated caption) are
        # separate blocks; wrapped prose is one paragraph.
        if _lines_are_separate(lines) and max(map(len, lines)) < 300:
            blocks.extend(Block(BlockKind.PARAGRAPH, line, role=role) for line in lines)
        else:
            blocks.append(Block(BlockKind.PARAGRAPH, text, role=role))

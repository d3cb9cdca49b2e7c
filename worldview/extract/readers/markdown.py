"""Markdown -> blocks in reading order, parsed with markdown-it-py; YAML front matter becomes
``MarkupHints``. Paragraph text is read as plain text is (``readers.text``): short lines that each
end a sentence are separate blocks, a first short line without ``#`` is still the title.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from worldview.document import Block, BlockKind, MarkupHints, Role
from worldview.extract.readers.text import lines_are_separate, looks_like_heading, squash
from worldview.extract.rules.markup import PUBLICATION_TYPES

# YAML front matter, whatever its lines hold: the YAML parser judges it (``detect_format`` asks
# for "key: value" lines, since there a "---" rule over prose must not make a text Markdown).
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

    class EveryLinkMarkdownIt(MarkdownIt):
        # Parse every link as a link (the default leaves "[x](javascript:...)" as literal text);
        # the text keeps only link labels, and image sources are vetted in segment.
        def validateLink(self, url: str) -> bool:
            return True

    return EveryLinkMarkdownIt("commonmark").enable("table").enable("strikethrough")


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
        elif field_name == "publication_type" and hints.publication_type is None:
            # "research-article", "policy_brief": a known type by its usual name
            stated = str(value).strip()
            key = " ".join(re.split(r"[-_\s]+", stated.lower()))
            hints.publication_type = PUBLICATION_TYPES.get(key, stated)
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


@dataclass(slots=True)
class _Reader:
    """The blocks read so far and where the token stream is: in a heading, a list, a quote."""

    blocks: list[Block] = field(default_factory=list)
    heading_level: int = 0
    list_depth: int = 0
    in_item: bool = False
    quote_depth: int = 0
    quote_parts: list[str] = field(default_factory=list)

    def heading_open(self, token) -> None:
        self.heading_level = int(token.tag[1])

    def heading_close(self, token) -> None:
        self.heading_level = 0

    def list_open(self, token) -> None:
        self.list_depth += 1

    def list_close(self, token) -> None:
        self.list_depth -= 1

    def item_open(self, token) -> None:
        self.in_item = True

    def item_close(self, token) -> None:
        self.in_item = False

    def quote_open(self, token) -> None:
        self.quote_depth += 1

    def quote_close(self, token) -> None:
        """A blockquote's paragraphs become one quote block when the outermost quote closes."""
        self.quote_depth -= 1
        if self.quote_depth == 0 and self.quote_parts:
            self.blocks.append(Block(BlockKind.QUOTE, squash(" ".join(self.quote_parts))))
            self.quote_parts = []

    def html_block(self, token) -> None:
        content = squash(TAG.sub(" ", HTML_COMMENT.sub(" ", token.content)))
        if content and not token.content.lstrip().lower().startswith(("<script", "<style")):
            self.blocks.append(Block(BlockKind.PARAGRAPH, content))

    def inline(self, token) -> None:
        raw, images, emphasised = _inline_text(token)
        if self.quote_depth and not self.heading_level and not self.in_item and not images:
            self.quote_parts.append(raw)
            return
        for src, alt, title in images:
            self.blocks.append(
                Block(BlockKind.IMAGE, squash(title or ""), src=src or None, alt=alt or None)
            )
        text = squash(raw)
        if not text:
            return
        if self.heading_level:
            self._add_heading(text)
        elif self.in_item:
            self.blocks.append(Block(BlockKind.LIST_ITEM, text, level=self.list_depth))
        else:
            self._add_paragraph(raw, text, bool(images), emphasised)

    def _add_heading(self, text: str) -> None:
        first_h1 = self.heading_level == 1 and not any(b.role == Role.TITLE for b in self.blocks)
        role = Role.TITLE if first_h1 else None
        self.blocks.append(Block(BlockKind.HEADING, text, level=self.heading_level, role=role))

    def _add_paragraph(self, raw: str, text: str, with_images: bool, emphasised: bool) -> None:
        blocks = self.blocks
        if with_images:
            blocks[-1].text = text  # text beside an image in the same paragraph is its caption
        elif emphasised and blocks and blocks[-1].kind == BlockKind.IMAGE and not blocks[-1].text:
            blocks[-1].text = text
        else:
            role = Role.EMPHASIS if emphasised else None
            lines = [squash(line) for line in raw.split("\n") if line.strip()]
            # Short lines that each end a sentence (a byline over a date, a repeated caption) are
            # separate blocks; wrapped prose is one paragraph.
            if lines_are_separate(lines) and max(map(len, lines)) < 300:
                blocks.extend(Block(BlockKind.PARAGRAPH, line, role=role) for line in lines)
            else:
                blocks.append(Block(BlockKind.PARAGRAPH, text, role=role))


# One handler per kind of token; the others (paragraph_open, fences' wrappers, ...) carry no text.
TOKEN_HANDLERS = {
    "heading_open": _Reader.heading_open,
    "heading_close": _Reader.heading_close,
    "bullet_list_open": _Reader.list_open,
    "ordered_list_open": _Reader.list_open,
    "bullet_list_close": _Reader.list_close,
    "ordered_list_close": _Reader.list_close,
    "list_item_open": _Reader.item_open,
    "list_item_close": _Reader.item_close,
    "blockquote_open": _Reader.quote_open,
    "blockquote_close": _Reader.quote_close,
    "html_block": _Reader.html_block,
    "inline": _Reader.inline,
}


def markdown_to_blocks(text: str) -> tuple[list[Block], MarkupHints]:
    hints, body = _front_matter(text)
    reader = _Reader()
    for token in _markdown_parser().parse(_defuse_brackets(body)):
        if handler := TOKEN_HANDLERS.get(token.type):
            handler(reader, token)
    blocks = reader.blocks
    # Markdown written like plain text: a first short line with no "#" is still the title.
    first = blocks[0] if blocks else None
    if (
        first is not None
        and not hints.title
        and first.kind == BlockKind.PARAGRAPH
        and not any(b.role == Role.TITLE for b in blocks)
        and looks_like_heading(first.text, as_title=True)
    ):
        blocks[0] = Block(BlockKind.HEADING, first.text, level=1, role=Role.TITLE)
    return blocks, hints

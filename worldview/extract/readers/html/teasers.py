"""Links to other pages inside the article's container: teaser cards, "Read more" paragraphs,
headings that link elsewhere, lists of links. None of them is the article's own text.
"""

from __future__ import annotations

from selectolax.lexbor import LexborNode

from worldview.extract.readers.html.nodes import MAX_ANCESTOR_WALK, classes, normalize_space
from worldview.extract.rules.markup import INLINE_TAGS, TEASER_CLASS
from worldview.extract.rules.scripts import latin_length

TEASER_LEVELS = 8  # how far up a teaser card may sit from its byline or date
MIN_HEADLINE_LINK_CHARS = 25
LINK_TEASER_MAX_CHARS = 300
LINK_TEASER_LINK_SHARE = 0.7  # of a paragraph's text in links
LINK_HEADING_LINK_SHARE = 0.9
LINK_ITEM_LINK_SHARE = 0.8
LINK_BOX_LINK_SHARE = 0.8  # of a container's text in links: a box of links, not article text
LINK_BOX_MIN_CHARS = 60
LINK_BOX_MIN_LINKS = 3
LINK_BOX_MAX_PROSE_CHARS = 80  # a block of plain text this long is a paragraph, not a label


def in_teaser(node: LexborNode, stop_ids: set[int]) -> bool:
    """Whether ``node`` sits in a teaser card: a nested <article>, a list item or a "teaser" /
    "card" element (below ``stop_ids``: the article's own container and its headline's line)
    that links to another story with a headline-length link."""
    parent = node.parent
    for _ in range(TEASER_LEVELS):
        if parent is None or parent.mem_id in stop_ids:
            return False
        marked = TEASER_CLASS.search(classes(parent))
        if marked and marked.group(0).lower().lstrip(" _-").startswith("teaser"):
            return True  # named a teaser: another story's card, linked or not
        if parent.tag in {"article", "li"} or marked:
            for link in parent.css("a[href]"):
                href = link.attributes.get("href") or "#"
                if not href.startswith("#") and len(normalize_space(link.text())) >= (
                    MIN_HEADLINE_LINK_CHARS
                ):
                    return True
        parent = parent.parent
    return False


def is_link_teaser(node: LexborNode) -> bool:
    """'Read more: <a>Another article</a>': a paragraph that is mostly one link."""
    if node.css_first("a") is None:
        return False
    text = normalize_space(node.text())
    if not text or len(text) > LINK_TEASER_MAX_CHARS:
        return False
    link_text = sum(len(normalize_space(a.text())) for a in node.css("a"))
    return link_text >= LINK_TEASER_LINK_SHARE * len(text)


def is_teaser_heading(node: LexborNode, text: str) -> bool:
    """A heading that is wholly a link to another page: the title of a teaser card.

    An article's own subheadings are not links elsewhere; "#section" anchors are kept.
    """
    link = node.css_first("a[href]")
    if link is None:
        parent = node.parent
        for _ in range(3):
            if parent is None or parent.tag in {"body", "html", "article"}:
                return False
            if parent.tag == "a":
                link = parent
                break
            parent = parent.parent
        if link is None:
            return False
        return not (link.attributes.get("href") or "#").startswith("#")
    if (link.attributes.get("href") or "#").startswith("#") or len(node.css("a")) > 1:
        return False
    return len(normalize_space(link.text())) >= LINK_HEADING_LINK_SHARE * len(text)


def is_link_list(node: LexborNode) -> bool:
    """A list whose items are all links: related reading, topics, share targets."""
    items = node.css("li")
    if not items:
        return False
    linked = 0
    for li in items:
        text = normalize_space(li.text())
        link_text = sum(len(normalize_space(a.text())) for a in li.css("a"))
        if text and link_text >= LINK_ITEM_LINK_SHARE * len(text):
            linked += 1
    return linked == len(items) and len(items) >= 2


def link_text_map(start: LexborNode) -> dict[int, list[int]]:
    """[characters, characters in links, links, longest run of plain text in one block] under
    each element below ``start``, in one pass: each block's text nodes are summed, then each
    block walks up once."""
    blocks: dict[int, list] = {}  # block element's mem_id -> [element, chars, link chars, links]
    for node in start.traverse(include_text=True):
        if not node.is_text_node:
            continue
        text = node.text_content
        if not text or text.isspace():
            continue
        size = latin_length(text.strip())
        parent, in_link = node.parent, False
        while parent is not None and parent.tag in INLINE_TAGS:
            in_link = in_link or parent.tag == "a"
            parent = parent.parent
        if parent is None:
            continue
        entry = blocks.get(parent.mem_id)
        if entry is None:
            entry = blocks[parent.mem_id] = [parent, 0, 0, 0]
        entry[1] += size
        if in_link:
            entry[2] += size
            entry[3] += 1
    counts: dict[int, list[int]] = {}
    start_id = start.mem_id
    for element, size, linked, links in blocks.values():
        plain = size - linked
        parent = element
        for _ in range(MAX_ANCESTOR_WALK):
            if parent is None:
                break
            got = counts.get(parent.mem_id)
            if got is None:
                counts[parent.mem_id] = [size, linked, links, plain]
            else:
                got[0] += size
                got[1] += linked
                got[2] += links
                got[3] = max(got[3], plain)
            if parent.mem_id == start_id:
                break
            parent = parent.parent
    return counts


def is_link_box(counts: list[int] | None) -> bool:
    """A container whose text is mostly links and holds no paragraph of its own: a menu, a
    "more stories" box, a tag cloud (a column that holds the article among its links is walked
    into, and its boxes are judged one by one)."""
    if counts is None:
        return False
    size, linked, links, prose = counts
    return (
        size >= LINK_BOX_MIN_CHARS
        and links >= LINK_BOX_MIN_LINKS
        and linked >= LINK_BOX_LINK_SHARE * size
        and prose < LINK_BOX_MAX_PROSE_CHARS
    )

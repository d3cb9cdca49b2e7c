"""Where the article is: the element holding its running text (descending from <body> while one
child holds nearly all of it, widened to an enclosing <article>), its headline element, the
header zone between the two, and the standfirst and bio boxes just outside the container.
"""

from __future__ import annotations

from selectolax.lexbor import LexborNode

from worldview.document import MarkupHints, Role
from worldview.extract.readers.html.nodes import (
    MAX_ANCESTOR_WALK,
    ancestor_ids,
    classes,
    inside,
    norm_key,
    normalize_space,
    similar,
)
from worldview.extract.readers.html.roles import role_of
from worldview.extract.readers.html.teasers import link_text_map
from worldview.extract.rules.chrome import CHROME_WEAK
from worldview.extract.rules.markup import (
    BODY_MARKER,
    HEADING_LEVELS,
    HEADLINE_SELECTOR,
    IMAGE_JUNK,
    INLINE_TAGS,
    ROLE_MAX_CHARS,
)
from worldview.extract.rules.scripts import latin_length

MIN_WEIGHED_TEXT = 25  # text nodes shorter than this (labels, menu items) do not locate the article
MIN_ARTICLE_LINE_CHARS = 200  # of <p> text under one element, to mark it as the article's
DESCENT_SHARE = 0.8  # of its parent's text a child must hold for the root to descend into it
NARROW_SHARE = 0.5  # of the text a semantic container must hold to become the root
HEADLINE_BRANCH_SHARE = 0.3  # of the text the headline's branch must hold to be the descent
SIDE_COLUMN_MIN_LINKS = 10  # beside it, a side column links to other pages this often
SIDE_COLUMN_LINK_SHARE = 0.2  # and this share of its text is links
MIN_ARTICLE_CHARS = 80
# Elements that may carry a body marker class (BODY_MARKER narrows what the C parser finds).
BODY_MARKER_SELECTOR = "[class*=content i],[class*=body i],[class*=text i]"


def article_line(body: LexborNode) -> set[int]:
    """Elements that hold the article's own text, which no chrome word may remove.

    Those are the element holding the densest run of <p> text (or, on pages without one, the
    biggest element the markup names as the body: itemprop=articleBody, "entry-content"), with
    all their ancestors: a layout wrapper whose class happens to say "sidebar" or "widget"
    (Blogger puts every post in "widget Blog") holds the article and must stay.
    """
    weights: dict[int, int] = {}
    parents: dict[int, LexborNode] = {}
    for p in body.css("p"):
        parent = p.parent
        if parent is None:
            continue
        key = parent.mem_id
        weights[key] = weights.get(key, 0) + len(p.text())
        parents[key] = parent
    anchors: list[LexborNode] = []
    if weights:
        key = max(weights, key=weights.__getitem__)
        if weights[key] >= MIN_ARTICLE_LINE_CHARS:
            anchors.append(parents[key])
    if anchors:
        markers = []  # the densest <p> run already marks the article
    else:
        markers = [n for n in body.css("[itemprop=articleBody]")]
        markers += [
            n
            for n in body.css(BODY_MARKER_SELECTOR)
            if BODY_MARKER.search(n.attributes["class"] or "")
        ]
    if markers:
        anchors.append(max(markers, key=lambda n: len(n.text())))
    line: set[int] = set()
    for anchor in anchors:
        line.add(anchor.mem_id)
        line |= ancestor_ids(anchor)
    return line


def _text_weights(body: LexborNode) -> dict[int, int]:
    """Characters of running text (link text excluded) under each element, keyed by mem_id.

    Counted from text nodes rather than <p> elements so that pages whose text sits in <div>,
    <td> or <font> with <br> line breaks weigh the same as well-formed ones. The text nodes of
    one block (its nearest non-inline element) are summed first, so each block walks up the
    tree once, not each of its text nodes.
    """
    blocks: dict[int, list] = {}  # block element's mem_id -> [element, characters]
    for node in body.traverse(include_text=True):
        if not node.is_text_node:
            continue
        text = node.text_content
        if text is None or (len(text) < MIN_WEIGHED_TEXT and text.isascii()):
            continue
        size = latin_length(text.strip())  # a line of Chinese weighs as much as its meaning
        if size < MIN_WEIGHED_TEXT:
            continue
        parent = node.parent
        while parent is not None and parent.tag in INLINE_TAGS:
            if parent.tag == "a":
                break
            parent = parent.parent
        if parent is None or parent.tag == "a":
            continue
        entry = blocks.get(parent.mem_id)
        if entry is None:
            blocks[parent.mem_id] = [parent, size]
        else:
            entry[1] += size
    weights: dict[int, int] = {}
    body_id = body.mem_id
    for element, size in blocks.values():
        parent = element
        for _ in range(MAX_ANCESTOR_WALK):
            if parent is None:
                break
            key = parent.mem_id
            weights[key] = weights.get(key, 0) + size
            if key == body_id:
                break
            parent = parent.parent
    return weights


def find_root(body: LexborNode) -> LexborNode | None:
    """The article container, or None when the page holds no article text."""
    weights = _text_weights(body)
    total = weights.get(body.mem_id, 0)
    if total == 0:
        return None
    headline = _headline_line(body)
    node = body
    while True:
        best, best_weight = None, 0
        for child in node.iter():
            w = weights.get(child.mem_id, 0)
            if w > best_weight:
                best, best_weight = child, w
        if best is None:
            break
        if best_weight < DESCENT_SHARE * weights.get(node.mem_id, 0):
            best = _headline_column(node, headline, weights)
            if best is None:
                break
        node = best
    article = _enclosing_article(node)
    node = article if article is not None else _semantic_container(node, weights)
    if weights.get(node.mem_id, 0) < MIN_ARTICLE_CHARS:
        return None
    return node


def _headline_column(
    node: LexborNode, headline: set[int], weights: dict[int, int]
) -> LexborNode | None:
    """When no child holds nearly all the text: the child that holds the page's one headline,
    if it holds a good share of the text and the rest is a side column (teasers, comment
    excerpts, lists of links to other pages), which may well outweigh a short article."""
    column = next((c for c in node.iter() if c.mem_id in headline), None)
    total = weights.get(node.mem_id, 0)
    if column is None or weights.get(column.mem_id, 0) < HEADLINE_BRANCH_SHARE * total:
        return None
    counts = link_text_map(node)
    size = linked = links = 0
    for child in node.iter():
        if child.mem_id != column.mem_id and (got := counts.get(child.mem_id)):
            size, linked, links = size + got[0], linked + got[1], links + got[2]
    if links >= SIDE_COLUMN_MIN_LINKS and linked >= SIDE_COLUMN_LINK_SHARE * size:
        return column
    return None


def _headline_line(body: LexborNode) -> set[int]:
    """The page's one <h1> and its ancestors (nothing when it has none or several)."""
    h1s = [h for h in body.css("h1") if normalize_space(h.text())]
    if len(h1s) != 1 or CHROME_WEAK.search(classes(h1s[0])):
        return set()
    return ancestor_ids(h1s[0]) | {h1s[0].mem_id}


def _enclosing_article(node: LexborNode) -> LexborNode | None:
    """The <article> around the text (it holds the headline, byline and date)."""
    parent: LexborNode | None = node
    while parent is not None and parent.tag not in {"body", "html"}:
        if parent.tag == "article":
            return parent
        parent = parent.parent
    return None


def _semantic_container(node: LexborNode, weights: dict[int, int]) -> LexborNode:
    """The single <article> that holds most of the text when comments, sidebars or related
    teasers stopped the descent; semantic containers first, <article> before the body's own
    container ("entry-content"), before <main> (main also holds related lists)."""
    for selector in ("article", "[itemprop=articleBody]", BODY_MARKER_SELECTOR, "main,[role=main]"):
        found = [a for a in node.css(selector) if not inside(a, selector)]
        if selector == BODY_MARKER_SELECTOR:
            found = [a for a in found if BODY_MARKER.search(a.attributes.get("class") or "")]
        if not found:
            continue
        best = max(found, key=lambda a: weights.get(a.mem_id, 0))
        if selector == BODY_MARKER_SELECTOR and _split_body(best, found):
            continue
        share = weights.get(best.mem_id, 0) / max(1, weights.get(node.mem_id, 0))
        if share >= NARROW_SHARE and best.mem_id != node.mem_id:
            return best
    return node


def _split_body(best: LexborNode, found: list[LexborNode]) -> bool:
    """The body's text in several containers of one class (sections of one story)."""
    kind = best.attributes.get("class")
    return any(
        f.mem_id != best.mem_id
        and f.attributes.get("class") == kind
        and len(f.text()) >= MIN_WEIGHED_TEXT
        for f in found
    )


def pick_title(body: LexborNode, root: LexborNode, hints: MarkupHints) -> LexborNode | None:
    """The headline element: an <h1> that matches the stated title, else the article's <h1>."""
    site = norm_key(hints.site_name or "")
    h1s = [
        h
        for h in body.css("h1")
        if normalize_space(h.text())
        and not IMAGE_JUNK.search(classes(h))
        and not CHROME_WEAK.search(classes(h))
        and norm_key(h.text()) != site
    ]
    if hints.title:
        for h in h1s:
            if similar(h.text(), hints.title):
                return h
        for h in body.css(HEADLINE_SELECTOR):
            if h.tag != "a" and len(h.text()) < 400 and similar(h.text(), hints.title):
                return _headline_inside(h)
    for h in h1s:
        if root.mem_id in ancestor_ids(h):
            return h
    return h1s[0] if h1s else None


def _headline_inside(node: LexborNode) -> LexborNode:
    """A "title" container ("blog-item-title": date, headline, meta) -> the heading inside it."""
    if node.tag in HEADING_LEVELS:
        return node
    for inner in node.css("h1,h2,h3,[itemprop=headline]"):
        if inner.mem_id != node.mem_id and normalize_space(inner.text()):
            return inner
    return node


def header_zone(title: LexborNode, root: LexborNode) -> list[LexborNode]:
    """The headline's branch and its siblings up to the article body's branch (dek, byline)."""
    root_line = ancestor_ids(root) | {root.mem_id}
    branch = title
    parent = title.parent
    while parent is not None and parent.mem_id not in root_line:
        branch = parent
        parent = parent.parent
    if parent is None:
        return [title]
    zone = []
    node: LexborNode | None = branch
    while node is not None and node.mem_id not in root_line:
        if node.is_element_node:
            zone.append(node)
        node = node.next
    return zone


def leading_dek(root: LexborNode) -> list[LexborNode]:
    """A standfirst the markup names, among the two elements right before the body container."""
    sibling, seen = root.prev, 0
    while sibling is not None and seen < 2:
        if sibling.is_element_node:
            seen += 1
            if (
                role_of(sibling) == Role.SUBTITLE
                and len(sibling.text()) <= ROLE_MAX_CHARS[Role.SUBTITLE]
            ):
                return [sibling]
        sibling = sibling.prev
    return []


def trailing_bios(
    root: LexborNode,
    levels: int = 3,
    roles: tuple[Role, ...] = (Role.BIO,),
    max_chars: int = ROLE_MAX_CHARS[Role.BIO],
) -> list[LexborNode]:
    """Author bio boxes (or bylines) that follow the article body outside its container."""
    found: list[LexborNode] = []
    node = root
    for _ in range(levels):
        parent = node.parent
        if parent is None or parent.tag in {"body", "html"}:
            break
        sibling = node.next
        while sibling is not None:
            if sibling.is_element_node:
                candidates = [sibling, *sibling.css("[class],[id]")]
                for el in candidates:
                    if role_of(el) in roles and len(el.text()) <= max_chars:
                        if not any(f.mem_id in ancestor_ids(el) for f in found):
                            found.append(el)
            sibling = sibling.next
        node = parent
    return found

"""Text and tree helpers the HTML reader's modules share: whitespace, class words, ancestors.

Every walk up the tree is bounded (``MAX_ANCESTOR_WALK``) or linear over the page, so that
pathologically deep pages cost no more than wide ones.
"""

from __future__ import annotations

import re
from functools import lru_cache

from selectolax.lexbor import LexborNode

BR = "\ue000"  # stands in for <br> so text extraction keeps line breaks
MULTI_BR = re.compile(rf"\s*{BR}\s*{BR}[\s{BR}]*")
ZERO_WIDTH = re.compile(r"[\u200b\u200c\u200d\ufeff]+")
MAX_ANCESTOR_WALK = 1024  # >= chrome.NESTING_SCAN_MIN_TAGS: bounds per-text-node work on any page


def normalize_space(text: str) -> str:
    """Collapse whitespace (str.split covers Unicode spaces, NBSP included) and zero-widths.

    Soft hyphens (U+00AD) are hyphenation hints for the renderer, not text: they go, so that
    "can\xaddi\xaddate" reads "candidate" for sentences and theme tagging.
    """
    if "\u00ad" in text:
        text = text.replace("\u00ad", "")
    if "\u200b" in text or "\ufeff" in text or "\u200c" in text or "\u200d" in text:
        text = ZERO_WIDTH.sub(" ", text)
    if BR in text:
        text = text.replace(BR, " ")
    return " ".join(text.split())


def line_text(node: LexborNode) -> str:
    """The element's text on one line, its <br>s as spaces."""
    return normalize_space(node.text().replace(BR, " "))


def spaced_text(node: LexborNode) -> str:
    """Text of a small metadata element whose parts are separate elements ("Jane Doe" "May 2")."""
    text = normalize_space(node.text(separator=" ").replace(BR, " "))
    return re.sub(r"\s+([,.;:!?)])", r"\1", text).replace("( ", "(")


def classes(node: LexborNode) -> str:
    """The element's class and id words, the two places sites name what an element is."""
    attrs = node.attributes
    return f"{attrs.get('class') or ''} {attrs.get('id') or ''}"


def norm_key(text: str) -> str:
    return re.sub(r"[^\w]+", " ", text.lower()).strip()


def similar(a: str, b: str) -> bool:
    """Same headline up to punctuation, case or a suffix/prefix (e.g. a site name)."""
    ka, kb = norm_key(a), norm_key(b)
    if not ka or not kb:
        return False
    return ka == kb or (min(len(ka), len(kb)) >= 12 and (ka in kb or kb in ka))


def ancestor_ids(node: LexborNode) -> set[int]:
    ids = set()
    parent = node.parent
    while parent is not None:
        ids.add(parent.mem_id)
        parent = parent.parent
    return ids


def has_ancestor_in(node: LexborNode, ids: set[int]) -> bool:
    parent = node.parent
    for _ in range(MAX_ANCESTOR_WALK):
        if parent is None:
            return False
        if parent.mem_id in ids:
            return True
        parent = parent.parent
    return False


def inside(node: LexborNode, selector: str) -> bool:
    """Whether an ancestor of ``node`` is one of ``selector``'s "tag" / "[attr=value]" parts.

    (lexbor's ``css_matches`` also answers True when only a descendant matches, so the
    ancestors are compared here.)
    """
    tags, attrs = _selector_parts(selector)
    parent = node.parent
    for _ in range(MAX_ANCESTOR_WALK):
        if parent is None or parent.tag in {"body", "html"}:
            return False
        if parent.tag in tags or (attrs and any(parent.attributes.get(k) == v for k, v in attrs)):
            return True
        parent = parent.parent
    return False


@lru_cache(maxsize=64)
def _selector_parts(selector: str) -> tuple[frozenset[str], tuple[tuple[str, str], ...]]:
    tags, attrs = set(), []
    for part in selector.split(","):
        part = part.strip()
        if part.startswith("[") and "=" in part:
            key, value = part.strip("[]").split("=", 1)
            attrs.append((key, value))
        else:
            tags.add(part)
    return frozenset(tags), tuple(attrs)


def elements_holding(start: LexborNode, selector: str) -> set[int]:
    """mem_ids of the elements under ``start`` that have an element matching ``selector`` inside.

    Each walk up stops at the first element already marked, so the whole pass is linear even on
    pathologically deep pages (a per-element subtree query would be quadratic).
    """
    marked: set[int] = set()
    start_id = start.mem_id
    for element in start.css(selector):
        parent = element.parent
        while parent is not None and parent.mem_id != start_id and parent.mem_id not in marked:
            marked.add(parent.mem_id)
            parent = parent.parent
    return marked

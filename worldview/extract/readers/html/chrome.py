"""What is never article text goes before the article is looked for: pathological nesting (before
parsing), forms, scripts and other never-text elements, hidden elements, and site chrome known by
its tag (nav, site header/footer, aside), its ARIA role or its class/id words
(``worldview.extract.rules.chrome``).
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import accumulate
from operator import sub

from selectolax.lexbor import LexborHTMLParser, LexborNode

from worldview.document import Role
from worldview.extract.readers.html.container import article_line
from worldview.extract.readers.html.nodes import classes, has_ancestor_in, inside, norm_key
from worldview.extract.readers.html.roles import role_of
from worldview.extract.rules import chrome
from worldview.extract.rules.chrome import Chrome
from worldview.extract.rules.markup import (
    ROLE_BIO,
    ROLE_BYLINE,
    ROLE_DATELINE,
    SUBHEADINGS,
)
from worldview.extract.rules.sections import TAKEAWAYS_HEADING

MAX_BLOCK_DEPTH = 256
NESTING_SCAN_MIN_TAGS = 1000  # below this, even the worst nesting costs milliseconds
MAX_CHROME_CANDIDATES = 1500

# --- guard: flatten pathological block nesting before parsing -------------------------------

# Void and end-tag-optional elements do not deepen the tree in a way a tag count can follow.
_NESTING_TAG = re.compile(
    r"<(/?)(?!(?:area|base|br|col|embed|hr|img|input|link|meta|param|source|track|wbr|p|li|dt|"
    r"dd|tr|td|th|option|optgroup|thead|tbody|tfoot|colgroup|caption|rb|rt|rp|image|keygen|"
    r"basefont|bgsound|frame|html|head|body)[\s/>])([a-zA-Z][^\s/>]*)[^>]*>"
)
# Inside <svg> and <math> a tag ending "/>" closes itself ("<path d=... />").
_FOREIGN_ROOTS = frozenset({"svg", "math"})


def limit_nesting(text: str, max_depth: int = MAX_BLOCK_DEPTH) -> tuple[str, bool]:
    """Drop tags nested deeper than ``max_depth`` (their text stays).

    Lexbor's tree builder is quadratic in the depth of block nesting, and per-level work in any
    tree walk multiplies with depth; no real page nests more than a few dozen levels.
    """
    if text.count("<") < NESTING_SCAN_MIN_TAGS:
        return text, False  # too few tags to nest deeply enough to matter
    if _depth_bound(text) <= max_depth:
        return text, False
    out: list[str] = []
    depth = 0
    pos = 0
    dropped = False
    foreign = 0  # depth inside <svg>/<math>
    for m in _NESTING_TAG.finditer(text):
        name = m.group(2).lower()
        if name in _FOREIGN_ROOTS:
            foreign = max(0, foreign + (-1 if m.group(1) else 1))
        elif foreign and m.group(0).endswith("/>"):
            continue
        if m.group(1):
            too_deep = depth > max_depth
            depth = max(0, depth - 1)
        else:
            depth += 1
            too_deep = depth > max_depth
        if too_deep:
            out.append(text[pos : m.start()])
            pos = m.end()
            dropped = True
    if not dropped:
        return text, False
    out.append(text[pos:])
    return "".join(out), True


def _depth_bound(text: str) -> int:
    """The deepest nesting of the counted tags, counting every tag as the walk below does but
    without its exceptions, in C-level passes: an upper bound on the walk's depth (each extra
    opening tag can only deepen what follows), so that most pages skip the walk.

    The depth after each tag is the running sum of +1/-1 less the lowest sum so far (a closing
    tag never takes it below 0)."""
    steps = [-1 if slash else 1 for slash, _ in _NESTING_TAG.findall(text)]
    sums = list(accumulate(steps, initial=0))
    return max(map(sub, sums, accumulate(sums, min)))


# --- chrome removal ---------------------------------------------------------------------------

Candidates = list[tuple[LexborNode, Chrome]]


def remove_chrome(tree: LexborHTMLParser, body: LexborNode) -> set[Chrome]:
    """Remove what is never article text; return the kinds of chrome that went."""
    removed: set[Chrome] = set()
    _remove_forms(tree, removed)
    tree.strip_tags(chrome.NEVER_TEXT_TAGS)
    body_len = max(1, len(body.text()))
    candidates = _hidden_elements(body, body_len) + _landmarks(body)
    protected = article_line(body)
    candidates = [(n, concept) for n, concept in candidates if n.mem_id not in protected]
    candidates += _marked_by_class(body, body_len, protected, {n.mem_id for n, _ in candidates})
    _decompose_outermost(candidates, removed)
    return removed


def _remove_forms(tree: LexborHTMLParser, removed: set[Chrome]) -> None:
    if tree.css_first("form") is None:
        return
    # An ASP.NET page wraps the whole page in <form>: keep forms that hold the article (its
    # markup, or most of the page's text when the article is <br>-separated text).
    body = tree.body
    page_chars = len(body.text()) if body is not None else 0
    big_forms = [
        f
        for f in tree.css("form")
        if f.css_first("h1,article,p + p") is not None
        or len(f.text()) > chrome.FORM_WRAPPER_SHARE * page_chars
    ]
    for form in big_forms:
        form.attrs["data-keep"] = "1"
    doomed = [(n, Chrome.FORMS) for n in tree.css("form:not([data-keep])")]
    _decompose_outermost(doomed, removed)


def _hidden_elements(body: LexborNode, body_len: int) -> Candidates:
    return [
        (node, Chrome.HIDDEN_ELEMENTS)
        for node in body.css(chrome.HIDDEN_SELECTOR)
        if node.css_first("h1") is None and len(node.text()) < chrome.HIDDEN_MAX_SHARE * body_len
    ]


def _landmarks(body: LexborNode) -> Candidates:
    """Site chrome by tag or ARIA role: nav, asides, site headers and footers."""
    found: Candidates = []
    for node in body.css(chrome.LANDMARK_SELECTOR):
        tag = node.tag or ""  # CSS matches are elements, always named ("" matches no tag below)
        role = (node.attributes.get("role") or "").lower()
        if tag == "nav":
            found.append((node, Chrome.NAVIGATION))
        elif tag == "aside" or role == "complementary":
            if not _article_aside(node):
                found.append((node, Chrome.SIDEBAR))
        elif tag in {"header", "footer"} or role in chrome.ROLE_CONCEPTS:
            if not _article_header_or_footer(node, tag):
                found.append((node, chrome.ROLE_CONCEPTS.get(role) or Chrome(tag)))
    return found


def _article_aside(node: LexborNode) -> bool:
    """An aside holding the article's own pull quote or key points."""
    heading = node.css_first("h2,h3,h4,h5,h6,strong")
    return bool(chrome.KEEP_IN_ASIDE.search(classes(node))) or (
        heading is not None and bool(TAKEAWAYS_HEADING.match(heading.text().strip()))
    )


def _article_header_or_footer(node: LexborNode, tag: str) -> bool:
    if node.css_first("h1") is not None:
        return True  # the article's own header (or a page-level one holding the headline)
    if tag == "header" and inside(node, "article,main,[role=main]"):
        return True  # byline and date live here
    if tag == "footer" and node.css_first("[class*=bio i],[class*=author i]") is not None:
        return inside(node, "article")
    return False


def _marked_by_class(
    body: LexborNode, body_len: int, protected: set[int], chosen_ids: set[int]
) -> Candidates:
    """Site chrome by class/id words, outermost first, each weighed against the page's size."""
    found: Candidates = []
    checked = 0
    for node in body.css("[class],[id]"):
        verdict = chrome_verdict(classes(node))
        if verdict is None or node.mem_id in protected:
            continue
        if node.id and _heading_anchor(node):
            verdict = chrome_verdict(node.attributes.get("class") or "")
            if verdict is None:
                continue  # id="sharing-with-other-developers": its heading's slug, not a widget
        concept, hard = verdict
        if _spared(node, concept, hard):
            continue
        if has_ancestor_in(node, chosen_ids):
            continue  # already going with an enclosing element: no need to weigh it
        if concept == Chrome.HEADER and not hard and inside(node, "article"):
            continue  # "story-header__meta" inside the article holds its byline and date
        checked += 1
        if checked > MAX_CHROME_CANDIDATES:
            break
        if _article_sized(node, concept, hard, body_len):
            continue
        found.append((node, concept))
        chosen_ids.add(node.mem_id)
    return found


def _heading_anchor(node: LexborNode) -> bool:
    """An id that is the slug of the element's own heading (documentation generators and wikis
    give every section one): words of the heading, not the name of a kind of chrome."""
    anchor = node.attributes.get("id")
    if not anchor or "-" not in anchor and "_" not in anchor:
        return False
    heading = node.css_first("h1,h2,h3,h4,h5,h6")
    return heading is not None and norm_key(anchor.replace("-", " ")) in norm_key(heading.text())


def _spared(node: LexborNode, concept: Chrome, hard: bool) -> bool:
    """Elements a chrome word never removes, whatever their size."""
    if node.tag in SUBHEADINGS and not hard:
        return True  # "header-anchor" on an in-text <h2>: a heading is never layout
    if node.tag == "p" and not hard and concept == Chrome.NEWSLETTER_PROMPT:
        if len(node.text()) >= chrome.PAYWALL_PROSE_CHARS:
            return True  # "paywall" on a paragraph of prose marks gated article text
    return node.tag in {"html", "body", "h1"} or (not hard and node.tag == "article")


def _article_sized(node: LexborNode, concept: Chrome, hard: bool, body_len: int) -> bool:
    """A chrome-classed element that holds the article or its byline: it stays."""
    if node.css_first("h1") is not None:
        return True
    share = chrome.HARD_MAX_SHARE if hard else chrome.SOFT_MAX_SHARE
    if len(node.text()) > share * body_len:
        return True  # a page wrapper with an unlucky class ("has-sidebar", "with-comments")
    if not hard and concept in {Chrome.SHARE_BUTTONS, Chrome.FOOTER} and _holds_byline(node):
        return True  # "sharekit" bars that carry the byline: the buttons go one by one
    # the author's name styled by a share-kit class
    return not hard and node.parent is not None and role_of(node.parent) == Role.BYLINE


def _decompose_outermost(nodes: Candidates, removed: set[Chrome]) -> None:
    """Remove nodes, skipping any inside another one being removed (no use-after-free)."""
    ids = {n.mem_id for n, _ in nodes}
    for node, concept in nodes:
        parent = node.parent
        nested = False
        while parent is not None:
            if parent.mem_id in ids:
                nested = True
                break
            parent = parent.parent
        if not nested:
            removed.add(concept)
            node.decompose()


@lru_cache(maxsize=8192)
def chrome_verdict(words: str) -> tuple[Chrome, bool] | None:
    """(concept, hard) when class/id words mark site chrome; cached, pages repeat class names.

    Hard chrome (comments, related lists, ads) goes at any size up to a page wrapper's; the rest
    gets the size guard of weak words.
    """
    strong = chrome.CHROME_STRONG.search(words)
    weak = None if strong else chrome.CHROME_WEAK.search(words)
    found = strong or weak
    if found is None:
        return None
    if ROLE_BYLINE.search(words) or ROLE_DATELINE.search(words) or ROLE_BIO.search(words):
        if strong is None or chrome.matched_word(strong).lower().startswith(
            chrome.BYLINE_LINK_WORDS
        ):
            return None  # "author-social" links are dropped inside the byline walk instead
    if strong is None and chrome.KEEP_IN_ASIDE.search(words):
        return None
    hard = strong is not None and not chrome.matched_word(strong).lower().startswith(
        chrome.MODIFIER_WORDS
    )
    return chrome.matched_concept(found), hard


def _holds_byline(node: LexborNode) -> bool:
    """A small bar (share kit, post footer) holding an author element: the post's byline."""
    if len(node.text()) > chrome.BYLINE_BAR_MAX_CHARS:
        return False
    for inner in node.css("[class]"):
        if inner.mem_id != node.mem_id and ROLE_BYLINE.search(inner.attributes["class"] or ""):
            return len(inner.text()) <= chrome.BYLINE_IN_BAR_MAX_CHARS
    return False


def remove_footnote_markers(body: LexborNode) -> None:
    """Footnote markers ("asylum.<sup>1</sup>") would glue digits to the sentence."""
    for ref in body.css("sup a[href^='#'],a[role=doc-noteref]"):
        marker = ref.parent if ref.parent is not None and ref.parent.tag == "sup" else ref
        if len(marker.text().strip()) <= 5 and marker.parent is not None:
            marker.decompose()

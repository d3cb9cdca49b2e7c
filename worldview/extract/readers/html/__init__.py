"""HTML reader: one web page -> the article's blocks in reading order, hints, warnings.

``html_to_blocks`` parses with selectolax's lexbor backend (a C HTML5 parser: no network, no DTDs,
no entity expansion beyond HTML's own), then:

1. reads what the markup states outright (``<title>``, meta tags, JSON-LD, canonical link, lang)
   into ``MarkupHints`` (``page_hints``);
2. removes what is never article text (scripts, styles, forms, hidden elements) and site chrome
   recognised by tag (nav, site header/footer, aside), ARIA role or class/id words (``chrome``;
   the words are in ``worldview.extract.rules.chrome``);
3. picks the article container: starting from <body>, descends while one child holds nearly all of
   the paragraph text (so sidebars and split bodies both come out right), widened to an enclosing
   <article> when there is one (``container``);
4. walks that container (and the title's header block when the <h1> sits outside it) in document
   order and emits Blocks: headings (the headline gets role "title"), paragraphs, list items,
   quotes, images with caption and credit, and blocks whose markup names their role ("subtitle",
   "byline", "dateline", "bio", "takeaways_heading") (``emitter``, one handler per element kind;
   then ``blocks`` tidies them);
5. completes the hints with what the visible page states (``visible_hints``).

Everything is iterative: no Python recursion over the tree, so 100k-deep nesting cannot overflow.
Block-level nesting deeper than ``MAX_BLOCK_DEPTH`` is flattened before parsing because the HTML5
tree builder's scope checks make such nesting quadratic.
"""

from __future__ import annotations

from selectolax.lexbor import LexborHTMLParser, LexborNode

from worldview.document import Block, MarkupHints, Role
from worldview.extract.readers.html.blocks import tidy
from worldview.extract.readers.html.chrome import (
    MAX_BLOCK_DEPTH,
    limit_nesting,
    remove_chrome,
    remove_footnote_markers,
)
from worldview.extract.readers.html.container import (
    article_line,
    find_root,
    header_zone,
    leading_dek,
    pick_title,
    trailing_bios,
)
from worldview.extract.readers.html.emitter import Emitter
from worldview.extract.readers.html.nodes import BR, ancestor_ids
from worldview.extract.readers.html.page_hints import (
    hints_from_meta,
    parse_date,
    read_page_meta,
    strip_site_name,
)
from worldview.extract.readers.html.people import split_people
from worldview.extract.readers.html.visible_hints import (
    fallback_hints,
    finish_hints,
    marked_publication_time,
    page_byline,
)
from worldview.extract.rules.chrome import Chrome

__all__ = ["html_to_blocks", "limit_nesting", "parse_date", "split_people", "strip_site_name"]

HEADER_ZONE_MAX_CHARS = 3000  # a bigger "header zone" is the page around it: the headline alone
FOOTER_BYLINE_MAX_CHARS = 200


def html_to_blocks(text: str) -> tuple[list[Block], MarkupHints, list[str]]:
    """Parse one page; return the article's blocks in reading order, markup hints, warnings."""
    warnings: list[str] = []
    text, flattened = limit_nesting(text.replace(BR, ""))
    if flattened:
        warnings.append(f"html_nesting_flattened: elements deeper than {MAX_BLOCK_DEPTH} levels")
    tree = LexborHTMLParser(text)
    page = read_page_meta(tree)
    hints = hints_from_meta(page)
    body = tree.body
    if body is None:
        return [], finish_hints(hints, page, []), warnings
    marked_date = marked_publication_time(body)  # before chrome removal takes its footer
    removed = remove_chrome(tree, body)
    remove_footnote_markers(body)
    for br in body.css("br"):
        br.replace_with(BR)
    root = find_root(body)
    if root is None:
        warnings.append("no_article: the page has no article text")
        _warn_chrome(removed, warnings)
        return [], finish_hints(hints, page, []), warnings
    emitter = _emit(body, root, hints)
    blocks = tidy(emitter.blocks)
    if emitter.dropped_links:
        removed.add(Chrome.LINK_TEASERS)
    _warn_chrome(removed, warnings)
    hints = finish_hints(hints, page, blocks, emitter)
    fallback_hints(hints, body, marked_date, emitter.title_line | {body.mem_id})
    return blocks, hints, warnings


def _emit(body: LexborNode, root: LexborNode, hints: MarkupHints) -> Emitter:
    """Run the emitter over the headline's zone, the article container and what surrounds it."""
    title = pick_title(body, root, hints)
    emitter = Emitter(title.mem_id if title is not None else None)
    emitter.article_line = article_line(body)
    if title is not None:
        emitter.title_line = ancestor_ids(title) | {title.mem_id}
        if root.mem_id not in ancestor_ids(title) and title.mem_id != root.mem_id:
            zone = header_zone(title, root)
            if sum(len(node.text()) for node in zone) <= HEADER_ZONE_MAX_CHARS:
                for node in zone:
                    emitter.run(node)
            else:
                emitter.run(title)
    if not _has_role(emitter.blocks, Role.SUBTITLE):
        for dek in leading_dek(root):
            emitter.run(dek)  # "<div class=vorspann>" just before the body's container
    emitter.run(root)
    for bio in trailing_bios(root):
        emitter.run(bio)
    if not _has_role(emitter.blocks, Role.BYLINE):
        footer = trailing_bios(
            root, levels=2, roles=(Role.BYLINE,), max_chars=FOOTER_BYLINE_MAX_CHARS
        )
        for meta in footer:
            emitter.run(meta)  # Blogger's "post-footer": "Posted by NAME" after the post body
    if not hints.authors and not _has_role(emitter.blocks, Role.BYLINE):
        byline = page_byline(body, emitter.title_line | {body.mem_id})
        if byline is not None:
            emitter.run(byline)  # "<div class=navbyline> / <span class=author>" beside the post
    return emitter


def _has_role(blocks: list[Block], role: Role) -> bool:
    return any(b.role == role for b in blocks)


def _warn_chrome(removed: set[Chrome], warnings: list[str]) -> None:
    if removed:
        warnings.append("chrome_removed: " + ", ".join(sorted(c.label for c in removed)))

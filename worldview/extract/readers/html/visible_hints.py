"""What the visible page states, completing the markup's hints: the headline, dek, byline and
dates the emitter found, and when the article's own zone names no author or date, a fact box,
a marked <time>, or a byline or date element elsewhere on the page.
"""

from __future__ import annotations

from selectolax.lexbor import LexborNode

from worldview.document import Block, MarkupHints, Role
from worldview.extract.readers.html.emitter import Emitter
from worldview.extract.readers.html.nodes import classes, norm_key, normalize_space, similar
from worldview.extract.readers.html.page_hints import (
    PageMeta,
    ld_types,
    parse_date,
    site_names_from_url,
    strip_site_name,
)
from worldview.extract.readers.html.people import all_people, looks_like_person, split_people
from worldview.extract.readers.html.roles import is_update, role_of
from worldview.extract.readers.html.teasers import in_teaser
from worldview.extract.rules.dates import UPDATED_MARK
from worldview.extract.rules.markup import (
    FACT_LABEL,
    LD_PUBLICATION_TYPES,
    PUBLICATION_TYPES,
    PUBLISHED_MARK,
    TITLE_SEPARATOR,
)

MAX_FACT_LABELS = 300
MAX_MARKED_TIMES = 50
MAX_PAGE_CANDIDATES = 20  # byline or date elements looked at outside the article
PAGE_META_MAX_CHARS = 100
SITE_NAME_MAX_WORDS = 6


def finish_hints(
    hints: MarkupHints,
    page: PageMeta,
    blocks: list[Block],
    emitter: Emitter | None = None,
) -> MarkupHints:
    """Complete the meta-tag hints with what the visible page states (headline, byline, date)."""
    _title_and_site(hints, blocks)
    hints.subtitle = next((b.text for b in blocks if b.role == Role.SUBTITLE), None)
    if not hints.authors:
        hints.authors = _byline_authors(blocks)
    if not hints.published and emitter is not None:
        candidates = list(emitter.stated_dates)
        candidates += [
            b.text
            for b in blocks
            if b.role in {Role.DATELINE, Role.BYLINE} and not UPDATED_MARK.search(b.text)
        ]
        hints.published = next(filter(None, map(parse_date, candidates)), None)
    for kicker in emitter.kickers if emitter is not None else ():
        label = PUBLICATION_TYPES.get(normalize_space(kicker).lower().rstrip(":"))
        if label:
            hints.publication_type = label
            break
    if not hints.publication_type and page.article_ld:
        types = ld_types(page.article_ld)
        hints.publication_type = next(
            (LD_PUBLICATION_TYPES[t] for t in LD_PUBLICATION_TYPES if t in types), None
        )
    return hints


def _title_and_site(hints: MarkupHints, blocks: list[Block]) -> None:
    """The headline as the page prints it, else the stated title without the site's name."""
    site_names = [hints.site_name or "", *site_names_from_url(hints.canonical_url)]
    headline = next((b.text for b in blocks if b.role == Role.TITLE), None)
    stated = strip_site_name(hints.title, site_names, headline) if hints.title else None
    if not hints.site_name and stated and hints.title and hints.title.startswith(stated):
        rest = TITLE_SEPARATOR.sub("", hints.title[len(stated) :], count=1).strip()
        if (
            rest
            and len(rest.split()) <= SITE_NAME_MAX_WORDS
            and rest != hints.title[len(stated) :].strip()
        ):
            hints.site_name = rest
    if headline and (not stated or similar(headline, stated) or len(headline.split()) >= 3):
        if stated and norm_key(stated) == norm_key(headline) and len(stated) > len(headline):
            # "<span>Kicker</span><span>Headline</span>": the stated title keeps the colon.
            headline = stated
            next(b for b in blocks if b.role == Role.TITLE).text = stated
        hints.title = headline
    else:
        hints.title = stated


def _byline_authors(blocks: list[Block]) -> list[str]:
    for block in blocks:
        if block.role == Role.BYLINE:
            people = [p for p in split_people(block.text) if looks_like_person(p)]
            if people:
                return people
    return []


def fallback_hints(
    hints: MarkupHints, body: LexborNode, marked_date: str | None, stop_ids: set[int]
) -> None:
    """Author and date from elsewhere on the page when neither the meta nor the article did."""
    if not (hints.authors and hints.published):
        box_authors, box_date = _fact_box(body)
        hints.authors = hints.authors or box_authors
        hints.published = hints.published or box_date
    hints.published = hints.published or marked_date or _page_date(body, stop_ids)


def _fact_box(body: LexborNode) -> tuple[list[str], str | None]:
    """Author and date from a fact box of label/value pairs anywhere on the page.

    "<li><strong>Author</strong> Jane Doe</li>", "<dt>Date</dt><dd>19.01.2020</dd>": news sites
    print these beside the article, outside its text container.
    """
    authors: list[str] = []
    published: str | None = None
    for label in body.css("li > strong,li > b,dt,th")[:MAX_FACT_LABELS]:
        m = FACT_LABEL.match(normalize_space(label.text()))
        if m is None:
            continue
        value = _fact_value(label)
        if m["author"] and not authors:
            people = split_people(value)
            if all_people(people):
                authors = people
        elif m["date"] and published is None:
            published = parse_date(value)
    return authors, published


def _fact_value(label: LexborNode) -> str:
    if label.tag in {"dt", "th"}:
        value_node = label.next
        while value_node is not None and not value_node.is_element_node:
            value_node = value_node.next
        return normalize_space(value_node.text()) if value_node is not None else ""
    whole = normalize_space(label.parent.text()) if label.parent is not None else ""
    return whole[len(normalize_space(label.text())) :].strip(" :")


def marked_publication_time(body: LexborNode) -> str | None:
    """The first <time> the markup marks as the publication date, read before chrome removal.

    WordPress themes print it in the article's own <footer> ("posted-on", "entry-date
    published"), which goes with the footers; this is the fallback when nothing else states it.
    """
    for t in body.css("time[datetime]")[:MAX_MARKED_TIMES]:
        parent = t.parent
        marks = f"{classes(t)} {classes(parent) if parent is not None else ''}"
        itemprop = (t.attributes.get("itemprop") or "").lower()
        if (itemprop == "datepublished" or PUBLISHED_MARK.search(marks)) and not is_update(t):
            if found := parse_date(t.attributes.get("datetime")):
                return found
    return None


def page_byline(body: LexborNode, stop_ids: set[int]) -> LexborNode | None:
    """The first element on the page marked as a byline that names a person (not in a teaser).

    Used only when neither the markup's meta nor the article's own zone names an author.
    """
    selector = "[class*=author i],[class*=byline i],[rel~=author]"
    for node in body.css(selector)[:MAX_PAGE_CANDIDATES]:
        if role_of(node) != Role.BYLINE or len(node.text()) > PAGE_META_MAX_CHARS:
            continue
        if in_teaser(node, stop_ids):
            continue
        if all_people(split_people(normalize_space(node.text()))):
            return node
    return None


def _page_date(body: LexborNode, stop_ids: set[int]) -> str | None:
    """The first date-marked element on the page (Blogger's "date-header" above the post)."""
    selector = "[class*=date i],[class*=posted i],[class*=publish i]"
    for node in body.css(selector)[:MAX_PAGE_CANDIDATES]:
        if role_of(node) != Role.DATELINE or len(node.text()) > PAGE_META_MAX_CHARS:
            continue
        if in_teaser(node, stop_ids) or is_update(node):
            continue
        if found := parse_date(node.attributes.get("datetime") or normalize_space(node.text())):
            return found
    return None

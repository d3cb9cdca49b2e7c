"""What the markup says a block is: its role from itemprop and class words, a label/value line,
a date that states an update rather than the publication.
"""

from __future__ import annotations

from functools import lru_cache

from selectolax.lexbor import LexborNode

from worldview.document import Role
from worldview.extract.readers.html.nodes import classes
from worldview.extract.readers.html.page_hints import parse_date
from worldview.extract.readers.html.people import all_people, split_people
from worldview.extract.rules.dates import DATE_IN_TEXT, LABEL_DATE
from worldview.extract.rules.markup import (
    CLASS_ROLES,
    ITEMPROP_ROLES,
    ROLE_CREDIT,
    SENTENCE_END,
    UPDATE_WORDS,
)
from worldview.extract.rules.people import LABEL_AUTHOR


def role_of(node: LexborNode) -> Role | None:
    itemprop = (node.attributes.get("itemprop") or "").lower()
    if itemprop in ITEMPROP_ROLES:
        return ITEMPROP_ROLES[itemprop]
    return role_from_classes(classes(node))


@lru_cache(maxsize=8192)
def role_from_classes(words: str) -> Role | None:
    if not words.strip():
        return None
    for pattern, role in CLASS_ROLES:
        if pattern.search(words):
            return role
    return None


@lru_cache(maxsize=8192)
def is_credit(words: str) -> bool:
    return bool(ROLE_CREDIT.search(words))


def is_update(time_node: LexborNode) -> bool:
    """A <time> that states when the page changed, not when it was published."""
    attrs = time_node.attributes
    if UPDATE_WORDS.search(f"{classes(time_node)} {attrs.get('itemprop') or ''}"):
        return True
    parent = time_node.parent
    if parent is not None and len(parent.text()) < 80:
        before = parent.text().split(time_node.text())[0] if time_node.text() else ""
        return bool(UPDATE_WORDS.search(f"{before} {classes(parent)}"))
    return False


def labelled_meta(text: str) -> tuple[Role, str] | None:
    """(role, text) for a label/value line naming the author or the publication date."""
    if (m := LABEL_AUTHOR.match(text)) and all_people(split_people(m["value"])):
        return Role.BYLINE, "By " + m["value"]
    if (m := LABEL_DATE.match(text)) and parse_date(m["value"]):
        return Role.DATELINE, text
    return None


def leads_with_date(text: str) -> bool:
    """A short meta line that opens with a date, whatever follows it ("| categories: ...")."""
    if text.endswith(SENTENCE_END):
        return False
    head = text[:40]
    m = DATE_IN_TEXT.search(head)
    return bool(m and m.start() <= 15 and parse_date(m[0]))

"""What the markup states outright: <title>, meta tags, JSON-LD, the canonical link and lang ->
``MarkupHints``; site names taken off a title; the dates meta values state.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser

from worldview.document import MarkupHints
from worldview.extract import dates
from worldview.extract.readers.html.nodes import norm_key, normalize_space, similar
from worldview.extract.readers.html.people import full_names_first, split_people
from worldview.extract.rules.markup import (
    ARTICLE_TYPES,
    AUTHOR_KEYS,
    DATE_PART,
    FIRST_PLAUSIBLE_YEAR,
    HOST_WORDS,
    LANGUAGE_KEYS,
    LAST_FIRST_AUTHOR_KEYS,
    MODIFIED_KEYS,
    ORG_TYPES,
    PAGE_TYPES,
    PREFIX_SEPARATORS,
    PUBLISHED_KEYS,
    SITE_NAME_KEYS,
    SITE_TYPES,
    TITLE_KEYS,
    TITLE_SEPARATOR,
    URL_KEYS,
)

MAX_JSON_LD_CHARS = 1_000_000
MAX_JSON_LD_NODES = 500

# --- dates --------------------------------------------------------------------------------------

# Stated dates are read by ``worldview.extract.dates`` (shared with segment and metadata); markup
# adds the compact form ("20240809") and a plausibility window, since meta values can be junk.
DATE_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})(?:$|T)")


def _plausible(value: str | None) -> str | None:
    if value is None or not FIRST_PLAUSIBLE_YEAR <= int(value[:4]) <= date.today().year + 1:
        return None
    return value


def parse_date(value: str | None) -> str | None:
    """A date the string states (ISO, RFC 2822, "9 August 2024", "Aug. 9, 2024") or None."""
    if not value:
        return None
    s = value.strip()[:200]
    if m := DATE_COMPACT.match(s):
        return _plausible(dates.iso_date(int(m[1]), int(m[2]), int(m[3])))
    return _plausible(dates.parse_date(s))


# --- titles and site names ----------------------------------------------------------------------


def strip_site_name(title: str, site_names: list[str], headline: str | None = None) -> str:
    """'Title | Section | Site' -> 'Title', using the site names and the page's headline."""
    title = normalize_space(title)
    if headline and similar(title, headline) and len(headline) <= len(title):
        key, head = norm_key(title), norm_key(headline)
        if key == head:
            return title  # the same words: the stated title keeps punctuation CSS supplies
        if key.startswith(head) or key.endswith(head):
            return normalize_space(headline)
    seps = TITLE_SEPARATOR.findall(title)
    if not seps:
        return title
    # Split only on the kind of separator the suffix uses: "Russia - Ukraine talks | CSIS".
    kind = seps[-1].strip()
    pattern = re.compile(r"\s*\|\s*" if kind == "|" else r"\s+" + re.escape(kind) + r"\s+")
    parts = pattern.split(title)
    sites = {norm_key(s) for s in site_names if s}
    sites |= {k.replace(" ", "") for k in sites}

    def is_site(part: str) -> bool:
        key = norm_key(part)
        return bool(key) and (key in sites or key.replace(" ", "") in sites)

    dropped_site = False
    while len(parts) > 1 and (is_site(parts[-1]) or DATE_PART.match(parts[-1])):
        dropped_site |= is_site(parts.pop())
    while len(parts) > 1 and is_site(parts[0]):
        parts.pop(0)
        dropped_site = True
    while dropped_site and len(parts) > 1 and len(parts[-1].split()) <= 3:
        if len(" ".join(parts[:-1]).split()) < 3:
            break
        parts.pop()  # "Title | Section | Site": the section goes with the site
    if not dropped_site and len(parts) > 1:
        last, rest = parts[-1], " ".join(parts[:-1])
        if len(last.split()) <= 4 and len(last) <= 40 and len(rest.split()) >= 3:
            parts.pop()  # an unnamed short suffix after a real headline: the site's name
        elif kind in PREFIX_SEPARATORS and len(parts) == 2 and len(parts[0].split()) <= 4:
            if len(parts[1].split()) >= 3:
                parts.pop(0)  # "Site :: Headline": separators no headline uses inside itself
    joiner = " | " if kind == "|" else f" {kind} "
    return normalize_space(joiner.join(parts))


def site_names_from_url(url: str | None) -> list[str]:
    if not url:
        return []
    host = urlsplit(url).hostname or ""
    labels = [x for x in host.split(".") if x not in HOST_WORDS]
    return [labels[0]] if labels else []


# --- JSON-LD ------------------------------------------------------------------------------------


def ld_types(node: dict) -> set[str]:
    t = node.get("@type")
    items = t if isinstance(t, list) else [t]
    return {x.lower() for x in items if isinstance(x, str)}


def _json_ld_nodes(tree: LexborHTMLParser) -> list[dict]:
    nodes: list[dict] = []
    for script in tree.css('script[type*="ld+json" i]'):
        raw = script.text(deep=True)
        if not raw or len(raw) > MAX_JSON_LD_CHARS:
            continue
        try:
            data = json.loads(raw.strip().rstrip(";"), strict=False)
        except (ValueError, RecursionError):
            continue
        pending = [data]
        while pending and len(nodes) < MAX_JSON_LD_NODES:
            item = pending.pop()
            if isinstance(item, list):
                pending.extend(reversed(item))
            elif isinstance(item, dict):
                if "@graph" in item:
                    pending.append(item["@graph"])
                if "@type" in item:
                    nodes.append(item)
                main = item.get("mainEntity")
                if isinstance(main, dict | list):
                    pending.append(main)
    return nodes


def _ld_text(value) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("name") or value.get("@value")
    return normalize_space(_unescape(value)) if isinstance(value, str) and value.strip() else None


def _unescape(value: str) -> str:
    """JSON-LD sits in <script>, where the parser expands no entities: "O&#039;Donnell"."""
    return html.unescape(value) if "&" in value else value


def _ld_people(value, by_id: dict[str, dict]) -> list[str]:
    items = value if isinstance(value, list) else [value]
    people: list[str] = []
    for item in items:
        ref = item.get("@id") if isinstance(item, dict) and set(item) <= {"@id"} else None
        if isinstance(ref, str) and ref in by_id:  # an "@id" may be any JSON value
            item = by_id[ref]
        if isinstance(item, str):
            people += split_people(_unescape(item))
        elif isinstance(item, dict) and not (ld_types(item) & ORG_TYPES):
            name = item.get("name")
            if not isinstance(name, str | list) and (
                item.get("givenName") or item.get("familyName")
            ):
                name = f"{item.get('givenName') or ''} {item.get('familyName') or ''}"
            for one in name if isinstance(name, list) else [name]:
                if isinstance(one, str):
                    people += split_people(_unescape(one))
    return list(dict.fromkeys(people))


# --- the page's meta ----------------------------------------------------------------------------


@dataclass
class PageMeta:
    meta: dict[str, list[str]] = field(default_factory=dict)
    title_tag: str | None = None
    canonical: str | None = None
    lang: str | None = None
    article_ld: dict | None = None
    ld_nodes: list[dict] = field(default_factory=list)

    def first(self, *keys: str) -> str | None:
        for key in keys:
            for value in self.meta.get(key, ()):
                if value.strip():
                    return normalize_space(value)
        return None


def read_page_meta(tree: LexborHTMLParser) -> PageMeta:
    page = PageMeta()
    for node in tree.css("meta"):
        attrs = node.attributes
        key = attrs.get("property") or attrs.get("name") or attrs.get("itemprop")
        key = key or attrs.get("http-equiv")
        content = attrs.get("content")
        if key and content:
            page.meta.setdefault(key.strip().lower(), []).append(_unescape(content))
    if (title := tree.css_first("title")) is not None:
        page.title_tag = normalize_space(title.text()) or None
    for link in tree.css("link[rel][href]"):
        if "canonical" in (link.attributes.get("rel") or "").lower().split():
            # A bare "href" attribute has no value (None): read like href="", no canonical link.
            page.canonical = (link.attributes.get("href") or "").strip()
            break
    root = tree.css_first("html")
    if root is not None:
        page.lang = root.attributes.get("lang") or root.attributes.get("xml:lang")
    page.ld_nodes = _json_ld_nodes(tree)
    page.article_ld = _article_node(page.ld_nodes)
    return page


def _article_node(nodes: list[dict]) -> dict | None:
    for node in nodes:
        if ld_types(node) & ARTICLE_TYPES:
            return node
    for node in nodes:
        if ld_types(node) & PAGE_TYPES and node.get("headline"):
            return node
    return None


def _parsely_page(page: PageMeta) -> dict:
    """The JSON object some CMSs put in <meta name="parsely-page"> (title, authors, pub_date)."""
    raw = page.first("parsely-page")
    if not raw or len(raw) > MAX_JSON_LD_CHARS:
        return {}
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):
        return {}
    return data if isinstance(data, dict) else {}


# --- hints ----------------------------------------------------------------------------------------


def hints_from_meta(page: PageMeta) -> MarkupHints:
    hints = MarkupHints()
    art = page.article_ld or {}
    by_id = {n["@id"]: n for n in page.ld_nodes if isinstance(n.get("@id"), str)}
    hints.site_name = _site_name(page, art, by_id)
    url = page.canonical or page.first(*URL_KEYS)
    if url and url.startswith(("http://", "https://")):
        hints.canonical_url = url
    lang = page.lang or page.first(*LANGUAGE_KEYS)
    lang = lang or _ld_text(art.get("inLanguage"))
    if lang and (m := re.match(r"^\s*([a-zA-Z]{2,3})(?:[-_]|\s*$)", lang)):
        hints.language = m[1].lower()
    hints.title = _ld_text(art.get("headline")) or page.first(*TITLE_KEYS)
    hints.title = hints.title or page.title_tag
    parsely = _parsely_page(page)
    hints.authors = _authors(page, art, by_id, parsely, hints.site_name)
    hints.published = parse_date(_ld_text(art.get("datePublished")) or parsely.get("pub_date"))
    hints.updated = parse_date(_ld_text(art.get("dateModified")))
    for key in PUBLISHED_KEYS:
        if hints.published:
            break
        hints.published = parse_date(page.first(key))
    for key in MODIFIED_KEYS:
        if hints.updated:
            break
        hints.updated = parse_date(page.first(key))
    return hints


def _site_name(page: PageMeta, art: dict, by_id: dict[str, dict]) -> str | None:
    publisher = art.get("publisher")
    if isinstance(publisher, dict) and set(publisher) <= {"@id"}:
        ref = publisher.get("@id")  # the ids of by_id are strings; any other "@id" names none
        publisher = by_id.get(ref) if isinstance(ref, str) else None
    site = page.first(*SITE_NAME_KEYS) or _ld_text(publisher)
    if not site:
        for node in page.ld_nodes:
            if ld_types(node) & SITE_TYPES and _ld_text(node.get("name")):
                return _ld_text(node.get("name"))
    return site


def _authors(
    page: PageMeta, art: dict, by_id: dict[str, dict], parsely: dict, site: str | None
) -> list[str]:
    """The authors JSON-LD (or parsely-page) names, else the first author meta key that does."""
    ld_authors = _ld_people(art.get("author"), by_id) if art.get("author") else []
    if not ld_authors and parsely.get("authors"):
        ld_authors = _ld_people(parsely["authors"], by_id)
    if ld_authors:
        return full_names_first(ld_authors)
    for key in AUTHOR_KEYS:
        people: list[str] = []
        for value in page.meta.get(key, []):
            parts = split_people(value, last_first=key in LAST_FIRST_AUTHOR_KEYS)
            if site and any(norm_key(p) == norm_key(site) for p in parts[:1]):
                continue  # "SITE ONLINE, Hamburg, Germany": the publisher and its places
            people += parts
        people = [p for p in dict.fromkeys(people) if norm_key(p) != norm_key(site or "")]
        if people:
            return full_names_first(people)
    return []

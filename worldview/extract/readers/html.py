"""HTML path of step 3: one web page -> the article's blocks in reading order, hints, warnings.

``html_to_blocks`` parses with selectolax's lexbor backend (a C HTML5 parser: no network, no DTDs,
no entity expansion beyond HTML's own), then:

1. reads what the markup states outright (``<title>``, meta tags, JSON-LD, canonical link, lang)
   into ``MarkupHints``;
2. removes what is never article text (scripts, styles, forms, hidden elements) and site chrome
   recognised by tag (nav, site header/footer, aside) or by class/id/role words (cookie banners,
   share buttons, related lists, newsletter prompts, comments, breadcrumbs, ads);
3. picks the article container: starting from <body>, descends while one child holds nearly all of
   the paragraph text (so sidebars and split bodies both come out right), widened to an enclosing
   <article> when there is one;
4. walks that container (and the title's header block when the <h1> sits outside it) in document
   order and emits Blocks: headings (the headline gets role "title"), paragraphs, list items,
   quotes, images with caption and credit, and blocks whose markup names their role ("subtitle",
   "byline", "dateline", "bio", "takeaways_heading").

Everything is iterative: no Python recursion over the tree, so 100k-deep nesting cannot overflow.
Block-level nesting deeper than ``MAX_BLOCK_DEPTH`` is flattened before parsing because the HTML5
tree builder's scope checks make such nesting quadratic.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from worldview.document import Block, BlockKind, MarkupHints, Role
from worldview.extract import dates

MAX_BLOCK_DEPTH = 256
MAX_JSON_LD_CHARS = 1_000_000
NESTING_SCAN_MIN_TAGS = 1000  # below this, even the worst nesting costs milliseconds
MAX_ANCESTOR_WALK = 1024  # >= NESTING_SCAN_MIN_TAGS: bounds per-text-node work on any page
MAX_CHROME_CANDIDATES = 1500
MIN_WEIGHED_TEXT = 25  # text nodes shorter than this (labels, menu items) do not locate the article
BR = "\ue000"  # stands in for <br> so text extraction keeps line breaks

# --------------------------------------------------------------------------------------------
# Vocabulary: tags and class/id words
# --------------------------------------------------------------------------------------------

NEVER_TEXT_TAGS = [
    "script", "style", "noscript", "template", "svg", "math", "canvas", "iframe", "object",
    "embed", "video", "audio", "source", "track", "map", "input", "select", "textarea", "button",
    "option", "link", "meta", "dialog", "head", "title",
]  # fmt: skip
INLINE_TAGS = frozenset(
    "a abbr b bdi bdo big cite code data del dfn em font i ins kbd mark nobr q s samp small span "
    "strike strong sub sup time tt u var wbr label -text".split()
)
HEADING_LEVELS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
BLOCK_SELECTOR = "p,div,section,article,ul,ol,li,h1,h2,h3,h4,h5,h6,blockquote,figure,table,dl,pre"

# Class/id/role words, matched at the start of a dash/underscore/space separated component so
# that "share-bar" and "relatedArticles" match but "commentary" and "socialism" do not.
_C = r"(?:^|[\s_-])"
CHROME_STRONG = re.compile(
    _C + r"(cookie|consent|gdpr|cmp-|onetrust|newsletter|subscri(?:be|ption)|signup|sign-up"
    r"|share|sharing|social(?!is)|sociable|addthis|sharethis|related|recommend|more-from|"
    r"read-next|readnext|popular|trending|most-read|comments?(?!ary)|disqus|breadcrumbs?|"
    r"ads?(?=$|[\s_-])|advert|adsbygoogle|dfp|gpt-ad|sponsor|promo(?!t)|taboola|outbrain|"
    r"paywall|popup|modal|overlay|skip-?(?:link|to)|sr-only|visually-?hidden|screen-reader|"
    r"hidden(?=$|\s)|d-none(?=$|\s)|print-only|twitter-tweet|instagram-media|tiktok-embed|"
    r"donate|donation|tags(?=$|[\s_-])|tag(?=$|\s)|tags?-?(?:list|links|cloud)|tagcloud|"
    r"topics?-?list|keywords|(?:post|entry|article)-?tags|"
    r"pagination|pager(?=$|[\s_-])|next-prev|prev-next|toolbar|tools(?=$|\s)|utility|"
    r"follow-us|subnav|sub-nav|mega-?menu|syndication|reprints?(?=$|[\s_-])|"
    r"(?:article|post|entry|story)-?(?:actions|tools)|explore(?=$|[\s_-])|topics(?=$|[\s_-])|"
    r"categories(?=$|[\s_-])|cat-links|(?:d|hidden|no)-?print(?:-none)?(?=$|\s))",
    re.I,
)
# Layout words are weaker evidence: they count only as a whole class token, its first component
# or its last one ("sidebar-left", "main-nav"), never in the middle of a layout class such as
# "l-sidebar-fixed" or "color-pub-secondary-text", nor as the prefix of a longer word ("navbyline").
_WEAK_WORDS = (
    r"nav|navbar|navigation|nav-?links|menus?|menubar|header|masthead|site-?header|footer|"
    r"sidebar|side-bar|widgets?|banner|rail|aside|secondary|complementary|offcanvas|off-canvas|"
    r"drawer|top-?bar|site-?title|logo"
)
CHROME_WEAK = re.compile(
    rf"(?:(?:^|\s)|[_-](?=(?:{_WEAK_WORDS})(?:$|\s)))({_WEAK_WORDS})(?=$|[\s_-]|(?-i:[A-Z]))",
    re.I,
)
CHROME_LABELS = (
    ("cookie banner", ("cookie", "consent", "gdpr", "cmp-", "onetrust")),
    ("newsletter prompt", ("newsletter", "subscri", "signup", "sign-up", "paywall", "donat")),
    ("share buttons", ("share", "sharing", "social", "sociable", "addthis", "follow-us")),
    ("related links", ("related", "recommend", "more-from", "read", "popular", "trending")),
    ("comments", ("comment", "disqus")),
    ("breadcrumbs", ("breadcrumb",)),
    ("ads", ("ad", "advert", "dfp", "gpt", "sponsor", "promo", "taboola", "outbrain")),
    ("popups", ("popup", "modal", "overlay")),
    ("navigation", ("nav", "menu", "subnav", "sub-nav", "mega", "skip", "pagination", "pager")),
    ("tags", ("tag", "topic", "keyword", "post")),
    ("header", ("header", "masthead", "banner", "logo", "site")),
    ("footer", ("footer",)),
    ("hidden elements", ("sr-only", "visually", "screen-reader", "hidden", "d-none", "print-only")),
    ("embeds", ("twitter", "instagram", "tiktok")),
    ("toolbars", ("toolbar", "tools", "utility", "print", "syndication", "reprint", "explore")),
    ("toolbars", ("article", "post", "entry", "story", "d-print", "hidden-print", "no-print")),
    ("tags", ("categories", "cat-links")),
    ("navigation", ("offcanvas", "off-canvas", "drawer", "top-bar", "topbar", "keyword")),
    ("sidebar", ("sidebar", "side-bar", "widget", "rail", "aside", "secondary", "complementary")),
)
CHROME_ROLES = {
    "navigation": "navigation", "search": "navigation", "menu": "navigation",
    "menubar": "navigation", "toolbar": "share buttons", "dialog": "popups",
    "alertdialog": "popups", "banner": "header", "contentinfo": "footer",
    "complementary": "sidebar",
}  # fmt: skip
KEEP_IN_ASIDE = re.compile(
    _C + r"(pull-?quote|quote|takeaway|key-?points?|highlights?|summary|tldr|at-a-glance)", re.I
)
TAKEAWAYS_HEADING = re.compile(
    r"^(key (takeaways|points|findings|judg(e)?ments|messages|insights)|takeaways|highlights|"
    r"at a glance|in brief|tl;? ?dr|main points|summary points)\W*$",
    re.I,
)

ROLE_BIO = re.compile(
    _C + r"(bio(?:s|graphy)?(?=$|[\s_-])|about-(?:the-)?authors?|author-?(?:bio|box|info|"
    r"details|description|about|profile|card))",
    re.I,
)
ROLE_BYLINE = re.compile(
    _C + r"(by-?line|authors?(?=$|[\s_-])|author-?(?:name|list|s-list|links?)|contributors?"
    r"(?=$|[\s_-])|writers?(?=$|[\s_-])|(?:article|post|entry|story)-?authors?|creators?"
    r"(?=$|[\s_-])|autor(?:en|in)?(?=$|[\s_-])|auteurs?(?=$|[\s_-]))",
    re.I,
)
ROLE_DATELINE = re.compile(
    _C + r"(date(?:line)?(?=$|[\s_-])|pubdate|pub-date|publish(?:ed)?(?:-?(?:date|on|at))?"
    r"(?=$|[\s_-])|(?:post|entry|article|story)-?date|timestamp|posted-?on|time(?=$|\s))",
    re.I,
)
ROLE_SUBTITLE = re.compile(
    _C + r"(dek(?=$|[\s_-])|deck(?=$|[\s_-])|standfirst|sub-?title|sub-?headline|strapline|"
    r"sub-?head(?=$|[\s_-])|article-?summary|summary-?text|lead-?in|teaser-?text|"
    r"(?:article|entry|page|post|hero)-?(?:excerpt|description|intro|lede)|lede(?=$|[\s_-])|"
    r"vorspann|chapo|chapeau)",
    re.I,
)
ROLE_CAPTION = re.compile(_C + r"(caption|figcaption|wp-caption-text|image-?desc)", re.I)
ROLE_CREDIT = re.compile(
    _C + r"(credit|copyright|photographer|attribution|image-?source|photo-?source)", re.I
)
ROLE_KICKER = re.compile(
    _C + r"(eyebrow|kicker|overline|content-?type|article-?type|post-?type|type(?=$|[\s_-])|"
    r"format(?=$|[\s_-])|label(?=$|[\s_-])|category|section-?name)",
    re.I,
)
IMAGE_JUNK = re.compile(
    r"(logo|icon|avatar|sprite|pixel|spacer|headshot|emoji|badge|gravatar)", re.I
)
PUBLICATION_TYPES = {
    t.lower(): t
    for t in (
        "Analysis", "Commentary", "Report", "Article", "Op-Ed", "Opinion", "Blog", "Blog Post",
        "Policy Brief", "Issue Brief", "Brief", "Research Paper", "Working Paper", "Paper",
        "Explainer", "Interview", "Q&A", "Expert Comment", "Expert Analysis", "News", "Feature",
        "Essay", "Testimony", "Fact Sheet", "Backgrounder", "Speech", "Special Report",
        "Policy Paper", "Research", "Critical Questions", "Dispatch", "Review", "Book Review",
        "In the Media", "Perspective", "Perspectives", "Editorial", "Column", "Podcast",
        "Newsletter", "Event", "Video", "Explainer", "Research Report", "Occasional Paper",
    )
}  # fmt: skip
BOILERPLATE_LINE = re.compile(
    r"^(advertisement|advertising|sponsored|share( this( article| page| story)?)?|print|email|"
    r"e-?mail this|read more|continue reading|skip to (main )?content|related( articles| content)?"
    r"|tags?|topics?|follow us|sign up|subscribe( now)?|listen( to this article)?|loading\.*|"
    r"back to top|copy link|link copied|download( pdf)?|save|comments?|\d+ comments?|"
    r"see also|more on this topic|facebook|twitter|linkedin|whatsapp|x)\W*$",
    re.I,
)
# Lines made only of article-tool and label words ("Adjust | Print", "Reuse this content",
# "Tagged:", "HIDE CAPTION", a video length "03:29", gallery counters "< 1 2 3 >").
TOOL_WORDS = (
    r"share|print|e-?mail|comments?|\d+ comments?|view comments|leave a comment|adjust|save|"
    r"bookmark|reuse this content|reprints?( (and|&) permissions)?|explore further|"
    r"(hide|show) caption|tagged|filed under|categor(y|ies)|tags?|topics?|copy link|listen|"
    r"watch video|play video|read later|font size|text size|gift (this )?article|"
    r"\d{1,2}:\d{2}|(back )?to (the )?home ?page|zur startseite|retour à l'accueil"
)
TOOL_LINE = re.compile(
    rf"^(?:\W*(?:{TOOL_WORDS})\b\W*)+$|^\d{{1,2}}:\d{{2}}(?::\d{{2}})?$|^[\d\s<>«»‹›←→|/.,-]+$|"
    r"^[-–—\s]*(?:\d{1,2}:\d{2}\s*[-–—]?\s*)?source:\s*[\w .&/-]{1,30}$",
    re.I,
)
# A fact box of label/value pairs: "<strong>Author</strong> Jane Doe", "Date: 19.01.2020".
LABEL_AUTHOR = re.compile(
    r"^(?:authors?|autor(?:in|en)?|auteur(?:e|s)?|written by|words by)\s*:?\s+(?P<value>.+)$",
    re.I,
)
LABEL_DATE = re.compile(
    r"^(?:date|published(?: on)?|posted(?: on)?|datum|veröffentlicht(?: am)?|publié(?: le)?|"
    r"publicado(?: el)?)\s*:?\s+(?P<value>.{6,40})$",
    re.I,
)
SENTENCE_END = (".", "!", "?", "”", '"', ":")


def _labelled_meta(text: str) -> tuple[Role, str] | None:
    """(role, text) for a label/value line naming the author or the publication date."""
    if m := LABEL_AUTHOR.match(text):
        people = split_people(m["value"])
        if people and all(looks_like_person(p) for p in people):
            return Role.BYLINE, "By " + m["value"]
    if (m := LABEL_DATE.match(text)) and parse_date(m["value"]):
        return Role.DATELINE, text
    return None


def _leads_with_date(text: str) -> bool:
    """A short meta line that opens with a date, whatever follows it ("| categories: ...")."""
    if text.endswith(SENTENCE_END):
        return False
    head = text[:40]
    m = dates.DATE_IN_TEXT.search(head)
    return bool(m and m.start() <= 15 and parse_date(m[0]))


TAG_LINE = re.compile(r"^(?:tagged|tags?|topics?|categor(?:y|ies)|filed under)\s*:", re.I)
BY_PREFIX = re.compile(
    r"^\s*(?:written\s+|words\s+|posted\s+|published\s+)?(?:by|von|par|por)[\s:]+(?=\S)", re.I
)
MULTI_BR = re.compile(rf"\s*{BR}\s*{BR}[\s{BR}]*")


ZERO_WIDTH = re.compile(r"[\u200b\u200c\u200d\ufeff]+")


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


def _classes(node: LexborNode) -> str:
    attrs = node.attributes
    return f"{attrs.get('class') or ''} {attrs.get('id') or ''}"


# --------------------------------------------------------------------------------------------
# Guard: flatten pathological block nesting before parsing
# --------------------------------------------------------------------------------------------

# Void and end-tag-optional elements do not deepen the tree in a way a tag count can follow.
_NESTING_TAG = re.compile(
    r"<(/?)(?!(?:area|base|br|col|embed|hr|img|input|link|meta|param|source|track|wbr|p|li|dt|"
    r"dd|tr|td|th|option|optgroup|thead|tbody|tfoot|colgroup|caption|rb|rt|rp|image|keygen|"
    r"basefont|bgsound|frame|html|head|body)[\s/>])[a-zA-Z][^\s/>]*[^>]*>"
)


def limit_nesting(text: str, max_depth: int = MAX_BLOCK_DEPTH) -> tuple[str, bool]:
    """Drop tags nested deeper than ``max_depth`` (their text stays).

    Lexbor's tree builder is quadratic in the depth of block nesting, and per-level work in any
    tree walk multiplies with depth; no real page nests more than a few dozen levels.
    """
    if text.count("<") < NESTING_SCAN_MIN_TAGS:
        return text, False  # too few tags to nest deeply enough to matter
    out: list[str] = []
    depth = 0
    pos = 0
    dropped = False
    for m in _NESTING_TAG.finditer(text):
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


# --------------------------------------------------------------------------------------------
# Dates and names
# --------------------------------------------------------------------------------------------

# Stated dates are read by ``worldview.extract.dates`` (shared with segment and metadata); markup
# adds the compact form ("20240809") and a plausibility window, since meta values can be junk.
DATE_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})(?:$|T)")


def _plausible(value: str | None) -> str | None:
    if value is None or not 1990 <= int(value[:4]) <= date.today().year + 1:
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


NOT_A_NAME = re.compile(
    r"(https?:|www\.|@|\.com\b|^(admin|administrator|staff|editor|editors|guest|team|user|"
    r"anonymous|unknown|none|null)$)",
    re.I,
)
NAME_SPLIT = re.compile(r"\s*(?:,\s*(?:and\s+|&\s*)?|;\s*|\s+and\s+|\s*&\s*|\s+\|\s+)\s*", re.I)


HONORIFIC = re.compile(r"^(?:dr|prof|professor|mr|mrs|ms|amb|ambassador|sir|dame)\.?\s+", re.I)


def clean_person(name: str) -> str | None:
    name = BY_PREFIX.sub("", normalize_space(name)).strip(" ,;|-–—")
    name = HONORIFIC.sub("", name)
    if not name or len(name) > 80 or NOT_A_NAME.search(name):
        return None
    if re.search(r"\d", name) or not re.search(r"[^\W\d_]", name):
        return None
    return name


NOT_PERSON_WORDS = re.compile(
    r"\b(fellow|director|senior|professor|editor|correspondent|analyst|program|programme|center|"
    r"centre|institute|university|staff|reporter|contributor|president|chair|department|research|"
    r"associate|team|news|desk|council|foundation|agency|press|reuters|updated|published|posted|"
    r"minutes?|min|read|views?|ago|share|follow|email|the|of|for|about)\b",
    re.I,
)


# "Jane Doe, Senior Fellow": the part after the comma is a job, not a second author.
JOB_TITLE = re.compile(
    r"\b(fellow|director|professor|editor|correspondent|analyst|reporter|contributor|president|"
    r"chair|staff|desk|researcher|associate|intern|writer|columnist|programme|program)s?\b",
    re.I,
)


def looks_like_person(name: str) -> bool:
    """A person's name as bylines print it: 2-5 capitalised words, no titles or dates."""
    words = name.split()
    if not 2 <= len(words) <= 5 or re.search(r"\d|[@/]", name) or NOT_PERSON_WORDS.search(name):
        return False
    return all(
        w[0].isupper()
        or w.lower() in {"de", "van", "von", "der", "al", "bin", "la", "le", "da", "di", "du"}
        for w in words
    )


def split_people(value: str, *, last_first: bool = False) -> list[str]:
    """'By A, B and C' -> [A, B, C]; 'Smith, John' (one person, surname first) -> ['John Smith']."""
    value = BY_PREFIX.sub("", normalize_space(value))
    parts = [p for p in NAME_SPLIT.split(value) if p]
    if len(parts) == 2 and "," in value and all(len(p.split()) == 1 for p in parts):
        parts = [f"{parts[1]} {parts[0]}"]  # "Smith, John"
    elif last_first and "," in value and len(parts) == 2:
        parts = [f"{parts[1]} {parts[0]}"]
    out = []
    for p in parts:
        if (name := clean_person(p)) and name not in out and not JOB_TITLE.search(name):
            out.append(name)
    return out


def _norm_key(text: str) -> str:
    return re.sub(r"[^\w]+", " ", text.lower()).strip()


def _similar(a: str, b: str) -> bool:
    """Same headline up to punctuation, case or a suffix/prefix (e.g. a site name)."""
    ka, kb = _norm_key(a), _norm_key(b)
    if not ka or not kb:
        return False
    return ka == kb or (min(len(ka), len(kb)) >= 12 and (ka in kb or kb in ka))


TITLE_SEPARATOR = re.compile(r"\s+(?:[|–—·•»:]{1,2}|-{1,2})\s+|\s*\|\s*")
DATE_PART = re.compile(r"^[\d./-]{6,10}$")
PREFIX_SEPARATORS = {"::", "|", "»", "»»", "||"}


def strip_site_name(title: str, site_names: list[str], headline: str | None = None) -> str:
    """'Title | Section | Site' -> 'Title', using the site names and the page's headline."""
    title = normalize_space(title)
    if headline and _similar(title, headline) and len(headline) <= len(title):
        key, head = _norm_key(title), _norm_key(headline)
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
    sites = {_norm_key(s) for s in site_names if s}
    sites |= {k.replace(" ", "") for k in sites}

    def is_site(part: str) -> bool:
        key = _norm_key(part)
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


def _site_names_from_url(url: str | None) -> list[str]:
    if not url:
        return []
    host = urlsplit(url).hostname or ""
    labels = [x for x in host.split(".") if x not in {"www", "com", "org", "net", "edu", "gov"}]
    return [labels[0]] if labels else []


# --------------------------------------------------------------------------------------------
# Hints: meta tags and JSON-LD
# --------------------------------------------------------------------------------------------

ARTICLE_TYPES = {
    "article", "newsarticle", "report", "blogposting", "analysisnewsarticle", "opinionnewsarticle",
    "reportagenewsarticle", "backgroundnewsarticle", "scholarlyarticle", "techarticle",
    "liveblogposting", "reviewnewsarticle", "socialmediaposting", "posting", "creativework",
}  # fmt: skip
ORG_TYPES = {"organization", "newsmediaorganization", "corporation", "website", "brand"}
PUBLISHED_KEYS = (
    "article:published_time", "og:article:published_time", "og:published_time",
    "citation_publication_date", "citation_date", "citation_online_date", "dc.date.issued",
    "dcterms.issued", "dc.date.created", "dcterms.created", "dc.date", "dcterms.date",
    "parsely-pub-date", "sailthru.date", "article.published", "datepublished", "pubdate",
    "publishdate", "publish-date", "publish_date", "published_date", "publication_date",
    "release_date", "date", "og:pubdate", "article_date_original", "originalpublicationdate",
    "article:published", "dc.created", "datecreated", "bt:pubdate", "published_time",
    "dc:date", "dc:date.issued", "dcterms:issued", "dcterms:created", "bepress_citation_date",
    "prism.publicationdate", "citation_online_date",
)  # fmt: skip
MODIFIED_KEYS = (
    "article:modified_time", "og:article:modified_time", "og:updated_time", "datemodified",
    "dc.date.modified", "dcterms.modified", "article.updated", "last-modified", "lastmod",
)  # fmt: skip
AUTHOR_KEYS = (
    "citation_author", "parsely-author", "article:author", "author", "dc.creator",
    "dcterms.creator", "sailthru.author", "byl", "dc.contributor",
)  # fmt: skip


def _types(node: dict) -> set[str]:
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
        while pending and len(nodes) < 500:
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
        if isinstance(item, dict) and set(item) <= {"@id"} and item.get("@id") in by_id:
            item = by_id[item["@id"]]
        if isinstance(item, str):
            people += split_people(_unescape(item))
        elif isinstance(item, dict) and not (_types(item) & ORG_TYPES):
            name = item.get("name")
            if not isinstance(name, str | list) and (
                item.get("givenName") or item.get("familyName")
            ):
                name = f"{item.get('givenName') or ''} {item.get('familyName') or ''}"
            for one in name if isinstance(name, list) else [name]:
                if isinstance(one, str):
                    people += split_people(_unescape(one))
    return list(dict.fromkeys(people))


@dataclass
class _PageMeta:
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


def _read_page_meta(tree: LexborHTMLParser) -> _PageMeta:
    page = _PageMeta()
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
            page.canonical = link.attributes.get("href").strip()
            break
    html = tree.css_first("html")
    if html is not None:
        page.lang = html.attributes.get("lang") or html.attributes.get("xml:lang")
    page.ld_nodes = _json_ld_nodes(tree)
    for node in page.ld_nodes:
        if _types(node) & ARTICLE_TYPES:
            page.article_ld = node
            break
    else:
        for node in page.ld_nodes:
            if _types(node) & {"webpage", "itempage"} and node.get("headline"):
                page.article_ld = node
                break
    return page


def _full_names_first(people: list[str]) -> list[str]:
    """'Jane Doe, John Roe, Reuters': a one-word entry beside full names is the agency."""
    full = [p for p in people if len(p.split()) >= 2]
    return full or people


def _parsely_page(page: _PageMeta) -> dict:
    """The JSON object some CMSs put in <meta name="parsely-page"> (title, authors, pub_date)."""
    raw = page.first("parsely-page")
    if not raw or len(raw) > MAX_JSON_LD_CHARS:
        return {}
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):
        return {}
    return data if isinstance(data, dict) else {}


def _hints_from_meta(page: _PageMeta) -> MarkupHints:
    hints = MarkupHints()
    art = page.article_ld or {}
    by_id = {n["@id"]: n for n in page.ld_nodes if isinstance(n.get("@id"), str)}

    publisher = art.get("publisher")
    if isinstance(publisher, dict) and set(publisher) <= {"@id"}:
        publisher = by_id.get(publisher.get("@id"))
    site = page.first("og:site_name", "application-name", "citation_publisher", "dc.publisher")
    site = site or _ld_text(publisher)
    if not site:
        for node in page.ld_nodes:
            if _types(node) & {"website"} and _ld_text(node.get("name")):
                site = _ld_text(node.get("name"))
                break
    hints.site_name = site

    url = page.canonical or page.first("og:url")
    if url and url.startswith(("http://", "https://")):
        hints.canonical_url = url

    lang = page.lang or page.first("content-language", "og:locale", "dc.language")
    lang = lang or _ld_text(art.get("inLanguage"))
    if lang and (m := re.match(r"^\s*([a-zA-Z]{2,3})(?:[-_]|\s*$)", lang)):
        hints.language = m[1].lower()

    hints.title = _ld_text(art.get("headline")) or page.first(
        "og:title", "twitter:title", "citation_title", "dc.title", "parsely-title", "title"
    )
    hints.title = hints.title or page.title_tag

    parsely = _parsely_page(page)
    ld_authors = _ld_people(art.get("author"), by_id) if art.get("author") else []
    if not ld_authors and parsely.get("authors"):
        ld_authors = _ld_people(parsely["authors"], by_id)
    if ld_authors:
        hints.authors = _full_names_first(ld_authors)
    else:
        for key in AUTHOR_KEYS:
            values = page.meta.get(key, [])
            people: list[str] = []
            for value in values:
                parts = split_people(value, last_first=key == "citation_author")
                if site and any(_norm_key(p) == _norm_key(site) for p in parts[:1]):
                    continue  # "SITE ONLINE, Hamburg, Germany": the publisher and its places
                people += parts
            people = [p for p in dict.fromkeys(people) if _norm_key(p) != _norm_key(site or "")]
            if people:
                hints.authors = _full_names_first(people)
                break

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


# --------------------------------------------------------------------------------------------
# Chrome removal
# --------------------------------------------------------------------------------------------


def _label(match: re.Match) -> str:
    word = match.group(1).lower()
    for label, prefixes in CHROME_LABELS:
        if word.startswith(prefixes):
            return label
    return "other chrome"


def _decompose_outermost(nodes: list[tuple[LexborNode, str]], removed: set[str]) -> None:
    """Remove nodes, skipping any inside another one being removed (no use-after-free)."""
    ids = {n.mem_id for n, _ in nodes}
    for node, label in nodes:
        parent = node.parent
        nested = False
        while parent is not None:
            if parent.mem_id in ids:
                nested = True
                break
            parent = parent.parent
        if not nested:
            removed.add(label)
            node.decompose()


def _remove_chrome(tree: LexborHTMLParser, body: LexborNode) -> set[str]:
    removed: set[str] = set()
    if tree.css_first("form") is not None:
        # An ASP.NET page wraps the whole page in <form>: keep forms that hold the article.
        big_forms = [f for f in tree.css("form") if f.css_first("h1,article,p + p") is not None]
        for form in big_forms:
            form.attrs["data-keep"] = "1"
        doomed = [(n, "forms") for n in tree.css("form:not([data-keep])")]
        _decompose_outermost(doomed, removed)
    tree.strip_tags(NEVER_TEXT_TAGS)
    body_len = max(1, len(body.text()))
    candidates: list[tuple[LexborNode, str]] = []
    hidden = "[hidden],[aria-hidden=true],[style*='display:none' i],[style*='display: none' i]"
    hidden += ",[style*='visibility:hidden' i],[style*='visibility: hidden' i]"
    for node in body.css(hidden):
        if node.css_first("h1") is None and len(node.text()) < 0.5 * body_len:
            candidates.append((node, "hidden elements"))
    for node in body.css("nav,[role],aside,header,footer"):
        tag = node.tag
        if tag == "nav":
            candidates.append((node, "navigation"))
            continue
        role = (node.attributes.get("role") or "").lower()
        if tag == "aside" or role == "complementary":
            keep = KEEP_IN_ASIDE.search(_classes(node))
            heading = node.css_first("h2,h3,h4,h5,h6,strong")
            if keep or (heading is not None and TAKEAWAYS_HEADING.match(heading.text().strip())):
                continue
            candidates.append((node, "sidebar"))
        elif tag in {"header", "footer"} or role in CHROME_ROLES:
            if node.css_first("h1") is not None:
                continue  # the article's own header (or a page-level one holding the headline)
            if tag == "header" and _inside(node, "article,main,[role=main]"):
                continue  # byline and date live here
            label = CHROME_ROLES.get(role) or tag
            if tag == "footer" and node.css_first("[class*=bio i],[class*=author i]") is not None:
                if _inside(node, "article"):
                    continue
            candidates.append((node, label))
    protected = _article_line(body)
    candidates = [(n, label) for n, label in candidates if n.mem_id not in protected]
    chosen_ids = {node.mem_id for node, _ in candidates}
    checked = 0
    for node in body.css("[class],[id]"):
        verdict = _chrome_verdict(_classes(node))
        if verdict is None or node.mem_id in protected:
            continue
        label, strong = verdict
        if node.tag in SUBHEADINGS and not strong:
            continue  # "header-anchor" on an in-text <h2>: a heading is never layout
        if node.tag == "p" and not strong and label == "newsletter prompt":
            if len(node.text()) >= 80:
                continue  # "paywall" on a paragraph of prose marks gated article text
        if node.tag in {"html", "body", "h1"} or (not strong and node.tag == "article"):
            continue
        if _has_ancestor_in(node, chosen_ids):
            continue  # already going with an enclosing element: no need to weigh it
        if label == "header" and not strong and _inside(node, "article"):
            continue  # "story-header__meta" inside the article holds its byline and date
        checked += 1
        if checked > MAX_CHROME_CANDIDATES:
            break
        if node.css_first("h1") is not None:
            continue
        if len(node.text()) > (0.85 if strong else 0.4) * body_len:
            continue  # a page wrapper with an unlucky class ("has-sidebar", "with-comments")
        if not strong and label in {"share buttons", "footer"} and _holds_byline(node):
            continue  # "sharekit" bars that carry the byline: the buttons go one by one
        if not strong and node.parent is not None and _role_of(node.parent) == Role.BYLINE:
            continue  # the author's name styled by a share-kit class
        candidates.append((node, label))
        chosen_ids.add(node.mem_id)
    _decompose_outermost(candidates, removed)
    return removed


PHOTO_BY = re.compile(
    r"^\s*(?:photo(?:graph)?s?|images?|pictures?|illustrations?|video|graphics?)\s+"
    r"(?:by|credit)\b[\s:]*",
    re.I,
)
TEASER_CLASS = re.compile(
    _C + r"(teasers?|cards?|tiles?|promos?)(?=$|[\s_-]|(?-i:[A-Z]))|[a-z](?-i:Teaser)", re.I
)


@lru_cache(maxsize=8192)
def _is_credit(classes: str) -> bool:
    return bool(ROLE_CREDIT.search(classes))


def _holds_byline(node: LexborNode) -> bool:
    """A small bar (share kit, post footer) holding an author element: the post's byline."""
    if len(node.text()) > 400:
        return False
    for inner in node.css("[class]"):
        if inner.mem_id != node.mem_id and ROLE_BYLINE.search(inner.attributes["class"] or ""):
            return len(inner.text()) <= 200
    return False


SUBHEADINGS = frozenset({"h2", "h3", "h4", "h5", "h6"})
BODY_MARKER = re.compile(
    _C + r"((?:entry|post|article|story|blog)[-_]*(?:content|body|text)(?=$|[\s_-])|articlebody)",
    re.I,
)


def _article_line(body: LexborNode) -> set[int]:
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
        if weights[key] >= 200:
            anchors.append(parents[key])
    if anchors:
        markers = []  # the densest <p> run already marks the article
    else:
        markers = [n for n in body.css("[itemprop=articleBody]")]
        maybe = "[class*=content i],[class*=body i],[class*=text i]"  # the C parser narrows
        markers += [n for n in body.css(maybe) if BODY_MARKER.search(n.attributes["class"] or "")]
    if markers:
        anchors.append(max(markers, key=lambda n: len(n.text())))
    line: set[int] = set()
    for anchor in anchors:
        line.add(anchor.mem_id)
        line |= _ancestor_ids(anchor)
    return line


SOFT_CHROME = (
    "share",
    "sharing",
    "social",
    "sociable",
    "tag",
    "tools",
    "utility",
    "print",
    "hidden",
    "paywall",
    "d-print",
    "hidden-print",
    "no-print",
    "noprint",
)


@lru_cache(maxsize=8192)
def _chrome_verdict(classes: str) -> tuple[str, bool] | None:
    """(label, strong) when class/id words mark site chrome; cached, pages repeat class names."""
    strong = CHROME_STRONG.search(classes)
    weak = None if strong else CHROME_WEAK.search(classes)
    if not (strong or weak):
        return None
    if ROLE_BYLINE.search(classes) or ROLE_DATELINE.search(classes) or ROLE_BIO.search(classes):
        if strong is None or strong.group(1).lower().startswith(("tag", "social", "share")):
            return None  # "author-social" links are dropped inside the byline walk instead
    if strong is None and KEEP_IN_ASIDE.search(classes):
        return None
    # Modifier words ("has-share-bar", "print-friendly") also decorate article containers, so
    # they get the size guard of weak words; comments, related lists and ads do not.
    hard = strong is not None and not strong.group(1).lower().startswith(SOFT_CHROME)
    return _label(strong or weak), hard


def _has_ancestor_in(node: LexborNode, ids: set[int]) -> bool:
    parent = node.parent
    for _ in range(MAX_ANCESTOR_WALK):
        if parent is None:
            return False
        if parent.mem_id in ids:
            return True
        parent = parent.parent
    return False


def _inside(node: LexborNode, selector: str) -> bool:
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


# --------------------------------------------------------------------------------------------
# Finding the article container
# --------------------------------------------------------------------------------------------


def _text_weights(body: LexborNode) -> dict[int, int]:
    """Characters of running text (link text excluded) under each element, keyed by mem_id.

    Counted from text nodes rather than <p> elements so that pages whose text sits in <div>,
    <td> or <font> with <br> line breaks weigh the same as well-formed ones.
    """
    weights: dict[int, int] = {}
    body_id = body.mem_id
    for node in body.traverse(include_text=True):
        if not node.is_text_node:
            continue
        text = node.text_content
        if text is None or len(text) < MIN_WEIGHED_TEXT:
            continue
        size = len(text.strip())
        if size < MIN_WEIGHED_TEXT:
            continue
        parent = node.parent
        while parent is not None and parent.tag in INLINE_TAGS:
            if parent.tag == "a":
                break
            parent = parent.parent
        if parent is None or parent.tag == "a":
            continue
        for _ in range(MAX_ANCESTOR_WALK):
            if parent is None:
                break
            key = parent.mem_id
            weights[key] = weights.get(key, 0) + size
            if key == body_id:
                break
            parent = parent.parent
    return weights


def _find_root(body: LexborNode) -> LexborNode | None:
    weights = _text_weights(body)
    total = weights.get(body.mem_id, 0)
    if total == 0:
        return None
    node = body
    while True:
        best, best_weight = None, 0
        for child in node.iter():
            w = weights.get(child.mem_id, 0)
            if w > best_weight:
                best, best_weight = child, w
        if best is None or best_weight < 0.8 * weights.get(node.mem_id, 0):
            break
        node = best
    # Widen to the enclosing <article> (it holds the headline, byline and date), or narrow to the
    # single <article> that holds most of the text when comments/related teasers stopped descent.
    parent = node
    while parent is not None and parent.tag not in {"body", "html"}:
        if parent.tag == "article":
            node = parent
            break
        parent = parent.parent
    else:
        # Semantic containers first, <article> before <main> (main also holds related lists).
        for selector in ("article", "[itemprop=articleBody]", "main,[role=main]"):
            found = [a for a in node.css(selector) if not _inside(a, selector)]
            if not found:
                continue
            best = max(found, key=lambda a: weights.get(a.mem_id, 0))
            share = weights.get(best.mem_id, 0) / max(1, weights.get(node.mem_id, 0))
            if share >= 0.5 and best.mem_id != node.mem_id:
                node = best
                break
    if weights.get(node.mem_id, 0) < 80:
        return None
    return node


HEADLINE_SELECTOR = "[itemprop=headline],[class*=title i],[class*=headline i]"


def _pick_title(body: LexborNode, root: LexborNode, hints: MarkupHints) -> LexborNode | None:
    """The headline element: an <h1> that matches the stated title, else the article's <h1>."""
    site = _norm_key(hints.site_name or "")
    h1s = [
        h
        for h in body.css("h1")
        if normalize_space(h.text())
        and not IMAGE_JUNK.search(_classes(h))
        and not CHROME_WEAK.search(_classes(h))
        and _norm_key(h.text()) != site
    ]
    if hints.title:
        for h in h1s:
            if _similar(h.text(), hints.title):
                return h
        for h in body.css(HEADLINE_SELECTOR):
            if h.tag != "a" and len(h.text()) < 400 and _similar(h.text(), hints.title):
                return _headline_inside(h)
    for h in h1s:
        if root.mem_id in _ancestor_ids(h):
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


def _ancestor_ids(node: LexborNode) -> set[int]:
    ids = set()
    parent = node.parent
    while parent is not None:
        ids.add(parent.mem_id)
        parent = parent.parent
    return ids


# --------------------------------------------------------------------------------------------
# Emitting blocks
# --------------------------------------------------------------------------------------------


@dataclass
class _Frame:
    node: LexborNode
    children: object  # iterator over child nodes
    role: str | None = None
    list_depth: int = 0
    in_item: bool = False
    buffer: list[str] = field(default_factory=list)
    bold: set[str] = field(default_factory=set)  # inline children wholly in <b>/<strong>


def _role_of(node: LexborNode) -> Role | None:
    attrs = node.attributes
    itemprop = (attrs.get("itemprop") or "").lower()
    if itemprop in {"author", "creator"}:
        return Role.BYLINE
    if itemprop in {"datepublished", "datecreated"}:
        return Role.DATELINE
    if itemprop in {"description", "alternativeheadline"}:
        return Role.SUBTITLE
    return _role_from_classes(_classes(node))


@lru_cache(maxsize=8192)
def _role_from_classes(classes: str) -> Role | None:
    if not classes.strip():
        return None
    if ROLE_BIO.search(classes):
        return Role.BIO
    if ROLE_BYLINE.search(classes):
        return Role.BYLINE
    if ROLE_DATELINE.search(classes):
        return Role.DATELINE
    if ROLE_SUBTITLE.search(classes):
        return Role.SUBTITLE
    if ROLE_KICKER.search(classes):
        return Role.KICKER
    return None


def _image_src(img: LexborNode) -> Role | None:
    attrs = img.attributes
    src = attrs.get("src")
    if not src or src.startswith("data:"):
        for key in ("data-src", "data-lazy-src", "data-original", "data-srcset", "srcset"):
            if value := attrs.get(key):
                src = value.strip().split(",")[0].split()[0] if value.strip() else None
                break
    if not src or src.startswith("data:"):
        return None
    return src.strip()


def _is_junk_image(img: LexborNode, src: str) -> bool:
    attrs = img.attributes
    for dim in ("width", "height"):
        value = (attrs.get(dim) or "").strip().removesuffix("px")
        if value.isdigit() and int(value) <= 60:
            return True
    return bool(IMAGE_JUNK.search(f"{_classes(img)} {src.rsplit('/', 1)[-1]}"))


CREDIT_PREFIX = re.compile(
    r"^\s*[(\[]?\s*(?:photo(?:graph)?s?|image|picture|credit|source|foto)?\s*(?:credit)?\s*"
    r"(?:[:|/]|by\b)?\s*©?\s*",
    re.I,
)


class _Emitter:
    def __init__(self, title_id: int | None, warnings: list[str]) -> None:
        self.blocks: list[Block] = []
        self.title_id = title_id
        self.title_seen = title_id is None
        self.body_started = False
        self.kickers: list[str] = []
        self.warnings = warnings
        self.seen_images: set[str] = set()
        self.has_blocks: set[int] = set()  # elements with a block element or <img> inside
        self.has_links: set[int] = set()  # elements with a link inside
        self.stated_dates: list[str] = []  # datetime attributes of dateline <time> elements
        self.pending: list[Block] = []  # datelines split out of a byline, emitted after it
        self.dropped_links = 0  # "Read more: <a>...</a>" paragraphs left out
        self.title_line: set[int] = set()  # the headline and its ancestors
        self.stop_ids: set[int] = set()

    # -- output helpers -------------------------------------------------------------------

    def _add(self, block: Block) -> None:
        if not block.text and block.kind is not BlockKind.IMAGE:
            return
        role = block.role
        if not self.title_seen and block.role != Role.TITLE and block.kind is not BlockKind.IMAGE:
            # Above the headline: breadcrumbs, kickers, topic labels. Keep only what has a role.
            if role == Role.KICKER or (role is None and len(block.text) < 60):
                self.kickers.append(block.text)
                return
        if role == Role.BYLINE and PHOTO_BY.match(block.text):
            self._credit_last_image(block.text)  # "Photograph by Jane Doe": not the author
            return
        if role == Role.KICKER:
            if block.kind is BlockKind.HEADING or len(block.text) > 60:
                block.role = None
            else:
                self.kickers.append(block.text)
                return
        if block.kind in (BlockKind.PARAGRAPH, BlockKind.LIST_ITEM) and role is None:
            if len(block.text) < 40 and BOILERPLATE_LINE.match(block.text):
                return
            if len(block.text) < 80 and TOOL_LINE.match(block.text):
                return
            if len(block.text) < 300 and TAG_LINE.match(block.text):
                return
            if len(block.text) < 100 and (labelled := _labelled_meta(block.text)):
                block.role, block.text = labelled
            elif not self.body_started and len(block.text) < 160:
                text = block.text
                if BY_PREFIX.match(text) and len(text) < 80:
                    block.role = Role.BYLINE
                elif (parse_date(text) and len(text) < 60) or _leads_with_date(text):
                    block.role = Role.DATELINE  # "January 13, 2020 at 08:45 | categories: ..."
                elif len(text.split()) < 4 and not text.endswith((".", "!", "?")):
                    return  # "· 9 min read", "Listen", "Print": interface crumbs above the body
        if role == Role.SUBTITLE and self.body_started:
            block.role = None
        if block.role is None and block.kind in (BlockKind.PARAGRAPH, BlockKind.QUOTE):
            self.body_started = True
        self.blocks.append(block)

    def _text_blocks(self, raw: str) -> list[str]:
        parts = MULTI_BR.split(raw)
        return [t for t in (normalize_space(p.replace(BR, " ")) for p in parts) if t]

    def flush(self, frame: _Frame) -> None:
        if not frame.buffer:
            return
        raw = "".join(frame.buffer)
        frame.buffer.clear()
        kind = BlockKind.LIST_ITEM if frame.in_item else BlockKind.PARAGRAPH
        if frame.role in {Role.BYLINE, Role.DATELINE, Role.BIO, Role.SUBTITLE, Role.KICKER}:
            text = normalize_space(raw.replace(BR, " "))
            self._add(Block(kind, text, level=frame.list_depth, role=frame.role))
            return
        for text in self._text_blocks(raw):
            if not frame.in_item and text in frame.bold and _is_heading_like(text):
                self._add(Block(BlockKind.HEADING, text, level=BOLD_HEADING_LEVEL))
                continue
            self._add(Block(kind, text, level=frame.list_depth, role=frame.role))
        frame.bold.clear()

    # -- element handlers -----------------------------------------------------------------

    def image(self, img: LexborNode, caption_node: LexborNode | None = None) -> None:
        src = _image_src(img)
        if src is None or _is_junk_image(img, src) or src in self.seen_images:
            return
        self.seen_images.add(src)
        caption, credit = None, None
        if caption_node is not None:
            credit_nodes = [
                n for n in caption_node.css("[class],[id]") if ROLE_CREDIT.search(_classes(n))
            ]
            if not credit_nodes:  # <figcaption>Caption. <cite>Jane Doe/AP</cite></figcaption>
                last = caption_node.last_child
                while last is not None and last.is_text_node and not last.text().strip():
                    last = last.prev
                if last is not None and last.tag in {"cite", "small"} and len(last.text()) < 120:
                    credit_nodes = [last]
            if credit_nodes:
                credit = normalize_space(credit_nodes[0].text().replace(BR, " "))
                credit = CREDIT_PREFIX.sub("", credit).strip(" ()[]") or None
                for n in credit_nodes:
                    n.decompose() if n.parent is not None else None
            caption = normalize_space(caption_node.text().replace(BR, " ")) or None
        text = caption or ""
        if credit and credit not in text:
            text = f"{text} ({credit})".strip()
        alt = normalize_space(img.attributes.get("alt") or "") or None
        self._add(Block(BlockKind.IMAGE, text, src=src, alt=alt, role=None, credit=credit))

    def figure(self, node: LexborNode) -> bool:
        imgs = node.css("img")
        if not imgs:
            return False
        caption = node.css_first("figcaption")
        if caption is None:
            for n in node.css("[class]"):
                if ROLE_CAPTION.search(_classes(n)) and n.css_first("img") is None:
                    caption = n
                    break
        self.image(imgs[0], caption)
        return True

    def handle(self, node: LexborNode, frame: _Frame, stack: list[_Frame]) -> None:
        tag = node.tag
        own = _role_of(node)
        if own is not None and len(node.text()) > ROLE_MAX_CHARS.get(own, 400):
            own = None  # a wrapper whose class merely mentions "author", "type", "date" ...
        role = own or frame.role
        if node.mem_id == self.title_id:
            for t in node.css("time"):  # "<time>Jun 17</time> Headline": the date is no title
                if stamp := t.attributes.get("datetime"):
                    self.stated_dates.append(stamp)
                if normalize_space(t.text()) != normalize_space(node.text()):
                    t.decompose()
            self._add(
                Block(BlockKind.HEADING, normalize_space(node.text()), level=1, role=Role.TITLE)
            )
            self.title_seen = True
            return
        if tag in HEADING_LEVELS:
            text = normalize_space(node.text().replace(BR, " "))
            if role is None and (TAG_LINE.match(text) or _is_teaser_heading(node, text)):
                self.dropped_links += 1
                return
            h_role = Role.TAKEAWAYS_HEADING if TAKEAWAYS_HEADING.match(text) else None
            if role in {Role.SUBTITLE, Role.KICKER, Role.BYLINE, Role.DATELINE} and len(text) < 400:
                h_role = role
            elif role is None and len(text.split()) >= 12 and text.endswith((".", "!", "”")):
                # A sentence set as a heading (a lede in <h4>) is prose, not a section title.
                self._add(Block(BlockKind.PARAGRAPH, text))
                return
            self._add(Block(BlockKind.HEADING, text, level=HEADING_LEVELS[tag], role=h_role))
            return
        if tag == "img":
            self.image(node)
            return
        if tag == "figure" or (
            tag == "div" and ROLE_CAPTION.search(_classes(node)) and len(node.css("img")) == 1
        ):
            if self.figure(node):
                return
        if tag == "blockquote" or (tag in {"aside", "div", "figure"} and _is_pull_quote(node)):
            parts = [normalize_space(p.text().replace(BR, " ")) for p in node.css("p")]
            text = " ".join(p for p in parts if p) or normalize_space(node.text().replace(BR, " "))
            self._add(Block(BlockKind.QUOTE, text, role=None if role == Role.KICKER else role))
            return
        if tag in {"hr", "br"}:
            return
        if (tag == "figcaption" or _is_credit(_classes(node))) and self._caption_alone(node, tag):
            return
        if own in {Role.BYLINE, Role.DATELINE} and self._in_teaser(node):
            return  # the byline or date of a teaser card for another story
        if role in {Role.BYLINE, Role.DATELINE, Role.BIO}:
            text = self._role_text(node, role)
            if text:
                self._add(Block(BlockKind.PARAGRAPH, text, role=role))
            for block in self.pending:
                self._add(block)
            self.pending.clear()
            return
        if tag == "p" or tag == "pre" or tag == "dt" or tag == "dd":
            if node.mem_id in self.has_blocks:  # an <img> inside the paragraph
                for img in node.css("img"):
                    self.image(img)
            if role is None and node.mem_id in self.has_links and _is_link_teaser(node):
                self.dropped_links += 1
                return
            kind = BlockKind.LIST_ITEM if frame.in_item else BlockKind.PARAGRAPH
            raw = node.text()
            texts = [normalize_space(raw.replace(BR, " "))] if role else self._text_blocks(raw)
            if role is None and not frame.in_item and len(texts) == 1 and _all_bold(node, texts[0]):
                self._add(Block(BlockKind.HEADING, texts[0], level=BOLD_HEADING_LEVEL))
                return
            for text in texts:
                self._add(Block(kind, text, level=frame.list_depth, role=role))
            return
        if tag in {"ul", "ol"} and _is_link_list(node):
            return
        depth = frame.list_depth + (1 if tag in {"ul", "ol"} else 0)
        in_item = frame.in_item or tag == "li"
        child_frame = _Frame(node, node.iter(include_text=True), role, depth, in_item)
        stack.append(child_frame)

    def _in_teaser(self, node: LexborNode) -> bool:
        """Whether ``node`` sits in a teaser card: a nested <article>, a list item or a "teaser" /
        "card" element (below the article's own container, away from its headline) that links to
        another story with a headline-length link."""
        parent = node.parent
        for _ in range(8):
            if parent is None or parent.mem_id in self.stop_ids:
                return False
            marked = TEASER_CLASS.search(_classes(parent))
            if marked and marked.group(0).lower().lstrip(" _-").startswith("teaser"):
                return True  # named a teaser: another story's card, linked or not
            if parent.tag in {"article", "li"} or marked:
                for link in parent.css("a[href]"):
                    href = link.attributes.get("href") or "#"
                    if not href.startswith("#") and len(normalize_space(link.text())) >= 25:
                        return True
            parent = parent.parent
        return False

    def _credit_last_image(self, text: str) -> None:
        image = self.blocks[-1] if self.blocks else None
        if image is not None and image.kind is BlockKind.IMAGE and image.credit is None:
            image.credit = CREDIT_PREFIX.sub("", PHOTO_BY.sub("", text)).strip(" ()[]") or None
            image.text = f"{image.text} ({image.credit})".strip()

    def _caption_alone(self, node: LexborNode, tag: str) -> bool:
        """A caption or credit outside a <figure>: it belongs to the image just before it.

        A credit ("Getty Images") with no image to go to is dropped, never a paragraph.
        """
        text = normalize_space(node.text().replace(BR, " "))
        if not text or len(text) > 300 or tag == "p":
            return False  # a paragraph ("Additional reporting by ...") is the article's own line
        for inner in node.css("p,div,li,figure,table,img"):
            if inner.mem_id != node.mem_id and (
                inner.tag != "img" or not _is_junk_image(inner, _image_src(inner) or "")
            ):
                return False
        credit = tag != "figcaption" or bool(ROLE_CREDIT.search(_classes(node)))
        if credit and len(text) > 150:
            return False
        image = self.blocks[-1] if self.blocks else None
        if image is not None and image.kind is BlockKind.IMAGE:
            if credit and image.credit is None:
                image.credit = CREDIT_PREFIX.sub("", text).strip(" ()[]") or None
                image.text = f"{image.text} ({image.credit})".strip()
                return True
            if not credit and not image.text:
                image.text = text
                return True
        return credit

    def _role_text(self, node: LexborNode, role: str) -> str:
        if role == Role.DATELINE:
            for t in node.css("time[datetime]") if node.tag != "time" else [node]:
                if not _is_update(t):
                    self.stated_dates.append(t.attributes.get("datetime") or "")
        if role == Role.BYLINE:
            self._split_dates_from_byline(node)
            text = _spaced_text(node)
            names = [
                normalize_space(a.text())
                for a in node.css("a[rel~=author],[itemprop=author] [itemprop=name],a[href],li")
            ]
            names = [n for n in dict.fromkeys(names) if looks_like_person(n)]
            rest = text
            for name in names:
                rest = rest.replace(name, " ")
            # Linked names beside job titles or run together: rebuild "By A, B and C".
            glued = len(names) >= 2 and not re.search(r",|\band\b|&", text)
            if names and (glued or NOT_PERSON_WORDS.search(rest) or re.search(r"\d", rest)):
                return "By " + (
                    names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
                )
            return text
        if role == Role.BIO:
            parts = [normalize_space(p.text().replace(BR, " ")) for p in node.css("p")]
            parts = [p for p in parts if p]
            if parts:
                return " ".join(parts)
        return _spaced_text(node)

    def _split_dates_from_byline(self, node: LexborNode) -> None:
        """'By Jane Doe <time>May 2, 2025</time>' -> a byline block and a dateline block."""
        for t in node.css("time"):
            target = t
            while (parent := target.parent) is not None and parent.mem_id != node.mem_id:
                if len(parent.text()) > 80:
                    break
                target = parent
            if not _is_update(t) and (stamp := t.attributes.get("datetime")):
                self.stated_dates.append(stamp)
            text = _spaced_text(target)
            target.decompose()
            if text:
                self.pending.append(Block(BlockKind.PARAGRAPH, text, role=Role.DATELINE))

    def run(self, start: LexborNode) -> None:
        self.stop_ids = {start.mem_id} | self.title_line
        self.has_blocks = _elements_holding(start, BLOCK_SELECTOR + ",img")
        self.has_links = _elements_holding(start, "a")
        stack: list[_Frame] = []
        self.handle(start, _Frame(start, iter(())), stack)
        while stack:
            frame = stack[-1]
            child = next(frame.children, None)
            if child is None:
                self.flush(frame)
                stack.pop()
                continue
            if child.is_text_node:
                frame.buffer.append(child.text_content or "")
                continue
            tag = child.tag
            if tag is None or tag.startswith("-") or child.is_comment_node:
                continue
            if child.mem_id == self.title_id:
                self.flush(frame)
                self.handle(child, frame, stack)
                continue
            if tag in INLINE_TAGS and child.mem_id not in self.has_blocks:
                # A <time> or a "byline"/"date" span among a container's inline children is a
                # metadata block of its own, not part of a paragraph.
                child_role = _role_of(child) if frame.role is None else None
                if child_role == Role.KICKER:
                    label = PUBLICATION_TYPES.get(normalize_space(child.text()).lower())
                    if label:  # "<span class=content-type>Commentary</span> · 15 Jan 2025"
                        self.kickers.append(label)
                        continue
                if frame.role is None and (tag == "time" or child_role in SPAN_ROLES):
                    self.flush(frame)
                    self.handle(child, frame, stack)
                else:
                    text = child.text()
                    frame.buffer.append(text)
                    bold = [child] if tag in {"b", "strong"} else []
                    if not bold and child.child is not None:
                        bold = child.css("b,strong")
                    for b in bold:
                        frame.bold.add(normalize_space(b.text().replace(BR, " ")))
                continue
            self.flush(frame)
            self.handle(child, frame, stack)


SPAN_ROLES = {Role.BYLINE, Role.DATELINE, Role.BIO, Role.SUBTITLE}
UPDATE_WORDS = re.compile(r"updat|modif|revis|edited", re.I)


def _is_update(time_node: LexborNode) -> bool:
    """A <time> that states when the page changed, not when it was published."""
    attrs = time_node.attributes
    if UPDATE_WORDS.search(f"{_classes(time_node)} {attrs.get('itemprop') or ''}"):
        return True
    parent = time_node.parent
    if parent is not None and len(parent.text()) < 80:
        before = parent.text().split(time_node.text())[0] if time_node.text() else ""
        return bool(UPDATE_WORDS.search(f"{before} {_classes(parent)}"))
    return False


ROLE_MAX_CHARS = {
    Role.BIO: 2500,
    Role.BYLINE: 400,
    Role.DATELINE: 200,
    Role.SUBTITLE: 600,
    Role.KICKER: 80,
}


def _spaced_text(node: LexborNode) -> str:
    """Text of a small metadata element whose parts are separate elements ("Jane Doe" "May 2")."""
    text = normalize_space(node.text(separator=" ").replace(BR, " "))
    return re.sub(r"\s+([,.;:!?)])", r"\1", text).replace("( ", "(")


def _elements_holding(start: LexborNode, selector: str) -> set[int]:
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


def _is_pull_quote(node: LexborNode) -> bool:
    return bool(re.search(_C + r"(pull-?quote|blockquote|quote(?=$|[\s_-]))", _classes(node), re.I))


BOLD_HEADING_LEVEL = 3


def _is_heading_like(text: str) -> bool:
    """A short line with no closing punctuation: a subheading set in bold, not a sentence."""
    return len(text) <= 120 and not text.endswith((".", ",", ";", ":", "!", "?", "”", '"'))


def _all_bold(node: LexborNode, text: str) -> bool:
    if not _is_heading_like(text) or node.css_first("b,strong") is None:
        return False
    bold = " ".join(normalize_space(b.text().replace(BR, " ")) for b in node.css("b,strong"))
    return len(bold) >= len(text)


def _is_link_teaser(node: LexborNode) -> bool:
    """'Read more: <a>Another article</a>': a paragraph that is mostly one link."""
    if node.css_first("a") is None:
        return False
    text = normalize_space(node.text())
    if not text or len(text) > 300:
        return False
    link_text = sum(len(normalize_space(a.text())) for a in node.css("a"))
    return link_text >= 0.7 * len(text)


def _is_teaser_heading(node: LexborNode, text: str) -> bool:
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
    return len(normalize_space(link.text())) >= 0.9 * len(text)


def _is_link_list(node: LexborNode) -> bool:
    """A list whose items are all links: related reading, topics, share targets."""
    items = node.css("li")
    if not items:
        return False
    linked = 0
    for li in items:
        text = normalize_space(li.text())
        link_text = sum(len(normalize_space(a.text())) for a in li.css("a"))
        if text and link_text >= 0.8 * len(text):
            linked += 1
    return linked == len(items) and len(items) >= 2


def _drop_empty_headings(blocks: list[Block]) -> list[Block]:
    """A plain heading with nothing under it (its related-links list was dropped) goes too."""
    out: list[Block] = []
    for i, block in enumerate(blocks):
        if block.kind is BlockKind.HEADING and block.role is None:
            nxt = next((b for b in blocks[i + 1 :] if b.role != Role.BIO), None)
            if nxt is None or (nxt.kind is BlockKind.HEADING and nxt.level <= block.level):
                continue
        out.append(block)
    return out


def _merge_bylines(blocks: list[Block]) -> list[Block]:
    """Consecutive byline pieces ("Jane Doe" "John Roe") become one "By Jane Doe and John Roe"."""
    out: list[Block] = []
    for block in blocks:
        prev = out[-1] if out else None
        if prev is not None and block.role == prev.role == Role.BYLINE:
            names = split_people(prev.text) + split_people(block.text)
            if names and all(looks_like_person(n) for n in names):
                names = list(dict.fromkeys(names))
                prev.text = "By " + (
                    names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
                )
                continue
        if (
            prev is not None
            and block.role == prev.role == Role.DATELINE
            and block.text == prev.text
        ):
            continue
        out.append(block)
    return out


# --------------------------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------------------------


def html_to_blocks(text: str) -> tuple[list[Block], MarkupHints, list[str]]:
    """Parse one page; return the article's blocks in reading order, markup hints, warnings."""
    warnings: list[str] = []
    text = text.replace(BR, "")
    text, flattened = limit_nesting(text)
    if flattened:
        warnings.append(f"html_nesting_flattened: elements deeper than {MAX_BLOCK_DEPTH} levels")
    tree = LexborHTMLParser(text)
    page = _read_page_meta(tree)
    hints = _hints_from_meta(page)
    body = tree.body
    if body is None:
        return [], _finish_hints(hints, page, []), warnings
    early_date = _marked_publication_time(body)
    removed = _remove_chrome(tree, body)
    for ref in body.css("sup a[href^='#'],a[role=doc-noteref]"):
        # Footnote markers ("asylum.<sup>1</sup>") would glue digits to the sentence.
        marker = ref.parent if ref.parent is not None and ref.parent.tag == "sup" else ref
        if len(marker.text().strip()) <= 5 and marker.parent is not None:
            marker.decompose()
    for br in body.css("br"):
        br.replace_with(BR)
    root = _find_root(body)
    if root is None:
        warnings.append("no_article: the page has no article text")
        if removed:
            warnings.append("chrome_removed: " + ", ".join(sorted(removed)))
        return [], _finish_hints(hints, page, []), warnings

    title = _pick_title(body, root, hints)
    emitter = _Emitter(title.mem_id if title is not None else None, warnings)
    if title is not None:
        emitter.title_line = _ancestor_ids(title) | {title.mem_id}
    if (
        title is not None
        and root.mem_id not in _ancestor_ids(title)
        and title.mem_id != root.mem_id
    ):
        zone = _header_zone(title, root)
        if sum(len(node.text()) for node in zone) <= 3000:
            for node in zone:
                emitter.run(node)
        else:
            emitter.run(title)
    if not any(b.role == Role.SUBTITLE for b in emitter.blocks):
        for dek in _leading_dek(root):
            emitter.run(dek)  # "<div class=vorspann>" just before the body's container
    emitter.run(root)
    for bio in _trailing_bios(root):
        emitter.run(bio)
    if not any(b.role == Role.BYLINE for b in emitter.blocks):
        for meta in _trailing_bios(root, roles=(Role.BYLINE,), levels=2, max_chars=200):
            emitter.run(meta)  # Blogger's "post-footer": "Posted by NAME" after the post body
    if not hints.authors and not any(b.role == Role.BYLINE for b in emitter.blocks):
        if (byline := _page_byline(body, emitter)) is not None:
            emitter.run(byline)  # "<div class=navbyline> / <span class=author>" beside the post
    blocks = _drop_empty_headings(_merge_bylines(emitter.blocks))
    # The headline leads even when the page prints its byline or date above it.
    title_at = next((i for i, b in enumerate(blocks) if b.role == Role.TITLE), 0)
    if title_at:
        blocks.insert(0, blocks.pop(title_at))
    _mark_header_subtitle(blocks)
    if emitter.dropped_links:
        removed.add("link teasers")
    if removed:
        warnings.append("chrome_removed: " + ", ".join(sorted(removed)))
    hints = _finish_hints(hints, page, blocks, emitter)
    if not (hints.authors and hints.published):
        box_authors, box_date = _fact_box(body)
        hints.authors = hints.authors or box_authors
        hints.published = hints.published or box_date
    hints.published = hints.published or early_date or _page_date(body, emitter)
    return blocks, hints, warnings


FACT_LABEL = re.compile(
    r"^(?:(?P<author>authors?|autor(?:in|en)?|auteur(?:e|s)?|written by)|"
    r"(?P<date>date|datum|published|publication date|veröffentlicht|publié le))\s*:?$",
    re.I,
)


def _fact_box(body: LexborNode) -> tuple[list[str], str | None]:
    """Author and date from a fact box of label/value pairs anywhere on the page.

    "<li><strong>Author</strong> Jane Doe</li>", "<dt>Date</dt><dd>19.01.2020</dd>": news sites
    print these beside the article, outside its text container.
    """
    authors: list[str] = []
    published: str | None = None
    for label in body.css("li > strong,li > b,dt,th")[:300]:
        m = FACT_LABEL.match(normalize_space(label.text()))
        if m is None:
            continue
        if label.tag in {"dt", "th"}:
            value_node = label.next
            while value_node is not None and not value_node.is_element_node:
                value_node = value_node.next
            value = normalize_space(value_node.text()) if value_node is not None else ""
        else:
            whole = normalize_space(label.parent.text()) if label.parent is not None else ""
            value = whole[len(normalize_space(label.text())) :].strip(" :")
        if m["author"] and not authors:
            people = split_people(value)
            if people and all(looks_like_person(p) for p in people):
                authors = people
        elif m["date"] and published is None:
            published = parse_date(value)
    return authors, published


PUBLISHED_MARK = re.compile(r"publish|entry-date|posted-on|post-date|pubdate", re.I)


def _marked_publication_time(body: LexborNode) -> str | None:
    """The first <time> the markup marks as the publication date, read before chrome removal.

    WordPress themes print it in the article's own <footer> ("posted-on", "entry-date
    published"), which goes with the footers; this is the fallback when nothing else states it.
    """
    for t in body.css("time[datetime]")[:50]:
        parent = t.parent
        marks = f"{_classes(t)} {_classes(parent) if parent is not None else ''}"
        itemprop = (t.attributes.get("itemprop") or "").lower()
        if (itemprop == "datepublished" or PUBLISHED_MARK.search(marks)) and not _is_update(t):
            if found := parse_date(t.attributes.get("datetime")):
                return found
    return None


def _trailing_bios(
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
                    if _role_of(el) in roles and len(el.text()) <= max_chars:
                        if not any(f.mem_id in _ancestor_ids(el) for f in found):
                            found.append(el)
            sibling = sibling.next
        node = parent
    return found


def _page_byline(body: LexborNode, emitter: _Emitter) -> LexborNode | None:
    """The first element on the page marked as a byline that names a person (not in a teaser).

    Used only when neither the markup's meta nor the article's own zone names an author.
    """
    emitter.stop_ids = set(emitter.title_line) | {body.mem_id}
    for node in body.css("[class*=author i],[class*=byline i],[rel~=author]")[:20]:
        if _role_of(node) != Role.BYLINE or len(node.text()) > 100 or emitter._in_teaser(node):
            continue
        people = split_people(normalize_space(node.text()))
        if people and all(looks_like_person(p) for p in people):
            return node
    return None


def _page_date(body: LexborNode, emitter: _Emitter) -> str | None:
    """The first date-marked element on the page (Blogger's "date-header" above the post)."""
    emitter.stop_ids = set(emitter.title_line) | {body.mem_id}
    for node in body.css("[class*=date i],[class*=posted i],[class*=publish i]")[:20]:
        if _role_of(node) != Role.DATELINE or len(node.text()) > 100 or emitter._in_teaser(node):
            continue
        if _is_update(node):
            continue
        if found := parse_date(node.attributes.get("datetime") or normalize_space(node.text())):
            return found
    return None


def _leading_dek(root: LexborNode) -> list[LexborNode]:
    """A standfirst the markup names, among the two elements right before the body container."""
    sibling, seen = root.prev, 0
    while sibling is not None and seen < 2:
        if sibling.is_element_node:
            seen += 1
            if (
                _role_of(sibling) == Role.SUBTITLE
                and len(sibling.text()) <= ROLE_MAX_CHARS[Role.SUBTITLE]
            ):
                return [sibling]
        sibling = sibling.prev
    return []


def _header_zone(title: LexborNode, root: LexborNode) -> list[LexborNode]:
    """The headline's branch and its siblings up to the article body's branch (dek, byline)."""
    root_line = _ancestor_ids(root) | {root.mem_id}
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


def _mark_header_subtitle(blocks: list[Block]) -> None:
    """A short plain paragraph right under the headline, before any byline/body, is its dek."""
    for i, block in enumerate(blocks):
        if block.role == Role.TITLE:
            for nxt in blocks[i + 1 : i + 2]:
                if nxt.role is None and nxt.kind is BlockKind.HEADING and nxt.level == 2:
                    break
                if (
                    nxt.role is None
                    and nxt.kind is BlockKind.PARAGRAPH
                    and 40 <= len(nxt.text) <= 300
                    and i + 2 < len(blocks)
                    and blocks[i + 2].role in {Role.BYLINE, Role.DATELINE}
                ):
                    nxt.role = Role.SUBTITLE
            return


LD_TYPES = {  # schema.org types that name a publication type outright
    "report": "Report",
    "analysisnewsarticle": "Analysis",
    "opinionnewsarticle": "Opinion",
    "reviewnewsarticle": "Review",
    "backgroundnewsarticle": "Backgrounder",
    "scholarlyarticle": "Research Paper",
}


def _finish_hints(
    hints: MarkupHints,
    page: _PageMeta,
    blocks: list[Block],
    emitter: _Emitter | None = None,
) -> MarkupHints:
    """Complete the meta-tag hints with what the visible page states (headline, byline, date)."""
    site_names = [hints.site_name or "", *_site_names_from_url(hints.canonical_url)]
    headline = next((b.text for b in blocks if b.role == Role.TITLE), None)
    stated = strip_site_name(hints.title, site_names, headline) if hints.title else None
    if not hints.site_name and stated and hints.title and hints.title.startswith(stated):
        rest = TITLE_SEPARATOR.sub("", hints.title[len(stated) :], count=1).strip()
        if rest and len(rest.split()) <= 6 and rest != hints.title[len(stated) :].strip():
            hints.site_name = rest
    if headline and (not stated or _similar(headline, stated) or len(headline.split()) >= 3):
        if stated and _norm_key(stated) == _norm_key(headline) and len(stated) > len(headline):
            # "<span>Kicker</span><span>Headline</span>": the stated title keeps the colon.
            headline = stated
            next(b for b in blocks if b.role == Role.TITLE).text = stated
        hints.title = headline
    else:
        hints.title = stated
    hints.subtitle = next((b.text for b in blocks if b.role == Role.SUBTITLE), None)
    if not hints.authors:
        for block in blocks:
            if block.role == Role.BYLINE:
                people = [p for p in split_people(block.text) if looks_like_person(p)]
                if people:
                    hints.authors = people
                    break
    if not hints.published and emitter is not None:
        candidates = list(emitter.stated_dates)
        candidates += [
            b.text
            for b in blocks
            if b.role in {Role.DATELINE, Role.BYLINE}
            and not re.search(r"updated|modified|revised", b.text, re.I)
        ]
        hints.published = next(filter(None, map(parse_date, candidates)), None)
    for kicker in emitter.kickers if emitter is not None else ():
        label = PUBLICATION_TYPES.get(normalize_space(kicker).lower().rstrip(":"))
        if label:
            hints.publication_type = label
            break
    if not hints.publication_type and page.article_ld:
        types = _types(page.article_ld)
        hints.publication_type = next((LD_TYPES[t] for t in LD_TYPES if t in types), None)
    return hints

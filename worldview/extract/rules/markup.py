"""What HTML markup says about a block or a page: the elements, the class words that name a
block's role (bio, byline, dateline, subtitle, caption, credit, kicker), image junk, publication
types, the meta and JSON-LD keys that state metadata, titles and site names.

Class-word patterns match at the start of a dash/underscore/space separated component
(``CLASS_WORD``): "author" matches "author-name" and "post_author" but not "coauthor".
"""

from __future__ import annotations

import re

from worldview.document import Role
from worldview.extract.rules.scripts import FULL_WIDTH_SENTENCE_END

CLASS_WORD = r"(?:^|[\s_-])"


def class_words(*tokens: str) -> re.Pattern[str]:
    """One pattern for a concept's class words, each matched at the start of a component."""
    return re.compile(CLASS_WORD + "(" + "|".join(tokens) + ")", re.I)


# --- elements ---------------------------------------------------------------------------------

INLINE_TAGS = frozenset(
    "a abbr b bdi bdo big cite code data del dfn em font i ins kbd mark nobr q s samp small span "
    "strike strong sub sup time tt u var wbr label -text".split()
)
HEADING_LEVELS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
SUBHEADINGS = frozenset({"h2", "h3", "h4", "h5", "h6"})
BLOCK_SELECTOR = "p,div,section,article,ul,ol,li,h1,h2,h3,h4,h5,h6,blockquote,figure,table,dl,pre"
PARAGRAPH_TAGS = frozenset({"p", "pre", "dt", "dd"})
LIST_TAGS = frozenset({"ul", "ol"})
BOLD_HEADING_LEVEL = 3  # a line set wholly in bold reads as a subheading of this level

# --- a block's role, from its class words and itemprop ----------------------------------------

ROLE_BIO = class_words(
    r"bio(?:s|graphy)?(?=$|[\s_-])",
    "about-(?:the-)?authors?",
    "author-?(?:bio|box|info|details|description|about|profile|card)",
)
ROLE_BYLINE = class_words(
    r"by-?line",
    r"authors?(?=$|[\s_-])",
    "author-?(?:name|list|s-list|links?)",
    r"contributors?(?=$|[\s_-])",
    r"writers?(?=$|[\s_-])",
    "(?:article|post|entry|story)-?authors?",
    r"creators?(?=$|[\s_-])",
    r"autor(?:en|in)?(?=$|[\s_-])",
    r"auteurs?(?=$|[\s_-])",
)
ROLE_DATELINE = class_words(
    r"date(?:line)?(?=$|[\s_-])",
    "pubdate",
    "pub-date",
    r"publish(?:ed)?(?:-?(?:date|on|at))?(?=$|[\s_-])",
    "(?:post|entry|article|story)-?date",
    "timestamp",
    "posted-?on",
    r"time(?=$|\s)",
)
ROLE_SUBTITLE = class_words(
    r"dek(?=$|[\s_-])",
    r"deck(?=$|[\s_-])",
    "standfirst",
    "sub-?title",
    "sub-?headline",
    "strapline",
    r"sub-?head(?=$|[\s_-])",
    "article-?summary",
    "summary-?text",
    "lead-?in",
    "teaser-?text",
    "(?:article|entry|page|post|hero)-?(?:excerpt|description|intro|lede)",
    r"lede(?=$|[\s_-])",
    "vorspann",
    "chapo",
    "chapeau",
)
ROLE_CAPTION = class_words("caption", "figcaption", "wp-caption-text", "image-?desc")
ROLE_CREDIT = class_words(
    "credit", "copyright", "photographer", "attribution", "image-?source", "photo-?source"
)
ROLE_KICKER = class_words(
    "eyebrow",
    "kicker",
    "overline",
    "content-?type",
    "article-?type",
    "post-?type",
    r"type(?=$|[\s_-])",
    r"format(?=$|[\s_-])",
    r"label(?=$|[\s_-])",
    "category",
    "section-?name",
)
# First match wins: a "byline-date" element is a byline.
CLASS_ROLES = (
    (ROLE_BIO, Role.BIO),
    (ROLE_BYLINE, Role.BYLINE),
    (ROLE_DATELINE, Role.DATELINE),
    (ROLE_SUBTITLE, Role.SUBTITLE),
    (ROLE_KICKER, Role.KICKER),
)
ITEMPROP_ROLES = {
    "author": Role.BYLINE,
    "creator": Role.BYLINE,
    "datepublished": Role.DATELINE,
    "datecreated": Role.DATELINE,
    "description": Role.SUBTITLE,
    "alternativeheadline": Role.SUBTITLE,
}
# Longer than this, an element whose class names a role is a wrapper that merely mentions
# "author", "type" or "date".
ROLE_MAX_CHARS = {
    Role.BIO: 2500,
    Role.BYLINE: 400,
    Role.DATELINE: 200,
    Role.SUBTITLE: 600,
    Role.KICKER: 80,
}
# Inline elements whose role makes them a block of their own inside a paragraph's container.
SPAN_ROLES = frozenset({Role.BYLINE, Role.DATELINE, Role.BIO, Role.SUBTITLE})
PULL_QUOTE = class_words("pull-?quote", "blockquote", r"quote(?=$|[\s_-])")
# Teaser cards for other stories (a card's byline and date are not the article's).
TEASER_CLASS = re.compile(
    CLASS_WORD + r"(teasers?|cards?|tiles?|promos?)(?=$|[\s_-]|(?-i:[A-Z]))|[a-z](?-i:Teaser)", re.I
)
# The article body's own container, on pages whose <p> text does not locate it.
BODY_MARKER = class_words(
    r"(?:entry|post|article|story|blog)[-_]*(?:content|body|text)(?=$|[\s_-])", "articlebody"
)
HEADLINE_SELECTOR = "[itemprop=headline],[class*=title i],[class*=headline i]"

# --- dates in markup --------------------------------------------------------------------------

PUBLISHED_MARK = re.compile(r"publish|entry-date|posted-on|post-date|pubdate", re.I)
# A <time> that states when the page changed (its classes, itemprop or the words before it).
UPDATE_WORDS = re.compile(r"updat|modif|revis|edited", re.I)
# Meta values can be junk ("0001-01-01"): dates outside this window are not stated dates.
FIRST_PLAUSIBLE_YEAR = 1990

# --- images, captions and credits -------------------------------------------------------------

IMAGE_JUNK = re.compile(
    r"(logo|icon|avatar|sprite|pixel|spacer|headshot|emoji|badge|gravatar)", re.I
)
JUNK_IMAGE_MAX_PX = 60  # a width or height this small is an icon or a tracking pixel
LAZY_SRC_ATTRIBUTES = ("data-src", "data-lazy-src", "data-original", "data-srcset", "srcset")
PHOTO_BY = re.compile(
    r"^\s*(?:photo(?:graph)?s?|images?|pictures?|illustrations?|video|graphics?)\s+"
    r"(?:by|credit)\b[\s:]*",
    re.I,
)
CREDIT_PREFIX = re.compile(
    r"^\s*[(\[]?\s*(?:photo(?:graph)?s?|image|picture|credit|source|foto)?\s*(?:credit)?\s*"
    r"(?:[:|/]|by\b)?\s*©?\s*",
    re.I,
)
CAPTION_MAX_CHARS = 300  # a caption outside a <figure>
CREDIT_MAX_CHARS = 150

# --- publication types ------------------------------------------------------------------------

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
        "Research Article", "Research Note",
    )
}  # fmt: skip
LD_PUBLICATION_TYPES = {  # schema.org types that name a publication type outright
    "report": "Report",
    "analysisnewsarticle": "Analysis",
    "opinionnewsarticle": "Opinion",
    "reviewnewsarticle": "Review",
    "backgroundnewsarticle": "Backgrounder",
    "scholarlyarticle": "Research Paper",
}

# --- meta tags and JSON-LD --------------------------------------------------------------------

ARTICLE_TYPES = {
    "article", "newsarticle", "report", "blogposting", "analysisnewsarticle", "opinionnewsarticle",
    "reportagenewsarticle", "backgroundnewsarticle", "scholarlyarticle", "techarticle",
    "liveblogposting", "reviewnewsarticle", "socialmediaposting", "posting", "creativework",
}  # fmt: skip
PAGE_TYPES = {"webpage", "itempage"}  # an article's node when it has a headline
ORG_TYPES = {"organization", "newsmediaorganization", "corporation", "website", "brand"}
SITE_TYPES = {"website"}
SITE_NAME_KEYS = ("og:site_name", "application-name", "citation_publisher", "dc.publisher")
URL_KEYS = ("og:url",)
LANGUAGE_KEYS = ("content-language", "og:locale", "dc.language")
TITLE_KEYS = ("og:title", "twitter:title", "citation_title", "dc.title", "parsely-title", "title")
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
LAST_FIRST_AUTHOR_KEYS = {"citation_author"}  # "Smith, John"

# --- titles and site names --------------------------------------------------------------------

TITLE_SEPARATOR = re.compile(r"\s+(?:[|–—·•»:]{1,2}|-{1,2})\s+|\s*\|\s*")
DATE_PART = re.compile(r"^[\d./-]{6,10}$")  # "Headline | 2024-08-09"
PREFIX_SEPARATORS = {"::", "|", "»", "»»", "||"}  # "Site :: Headline"
HOST_WORDS = {"www", "com", "org", "net", "edu", "gov"}  # not a site's name in its host

# --- people -----------------------------------------------------------------------------------


# --- label lines ------------------------------------------------------------------------------

TAG_LINE = re.compile(r"^(?:tagged|tags?|topics?|categor(?:y|ies)|filed under)\s*:", re.I)
# The label of a fact box's label/value pair: "<dt>Date</dt><dd>19.01.2020</dd>".
FACT_LABEL = re.compile(
    r"^(?:(?P<author>authors?|autor(?:in|en)?|auteur(?:e|s)?|written by)|"
    r"(?P<date>date|datum|published|publication date|veröffentlicht|publié le))\s*:?$",
    re.I,
)
SENTENCE_END = (".", "!", "?", "”", '"', ":", *FULL_WIDTH_SENTENCE_END, "：")

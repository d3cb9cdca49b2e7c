"""Site chrome: the elements, ARIA roles and class/id words that mark what is never article text.

One token group per concept. The concept's name is the label the warnings print
("chrome_removed: cookie banner, share buttons"), so a word added to a group is reported under
that group's name. A token is a regex fragment matched at the start of a class/id component
(``markup.CLASS_WORD``): "share" matches "share-bar" and "social-share" but not "timeshare".

Strong words mark chrome wherever they appear in a class or id. Weak (layout) words count only as
a whole class token, its first component or its last one ("sidebar-left", "main-nav"), never in
the middle of a layout class such as "l-sidebar-fixed", nor as the prefix of a longer word
("navbyline"); both are guarded by the size of the element against the page (page wrappers carry
unlucky classes such as "has-sidebar").
"""

from __future__ import annotations

import re
from enum import StrEnum

from worldview.extract.rules.markup import CLASS_WORD


class Chrome(StrEnum):
    """A concept of site chrome. Its value names its group in the patterns below; its label is
    what the warnings print."""

    COOKIE_BANNER = "cookie_banner"
    NEWSLETTER_PROMPT = "newsletter_prompt"
    SHARE_BUTTONS = "share_buttons"
    RELATED_LINKS = "related_links"
    COMMENTS = "comments"
    BREADCRUMBS = "breadcrumbs"
    ADS = "ads"
    POPUPS = "popups"
    NAVIGATION = "navigation"
    HIDDEN_ELEMENTS = "hidden_elements"
    EMBEDS = "embeds"
    TAGS = "tags"
    TOOLBARS = "toolbars"
    OTHER_CHROME = "other_chrome"
    HEADER = "header"
    FOOTER = "footer"
    SIDEBAR = "sidebar"
    FORMS = "forms"
    LINK_TEASERS = "link_teasers"  # paragraphs and headings that only link to other stories

    @property
    def label(self) -> str:
        """The concept's name in words: "share_buttons" -> "share buttons"."""
        return self.value.replace("_", " ")


# --- never text -------------------------------------------------------------------------------

NEVER_TEXT_TAGS = [
    "script", "style", "noscript", "template", "svg", "math", "canvas", "iframe", "object",
    "embed", "video", "audio", "source", "track", "map", "input", "select", "textarea", "button",
    "option", "link", "meta", "dialog", "head", "title",
]  # fmt: skip
HIDDEN_SELECTOR = (
    "[hidden],[aria-hidden=true],[style*='display:none' i],[style*='display: none' i]"
    ",[style*='visibility:hidden' i],[style*='visibility: hidden' i]"
)

# --- strong class/id words, one group per concept --------------------------------------------

COOKIE_BANNER = ("cookie", "consent", "gdpr", "cmp-", "onetrust")
NEWSLETTER_PROMPT = (
    "newsletter", "subscri(?:be|ption)", "signup", "sign-up", "paywall", "donate", "donation",
)  # fmt: skip
SHARE_BUTTONS = (
    "share", "sharing", "social(?!is)", "sociable", "addthis", "sharethis", "follow-us",
)  # fmt: skip
RELATED_LINKS = (
    "related",
    "recommend",
    "more-from",
    "read-next",
    "readnext",
    "popular",
    "trending",
)
COMMENTS = ("comments?(?!ary)", "disqus")
BREADCRUMBS = ("breadcrumbs?",)
ADS = (
    r"ads?(?=$|[\s_-])", "advert", "adsbygoogle", "dfp", "gpt-ad", "sponsor", "promo(?!t)",
    "taboola", "outbrain",
)  # fmt: skip
POPUPS = ("popup", "modal", "overlay")
NAVIGATION = (
    "skip-?(?:link|to)", "pagination", r"pager(?=$|[\s_-])", "subnav", "sub-nav", "mega-?menu",
)  # fmt: skip
HIDDEN_ELEMENTS = (
    "sr-only", "visually-?hidden", "screen-reader", r"hidden(?=$|\s)", r"d-none(?=$|\s)",
    "print-only", r"hidden-?print(?:-none)?(?=$|\s)",
)  # fmt: skip
EMBEDS = ("twitter-tweet", "instagram-media", "tiktok-embed")
# The last token of TAGS and of TOOLBARS, and OTHER_CHROME, keep the labels these words had when
# a second list gave the labels ("post-actions": tags, "entry-tags": toolbars, "most-read": none
# of them); moving them to their concepts changes the warnings of real pages.
TAGS = (
    r"tags(?=$|[\s_-])", r"tag(?=$|\s)", "tags?-?(?:list|links|cloud)", "tagcloud",
    "topics?-?list", "keywords", "post-?tags", r"topics(?=$|[\s_-])",
    r"categories(?=$|[\s_-])", "cat-links",
    "post-?(?:actions|tools)",
)  # fmt: skip
TOOLBARS = (
    "toolbar", r"tools(?=$|\s)", "utility", "syndication", r"reprints?(?=$|[\s_-])",
    "(?:article|entry|story)-?(?:actions|tools)", r"explore(?=$|[\s_-])",
    r"d-print(?:-none)?(?=$|\s)", r"no-print(?:-none)?(?=$|\s)",
    "(?:entry|article)-?tags",
)  # fmt: skip
OTHER_CHROME = (
    "most-read", "next-prev", "prev-next", r"dprint(?:-none)?(?=$|\s)",
    r"noprint(?:-none)?(?=$|\s)",
)  # fmt: skip

STRONG_CONCEPTS = {
    Chrome.COOKIE_BANNER: COOKIE_BANNER,
    Chrome.NEWSLETTER_PROMPT: NEWSLETTER_PROMPT,
    Chrome.SHARE_BUTTONS: SHARE_BUTTONS,
    Chrome.RELATED_LINKS: RELATED_LINKS,
    Chrome.COMMENTS: COMMENTS,
    Chrome.BREADCRUMBS: BREADCRUMBS,
    Chrome.ADS: ADS,
    Chrome.POPUPS: POPUPS,
    Chrome.NAVIGATION: NAVIGATION,
    Chrome.HIDDEN_ELEMENTS: HIDDEN_ELEMENTS,
    Chrome.EMBEDS: EMBEDS,
    Chrome.TAGS: TAGS,
    Chrome.TOOLBARS: TOOLBARS,
    Chrome.OTHER_CHROME: OTHER_CHROME,
}

# Strong words that also decorate article containers ("has-share-bar", "print-friendly"): they get
# the size guard of weak words, where comments, related lists and ads do not.
MODIFIER_WORDS = (
    "share", "sharing", "social", "sociable", "tag", "tools", "utility", "print", "hidden",
    "paywall", "d-print", "hidden-print", "no-print", "noprint",
)  # fmt: skip
# Chrome words that also name the links of a byline ("author-social"): dropped inside the byline.
BYLINE_LINK_WORDS = ("tag", "social", "share")

# --- weak (layout) class/id words ------------------------------------------------------------

WEAK_CONCEPTS = {
    Chrome.NAVIGATION: (
        "nav", "navbar", "navigation", "nav-?links", "menus?", "menubar", "offcanvas",
        "off-canvas", "drawer", "top-?bar",
    ),
    Chrome.HEADER: ("header", "masthead", "site-?header", "banner", "site-?title", "logo"),
    Chrome.FOOTER: ("footer",),
    Chrome.SIDEBAR: (
        "sidebar", "side-bar", "widgets?", "rail", "aside", "secondary", "complementary",
    ),
}  # fmt: skip

# --- elements and ARIA roles ------------------------------------------------------------------

LANDMARK_SELECTOR = "nav,[role],aside,header,footer"
ROLE_CONCEPTS = {
    "navigation": Chrome.NAVIGATION, "search": Chrome.NAVIGATION, "menu": Chrome.NAVIGATION,
    "menubar": Chrome.NAVIGATION, "toolbar": Chrome.SHARE_BUTTONS, "dialog": Chrome.POPUPS,
    "alertdialog": Chrome.POPUPS, "banner": Chrome.HEADER, "contentinfo": Chrome.FOOTER,
    "complementary": Chrome.SIDEBAR,
}  # fmt: skip
# Asides that hold the article's own material (pull quotes, key points) stay.
KEEP_IN_ASIDE = re.compile(
    CLASS_WORD + r"(pull-?quote|quote|takeaway|key-?points?|highlights?|summary|tldr|at-a-glance)",
    re.I,
)

# --- thresholds -------------------------------------------------------------------------------

HIDDEN_MAX_SHARE = 0.5  # a hidden element holding half the page is a collapsed article, not chrome
FORM_WRAPPER_SHARE = 0.5  # a <form> holding more of the page's text wraps the page (ASP.NET)
# Of the page's text: above it a chrome word sits on a page wrapper ("has-sidebar").
HARD_MAX_SHARE = 0.85
SOFT_MAX_SHARE = 0.4  # modifier and weak words
PAYWALL_PROSE_CHARS = 80  # a "paywall" paragraph this long is gated article text
BYLINE_BAR_MAX_CHARS = 400  # a share bar this short may carry the post's byline
BYLINE_IN_BAR_MAX_CHARS = 200


def _concept_groups(concepts: dict[Chrome, tuple[str, ...]]) -> str:
    return "|".join(f"(?P<{name}>{'|'.join(tokens)})" for name, tokens in concepts.items())


def _plain(concepts: dict[Chrome, tuple[str, ...]]) -> str:
    return "|".join("|".join(tokens) for tokens in concepts.values())


CHROME_STRONG = re.compile(CLASS_WORD + f"(?:{_concept_groups(STRONG_CONCEPTS)})", re.I)
CHROME_WEAK = re.compile(
    rf"(?:(?:^|\s)|[_-](?=(?:{_plain(WEAK_CONCEPTS)})(?:$|\s)))"
    rf"(?:{_concept_groups(WEAK_CONCEPTS)})(?=$|[\s_-]|(?-i:[A-Z]))",
    re.I,
)


def matched_concept(match: re.Match[str]) -> Chrome:
    """The concept whose word a ``CHROME_STRONG`` or ``CHROME_WEAK`` match found."""
    if match.lastgroup is None:  # both patterns end in a concept's group: another pattern's match
        raise ValueError("not a CHROME_STRONG or CHROME_WEAK match")
    return Chrome(match.lastgroup)


def matched_word(match: re.Match[str]) -> str:
    return match[matched_concept(match)]

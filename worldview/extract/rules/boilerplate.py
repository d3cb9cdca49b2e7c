"""Boilerplate that survives as text: whole lines of interface text (share and subscription
prompts, print and download links, copyright and cookie lines), menus, reading times, and the
author-box links glued to a bio.
"""

from __future__ import annotations

import re

# --- interface text lines ---------------------------------------------------------------------

# A line that is one interface label and nothing else: "Advertisement", "Read more", "5 comments"
# (the HTML reader drops these while it reads, on lines shorter than INTERFACE_LABEL_MAX_CHARS).
INTERFACE_LABEL = re.compile(
    r"^(advertisement|advertising|sponsored|share( this( article| page| story)?)?|print|email|"
    r"e-?mail this|read more|continue reading|skip to (main )?content|related( articles| content)?"
    r"|tags?|topics?|follow us|sign up|subscribe( now)?|listen( to this article)?|loading\.*|"
    r"back to top|copy link|link copied|download( pdf)?|save|comments?|\d+ comments?|"
    r"see also|more on this topic|facebook|twitter|linkedin|whatsapp|x)\W*$",
    re.I,
)
INTERFACE_LABEL_MAX_CHARS = 40
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
TOOL_LINE_MAX_CHARS = 80

SHARE_TARGETS = r"facebook|twitter|x|linkedin|email|whatsapp|telegram|reddit|print"
# The buttons of a cookie banner, as a printed page or a flattened banner leaves them in a row:
# "Accept all Manage preferences", "OK, I agree No, thanks".
COOKIE_BUTTON = (
    r"(?:(?:accept|reject|allow|deny|decline)(?:\s+all)?(?:\s+cookies)?|"
    r"(?:manage|cookie)\s+(?:preferences|settings|options|cookies)|ok,?\s+i\s+agree|"
    r"i\s+(?:agree|accept)|no,?\s+thanks)"
)
# What a publishing platform (Substack, Ghost, Medium, WordPress) adds to every post: "Thanks
# for reading X! Subscribe for free to receive new posts and support my work.", "X is a
# reader-supported publication. To receive new posts ...", "Share this post", "Leave a comment".
PLATFORM_PROMPT = (
    r"thanks\s+for\s+reading\b.*\b(?:subscribe|support|share)\b.*|"
    r".{1,80}\bis\s+a\s+reader-supported\s+publication\b.*|"
    r"(?:to\s+receive\s+new\s+posts|get\s+(?:new\s+)?posts\s+(?:like\s+this\s+)?(?:delivered|in\s+your\s+inbox)).*|"
    r"(?:leave\s+a\s+comment|share\s+this\s+post|give\s+a\s+gift\s+subscription|upgrade\s+to\s+paid)"
)
# A whole block that is interface text, not article text (tested on short blocks only).
INTERFACE_TEXT = re.compile(
    r"^(?:share(?:\s+(?:this|on|via)\b.*)?|tweet|print(?:\s+this)?(?:\s+\w+)?|e-?mail(?:\s+this)?|"
    r"download(?:\s+(?:the\s+)?(?:pdf|report|full\s+\w+))?.*|"
    r"(?:subscribe|sign\s+up|register)\b.*|(?:get|receive)\s+(?:our|the)\s+.*newsletter.*|"
    r"(?:read|see)\s+(?:more|also|the\s+full)\b.*|related\s*:.*|tags?\s*:.*|topics?\s*:.*|"
    r"(?:follow\s+us|like\s+us)\b.*|advertisement|sponsored|skip\s+to\s+(?:main\s+)?content|"
    r"(?:copyright\s+)?©.*|copyright\s+\d{4}.*|all\s+rights\s+reserved.*|"
    r"(?:we|this\s+(?:site|website))\s+uses?\s+cookies\b.*|accept(?:\s+all)?\s+cookies.*|"
    rf"{COOKIE_BUTTON}(?:\W+{COOKIE_BUTTON}){{0,3}}|{PLATFORM_PROMPT}|"
    rf"back\s+to\s+top|(?:{SHARE_TARGETS})(?:\s*[|,/·•]?\s*(?:{SHARE_TARGETS}|copy\s+link))+)"
    r"\s*$",
    re.I,
)
INTERFACE_TEXT_MAX_CHARS = 200
# Author-box links glued to the bio text: "View all posts by X", "Follow her on X", "Full bio".
AUTHOR_BOX_LINKS = re.compile(
    r"\s*(?:view\s+all\s+(?:posts|articles)|(?:see|read)\s+(?:all|more)\s+(?:posts|articles|by)|"
    r"more\s+(?:by|from)\s+this\s+author|full\s+(?:bio|profile)|"
    r"follow\s+(?:him|her|them|me)\s+on|(?:email|contact)\s+(?:the\s+)?author)\b.*$",
    re.I | re.S,
)

# --- menu lines -------------------------------------------------------------------------------

# "Home | Research | Experts | Events": a menu, in any format.
MENU_LINE = re.compile(r"^[^|•·]{1,30}(?:\s[|•·]\s[^|•·]{1,30}){2,}$")

# --- reading-time lines -----------------------------------------------------------------------

READING_TIME = re.compile(r"^\d+\s*(?:-|\s)?\s*min(?:ute)?s?\s+read$", re.I)

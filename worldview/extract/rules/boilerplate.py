"""Boilerplate that survives as text: whole lines of interface text (share and subscription
prompts, print and download links, copyright and cookie lines), menus, reading times, and the
author-box links glued to a bio.
"""

from __future__ import annotations

import re

# --- interface text lines ---------------------------------------------------------------------

SHARE_TARGETS = r"facebook|twitter|x|linkedin|email|whatsapp|telegram|reddit|print"
# A whole block that is interface text, not article text (tested on short blocks only).
INTERFACE_TEXT = re.compile(
    r"^(?:share(?:\s+(?:this|on|via)\b.*)?|tweet|print(?:\s+this)?(?:\s+\w+)?|e-?mail(?:\s+this)?|"
    r"download(?:\s+(?:the\s+)?(?:pdf|report|full\s+\w+))?.*|"
    r"(?:subscribe|sign\s+up|register)\b.*|(?:get|receive)\s+(?:our|the)\s+.*newsletter.*|"
    r"(?:read|see)\s+(?:more|also|the\s+full)\b.*|related\s*:.*|tags?\s*:.*|topics?\s*:.*|"
    r"(?:follow\s+us|like\s+us)\b.*|advertisement|sponsored|skip\s+to\s+(?:main\s+)?content|"
    r"(?:copyright\s+)?©.*|copyright\s+\d{4}.*|all\s+rights\s+reserved.*|"
    r"(?:we|this\s+(?:site|website))\s+uses?\s+cookies\b.*|accept(?:\s+all)?\s+cookies.*|"
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

"""Captions and their credits: the labels that introduce a credit ("Photo:", "Courtesy of"), the
places a credit takes at the end of a caption, and the agencies whose names make one.
"""

from __future__ import annotations

import re

# --- credit labels ----------------------------------------------------------------------------

CREDIT_LABEL = (
    r"(?:photo(?:graph)?|image|picture|credit|map|chart|graphic|illustration|infographic|"
    r"video|footage|source|courtesy(?:\s+of)?)s?"
)
# Text in trailing parentheses that starts with a label names a photographer or agency.
CREDIT_LABEL_START = re.compile(CREDIT_LABEL, re.I)
# A label left at the end of a caption once the markup's credit is cut off: "... Kyiv. Photo:".
CREDIT_LABEL_AT_END = re.compile(r"(?i)\b(?:photo(?:graph)?|image|credit)s?\s*(?:by|:)?$")
# A whole line that is a credit: "Photograph by Jane Roe", "Courtesy of the Archive".
CREDIT_ONLY = re.compile(
    rf"^(?:{CREDIT_LABEL}\s*(?:by|:|credit\s*:)|(?:{CREDIT_LABEL}\s+)?courtesy(?:\s+of)?\s)"
    r"\s*(?P<credit>.+)$",
    re.I,
)

# --- credit patterns: where a credit ends a caption -------------------------------------------

# "(Name/Agency)", "(Photo: X)", "[Credit: X]".
CREDIT_IN_PARENS = re.compile(
    rf"^(?P<caption>.*?\S)\s*[(\[](?:{CREDIT_LABEL}\s*(?:by|:|credit:)?\s*)?"
    r"(?P<credit>[^()\[\]]{2,120})[)\]]\s*\.?$",
    re.I | re.S,
)
# "... | Photo: X", "... in Kyiv. Photo by X", "... — Courtesy of X".
CREDIT_TRAILER = re.compile(
    r"^(?P<caption>.*?\S)\s*(?:[|–—-]\s*|(?<=[.!?”\"])\s*)"
    rf"(?:{CREDIT_LABEL}\s*(?:by|:|credit\s*:)|(?:{CREDIT_LABEL}\s+)?courtesy(?:\s+of)?|©)\s*©?\s*"
    r"(?P<credit>[^|]{2,120}?)\.?$",
    re.I | re.S,
)
# "... in Moscow © Jane Roe": the copyright sign needs no full stop before it.
COPYRIGHT_CREDIT = re.compile(r"^(?P<caption>.*?\S)\s*©\s*(?P<credit>[^©]{2,120}?)\.?$", re.S)
# The end of a standalone caption line: "Photo: Jane Roe", "Photograph by X", "© X".
PHOTO_CREDIT_END = re.compile(
    r"(?:[.!?”\"]\s+|\s[|–—-]\s+)(?:photo(?:graph)?|image|picture)s?\s*(?:by|:|credit\s*:)\s*"
    r"[A-Z][^.!?]{1,100}$|\s©\s*[A-Z][^.!?]{1,100}$",
    re.I,
)
# "(Institute for Digital Democracy)", "(Jane Roe)": a proper name alone in the trailing
# parentheses names the source; an aside ("(left)", "(1945)", "(centre, with Xi)") does not.
PROPER_NAME_PHRASE = re.compile(
    r"^(?:[A-Z][\w’'.&-]*|[A-Z]{2,})(?:\s+(?:[A-Z][\w’'.&-]*|of|for|and|the|on|in|de|für|und|&))+$"
    r"|^[A-Z]{2,6}$"  # an agency's acronym: "(ISW)", "(TASS)"
)
# A sentence end inside the text: a described scene, not a bare credit ("Reuters").
INNER_SENTENCE_END = re.compile(r"[a-z]{2}[.!?]\s")

# --- agency credits ---------------------------------------------------------------------------

# Wire-service style, after the caption's last sentence: "... in Moscow. REUTERS/Maxim Shemetov"
AGENCY_CREDIT = re.compile(
    r"^(?P<caption>.*?[.!?”]|.*?\S(?=\s+[–—|-]\s))\s+(?:[–—|-]\s+)?(?P<credit>[A-Z][\w.'’&-]*(?:\s[A-Z][\w.'’&-]*){0,3}"
    r"/[A-Z][\w.'’ &/-]{1,80})$",
    re.S,
)
AGENCY_NAMES = (
    r"getty|reuters|ap|afp|epa|tass|sputnik|ria|shutterstock|alamy|anadolu|xinhua|bloomberg|"
    r"wikimedia|pool|kremlin|press\s+service"
)
# Signs that text in trailing parentheses is a credit: a slash ("Jane Roe/AP"), a label, an
# agency, or a word of a publication's name.
CREDIT_LIKE = re.compile(
    rf"/|\b(?:photo|map|chart|graphic|illustration|source|via|courtesy|images?|{AGENCY_NAMES}|"
    r"times|post|news|agency)\b",
    re.I,
)

# --- image sources ----------------------------------------------------------------------------

# Schemes a record never carries as an image source.
UNSAFE_URL = re.compile(r"^\s*(?:javascript|vbscript|data|file)\s*:", re.I)

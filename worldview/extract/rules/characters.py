"""Characters that change how text looks or reads without being text, and letters that look
like others: what metadata (titles, names) must not carry unannounced.

Body text keeps its own rules (decode drops C0 controls; clean drops soft hyphens and zero-width
spaces, ``side_material.INVISIBLE``); these apply to the fields a reader sees first and a
consumer filters on.
"""

from __future__ import annotations

import re

# C0 and C1 controls but tab and newline, DEL; the format characters that reorder or hide text:
# bidi marks, embeddings, overrides and isolates (U+200E/F, U+202A-E, U+2066-9: the "Trojan
# Source" tricks), the Arabic letter mark, zero-width space, non-joiner and joiner, word joiner
# and the invisible operators, the soft hyphen, variation selectors, the byte-order mark,
# interlinear annotation marks, Hangul and Mongolian fillers.
INVISIBLE_IN_METADATA = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f"
    "\u200b-\u200f\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\ufff9-\ufffb]"
)

# Scripts whose letters are look-alikes of each other ("а" Cyrillic, "a" Latin, "α" Greek): a
# word that mixes them is spoofing or a typing accident, never a real word of either.
CONFUSABLE_SCRIPTS = frozenset({"LATIN", "CYRILLIC", "GREEK"})
WORD = re.compile(r"\w+")

"""Side material: lines that belong in a field of the record, not in the body ("PHOTO: ...",
"PUBLICATION TYPE: ...", editor's notes, disclaimers), the note marks glued to sentences, and the
invisible characters that are layout hints, not text.
"""

from __future__ import annotations

import re

from worldview.extract.rules.dates import DATE_IN_TEXT, WEEKDAY

# --- labelled lines ---------------------------------------------------------------------------

PHOTO_LINE = re.compile(
    r"^(?:photo|photograph|image|picture|caption|top\s+(?:image|photo)|above)"
    r"(?:\s+(?:credit|courtesy))?\s*[:：]\s*"
    r"(?P<rest>\S.*)$",
    re.I,
)
PUBLICATION_TYPE_LINE = re.compile(
    r"^(?:publication|content|article|document)\s+type\s*[:：]\s*(?P<rest>\S.*)$", re.I
)
EDITORS_NOTE = re.compile(
    r"^(?:editor[’']?s?[’']?\s+note|note\s+from\s+the\s+editors?|note\s+to\s+readers|"
    r"(?:correction|clarification)(?=\s*[:：])|update(?:\s*,?\s*[\w ,.]{3,30}\d{4})?(?=\s*:)|"
    r"note(?=\s*:\s*this\s+(?:article|analysis|piece|commentary|essay|report)\b))"
    r"\s*(?:[:：.—–-]\s*)?(?P<rest>\S.*)$",
    re.I,
)

# Notes on the text's own history and making, kept whole in ``notes``: an update or a correction
# ("This article was updated on 11 March 2025 to include ...", "An earlier version of this
# article misstated ...", "Correction, 5 June 2025: ..."), and a translation ("Translated from
# Russian by Jane Roe", "Translation: John Doe"). Short lines only (``NOTE_MAX_CHARS``).
_THIS_TEXT = (
    r"this\s+(?:article|analysis|piece|commentary|report|story|post|essay|paper|brief|text)"
)
REVISION_NOTE = re.compile(
    rf"^(?:{_THIS_TEXT}\s+(?:was|has\s+been|had\s+been|is)\s+(?:updated|corrected|amended|revised)\b"
    r"|an?\s+(?:earlier|previous|prior|original)\s+version\s+of\s+this\s+\w+"
    r"|(?:updated|corrected|correction|clarification)(?:\s+on)?\s*[,:]?\s*"
    rf"(?=(?:(?:{WEEKDAY}),?\s+)?(?:{DATE_IN_TEXT.pattern})\s*:))",
    re.I,
)
TRANSLATION_NOTE = re.compile(
    r"^(?:translated\s+(?:from\s+(?:the\s+)?[A-Z]\w+\s+)?(?:into\s+[A-Z]\w+\s+)?by\s+\S"
    r"|translated\s+from\s+(?:the\s+)?[A-Z]\w+\b|translation\s*(?:by\s+|:\s*)\S"
    r"|translator[’']?s\s+note\b)",
    re.I,
)
NOTE_MAX_CHARS = 400
# A note that states when the text was updated or corrected: its date is the ``updated`` date.
UPDATE_NOTE_VERB = re.compile(r"\b(?:updated|corrected|amended|revised|correction)\b", re.I)

# --- disclaimers ------------------------------------------------------------------------------

DISCLAIMER_START = re.compile(
    r"^(?:disclaimer\s*[:：]?\s*)?(?:the\s+)?(?:views|opinions|ideas|conclusions)\s+"
    r"(?:and\s+\w+\s+)?(?:expressed|presented|contained)\b"
    r"|^(?:this|the)\s+(?:article|analysis|publication|piece|commentary|paper)\s+"
    r"(?:reflects|represents|expresses)\s+(?:only\s+)?the\s+(?:personal\s+)?(?:views|opinions)"
    r"|^disclaimer\b",
    re.I,
)
NOT_NECESSARILY = re.compile(r"\bdo(?:es)?\s+not\s+necessarily\s+(?:reflect|represent)\b", re.I)
# "Views in this article are the author's own", "Any opinions are those of the writer", "does
# not represent the official position of X", "writes in a personal capacity" (short lines only).
OWN_VIEWS = re.compile(
    r"\b(?:views|opinions)\b[^.]{0,80}\b(?:are|is|remain)\s+(?:solely\s+|entirely\s+|only\s+)?"
    r"(?:those\s+of\s+the\s+(?:authors?|writers?|contributors?)|(?:the\s+)?(?:authors?|writers?)[’']s?\s+own|"
    r"(?:his|her|their|my)\s+own)\b"
    r"|\bdo(?:es)?\s+not\s+(?:necessarily\s+)?(?:reflect|represent)\s+(?:the\s+)?(?:official\s+)?"
    r"(?:views?|positions?|opinions?|policy|policies)\s+of\b"
    r"|\b(?:writes|writing|speaks|speaking)\s+in\s+(?:a|(?:his|her|their)\s+own)\s+personal\s+capacity\b",
    re.I,
)
OWN_VIEWS_MAX_CHARS = 300

# --- footnote marks ---------------------------------------------------------------------------

# A note number glued to the end of a sentence or clause: "granted asylum.1 Russian aircraft",
# "the Sahel,² where", "as reported[3]". Two letters before the mark keep "pp.12", "U.S.2"
# out; a unit such as "km²" has no punctuation before its superscript.
FOOTNOTE_MARK = re.compile(
    r"(?<=[^\W\d_]{2})(?P<punct>[.,;:!?][”’\"\)]?|[”’\"\)])"
    r"(?:\d{1,3}(?=\s+[A-Z“\"‘(]|\s*$)|\d{1,3}(?=\s)(?<=[,;:]\d)|\d{1,3}(?=\s)(?<=[,;:]\d\d)"
    r"|[¹²³⁰⁴-⁹]+)"
    r"|(?<=[^\W\d_]{2})(?P<punct2>[.,;:!?”’\"\)]?)\[(?:\d{1,3}|\^[\w-]{1,20})\]"
)
# A Markdown footnote's text, "[^1]: Source ...": apparatus, dropped with the marks.
FOOTNOTE_DEFINITION = re.compile(r"^\[\^[\w-]{1,20}\]:")
# Cheap first test (a punctuation mark then a digit, or "[1"): the full pattern looks behind at
# every character, which costs more than the rest of cleaning on a long page.
FOOTNOTE_HINT = re.compile(r"[.,;:!?”’\")\]][\d¹²³⁰⁴-⁹\[]|\[[\d^]")
# Words before a number that make it a page or an issue, not a note: "pp.12", "No.3" (nor, for
# the sentence splitter, the end of a sentence: "see No. 3").
NUMBER_LABELS = frozenset(
    "pp p no nos vol vols art arts para paras ch fig figs sec op nr cf ca".split()
)

# A footnote's or endnote's own mark at its start: "1 Source", "12. Ibid.", "[3] See", "* Data",
# "iv) As". The mark becomes the note's label, the rest its text.
NOTE_LABEL = re.compile(
    r"^\s*(?:\[(?P<bracketed>\w{1,4})\]|(?P<label>\d{1,3}|[*†‡§¶]{1,3}|[ivxlc]{1,6})[.):]?)"
    r"(?:\s+|(?=[A-Z“\"‘(]))(?=\S)"
)

# --- invisible characters ---------------------------------------------------------------------

# Soft hyphen, zero-width space, word joiner, stray BOM (ZWJ stays: emoji sequences need it).
INVISIBLE_CHARACTERS = "\u00ad\u200b\u2060\ufeff"
INVISIBLE = re.compile(f"[{INVISIBLE_CHARACTERS}]")

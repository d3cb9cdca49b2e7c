"""Pages: what a paginated document (PDF) prints besides its text, and how its lines are set.

- page furniture: page numbers ("3", "- 3 -", "Page 3 of 8", "3/8", "p. 3"), a browser's print
  header and footer (the date and time it printed, the page's title and URL), and the shares
  of the page where running headers and footers sit;
- line setting: ligatures (ﬁ, ﬂ and the private-use code points some fonts map them to), the
  hyphen a typesetter adds at a line end, and the compounds whose hyphen is real;
- notes: the headings of an endnote list;
- document properties that are not a title (a file name, "Microsoft Word - draft.docx").

Thresholds are in units of the body text's font size (em) or of the page's height.
"""

from __future__ import annotations

import re

from worldview.extract.rules.dates import DATE_IN_TEXT
from worldview.extract.rules.sections import NOTES_WORDS

# --- page furniture ---------------------------------------------------------------------------

# Running headers and footers, page numbers and print stamps sit in these shares of the page.
HEADER_ZONE = 0.09
FOOTER_ZONE = 0.09
# A line printed at the same place (within this many points) on at least this share of the pages
# (and on two at least) is furniture: a running header, a footer, a banner fixed on screen.
REPEAT_TOLERANCE_PT = 6.0
REPEAT_MIN_SHARE = 0.5

PAGE_NUMBER = re.compile(
    r"^(?:(?:page|p\.|pg\.?|seite|página|pagina)\s*)?[-–—(\[]?\s*\d{1,4}\s*[-–—)\]]?"
    r"(?:\s*(?:/|of|von|de|sur|из)\s*\d{1,4})?$"
    r"|^[ivxlc]{1,7}$",  # roman page numbers of front matter
    re.I,
)
# "3 | Policy Brief", "Policy Brief | 3": a page number beside a running title.
NUMBERED_RUNNING_LINE = re.compile(r"^\d{1,4}\s+[|•·]\s+\S.{0,80}$|^\S.{0,80}\s[|•·]\s+\d{1,4}$")
# A browser's print header: "12/6/26, 4:04 PM", "06.12.2026, 16:04", "2026-12-06 16:04".
PRINT_TIMESTAMP = re.compile(
    r"^(?:\d{1,4}[./-]\d{1,2}[./-]\d{1,4},?\s+\d{1,2}:\d{2}(?::\d{2})?\s*(?:[AP]\.?M\.?)?)$",
    re.I,
)
# A printed page's address in its footer.
PRINTED_URL = re.compile(r"^(?:https?|file|ftp)://\S+$|^www\.\S+\.\S+$", re.I)


def is_page_furniture_text(text: str) -> bool:
    """A margin line that is furniture whatever else is on the page."""
    text = text.strip()
    return bool(
        PAGE_NUMBER.match(text)
        or PRINT_TIMESTAMP.match(text)
        or PRINTED_URL.match(text)
        or NUMBERED_RUNNING_LINE.match(text)
    )


# --- line setting -----------------------------------------------------------------------------

# Presentation forms (U+FB00-FB06) and the private-use code points of Adobe's standard encoding
# for fi/fl, which fonts without a ToUnicode map leave in the text layer.
LIGATURES = {
    "\ufb00": "ff",
    "\ufb01": "fi",
    "\ufb02": "fl",
    "\ufb03": "ffi",
    "\ufb04": "ffl",
    "\ufb05": "ſt",
    "\ufb06": "st",
    "\uf001": "fi",
    "\uf002": "fl",
}
LIGATURE = re.compile("[" + "".join(LIGATURES) + "]")
# Hyphens a line may end with. A soft hyphen (U+00AD) is always the typesetter's; U+2010 is what
# Chromium and others draw for one; U+002D (and U+FFFE, pdfium's mark for it at a line end) may
# be the typesetter's or a real compound's.
SOFT_HYPHENS = "\u00ad"
DISCRETIONARY_HYPHENS = "\u2010"
HARD_HYPHENS = "-\ufffe"
# A hyphen before these stays (a compound broken at its hyphen): "great-power", "Moscow-based".
COMPOUND_TAILS = frozenset(
    """based led term level scale power range capable making style run like owned backed related
    wide free called time known year years old sized oriented aligned friendly speaking born
    controlled funded sponsored built state states party sided way ways day days week month
    century war era off up down in out over back day""".split()
)
COMPOUND_HEADS = frozenset(
    """self non anti pro post pre co ex so well long short high low full half cross multi great
    mid inter intra counter neo pan quasi semi sub super trans ultra vice un re""".split()
)

# --- notes --------------------------------------------------------------------------------------

# A heading over a list of endnotes: its items are the document's notes, not body text.
NOTES_HEADING = re.compile(rf"^(?:{NOTES_WORDS}|citations)\s*:?$", re.I)

# --- document properties ----------------------------------------------------------------------

# A "title" property that names the file or the program, not the document.
JUNK_TITLE = re.compile(
    r"^(?:microsoft\s+(?:word|powerpoint)\s*-|untitled\b|document\d*$|slide\s*\d+$)"
    r"|\.(?:docx?|pdf|odt|rtf|txt|html?|indd|pages|tex|dvi)$|^\W*$",
    re.I,
)
# Authors a producer writes into the properties, not people: the library, the account.
JUNK_AUTHOR = re.compile(
    r"^(?:python-docx|unknown|user|admin(?:istrator)?|owner|author|root|windows user|"
    r"microsoft office user|[\w.-]+@[\w.-]+)$",
    re.I,
)


def is_dateline_text(text: str) -> bool:
    """A short line that is mostly a date ("14 March 2025", "Published: 14 March 2025")."""
    return len(text) <= 60 and DATE_IN_TEXT.search(text) is not None

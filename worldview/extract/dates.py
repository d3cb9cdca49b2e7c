"""Stated calendar dates in text, shared by ``segment`` (which lines are datelines) and
``extract_metadata`` (which date they state).

Only full dates count (day, month and year): "March 3, 2024", "3 March 2024", "2024-03-03",
"03.03.2024", "le 3 mars 2024", "3. März 2024", "Tue Mar 03 10:00:00 CET 2024". A bare year or a
month and year is never a publication date. Month names are English, French, German, Spanish,
Italian and Russian (think-tank pages in those languages are common in this domain).
"""

from __future__ import annotations

import datetime
import re

_MONTH_NAMES = (
    "jan january janv janvier januar jänner enero gennaio января январь",
    "feb february févr fevr février fevrier februar febrero febbraio февраля февраль",
    "mar march mars märz maerz mär marzo марта март",
    "apr april avr avril abril aprile апреля апрель",
    "may mai mayo maggio мая май",
    "jun june juin juni junio giugno июня июнь",
    "jul july juil juillet juli julio luglio июля июль",
    "aug august août aout agosto августа август",
    "sep sept september septembre septiembre setiembre settembre сентября сентябрь",
    "oct october octobre okt oktober octubre ottobre октября октябрь",
    "nov november novembre noviembre ноября ноябрь",
    "dec december déc dec décembre decembre dez dezember diciembre dicembre декабря декабрь",
)
MONTH_NUMBERS = {
    name: number for number, names in enumerate(_MONTH_NAMES, start=1) for name in names.split()
}
MONTH = "(?:" + "|".join(sorted(map(re.escape, MONTH_NUMBERS), key=len, reverse=True)) + r")\.?"
_DAY = r"\d{1,2}(?:st|nd|rd|th|er|\.)?"
_TIME = r"\d{1,2}:\d{2}(?::\d{2})?"

# "March 3, 2024", "Mar. 3 2024", "Tue Mar 03 10:00:00 CET 2024" (Java's Date.toString)
MONTH_DAY_YEAR = re.compile(
    rf"\b(?P<month>{MONTH})\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?"
    rf"(?:,?\s+|\s+{_TIME}\s+(?:[A-Z]{{2,5}}\s+)?)(?P<year>\d{{4}})\b",
    re.I,
)
# "3 March 2024", "3rd of March, 2024", "le 3 mars 2024", "3. März 2024", "3 de marzo de 2024"
DAY_MONTH_YEAR = re.compile(
    rf"\b(?P<day>\d{{1,2}})(?:st|nd|rd|th|er|\.)?\s+(?:of\s+|de\s+)?(?P<month>{MONTH}),?\s+"
    r"(?:de\s+|del\s+)?(?P<year>\d{4})\b",
    re.I,
)
ISO_DATE = re.compile(r"\b(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)")
NUMERIC_DATE = re.compile(r"\b(\d{1,2})[./](\d{1,2})[./](\d{4})\b")
# Any stated date, to find and cut datelines (the group-free union of the forms above).
DATE_IN_TEXT = re.compile(
    rf"\b(?:{MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+|\s+{_TIME}\s+(?:[A-Z]{{2,5}}\s+)?)\d{{4}}"
    rf"|{_DAY}\s+(?:of\s+|de\s+)?{MONTH},?\s+(?:de\s+|del\s+)?\d{{4}}"
    r"|\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[./]\d{1,2}[./]\d{4})\b",
    re.I,
)
_FORMS = (ISO_DATE, MONTH_DAY_YEAR, DAY_MONTH_YEAR, NUMERIC_DATE)


def parse_date(text: str) -> str | None:
    """The first stated calendar date in ``text`` as YYYY-MM-DD, or None."""
    if not text:
        return None
    found = [(m.start(), _read(m)) for p in _FORMS if (m := p.search(text))]
    return next((value for _, value in sorted(found) if value), None)


def _read(match: re.Match) -> str | None:
    pattern = match.re
    if pattern is ISO_DATE:
        y, m, d = (int(g) for g in match.groups())
        return iso_date(y, m, d)
    if pattern is NUMERIC_DATE:
        a, b, y = (int(g) for g in match.groups())
        # "3.5.2024" is day.month in every country that writes dots; with slashes, D/M and M/D
        # are both common, so only a reading that is the only possible one is taken.
        if "." in match.group(0) or a > 12 >= b or a == b:
            return iso_date(y, b, a)
        return iso_date(y, a, b) if b > 12 >= a else None
    month = MONTH_NUMBERS[match.group("month").rstrip(".").lower()]
    return iso_date(int(match.group("year")), month, int(match.group("day")))


def iso_date(year: int, month: int, day: int) -> str | None:
    try:
        return datetime.date(year, month, day).isoformat()
    except ValueError:
        return None

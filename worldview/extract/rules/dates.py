"""Dates as documents state them: month and weekday names, full dates in running text, clock
times, and the marks that say a date is an update.

Only full dates count (day, month and year): "March 3, 2024", "3 March 2024", "2024-03-03",
"03.03.2024", "le 3 mars 2024", "3. März 2024", "Tue Mar 03 10:00:00 CET 2024". A bare year or a
month and year is never a publication date. Month names are English, French, German, Spanish,
Italian and Russian (think-tank pages in those languages are common in this domain).
"""

from __future__ import annotations

import re

# --- months and weekdays ----------------------------------------------------------------------

# One line per month, its names and abbreviations in every language above.
MONTH_NAMES = (
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
    name: number for number, names in enumerate(MONTH_NAMES, start=1) for name in names.split()
}
# Longest name first, so that "march" is not read as "mar" + "ch".
MONTH = "(?:" + "|".join(sorted(map(re.escape, MONTH_NUMBERS), key=len, reverse=True)) + r")\.?"
WEEKDAY = (
    r"(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?\.?|"
    r"(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|montag|dienstag|mittwoch|"
    r"donnerstag|freitag|samstag|sonntag)"
)

# --- dates in text ----------------------------------------------------------------------------

_ORDINAL = r"(?:st|nd|rd|th)?"  # "March 3rd"
_DAY_SUFFIX = r"(?:st|nd|rd|th|er|\.)?"  # "3rd March", "1er mars", "3. März"
_CLOCK = r"\d{1,2}:\d{2}(?::\d{2})?"
# Between "March 3" and the year: a comma, or Java's Date.toString clock and zone.
_BEFORE_YEAR = rf"(?:,?\s+|\s+{_CLOCK}\s+(?:[A-Z]{{2,5}}\s+)?)"
_OF = r"(?:of\s+|de\s+)?"  # "3rd of March", "3 de marzo"
_YEAR_OF = r"(?:de\s+|del\s+)?"  # "marzo de 2024"

# "March 3, 2024", "Mar. 3 2024", "Tue Mar 03 10:00:00 CET 2024" (Java's Date.toString)
MONTH_DAY_YEAR = re.compile(
    rf"\b(?P<month>{MONTH})\s+(?P<day>\d{{1,2}}){_ORDINAL}{_BEFORE_YEAR}(?P<year>\d{{4}})\b",
    re.I,
)
# "3 March 2024", "3rd of March, 2024", "le 3 mars 2024", "3. März 2024", "3 de marzo de 2024"
DAY_MONTH_YEAR = re.compile(
    rf"\b(?P<day>\d{{1,2}}){_DAY_SUFFIX}\s+{_OF}(?P<month>{MONTH}),?\s+{_YEAR_OF}(?P<year>\d{{4}})\b",
    re.I,
)
ISO_DATE = re.compile(r"\b(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)")
NUMERIC_DATE = re.compile(r"\b(\d{1,2})[./](\d{1,2})[./](\d{4})\b")
# "2016年10月14日" (Chinese and Japanese): year, month, day.
CJK_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
# Any stated date, to find and cut datelines (the group-free union of the forms above).
DATE_IN_TEXT = re.compile(
    rf"\b(?:{MONTH}\s+\d{{1,2}}{_ORDINAL}{_BEFORE_YEAR}\d{{4}}"
    rf"|\d{{1,2}}{_DAY_SUFFIX}\s+{_OF}{MONTH},?\s+{_YEAR_OF}\d{{4}}"
    r"|\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[./]\d{1,2}[./]\d{4})\b"
    r"|\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日",
    re.I,
)
YEAR = re.compile(r"\b(?:19|20)\d\d\b")

# --- labels, clock times and update marks -----------------------------------------------------

DATE_LABELS = r"updated|published|posted"
# A date run into the end of a line, with its label or weekday: "... recovery?Monday, 6 January
# 2020", "... | Updated: March 3, 2024".
TRAILING_DATE = re.compile(
    rf"(?:(?:{DATE_LABELS})\s*:?\s*)?(?:\b(?:{WEEKDAY}),?\s+)?(?:{DATE_IN_TEXT.pattern})\s*$",
    re.I,
)
CLOCK_TIME = re.compile(
    r"\b(?:\d{1,2}:\d{2}|\d{4}\s*(?:GMT|UTC|[A-Z]{2,4}T)\b|\d{1,2}\s*[ap]\.?m\b)", re.I
)
UPDATED_MARK = re.compile(r"\b(?:updated|modified|revised)\b", re.I)
# A labelled date line in HTML: "Date: 19.01.2020", "Veröffentlicht am 3. März 2024".
LABEL_DATE = re.compile(
    r"^(?:date|published(?: on)?|posted(?: on)?|datum|veröffentlicht(?: am)?|publié(?: le)?|"
    r"publicado(?: el)?)\s*:?\s+(?P<value>.{6,40})$",
    re.I,
)

# A news dateline opening the lead: "MOSCOW, 12 March 2025 —", "Kyiv, March 3, 2025 (Reuters) -",
# "BRUSSELS (AP), 3 March 2025:". The place in capitals or one to four capitalised words.
NEWS_DATELINE = re.compile(
    r"^(?:[A-ZÀ-Þ][A-ZÀ-Þ.'’/-]*(?:\s+[A-ZÀ-Þ][A-ZÀ-Þ.'’/-]*){0,3}|[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){0,3})"
    r"(?:,\s+[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+)?)?"  # ", Russia"
    r"(?:\s*\([^()]{1,30}\))?,?\s+"
    rf"(?i:(?:(?:{WEEKDAY}),?\s+)?(?P<date>{DATE_IN_TEXT.pattern}))"
    r"(?:\s*\([^()]{1,30}\))?\s*(?:[—–-]{1,2}|:)\s",
)

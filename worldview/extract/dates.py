"""Reading stated dates: the first full calendar date in a line as YYYY-MM-DD, for
``metadata`` (which date a dateline states) and the HTML reader (dates in the markup).

What counts as a stated date is in ``rules.dates``: day, month and year, never a bare year.
"""

from __future__ import annotations

import datetime
import re

from worldview.extract.rules.dates import (
    CJK_DATE,
    DAY_MONTH_YEAR,
    ISO_DATE,
    MONTH_DAY_YEAR,
    MONTH_NUMBERS,
    NUMERIC_DATE,
)

_FORMS = (ISO_DATE, MONTH_DAY_YEAR, DAY_MONTH_YEAR, NUMERIC_DATE, CJK_DATE)


def parse_date(text: str) -> str | None:
    """The first stated calendar date in ``text`` as YYYY-MM-DD, or None."""
    if not text:
        return None
    found = [(m.start(), _read(m)) for p in _FORMS if (m := p.search(text))]
    return next((value for _, value in sorted(found) if value), None)


def _read(match: re.Match) -> str | None:
    pattern = match.re
    if pattern is ISO_DATE or pattern is CJK_DATE:
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

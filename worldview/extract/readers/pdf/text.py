"""The text of printed lines: ligatures to letters, lines joined back into paragraphs with the
typesetter's hyphens undone and real compounds kept.

A line ending in a hyphen joins the next line's first word. A soft hyphen (or U+2010, which
Chromium and others draw for one) was added by the typesetter: the word is joined. A plain
hyphen may be either: it stays when the document spells the compound with a hyphen elsewhere,
when either half is a word the document uses on its own, when the next part starts with a
capital or a digit ("Russia-China", "post-2014"), or when the compound is a common one
(``rules.pages``); otherwise the word is joined.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from worldview.extract.rules.pages import (
    COMPOUND_HEADS,
    COMPOUND_TAILS,
    DISCRETIONARY_HYPHENS,
    HARD_HYPHENS,
    LIGATURE,
    LIGATURES,
    SOFT_HYPHENS,
)

WORD = re.compile(r"[^\W\d_]+(?:[-\u2010][^\W\d_]+)*")
LAST_WORD = re.compile(r"([^\W\d_]+)([-\u2010\u00ad\ufffe])$")
FIRST_WORD = re.compile(r"^([^\W_]+)")
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\ufffe\uffff]")


def fix_glyphs(text: str) -> str:
    """Ligatures to letters; pdfium's line-end hyphen mark inside a line is a hyphen."""
    if LIGATURE.search(text):
        text = LIGATURE.sub(lambda m: LIGATURES[m.group(0)], text)
    if "\ufffe" in text[:-1]:
        text = text[:-1].replace("\ufffe", "-") + text[-1]
    return text


def vocabulary(lines: Iterable[str]) -> set[str]:
    """Words (and hyphenated compounds) the document prints, case-folded; the pieces of a word
    broken at a line end are not words."""
    words: set[str] = set()
    broken = False
    for line in lines:
        matches = list(WORD.finditer(line))
        ends_broken = LAST_WORD.search(line.rstrip()) is not None
        for i, match in enumerate(matches):
            if (i == 0 and broken) or (ends_broken and i == len(matches) - 1):
                continue
            word = match.group(0).casefold().replace("\u2010", "-")
            words.add(word)
            if "-" in word:
                words.update(word.split("-"))
        broken = ends_broken
    return words


def join_lines(lines: list[str], words: set[str]) -> str:
    """One paragraph from its printed lines."""
    text = ""
    for line in lines:
        line = line.strip()
        if not line:
            continue
        if not text:
            text = line
            continue
        text = join_two(text, line, words)
    return CONTROL.sub("", text)


def join_two(before: str, after: str, words: set[str]) -> str:
    """``before`` and ``after`` across a line break: a space, or the hyphenated word rejoined."""
    hyphen = LAST_WORD.search(before)
    first = FIRST_WORD.match(after)
    if hyphen is None:
        if before[-1] in SOFT_HYPHENS:
            return before[:-1] + after
        if before[-1] in HARD_HYPHENS + DISCRETIONARY_HYPHENS:
            return before[:-1] + "-" + after  # "2014-" "2015": a range, kept
        return f"{before} {after}"
    head, mark = hyphen.group(1), hyphen.group(2)
    stem = before[: hyphen.start(2)]
    if first is None:
        return stem + ("-" if mark not in SOFT_HYPHENS else "") + after
    if keeps_hyphen(head, first.group(1), mark, words):
        return f"{stem}-{after}"
    return stem + after


def keeps_hyphen(head: str, tail: str, mark: str, words: set[str]) -> bool:
    """Whether ``head-`` at a line end and ``tail`` on the next line are a real compound."""
    if mark in SOFT_HYPHENS:
        return False
    if not tail[:1].islower():
        return True  # "Russia-" "China", "post-" "2014"
    low_head, low_tail = head.casefold(), tail.casefold()
    if f"{low_head}-{low_tail}" in words:
        return True
    if f"{low_head}{low_tail}" in words:
        return False
    if low_tail in COMPOUND_TAILS or low_head in COMPOUND_HEADS:
        return True
    if mark in DISCRETIONARY_HYPHENS:
        return False
    # A plain hyphen: a compound when either half is a word the document uses by itself.
    return (len(low_head) > 2 and low_head in words) or (len(low_tail) > 2 and low_tail in words)

"""People's names as bylines, meta tags and JSON-LD print them."""

from __future__ import annotations

import re

from worldview.extract.readers.html.nodes import normalize_space
from worldview.extract.rules.people import (
    BY_PREFIX,
    HONORIFIC,
    JOB_TITLE,
    NAME_PARTICLE_WORDS,
    NAME_SEPARATORS,
    NOT_A_NAME,
    PLACEHOLDER_AUTHOR,
)


def clean_person(name: str) -> str | None:
    name = BY_PREFIX.sub("", normalize_space(name)).strip(" ,;|-–—")
    name = HONORIFIC.sub("", name)
    if not name or len(name) > 80 or PLACEHOLDER_AUTHOR.search(name):
        return None
    if re.search(r"\d", name) or not re.search(r"[^\W\d_]", name):
        return None
    return name


def looks_like_person(name: str) -> bool:
    """A person's name as bylines print it: 2-5 capitalised words, no titles or dates."""
    words = name.split()
    if not 2 <= len(words) <= 5 or re.search(r"\d|[@/]", name) or NOT_A_NAME.search(name):
        return False
    return all(w[0].isupper() or w.lower() in NAME_PARTICLE_WORDS for w in words)


def all_people(names: list[str]) -> bool:
    return bool(names) and all(looks_like_person(n) for n in names)


def split_people(value: str, *, last_first: bool = False) -> list[str]:
    """'By A, B and C' -> [A, B, C]; 'Smith, John' (one person, surname first) -> ['John Smith']."""
    value = BY_PREFIX.sub("", normalize_space(value))
    parts = [p for p in NAME_SEPARATORS.split(value) if p]
    if len(parts) == 2 and "," in value and all(len(p.split()) == 1 for p in parts):
        parts = [f"{parts[1]} {parts[0]}"]  # "Smith, John"
    elif last_first and "," in value and len(parts) == 2:
        parts = [f"{parts[1]} {parts[0]}"]
    out = []
    for p in parts:
        if (name := clean_person(p)) and name not in out and not JOB_TITLE.search(name):
            out.append(name)
    return out


def byline(names: list[str]) -> str:
    """["A", "B", "C"] -> "By A, B and C"."""
    return "By " + (names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1])


def full_names_first(people: list[str]) -> list[str]:
    """'Jane Doe, John Roe, Reuters': a one-word entry beside full names is the agency."""
    full = [p for p in people if len(p.split()) >= 2]
    return full or people

"""The metadata step: the record's metadata, only from what the document states.

Authors come from bylines ("By A, B and C"), then the markup's author tags, then the bios
themselves ("X is a senior fellow at Z"); each author gets the bio that names them and the
organisation the bio ties them to ("at the New Delhi-based think tank Y in Delhi" -> "Y"), else
the one the byline gives ("By X, Senior Fellow, Y", "By X (Y)"). Honorifics never reach a name.
The publication date comes from a dateline, a byline or a meta
tag — never from a year in the body, never from the clock. Titles from the markup lose their
site-name suffix ("Title | Site"). The language is the markup's, else a cheap guess.
"""

from __future__ import annotations

import re
from functools import cache

from worldview.document import CleanedDocument, Segments
from worldview.extract.dates import parse_date
from worldview.extract.invisible import clean_metadata
from worldview.extract.limits import limit_authors
from worldview.extract.rules.captions import CREDIT_ONLY
from worldview.extract.rules.dates import CLOCK_TIME, DATE_IN_TEXT, NEWS_DATELINE, UPDATED_MARK
from worldview.extract.rules.people import (
    AFFILIATION_END,
    AFFILIATION_LEADS,
    APPOSITIVE_PARTS,
    APPOSITIVE_START,
    BIO_IN_TEXT,
    BIO_NAME,
    BY_INSIDE,
    BYLINE,
    BYLINE_NAME_WORD,
    BYLINE_TAIL,
    DATE_JOINER_TAIL,
    FIRST_SENTENCE_END,
    HONORIFIC,
    JOB_TITLE,
    LOWERCASE_LEAD,
    NAME_JOINERS,
    NAME_SEPARATORS,
    NOT_A_NAME,
    ORGANISATION_WORD,
    PARENTHESISED_ORG,
    PIPE_FIELDS,
    RETIRED,
)
from worldview.record import Author, Metadata

ORG_MARK = "\ue000"  # private use: "this part was in parentheses after a name"
DESCRIPTOR_MAX_WORDS = 6
# "Site | Title", "Title | Site": the separators a site name sits behind in a page title.
SITE_PREFIX = re.compile(
    r"^(?P<site>[^|•·»:]{2,60}?)\s+(?P<sep>[|•·»]|::|[-–—])\s+(?P<rest>\S.{9,})$"
)
SITE_SUFFIX = re.compile(r"\s+(?:[|•·»]|[-–—:]{1,2})\s+(?P<site>[^|•·»–—]{2,60})$")
# The commonest English words: a fifth of the words being these is English, without a model.
ENGLISH_WORDS = frozenset(
    "the of and to in a is that for it as with was on by be are this from at or an which have "
    "has not but its their his they were been will would can also more than".split()
)
WORD = re.compile(r"[^\W\d_]+")


# --- authors ----------------------------------------------------------------------------------


def names_from_byline(line: str) -> list[str]:
    """ "By A, B and C | March 3, 2024" -> ["A", "B", "C"]."""
    return [name for name, _ in byline_entries(line)]


def byline_entries(line: str) -> list[tuple[str, str | None]]:
    """Names in a byline, each with the organisation the byline itself gives it:
    "By A, Senior Fellow, Institute Y and B (Z Center)" -> [("A", "Institute Y"), ("B", "Z
    Center")]. A role ("Senior Fellow") is not a name and not an organisation."""
    if CREDIT_ONLY.match(line.strip()):
        return []  # "Photograph by Jane Roe" credits a picture
    match = BYLINE.match(line.strip()) or BY_INSIDE.search(line)
    text = match.group("names") if match else line.strip()
    if not match and DATE_IN_TEXT.match(text):
        text = DATE_IN_TEXT.sub(" ", text).strip(" |·•,—–-")  # "March 3, 2024 | Jane Roe"
    text = DATE_IN_TEXT.split(text)[0]
    text = DATE_JOINER_TAIL.sub("", text)  # "by Jane Roe on" + date
    # "Jane Roe | Arctic Institute": an organisation in the next field is the affiliation.
    names, *fields = PIPE_FIELDS.split(text)
    organisation = next((f for f in fields if ORGANISATION_WORD.search(f)), None)
    if organisation and len(organisation) <= 100 and "," not in names:
        text = f"{names}, {ORG_MARK}{organisation.strip()}"
    text = RETIRED.sub("", text)
    text = PARENTHESISED_ORG.sub(rf", {ORG_MARK}\g<org>", text)  # "A (Org)" -> "A, Org"
    text = BYLINE_TAIL.sub("", text).strip(" ,.")
    entries: list[tuple[str, str | None]] = []
    after_role = False
    for part in NAME_SEPARATORS.split(text):
        part = _strip_honorific(part.strip(" ,."))
        tokens = part.split()
        if not tokens:
            continue
        if entries and entries[-1][1] is None and _is_byline_organisation(part, after_role):
            entries[-1] = (entries[-1][0], part.lstrip(ORG_MARK))
        elif (
            2 <= len(tokens) <= 5
            and all(BYLINE_NAME_WORD.match(t) for t in tokens)
            and not NOT_A_NAME.search(part)
        ):
            entries.append((part.title() if part.isupper() else part, None))
            after_role = False
        else:
            after_role = JOB_TITLE.search(part) is not None
    return entries


def _is_byline_organisation(part: str, after_role: bool) -> bool:
    """An organisation in a byline: a capitalised phrase with an organisation word, or any
    capitalised phrase right after a role ("Senior Fellow, Chatham House")."""
    if part.startswith(ORG_MARK):
        return True  # it was in parentheses after the name
    if not part[:1].isupper() or len(part) > 100 or JOB_TITLE.match(part):
        return False
    return ORGANISATION_WORD.search(part) is not None or (
        after_role and all(w[:1].isupper() or w in NAME_JOINERS for w in part.split())
    )


def _strip_honorific(name: str) -> str:
    """ "Dr. Jane Roe", "Amb. (ret.) John Doe" -> the name alone, in every source alike."""
    return HONORIFIC.sub("", name)


def affiliation_from_bio(bio: str, name: str | None = None) -> str | None:
    """ "X is a scholar with the Kyiv-based think tank Y and a former ..." -> "Y"; "X (Y) is
    ...", "X — analyst, Y" -> "Y". The employer ("at", "with") first, then an organisation set
    off after the name, then "of"/"for" ("director of the Carnegie Center")."""
    at = bio.find(name) if name else -1
    text = bio[at + len(name) :] if name and 0 <= at <= 30 else bio  # past "Dr. Jane Roe"
    if end := FIRST_SENTENCE_END.search(text):
        text = text[: end.start() + 3]  # the sentence that says what the person is now
    if name and (org := PARENTHESISED_ORG.match(text)):
        return org.group("org").strip()  # "Dr. Jane Roe (Arctic Institute) is ..."
    employer, of_or_for = AFFILIATION_LEADS
    return (
        _led_affiliation(text, employer)
        or _appositive_affiliation(text)
        or _led_affiliation(text, of_or_for)
    )


def _led_affiliation(text: str, leads: re.Pattern[str]) -> str | None:
    for lead in leads.finditer(text):
        rest = text[lead.end() :]
        end = AFFILIATION_END.search(rest)
        phrase = rest[: end.start()] if end else rest
        phrase = _drop_descriptors(LOWERCASE_LEAD.sub("", phrase.strip()).strip(" .,"))
        if phrase and phrase[0].isupper() and len(phrase) <= 120:
            return phrase
    return None


def _appositive_affiliation(text: str) -> str | None:
    """ "Jane Roe — senior analyst, Caspian Policy Forum (Baku)", "Jane Roe, Fellow, X": the
    role and the organisation set off after the name, as a byline would set them."""
    if not APPOSITIVE_START.match(text):
        return None
    after_role = False
    for part in APPOSITIVE_PARTS.split(text.strip(" .")):
        part = part.strip(" .")
        if not part:
            continue
        if _is_byline_organisation(part, after_role):
            return part
        after_role = JOB_TITLE.search(part) is not None
    return None


def _drop_descriptors(phrase: str) -> str:
    """ "New Delhi-based think tank Council for X" -> "Council for X": words that describe the
    organisation before its proper name (a place, "-based", a lower-case kind such as "think
    tank") are not its name. Lower-case joiners inside a name ("of", "und") are kept."""
    words = phrase.split()
    cut = 0
    for i, word in enumerate(words[: DESCRIPTOR_MAX_WORDS + 1]):
        if i + 1 >= len(words) or not words[i + 1][:1].isupper():
            continue
        is_descriptor = word.endswith("-based") or (
            word[:1].islower() and word.casefold() not in NAME_JOINERS
        )
        if is_descriptor:
            cut = i + 1
    return " ".join(words[cut:]) if cut else phrase


def split_bios(text: str) -> list[str]:
    """One block holding several bios ("A is ... . B is ...") -> one bio per person."""
    starts = [m.start("name") for m in BIO_IN_TEXT.finditer(text)]
    if len(starts) < 2:
        return [text]
    if starts[0] != 0:
        starts.insert(0, 0)
    return [text[a:b].strip() for a, b in zip(starts, [*starts[1:], len(text)], strict=True)]


def _authors(doc: CleanedDocument, segments: Segments) -> list[Author]:
    entries: list[tuple[str, str | None]] = []
    for line in segments.bylines:
        entries.extend(byline_entries(line))
    if not entries:
        for raw in doc.hints.authors:
            name = _strip_honorific(raw.strip())
            entries.extend(byline_entries(raw) or ([(name, None)] if name else []))
    bios_by_name: dict[str, str] = {}
    for block in doc.bios:
        for one in split_bios(block):
            match = BIO_NAME.match(one)
            if match:
                bios_by_name.setdefault(_strip_honorific(match.group("name").strip()), one)
    if not entries:
        entries = [(name, None) for name in bios_by_name]
    authors: list[Author] = []
    seen: set[str] = set()
    for name, byline_affiliation in entries:
        name = _cut_run_on(name)
        if name.casefold() in seen:
            continue
        seen.add(name.casefold())
        bio = bios_by_name.get(name) or next(
            (b for n, b in bios_by_name.items() if _same_person(n, name)), None
        )
        if bio is None:
            bio = next((b for b in doc.bios if name in b), None)
        affiliation = (affiliation_from_bio(bio, name) if bio else None) or byline_affiliation
        authors.append(Author(name=name, affiliation=affiliation, bio=bio))
    return authors


def _cut_run_on(name: str) -> str:
    """ "Jake Goulding Jake" (an author box's name run into its bio "Jake is ...") -> "Jake
    Goulding": a person's name does not repeat one of its words."""
    tokens = name.split()
    for i, token in enumerate(tokens[2:], start=2):
        if token in tokens[:i]:
            return " ".join(tokens[:i])
    return name


def _same_person(a: str, b: str) -> bool:
    ta, tb = a.split(), b.split()
    return ta[-1].casefold() == tb[-1].casefold() and ta[0][0].casefold() == tb[0][0].casefold()


# --- dates ----------------------------------------------------------------------------------


def _news_dateline(segments: Segments) -> str | None:
    """ "MOSCOW, 12 March 2025 — ..." opening the lead: its date, when nothing else states one."""
    paragraphs = segments.content.paragraphs
    match = NEWS_DATELINE.match(paragraphs[0].text) if paragraphs else None
    return parse_date(match.group("date")) if match else None


# --- title, language --------------------------------------------------------------------------


def strip_site_suffix(title: str, site_name: str | None) -> str:
    """ "Title | Site" -> "Title" when the tail names the site (or is short and title-like);
    "Site :: Title" -> "Title" likewise for a leading site name."""
    return _strip_site_prefix(_strip_site_tail(title, site_name), site_name)


def _strip_site_tail(title: str, site_name: str | None) -> str:
    match = SITE_SUFFIX.search(title)
    if not match:
        return title
    head, tail = title[: match.start()].strip(), match.group("site").strip()
    if len(head) < 10:
        return title
    if site_name and _names_site(tail, site_name):
        return head
    if len(tail.split()) <= 4 and len(tail) < len(head) and match.group(0).strip()[0] in "|•·»":
        return head  # the shorter side of "A | B" is the site
    return title


def _strip_site_prefix(title: str, site_name: str | None) -> str:
    match = SITE_PREFIX.match(title)
    if not match:
        return title
    site, rest = match.group("site").strip(), match.group("rest").strip()
    if site_name and _names_site(site, site_name):
        return rest
    if match.group("sep") != "-" and len(site.split()) <= 4 and len(rest) > len(site):
        return rest
    return title


def _names_site(text: str, site_name: str) -> bool:
    return _fold(text) in _fold(site_name) or _fold(site_name) in _fold(text)


def _fold(text: str) -> str:
    """Spaces go too, unlike ``comparison_key``: "Chatham House" names "chathamhouse.org"."""
    return re.sub(r"\W+", "", text.casefold())


@cache
def _langid():
    import py3langid

    return py3langid


def detect_language(text: str) -> str | None:
    words = WORD.findall(text[:4000].lower())
    if len(words) < 5:
        return None
    if sum(w in ENGLISH_WORDS for w in words) >= 0.2 * len(words):
        return "en"  # the common case, without loading a model
    lang, _score = _langid().classify(text[:4000])
    return lang


def _language_tag(value: str | None) -> str | None:
    if not value:
        return None
    primary = re.split(r"[-_]", value.strip())[0].lower()
    return primary if primary.isalpha() and 2 <= len(primary) <= 3 else None


def extract_metadata(doc: CleanedDocument, segments: Segments) -> Metadata:
    hints = doc.hints
    title = (segments.title or hints.title or "").strip()
    if title and title == (hints.title or "").strip():
        title = strip_site_suffix(title, hints.site_name)
    published = updated = None
    for line in segments.datelines:
        # "Published 2 June 2025 · Updated 5 June 2025": what follows the mark is the update.
        mark = UPDATED_MARK.search(line)
        before, after = (line[: mark.start()], line[mark.end() :]) if mark else (line, "")
        if mark and not parse_date(after) and CLOCK_TIME.search(after):
            # "November 28, 2013 -- Updated 0203 GMT": the one date is the update's day.
            updated = updated or parse_date(before)
            continue
        published = published or parse_date(before)
        updated = updated or parse_date(after)
    published = published or parse_date(hints.published or "") or _news_dateline(segments)
    updated = updated or parse_date(hints.updated or "")
    body = " ".join(p.text for p in segments.content.paragraphs[:20])
    language = _language_tag(hints.language) or detect_language(body or title)
    metadata = Metadata(
        title=title or "Untitled",
        subtitle=segments.subtitle,
        authors=limit_authors(_authors(doc, segments), segments.warnings),  # WORLDVIEW_MAX_AUTHORS
        published=published,
        updated=updated,
        publication_type=doc.publication_type or hints.publication_type,
        language=language,
        canonical_url=hints.canonical_url,
        site_name=hints.site_name,
        notes=list(doc.notes),
    )
    # Control and invisible characters removed, look-alike scripts flagged; this step's warnings
    # join the segments' (the pipeline collects those after this step).
    return clean_metadata(metadata, segments.warnings)

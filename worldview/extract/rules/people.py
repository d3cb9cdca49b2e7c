"""People as documents name them: bylines and their "by" labels, honorifics, the words of a
name and the words that are never one, job titles, organisations, and author bios with the
organisation they tie a person to.
"""

from __future__ import annotations

import re


def _words(text: str) -> str:
    """A whitespace-separated word list as a regex alternation, in the order written."""
    return "|".join(text.split())


# --- bylines and "by" labels ------------------------------------------------------------------

# "by" in the languages we meet.
BY_WORDS = "by|von|par|por|door"
# "Author", "Autorin", "Auteurs": the word a label or a fact box puts before the names.
AUTHOR_WORDS = r"authors?|autor(?:in|en)?|auteur(?:e|s)?"
BYLINE_LABEL = rf"{BY_WORDS}|written\s+by|words\s+by|(?:{AUTHOR_WORDS})\s*:"
# "By Jane Roe and John Doe | March 3, 2024": the label, then the names (and what follows).
BYLINE = re.compile(rf"^(?:{BYLINE_LABEL})\s+(?P<names>\S.{{1,300}})$", re.I)
# The start of a byline, for a quick test on any block: the label, then a letter.
BYLINE_START = re.compile(rf"^(?:{BYLINE_LABEL})\s+[A-Z]", re.I)
# A labelled author line in HTML: "<strong>Author</strong> Jane Doe", "Written by: Jane Doe".
LABEL_AUTHOR = re.compile(
    rf"^(?:{AUTHOR_WORDS}|written\s+by|words\s+by)\s*:?\s+(?P<value>.+)$", re.I
)
# The "by" in front of a name taken from markup ("Posted by: Jane Doe"), to strip.
BY_PREFIX = re.compile(
    rf"^\s*(?:written\s+|words\s+|posted\s+|published\s+)?(?:{BY_WORDS})[\s:]+(?=\S)", re.I
)
# "By" standing alone (its name went to another element). Italian "di" and Swedish "av" count
# only alone: before a capital they start names and words too often ("Di Maio").
BY_LABEL = re.compile(rf"^(?:(?:posted|written)\s+)?(?:{BY_WORDS}|di|av)\s*:?$", re.I)
# "by Jane Roe" inside a line: "Posted March 3, 2025 by Jane Roe".
_BY_IN_TEXT = r"[Bb]y\s+"
BY_INSIDE = re.compile(rf"\b{_BY_IN_TEXT}(?P<names>[A-Z].{{1,200}})$")
# A headline with the byline run into it: "Belarus on Loan by Anna Berg · 21.02.2025".
GLUED_BYLINE = re.compile(rf"^(?P<head>\S.{{8,250}}?)\s+(?P<byline>{_BY_IN_TEXT}[A-Z].{{1,150}})$")
# Where the names of a glued byline end: a separator, or the "on"/"at" before its date.
GLUED_NAMES_END = re.compile(r"\s+(?:[|·•—–-]|on|at)\s*|\s*[|·•]")
# Lines that open a front-matter item in plain text: "By ...", "Published: ...", "Updated ...".
# Case-sensitive: a line that starts "by" or "date" in lower case is more likely wrapped prose.
FRONT_LINE = re.compile(
    r"^(?:By|BY|Written by|Published|PUBLISHED|Updated|UPDATED|Posted|Date|Von|Par|Por)\b"
)
# What follows the names in a byline: a date, a role, a separator.
BYLINE_TAIL = re.compile(
    r"\s*(?:[|•·—–]|\s-\s|\bon\s+(?=\w+\s+\d)|\bpublished\b|\bupdated\b|\(|$).*$", re.I | re.S
)
# "by Jane Roe on" / "Jane Roe, at" once the date after it is cut off.
DATE_JOINER_TAIL = re.compile(r"[\s,|·•—–-]+(?:on|at|le|am|el|il)?[\s,|·•—–-]*$", re.I)
# "Jane Roe | Arctic Institute | 3 May 2024": the fields of a byline set with separators.
PIPE_FIELDS = re.compile(r"\s+[|·•]\s+")

# --- honorifics -------------------------------------------------------------------------------

_RETIRED_MARK = r"\((?:ret|retd)\.?\)"
HONORIFIC_WORDS = _words(
    """dr prof professor amb ambassador gen general col colonel lt maj adm admiral sen senator
    rep mr mrs ms mx sir dame rev hon dott ing"""
)
# "Dr. Jane Roe", "Amb. (ret.) John Doe": what comes off the front of a name, in one pass.
HONORIFIC = re.compile(rf"^(?:(?:{HONORIFIC_WORDS})\.?\s+|{_RETIRED_MARK}\s+)+(?=\S)", re.I)
RETIRED = re.compile(rf"\s*{_RETIRED_MARK}", re.I)

# --- name words and not-a-name words ----------------------------------------------------------

# A person's name in running text: capitalised words, the last a surname ("Dr. Jane M. Roe").
_FORENAME = r"[A-Z][\w’'.\-]*\.?"
_SURNAME = r"[A-Z][\w’'\-]+"
_PERSON = rf"(?:{_FORENAME}\s+){{1,4}}{_SURNAME}"
_PERSON_SHORT = rf"(?:{_FORENAME}\s+){{1,3}}{_SURNAME}"
# A run of capitalised words in a byline, whose last word is a surname. Unlike _PERSON it takes
# no initials, so "By Kenneth J. Howell" yields no surname; widening it changes which bios are
# kept, a change of behaviour left for its own commit.
NAME_RUN = re.compile(rf"(?:{_SURNAME}\.?\s+){{1,3}}{_SURNAME}")
# Lower-case particles inside a person's name: "Ursula von der Leyen", "Mohammed bin Salman".
NAME_PARTICLE_WORDS = frozenset("de da van von der di du la le bin al el".split())
NAME_PARTICLES = _words("de da van von der di du la le bin al el")
# One word of a line that may be names alone: capitalised with a full stop only at its end (an
# initial, "J."), or a particle; "FT.com" in "Search FT.com" is no name.
NAME_WORD = re.compile(rf"^(?:[A-Z][\w’'\-]*\.?|{NAME_PARTICLES})$")
# One word of a name in a byline, a line known to name people: full stops anywhere ("J.R.").
BYLINE_NAME_WORD = re.compile(rf"^[A-Z][\w’'.\-]*$|^(?:{NAME_PARTICLES})$")
_AND_WORDS = "and|und|et"
# What separates the names on a name line: "Jane Roe and John Doe", "Anna Berg | Piotr Nowak".
NAME_LINE_SPLIT = re.compile(rf"[\s,|·•/&]+|\b(?:{_AND_WORDS})\b", re.I)
# What separates the names in a byline: "A, B and C", "A & B", "A; B", "A | B".
NAME_SEPARATORS = re.compile(
    rf"\s*(?:,\s*(?:and\s+|&\s*)?|\s+(?:{_AND_WORDS})\s+|\s*&\s*|\s*;\s*|\s+\|\s+)\s*", re.I
)
# Capitalised words that put a line among headlines and labels, not names: title-case function
# words, and the places and topics of this domain ("How Russia Sees the West").
HEADLINE_WORD = re.compile(
    r"\b(?:The|Of|For|In|On|At|To|A|An|Is|Are|How|Why|What|Russia|Russian|Ukraine|Kremlin|"
    r"Moscow|Europe|China|West|War|Policy|Analysis|Commentary|Report|News|Updated|Published)\b"
)
# Words of section labels and kickers ("Arms Control", "Energy Security", "Central Asia") that
# are rarely a person's name; words that often are ("West", "Law", "India", "Post") are left out.
TOPIC_WORDS = frozenset(
    """affairs politics security defence defense studies program programme center centre
    institute council control arms nuclear energy economy economics trade finance climate global
    international foreign national military strategy strategic world east eastern western
    northern southern central middle asia africa americas arctic pacific atlantic baltic balkans
    caucasus sea region regional democracy rights society culture technology cyber media opinion
    commentary analysis insights perspectives review briefing update daily weekly newsletter
    blog podcast video events latest topics issues geopolitics diplomacy sanctions migration
    development governance health science business markets elections election intelligence
    information disinformation warfare conflict crisis eurasia eurasian ukraine belarus china
    iran syria europe european nato soviet history future""".split()
)
# An author value that names no person at all: a URL, an @handle, a placeholder account.
PLACEHOLDER_AUTHOR = re.compile(
    r"(https?:|www\.|@|\.com\b|^(admin|administrator|staff|editor|editors|guest|team|user|"
    r"anonymous|unknown|none|null)$)",
    re.I,
)
# Words that make a part of a byline a role, an organisation, a publication or interface text,
# not a person ("Senior Fellow", "Carnegie Endowment", "News Desk", "5 minutes read"). Its own
# list, not JOB_TITLE and ORGANISATION_WORD: it is tested on the would-be name itself, so it
# adds publication and interface words and leaves out words that are surnames too ("Head",
# "Dean", "House", "Trust").
NOT_A_NAME = re.compile(
    r"\b(?:fellow|director|senior|professor|editor|correspondent|analyst|program|programme|"
    r"cent(?:er|re)|institute|university|college|school|staff|reporter|contributor|president|"
    r"chair|department|research|associate|team|news|desk|council|foundation|endowment|agency|"
    r"press|service|ministry|group|forum|project|initiative|society|association|commission|"
    r"office|times|post|journal|review|magazine|network|media|club|bank|company|updated|"
    r"published|posted|minutes?|read|share|follow|email|online|daily|weekly|tribune|gazette|"
    r"herald|radio|tv|television|broadcasting|newsroom|editors|editorial|wire|archives?|"
    r"admin|administrator|guest|anonymous|reuters|min|views?|ago|the|of|for|about)\b",
    re.I,
)

# --- job titles and organisations -------------------------------------------------------------

# What a person is or does for a living: after a name in a byline ("Jane Roe, Senior Fellow,
# X") and in the first sentence of a bio ("... is a senior fellow at X", "... a student").
JOB_TITLE = re.compile(
    r"\b(?:fellow|scholar|director|professor|analyst|researcher|expert|editor|journalist|"
    r"correspondent|diplomat|ambassador|author|writer|associate|chair|president|head|lecturer|"
    r"manager|officer|adviser|advisor|specialist|student|candidate|member|founder|partner|"
    r"consultant|columnist|contributor|reporter|economist|historian|scientist|lawyer|dean|"
    r"staff|desk|intern|programme|program)s?\b",
    re.I,
)
ORGANISATION_WORD = re.compile(
    r"\b(?:institute|institut|cent(?:er|re)|university|universit[äé]t?|college|school|council|"
    r"foundation|stiftung|endowment|forum|society|association|commission|group|academy|"
    r"agency|ministry|programme|program|project|initiative|network|laboratory|lab|house|"
    r"observatory|corporation|trust|fund|office)\b",
    re.I,
)
# Small words inside an organisation's name ("Council on Foreign Relations", "Stiftung
# Wissenschaft und Politik"): lower case, yet part of the name.
NAME_JOINERS = frozenset(
    "of for and on in at to the de des du la le les di da del della van von der den und für y e "
    "et i &".split()
)
# "Jane Roe (Arctic Institute)": the organisation in parentheses after a name.
PARENTHESISED_ORG = re.compile(r"\s*\((?P<org>[A-Z][^()]{2,100})\)")

# --- bios -------------------------------------------------------------------------------------

# What a bio says its person does: "is", "serves as", "writes", "joined" ...
BIO_VERBS = (
    r"is|was|serves(?:\s+as)?|has\s+been|works(?:\s+as)?|writes|leads|heads|directs|teaches|"
    r"covers|researches|studies|specializes|specialises|focuses|served|worked|joined|holds|"
    r"chairs|manages|edits|reports|advises|lectures"
)
_SENIORITY = r"(?:senior|deputy|associate|assistant|executive)"
# The name, then an optional aside: "Jane Roe, a former diplomat, is ...".
_BIO_SUBJECT = rf"^(?P<name>{_PERSON})\s*(?:,[^,]{{3,100}},)?\s*,?\s+"
# "Iuliia Osmolovska is a Ukrainian foreign affairs scholar with ...": a name, then a role.
# Or "Diego Ruiz writes the X newsletter and is a researcher at Y": another verb of what the
# person does first, then (in the same sentence) the role.
BIO = re.compile(
    rf"{_BIO_SUBJECT}(?:{BIO_VERBS})\s+"
    rf"(?:an?|the|currently|also|now|formerly|{_SENIORITY}\s+)?"
    r"\w",
)
# Whose bio it is, in a text already known to be one.
BIO_NAME = re.compile(rf"{_BIO_SUBJECT}(?:{BIO_VERBS})\b")
# "Jane Roe and John Doe are fellows at X": one bio for two authors.
JOINT_BIO = re.compile(
    rf"^{_PERSON_SHORT}\s+(?:and|&)\s+(?P<name>{_PERSON_SHORT})\s+(?:are|were|both)\s+\w"
)
# Where the next bio starts in a block holding several ("A is ... . B is ..."): a stricter verb
# list than BIO's, since any sentence inside a bio may start with a name and a verb.
BIO_IN_TEXT = re.compile(
    rf"(?:^|(?<=[.!?]\s))(?P<name>{_PERSON})"
    r"(?:\s*,\s*(?:an?|the)\s[^,]{3,100},)?\s*,?\s+"  # ", a former diplomat,"
    rf"(?:(?:is|was|serves)\s+(?:an?\s|the\s|{_SENIORITY}\s|"
    r"director|head|professor|editor|chair|president|founder)|"
    r"(?:teaches|leads|heads|directs|writes|covers|researches|chairs|edits)\s)"
)
# The end of a bio's first sentence, which says what the person is now.
FIRST_SENTENCE_END = re.compile(r"[a-z)]{2}\.\s+(?=[A-Z])")

# --- affiliation leads ------------------------------------------------------------------------

_EMPLOYER_LEAD = r"\b(?:at|with)\s+"
# A bio that names an employer: "... at the Arctic Institute", "... with Chatham House".
BIO_EMPLOYER = re.compile(rf"{_EMPLOYER_LEAD}(?:the\s+)?[A-Z]")
# Where the organisation starts: "at"/"with" name the employer; "of"/"for" only when neither
# does ("director of the Carnegie Center"). "in" names places and fields, not employers.
AFFILIATION_LEADS = (
    re.compile(rf"{_EMPLOYER_LEAD}(?=\S)"),
    re.compile(r"\b(?:of|for)\s+(?=\S)"),
)
# Where the organisation's name ends: a clause, a place, a second role.
AFFILIATION_END = re.compile(
    r"(?:,(?!\s*[\w.]+-based\b)|;|\.(?:\s|$)|\s+and\s+(?=[a-z])|\s+(?:based\s+)?in\s+(?=[A-Z])|"
    r"\s+(?:where|who|since|from|until|and\s+(?:a|an)\s)\b|\s+\((?!\w+\)))"
)
# A bio that sets the role and the organisation off after the name, as a byline would:
# "Jane Roe — senior analyst, Caspian Policy Forum (Baku)", "Jane Roe, Fellow, Arctic Institute".
APPOSITIVE_START = re.compile(r"^\s*(?:[—–|,(]|-\s)")
APPOSITIVE_PARTS = re.compile(r"\s*[,;—–|()]\s*|\s+-\s+")
# Lower-case words before the organisation's proper name: "the", "a", "Kyiv-based", "think tank".
LOWERCASE_LEAD = re.compile(r"^(?:(?:the|a|an|[A-Za-z]+-based|[a-z][\w’'\-]*)\s+)+")

"""Headings and what they announce: key takeaways, the author box, "related" lists and
apparatus (notes, citation, downloads), the kicker over a headline, and the shape that tells a
heading from a sentence.
"""

from __future__ import annotations

import re

# --- key takeaways ----------------------------------------------------------------------------

# The label of a key-takeaways box or list, in every format ("Key Insights", "At a glance").
TAKEAWAYS_LABELS = (
    r"key\s+(?:takeaways?|points?|findings?|judg(?:e)?ments?|messages?|facts?|insights?)|"
    r"takeaways?|highlights?|in\s+brief|at\s+a\s+glance|main\s+points?|(?:the\s+)?bottom\s+line|"
    r"tl;?\s?dr|what\s+you\s+need\s+to\s+know|summary\s+points?"
)
TAKEAWAYS_HEADING = re.compile(rf"^(?:{TAKEAWAYS_LABELS})\W*$", re.I)
# Labels that also title ordinary sections ("Summary", "Conclusions"): takeaways only over a list.
TAKEAWAYS_IF_LIST = re.compile(
    r"^(?:(?:executive\s+)?summary|(?:key\s+|main\s+)?conclusions?|recommendations)\s*:?$", re.I
)

# --- the author box, related lists, apparatus -------------------------------------------------

ABOUT_AUTHOR_HEADING = re.compile(
    r"^about\s+(?:the\s+)?(?:authors?|contributors?|writers?)\b", re.I
)
# Lists of other articles: dropped up to the first block long enough to be text.
RELATED_HEADING = re.compile(
    r"^(?:related(?:\s+\w+){0,2}|read\s+(?:more|next|also)|more\s+(?:from|on|by|in)\b.*|"
    r"recommended(?:\s+\w+)?|further\s+reading|see\s+also|you\s+(?:may|might)\s+also\s+like.*|"
    r"most\s+(?:read|popular)|popular\s+(?:posts|articles)|latest\s+(?:news|publications)|"
    r"tags|topics|share(?:\s+this)?(?:\s+\w+)?|comments?|leave\s+a\s+(?:reply|comment))\s*:?$",
    re.I,
)
# The headings of a document's notes and sources (a PDF's notes list: rules/pages.py).
NOTES_WORDS = r"(?:end|foot)?notes|references|bibliography|sources|works\s+cited"
# Sections that are apparatus, not article: dropped up to the next heading.
APPARATUS_HEADING = re.compile(
    r"^(?:cite\s+this(?:\s+\w+)?|how\s+to\s+cite(?:\s+this(?:\s+\w+)?)?|suggested\s+citation|"
    rf"citation|{NOTES_WORDS}|"
    r"downloads?|media\s+contacts?|press\s+contacts?)\s*:?$",
    re.I,
)

# A line of apparatus in the text itself: "Cite this: Roe, J. (2025) ...", "Suggested citation:
# ...", "How to cite this article: ...".
CITATION_LINE = re.compile(
    r"^(?:cite\s+(?:this|as)(?:\s+(?:article|analysis|paper|report|publication|commentary))?|"
    r"how\s+to\s+cite(?:\s+this(?:\s+\w+)?)?|suggested\s+citation|please\s+cite\s+(?:this|as)"
    r"(?:\s+\w+)?|citation)\s*:\s*\S",
    re.I,
)
CITATION_LINE_MAX_CHARS = 600

# --- kickers ----------------------------------------------------------------------------------

# A publication-type label over the headline; ``type`` is what the record keeps.
KICKER = re.compile(
    r"^(?:[A-Z][\w&.’'-]*\s+){0,2}?"  # "RUSI Commentary", "ECFR Policy Brief"
    r"(?P<type>analysis|commentary|opinion|op-ed|report|(?:policy|issue|research)\s+brief|brief|"
    r"research\s+(?:article|report|paper|note)|"
    r"research|article|explainer|interview|q\s*&\s*a|in-depth|feature|essay|blog(?:\s+post)?|"
    r"expert\s+comment|perspectives?|(?:working|policy|research|occasional)\s+paper|"
    r"backgrounder|insight|insights|long\s+read|review)\s*:?$",
    re.I,
)

# --- headings versus sentences ----------------------------------------------------------------

# A line that ends like a sentence (or a clause): not a heading.
SENTENCE_END = re.compile(r"""[.!?…:;。！？：；]["'”’»)\]」』]*$""")
# A full stop after a word inside the line: two sentences ("A caption. (Credit)"), not a
# heading, nor a headline with a byline glued to it.
FULL_STOP_INSIDE = re.compile(r"[a-z]{2}\.\s")
# A full stop after a word, inside the line or at its end: a sentence, not the headline under a
# kicker (which may well end in "?" or ":", so this is not SENTENCE_END).
FULL_STOP_AFTER_WORD = re.compile(r"[a-z]{2}\.(?:\s|$)")

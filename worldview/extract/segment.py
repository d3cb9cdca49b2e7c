"""Step 4: cleaned blocks -> title, subtitle, key takeaways, headings, paragraphs with sentences,
images with captions and credits, pull quotes, and the bylines and datelines at the top.

Reading order drives everything: the title is the first title-like block (or the markup's title);
what sits between it and the first body paragraph is the front matter (subtitle, byline, date);
a "Key takeaways"-like heading owns the list after it; every other heading opens a section. A
single sentence set apart from the text that the body repeats is a pull quote, not a paragraph.
Sentences come from ``worldview.extract.sentences`` (knows "U.S.", "Dr.", "Jan. 5" and
quotations), with offsets into their paragraph.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from worldview.document import Block, BlockKind, CleanedDocument, Role, Segments
from worldview.errors import NoArticleError
from worldview.extract.dates import DATE_IN_TEXT
from worldview.extract.sentences import sentence_spans
from worldview.record import Content, Image, Paragraph, Sentence

TAKEAWAYS_HEADING = re.compile(
    r"^(?:key\s+(?:takeaways?|points?|findings?|judg(?:e)?ments?|messages?|facts?)|takeaways?|"
    r"highlights?|in\s+brief|at\s+a\s+glance|main\s+points?|the\s+bottom\s+line|bottom\s+line|"
    r"tl;?dr|what\s+you\s+need\s+to\s+know|summary\s+points?)\s*:?$",
    re.I,
)
# Labels that also title ordinary sections ("Summary", "Conclusions"): takeaways only over a list.
TAKEAWAYS_IF_LIST = re.compile(
    r"^(?:(?:executive\s+)?summary|(?:key\s+|main\s+)?conclusions?|recommendations)\s*:?$", re.I
)
BYLINE = re.compile(
    r"^(?:by|written\s+by|authors?\s*:|words\s+by|"
    r"von|par|por|door|autor(?:in|en)?\s*:|auteurs?\s*:)\s+(?P<names>\S.{1,300})$",
    re.I,
)
# "By" standing alone (its name went to another element), in the languages we meet.
BY_LABEL = re.compile(r"^(?:(?:posted|written)\s+)?(?:by|von|par|por|di|door|av)\s*:?$", re.I)
# A headline with the byline run into it: "Belarus on Loan by Anna Berg · 21.02.2025".
GLUED_BYLINE = re.compile(r"^(?P<head>\S.{8,250}?)\s+(?P<byline>[Bb]y\s+[A-Z].{1,150})$")
GLUED_HEAD_MAX_BLOCKS = 3
GLUED_HEAD_MAX_CHARS = 420
SENTENCE_END_INSIDE = re.compile(r"[a-z]{2}\.\s")
WEEKDAY = (
    r"(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?\.?|"
    r"(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|montag|dienstag|mittwoch|"
    r"donnerstag|freitag|samstag|sonntag)"
)
TRAILING_DATE_MAX_CHARS = 60
TRAILING_DATE = re.compile(
    rf"(?:(?:updated|published|posted)\s*:?\s*)?(?:\b(?:{WEEKDAY}),?\s+)?"
    rf"(?:{DATE_IN_TEXT.pattern})\s*$",
    re.I,
)
DATELINE_MAX_CHARS = 120
BY_NAMES_INSIDE = re.compile(r"\b[Bb]y\s+[A-Z]")
BYLINE_MAX_CHARS = 200
DATELINE_MAX_OTHER_WORDS = 8
READING_TIME = re.compile(r"^\d+\s*(?:-|\s)?\s*min(?:ute)?s?\s+read$", re.I)
TAKEAWAY_MAX_CHARS = 300
PULL_QUOTE_MIN_CHARS = 40
PULL_QUOTE_MAX_CHARS = 400
PULL_QUOTE_WINDOW = 20
ELLIPSIS = re.compile(r"\s*(?:…|\.\.\.|\[…\]|\[\.\.\.\])\s*")  # paragraphs either side
CAPTION_MAX_CHARS = 500
# A credit at the end of a caption: "(Name/Agency)", "(Photo: X)", "Photo: X", "Photo by X".
CREDIT_LABEL = (
    r"(?:photo(?:graph)?|image|picture|credit|map|chart|graphic|illustration|infographic|"
    r"video|footage|source|courtesy(?:\s+of)?)s?"
)
CREDIT_IN_PARENS = re.compile(
    rf"^(?P<caption>.*?\S)\s*[(\[](?:{CREDIT_LABEL}\s*(?:by|:|credit:)?\s*)?"
    r"(?P<credit>[^()\[\]]{2,120})[)\]]\s*\.?$",
    re.I | re.S,
)
CREDIT_TRAILER = re.compile(
    r"^(?P<caption>.*?\S)\s*(?:[|–—-]\s*|(?<=[.!?”\"])\s*)"
    rf"(?:{CREDIT_LABEL}\s*(?:by|:|credit\s*:)|(?:{CREDIT_LABEL}\s+)?courtesy(?:\s+of)?|©)\s*©?\s*"
    r"(?P<credit>[^|]{2,120}?)\.?$",
    re.I | re.S,
)
# "... in Moscow © Jane Roe": the copyright sign needs no full stop before it.
COPYRIGHT_CREDIT = re.compile(r"^(?P<caption>.*?\S)\s*©\s*(?P<credit>[^©]{2,120}?)\.?$", re.S)
# "(Institute for Digital Democracy)", "(Jane Roe)": a proper name alone in the trailing
# parentheses names the source; an aside ("(left)", "(1945)", "(centre, with Xi)") does not.
PROPER_NAME_PHRASE = re.compile(
    r"^(?:[A-Z][\w’'.&-]*|[A-Z]{2,})(?:\s+(?:[A-Z][\w’'.&-]*|of|for|and|the|on|in|de|für|und|&))+$"
    r"|^[A-Z]{2,6}$"  # an agency's acronym: "(ISW)", "(TASS)"
)
# The end of a standalone caption line: "Photo: Jane Roe", "Photograph by X", "© X".
PHOTO_CREDIT_END = re.compile(
    r"(?:[.!?”\"]\s+|\s[|–—-]\s+)(?:photo(?:graph)?|image|picture)s?\s*(?:by|:|credit\s*:)\s*"
    r"[A-Z][^.!?]{1,100}$|\s©\s*[A-Z][^.!?]{1,100}$",
    re.I,
)
CREDIT_ONLY = re.compile(
    rf"^(?:{CREDIT_LABEL}\s*(?:by|:|credit\s*:)|(?:{CREDIT_LABEL}\s+)?courtesy(?:\s+of)?\s)"
    r"\s*(?P<credit>.+)$",
    re.I,
)
# Signs that text in trailing parentheses names a photographer or agency, not an aside.
CREDIT_LABEL_START = re.compile(CREDIT_LABEL, re.I)
# Wire-service style, after the caption's last sentence: "... in Moscow. REUTERS/Maxim Shemetov"
AGENCY_CREDIT = re.compile(
    r"^(?P<caption>.*?[.!?”]|.*?\S(?=\s+[–—|-]\s))\s+(?:[–—|-]\s+)?(?P<credit>[A-Z][\w.'’&-]*(?:\s[A-Z][\w.'’&-]*){0,3}"
    r"/[A-Z][\w.'’ &/-]{1,80})$",
    re.S,
)
INNER_FULL_STOP = re.compile(r"[a-z]{2}[.!?]\s")
CREDIT_LIKE = re.compile(
    r"/|\b(?:photo|map|chart|graphic|illustration|source|getty|reuters|ap|afp|epa|tass|sputnik|ria|shutterstock|alamy|via|kremlin|"
    r"press\s+service|wikimedia|courtesy|images?|pool|anadolu|xinhua|bloomberg|times|post|"
    r"news|agency)\b",
    re.I,
)
KEY = re.compile(r"[\W_]+")
NAME_LINE_SPLIT = re.compile(r"[\s,|·•/&]+|\b(?:and|und|et)\b", re.I)
NAME_WORD = re.compile(r"^(?:[A-Z][\w’'\-]*\.?|de|da|van|von|der|di|du|la|le|bin|al|el)$")
NOT_NAME_WORD = re.compile(
    r"\b(?:The|Of|For|In|On|At|To|A|An|Is|Are|How|Why|What|Russia|Russian|Ukraine|Kremlin|"
    r"Moscow|Europe|China|West|War|Policy|Analysis|Commentary|Report|News|Updated|Published)\b"
)
# A job title or an organisation after a name in a byline ("Jane Roe, Senior Fellow, X").
ROLE_WORD = re.compile(
    r"\b(?:fellow|director|professor|editor|correspondent|analyst|researcher|scholar|chair|"
    r"president|head|lecturer|adviser|advisor|associate|expert|manager|officer|ambassador|"
    r"reporter|writer|columnist|contributor|founder|dean|economist|historian)s?\b",
    re.I,
)
ORGANISATION_WORD = re.compile(
    r"\b(?:institute|institut|cent(?:er|re)|university|universit[äé]t?|college|school|council|"
    r"foundation|stiftung|endowment|forum|society|association|commission|group|academy|"
    r"agency|ministry|programme|program|project|initiative|network|laboratory|lab|house|"
    r"observatory|corporation|trust|fund|office)\b",
    re.I,
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
UNSAFE_URL = re.compile(r"^\s*(?:javascript|vbscript|data|file)\s*:", re.I)


def _key(text: str) -> str:
    return KEY.sub(" ", text.casefold()).strip()


# --- sentences --------------------------------------------------------------------------------


def split_sentences(text: str) -> list[Sentence]:
    """Sentences of one paragraph with offsets: ``text[start:end] == sentence.text``."""
    return [
        Sentence(index=i, text=text[start:end], start=start, end=end)
        for i, (start, end) in enumerate(sentence_spans(text))
    ]


# --- captions ---------------------------------------------------------------------------------


def split_caption_credit(text: str) -> tuple[str | None, str | None]:
    """ "Caption text. (Name/Agency)" -> ("Caption text.", "Name/Agency")."""
    text = text.strip()
    if not text:
        return None, None
    if match := CREDIT_ONLY.match(text):
        return None, match.group("credit").strip(" .")
    if text.endswith((")", "]", ").", "].")):
        match = CREDIT_IN_PARENS.match(text)
        tail = match.group(0)[len(match.group("caption")) :] if match else ""
        if match and (
            CREDIT_LIKE.search(tail)
            or "©" in tail
            or PROPER_NAME_PHRASE.match(match.group("credit").strip())
        ):
            return match.group("caption").strip(), match.group("credit").strip(" ©")
    if len(text) <= CAPTION_MAX_CHARS and (match := CREDIT_TRAILER.match(text)):
        return match.group("caption").strip(), match.group("credit").strip()
    if len(text) <= CAPTION_MAX_CHARS and "©" in text and (match := COPYRIGHT_CREDIT.match(text)):
        return match.group("caption").strip(" –—-|"), match.group("credit").strip()
    if len(text) <= CAPTION_MAX_CHARS and "/" in text and (match := AGENCY_CREDIT.match(text)):
        return match.group("caption").strip(), match.group("credit").strip()
    return text, None


def _is_bare_credit(text: str) -> bool:
    """ "Reuters", "Jane Doe/AP", "Getty Images": a name, not a described scene."""
    return len(text.split()) <= 6 and not INNER_FULL_STOP.search(text) and not text.endswith(".")


def _looks_like_caption(text: str) -> bool:
    """A short standalone line that ends in a photo credit: in parentheses, or after a photo
    label or a copyright sign ("... in Bamako. Photo: Jane Roe")."""
    if len(text) > CAPTION_MAX_CHARS:
        return False
    if PHOTO_CREDIT_END.search(text) and split_caption_credit(text)[1]:
        return True
    if not text.endswith((")", "]", ").", "].")):
        return False
    match = CREDIT_IN_PARENS.match(text)
    if not match:
        return False
    credit = match.group("credit")
    return "/" in credit or CREDIT_LABEL_START.match(text[len(match["caption"]) :].strip(" (["))


# --- segmentation -----------------------------------------------------------------------------


@dataclass(slots=True)
class _Body:
    block: Block
    section: str | None
    key: str = ""  # the text folded for comparisons, computed once


def _find_title(doc: CleanedDocument) -> tuple[str, int]:
    """The title and the index of its block (-1 when it comes from the markup only)."""
    blocks = doc.blocks
    for i, block in enumerate(blocks):
        if block.role == Role.TITLE:
            return block.text, i
    for i, block in enumerate(blocks[:8]):
        if block.kind == BlockKind.HEADING and block.level == 1:
            return block.text, i
    if doc.hints.title:
        hint = _key(doc.hints.title)
        for i, block in enumerate(blocks[:8]):
            if block.kind == BlockKind.HEADING and _key(block.text) and _key(block.text) in hint:
                return block.text, i
        return doc.hints.title, -1
    for i, block in enumerate(blocks[:3]):
        if block.kind == BlockKind.HEADING:
            return block.text, i
    raise NoArticleError("no recognisable title: the text starts with body text, not a title")


def _split_glued_header(doc: CleanedDocument) -> None:
    """ "Headline by Jane Roe · 3 March 2024" as one block (markup that separates lines with
    ``<br>`` only, text pasted flat): the headline becomes the title, the rest the byline. Only
    at the top of a document whose blocks carry no title of their own."""
    blocks = doc.blocks
    titled = [i for i, b in enumerate(blocks[:8]) if b.role == Role.TITLE or _is_h1(b)]
    for i, block in enumerate(blocks[:GLUED_HEAD_MAX_BLOCKS]):
        if block.kind not in (BlockKind.PARAGRAPH, BlockKind.HEADING):
            continue
        if titled and i not in titled:
            continue  # the document has its title block: only that one may hold a byline
        text = block.text
        if len(text) > GLUED_HEAD_MAX_CHARS or "y " not in text:
            continue  # longer than headline plus byline, or no "by"/"By" at all
        match = GLUED_BYLINE.match(text)
        if match is None:
            continue
        head, byline = match.group("head").rstrip(" |·•,—–-"), match.group("byline")
        after_by = BYLINE.match(byline).group("names")
        names = DATE_IN_TEXT.split(after_by)[0]
        names = re.split(r"\s+(?:[|·•—–-]|on|at)\s*|\s*[|·•]", names)[0].strip(" ,")
        # "Russia as Seen by Ordinary Russians" is a headline: the names must be followed by a
        # date or a separator, or the markup's title must end where the byline starts.
        marked = names != after_by.strip(" ,") or (
            doc.hints.title is not None and _key(doc.hints.title).endswith(_key(head))
        )
        stated = not doc.hints.title or _key(head) in _key(doc.hints.title)
        if marked and stated and _is_name_line(names) and not SENTENCE_END_INSIDE.search(head):
            blocks[i : i + 1] = [
                Block(BlockKind.HEADING, head, level=1, role=Role.TITLE),
                Block(BlockKind.PARAGRAPH, byline, role=Role.BYLINE),
            ]
            return


def _is_h1(block: Block) -> bool:
    return block.kind == BlockKind.HEADING and block.level == 1


def _is_byline(block: Block) -> bool:
    """ "By Jane Roe" — but not "By 2030, Russia will ..." or "By contrast, ..."."""
    if block.role == Role.BYLINE:
        return True
    text = block.text
    if len(text) > BYLINE_MAX_CHARS or (text.endswith(".") and len(text) > 60):
        return False
    match = BYLINE.match(text)
    return match is not None and match.group("names")[:1].isupper()


def _is_dateline(block: Block) -> bool:
    """ "March 3, 2024", "Published: 3 March 2024 | 5 min read": a date and a few words."""
    if block.role == Role.DATELINE:
        return True
    if len(block.text) > DATELINE_MAX_CHARS or not DATE_IN_TEXT.search(block.text):
        return False
    return len(DATE_IN_TEXT.sub(" ", block.text).split()) <= DATELINE_MAX_OTHER_WORDS


def _front_matter(blocks: list[Block], start: int, segments: Segments, bios: list[str] = ()) -> int:
    """Consume subtitle, bylines and datelines after the title; return the first body index."""
    bio_names = {" ".join(b.split()[:2]) for b in bios}
    i = start
    while i < len(blocks):
        block = blocks[i]
        if block.kind == BlockKind.IMAGE or block.kind == BlockKind.LIST_ITEM:
            break
        if _is_takeaways_heading(block, blocks[i + 1] if i + 1 < len(blocks) else None):
            break
        if block.role == Role.SUBTITLE and segments.subtitle is None:
            if not _repeats_title(block.text, segments.title):
                segments.subtitle, date = _split_trailing_date(block.text)
                if date:
                    segments.datelines.append(date)
        elif BY_LABEL.match(block.text):
            # "by" alone, the name in the next block: one byline.
            following = blocks[i + 1] if i + 1 < len(blocks) else None
            if following is not None and _is_name_line(following.text):
                segments.bylines.append(f"By {following.text}")
                i += 1
        elif _is_byline(block):
            segments.bylines.append(block.text)
            if DATE_IN_TEXT.search(block.text):
                segments.datelines.append(block.text)
        elif _is_dateline(block):
            segments.datelines.append(block.text)
            # "Jane Roe | March 3, 2024", "Posted March 3, 2024 by Jane Roe": names beside the
            # date are the byline.
            rest = DATE_IN_TEXT.sub(" ", block.text)
            if _is_name_line(rest) or BY_NAMES_INSIDE.search(rest):
                segments.bylines.append(block.text)
        elif READING_TIME.match(block.text):
            pass
        elif (_is_name_line(block.text) or _is_name_with_role(block.text)) and (
            _next_to_dateline(blocks, i) or _names_a_bio(block.text, bio_names)
        ):
            segments.bylines.append(block.text)  # "Jane Roe" over or under the date
        elif segments.subtitle is None and (
            i == start
            and _is_subtitle(blocks, i, bio_names)
            or block.role in (Role.SUBTITLE, Role.EMPHASIS)
            and len(block.text) <= 300 + DATELINE_MAX_CHARS
        ):
            if _repeats_title(block.text, segments.title):
                pass  # "Home › Climate › <the title>": a breadcrumb trail, not a dek
            else:
                segments.subtitle, date = _split_trailing_date(block.text)
                if date:
                    segments.datelines.append(date)
        else:
            break
        i += 1
    return i


def _repeats_title(text: str, title: str | None) -> bool:
    return bool(title) and len(_key(title)) >= 10 and _key(title) in _key(text)


def _split_trailing_date(text: str) -> tuple[str, str | None]:
    """ "What is the secret of its recovery?Monday, 6 January 2020" (a date element run into
    the dek) -> the dek and the date."""
    offset = max(0, len(text) - TRAILING_DATE_MAX_CHARS)
    match = TRAILING_DATE.search(text, offset)  # anchored at the end: search the tail only
    if match is None or match.start() < 20:
        return text, None
    return text[: match.start()].rstrip(" |·•,—–-"), match.group(0).strip()


def _is_name_line(text: str) -> bool:
    """ "Jane Roe", "Jane Roe and John Doe", "Anna Berg | Piotr Nowak": names and joiners only."""
    words = [w for w in NAME_LINE_SPLIT.split(text) if w]
    if not 2 <= len(words) <= 12 or len(text) > 120:
        return False
    if any(w.casefold() in TOPIC_WORDS for w in words):
        return False  # "Arms Control", "Middle East": a section label, not a person
    return all(NAME_WORD.match(w) for w in words) and not NOT_NAME_WORD.search(text)


def _is_name_with_role(text: str) -> bool:
    """ "Jane Roe, Senior Fellow, Arctic Institute": a name, then a job title or employer."""
    name, comma, rest = text.partition(",")
    if not comma or len(text) > 160 or len(name.split()) > 4:
        return False
    return _is_name_line(name) and (ROLE_WORD.search(rest) or ORGANISATION_WORD.search(rest))


def _names_a_bio(text: str, bio_names: set[str]) -> bool:
    """A name line whose person has a bio below ("Dr James Nixey" + "James Nixey is ...")."""
    return any(name in text for name in bio_names)


def _next_to_dateline(blocks: list[Block], i: int) -> bool:
    return any(0 <= j < len(blocks) and _is_dateline(blocks[j]) for j in (i - 1, i + 1))


def _is_subtitle(blocks: list[Block], i: int, bio_names: set[str] = frozenset()) -> bool:
    block = blocks[i]
    if block.role == Role.SUBTITLE:
        return True
    if block.role not in (None, Role.EMPHASIS) or len(block.text) > 300:
        return False
    if block.kind not in (BlockKind.PARAGRAPH, BlockKind.HEADING):
        return False
    following = blocks[i + 1] if i + 1 < len(blocks) else None
    if block.role == Role.EMPHASIS and block.kind == BlockKind.PARAGRAPH:
        return True
    if following is None:
        return False
    # Directly followed by the byline or date, or a heading that has no text under it.
    if _is_byline(following) or _is_dateline(following):
        return True
    if _is_name_line(following.text) and _names_a_bio(following.text, bio_names):
        return True
    return block.kind == BlockKind.HEADING and following.kind == BlockKind.HEADING


def _pull_quotes(body: list[_Body]) -> set[int]:
    """Indexes of set-apart single sentences that a nearby paragraph repeats.

    Only the paragraphs within ``PULL_QUOTE_WINDOW`` of the candidate are searched: a pull quote
    sits near the passage it lifts, and a window keeps a huge document linear."""
    quotes: set[int] = set()
    for i, item in enumerate(body):
        text = item.block.text
        if not (PULL_QUOTE_MIN_CHARS <= len(text) <= PULL_QUOTE_MAX_CHARS):
            continue
        if item.block.kind not in (BlockKind.QUOTE, BlockKind.PARAGRAPH):
            continue
        neighbours = range(max(0, i - PULL_QUOTE_WINDOW), min(len(body), i + PULL_QUOTE_WINDOW + 1))
        # A pull quote may drop words with an ellipsis: every piece must be in one paragraph.
        pieces = [_key(p) for p in ELLIPSIS.split(text)] if ELLIPSIS.search(text) else [item.key]
        pieces = [p for p in pieces if len(p) >= 15] or [item.key]
        if not any(j != i and all(p in body[j].key for p in pieces) for j in neighbours):
            continue
        # A paragraph of several sentences that another repeats is a repeat, not a pull quote.
        if item.block.kind == BlockKind.QUOTE or len(sentence_spans(text)) == 1:
            quotes.add(i)
    return quotes


def segment(doc: CleanedDocument) -> Segments:
    if not doc.blocks and not doc.hints.title:
        raise NoArticleError("no article text found")
    _split_glued_header(doc)
    title, title_index = _find_title(doc)
    segments = Segments(title=title, subtitle=None, content=Content())
    blocks = doc.blocks
    if doc.hints.subtitle and title_index >= 0:
        segments.subtitle = None  # decided from the text below first; the hint is a fallback
    for block in blocks[: max(title_index, 0)]:
        if _is_byline(block):
            segments.bylines.append(block.text)
        elif _is_dateline(block):
            segments.datelines.append(block.text)
    body_start = _front_matter(blocks, title_index + 1, segments, doc.bios)
    content = segments.content

    body: list[_Body] = []
    images: list[tuple[Image, str]] = []  # image and the key of its caption
    section: str | None = None
    i = body_start
    title_key = _key(title)
    while i < len(blocks):
        block = blocks[i]
        i += 1
        if _is_takeaways_heading(block, blocks[i] if i < len(blocks) else None):
            i = _takeaways(blocks, i, content.key_takeaways)
            continue
        if block.kind == BlockKind.HEADING:
            if block.role == Role.TITLE or _key(block.text) == title_key:
                continue
            section = block.text
            content.headings.append(block.text)
        elif block.kind == BlockKind.IMAGE:
            text = block.text
            if block.credit and text.rstrip(" .)").endswith(block.credit.strip(" .")):
                # The markup gave the credit apart; the caption text still ends with it.
                text = text.rstrip(" .)")[: -len(block.credit.strip(" ."))].rstrip(" (—–-|:")
                text = re.sub(r"(?i)\b(?:photo(?:graph)?|image|credit)s?\s*(?:by|:)?$", "", text)
            caption, credit = split_caption_credit(text)
            caption = caption.strip() if caption else None
            src = None if block.src and UNSAFE_URL.match(block.src) else block.src
            credit = credit or block.credit
            images.append((Image(caption=caption, credit=credit, src=src, alt=block.alt), ""))
        elif (
            images
            and images[-1][0].caption is None
            and (block.role == Role.CAPTION or _is_caption_after_image(blocks, i - 1))
        ):
            caption, credit = split_caption_credit(block.text)
            images[-1][0].caption = caption
            images[-1][0].credit = images[-1][0].credit or credit
        elif block.role == Role.BYLINE and CREDIT_ONLY.match(block.text):
            # "Photograph by Jane Roe": the picture's credit, not the article's author.
            _, credit = split_caption_credit(block.text)
            image = images[-1][0] if images and images[-1][0].credit is None else None
            if image is not None:
                image.credit = credit
        elif BY_LABEL.match(block.text):
            continue  # "by" left behind by a byline taken apart
        elif block.role in (Role.BYLINE, Role.DATELINE):
            found = segments.bylines if block.role == Role.BYLINE else segments.datelines
            # Once the article has begun, a byline or date only counts when the header stated
            # none (an author box, a teaser's byline, a comment's date come later).
            if not (body and found):
                found.append(block.text)
        elif not body and block.kind == BlockKind.PARAGRAPH and _is_byline(block):
            segments.bylines.append(block.text)  # a byline under the lead image
            if DATE_IN_TEXT.search(block.text):
                segments.datelines.append(block.text)
        else:
            body.append(_Body(block, section, _key(block.text)))

    # Captions: "PHOTO:" lines, caption-like lines in the body; one image per caption text.
    photo_keys = {}
    for line in doc.photo_lines:
        caption, credit = split_caption_credit(line)
        if credit is None and caption and _is_bare_credit(caption):
            caption, credit = None, caption  # "PHOTO: Reuters"
        image = _match_image(images, caption) or _new_image(images)
        image.caption = image.caption or caption
        image.credit = image.credit or credit
        photo_keys[_key(line)] = image
        if caption:
            photo_keys[_key(caption)] = image
    kept: list[_Body] = []
    for item in body:
        if item.key in photo_keys:
            continue  # the caption the "PHOTO:" line gives again
        if item.block.kind == BlockKind.PARAGRAPH and _looks_like_caption(item.block.text):
            caption, credit = split_caption_credit(item.block.text)
            image = _match_image(images, caption) or _new_image(images)
            image.caption = image.caption or caption
            image.credit = image.credit or credit
            continue
        kept.append(item)
    body = kept

    quotes = _pull_quotes(body)
    for i, item in enumerate(body):
        text = item.block.text
        if i in quotes:
            if text not in content.pull_quotes:
                content.pull_quotes.append(text)
            continue
        content.paragraphs.append(
            Paragraph(
                index=len(content.paragraphs),
                section=item.section,
                text=text,
                sentences=split_sentences(text),
            )
        )
    content.images = [image for image, _ in images]
    if segments.subtitle is None and doc.hints.subtitle:
        hint = doc.hints.subtitle.strip()
        first = content.paragraphs[0].text if content.paragraphs else ""
        if (
            hint
            and _key(hint) not in _key(first)
            and _key(hint) != title_key
            and not _repeats_title(hint, title)
        ):
            segments.subtitle = hint
    if not content.paragraphs:
        raise NoArticleError("no article text found: no body paragraphs after cleaning")
    return segments


def _is_takeaways_heading(block: Block, following: Block | None) -> bool:
    """A "Key takeaways" label (heading or line), or a "Summary" label directly over a list."""
    if block.role == Role.TAKEAWAYS_HEADING:
        return True
    if block.kind not in (BlockKind.HEADING, BlockKind.PARAGRAPH) or len(block.text) > 40:
        return False
    if TAKEAWAYS_HEADING.match(block.text):
        return True
    over_list = following is not None and following.kind == BlockKind.LIST_ITEM
    return over_list and TAKEAWAYS_IF_LIST.match(block.text) is not None


def _is_caption_after_image(blocks: list[Block], i: int) -> bool:
    """A short paragraph right under a caption-less image that names a photo credit."""
    block = blocks[i]
    if i == 0 or blocks[i - 1].kind != BlockKind.IMAGE or block.kind != BlockKind.PARAGRAPH:
        return False
    if len(block.text) > CAPTION_MAX_CHARS:
        return False
    return split_caption_credit(block.text)[1] is not None


def _takeaways(blocks: list[Block], i: int, out: list[str]) -> int:
    """Items after a takeaways heading: its list, or its short paragraphs up to the next heading."""
    if i < len(blocks) and blocks[i].kind == BlockKind.LIST_ITEM:
        while i < len(blocks) and blocks[i].kind == BlockKind.LIST_ITEM:
            out.append(blocks[i].text)
            i += 1
        return i
    # Without a list: the one-sentence paragraphs that follow, up to the next heading.
    while (
        i < len(blocks)
        and blocks[i].kind == BlockKind.PARAGRAPH
        and len(blocks[i].text) <= TAKEAWAY_MAX_CHARS
        and len(sentence_spans(blocks[i].text)) == 1
        and len(out) < 8
    ):
        out.append(blocks[i].text)
        i += 1
    return i


def _match_image(images: list[tuple[Image, str]], caption: str | None) -> Image | None:
    if not caption:
        return None
    key = _key(caption)
    for image, _ in images:
        if image.caption and (
            _key(image.caption) == key or _key(split_caption_credit(image.caption)[0] or "") == key
        ):
            return image
    for image, _ in images:
        if image.caption is None:
            return image
    return None


def _new_image(images: list[tuple[Image, str]]) -> Image:
    image = Image()
    images.append((image, ""))
    return image

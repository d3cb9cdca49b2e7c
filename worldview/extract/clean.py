"""Step 3: the article's blocks and nothing else, each piece once.

The format-specific parsers turn the text into blocks (``clean_html`` for HTML, ``clean_text`` for
plain text and Markdown). The rules here apply to every format:

* a block the source repeats (a key-takeaways box shown twice, a caption under the photo and again
  in the text) is dropped, with a warning;
* side material is moved out of the body into its own fields: "PHOTO:" lines, author bios,
  disclaimers, "PUBLICATION TYPE:" lines, editor's notes;
* boilerplate that survives in the text (share and subscription prompts, "related" lists, print
  and download links, copyright lines) is dropped;
* note numbers glued to sentences ("asylum.1 The", "[^2]") and invisible characters (soft
  hyphens, zero-width spaces) are removed from the text.

A bio must be about an author the document states (byline or markup), or, when it states none,
name an employer: "Vladimir Putin, a former KGB officer, is ..." after the last long paragraph
stays in the body.
"""

from __future__ import annotations

import re

from worldview.document import Block, BlockKind, CleanedDocument, Format, MarkupHints, Role
from worldview.extract.dates import DATE_IN_TEXT
from worldview.extract.readers import read_blocks
from worldview.extract.readers.text import FRONT_LINE, looks_like_heading
from worldview.extract.segment import BY_LABEL

PHOTO_LINE = re.compile(
    r"^(?:photo|photograph|image|picture|caption|top\s+(?:image|photo)|above)"
    r"(?:\s+(?:credit|courtesy))?\s*[:：]\s*"
    r"(?P<rest>\S.*)$",
    re.I,
)
PUBLICATION_TYPE_LINE = re.compile(
    r"^(?:publication|content|article|document)\s+type\s*[:：]\s*(?P<rest>\S.*)$", re.I
)
EDITORS_NOTE = re.compile(
    r"^(?:editor[’']?s?[’']?\s+note|note\s+from\s+the\s+editors?|note\s+to\s+readers|"
    r"(?:correction|clarification)(?=\s*[:：])|update(?:\s*,?\s*[\w ,.]{3,30}\d{4})?(?=\s*:)|"
    r"note(?=\s*:\s*this\s+(?:article|analysis|piece|commentary|essay|report)\b))"
    r"\s*(?:[:：.—–-]\s*)?(?P<rest>\S.*)$",
    re.I,
)
DISCLAIMER_START = re.compile(
    r"^(?:disclaimer\s*[:：]?\s*)?(?:the\s+)?(?:views|opinions|ideas|conclusions)\s+"
    r"(?:and\s+\w+\s+)?(?:expressed|presented|contained)\b"
    r"|^(?:this|the)\s+(?:article|analysis|publication|piece|commentary|paper)\s+"
    r"(?:reflects|represents|expresses)\s+(?:only\s+)?the\s+(?:personal\s+)?(?:views|opinions)"
    r"|^disclaimer\b",
    re.I,
)
NOT_NECESSARILY = re.compile(r"\bdo(?:es)?\s+not\s+necessarily\s+(?:reflect|represent)\b", re.I)
# "Views in this article are the author's own", "Any opinions are those of the writer", "does
# not represent the official position of X", "writes in a personal capacity" (short lines only).
OWN_VIEWS = re.compile(
    r"\b(?:views|opinions)\b[^.]{0,80}\b(?:are|is|remain)\s+(?:solely\s+|entirely\s+|only\s+)?"
    r"(?:those\s+of\s+the\s+(?:authors?|writers?|contributors?)|(?:the\s+)?(?:authors?|writers?)[’']s?\s+own|"
    r"(?:his|her|their|my)\s+own)\b"
    r"|\bdo(?:es)?\s+not\s+(?:necessarily\s+)?(?:reflect|represent)\s+(?:the\s+)?(?:official\s+)?"
    r"(?:views?|positions?|opinions?|policy|policies)\s+of\b"
    r"|\b(?:writes|writing|speaks|speaking)\s+in\s+(?:a|(?:his|her|their)\s+own)\s+personal\s+capacity\b",
    re.I,
)
OWN_VIEWS_MAX_CHARS = 300
# "Iuliia Osmolovska is a Ukrainian foreign affairs scholar with ...": a name, then a role.
# Or "Diego Ruiz writes the X newsletter and is a researcher at Y": another verb of what the
# person does first, then (in the same sentence) the role.
BIO_VERBS = (
    r"is|was|serves(?:\s+as)?|has\s+been|works(?:\s+as)?|writes|leads|heads|directs|teaches|"
    r"covers|researches|studies|specializes|specialises|focuses|served|worked|joined|holds|"
    r"chairs|manages|edits|reports|advises|lectures"
)
BIO = re.compile(
    r"^(?P<name>(?:[A-Z][\w’'.\-]*\.?\s+){1,4}[A-Z][\w’'\-]+)\s*(?:,[^,]{3,100},)?\s*,?\s+"
    rf"(?:{BIO_VERBS})\s+"
    r"(?:an?|the|currently|also|now|formerly|(?:senior|deputy|associate|assistant|executive)\s+)?"
    r"\w",
)
# "Jane Roe and John Doe are fellows at X": one bio for two authors.
JOINT_BIO = re.compile(
    r"^(?:[A-Z][\w’'.\-]*\.?\s+){1,3}[A-Z][\w’'\-]+\s+(?:and|&)\s+"
    r"(?P<name>(?:[A-Z][\w’'.\-]*\.?\s+){1,3}[A-Z][\w’'\-]+)\s+(?:are|were|both)\s+\w"
)
BIO_ROLE = re.compile(
    r"\b(?:fellow|scholar|director|professor|analyst|researcher|expert|editor|journalist|"
    r"correspondent|diplomat|ambassador|author|writer|associate|chair|president|head|lecturer|"
    r"manager|officer|adviser|advisor|specialist|student|candidate|member|founder|partner|"
    r"consultant|columnist|reporter|economist|historian|scientist|lawyer|officer|dean)s?\b",
    re.I,
)
BIO_MAX_CHARS = 700
FIRST_SENTENCE_END = re.compile(r"[a-z)]{2}\.\s+(?=[A-Z])")
HEADER_BLOCKS = 10
BYLINE_START = re.compile(r"^(?:by|written\s+by|authors?\s*:|von|par|por)\s+[A-Z]", re.I)
NAME_RUN = re.compile(r"(?:[A-Z][\w’'\-]+\.?\s+){1,3}[A-Z][\w’'\-]+")
BODY_PARAGRAPH_MIN_CHARS = 300
BIO_EMPLOYER = re.compile(r"\b(?:at|with)\s+(?:the\s+)?[A-Z]")
# Author-box links glued to the bio text: "View all posts by X", "Follow her on X", "Full bio".
BIO_TRAILER = re.compile(
    r"\s*(?:view\s+all\s+(?:posts|articles)|(?:see|read)\s+(?:all|more)\s+(?:posts|articles|by)|"
    r"more\s+(?:by|from)\s+this\s+author|full\s+(?:bio|profile)|"
    r"follow\s+(?:him|her|them|me)\s+on|(?:email|contact)\s+(?:the\s+)?author)\b.*$",
    re.I | re.S,
)
ABOUT_AUTHOR_HEADING = re.compile(
    r"^about\s+(?:the\s+)?(?:authors?|contributors?|writers?)\b", re.I
)
RELATED_HEADING = re.compile(
    r"^(?:related(?:\s+\w+){0,2}|read\s+(?:more|next|also)|more\s+(?:from|on|by|in)\b.*|"
    r"recommended(?:\s+\w+)?|further\s+reading|see\s+also|you\s+(?:may|might)\s+also\s+like.*|"
    r"most\s+(?:read|popular)|popular\s+(?:posts|articles)|latest\s+(?:news|publications)|"
    r"tags|topics|share(?:\s+this)?(?:\s+\w+)?|comments?|leave\s+a\s+(?:reply|comment))\s*:?$",
    re.I,
)
# Sections that are apparatus, not article: dropped up to the next heading.
APPARATUS_HEADING = re.compile(
    r"^(?:cite\s+this(?:\s+\w+)?|how\s+to\s+cite(?:\s+this(?:\s+\w+)?)?|suggested\s+citation|"
    r"citation|(?:end|foot)?notes|references|bibliography|sources|works\s+cited|"
    r"downloads?|media\s+contacts?|press\s+contacts?)\s*:?$",
    re.I,
)
# Whole blocks that are interface text, not article text (checked on short blocks only).
BOILERPLATE = re.compile(
    r"^(?:share(?:\s+(?:this|on|via)\b.*)?|tweet|print(?:\s+this)?(?:\s+\w+)?|e-?mail(?:\s+this)?|"
    r"download(?:\s+(?:the\s+)?(?:pdf|report|full\s+\w+))?.*|"
    r"(?:subscribe|sign\s+up|register)\b.*|(?:get|receive)\s+(?:our|the)\s+.*newsletter.*|"
    r"(?:read|see)\s+(?:more|also|the\s+full)\b.*|related\s*:.*|tags?\s*:.*|topics?\s*:.*|"
    r"(?:follow\s+us|like\s+us)\b.*|advertisement|sponsored|skip\s+to\s+(?:main\s+)?content|"
    r"(?:copyright\s+)?©.*|copyright\s+\d{4}.*|all\s+rights\s+reserved.*|"
    r"(?:we|this\s+(?:site|website))\s+uses?\s+cookies\b.*|accept(?:\s+all)?\s+cookies.*|"
    r"back\s+to\s+top|(?:facebook|twitter|x|linkedin|email|whatsapp|telegram|reddit|print)"
    r"(?:\s*[|,/·•]?\s*(?:facebook|twitter|x|linkedin|email|whatsapp|telegram|reddit|print|copy\s+link))+)"
    r"\s*$",
    re.I,
)
BOILERPLATE_MAX_CHARS = 200
RELATED_ITEM_MAX_CHARS = 160
KICKER = re.compile(
    r"^(?:[A-Z][\w&.’'-]*\s+){0,2}"  # "RUSI Commentary", "ECFR Policy Brief"
    r"(?P<type>analysis|commentary|opinion|op-ed|report|(?:policy|issue|research)\s+brief|brief|"
    r"research|article|explainer|interview|q\s*&\s*a|in-depth|feature|essay|blog(?:\s+post)?|"
    r"expert\s+comment|perspectives?|(?:working|policy|research|occasional)\s+paper|"
    r"backgrounder|insight|insights|long\s+read|review)\s*:?$",
    re.I,
)
# "Home | Research | Experts | Events": a menu, in any format.
MENU_LINE = re.compile(r"^[^|•·]{1,30}(?:\s[|•·]\s[^|•·]{1,30}){2,}$")
SENTENCE_LIKE = re.compile(r"[a-z]{2}\.(?:\s|$)")
YEAR = re.compile(r"\b(?:19|20)\d\d\b")
# A note number glued to the end of a sentence or clause: "granted asylum.1 Russian aircraft",
# "the Sahel,² where", "as reported[3]". Two letters before the mark keep "pp.12", "U.S.2"
# out; a unit such as "km²" has no punctuation before its superscript.
FOOTNOTE_MARK = re.compile(
    r"(?<=[^\W\d_]{2})(?P<punct>[.,;:!?][”’\"\)]?|[”’\"\)])"
    r"(?:\d{1,3}(?=\s+[A-Z“\"‘(]|\s*$)|\d{1,3}(?=\s)(?<=[,;:]\d)|\d{1,3}(?=\s)(?<=[,;:]\d\d)"
    r"|[¹²³⁰⁴-⁹]+)"
    r"|(?<=[^\W\d_]{2})(?P<punct2>[.,;:!?”’\"\)]?)\[(?:\d{1,3}|\^[\w-]{1,20})\]"
)
# A Markdown footnote's text, "[^1]: Source ...": apparatus, dropped with the marks.
FOOTNOTE_DEFINITION = re.compile(r"^\[\^[\w-]{1,20}\]:")
# Cheap first test (a punctuation mark then a digit, or "[1"): the full pattern looks behind at
# every character, which costs more than the rest of cleaning on a long page.
FOOTNOTE_HINT = re.compile(r"[.,;:!?”’\")\]][\d¹²³⁰⁴-⁹\[]|\[[\d^]")
NUMBER_LABELS = frozenset("pp p no nos vol vols art arts para paras ch fig figs sec op nr".split())
# Soft hyphen, zero-width space, word joiner, stray BOM (ZWJ stays: emoji sequences need it).
INVISIBLE = re.compile("[\u00ad\u200b\u2060\ufeff]")
INVISIBLE_TABLE = dict.fromkeys(map(ord, "\u00ad\u200b\u2060\ufeff"))
REPEAT_MIN_CHARS = 12
KEY_NORMALISE = re.compile(r"[\W_]+")


def _key(text: str) -> str:
    return KEY_NORMALISE.sub(" ", text.casefold()).strip()


def drop_repeated_blocks(blocks: list[Block], warnings: list[str]) -> list[Block]:
    """Keep the first of blocks with the same text; report each run of dropped repeats once."""
    seen: set[str] = set()
    kept: list[Block] = []
    run: list[Block] = []

    def flush() -> None:
        if run:
            first = run[0].text[:60]
            what = "block" if len(run) == 1 else f"{len(run)} blocks"
            warnings.append(f"repeated_block_dropped: {what} repeating earlier text ('{first}')")
            run.clear()

    for block in blocks:
        key = _key(block.text) if block.text else ""
        is_repeat = key in seen and (
            len(key) >= REPEAT_MIN_CHARS or block.kind in (BlockKind.HEADING, BlockKind.LIST_ITEM)
        )
        if block.kind == BlockKind.IMAGE:
            is_repeat = False
        if is_repeat:
            run.append(block)
            continue
        flush()
        if key:
            seen.add(key)
        kept.append(block)
    flush()
    return kept


def _is_disclaimer(text: str) -> bool:
    """ "The views expressed ...", "... do not necessarily reflect ..." (the substring test first:
    a search for the phrase would scan every paragraph character by character)."""
    if DISCLAIMER_START.match(text):
        return True
    if "necessarily" in text.lower() and NOT_NECESSARILY.search(text):
        return True
    return len(text) <= OWN_VIEWS_MAX_CHARS and OWN_VIEWS.search(text) is not None


def _is_bio(block: Block, index: int, body_end: int, authors: frozenset[str]) -> bool:
    """ "Jane Roe is a senior fellow at X." under the byline or after the article's last
    paragraph; in the middle, "Vladimir Putin is a former KGB officer" is body text. Either
    way, a bio must name a stated author, or (when no author is stated) an employer."""
    if block.role == Role.BIO:
        return True
    if block.kind not in (BlockKind.PARAGRAPH, BlockKind.LIST_ITEM, BlockKind.QUOTE):
        return False
    text = block.text
    match = (BIO.match(text) or JOINT_BIO.match(text)) if len(text) <= BIO_MAX_CHARS else None
    if match is None or not BIO_ROLE.search(_first_sentence(text[match.end("name") :])):
        return False
    surname = match.group("name").split()[-1].casefold()
    is_about_an_author = surname in authors if authors else BIO_EMPLOYER.search(text) is not None
    if index > body_end:
        return is_about_an_author
    # At the top, only a short line ("... fellow at X" under the byline).
    return index < 4 and len(text) <= 300 and is_about_an_author


def _first_sentence(text: str) -> str:
    end = FIRST_SENTENCE_END.search(text)
    return text[: end.start() + 3] if end else text


def stated_author_surnames(blocks: list[Block], hints: MarkupHints) -> frozenset[str]:
    """Surnames the document states for its authors: markup authors and "By ..." lines at the
    top (a bio after the body must be about one of them)."""
    lines = list(hints.authors)
    for block in blocks[:HEADER_BLOCKS]:
        if block.role == Role.BYLINE or BYLINE_START.match(block.text):
            lines.append(block.text)
    surnames = set()
    for line in lines:
        for run in NAME_RUN.findall(line):
            surnames.add(run.split()[-1].casefold())
    return frozenset(surnames)


def _body_end(blocks: list[Block]) -> int:
    """Index of the last paragraph long enough to be article text (bios and notes come after)."""
    for i in range(len(blocks) - 1, -1, -1):
        block = blocks[i]
        if block.kind == BlockKind.PARAGRAPH and len(block.text) > BODY_PARAGRAPH_MIN_CHARS:
            if not (
                BIO.match(block.text) or JOINT_BIO.match(block.text) or _is_disclaimer(block.text)
            ):
                return i
    return int(len(blocks) * 0.66) - 1  # all short paragraphs: the last third is the tail


def _move_labelled_line(text: str, doc: CleanedDocument) -> bool:
    """ "PHOTO: ...", "PUBLICATION TYPE: ...", "Editor's note: ..." lines go to their fields."""
    if match := PHOTO_LINE.match(text):
        doc.photo_lines.append(match.group("rest").strip())
    elif match := PUBLICATION_TYPE_LINE.match(text):
        doc.publication_type = doc.publication_type or match.group("rest").strip(" .")
    elif match := EDITORS_NOTE.match(text):
        doc.notes.append(match.group("rest").strip())
    else:
        return False
    return True


def move_side_material(doc: CleanedDocument) -> None:
    """Move photo lines, bios, disclaimers, type lines and notes out of the body."""
    kept: list[Block] = []
    count = len(doc.blocks)
    body_end = _body_end(doc.blocks)
    authors = stated_author_surnames(doc.blocks, doc.hints)
    after_about_heading = False
    skipping_related = False
    dropping_section = False

    def _opens_text(i: int) -> bool:
        following = doc.blocks[i + 1] if i + 1 < count else None
        return (
            following is not None
            and following.kind == BlockKind.PARAGRAPH
            and (len(following.text) >= RELATED_ITEM_MAX_CHARS)
        )

    for index, block in enumerate(doc.blocks):
        text = block.text
        if block.kind != BlockKind.IMAGE and _move_labelled_line(text, doc):
            continue
        if MENU_LINE.match(text) and DATE_IN_TEXT.match(text):
            # "January 13, 2020 at 08:45 AM | categories: X | Comments": a post's date line.
            kept.append(Block(BlockKind.PARAGRAPH, text.split("|")[0].strip(), role=Role.DATELINE))
            continue
        if MENU_LINE.match(text) and BYLINE_START.match(text):
            kept.append(block)  # "By Jane Roe | Institute | 3 May 2024" is the byline
            continue
        if block.kind == BlockKind.HEADING and BOILERPLATE.match(text) or MENU_LINE.match(text):
            doc.warnings.append(f"boilerplate_dropped: '{text[:60]}'")
            continue
        if block.kind == BlockKind.HEADING and skipping_related and not _opens_text(index):
            continue  # a title in a "related" list, not a section of this article
        if block.kind == BlockKind.HEADING:
            after_about_heading = bool(ABOUT_AUTHOR_HEADING.match(text))
            skipping_related = bool(RELATED_HEADING.match(text)) and block.role != Role.TITLE
            dropping_section = bool(APPARATUS_HEADING.match(text)) and block.role != Role.TITLE
            if after_about_heading or skipping_related or dropping_section:
                doc.warnings.append(f"section_dropped: '{text[:60]}'")
                continue
            kept.append(block)
            continue
        if dropping_section:
            continue
        if skipping_related:
            if block.kind == BlockKind.LIST_ITEM or len(text) < RELATED_ITEM_MAX_CHARS:
                continue
            skipping_related = False
        if block.kind == BlockKind.IMAGE:
            kept.append(block)
        elif len(text) < 600 and _is_disclaimer(text):
            doc.disclaimers.append(text)
        elif after_about_heading or _is_bio(block, index, body_end, authors):
            bio = BIO_TRAILER.sub("", text).strip()
            if bio and not BY_LABEL.match(bio):  # an author box's "by" label is not a bio
                doc.bios.append(bio)
        elif len(text) <= BOILERPLATE_MAX_CHARS and BOILERPLATE.match(text):
            doc.warnings.append(f"boilerplate_dropped: '{text[:60]}'")
        else:
            kept.append(block)
    doc.blocks = kept


def lift_kicker(doc: CleanedDocument) -> None:
    """A publication-type label over the headline ("ANALYSIS", "Expert comment") is the type,
    not the title: it moves to ``publication_type``, and the first headline-like line under it
    (past any date or byline lines) becomes the title."""
    blocks = doc.blocks
    title_at = next((i for i, b in enumerate(blocks[:6]) if b.role == Role.TITLE), None)
    if title_at is None:
        return
    if title_at > 0 and KICKER.match(blocks[title_at - 1].text):
        kicker_at = title_at - 1
    elif KICKER.match(blocks[title_at].text):
        headline_at = next(
            (
                j
                for j in range(title_at + 1, min(len(blocks), title_at + 5))
                if _could_be_headline(blocks[j])
            ),
            None,
        )
        if headline_at is None:
            return
        kicker_at = title_at
        headline = blocks[headline_at]
        blocks[headline_at] = Block(BlockKind.HEADING, headline.text, level=1, role=Role.TITLE)
    else:
        return
    label = KICKER.match(blocks[kicker_at].text).group("type")
    doc.publication_type = doc.publication_type or (label.title() if label.isupper() else label)
    del blocks[kicker_at]


def _could_be_headline(block: Block) -> bool:
    text = block.text
    if block.kind not in (BlockKind.HEADING, BlockKind.PARAGRAPH) or len(text) > 250:
        return False
    if SENTENCE_LIKE.search(text) or FRONT_LINE.match(text):
        return False
    return not (YEAR.search(text) and len(text.split()) <= 6)  # a date line


def strip_footnote_markers(doc: CleanedDocument) -> None:
    """Note numbers glued to sentences are apparatus, not words: "asylum.1 The" -> "asylum.
    The" (the notes themselves go with their "Notes" section)."""
    removed = 0
    kept = []
    for block in doc.blocks:
        if FOOTNOTE_DEFINITION.match(block.text):
            removed += 1
            continue
        kept.append(block)
        if block.kind not in (BlockKind.PARAGRAPH, BlockKind.LIST_ITEM, BlockKind.QUOTE):
            continue
        if not FOOTNOTE_HINT.search(block.text):
            continue
        text, count = FOOTNOTE_MARK.subn(_keep_punctuation, block.text)
        if count:
            block.text, removed = text, removed + count
    doc.blocks = kept
    if removed:
        doc.warnings.append(f"footnote_markers_removed: {removed} note number(s) in the text")


def _keep_punctuation(match: re.Match) -> str:
    word = match.string[max(0, match.start() - 12) : match.start()].split()[-1:]
    if word and word[0].casefold() in NUMBER_LABELS:
        return match.group(0)  # "pp.12", "No.3": a page or a number, not a note
    return match.group("punct") or match.group("punct2") or ""


def drop_invisible_characters(blocks: list[Block], hints: MarkupHints) -> None:
    """Soft hyphens and zero-width spaces are layout hints, not text: "can\xaddi\xaddate" is
    "candidate" to sentences, search and theme tagging. (They arrive as ``&shy;`` in HTML, so
    this runs on the parsed blocks, not on the decoded bytes.)"""
    for block in blocks:
        if INVISIBLE.search(block.text):
            block.text = block.text.translate(INVISIBLE_TABLE)
    for name in ("title", "subtitle"):
        value = getattr(hints, name)
        if value and INVISIBLE.search(value):
            setattr(hints, name, value.translate(INVISIBLE_TABLE))


def clean(text: str, fmt: Format) -> CleanedDocument:
    blocks, hints, warnings = read_blocks(text, fmt)
    drop_invisible_characters(blocks, hints)
    doc = CleanedDocument(format=fmt, blocks=[], hints=hints, warnings=list(warnings))
    doc.blocks = drop_repeated_blocks(blocks, doc.warnings)
    if hints.publication_type and not doc.publication_type:
        doc.publication_type = hints.publication_type
    move_side_material(doc)
    strip_footnote_markers(doc)
    if fmt != Format.HTML:
        restore_title(doc)
    lift_kicker(doc)
    return doc


def restore_title(doc: CleanedDocument) -> None:
    """Plain text marks its first line as the title; when cleaning dropped that line ("Skip to
    main content"), the first headline-like block left takes the role."""
    if doc.hints.title or any(b.role == Role.TITLE for b in doc.blocks[:8]):
        return
    for i, block in enumerate(doc.blocks[:4]):
        if block.kind == BlockKind.HEADING or (
            block.kind == BlockKind.PARAGRAPH and looks_like_heading(block.text, as_title=True)
        ):
            doc.blocks[i] = Block(BlockKind.HEADING, block.text, level=1, role=Role.TITLE)
            return

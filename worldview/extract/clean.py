"""The clean step: the article's blocks and nothing else, each piece once.

The readers turn the text into blocks (``readers.html``, ``readers.text``, ``readers.markdown``).
The rules here apply to every format:

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
stays in the body. The words and patterns matched live in ``rules/``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from worldview.document import Block, BlockKind, CleanedDocument, Format, MarkupHints, Role
from worldview.extract.dates import parse_date
from worldview.extract.limits import check_block_estimate
from worldview.extract.readers import read_blocks
from worldview.extract.readers.text import looks_like_heading
from worldview.extract.rules.boilerplate import (
    AUTHOR_BOX_LINKS,
    INTERFACE_TEXT,
    INTERFACE_TEXT_MAX_CHARS,
    MENU_LINE,
)
from worldview.extract.rules.dates import DATE_IN_TEXT, YEAR
from worldview.extract.rules.people import (
    BIO,
    BIO_EMPLOYER,
    BY_LABEL,
    BYLINE_START,
    FIRST_SENTENCE_END,
    FRONT_LINE,
    JOB_TITLE,
    JOINT_BIO,
    NAME_RUN,
)
from worldview.extract.rules.scripts import latin_length
from worldview.extract.rules.sections import (
    ABOUT_AUTHOR_HEADING,
    APPARATUS_HEADING,
    CITATION_LINE,
    CITATION_LINE_MAX_CHARS,
    FULL_STOP_AFTER_WORD,
    KICKER,
    RELATED_HEADING,
)
from worldview.extract.rules.side_material import (
    DISCLAIMER_START,
    EDITORS_NOTE,
    FOOTNOTE_DEFINITION,
    FOOTNOTE_HINT,
    FOOTNOTE_MARK,
    INVISIBLE,
    INVISIBLE_CHARACTERS,
    NOT_NECESSARILY,
    NOTE_MAX_CHARS,
    NUMBER_LABELS,
    OWN_VIEWS,
    OWN_VIEWS_MAX_CHARS,
    PHOTO_LINE,
    PUBLICATION_TYPE_LINE,
    REVISION_NOTE,
    TRANSLATION_NOTE,
    UPDATE_NOTE_VERB,
)

REPEAT_MIN_CHARS = 12
HEADER_BLOCKS = 10
BODY_PARAGRAPH_MIN_CHARS = 300
DISCLAIMER_MAX_CHARS = 600
BIO_MAX_CHARS = 700
# Near the top, a bio is a short line right under the byline.
BIO_AT_TOP_BEFORE_INDEX = 4
BIO_AT_TOP_MAX_CHARS = 300
RELATED_ITEM_MAX_CHARS = 160
INVISIBLE_TABLE = dict.fromkeys(map(ord, INVISIBLE_CHARACTERS))
_NOT_A_WORD = re.compile(r"[\W_]+")

BODY_TEXT_KINDS = (BlockKind.PARAGRAPH, BlockKind.LIST_ITEM, BlockKind.QUOTE)


@lru_cache(maxsize=4096)
def comparison_key(text: str) -> str:
    """The text folded for comparing blocks: case, punctuation and spacing ignored (how this
    step finds repeats, and how segment matches captions, titles and pull quotes)."""
    return _NOT_A_WORD.sub(" ", text.casefold()).strip()


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
        key = comparison_key(block.text) if block.text else ""
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


# --- side material ----------------------------------------------------------------------------


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
    if block.kind not in BODY_TEXT_KINDS:
        return False
    text = block.text
    match = (BIO.match(text) or JOINT_BIO.match(text)) if len(text) <= BIO_MAX_CHARS else None
    if match is None or not JOB_TITLE.search(_first_sentence(text[match.end("name") :])):
        return False
    surname = match.group("name").split()[-1].casefold()
    is_about_an_author = surname in authors if authors else BIO_EMPLOYER.search(text) is not None
    if index > body_end:
        return is_about_an_author
    return (
        index < BIO_AT_TOP_BEFORE_INDEX and len(text) <= BIO_AT_TOP_MAX_CHARS and is_about_an_author
    )


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
        if (
            block.kind == BlockKind.PARAGRAPH
            and latin_length(block.text) > BODY_PARAGRAPH_MIN_CHARS
        ):
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
    elif len(text) <= NOTE_MAX_CHARS and (
        REVISION_NOTE.match(text) or TRANSLATION_NOTE.match(text)
    ):
        doc.notes.append(text)
        if not doc.hints.updated and REVISION_NOTE.match(text) and UPDATE_NOTE_VERB.search(text):
            doc.hints.updated = parse_date(text)  # "This article was updated on 11 March 2025"
    elif len(text) <= CITATION_LINE_MAX_CHARS and CITATION_LINE.match(text):
        doc.warnings.append(f"apparatus_dropped: '{text[:60]}'")
    else:
        return False
    return True


def _take_menu_line(block: Block, kept: list[Block], warnings: list[str]) -> bool:
    """Menus and interface-text headings are dropped, except a post's date or byline set out
    like a menu. True when the block was taken care of here."""
    text = block.text
    is_menu = MENU_LINE.match(text) is not None
    if is_menu and DATE_IN_TEXT.match(text):
        # "January 13, 2020 at 08:45 AM | categories: X | Comments": a post's date line.
        kept.append(Block(BlockKind.PARAGRAPH, text.split("|")[0].strip(), role=Role.DATELINE))
    elif is_menu and BYLINE_START.match(text):
        kept.append(block)  # "By Jane Roe | Institute | 3 May 2024" is the byline
    elif is_menu or block.kind == BlockKind.HEADING and INTERFACE_TEXT.match(text):
        warnings.append(f"boilerplate_dropped: '{text[:60]}'")
    else:
        return False
    return True


@dataclass(slots=True)
class _Section:
    """What the last heading opened, when it is not article: an author box, a list of related
    articles, or apparatus (notes, citation, downloads)."""

    about_author: bool = False
    related: bool = False
    apparatus: bool = False

    def open(self, heading: Block) -> bool:
        """Start the section ``heading`` opens; True when it is not article."""
        text = heading.text
        self.about_author = bool(ABOUT_AUTHOR_HEADING.match(text))
        self.related = bool(RELATED_HEADING.match(text)) and heading.role != Role.TITLE
        self.apparatus = bool(APPARATUS_HEADING.match(text)) and heading.role != Role.TITLE
        return self.about_author or self.related or self.apparatus

    def drops(self, block: Block) -> bool:
        """Apparatus runs to the next heading; a related list to the first block long enough to
        be text."""
        if self.apparatus:
            return True
        if self.related:
            if (
                block.kind == BlockKind.LIST_ITEM
                or latin_length(block.text) < RELATED_ITEM_MAX_CHARS
            ):
                return True
            self.related = False
        return False


def _opens_text(blocks: list[Block], i: int) -> bool:
    """A heading over a long paragraph opens a section, even inside a "related" list."""
    following = blocks[i + 1] if i + 1 < len(blocks) else None
    return (
        following is not None
        and following.kind == BlockKind.PARAGRAPH
        and latin_length(following.text) >= RELATED_ITEM_MAX_CHARS
    )


def _take_side_material(block: Block, doc: CleanedDocument, is_bio: bool) -> bool:
    """Move a disclaimer or bio to its field, drop interface text; True when the block went."""
    text = block.text
    if len(text) < DISCLAIMER_MAX_CHARS and _is_disclaimer(text):
        doc.disclaimers.append(text)
    elif is_bio:
        bio = AUTHOR_BOX_LINKS.sub("", text).strip()
        if bio and not BY_LABEL.match(bio):  # an author box's "by" label is not a bio
            doc.bios.append(bio)
    elif len(text) <= INTERFACE_TEXT_MAX_CHARS and INTERFACE_TEXT.match(text):
        doc.warnings.append(f"boilerplate_dropped: '{text[:60]}'")
    else:
        return False
    return True


def move_side_material(doc: CleanedDocument) -> None:
    """Move photo lines, bios, disclaimers, type lines and notes out of the body."""
    blocks = doc.blocks
    kept: list[Block] = []
    body_end = _body_end(blocks)
    authors = stated_author_surnames(blocks, doc.hints)
    section = _Section()
    for index, block in enumerate(blocks):
        if block.kind != BlockKind.IMAGE and _move_labelled_line(block.text, doc):
            continue
        if _take_menu_line(block, kept, doc.warnings):
            continue
        if block.kind == BlockKind.HEADING:
            if section.related and not _opens_text(blocks, index):
                continue  # a title in a "related" list, not a section of this article
            if section.open(block):
                doc.warnings.append(f"section_dropped: '{block.text[:60]}'")
            else:
                kept.append(block)
            continue
        if section.drops(block):
            continue
        if block.kind == BlockKind.IMAGE:
            kept.append(block)
            continue
        is_bio = section.about_author or _is_bio(block, index, body_end, authors)
        if not _take_side_material(block, doc, is_bio):
            kept.append(block)
    doc.blocks = kept


# --- kicker, title ----------------------------------------------------------------------------


def lift_kicker(doc: CleanedDocument) -> None:
    """A publication-type label over the headline ("ANALYSIS", "Expert comment") is the type,
    not the title: it moves to ``publication_type``, and the first headline-like line under it
    (past any date or byline lines) becomes the title."""
    blocks = doc.blocks
    title_at = next((i for i, b in enumerate(blocks[:6]) if b.role == Role.TITLE), None)
    if title_at is None:
        return
    if title_at > 0 and (kicker := KICKER.match(blocks[title_at - 1].text)):
        kicker_at = title_at - 1
    elif kicker := KICKER.match(blocks[title_at].text):
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
    label = kicker.group("type")
    doc.publication_type = doc.publication_type or (label.title() if label.isupper() else label)
    del blocks[kicker_at]


def _could_be_headline(block: Block) -> bool:
    text = block.text
    if block.kind not in (BlockKind.HEADING, BlockKind.PARAGRAPH) or len(text) > 250:
        return False
    if FULL_STOP_AFTER_WORD.search(text) or FRONT_LINE.match(text):
        return False
    return not (YEAR.search(text) and len(text.split()) <= 6)  # a date line


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


# --- note marks, invisible characters ---------------------------------------------------------


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
        if block.kind not in BODY_TEXT_KINDS:
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


def clean(text: str | bytes, fmt: Format) -> CleanedDocument:
    """``text``: the decoded text, or a binary document's bytes (PDF, Word)."""
    check_block_estimate(text, fmt)  # WORLDVIEW_MAX_PARAGRAPHS, before a tree is built
    blocks, hints, warnings = read_blocks(text, fmt)
    drop_invisible_characters(blocks, hints)
    doc = CleanedDocument(format=fmt, blocks=[], hints=hints, warnings=list(warnings))
    # Notes a reader found by layout (PDF, Word) are apparatus, kept apart from the body.
    doc.footnotes = [b.text for b in blocks if b.role == Role.FOOTNOTE]
    if doc.footnotes:
        blocks = [b for b in blocks if b.role != Role.FOOTNOTE]
    doc.blocks = drop_repeated_blocks(blocks, doc.warnings)
    if hints.publication_type and not doc.publication_type:
        doc.publication_type = hints.publication_type
    move_side_material(doc)
    strip_footnote_markers(doc)
    if fmt != Format.HTML:
        restore_title(doc)
    lift_kicker(doc)
    return doc

"""The segment step: cleaned blocks -> title, subtitle, key takeaways, headings, paragraphs with
sentences, images with captions and credits, pull quotes, and the bylines and datelines at the
top.

Reading order drives everything: the title is the first title-like block (or the markup's title);
what sits between it and the first body paragraph is the front matter (subtitle, byline, date);
a "Key takeaways"-like heading owns the list after it; every other heading opens a section. A
single sentence set apart from the text that the body repeats is a pull quote, not a paragraph.
Sentences come from ``worldview.extract.sentences`` (knows "U.S.", "Dr.", "Jan. 5" and
quotations), with offsets into their paragraph; images and captions from ``captions``.
"""

from __future__ import annotations

import re
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field

from worldview.document import Block, BlockKind, CleanedDocument, Role, Segments
from worldview.errors import NoArticleError
from worldview.extract.captions import (
    image_from_block,
    is_caption_after_image,
    looks_like_caption,
    place_caption,
    place_photo_lines,
    split_caption_credit,
)
from worldview.extract.clean import comparison_key
from worldview.extract.limits import (
    SentenceCounter,
    check_paragraphs,
    paragraph_split_warning,
    split_long_paragraph,
)
from worldview.extract.rules.boilerplate import READING_TIME
from worldview.extract.rules.captions import CREDIT_ONLY
from worldview.extract.rules.dates import DATE_IN_TEXT, TRAILING_DATE
from worldview.extract.rules.people import (
    BY_INSIDE,
    BY_LABEL,
    BYLINE,
    GLUED_BYLINE,
    GLUED_NAMES_END,
    HEADLINE_WORD,
    JOB_TITLE,
    NAME_LINE_SPLIT,
    NAME_WORD,
    ORGANISATION_WORD,
    TOPIC_WORDS,
)
from worldview.extract.rules.sections import (
    FULL_STOP_INSIDE,
    TAKEAWAYS_HEADING,
    TAKEAWAYS_IF_LIST,
)
from worldview.extract.rules.side_material import NOTE_LABEL
from worldview.extract.sentences import sentence_spans, split_sentences
from worldview.record import Content, Footnote, Image, Paragraph

# Of the markup's title, a heading inside it must cover to be the headline ("Headline | Site"),
# not a subheading that repeats a few of its words ("Twitter done right").
TITLE_IN_HINT_MIN_SHARE = 0.5
# With no title stated: a heading this near the top stands in, else the text's first words.
STAND_IN_HEADING_BLOCKS = 8
STAND_IN_TITLE_MAX_WORDS = 12
STAND_IN_TITLE_MAX_CHARS = 100  # CJK text has no spaces: words alone do not bound it
GLUED_HEAD_MAX_BLOCKS = 3
GLUED_HEAD_MAX_CHARS = 420
TRAILING_DATE_MAX_CHARS = 60
DATELINE_MAX_CHARS = 120
DATELINE_MAX_OTHER_WORDS = 8
BYLINE_MAX_CHARS = 200
SUBTITLE_MAX_CHARS = 300
TAKEAWAYS_LABEL_MAX_CHARS = 40
TAKEAWAY_MAX_CHARS = 300
TAKEAWAYS_MAX_PARAGRAPHS = 8
PULL_QUOTE_MIN_CHARS = 40
PULL_QUOTE_MAX_CHARS = 400
PULL_QUOTE_WINDOW = 20
PULL_QUOTE_PIECE_MIN_CHARS = 15
# Words a pull quote leaves out: the paragraphs either side of the ellipsis.
ELLIPSIS = re.compile(r"\s*(?:…|\.\.\.|\[…\]|\[\.\.\.\])\s*")


# --- title ------------------------------------------------------------------------------------


def _find_title(doc: CleanedDocument, warnings: list[str]) -> tuple[str, int]:
    """The title and the index of its block (-1 when it comes from the markup only, or stands
    in for a title the document does not state)."""
    blocks = doc.blocks
    for i, block in enumerate(blocks):
        if block.role == Role.TITLE:
            return block.text, i
    for i, block in enumerate(blocks[:8]):
        if block.kind == BlockKind.HEADING and block.level == 1:
            return block.text, i
    if doc.hints.title:
        hint = comparison_key(doc.hints.title)
        for i, block in enumerate(blocks[:8]):
            key = comparison_key(block.text)
            if block.kind == BlockKind.HEADING and key and key in hint:
                if len(key) >= TITLE_IN_HINT_MIN_SHARE * len(hint):
                    return block.text, i  # "Headline" in "Headline | Site", not a subheading
        return doc.hints.title, -1
    for i, block in enumerate(blocks[:3]):
        if block.kind == BlockKind.HEADING:
            return block.text, i
    return _stand_in_title(blocks, warnings), -1


def _stand_in_title(blocks: list[Block], warnings: list[str]) -> str:
    """No title stated (no title element, no headline, text that starts with its body): the
    first heading stands in, else the first words of the text, with a warning. The blocks all
    stay where they are: none of the body is taken for the title."""
    heading = next(
        (b for b in blocks[:STAND_IN_HEADING_BLOCKS] if b.kind == BlockKind.HEADING), None
    )
    if heading is not None:
        warnings.append(
            f"title_missing: none stated; the first heading stands in ('{heading.text[:60]}')"
        )
        return heading.text
    first = next((b.text for b in blocks if b.kind != BlockKind.IMAGE and b.text.strip()), "")
    spans = sentence_spans(first)
    sentence = first[spans[0][0] : spans[0][1]] if spans else first
    words = sentence.split()
    title = " ".join(words[:STAND_IN_TITLE_MAX_WORDS])[:STAND_IN_TITLE_MAX_CHARS]
    if len(title) < len(" ".join(words)):
        title = title.rstrip(" ,;:") + "…"
    warnings.append("title_missing: none stated; the first words of the text stand in")
    return title


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
        if _is_glued_byline(head, byline, doc.hints.title):
            blocks[i : i + 1] = [
                Block(BlockKind.HEADING, head, level=1, role=Role.TITLE),
                Block(BlockKind.PARAGRAPH, byline, role=Role.BYLINE),
            ]
            return


def _is_glued_byline(head: str, byline: str, hint_title: str | None) -> bool:
    """ "Russia as Seen by Ordinary Russians" is a headline: the names must be followed by a
    date or a separator, or the markup's title must end where the byline starts."""
    by = BYLINE.match(byline)  # a glued byline's "by Name ..." is always a BYLINE
    if by is None:
        return False
    after_by = by.group("names")
    names = DATE_IN_TEXT.split(after_by)[0]
    names = GLUED_NAMES_END.split(names)[0].strip(" ,")
    marked = names != after_by.strip(" ,") or (
        hint_title is not None and comparison_key(hint_title).endswith(comparison_key(head))
    )
    stated = not hint_title or comparison_key(head) in comparison_key(hint_title)
    return marked and stated and _is_name_line(names) and not FULL_STOP_INSIDE.search(head)


def _is_h1(block: Block) -> bool:
    return block.kind == BlockKind.HEADING and block.level == 1


def _repeats_title(text: str, title: str | None) -> bool:
    if not title:
        return False
    return len(comparison_key(title)) >= 10 and comparison_key(title) in comparison_key(text)


# --- front matter: bylines, datelines, subtitle -----------------------------------------------


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


def _is_name_line(text: str) -> bool:
    """ "Jane Roe", "Jane Roe and John Doe", "Anna Berg | Piotr Nowak": names and joiners only."""
    words = [w for w in NAME_LINE_SPLIT.split(text) if w]
    if not 2 <= len(words) <= 12 or len(text) > 120:
        return False
    if any(w.casefold() in TOPIC_WORDS for w in words):
        return False  # "Arms Control", "Middle East": a section label, not a person
    return all(NAME_WORD.match(w) for w in words) and not HEADLINE_WORD.search(text)


def _is_name_with_role(text: str) -> bool:
    """ "Jane Roe, Senior Fellow, Arctic Institute": a name, then a job title or employer."""
    name, comma, rest = text.partition(",")
    if not comma or len(text) > 160 or len(name.split()) > 4:
        return False
    return _is_name_line(name) and bool(JOB_TITLE.search(rest) or ORGANISATION_WORD.search(rest))


def _names_a_bio(text: str, bio_names: AbstractSet[str]) -> bool:
    """A name line whose person has a bio below ("Dr James Nixey" + "James Nixey is ...")."""
    return any(name in text for name in bio_names)


def _next_to_dateline(blocks: list[Block], i: int) -> bool:
    return any(0 <= j < len(blocks) and _is_dateline(blocks[j]) for j in (i - 1, i + 1))


def _is_subtitle(blocks: list[Block], i: int, bio_names: AbstractSet[str] = frozenset()) -> bool:
    block = blocks[i]
    if block.role == Role.SUBTITLE:
        return True
    if block.role not in (None, Role.EMPHASIS) or len(block.text) > SUBTITLE_MAX_CHARS:
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


def _split_trailing_date(text: str) -> tuple[str, str | None]:
    """ "What is the secret of its recovery?Monday, 6 January 2020" (a date element run into
    the dek) -> the dek and the date."""
    offset = max(0, len(text) - TRAILING_DATE_MAX_CHARS)
    match = TRAILING_DATE.search(text, offset)  # anchored at the end: search the tail only
    if match is None or match.start() < 20:
        return text, None
    return text[: match.start()].rstrip(" |·•,—–-"), match.group(0).strip()


def _set_subtitle(text: str, segments: Segments) -> None:
    """The dek, less any date run into its end; "Home › Climate › <the title>" is a breadcrumb
    trail, not a dek."""
    if not _repeats_title(text, segments.title):
        segments.subtitle, date = _split_trailing_date(text)
        if date:
            segments.datelines.append(date)


def _add_byline(text: str, segments: Segments) -> None:
    segments.bylines.append(text)
    if DATE_IN_TEXT.search(text):
        segments.datelines.append(text)  # "By Jane Roe | 3 March 2024" states the date too


def _add_dateline(text: str, segments: Segments) -> None:
    segments.datelines.append(text)
    # "Jane Roe | March 3, 2024", "Posted March 3, 2024 by Jane Roe": names beside the date
    # are the byline.
    rest = DATE_IN_TEXT.sub(" ", text)
    if _is_name_line(rest) or BY_INSIDE.search(rest):
        segments.bylines.append(text)


def _take_front_matter(
    blocks: list[Block], i: int, start: int, segments: Segments, bio_names: set[str]
) -> int:
    """How many blocks from ``i`` are front matter (recorded in ``segments``): 0 ends it."""
    block = blocks[i]
    text = block.text
    if block.role == Role.SUBTITLE and segments.subtitle is None:
        _set_subtitle(text, segments)
    elif BY_LABEL.match(text):
        # "by" alone, the name in the next block: one byline.
        following = blocks[i + 1] if i + 1 < len(blocks) else None
        if following is not None and _is_name_line(following.text):
            segments.bylines.append(f"By {following.text}")
            return 2
    elif _is_byline(block):
        _add_byline(text, segments)
    elif _is_dateline(block):
        _add_dateline(text, segments)
    elif READING_TIME.match(text):
        pass
    elif (_is_name_line(text) or _is_name_with_role(text)) and (
        _next_to_dateline(blocks, i) or _names_a_bio(text, bio_names)
    ):
        segments.bylines.append(text)  # "Jane Roe" over or under the date
    elif segments.subtitle is None and (
        i == start
        and _is_subtitle(blocks, i, bio_names)
        or block.role in (Role.SUBTITLE, Role.EMPHASIS)
        and len(text) <= SUBTITLE_MAX_CHARS + DATELINE_MAX_CHARS
    ):
        _set_subtitle(text, segments)
    else:
        return 0
    return 1


def _front_matter(blocks: list[Block], start: int, segments: Segments, bios: list[str]) -> int:
    """Consume subtitle, bylines and datelines after the title; return the first body index."""
    bio_names = {" ".join(b.split()[:2]) for b in bios}
    i = start
    while i < len(blocks):
        block = blocks[i]
        if block.kind in (BlockKind.IMAGE, BlockKind.LIST_ITEM):
            break
        if _is_takeaways_heading(block, blocks[i + 1] if i + 1 < len(blocks) else None):
            break
        taken = _take_front_matter(blocks, i, start, segments, bio_names)
        if not taken:
            break
        i += taken
    return i


# --- key takeaways ----------------------------------------------------------------------------


def _is_takeaways_heading(block: Block, following: Block | None) -> bool:
    """A "Key takeaways" label (heading or line), or a "Summary" label directly over a list."""
    if block.role == Role.TAKEAWAYS_HEADING:
        return True
    if (
        block.kind not in (BlockKind.HEADING, BlockKind.PARAGRAPH)
        or len(block.text) > TAKEAWAYS_LABEL_MAX_CHARS
    ):
        return False
    if TAKEAWAYS_HEADING.match(block.text):
        return True
    over_list = following is not None and following.kind == BlockKind.LIST_ITEM
    return over_list and TAKEAWAYS_IF_LIST.match(block.text) is not None


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
        and len(out) < TAKEAWAYS_MAX_PARAGRAPHS
    ):
        out.append(blocks[i].text)
        i += 1
    return i


# --- the body ---------------------------------------------------------------------------------


@dataclass(slots=True)
class _Body:
    block: Block
    section: str | None
    key: str = ""  # the text folded for comparisons, computed once


@dataclass(slots=True)
class _BodyWalk:
    """The blocks after the front matter, one handler per kind of block: headings open
    sections, images collect captions and credits, text blocks are body unless they are a
    caption, a credit or a late byline."""

    blocks: list[Block]
    segments: Segments
    title_key: str
    section: str | None = None
    body: list[_Body] = field(default_factory=list)
    images: list[Image] = field(default_factory=list)

    def run(self, start: int) -> None:
        blocks = self.blocks
        i = start
        while i < len(blocks):
            block = blocks[i]
            i += 1
            if _is_takeaways_heading(block, blocks[i] if i < len(blocks) else None):
                i = _takeaways(blocks, i, self.segments.content.key_takeaways)
            elif block.kind == BlockKind.HEADING:
                self.heading(block)
            elif block.kind == BlockKind.IMAGE:
                self.images.append(image_from_block(block))
            else:
                self.text(block, i - 1)

    def heading(self, block: Block) -> None:
        if block.role == Role.TITLE or comparison_key(block.text) == self.title_key:
            return
        self.section = block.text
        self.segments.content.headings.append(block.text)

    def text(self, block: Block, i: int) -> None:
        images, segments = self.images, self.segments
        if (
            images
            and images[-1].caption is None
            and (block.role == Role.CAPTION or is_caption_after_image(self.blocks, i))
        ):
            caption, credit = split_caption_credit(block.text)
            images[-1].caption = caption
            images[-1].credit = images[-1].credit or credit
        elif block.role == Role.BYLINE and CREDIT_ONLY.match(block.text):
            # "Photograph by Jane Roe": the picture's credit, not the article's author.
            if images and images[-1].credit is None:
                images[-1].credit = split_caption_credit(block.text)[1]
        elif BY_LABEL.match(block.text):
            pass  # "by" left behind by a byline taken apart
        elif block.role in (Role.BYLINE, Role.DATELINE):
            found = segments.bylines if block.role == Role.BYLINE else segments.datelines
            # Once the article has begun, a byline or date only counts when the header stated
            # none (an author box, a teaser's byline, a comment's date come later).
            if not (self.body and found):
                found.append(block.text)
        elif not self.body and block.kind == BlockKind.PARAGRAPH and _is_byline(block):
            _add_byline(block.text, segments)  # a byline under the lead image
        else:
            self.body.append(_Body(block, self.section, comparison_key(block.text)))


def _without_captions(body: list[_Body], photo_keys: set[str], images: list[Image]) -> list[_Body]:
    """The body less the captions in it: those the "PHOTO:" lines give again, and caption-like
    lines, each given to its image."""
    kept: list[_Body] = []
    for item in body:
        if item.key in photo_keys:
            continue
        if item.block.kind == BlockKind.PARAGRAPH and looks_like_caption(item.block.text):
            place_caption(images, *split_caption_credit(item.block.text))
            continue
        kept.append(item)
    return kept


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
        pieces = (
            [comparison_key(p) for p in ELLIPSIS.split(text)]
            if ELLIPSIS.search(text)
            else [item.key]
        )
        pieces = [p for p in pieces if len(p) >= PULL_QUOTE_PIECE_MIN_CHARS] or [item.key]
        if not any(j != i and all(p in body[j].key for p in pieces) for j in neighbours):
            continue
        # A paragraph of several sentences that another repeats is a repeat, not a pull quote.
        if item.block.kind == BlockKind.QUOTE or len(sentence_spans(text)) == 1:
            quotes.add(i)
    return quotes


def _add_paragraphs(body: list[_Body], content: Content, warnings: list[str]) -> None:
    """Body blocks become paragraphs with their sentences; pull quotes are set apart. Bounded
    (``worldview.extract.limits``): past WORLDVIEW_MAX_PARAGRAPHS or _MAX_SENTENCES the document
    is refused, a paragraph over WORLDVIEW_MAX_PARAGRAPH_CHARS is split at sentence ends."""
    check_paragraphs(len(body))
    quotes = _pull_quotes(body)
    sentences = SentenceCounter()
    split = 0
    for i, item in enumerate(body):
        text = item.block.text
        if i in quotes:
            if text not in content.pull_quotes:
                content.pull_quotes.append(text)
            continue
        pieces = split_long_paragraph(text)
        split += len(pieces) > 1
        for piece in pieces:
            found = split_sentences(piece)
            sentences.add(len(found))
            content.paragraphs.append(
                Paragraph(
                    index=len(content.paragraphs),
                    section=item.section,
                    text=piece,
                    sentences=found,
                )
            )
    check_paragraphs(len(content.paragraphs))
    if split:
        warnings.append(paragraph_split_warning(split))


def _subtitle_from_hint(segments: Segments, hint: str | None, title: str) -> None:
    """The markup's subtitle, when the text gave none, unless it is the lead or the title."""
    if segments.subtitle is not None or not hint:
        return
    hint = hint.strip()
    content = segments.content
    first = content.paragraphs[0].text if content.paragraphs else ""
    if (
        hint
        and comparison_key(hint) not in comparison_key(first)
        and comparison_key(hint) != comparison_key(title)
        and not _repeats_title(hint, title)
    ):
        segments.subtitle = hint


def footnote(text: str) -> Footnote:
    """ "12. Ibid., p. 4" -> label "12", text "Ibid., p. 4" (a note without a mark keeps it all)."""
    match = NOTE_LABEL.match(text)
    if match is None or match.end() >= len(text):
        return Footnote(text=text.strip())
    label = match.group("bracketed") or match.group("label")
    return Footnote(label=label, text=text[match.end() :].strip())


def segment(doc: CleanedDocument) -> Segments:
    if not doc.blocks and not doc.hints.title:
        raise NoArticleError("no article text found")
    _split_glued_header(doc)
    warnings: list[str] = []
    title, title_index = _find_title(doc, warnings)
    segments = Segments(title=title, subtitle=None, content=Content(), warnings=warnings)
    blocks = doc.blocks
    for block in blocks[: max(title_index, 0)]:
        if _is_byline(block):
            segments.bylines.append(block.text)
        elif _is_dateline(block):
            segments.datelines.append(block.text)
    body_start = _front_matter(blocks, title_index + 1, segments, doc.bios)

    walk = _BodyWalk(blocks, segments, comparison_key(title))
    walk.run(body_start)
    # Captions: "PHOTO:" lines, caption-like lines in the body; one image per caption text.
    photo_keys = place_photo_lines(doc.photo_lines, walk.images)
    body = _without_captions(walk.body, photo_keys, walk.images)
    _add_paragraphs(body, segments.content, warnings)
    segments.content.images = walk.images
    segments.content.footnotes = [footnote(text) for text in doc.footnotes if text.strip()]
    # The text's subtitle first; the markup's is a fallback.
    _subtitle_from_hint(segments, doc.hints.subtitle, title)
    if not segments.content.paragraphs:
        raise NoArticleError("no article text found: no body paragraphs after cleaning")
    return segments

"""The block emitter: walks an element in document order and emits Blocks, one handler per
element kind (headline, heading, image, figure, quote, break, caption, metadata, paragraph, list,
container), dispatched by ``Emitter.HANDLERS`` on what ``element_kind`` says the element is.

The walk is iterative (an explicit stack of frames), so 100k-deep nesting cannot overflow. Inline
children accumulate in their container's frame and become paragraphs when it closes; a <time> or
a "byline"/"date" span among them is a metadata block of its own.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import Enum, auto

from selectolax.lexbor import LexborNode

from worldview.document import Block, BlockKind, Role
from worldview.extract.readers.html.images import (
    caption_and_credit,
    credit_text,
    figure_caption,
    image_src,
    is_junk_image,
    photo_credit,
)
from worldview.extract.readers.html.nodes import (
    BR,
    MULTI_BR,
    classes,
    elements_holding,
    line_text,
    normalize_space,
    spaced_text,
)
from worldview.extract.readers.html.page_hints import parse_date
from worldview.extract.readers.html.people import byline, looks_like_person
from worldview.extract.readers.html.roles import (
    is_credit,
    is_update,
    labelled_meta,
    leads_with_date,
    role_of,
)
from worldview.extract.readers.html.teasers import (
    in_teaser,
    is_link_box,
    is_link_list,
    is_link_teaser,
    is_teaser_heading,
    link_text_map,
)
from worldview.extract.rules.boilerplate import (
    INTERFACE_LABEL,
    INTERFACE_LABEL_MAX_CHARS,
    TOOL_LINE,
    TOOL_LINE_MAX_CHARS,
)
from worldview.extract.rules.markup import (
    BLOCK_SELECTOR,
    BOLD_HEADING_LEVEL,
    CAPTION_MAX_CHARS,
    CREDIT_MAX_CHARS,
    HEADING_LEVELS,
    INLINE_TAGS,
    LIST_TAGS,
    PARAGRAPH_TAGS,
    PHOTO_BY,
    PUBLICATION_TYPES,
    PULL_QUOTE,
    ROLE_CAPTION,
    ROLE_CREDIT,
    ROLE_MAX_CHARS,
    SPAN_ROLES,
    TAG_LINE,
)
from worldview.extract.rules.people import BY_PREFIX, NOT_A_NAME
from worldview.extract.rules.scripts import (
    FULL_WIDTH_CLAUSE_END,
    FULL_WIDTH_SENTENCE_END,
    SENTENCE_STOPS,
    word_count,
)
from worldview.extract.rules.sections import TAKEAWAYS_HEADING

METADATA_ROLES = frozenset({Role.BYLINE, Role.DATELINE, Role.BIO})
HEADING_ROLES = frozenset({Role.SUBTITLE, Role.KICKER, Role.BYLINE, Role.DATELINE})
KICKER_MAX_CHARS = 60  # above the headline, a short unmarked line is a kicker or breadcrumb
PROSE_HEADING_WORDS = 12  # a heading this long ending like a sentence is a paragraph
ROLE_HEADING_MAX_CHARS = 400  # a heading inside a dek, kicker, byline or dateline takes its role
FIGURE_TEXT_MAX_CHARS = 200  # in a <figure> besides its caption: more is running text


@dataclass
class _Frame:
    """A container being walked: its remaining children and the text its inline ones gathered."""

    node: LexborNode
    children: Iterator[LexborNode]
    role: Role | None = None
    list_depth: int = 0
    in_item: bool = False
    buffer: list[str] = field(default_factory=list)
    bold: set[str] = field(default_factory=set)  # inline children wholly in <b>/<strong>


@dataclass(slots=True)
class _Element:
    """An element being handled: its own role, and the role it has with its container's."""

    node: LexborNode
    tag: str
    frame: _Frame  # its container's
    stack: list[_Frame]
    own: Role | None
    role: Role | None


class ElementKind(Enum):
    """What an element is to the emitter."""

    HEADING = auto()
    IMAGE = auto()
    FIGURE = auto()
    QUOTE = auto()
    BREAK = auto()
    CAPTION = auto()  # a caption or credit outside a <figure>
    METADATA = auto()  # byline, dateline, bio
    PARAGRAPH = auto()
    LIST = auto()
    CONTAINER = auto()  # walked into: its children are emitted


def element_kind(node: LexborNode, tag: str, role: Role | None) -> ElementKind:
    """The element's kind by tag, and by the class words that change it, in priority order."""
    if tag in HEADING_LEVELS:
        return ElementKind.HEADING
    if tag == "img":
        return ElementKind.IMAGE
    if _is_figure(node, tag):
        return ElementKind.FIGURE
    if tag == "blockquote" or (
        tag in {"aside", "div", "figure"} and PULL_QUOTE.search(classes(node))
    ):
        return ElementKind.QUOTE
    if tag in {"hr", "br"}:
        return ElementKind.BREAK
    if tag == "figcaption" or is_credit(classes(node)):
        return ElementKind.CAPTION
    return flow_kind(tag, role)


def flow_kind(tag: str, role: Role | None) -> ElementKind:
    """The kind of an element of running text (also a caption that is not one after all)."""
    if role in METADATA_ROLES:
        return ElementKind.METADATA
    if tag in PARAGRAPH_TAGS:
        return ElementKind.PARAGRAPH
    if tag in LIST_TAGS:
        return ElementKind.LIST
    return ElementKind.CONTAINER


def _is_figure(node: LexborNode, tag: str) -> bool:
    """An image with its caption; one that holds text besides its caption is a container of
    running text with an image in it (a post whose body sits in its "caption-image" box)."""
    if tag == "figure":
        found = node.css_first("img") is not None
    else:
        found = (
            tag == "div" and bool(ROLE_CAPTION.search(classes(node))) and len(node.css("img")) == 1
        )
    if not found:
        return False
    caption = figure_caption(node)
    outside = len(node.text()) - (len(caption.text()) if caption is not None else 0)
    return outside <= FIGURE_TEXT_MAX_CHARS


class Emitter:
    """Emits the blocks of the elements it is run over, in reading order, and keeps what it sets
    aside for the hints and warnings: kickers, stated dates, dropped link teasers."""

    def __init__(self, title_id: int | None) -> None:
        self.blocks: list[Block] = []
        self.title_id = title_id
        self.title_seen = title_id is None
        self.body_started = False
        self.kickers: list[str] = []
        self.seen_images: set[str] = set()
        self.has_blocks: set[int] = set()  # elements with a block element or <img> inside
        self.has_links: set[int] = set()  # elements with a link inside
        self.link_counts: dict[int, list[int]] = {}  # characters, in links, links per element
        self.article_line: set[int] = set()  # the densest run of <p> text and its ancestors
        self.stated_dates: list[str] = []  # datetime attributes of dateline <time> elements
        self.pending: list[Block] = []  # datelines split out of a byline, emitted after it
        self.dropped_links = 0  # "Read more: <a>...</a>" paragraphs left out
        self.title_line: set[int] = set()  # the headline and its ancestors
        self.stop_ids: set[int] = set()  # the walk's start and the headline's line

    # -- the walk -------------------------------------------------------------------------------

    def run(self, start: LexborNode) -> None:
        self.stop_ids = {start.mem_id} | self.title_line
        self.has_blocks = elements_holding(start, BLOCK_SELECTOR + ",img")
        self.has_links = elements_holding(start, "a")
        self.link_counts = link_text_map(start)
        stack: list[_Frame] = []
        self.handle(start, _Frame(start, iter(())), stack)
        while stack:
            frame = stack[-1]
            child = next(frame.children, None)
            if child is None:
                self.flush(frame)
                stack.pop()
                continue
            if child.is_text_node:
                frame.buffer.append(child.text_content or "")
                continue
            tag = child.tag
            if tag is None or tag.startswith("-") or child.is_comment_node:
                continue
            if child.mem_id == self.title_id:
                self.flush(frame)
                self.handle(child, frame, stack)
                continue
            if tag in INLINE_TAGS and child.mem_id not in self.has_blocks:
                self._inline(child, tag, frame, stack)
                continue
            self.flush(frame)
            self.handle(child, frame, stack)

    def _inline(self, child: LexborNode, tag: str, frame: _Frame, stack: list[_Frame]) -> None:
        """An inline child joins its container's text, unless it is a metadata block of its own."""
        child_role = role_of(child) if frame.role is None else None
        if child_role == Role.KICKER:
            label = PUBLICATION_TYPES.get(normalize_space(child.text()).lower())
            if label:  # "<span class=content-type>Commentary</span> · 15 Jan 2025"
                self.kickers.append(label)
                return
        if frame.role is None and (tag == "time" or child_role in SPAN_ROLES):
            self.flush(frame)
            self.handle(child, frame, stack)
            return
        frame.buffer.append(child.text())
        bold = [child] if tag in {"b", "strong"} else []
        if not bold and child.child is not None:
            bold = child.css("b,strong")
        for b in bold:
            frame.bold.add(line_text(b))

    def handle(self, node: LexborNode, frame: _Frame, stack: list[_Frame]) -> None:
        if node.mem_id == self.title_id:
            self.title(node)
            return
        own = role_of(node)
        if own is not None and len(node.text()) > ROLE_MAX_CHARS[own]:
            own = None  # a wrapper whose class merely mentions "author", "type", "date" ...
        tag = node.tag or ""  # the walk handles elements only, always named ("" is no known tag)
        element = _Element(node, tag, frame, stack, own, own or frame.role)
        self.HANDLERS[element_kind(node, tag, element.role)](self, element)

    def flush(self, frame: _Frame) -> None:
        """The text gathered from a container's inline children -> paragraphs."""
        if not frame.buffer:
            return
        raw = "".join(frame.buffer)
        frame.buffer.clear()
        kind = BlockKind.LIST_ITEM if frame.in_item else BlockKind.PARAGRAPH
        if frame.role in {Role.BYLINE, Role.DATELINE, Role.BIO, Role.SUBTITLE, Role.KICKER}:
            text = normalize_space(raw.replace(BR, " "))
            self._add(Block(kind, text, level=frame.list_depth, role=frame.role))
            return
        for text in _paragraphs(raw):
            if not frame.in_item and text in frame.bold and _is_heading_like(text):
                self._add(Block(BlockKind.HEADING, text, level=BOLD_HEADING_LEVEL))
                continue
            self._add(Block(kind, text, level=frame.list_depth, role=frame.role))
        frame.bold.clear()

    # -- one handler per element kind -----------------------------------------------------------

    def title(self, node: LexborNode) -> None:
        for t in node.css("time"):  # "<time>Jun 17</time> Headline": the date is no title
            if stamp := t.attributes.get("datetime"):
                self.stated_dates.append(stamp)
            if normalize_space(t.text()) != normalize_space(node.text()):
                t.decompose()
        self._add(Block(BlockKind.HEADING, normalize_space(node.text()), level=1, role=Role.TITLE))
        self.title_seen = True

    def heading(self, el: _Element) -> None:
        text, role = line_text(el.node), el.role
        if role is None and (TAG_LINE.match(text) or is_teaser_heading(el.node, text)):
            self.dropped_links += 1
            return
        h_role = Role.TAKEAWAYS_HEADING if TAKEAWAYS_HEADING.match(text) else None
        if role in HEADING_ROLES and len(text) < ROLE_HEADING_MAX_CHARS:
            h_role = role
        elif (
            role is None
            and word_count(text) >= PROSE_HEADING_WORDS
            and text.endswith((".", "!", "”", *FULL_WIDTH_SENTENCE_END))
        ):
            # A sentence set as a heading (a lede in <h4>) is prose, not a section title.
            self._add(Block(BlockKind.PARAGRAPH, text))
            return
        self._add(Block(BlockKind.HEADING, text, level=HEADING_LEVELS[el.tag], role=h_role))

    def image_element(self, el: _Element) -> None:
        self.image(el.node)

    def figure(self, el: _Element) -> None:
        self.image(el.node.css("img")[0], figure_caption(el.node))

    def quote(self, el: _Element) -> None:
        parts = [line_text(p) for p in el.node.css("p")]
        text = " ".join(p for p in parts if p) or line_text(el.node)
        self._add(Block(BlockKind.QUOTE, text, role=None if el.role == Role.KICKER else el.role))

    def skip(self, el: _Element) -> None:
        return

    def caption(self, el: _Element) -> None:
        if not self._caption_alone(el.node, el.tag):
            self.HANDLERS[flow_kind(el.tag, el.role)](self, el)

    def metadata(self, el: _Element) -> None:
        if el.own in {Role.BYLINE, Role.DATELINE} and in_teaser(el.node, self.stop_ids):
            return  # the byline or date of a teaser card for another story
        if text := self._role_text(el.node, el.role):
            self._add(Block(BlockKind.PARAGRAPH, text, role=el.role))
        for block in self.pending:
            self._add(block)
        self.pending.clear()

    def paragraph(self, el: _Element) -> None:
        node, role, in_item = el.node, el.role, el.frame.in_item
        if node.mem_id in self.has_blocks:  # an <img> inside the paragraph
            for img in node.css("img"):
                self.image(img)
        if role is None and node.mem_id in self.has_links and is_link_teaser(node):
            self.dropped_links += 1
            return
        kind = BlockKind.LIST_ITEM if in_item else BlockKind.PARAGRAPH
        raw = node.text()
        texts = [normalize_space(raw.replace(BR, " "))] if role else _paragraphs(raw)
        if role is None and not in_item and len(texts) == 1 and _all_bold(node, texts[0]):
            self._add(Block(BlockKind.HEADING, texts[0], level=BOLD_HEADING_LEVEL))
            return
        for text in texts:
            self._add(Block(kind, text, level=el.frame.list_depth, role=role))

    def item_list(self, el: _Element) -> None:
        if not is_link_list(el.node):
            self.container(el)

    def container(self, el: _Element) -> None:
        tag, frame = el.tag, el.frame
        if (
            el.role is None
            and el.node.mem_id not in self.stop_ids
            and el.node.mem_id not in self.article_line
            and el.node.mem_id in self.has_links
            and is_link_box(self.link_counts.get(el.node.mem_id))
        ):
            self.dropped_links += 1  # a box of links to other pages inside the container
            return
        depth = frame.list_depth + (1 if tag in LIST_TAGS else 0)
        in_item = frame.in_item or tag == "li"
        el.stack.append(_Frame(el.node, el.node.iter(include_text=True), el.role, depth, in_item))

    HANDLERS = {
        ElementKind.HEADING: heading,
        ElementKind.IMAGE: image_element,
        ElementKind.FIGURE: figure,
        ElementKind.QUOTE: quote,
        ElementKind.BREAK: skip,
        ElementKind.CAPTION: caption,
        ElementKind.METADATA: metadata,
        ElementKind.PARAGRAPH: paragraph,
        ElementKind.LIST: item_list,
        ElementKind.CONTAINER: container,
    }

    # -- images and captions --------------------------------------------------------------------

    def image(self, img: LexborNode, caption_node: LexborNode | None = None) -> None:
        src = image_src(img)
        if src is None or is_junk_image(img, src) or src in self.seen_images:
            return
        self.seen_images.add(src)
        caption, credit = None, None
        if caption_node is not None:
            caption, credit = caption_and_credit(caption_node)
        text = caption or ""
        if credit and credit not in text:
            text = f"{text} ({credit})".strip()
        alt = normalize_space(img.attributes.get("alt") or "") or None
        self._add(Block(BlockKind.IMAGE, text, src=src, alt=alt, role=None, credit=credit))

    def _credit_last_image(self, text: str) -> None:
        image = self.blocks[-1] if self.blocks else None
        if image is not None and image.kind is BlockKind.IMAGE and image.credit is None:
            image.credit = photo_credit(text)
            image.text = f"{image.text} ({image.credit})".strip()

    def _caption_alone(self, node: LexborNode, tag: str) -> bool:
        """A caption or credit outside a <figure>: it belongs to the image just before it.

        A credit ("Getty Images") with no image to go to is dropped, never a paragraph.
        """
        text = line_text(node)
        if not text or len(text) > CAPTION_MAX_CHARS or tag == "p":
            return False  # a paragraph ("Additional reporting by ...") is the article's own line
        for inner in node.css("p,div,li,figure,table,img"):
            if inner.mem_id != node.mem_id and (
                inner.tag != "img" or not is_junk_image(inner, image_src(inner) or "")
            ):
                return False
        credit = tag != "figcaption" or bool(ROLE_CREDIT.search(classes(node)))
        if credit and len(text) > CREDIT_MAX_CHARS:
            return False
        image = self.blocks[-1] if self.blocks else None
        if image is not None and image.kind is BlockKind.IMAGE:
            if credit and image.credit is None:
                image.credit = credit_text(text)
                image.text = f"{image.text} ({image.credit})".strip()
                return True
            if not credit and not image.text:
                image.text = text
                return True
        return credit

    # -- bylines, datelines, bios ---------------------------------------------------------------

    def _role_text(self, node: LexborNode, role: Role | None) -> str:
        if role == Role.DATELINE:
            for t in node.css("time[datetime]") if node.tag != "time" else [node]:
                if not is_update(t):
                    self.stated_dates.append(t.attributes.get("datetime") or "")
        if role == Role.BYLINE:
            return self._byline_text(node)
        if role == Role.BIO:
            parts = [line_text(p) for p in node.css("p")]
            parts = [p for p in parts if p]
            if parts:
                return " ".join(parts)
        return spaced_text(node)

    def _byline_text(self, node: LexborNode) -> str:
        self._split_dates_from_byline(node)
        text = spaced_text(node)
        names = [
            normalize_space(a.text())
            for a in node.css("a[rel~=author],[itemprop=author] [itemprop=name],a[href],li")
        ]
        names = [n for n in dict.fromkeys(names) if looks_like_person(n)]
        rest = text
        for name in names:
            rest = rest.replace(name, " ")
        # Linked names beside job titles or run together: rebuild "By A, B and C".
        glued = len(names) >= 2 and not re.search(r",|\band\b|&", text)
        if names and (glued or NOT_A_NAME.search(rest) or re.search(r"\d", rest)):
            return byline(names)
        return text

    def _split_dates_from_byline(self, node: LexborNode) -> None:
        """'By Jane Doe <time>May 2, 2025</time>' -> a byline block and a dateline block."""
        for t in node.css("time"):
            target = t
            while (parent := target.parent) is not None and parent.mem_id != node.mem_id:
                if len(parent.text()) > 80:
                    break
                target = parent
            if not is_update(t) and (stamp := t.attributes.get("datetime")):
                self.stated_dates.append(stamp)
            text = spaced_text(target)
            target.decompose()
            if text:
                self.pending.append(Block(BlockKind.PARAGRAPH, text, role=Role.DATELINE))

    # -- output ---------------------------------------------------------------------------------

    def _add(self, block: Block) -> None:
        if not block.text and block.kind is not BlockKind.IMAGE:
            return
        role = block.role  # as emitted: the checks below may clear or set it
        if self._taken_aside(block):
            return
        if role is None and block.kind in (BlockKind.PARAGRAPH, BlockKind.LIST_ITEM):
            if not self._plain_line_kept(block):
                return
        if role == Role.SUBTITLE and self.body_started:
            block.role = None
        if block.role is None and block.kind in (BlockKind.PARAGRAPH, BlockKind.QUOTE):
            self.body_started = True
        self.blocks.append(block)

    def _taken_aside(self, block: Block) -> bool:
        """Kickers and photo credits: kept for the hints and the image, not as blocks."""
        role = block.role
        if not self.title_seen and role != Role.TITLE and block.kind is not BlockKind.IMAGE:
            # Above the headline: breadcrumbs, kickers, topic labels. Keep only what has a role.
            if role == Role.KICKER or (role is None and len(block.text) < KICKER_MAX_CHARS):
                self.kickers.append(block.text)
                return True
        if role == Role.BYLINE and PHOTO_BY.match(block.text):
            self._credit_last_image(block.text)  # "Photograph by Jane Doe": not the author
            return True
        if role == Role.KICKER:
            if block.kind is BlockKind.HEADING or len(block.text) > KICKER_MAX_CHARS:
                block.role = None
                return False
            self.kickers.append(block.text)
            return True
        return False

    def _plain_line_kept(self, block: Block) -> bool:
        """Drop interface lines; a label/value line or a line above the body may get a role."""
        text = block.text
        if len(text) < INTERFACE_LABEL_MAX_CHARS and INTERFACE_LABEL.match(text):
            return False
        if len(text) < TOOL_LINE_MAX_CHARS and TOOL_LINE.match(text):
            return False
        if len(text) < 300 and TAG_LINE.match(text):
            return False
        if len(text) < 100 and (labelled := labelled_meta(text)):
            block.role, block.text = labelled
        elif not self.body_started and len(text) < 160:
            if BY_PREFIX.match(text) and len(text) < 80:
                block.role = Role.BYLINE
            elif (parse_date(text) and len(text) < 60) or leads_with_date(text):
                block.role = Role.DATELINE  # "January 13, 2020 at 08:45 | categories: ..."
            elif word_count(text) < 4 and not text.endswith(SENTENCE_STOPS):
                return False  # "· 9 min read", "Listen", "Print": interface crumbs above the body
        return True


def _paragraphs(raw: str) -> list[str]:
    """Text with <br> line breaks -> paragraphs: two breaks in a row part them, one is a space."""
    parts = MULTI_BR.split(raw)
    return [t for t in (normalize_space(p.replace(BR, " ")) for p in parts) if t]


def _is_heading_like(text: str) -> bool:
    """A short line with no closing punctuation: a subheading set in bold, not a sentence."""
    return len(text) <= 120 and not text.endswith(
        (".", ",", ";", ":", "!", "?", "”", '"', *FULL_WIDTH_SENTENCE_END, *FULL_WIDTH_CLAUSE_END)
    )


def _all_bold(node: LexborNode, text: str) -> bool:
    if not _is_heading_like(text) or node.css_first("b,strong") is None:
        return False
    bold = " ".join(line_text(b) for b in node.css("b,strong"))
    return len(bold) >= len(text)

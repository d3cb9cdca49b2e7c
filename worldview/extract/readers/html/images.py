"""Images worth a block (not icons, avatars, tracking pixels): source, caption and credit."""

from __future__ import annotations

from selectolax.lexbor import LexborNode

from worldview.extract.readers.html.nodes import classes, line_text
from worldview.extract.rules.markup import (
    CREDIT_PREFIX,
    IMAGE_JUNK,
    JUNK_IMAGE_MAX_PX,
    LAZY_SRC_ATTRIBUTES,
    PHOTO_BY,
    ROLE_CAPTION,
    ROLE_CREDIT,
)

CITED_CREDIT_MAX_CHARS = 120


def image_src(img: LexborNode) -> str | None:
    attrs = img.attributes
    src = attrs.get("src")
    if not src or src.startswith("data:"):
        for key in LAZY_SRC_ATTRIBUTES:
            if value := attrs.get(key):
                src = value.strip().split(",")[0].split()[0] if value.strip() else None
                break
    if not src or src.startswith("data:"):
        return None
    return src.strip()


def is_junk_image(img: LexborNode, src: str) -> bool:
    attrs = img.attributes
    for dim in ("width", "height"):
        value = (attrs.get(dim) or "").strip().removesuffix("px")
        if value.isdigit() and int(value) <= JUNK_IMAGE_MAX_PX:
            return True
    return bool(IMAGE_JUNK.search(f"{classes(img)} {src.rsplit('/', 1)[-1]}"))


def figure_caption(figure: LexborNode) -> LexborNode | None:
    """The <figcaption>, or an element whose class names it the caption (not one with an image)."""
    caption = figure.css_first("figcaption")
    if caption is None:
        for n in figure.css("[class]"):
            if ROLE_CAPTION.search(classes(n)) and n.css_first("img") is None:
                return n
    return caption


def caption_and_credit(caption_node: LexborNode) -> tuple[str | None, str | None]:
    """The caption's text and the credit set apart in it; the credit's elements are removed."""
    credit = None
    credit_nodes = [n for n in caption_node.css("[class],[id]") if ROLE_CREDIT.search(classes(n))]
    if not credit_nodes:  # <figcaption>Caption. <cite>Jane Doe/AP</cite></figcaption>
        last = caption_node.last_child
        while last is not None and last.is_text_node and not last.text().strip():
            last = last.prev
        if (
            last is not None
            and last.tag in {"cite", "small"}
            and len(last.text()) < CITED_CREDIT_MAX_CHARS
        ):
            credit_nodes = [last]
    if credit_nodes:
        credit = credit_text(line_text(credit_nodes[0]))
        for n in credit_nodes:
            if n.parent is not None:
                n.decompose()
    return line_text(caption_node) or None, credit


def credit_text(text: str) -> str | None:
    """'Photo: Jane Doe/AP' -> 'Jane Doe/AP'."""
    return CREDIT_PREFIX.sub("", text).strip(" ()[]") or None


def photo_credit(text: str) -> str | None:
    """'Photograph by Jane Doe' -> 'Jane Doe': a byline that credits the image above it."""
    return credit_text(PHOTO_BY.sub("", text))

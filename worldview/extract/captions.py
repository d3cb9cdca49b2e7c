"""Images and their captions for the segment step: the credit split off a caption ("... in Kyiv.
(Jane Roe/AP)" -> caption and credit), caption lines found in the text, and "PHOTO:" lines each
matched to the image they describe. The credit patterns live in ``rules.captions``.
"""

from __future__ import annotations

from worldview.document import Block, BlockKind
from worldview.extract.clean import comparison_key
from worldview.extract.rules.captions import (
    AGENCY_CREDIT,
    COPYRIGHT_CREDIT,
    CREDIT_IN_PARENS,
    CREDIT_LABEL_AT_END,
    CREDIT_LABEL_START,
    CREDIT_LIKE,
    CREDIT_ONLY,
    CREDIT_TRAILER,
    INNER_SENTENCE_END,
    PHOTO_CREDIT_END,
    PROPER_NAME_PHRASE,
    UNSAFE_URL,
)
from worldview.record import Image

CAPTION_MAX_CHARS = 500
BARE_CREDIT_MAX_WORDS = 6
_CLOSING_BRACKETS = (")", "]", ").", "].")


def split_caption_credit(text: str) -> tuple[str | None, str | None]:
    """ "Caption text. (Name/Agency)" -> ("Caption text.", "Name/Agency")."""
    text = text.strip()
    if not text:
        return None, None
    if match := CREDIT_ONLY.match(text):
        return None, match.group("credit").strip(" .")
    if text.endswith(_CLOSING_BRACKETS):
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


def is_bare_credit(text: str) -> bool:
    """ "Reuters", "Jane Doe/AP", "Getty Images": a name, not a described scene."""
    return (
        len(text.split()) <= BARE_CREDIT_MAX_WORDS
        and not INNER_SENTENCE_END.search(text)
        and not text.endswith(".")
    )


def looks_like_caption(text: str) -> bool:
    """A short standalone line that ends in a photo credit: in parentheses, or after a photo
    label or a copyright sign ("... in Bamako. Photo: Jane Roe")."""
    if len(text) > CAPTION_MAX_CHARS:
        return False
    if PHOTO_CREDIT_END.search(text) and split_caption_credit(text)[1]:
        return True
    if not text.endswith(_CLOSING_BRACKETS):
        return False
    match = CREDIT_IN_PARENS.match(text)
    if not match:
        return False
    credit = match.group("credit")
    return "/" in credit or bool(
        CREDIT_LABEL_START.match(text[len(match["caption"]) :].strip(" (["))
    )


def is_caption_after_image(blocks: list[Block], i: int) -> bool:
    """A short paragraph right under a caption-less image that names a photo credit."""
    block = blocks[i]
    if i == 0 or blocks[i - 1].kind != BlockKind.IMAGE or block.kind != BlockKind.PARAGRAPH:
        return False
    if len(block.text) > CAPTION_MAX_CHARS:
        return False
    return split_caption_credit(block.text)[1] is not None


def image_from_block(block: Block) -> Image:
    """An image block's caption and credit (the markup's, else split off the caption), and its
    source unless the scheme is unsafe."""
    text = block.text
    if block.credit and text.rstrip(" .)").endswith(block.credit.strip(" .")):
        # The markup gave the credit apart; the caption text still ends with it.
        text = text.rstrip(" .)")[: -len(block.credit.strip(" ."))].rstrip(" (—–-|:")
        text = CREDIT_LABEL_AT_END.sub("", text)
    caption, credit = split_caption_credit(text)
    caption = caption.strip() if caption else None
    src = None if block.src and UNSAFE_URL.match(block.src) else block.src
    return Image(caption=caption, credit=credit or block.credit, src=src, alt=block.alt)


def place_caption(images: list[Image], caption: str | None, credit: str | None) -> None:
    """Give a caption found apart from its image to the image it describes: the one with the
    same caption, else the first without one, else a new image."""
    image = _match_image(images, caption)
    if image is None:
        image = Image()
        images.append(image)
    image.caption = image.caption or caption
    image.credit = image.credit or credit


def place_photo_lines(photo_lines: list[str], images: list[Image]) -> set[str]:
    """Captions from "PHOTO:" lines; returns the keys of the lines and their captions, which
    the body may repeat."""
    keys: set[str] = set()
    for line in photo_lines:
        caption, credit = split_caption_credit(line)
        if credit is None and caption and is_bare_credit(caption):
            caption, credit = None, caption  # "PHOTO: Reuters"
        place_caption(images, caption, credit)
        keys.add(comparison_key(line))
        if caption:
            keys.add(comparison_key(caption))
    return keys


def _match_image(images: list[Image], caption: str | None) -> Image | None:
    if not caption:
        return None
    key = comparison_key(caption)
    for image in images:
        if image.caption and (
            comparison_key(image.caption) == key
            or comparison_key(split_caption_credit(image.caption)[0] or "") == key
        ):
            return image
    for image in images:
        if image.caption is None:
            return image
    return None

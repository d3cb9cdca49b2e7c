"""PDF reader: a PDF's text layer -> the article's blocks in reading order, hints, warnings.

The text layer is read with pdfium (pypdfium2: Chrome's PDF engine, Apache-2.0/BSD; ~10x the
speed of pdfminer.six, and it gives each character's box, size and font). Then, from layout
only (positions, sizes, weights, page geometry, what repeats from page to page), never rules
for one producer:

1. ``chars``: each page's characters -> lines (note marks dropped), pictures, drawn bullets;
2. ``layout``: page furniture removed (running headers and footers, page numbers, a browser's
   print header and footer, banners printed on every page); lines -> boxes (paragraphs,
   headings, items); boxes in reading order (columns, sidebars) by XY cuts;
3. ``blocks``: boxes -> blocks with roles (title, subtitle, headings, captions, quotes, list
   items, footnotes and endnotes), paragraphs rejoined across column and page breaks, hyphens
   of the typesetter undone (``text``).

The document's properties are hints only: its Title when the page shows no title (never a file
name), its Author only when the first page prints that name; its creation date never (a record's
``published`` is a date the document states).

Refused with a reason: an encrypted PDF, a damaged or truncated one, more pages than
``WORLDVIEW_MAX_PAGES``, and a scan without a text layer (OCR is not done here).
"""

from __future__ import annotations

from collections import Counter

import pypdfium2 as pdfium

from worldview.document import Block, MarkupHints
from worldview.errors import NoArticleError, PipelineError, UnsupportedInputError
from worldview.extract.readers.pdf.blocks import build_blocks
from worldview.extract.readers.pdf.chars import Fonts, Page, read_page
from worldview.extract.readers.pdf.layout import (
    Box,
    line_gap,
    make_boxes,
    reading_order,
    remove_furniture,
)
from worldview.extract.rules.pages import JUNK_AUTHOR, JUNK_TITLE

STEP = "clean"
EOF_WINDOW = 2048
# Fewer characters than this per page, on pages with pictures, is a scan without a text layer.
SCANNED_CHARS_PER_PAGE = 20


def _open(data: bytes) -> pdfium.PdfDocument:
    if b"%%EOF" not in data[-EOF_WINDOW:]:
        raise UnsupportedInputError(
            "truncated PDF: no end-of-file marker (%%EOF), the file was cut short", step=STEP
        )
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        reason = str(exc)
        if "password" in reason.lower():
            raise UnsupportedInputError(
                "encrypted PDF: it needs a password to open", step=STEP
            ) from None
        raise UnsupportedInputError(
            f"damaged PDF: pdfium cannot open it ({reason})", step=STEP
        ) from None


def _read_pages(document: pdfium.PdfDocument, max_pages: int) -> list[Page]:
    count = len(document)
    if count > max_pages:
        raise UnsupportedInputError(
            f"{count} pages is over the {max_pages}-page limit (WORLDVIEW_MAX_PAGES)", step=STEP
        )
    if count == 0:
        raise NoArticleError("the PDF has no pages", step=STEP)
    pages = []
    for number in range(count):
        page = document[number]
        fonts = Fonts()  # per page: an object's address is reused once its page is closed
        try:
            textpage = page.get_textpage()
            try:
                pages.append(read_page(page.raw, textpage.raw, number, fonts))
            finally:
                textpage.close()
        except pdfium.PdfiumError as exc:
            raise UnsupportedInputError(
                f"damaged PDF: page {number + 1}: {exc}", step=STEP
            ) from None
        finally:
            page.close()
    return pages


def _check_text_layer(pages: list[Page]) -> None:
    chars = sum(len(line.text) for page in pages for line in page.lines)
    pictured = sum(1 for page in pages if page.pictures)
    if chars >= SCANNED_CHARS_PER_PAGE * len(pages) or chars >= 2000:
        return
    if pictured >= max(1, len(pages) // 2):
        raise UnsupportedInputError(
            f"scanned PDF without a text layer ({len(pages)} page(s) of images, {chars} "
            "characters of text): OCR is not supported",
            step=STEP,
        )
    if chars == 0:
        raise NoArticleError("the PDF has no text", step=STEP)


def _body_size(pages: list[Page]) -> float:
    sizes: Counter[float] = Counter()
    for page in pages:
        for line in page.lines:
            sizes[round(line.size * 2) / 2] += len(line.text)
    return sizes.most_common(1)[0][0] if sizes else 10.0


def _hints(document: pdfium.PdfDocument, pages: list[Page]) -> MarkupHints:
    """The Title and Author properties, as fallbacks the page must bear out."""
    try:
        meta = document.get_metadata_dict(skip_empty=True)
    except pdfium.PdfiumError:
        meta = {}
    hints = MarkupHints()
    title = " ".join(str(meta.get("Title", "")).split())
    if title and not JUNK_TITLE.search(title):
        hints.title = title
    author = " ".join(str(meta.get("Author", "")).split())
    first_page = " ".join(line.text for line in pages[0].lines) if pages else ""
    if author and not JUNK_AUTHOR.match(author) and author in first_page:
        hints.authors = [author]
    return hints


def pdf_to_blocks(data: bytes) -> tuple[list[Block], MarkupHints, list[str]]:
    """The blocks of a PDF document, the hints its properties give, and what reading dropped."""
    from worldview.settings import get_settings

    document = _open(data)
    try:
        pages = _read_pages(document, get_settings().max_pages)
        _check_text_layer(pages)
        hints = _hints(document, pages)
    except PipelineError:
        raise
    finally:
        document.close()
    warnings: list[str] = []
    furniture = remove_furniture(pages)
    if furniture.removed:
        examples = "', '".join(furniture.examples)
        warnings.append(
            f"page_furniture_removed: {furniture.removed} line(s) of headers, footers and page "
            f"numbers ('{examples}')"
        )
    marked_lines = sum(page.notes_removed for page in pages)
    if marked_lines:
        warnings.append(
            f"footnote_markers_removed: note marks in {marked_lines} line(s) of the text"
        )
    body_size = _body_size(pages)
    gap = line_gap(pages, body_size)
    ordered: list[Box] = []
    for page in pages:
        boxes = make_boxes(page, gap) + [Box([], picture=p) for p in page.pictures]
        ordered += reading_order(boxes)
    marks = {page.number: page.marks_removed for page in pages}
    blocks = build_blocks(ordered, body_size, hints.title, marks)
    if not blocks:
        raise NoArticleError("the PDF has no text once page furniture is removed", step=STEP)
    return blocks, hints, warnings

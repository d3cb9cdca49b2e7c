"""Readers: one per format, each turning decoded text into ``Block``s in reading order plus the
``MarkupHints`` the markup states outright. Cleaning, segmentation and metadata work on blocks
only, so a new format is a new reader here and one line in ``read_blocks``. PDF and Word read
bytes (``DecodedText.data``), the others decoded text.
"""

from __future__ import annotations

import re

from worldview.document import Block, Format, MarkupHints
from worldview.extract.readers import html, markdown, text
from worldview.extract.readers.docx import docx_to_blocks
from worldview.extract.readers.pdf import pdf_to_blocks

RAW_CODE_OPEN = re.compile(r"<(script|style|noscript|iframe|template)\b", re.I)


def strip_raw_code(text: str, warnings: list[str]) -> str:
    """Drop ``<script>``/``<style>`` elements pasted into text or Markdown (linear: no regex
    backtracking over an unclosed tag; an unclosed one runs to the end, as in a browser)."""
    if "<" not in text or not RAW_CODE_OPEN.search(text):
        return text
    parts: list[str] = []
    pos = dropped = 0
    lower = text.lower()
    while match := RAW_CODE_OPEN.search(text, pos):
        parts.append(text[pos : match.start()])
        close = lower.find(f"</{match.group(1).lower()}", match.end())
        end = len(text) if close == -1 else lower.find(">", close) + 1 or len(text)
        pos = end
        dropped += 1
    parts.append(text[pos:])
    warnings.append(f"markup_dropped: {dropped} script/style element(s) in the text")
    return "".join(parts)


def read_blocks(source: str | bytes, fmt: Format) -> tuple[list[Block], MarkupHints, list[str]]:
    """The document's blocks, what its markup states, and warnings about what reading dropped."""
    if isinstance(source, bytes):
        if fmt == Format.PDF:
            return pdf_to_blocks(source)
        if fmt == Format.DOCX:
            return docx_to_blocks(source)
        raise ValueError(f"{fmt} is read from text, not bytes")
    if fmt == Format.HTML:
        return html.html_to_blocks(source)
    warnings: list[str] = []
    source = strip_raw_code(source, warnings)
    if fmt == Format.MARKDOWN:
        blocks, hints = markdown.markdown_to_blocks(source)
    else:
        blocks, hints = text.text_to_blocks(source), MarkupHints()
    return blocks, hints, warnings

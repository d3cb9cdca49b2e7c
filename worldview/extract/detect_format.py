"""The detect-format step: which reader the text needs (HTML, Markdown or plain text), by content;
a binary document's bytes (PDF, Word) by their signature and container (``sniff``).

The file name only breaks ties: a ``.txt`` file full of tags is HTML, a ``.html`` name on plain
prose is text. HTML shows itself by a doctype or by structural tags near the top; Markdown by
its line syntax (ATX headings, list markers, links, emphasis, fences, front matter), counted over
the first lines so that one stray ``#`` or ``*`` in prose does not make a text Markdown.
"""

from __future__ import annotations

import re

from worldview.document import Format
from worldview.errors import UnsupportedInputError
from worldview.extract.sniff import document_format

HEAD_CHARS = 8192
HTML_DOCUMENT = re.compile(r"<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]", re.I)
HTML_BLOCK_TAG = re.compile(
    r"</?(?:p|div|article|section|h[1-6]|ul|ol|li|table|span|a|br|img|meta|title|script|main)"
    r"(?:\s[^<>]*)?/?>",
    re.I,
)
# Bullets ("- ", "1. ") are left out on purpose: plain-text files use them just as often.
MARKDOWN_LINE = re.compile(
    r"^(?:#{1,6}\s+\S"  # ATX heading
    r"|>\s?\S"  # blockquote
    r"|```|~~~"  # fence
    r"|!\[[^\]]*\]\("  # image
    r"|(?:=+|-{3,})\s*$"  # setext underline / rule
    r")",
    re.M,
)
MARKDOWN_INLINE = re.compile(
    r"\[[^\]\n]{1,200}\]\([^)\s]{1,500}\)|\*\*[^*\n]{1,200}\*\*|__[^_\n]{1,200}__"
)
# YAML front matter of "key: value" lines only: a "---" rule over prose is not front matter
# (``readers.markdown`` reads whatever YAML is there once the text is known to be Markdown).
FRONT_MATTER = re.compile(r"\A---\n(?:[A-Za-z_][\w-]*\s*:.*\n){1,40}---\n")
ATX_HEADING = re.compile(r"^#{1,6} \S", re.M)
MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdown", ".mkd")
HTML_SUFFIXES = (".html", ".htm", ".xhtml")


def detect_format(text: str | bytes, filename: str | None = None) -> Format:
    if isinstance(text, bytes):
        binary = document_format(text)
        if binary is None:
            raise UnsupportedInputError("binary input: not a PDF or Word document")
        return binary
    head = text[:HEAD_CHARS].lstrip()
    name = (filename or "").lower()
    if HTML_DOCUMENT.search(head[:2048]):
        return Format.HTML
    tags = len(HTML_BLOCK_TAG.findall(head))
    if head.startswith("<") and tags >= 2 or tags >= 10 or (name.endswith(HTML_SUFFIXES) and tags):
        return Format.HTML
    if FRONT_MATTER.match(head):
        return Format.MARKDOWN
    # Headings, quotes, links, emphasis; ordinary prose has none or one.
    syntax = len(MARKDOWN_LINE.findall(head)) + len(MARKDOWN_INLINE.findall(head))
    atx_heading = ATX_HEADING.search(head) is not None
    if atx_heading and syntax >= 2 or syntax >= 3:
        return Format.MARKDOWN
    if name.endswith(MARKDOWN_SUFFIXES):
        return Format.MARKDOWN
    return Format.TEXT

"""Step 4: title, headings, paragraphs, sentences. PLACEHOLDER: replaced by the real segmenter."""

from __future__ import annotations

import re

from tasks._prefect import prefect_task
from worldview.document import CleanedDocument, Segments
from worldview.errors import NoArticleError
from worldview.record import Content, Paragraph, Sentence


def split_sentences(text: str) -> list[Sentence]:
    out = []
    for m in re.finditer(r"[^.!?]+[.!?]*", text):
        s = m.group().strip()
        if s:
            start = text.index(s, m.start())
            out.append(Sentence(index=len(out), text=s, start=start, end=start + len(s)))
    return out


def segment(doc: CleanedDocument) -> Segments:
    if not doc.blocks:
        raise NoArticleError("no article text found")
    title, *body = doc.blocks
    paragraphs = [
        Paragraph(index=i, section=None, text=b.text, sentences=split_sentences(b.text))
        for i, b in enumerate(body)
    ]
    return Segments(title=title.text, subtitle=None, content=Content(paragraphs=paragraphs))


segment_task = prefect_task(segment, name="segment")

"""Step 3: the article's blocks, nothing else. PLACEHOLDER: replaced by the real cleaner."""

from __future__ import annotations

from tasks._prefect import prefect_task
from worldview.document import Block, BlockKind, CleanedDocument, Format


def clean(text: str, fmt: Format) -> CleanedDocument:
    blocks = [
        Block(BlockKind.PARAGRAPH, " ".join(chunk.split()))
        for chunk in text.split("\n\n")
        if chunk.strip()
    ]
    return CleanedDocument(format=fmt, blocks=blocks)


clean_task = prefect_task(clean, name="clean")

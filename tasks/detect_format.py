"""Step 2: which parser the text needs. PLACEHOLDER: replaced by the real detector (issue 3)."""

from __future__ import annotations

from tasks._prefect import prefect_task
from worldview.document import Format


def detect_format(text: str, filename: str | None = None) -> Format:
    head = text[:2000].lower()
    if "<html" in head or "<body" in head or "<p>" in head:
        return Format.HTML
    if (filename or "").lower().endswith((".md", ".markdown")):
        return Format.MARKDOWN
    return Format.TEXT


detect_format_task = prefect_task(detect_format, name="detect-format")

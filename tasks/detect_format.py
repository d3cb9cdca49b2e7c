"""Step task: which reader the text needs (``worldview.extract.detect_format``)."""

from __future__ import annotations

from prefect import task

from worldview.extract.detect_format import detect_format

detect_format_task = task(detect_format, name="detect-format")

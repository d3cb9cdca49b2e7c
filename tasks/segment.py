"""Step task: blocks -> title, front matter, paragraphs (``worldview.extract.segment``)."""

from __future__ import annotations

from prefect import task

from worldview.extract.segment import segment

segment_task = task(segment, name="segment")

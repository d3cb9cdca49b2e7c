"""Step task: the article's blocks and nothing else (``worldview.extract.clean``)."""

from __future__ import annotations

from prefect import task

from worldview.extract.clean import clean

clean_task = task(clean, name="clean")

"""Step task: the record's metadata (``worldview.extract.metadata``)."""

from __future__ import annotations

from prefect import task

from worldview.extract.metadata import extract_metadata

extract_metadata_task = task(extract_metadata, name="extract-metadata")

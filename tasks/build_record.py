"""Step task: assemble the record (``worldview.extract.build``)."""

from __future__ import annotations

from prefect import task

from worldview.extract.build import build_record

build_record_task = task(build_record, name="build-record")

"""Step task: check the record against the published schema (``worldview.extract.validate``)."""

from __future__ import annotations

from prefect import task

from worldview.extract.validate import validate_record

validate_task = task(validate_record, name="validate")

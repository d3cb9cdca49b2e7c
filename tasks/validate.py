"""Step 7: every record is checked against the published JSON Schema before it leaves."""

from __future__ import annotations

from functools import cache

from jsonschema import Draft202012Validator

from schemas import load_schema
from tasks._prefect import prefect_task
from worldview.errors import RecordValidationError


@cache
def _validator() -> Draft202012Validator:
    schema = load_schema()
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def validate_record(record: dict) -> dict:
    """Return the record unchanged, or raise naming the first offending path."""
    error = next(iter(_validator().iter_errors(record)), None)
    if error is not None:
        where = "/".join(str(p) for p in error.absolute_path) or "(root)"
        raise RecordValidationError(f"record does not match the schema at {where}: {error.message}")
    return record


validate_task = prefect_task(validate_record, name="validate")

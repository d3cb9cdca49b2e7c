"""Reading a stored record tolerantly: any version of the schema's major version parses.

A record of an older minor version (written before fields were added) and one of a newer minor
version (fields this code does not know, dropped) both become a ``Record``; ``schema_version``
keeps the record's own value. Another major version is refused with a message to upgrade. The
store reads every record through ``parse_record``, so bumping the minor version never makes the
bucket's earlier records unreadable.
"""

from __future__ import annotations

import json
import typing
from typing import Any

from pydantic import BaseModel, ValidationError

from worldview.record import SCHEMA_VERSION, Record

SCHEMA_MAJOR = SCHEMA_VERSION.split(".")[0]


class RecordFormatError(ValueError):
    """Stored bytes that are not a record this version of worldview can read."""


def parse_record(data: bytes | str | dict[str, Any]) -> Record:
    """A stored record as a ``Record``, of any minor version of this schema's major version."""
    if not isinstance(data, dict):
        try:
            return Record.model_validate_json(data)  # the common case: this schema version
        except ValidationError:
            pass
        try:
            data = json.loads(data)
        except ValueError as exc:
            raise RecordFormatError(f"not JSON: {exc}") from None
    if not isinstance(data, dict):
        raise RecordFormatError("not a JSON object")
    version = str(data.get("schema_version", ""))
    if version.split(".")[0] != SCHEMA_MAJOR:
        raise RecordFormatError(
            f"schema version {version or '(none)'} is not readable by worldview's schema "
            f"{SCHEMA_VERSION} (major {SCHEMA_MAJOR}): upgrade worldview"
        )
    try:
        if version == SCHEMA_VERSION:
            return Record.model_validate(data)
        known = _known_fields(Record, data)
        known["schema_version"] = SCHEMA_VERSION
        record = Record.model_validate(known)
    except ValidationError as exc:
        raise RecordFormatError(f"not a valid record: {exc}") from None
    # The record's own version stays visible (model_copy does not validate against the Literal).
    return record.model_copy(update={"schema_version": version})


def _known_fields(model: type[BaseModel], data: dict[str, Any]) -> dict[str, Any]:
    """``data`` without the keys ``model`` (and its nested models) does not define."""
    known: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        if name not in data:
            continue
        value, nested = data[name], _nested_model(info.annotation)
        if nested is not None and isinstance(value, dict):
            value = _known_fields(nested, value)
        elif nested is not None and isinstance(value, list):
            value = [_known_fields(nested, v) if isinstance(v, dict) else v for v in value]
        known[name] = value
    return known


def _nested_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _nested_model(arg)
        if found is not None:
            return found
    return None

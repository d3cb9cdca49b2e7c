"""The committed JSON Schema is the contract: the pydantic models must produce it exactly."""

from __future__ import annotations

import json

import pytest
from jsonschema import Draft202012Validator

from schemas import load_schema
from worldview.errors import RecordValidationError
from worldview.extract.validate import validate_record
from worldview.pipeline import process_document
from worldview.record import SCHEMA_ID, SCHEMA_VERSION, record_json_schema


def test_committed_schema_matches_models():
    committed = load_schema()
    generated = json.loads(json.dumps(record_json_schema()))
    assert committed == generated, "schemas/record.schema.json drifted: run `make schema`"


def test_schema_is_valid_draft_2020_12_with_versioned_id():
    schema = load_schema()
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == SCHEMA_ID and SCHEMA_VERSION in schema["$id"]


def test_records_validate_and_invalid_records_are_rejected():
    record = process_document(b"A Title\n\nOne paragraph of text. Another sentence.\n", "t.txt")
    data = record.model_dump(mode="json")
    assert validate_record(data) is data
    assert data["schema_version"] == SCHEMA_VERSION
    broken = {**data, "metadata": {**data["metadata"], "published": "last week"}}
    with pytest.raises(RecordValidationError, match="metadata/published"):
        validate_record(broken)
    with pytest.raises(RecordValidationError):
        validate_record({**data, "surprise": 1})

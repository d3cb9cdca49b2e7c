"""The fast schema check (fastjsonschema) and jsonschema agree: same verdict on valid records and
on records broken in each way the contract forbids."""

from __future__ import annotations

import copy
from pathlib import Path

import fastjsonschema
import pytest

from worldview.errors import RecordValidationError
from worldview.extract.validate import _fast_check, _validator, validate_record
from worldview.pipeline import process_document

ARTICLE = b"""A Title for the Check

By Anna Berg

March 3, 2024

One paragraph of body text, which is long enough. It has two sentences.
"""

BREAKAGES = {
    "unknown top-level field": lambda r: r.__setitem__("extra", 1),
    "bad date": lambda r: r["metadata"].__setitem__("published", "2024-1-1"),
    "empty title": lambda r: r["metadata"].__setitem__("title", ""),
    "missing title": lambda r: r["metadata"].pop("title"),
    "negative offset": lambda r: r["content"]["paragraphs"][0]["sentences"][0].__setitem__(
        "start", -1
    ),
    "section not a string": lambda r: r["content"]["paragraphs"][0].__setitem__("section", 5),
    "schema version": lambda r: r.__setitem__("schema_version", "2.0.0"),
    "format": lambda r: r["source"].__setitem__("format", "epub"),
    "sha256": lambda r: r["source"].__setitem__("sha256", "XYZ"),
    "author extra field": lambda r: r["metadata"]["authors"].append({"name": "A", "x": 1}),
    "document id": lambda r: r.__setitem__("document_id", "Bad ID"),
    "score above 1": lambda r: r["content"]["paragraphs"][0]["sentences"][0].__setitem__(
        "themes", [{"id": "x", "score": 1.5}]
    ),
    "negative timing": lambda r: r["provenance"]["steps_ms"].__setitem__("a", -1.0),
}


def _fast_ok(record: dict) -> bool:
    try:
        _fast_check()(record)
    except fastjsonschema.JsonSchemaException:
        return False
    return True


@pytest.fixture(scope="module")
def record() -> dict:
    return process_document(ARTICLE, str(Path("check.txt"))).model_dump(mode="json")


def test_both_accept_a_valid_record(record) -> None:
    assert _fast_ok(record)
    assert next(iter(_validator().iter_errors(record)), None) is None
    assert validate_record(record) is record


@pytest.mark.parametrize("name", sorted(BREAKAGES))
def test_both_reject_each_breakage(record, name: str) -> None:
    broken = copy.deepcopy(record)
    BREAKAGES[name](broken)
    assert not _fast_ok(broken)
    assert next(iter(_validator().iter_errors(broken)), None) is not None
    with pytest.raises(RecordValidationError, match="record does not match the schema at"):
        validate_record(broken)


def test_the_fast_check_leaves_the_shared_schema_untouched(record) -> None:
    from schemas import load_schema
    from worldview.record import record_json_schema

    _fast_check.cache_clear()
    _fast_check()(record)
    assert load_schema() == record_json_schema()

"""The compatibility gate (issue 18): within a major version the record schema may only gain
optional fields and better descriptions; every released version stays in schemas/released/."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path

import pytest

from schemas import load_schema
from worldview.record import SCHEMA_VERSION
from worldview.records import compat

REPO = Path(__file__).resolve().parents[1]
RELEASED = REPO / "schemas" / "released"


@pytest.fixture
def schema() -> dict:
    return copy.deepcopy(load_schema())


def test_the_committed_schema_passes_the_gate():
    assert compat.gate(REPO) == []
    assert SCHEMA_VERSION in compat.released_schemas(RELEASED)


def test_the_gate_runs_in_make_test():
    makefile = (REPO / "Makefile").read_text()
    test_recipe = makefile.split("\ntest:", 1)[1].split("\n\n", 1)[0]
    assert "worldview schema --check" in test_recipe
    result = subprocess.run(
        [sys.executable, "-m", "worldview.cli", "schema", "--check"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr


def test_every_field_of_the_schema_has_a_description(schema):
    missing = []

    def walk(node, path):
        if isinstance(node, dict):
            for name, prop in node.get("properties", {}).items():
                if not prop.get("description"):
                    missing.append(f"{path}.{name}")
            for key, value in node.items():
                walk(value, f"{path}/{key}")
        elif isinstance(node, list):
            for value in node:
                walk(value, path)

    walk(schema, "")
    assert missing == []
    assert all(d.get("description") for d in schema["$defs"].values())


def test_descriptions_alone_are_not_a_change(schema):
    edited = copy.deepcopy(schema)
    edited["$defs"]["Metadata"]["properties"]["title"]["description"] = "Another wording."
    edited["$defs"]["Author"]["title"] = "Writer"
    assert compat.compare(schema, edited) == ([], [])


def test_a_new_optional_field_needs_a_minor_version_and_breaks_nothing(schema):
    newer = copy.deepcopy(schema)
    newer["$defs"]["Metadata"]["properties"]["region"] = {
        "anyOf": [{"type": "string"}, {"type": "null"}],
        "default": None,
        "description": "Region the document is about.",
    }
    assert compat.compare(schema, newer) == ([], ["metadata.region: new optional field"])
    released = {"1.0.0": schema}
    same_version = compat.check(newer, "1.0.0", released)
    assert "1.0.0 was released without metadata.region: new optional field" in same_version
    assert any("bump SCHEMA_VERSION" in p for p in same_version)
    bumped = copy.deepcopy(newer)
    bumped["properties"]["schema_version"]["const"] = "1.1.0"
    assert compat.check(bumped, "1.1.0", {**released, "1.1.0": bumped}) == []
    assert compat.check(bumped, "1.1.0", released) == [
        "schema 1.1.0 is not in schemas/released/ (record-1.1.0.json): "
        "run `worldview schema --write`"
    ]


def test_a_new_enum_value_is_an_addition_not_a_break(schema):
    newer = copy.deepcopy(schema)
    newer["$defs"]["Source"]["properties"]["format"]["enum"].append("epub")
    assert compat.compare(schema, newer) == ([], ["source.format: new enum values ['epub']"])


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (
            lambda s: s["$defs"]["Metadata"]["properties"].pop("site_name"),
            "metadata.site_name: removed",
        ),
        (
            lambda s: s["$defs"]["Source"]["properties"]["bytes"].update(type="string"),
            "source.bytes: type changed from integer to string",
        ),
        (
            lambda s: s["$defs"]["Sentence"]["properties"]["start"].update(minimum=1),
            "content.paragraphs[].sentences[].start: minimum changed from 0 to 1",
        ),
        (
            lambda s: s["$defs"]["Metadata"]["properties"]["published"]["anyOf"].pop(),
            "metadata.published: anyOf alternatives changed",
        ),
        (
            lambda s: s["$defs"]["Metadata"]["required"].append("language"),
            "metadata.language: now required",
        ),
        (
            lambda s: s["required"].remove("provenance"),
            "provenance: no longer required",
        ),
        (
            lambda s: (
                s["$defs"]["Author"]["properties"].update(orcid={"type": "string"}),
                s["$defs"]["Author"]["required"].append("orcid"),
            ),
            "metadata.authors[].orcid: new required field",
        ),
        (
            lambda s: s["$defs"]["Source"]["properties"]["format"]["enum"].remove("markdown"),
            "source.format: enum values removed: ['markdown']",
        ),
    ],
)
def test_breaking_changes_fail_the_gate(schema, edit, expected):
    broken = copy.deepcopy(schema)
    edit(broken)
    broken["properties"]["schema_version"]["const"] = "1.1.0"  # even with a minor bump
    breaking, _ = compat.compare(schema, broken)
    assert expected in breaking
    problems = compat.check(broken, "1.1.0", {"1.0.0": schema, "1.1.0": broken})
    assert f"breaks consumers of 1.0.0: {expected}" in problems
    # A new major version may break (it is compared with no 1.x release).
    major = copy.deepcopy(broken)
    major["properties"]["schema_version"]["const"] = "2.0.0"
    assert compat.check(major, "2.0.0", {"1.0.0": schema, "2.0.0": major}) == []


def test_write_never_rewrites_a_release_with_another_shape(tmp_path):
    """`worldview schema --write` refreshes a release's descriptions, never its shape."""
    (tmp_path / "schemas" / "released").mkdir(parents=True)
    (tmp_path / "docs").mkdir()
    released = copy.deepcopy(load_schema())
    del released["$defs"]["Metadata"]["properties"]["notes"]  # released without a field
    path = tmp_path / "schemas" / "released" / f"record-{SCHEMA_VERSION}.json"
    path.write_text(json.dumps(released))
    written, problems = compat.write_generated(tmp_path)
    assert path not in written and json.loads(path.read_text()) == released
    assert any("bump SCHEMA_VERSION" in p for p in problems)
    assert (tmp_path / "docs" / "record.md").exists()

    path.unlink()  # not released yet: written
    written, problems = compat.write_generated(tmp_path)
    assert path in written and problems == []
    assert compat.gate(tmp_path) == []

"""The schema compatibility gate: a record schema may change within a major version only in ways
that keep every consumer of that major version working.

Allowed within a major version (with a minor bump): new optional fields (readers ignore fields
they do not know: ``worldview.storage.parse_record`` does) and new values of an enumeration
(readers must expect values they do not know); with no bump at all, descriptions and titles.
Breaking: a field removed, a field's type or constraints changed (a consumer reads values the
old schema ruled out, or misses ones it allowed), a new required field, a field no longer (or
newly) required. A breaking change needs a new major version.

Every released version is kept in ``schemas/released/record-<version>.json``. ``check`` compares
the current schema with each released one of its major version; a released version's own file
may change only in annotations (descriptions), never in shape.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

ANNOTATIONS = frozenset({"title", "description", "default", "examples", "$comment"})
RELEASED_NAME = re.compile(r"^record-(\d+)\.(\d+)\.(\d+)\.json$")
VERSION_FIELD = "schema_version"


def released_schemas(directory: Path) -> dict[str, dict[str, Any]]:
    """Version -> schema of every ``record-<version>.json`` in ``directory``."""
    found = {}
    for path in sorted(directory.glob("record-*.json")):
        match = RELEASED_NAME.match(path.name)
        if match:
            found[".".join(match.groups())] = json.loads(path.read_text(encoding="utf-8"))
    return found


def released_name(version: str) -> str:
    return f"record-{version}.json"


def _key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def compare(old: dict[str, Any], new: dict[str, Any]) -> tuple[list[str], list[str]]:
    """(breaking changes, additions) from ``old`` to ``new``, as readable lines."""
    breaking: list[str] = []
    additions: list[str] = []
    _compare(old, old, new, new, "", breaking, additions)
    return breaking, additions


def _resolve(node: Any, root: dict[str, Any]) -> Any:
    seen = 0
    while isinstance(node, dict) and "$ref" in node:
        ref = node["$ref"]
        if not ref.startswith("#/"):
            raise ValueError(f"external $ref {ref}: the gate reads self-contained schemas only")
        target: Any = root
        for part in ref[2:].split("/"):
            target = target[part]
        rest = {k: v for k, v in node.items() if k != "$ref"}
        node = {**target, **rest}
        seen += 1
        if seen > 64:
            raise ValueError(f"$ref cycle at {ref}")
    return node


def _shape(node: dict[str, Any]) -> dict[str, Any]:
    """The validation keywords of a node, minus annotations and the nested schemas."""
    nested = {"properties", "items", "anyOf", "oneOf", "allOf", "$defs", "$id", "$schema"}
    return {k: v for k, v in node.items() if k not in ANNOTATIONS and k not in nested}


def _compare(
    old_root: dict[str, Any],
    old: Any,
    new_root: dict[str, Any],
    new: Any,
    path: str,
    breaking: list[str],
    additions: list[str],
) -> None:
    old, new = _resolve(old, old_root), _resolve(new, new_root)
    where = path or "(record)"
    if not isinstance(old, dict) or not isinstance(new, dict):
        if old != new:
            breaking.append(f"{where}: schema changed")
        return
    _compare_keywords(_shape(old), _shape(new), path, breaking, additions)
    for combinator in ("anyOf", "oneOf", "allOf"):
        a, b = old.get(combinator), new.get(combinator)
        if a is None and b is None:
            continue
        if a is None or b is None or len(a) != len(b):
            breaking.append(f"{where}: {combinator} alternatives changed")
            continue
        for x, y in zip(a, b, strict=True):
            _compare(old_root, x, new_root, y, path, breaking, additions)
    if "items" in old or "items" in new:
        if "items" in old and "items" in new:
            _compare(
                old_root, old["items"], new_root, new["items"], path + "[]", breaking, additions
            )
        else:
            breaking.append(f"{where}: items changed")
    _compare_properties(old_root, old, new_root, new, path, breaking, additions)


def _compare_keywords(
    old_shape: dict[str, Any],
    new_shape: dict[str, Any],
    path: str,
    breaking: list[str],
    additions: list[str],
) -> None:
    """The validation keywords of one node: equal, but for new enum values (an addition) and
    the version marker's constant."""
    where = path or "(record)"
    if path == VERSION_FIELD:  # the version marker moves with every release of the major
        old_shape.pop("const", None)
        new_shape.pop("const", None)
    if "enum" in old_shape and "enum" in new_shape:  # new values: an addition, like a field
        old_values, new_values = old_shape.pop("enum"), new_shape.pop("enum")
        removed = [v for v in old_values if v not in new_values]
        added = [v for v in new_values if v not in old_values]
        if removed:
            breaking.append(f"{where}: enum values removed: {removed}")
        if added:
            additions.append(f"{where}: new enum values {added}")
    for keyword in sorted(old_shape.keys() | new_shape.keys()):
        if old_shape.get(keyword) != new_shape.get(keyword):
            was, now = old_shape.get(keyword, "(none)"), new_shape.get(keyword, "(none)")
            breaking.append(f"{where}: {keyword} changed from {was} to {now}")


def _compare_properties(
    old_root: dict[str, Any],
    old: dict[str, Any],
    new_root: dict[str, Any],
    new: dict[str, Any],
    path: str,
    breaking: list[str],
    additions: list[str],
) -> None:
    old_props, new_props = old.get("properties", {}), new.get("properties", {})
    old_required, new_required = set(old.get("required", [])), set(new.get("required", []))
    prefix = f"{path}." if path else ""
    for name in old_props:
        if name not in new_props:
            breaking.append(f"{prefix}{name}: removed")
            continue
        _compare(
            old_root, old_props[name], new_root, new_props[name], prefix + name, breaking, additions
        )
        if name in old_required and name not in new_required:
            breaking.append(f"{prefix}{name}: no longer required")
        elif name in new_required and name not in old_required:
            breaking.append(f"{prefix}{name}: now required")
    for name in new_props:
        if name in old_props:
            continue
        if name in new_required:
            breaking.append(f"{prefix}{name}: new required field")
        else:
            additions.append(f"{prefix}{name}: new optional field")


def check(current: dict[str, Any], version: str, released: dict[str, dict[str, Any]]) -> list[str]:
    """Problems with ``current`` (the schema of ``version``) against the released versions."""
    major = version.split(".")[0]
    problems = []
    if version not in released:
        problems.append(
            f"schema {version} is not in schemas/released/ ({released_name(version)}): "
            "run `worldview schema --write`"
        )
    for other in sorted(released, key=_key):
        if other.split(".")[0] != major:
            continue
        breaking, additions = compare(released[other], current)
        if _key(other) > _key(version):
            problems.append(f"schema {version} is older than the released {other}")
        elif other == version and (breaking or additions):
            problems += [f"{version} was released with another shape: {line}" for line in breaking]
            problems += [f"{version} was released without {line}" for line in additions]
            problems.append(
                "the shape changed: bump SCHEMA_VERSION in worldview/record.py (minor for new "
                "optional fields, major for breaking changes) and run `worldview schema --write`"
            )
        else:
            problems += [f"breaks consumers of {other}: {line}" for line in breaking]
    return problems


# -- the files `worldview schema --write` keeps and `--check` guards ----------------------------


def generated_files(repo: Path) -> dict[Path, str]:
    """Path -> text of every file generated from the record models."""
    from worldview.record import SCHEMA_VERSION, record_json_schema
    from worldview.records.datadict import render

    schema = record_json_schema()
    text = json.dumps(schema, indent=2, ensure_ascii=False) + "\n"
    return {
        repo / "schemas" / "record.schema.json": text,
        repo / "schemas" / "released" / released_name(SCHEMA_VERSION): text,
        repo / "docs" / "record.md": render(json.loads(text)),
    }


def gate(repo: Path) -> list[str]:
    """Everything wrong with the committed schema files: a breaking change within a major
    version, a shape change without a version bump, a generated file out of date."""
    from worldview.record import SCHEMA_VERSION, record_json_schema

    current = json.loads(json.dumps(record_json_schema()))
    problems = check(current, SCHEMA_VERSION, released_schemas(repo / "schemas" / "released"))
    for path, text in generated_files(repo).items():
        if path.exists() and path.read_text(encoding="utf-8") != text:
            problems.append(f"{path.relative_to(repo)} is out of date: run `make schema`")
        elif not path.exists() and path.parent.name != "released":  # reported by check()
            problems.append(f"{path.relative_to(repo)} is missing: run `make schema`")
    return problems


def write_generated(repo: Path) -> tuple[list[Path], list[str]]:
    """Write the generated files; a released version's file only while its shape is unchanged
    (its descriptions may improve, its shape never). Return (written, problems)."""
    from worldview.record import SCHEMA_VERSION, record_json_schema

    current = json.loads(json.dumps(record_json_schema()))
    released = released_schemas(repo / "schemas" / "released")
    problems = check(current, SCHEMA_VERSION, released)
    problems = [p for p in problems if "is not in schemas/released/" not in p]
    written = []
    for path, text in generated_files(repo).items():
        if path.parent.name == "released" and problems:
            continue  # never rewrite a release with another shape or past a breaking change
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            written.append(path)
    return written, problems

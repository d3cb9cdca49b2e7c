"""docs/record.md, the record's data dictionary, generated from the JSON Schema (``worldview
schema --write``; ``worldview schema --check`` fails when it is out of date)."""

from __future__ import annotations

from typing import Any


def _ref_name(node: dict[str, Any]) -> str | None:
    ref = node.get("$ref")
    return ref.rsplit("/", 1)[-1] if isinstance(ref, str) else None


def _type(node: dict[str, Any]) -> str:
    """A field's type in words, with its constraints: 'string (date YYYY-MM-DD) or null'."""
    name = _ref_name(node)
    if name:
        return f"[{name}](#{name.lower()})"
    if "anyOf" in node:
        return " or ".join(_type(branch) for branch in node["anyOf"])
    kind = node.get("type", "any")
    if kind == "array":
        return f"array of {_type(node.get('items', {}))}"
    if kind == "object" and "additionalProperties" in node:
        return f"object of {_type(node['additionalProperties'])}"
    notes = []
    if "const" in node:
        notes.append(f"always `{node['const']}`")
    if "enum" in node:
        notes.append("one of " + ", ".join(f"`{v}`" for v in node["enum"]))
    if "pattern" in node:
        notes.append(f"pattern `{node['pattern']}`")
    if "minLength" in node:
        notes.append("non-empty" if node["minLength"] == 1 else f"at least {node['minLength']}")
    low, high = node.get("minimum"), node.get("maximum")
    if low is not None and high is not None:
        notes.append(f"{low} to {high}")
    elif low is not None:
        notes.append(f"≥ {low}")
    return f"{kind} ({'; '.join(notes)})" if notes else str(kind)


def _order(schema: dict[str, Any]) -> list[str]:
    """Definitions in the order a reader meets them, walking from the record."""
    order: list[str] = []

    def visit(node: Any) -> None:
        if isinstance(node, dict):
            name = _ref_name(node)
            if name and name not in order:
                order.append(name)
                visit(schema["$defs"][name])
            for value in node.values():
                visit(value)
        elif isinstance(node, list):
            for value in node:
                visit(value)

    visit(schema.get("properties", {}))
    return order + sorted(set(schema.get("$defs", {})) - set(order))


def _table(node: dict[str, Any]) -> list[str]:
    required = set(node.get("required", []))
    lines = ["| field | type | required | description |", "|---|---|---|---|"]
    for name, prop in node.get("properties", {}).items():
        text = (prop.get("description") or "").replace("|", "\\|").replace("\n", " ")
        cell = _type(prop).replace("|", "\\|")
        lines.append(f"| `{name}` | {cell} | {'yes' if name in required else 'no'} | {text} |")
    return lines


def render(schema: dict[str, Any]) -> str:
    """The data dictionary as Markdown."""
    title = schema.get("title", "Record")
    lines = [
        "# The record: data dictionary",
        "",
        "<!-- Generated from schemas/record.schema.json by `worldview schema --write`; "
        "do not edit by hand. -->",
        "",
        f"Schema `{schema['$id']}` (JSON Schema draft 2020-12). In the bucket it is at the "
        "`$id`'s path, `schemas/record/<version>/record.schema.json`. Every field is always "
        "present in a stored record; *required* says which ones a valid record must have when "
        "it is produced elsewhere (the others have defaults). Objects are closed: a field not "
        "listed here is not part of this version (a later minor version may add optional "
        "fields; readers should ignore fields they do not know).",
        "",
        f"## {title}",
        "",
        schema.get("description", ""),
        "",
        *_table(schema),
    ]
    for name in _order(schema):
        node = schema["$defs"][name]
        lines += ["", f"## {name}", "", node.get("description", ""), "", *_table(node)]
    return "\n".join(lines).replace("\n\n\n", "\n\n") + "\n"

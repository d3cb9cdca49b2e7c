"""The theme taxonomy: a versioned JSON file validated against its own JSON Schema at load."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

TAXONOMY_PATH = Path(__file__).with_name("taxonomy.json")
TAXONOMY_SCHEMA = "taxonomy.schema.json"


class TaxonomyError(ValueError):
    """The taxonomy file is missing, malformed or breaks its schema."""


@dataclass(frozen=True)
class Theme:
    id: str
    label: str
    definition: str
    exemplars: tuple[str, ...]


@dataclass(frozen=True)
class Taxonomy:
    version: str
    themes: tuple[Theme, ...]

    @property
    def ids(self) -> list[str]:
        return [t.id for t in self.themes]

    def label(self, theme_id: str) -> str:
        return next(t.label for t in self.themes if t.id == theme_id)


def parse_taxonomy(data: dict) -> Taxonomy:
    import jsonschema

    from schemas import load_schema

    try:
        jsonschema.validate(data, load_schema(TAXONOMY_SCHEMA))
    except jsonschema.ValidationError as exc:
        raise TaxonomyError(f"taxonomy breaks its schema: {exc.message}") from None
    ids = [t["id"] for t in data["themes"]]
    if len(set(ids)) != len(ids):
        raise TaxonomyError("taxonomy has duplicate theme ids")
    themes = tuple(
        Theme(t["id"], t["label"], t["definition"], tuple(t["exemplars"])) for t in data["themes"]
    )
    return Taxonomy(version=data["version"], themes=themes)


@cache
def load_taxonomy(path: Path = TAXONOMY_PATH) -> Taxonomy:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise TaxonomyError(f"cannot read taxonomy {path}: {exc}") from None
    return parse_taxonomy(data)

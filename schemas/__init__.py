"""The public JSON Schemas (draft 2020-12), shipped as package data so every install has them."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources

RECORD_SCHEMA_FILE = "record.schema.json"


@cache
def load_schema(name: str = RECORD_SCHEMA_FILE) -> dict:
    return json.loads(resources.files(__name__).joinpath(name).read_text(encoding="utf-8"))

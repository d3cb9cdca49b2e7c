"""The contract in the bucket: the record schema, the taxonomy schema and the taxonomy, each at a
versioned path (the schema's at the path of its ``$id``), so consumers find the exact schema a
record names without a checkout of this repository.

    schemas/record/<schema version>/record.schema.json   (every released version)
    schemas/taxonomy/<taxonomy schema version>/taxonomy.schema.json
    taxonomy/<taxonomy version>/taxonomy.json

``worldview up`` and every ``ingest`` run publish them; a path is written only when its bytes
differ (a released version's file changes only in its descriptions, ``worldview schema --check``).
"""

from __future__ import annotations

import json
from importlib import resources
from urllib.parse import urlparse

from worldview.record import SCHEMA_ID
from worldview.storage import Bucket
from worldview.themes.taxonomy import TAXONOMY_PATH, TAXONOMY_SCHEMA

RECORD_SCHEMA_FILE = "record.schema.json"
TAXONOMY_PREFIX = "taxonomy/"


def key_for_id(schema_id: str) -> str:
    """Where a schema with this ``$id`` lives in the bucket: its URL's path."""
    return urlparse(schema_id).path.lstrip("/")


def _schema_bytes(name: str) -> bytes:
    return resources.files("schemas").joinpath(name).read_bytes()


def contract_files() -> dict[str, bytes]:
    """Bucket key -> bytes of every published contract file."""
    taxonomy = TAXONOMY_PATH.read_bytes()
    taxonomy_schema = _schema_bytes(TAXONOMY_SCHEMA)
    version = json.loads(taxonomy)["version"]
    files = {}
    # Every released record schema too: the bucket may hold records of each of them.
    released = resources.files("schemas").joinpath("released")
    for entry in sorted(released.iterdir(), key=lambda e: e.name) if released.is_dir() else []:
        if entry.name.startswith("record-") and entry.name.endswith(".json"):
            body = entry.read_bytes()
            files[key_for_id(json.loads(body)["$id"])] = body
    files[key_for_id(SCHEMA_ID)] = _schema_bytes(RECORD_SCHEMA_FILE)
    files[key_for_id(json.loads(taxonomy_schema)["$id"])] = taxonomy_schema
    files[f"{TAXONOMY_PREFIX}{version}/taxonomy.json"] = taxonomy
    return files


def publish_contract(bucket: Bucket) -> list[str]:
    """Put the contract files into the bucket where they differ; return the keys written."""
    return [
        key
        for key, body in contract_files().items()
        if bucket.put_if_changed(key, body, _content_type(key))
    ]


def _content_type(key: str) -> str:
    return "application/schema+json" if key.endswith(".schema.json") else "application/json"

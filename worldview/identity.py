"""Identity: what names a document, a source and a record's configuration (part of the contract).

A document's id follows its source location, so new content accumulates versions under one id; a
record's *config* fingerprint names what, besides the source, decided its content (pipeline,
schema, taxonomy and model versions); its *fingerprint* adds the source's sha256.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import PurePosixPath

from worldview.record import Record


def source_uri(bucket: str, key: str) -> str:
    return f"s3://{bucket}/{key}"


def document_id_for(uri: str) -> str:
    """Stable id for a source location: a readable slug of its name plus a hash of the full URI.

    The same source (same file path or object key) keeps its id across content changes, so new
    versions of a document accumulate under one id.
    """
    stem = PurePosixPath(uri.rstrip("/")).stem.lower()
    slug = re.sub(r"[^a-z0-9]+", "-", stem).strip("-")[:48].strip("-") or "doc"
    return f"{slug}-{hashlib.sha256(uri.encode('utf-8')).hexdigest()[:12]}"


def config_fingerprint(
    pipeline_version: str, schema_version: str, taxonomy_version: str | None, model: str | None
) -> str:
    """What, besides the source, decides a record's content."""
    parts = [pipeline_version, schema_version, taxonomy_version or "", model or ""]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:16]


def record_config(record: Record) -> str:
    p = record.provenance
    return config_fingerprint(p.pipeline_version, p.schema_version, p.taxonomy_version, p.model)


def record_fingerprint(record: Record) -> str:
    return hashlib.sha256(f"{record.source.sha256}:{record_config(record)}".encode()).hexdigest()

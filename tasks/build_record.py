"""Step 8: assemble the record from the steps' outputs (the schema check follows)."""

from __future__ import annotations

import hashlib
import re
from pathlib import PurePosixPath

from tasks._prefect import prefect_task
from worldview.record import Content, DocumentTheme, Metadata, Provenance, Record, Source


def document_id_for(uri: str) -> str:
    """Stable id for a source location: a readable slug of its name plus a hash of the full URI.

    The same source (same file path or object key) keeps its id across content changes, so new
    versions of a document accumulate under one id.
    """
    stem = PurePosixPath(uri.rstrip("/")).stem.lower()
    slug = re.sub(r"[^a-z0-9]+", "-", stem).strip("-")[:48].strip("-") or "doc"
    return f"{slug}-{hashlib.sha256(uri.encode('utf-8')).hexdigest()[:12]}"


def build_record(
    *,
    source: Source,
    metadata: Metadata,
    content: Content,
    themes: list[DocumentTheme],
    provenance: Provenance,
    warnings: list[str],
    version: int = 1,
    document_id: str | None = None,
) -> Record:
    return Record(
        document_id=document_id or document_id_for(source.uri),
        version=version,
        source=source,
        metadata=metadata,
        content=content,
        themes=themes,
        provenance=provenance,
        warnings=list(dict.fromkeys(warnings)),
    )


build_record_task = prefect_task(build_record, name="build-record")

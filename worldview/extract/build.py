"""Build record: assemble the record from the steps' outputs (the schema check follows)."""

from __future__ import annotations

from worldview.extract.limits import check_record_size
from worldview.identity import document_id_for
from worldview.record import Content, DocumentTheme, Metadata, Provenance, Record, Source


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
    record = Record(
        document_id=document_id or document_id_for(source.uri),
        version=version,
        source=source,
        metadata=metadata,
        content=content,
        themes=themes,
        provenance=provenance,
        warnings=list(dict.fromkeys(warnings)),
    )
    check_record_size(record)  # WORLDVIEW_MAX_RECORD_BYTES
    return record

"""The pure core: one source document (bytes) -> one validated record. No Prefect, no storage.

``process_document`` runs the steps of ``tasks/`` in order and times each one; the CLI and the
Prefect flows' batch task both call it. The theme tagger, when given, is loaded once by the caller
and reused for every document.
"""

from __future__ import annotations

import hashlib
import mimetypes
import time
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import PurePosixPath

from tasks.build_record import build_record
from tasks.clean import clean
from tasks.decode import decode_bytes
from tasks.detect_format import detect_format
from tasks.extract_metadata import extract_metadata
from tasks.segment import segment
from tasks.tag_themes import Tagger, tag_themes
from tasks.validate import validate_record
from worldview import __version__
from worldview.document import DecodedText, Format
from worldview.record import SCHEMA_VERSION, Provenance, Record, Source

MEDIA_TYPES = {
    Format.HTML: "text/html",
    Format.MARKDOWN: "text/markdown",
    Format.TEXT: "text/plain",
}


class StepTimer:
    def __init__(self) -> None:
        self.ms: dict[str, float] = {}

    @contextmanager
    def step(self, name: str):
        t0 = time.perf_counter()
        try:
            yield
        finally:
            self.ms[name] = round((time.perf_counter() - t0) * 1000, 3)


def describe_source(
    data: bytes,
    uri: str,
    decoded: DecodedText,
    fmt: Format,
    version_id: str | None = None,
    media_type: str | None = None,
) -> Source:
    name = PurePosixPath(uri).name
    return Source(
        uri=uri,
        sha256=hashlib.sha256(data).hexdigest(),
        bytes=len(data),
        media_type=media_type or mimetypes.guess_type(name)[0] or MEDIA_TYPES[fmt],
        format=fmt.value,
        encoding=decoded.encoding,
        version_id=version_id,
    )


def provenance_for(tagger: Tagger | None) -> Provenance:
    """What produced a record (the Prefect flow builds records from the same parts)."""
    return Provenance(
        pipeline_version=__version__,
        schema_version=SCHEMA_VERSION,
        taxonomy_version=tagger.taxonomy_version if tagger else None,
        model=tagger.model_id if tagger else None,
        processed_at=datetime.now(UTC).isoformat(timespec="seconds"),
    )


def process_document(
    data: bytes,
    uri: str,
    *,
    tagger: Tagger | None = None,
    version: int = 1,
    document_id: str | None = None,
    source_version_id: str | None = None,
    media_type: str | None = None,
) -> Record:
    """Turn one source into a validated record, or raise a ``PipelineError`` naming the step."""
    timer = StepTimer()
    name = PurePosixPath(uri).name
    with timer.step("decode"):
        decoded = decode_bytes(data)
    with timer.step("detect_format"):
        fmt = detect_format(decoded.text, name)
    with timer.step("clean"):
        cleaned = clean(decoded.text, fmt)
    with timer.step("segment"):
        segments = segment(cleaned)
    with timer.step("extract_metadata"):
        metadata = extract_metadata(cleaned, segments)
    with timer.step("tag_themes"):
        themes = tag_themes(segments.content, tagger)
    source = describe_source(data, uri, decoded, fmt, source_version_id, media_type)
    provenance = provenance_for(tagger)
    with timer.step("build_record"):
        record = build_record(
            source=source,
            metadata=metadata,
            content=segments.content,
            themes=themes,
            provenance=provenance,
            warnings=decoded.warnings + cleaned.warnings + segments.warnings,
            version=version,
            document_id=document_id,
        )
    with timer.step("validate"):
        validate_record(record.model_dump(mode="json"))
    record.provenance.steps_ms = timer.ms
    return record

"""The pipeline: one source document (bytes) -> one validated record. No Prefect, no storage.

``process_document`` is the one place the step order is written. Each step is a pure function of
the extraction library (``worldview.extract``); the caller chooses how a step runs through
``run_step``: called directly (the CLI, ingest's batches) or as a Prefect task (the
``process-document`` flow hands in its tasks, so each step is its own task run in the UI). Every
step is timed into ``provenance.steps_ms``. The theme tagger, when given, is loaded once by the
caller and reused for every document.
"""

from __future__ import annotations

import hashlib
import mimetypes
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import PurePosixPath
from typing import Any, Protocol

from worldview import __version__
from worldview.document import DecodedText, Format
from worldview.extract.build import build_record
from worldview.extract.clean import clean
from worldview.extract.decode import decode_bytes
from worldview.extract.detect_format import detect_format
from worldview.extract.limits import check_time, time_budget
from worldview.extract.metadata import extract_metadata
from worldview.extract.segment import segment
from worldview.extract.sniff import MEDIA_TYPES as DOCUMENT_MEDIA_TYPES
from worldview.extract.tag_themes import Tagger, tag_themes
from worldview.extract.validate import validate_record
from worldview.identity import config_fingerprint
from worldview.record import SCHEMA_VERSION, Provenance, Record, Source


class Step(StrEnum):
    """The pipeline's steps, named as in ``provenance.steps_ms`` and in errors."""

    DECODE = "decode"
    DETECT_FORMAT = "detect_format"
    CLEAN = "clean"
    SEGMENT = "segment"
    EXTRACT_METADATA = "extract_metadata"
    TAG_THEMES = "tag_themes"
    BUILD_RECORD = "build_record"
    VALIDATE = "validate"


STEP_FUNCTIONS: dict[Step, Callable[..., Any]] = {
    Step.DECODE: decode_bytes,
    Step.DETECT_FORMAT: detect_format,
    Step.CLEAN: clean,
    Step.SEGMENT: segment,
    Step.EXTRACT_METADATA: extract_metadata,
    Step.TAG_THEMES: tag_themes,
    Step.BUILD_RECORD: build_record,
    Step.VALIDATE: validate_record,
}


class StepRunner(Protocol):
    def __call__(self, step: Step, /, *args: Any, **kwargs: Any) -> Any: ...


def call_directly(step: Step, /, *args: Any, **kwargs: Any) -> Any:
    """The plain runner: the library function itself."""
    return STEP_FUNCTIONS[step](*args, **kwargs)


MEDIA_TYPES = {
    Format.HTML: "text/html",
    Format.MARKDOWN: "text/markdown",
    Format.TEXT: "text/plain",
    **DOCUMENT_MEDIA_TYPES,
}


class StepTimer:
    def __init__(self) -> None:
        self.ms: dict[str, float] = {}

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
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
    if fmt in DOCUMENT_MEDIA_TYPES:
        media_type = DOCUMENT_MEDIA_TYPES[fmt]  # by content, whatever the name or upload says
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
    """What produced a record."""
    return Provenance(
        pipeline_version=__version__,
        schema_version=SCHEMA_VERSION,
        taxonomy_version=tagger.taxonomy_version if tagger else None,
        model=tagger.model_id if tagger else None,
        processed_at=datetime.now(UTC).isoformat(timespec="seconds"),
    )


def config_for(tagger: Tagger | None) -> str:
    """The config fingerprint of records this pipeline makes with ``tagger`` (None: no themes)."""
    return config_fingerprint(
        __version__,
        SCHEMA_VERSION,
        tagger.taxonomy_version if tagger else None,
        tagger.model_id if tagger else None,
    )


@time_budget()  # WORLDVIEW_MAX_DOCUMENT_SECONDS, checked before each step
def process_document(
    data: bytes,
    uri: str,
    *,
    tagger: Tagger | None = None,
    version: int = 1,
    document_id: str | None = None,
    source_version_id: str | None = None,
    media_type: str | None = None,
    run_step: StepRunner = call_directly,
) -> Record:
    """Turn one source into a validated record, or raise a ``PipelineError`` naming the step."""
    timer = StepTimer()

    def run(step: Step, *args: Any, **kwargs: Any) -> Any:
        check_time(step.value)
        with timer.step(step.value):
            return run_step(step, *args, **kwargs)

    decoded = run(Step.DECODE, data)
    fmt = run(Step.DETECT_FORMAT, decoded.source, PurePosixPath(uri).name)
    cleaned = run(Step.CLEAN, decoded.source, fmt)
    segments = run(Step.SEGMENT, cleaned)
    metadata = run(Step.EXTRACT_METADATA, cleaned, segments)
    tagged = run(Step.TAG_THEMES, segments.content, tagger)
    record: Record = run(
        Step.BUILD_RECORD,
        source=describe_source(data, uri, decoded, fmt, source_version_id, media_type),
        metadata=metadata,
        content=segments.content,
        themes=tagged.themes,
        provenance=provenance_for(tagger),
        warnings=decoded.warnings + cleaned.warnings + segments.warnings + tagged.warnings,
        version=version,
        document_id=document_id,
    )
    run(Step.VALIDATE, record.model_dump(mode="json"))
    record.provenance.steps_ms = timer.ms
    return record

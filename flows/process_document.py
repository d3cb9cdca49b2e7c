"""Flow ``process-document``: one source object -> one versioned record (or a quarantined copy).

fetch -> decode -> detect format -> clean -> segment -> extract metadata -> tag themes -> build
record -> validate -> write record; each step its own task, so the UI shows where a document failed.
Fetch and write retry with backoff; the deterministic steps do not. The run leaves an artifact
with the record's main fields, themes and location.
"""

from __future__ import annotations

from pathlib import PurePosixPath

from prefect import flow
from prefect.cache_policies import NO_CACHE
from prefect.states import Failed
from pydantic import BaseModel, Field

from tasks.build_record import build_record_task, document_id_for
from tasks.clean import clean_task
from tasks.decode import decode_task
from tasks.detect_format import detect_format_task
from tasks.extract_metadata import extract_metadata_task
from tasks.fetch import fetch_task
from tasks.load_tagger import load_tagger_task, tagger_config
from tasks.process_batch import DocumentOutcome, media_type_from
from tasks.report import document_report_task
from tasks.segment import segment_task
from tasks.tag_themes import tag_themes_task
from tasks.validate import validate_task
from tasks.write_record import quarantine_task, write_record_task
from worldview.errors import PipelineError
from worldview.pipeline import StepTimer, describe_source, provenance_for
from worldview.settings import get_settings
from worldview.storage import source_uri


class SourceObject(BaseModel):
    """One object in the store (the UI shows these fields as the run form)."""

    key: str = Field(description="Object key, e.g. incoming/analysis.html")
    bucket: str | None = Field(default=None, description="Defaults to WORLDVIEW_BUCKET")
    version_id: str | None = Field(default=None, description="Object version; latest if empty")


@flow(name="process-document", flow_run_name="process {source.key}", log_prints=True)
def process_document_flow(source: SourceObject) -> DocumentOutcome:
    settings = get_settings()
    bucket = source.bucket or settings.bucket
    document_id = document_id_for(source_uri(bucket, source.key))
    # The theme model loads (torch import, weights: seconds in a fresh flow-run process) while
    # the document is fetched and cleaned; a missing model still fails the run, never the document.
    tagger_future = load_tagger_task.submit(settings.themes)
    timer = StepTimer()
    fetched = None
    try:
        fetched = fetch_task(bucket, source.key, source.version_id)
        with timer.step("decode"):
            decoded = decode_task(fetched.data)
        with timer.step("detect_format"):
            fmt = detect_format_task(decoded.text, PurePosixPath(source.key).name)
        with timer.step("clean"):
            cleaned = clean_task(decoded.text, fmt)
        with timer.step("segment"):
            segments = segment_task(cleaned)
        with timer.step("extract_metadata"):
            metadata = extract_metadata_task(cleaned, segments)
    except PipelineError as exc:
        return _quarantined(bucket, source, document_id, fetched, tagger_future.result(), exc)
    tagger = tagger_future.result()
    try:
        with timer.step("tag_themes"):
            # No input hashing: the tagger (a ~90 MB model) is an input of this step.
            themes = tag_themes_task.with_options(cache_policy=NO_CACHE)(segments.content, tagger)
        with timer.step("build_record"):
            record = build_record_task(
                source=describe_source(
                    fetched.data,
                    fetched.uri,
                    decoded,
                    fmt,
                    fetched.revision,
                    media_type_from(fetched.content_type),
                ),
                metadata=metadata,
                content=segments.content,
                themes=themes,
                provenance=provenance_for(tagger),
                warnings=decoded.warnings + cleaned.warnings + segments.warnings,
                document_id=document_id,
            )
        with timer.step("validate"):
            validate_task(record.model_dump(mode="json"))
        record.provenance.steps_ms = timer.ms
    except PipelineError as exc:
        return _quarantined(bucket, source, document_id, fetched, tagger, exc)
    result = write_record_task(bucket, record, fetched.etag)
    p = result.pointer
    outcome = DocumentOutcome(
        key=source.key,
        document_id=p.document_id,
        status=result.status,
        version=p.version,
        record_key=p.record_key,
        title=p.title,
        themes=p.themes,
    )
    document_report_task(bucket, outcome)
    print(f"{source.key}: {result.status} s3://{bucket}/{p.record_key}")
    return outcome


def _quarantined(bucket, source: SourceObject, document_id: str, fetched, tagger, exc):
    """Copy the source to quarantine/, say why, and end the run Failed (the document's fault)."""
    error_key = quarantine_task(
        bucket,
        document_id=document_id,
        key=source.key,
        etag=fetched.etag if fetched else "unknown",
        version_id=fetched.version_id if fetched else source.version_id,
        config=tagger_config(tagger),
        step=exc.step,
        reason=exc.reason,
        source=fetched,
    )
    outcome = DocumentOutcome(
        key=source.key,
        document_id=document_id,
        status="failed",
        step=exc.step,
        reason=exc.reason,
        error_key=error_key,
    )
    document_report_task(bucket, outcome)
    return Failed(message=f"{source.key}: {exc} (quarantined; see {error_key})", data=outcome)

"""Flow ``process-document``: one source object -> one versioned record (or a quarantined copy).

fetch -> the pipeline's steps (``worldview.pipeline``, each run as its task) -> write record; so
the UI shows where a document failed. Fetch and write retry with backoff; the deterministic steps
do not. A new version also gets its page (``views/<id>/v<N>.html``); the run leaves an artifact
with the record's title, themes and location and a link to that page.
"""

from __future__ import annotations

from prefect import flow
from prefect.states import Failed
from pydantic import BaseModel, Field

from tasks import run_step_as_task
from tasks.fetch import fetch_task
from tasks.load_tagger import load_tagger_task
from tasks.publish import emit_records_published
from tasks.report import document_report_task
from tasks.views import write_view_task
from tasks.write_record import quarantine_task, write_record_task
from worldview.errors import PipelineError
from worldview.identity import document_id_for, source_uri
from worldview.ingest import (
    DocumentOutcome,
    SourceRef,
    failure_of,
    is_store_failure,
    media_type_from,
    outcome_from_pointer,
)
from worldview.pipeline import config_for, process_document
from worldview.settings import get_settings
from worldview.storage import FetchedSource, key_problem


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
    # the document is fetched; a missing model fails the run, never the document.
    tagger_future = load_tagger_task.submit(settings.themes)
    problem = key_problem(source.key)  # which object it names depends on the store: not read
    if problem:
        refused = PipelineError(f"ambiguous key: {problem}", step="fetch")
        return _quarantined(bucket, source, document_id, None, tagger_future.result(), refused)
    try:
        fetched = fetch_task(bucket, source.key, source.version_id)
    except PipelineError as exc:
        return _quarantined(bucket, source, document_id, None, tagger_future.result(), exc)
    except Exception as exc:  # the store refusing this object (deleted since): the document's
        if is_store_failure(exc):
            raise
        step, reason = failure_of(exc, None)
        refused = PipelineError(reason, step=step)
        return _quarantined(bucket, source, document_id, None, tagger_future.result(), refused)
    tagger = tagger_future.result()
    try:
        record = process_document(
            fetched.data,
            fetched.uri,
            tagger=tagger,
            document_id=document_id,
            source_version_id=fetched.revision,
            media_type=media_type_from(fetched.content_type),
            run_step=run_step_as_task,
        )
    except PipelineError as exc:
        return _quarantined(bucket, source, document_id, fetched, tagger, exc)
    result = write_record_task(bucket, record, fetched.etag)
    outcome = outcome_from_pointer(
        source.key, result.status, result.pointer, changes=result.reasons
    )
    emit_records_published(bucket, [(outcome, result.pointer)])  # a new version only
    if result.stored is not None:  # a new version: views/<id>/v<N>.html, the artifact's link
        write_view_task(bucket, result.stored)
    document_report_task(bucket, outcome)
    print(f"{source.key}: {result.status} s3://{bucket}/{result.pointer.record_key}")
    return outcome


def _quarantined(
    bucket: str,
    source: SourceObject,
    document_id: str,
    fetched: FetchedSource | None,
    tagger,
    exc: PipelineError,
):
    """Copy the source to quarantine/, say why, and end the run Failed (the document's fault)."""
    ref = SourceRef(key=source.key, version_id=source.version_id)
    copy = key_problem(source.key) is None
    outcome = quarantine_task(
        bucket, ref, document_id, fetched, config_for(tagger), exc.step, exc.reason, copy
    )
    document_report_task(bucket, outcome)
    return Failed(
        message=f"{source.key}: {exc} (quarantined; see {outcome.error_key})", data=outcome
    )

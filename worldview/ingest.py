"""Ingest without Prefect: what in the store is new, and one source -> a record in the store.

``find_unprocessed`` compares the incoming listing with the index; ``process_one`` fetches a
source, runs the pipeline and writes the record version, or quarantines the source when the
pipeline refuses it (``quarantine_failure``, the one place a failure is put aside, for batches and
for the ``process-document`` flow alike). A store failure is raised, not quarantined: the caller's
task retries, and writes are idempotent, so a retry never duplicates a version.

``tasks.process_batch`` runs ``process_batch`` as one Prefect task run per batch of documents.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Literal

from pydantic import BaseModel

from worldview.errors import PipelineError
from worldview.extract.tag_themes import Tagger
from worldview.identity import document_id_for, source_uri
from worldview.pipeline import process_document
from worldview.record import Record
from worldview.storage import (
    FetchedSource,
    LatestPointer,
    RecordStore,
    StorageError,
    error_code,
    is_per_object_error,
    key_problem,
)

# Called with each record version a run stores (``tasks.process_batch`` writes its page).
OnWritten = Callable[[Record], object]

# What became of one source: a new version; nothing new (same fingerprint); nothing, because a
# newer revision of the source already has a version; or quarantined with an error record.
OutcomeStatus = Literal["written", "unchanged", "superseded", "failed"]


class SourceRef(BaseModel):
    key: str
    etag: str | None = None
    version_id: str | None = None
    previous: LatestPointer | None = None  # the index's pointer for this document, if any


class DocumentOutcome(BaseModel):
    key: str
    document_id: str
    status: OutcomeStatus
    version: int | None = None
    record_key: str | None = None
    title: str | None = None
    themes: list[str] = []
    step: str | None = None
    reason: str | None = None
    error_key: str | None = None
    seconds: float = 0.0
    # A written version: why it was made (new_document, source, pipeline, schema, taxonomy, model)
    changes: list[str] = []


def media_type_from(content_type: str | None) -> str | None:
    """Trust a declared text type; stores label unknown uploads application/octet-stream."""
    if content_type and content_type.split(";")[0].strip().startswith("text/"):
        return content_type.split(";")[0].strip()
    return None


def is_store_failure(exc: Exception) -> bool:
    """The store's condition (unreachable, 5xx, throttled, refusing us): the batch retries.
    Not what the store says about one object (a key too long for it, a source deleted since
    the listing): that stays with the document, like a document the pipeline refuses."""
    from botocore.exceptions import BotoCoreError, ClientError

    if is_per_object_error(exc):
        return False
    return isinstance(exc, BotoCoreError | ClientError | StorageError)


def failure_of(exc: Exception, fetched: FetchedSource | None) -> tuple[str, str]:
    """(step, reason) of a document's failure that is not the store's condition."""
    if isinstance(exc, PipelineError):
        return exc.step, exc.reason
    if is_per_object_error(exc):
        step = "fetch" if fetched is None else "write_record"
        return step, f"the store refused it: {error_code(exc)}: {exc}"
    return "internal", f"{type(exc).__name__}: {exc}"


def _elapsed(t0: float | None) -> float:
    return round(time.perf_counter() - t0, 3) if t0 is not None else 0.0


def outcome_from_pointer(
    key: str,
    status: OutcomeStatus,
    pointer: LatestPointer,
    t0: float | None = None,
    changes: Sequence[str] = (),
) -> DocumentOutcome:
    return DocumentOutcome(
        key=key,
        document_id=pointer.document_id,
        status=status,
        version=pointer.version,
        record_key=pointer.record_key,
        title=pointer.title,
        themes=pointer.themes,
        seconds=_elapsed(t0),
        changes=list(changes),
    )


def quarantine_failure(
    store: RecordStore,
    ref: SourceRef,
    document_id: str,
    fetched: FetchedSource | None,
    config: str,
    step: str,
    reason: str,
    t0: float | None = None,
    copy: bool = True,
) -> DocumentOutcome:
    """Copy the source to quarantine/, write why it failed, and say so in its outcome.

    When the store refuses the error record itself for this object (not an outage: that is
    raised, and the batch retries), the outcome still says why the document failed, and that
    no error record could be written; the run goes on with the next document."""
    error_key = None
    try:
        error_key = store.quarantine(
            document_id=document_id,
            key=ref.key,
            etag=fetched.etag if fetched else (ref.etag or "unknown"),
            version_id=fetched.version_id if fetched else ref.version_id,
            config=config,
            step=step,
            reason=reason,
            data=fetched.data if fetched else None,
            copy=copy,
        )
    except Exception as exc:
        if is_store_failure(exc):
            raise
        reason = f"{reason} (no error record: {type(exc).__name__}: {exc})"
    return DocumentOutcome(
        key=ref.key,
        document_id=document_id,
        status="failed",
        step=step,
        reason=reason,
        error_key=error_key,
        seconds=_elapsed(t0),
    )


def process_one(
    store: RecordStore,
    ref: SourceRef,
    tagger: Tagger | None,
    config: str,
    on_written: OnWritten | None = None,
) -> tuple[DocumentOutcome, LatestPointer | None]:
    """One source -> (outcome, the new latest pointer or None when it failed); ``on_written``
    gets each new record version once it is stored (the ingest task writes its page there)."""
    t0 = time.perf_counter()
    document_id = document_id_for(source_uri(store.bucket, ref.key))
    fetched = None
    problem = key_problem(ref.key)
    if problem:  # which object the key names depends on the store: neither read nor copied
        reason = f"ambiguous key: {problem}"
        return quarantine_failure(
            store, ref, document_id, None, config, "fetch", reason, t0, copy=False
        ), None
    try:
        fetched = store.fetch(ref.key, ref.version_id)
        record = process_document(
            fetched.data,
            fetched.uri,
            tagger=tagger,
            document_id=document_id,
            source_version_id=fetched.revision,
            media_type=media_type_from(fetched.content_type),
        )
        result = store.put_version(record, source_etag=fetched.etag, previous=ref.previous)
        outcome = outcome_from_pointer(ref.key, result.status, result.pointer, t0, result.reasons)
    except Exception as exc:
        if is_store_failure(exc):
            raise
        step, reason = failure_of(exc, fetched)
        outcome = quarantine_failure(store, ref, document_id, fetched, config, step, reason, t0)
        return outcome, None
    if on_written is not None and result.stored is not None:
        on_written(result.stored)  # outside the try: the record is stored whatever the hook does
    return outcome, result.pointer


def process_batch(
    store: RecordStore,
    refs: list[SourceRef],
    tagger: Tagger | None,
    config: str,
    on_written: OnWritten | None = None,
) -> list[tuple[DocumentOutcome, LatestPointer | None]]:
    """Each source -> a record version (or a quarantined failure): its outcome, and the latest
    pointer for the index (None when it failed). The caller updates the index once per run.

    The pointers travel beside the outcomes, not inside them: the ingest flow returns the
    outcomes, and Prefect walks a flow's return value field by field looking for futures (a
    nested pointer per outcome doubled that walk: 0.3 s of CPU for 500 documents)."""
    return [process_one(store, ref, tagger, config, on_written) for ref in refs]


def limit_malloc_arenas(arenas: int) -> bool:
    """Cap glibc's malloc arenas for the threads to come (``mallopt(M_ARENA_MAX)``; 0: leave
    glibc's default of 8 per core). Each thread that allocates gets an arena of its own, and an
    arena's freed memory is rarely given back: ingest's 8 batch threads held ~100 MB more at
    the same work (``bench/bench_memory.py --ingest``). False where it cannot (not glibc)."""
    if arenas <= 0:
        return False
    import ctypes

    try:
        return bool(ctypes.CDLL("libc.so.6").mallopt(-8, arenas))  # -8: M_ARENA_MAX
    except (OSError, AttributeError):
        return False


def find_unprocessed(
    store: RecordStore, config: str, prefix: str | None, since: datetime | None = None
) -> list[SourceRef]:
    """Incoming objects with no record and no recorded failure for their content and config."""
    index = store.read_index()
    failed = store.failed_revisions()
    todo = []
    for obj in store.list_incoming(prefix, since):
        document_id = document_id_for(source_uri(store.bucket, obj.key))
        pointer = index.get(document_id)
        if pointer and pointer.source_etag == obj.etag and pointer.config == config:
            continue
        if (document_id, obj.etag, config) in failed:
            continue
        todo.append(SourceRef(key=obj.key, etag=obj.etag, previous=pointer))
    return todo

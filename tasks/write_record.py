"""I/O tasks: store a validated record as the next version, quarantine a failure, merge the index.

All go through ``RecordStore`` and retry with backoff (the store may hiccup). Writing is
idempotent: an unchanged fingerprint writes nothing, so a retry never duplicates.
"""

from __future__ import annotations

from prefect import task

from worldview.ingest import DocumentOutcome, SourceRef, quarantine_failure
from worldview.record import Record
from worldview.storage import FetchedSource, LatestPointer, RecordStore, WriteResult


def write_record(bucket: str, record: Record, source_etag: str | None = None) -> WriteResult:
    store = RecordStore.from_settings(bucket=bucket)
    result = store.put_version(record, source_etag=source_etag)
    store.update_index([result.pointer])
    return result


def quarantine(
    bucket: str,
    ref: SourceRef,
    document_id: str,
    fetched: FetchedSource | None,
    config: str,
    step: str,
    reason: str,
    copy: bool = True,
) -> DocumentOutcome:
    store = RecordStore.from_settings(bucket=bucket)
    return quarantine_failure(store, ref, document_id, fetched, config, step, reason, copy=copy)


def update_index(bucket: str, pointers: list[LatestPointer]) -> int:
    """Merge new pointers into ``index/latest.jsonl`` (once per ingest run, not per document)."""
    return RecordStore.from_settings(bucket=bucket).update_index(pointers)


_IO_RETRIES = {"retries": 3, "retry_delay_seconds": [1, 4, 10], "cache_policy": None}
write_record_task = task(write_record, name="write-record", **_IO_RETRIES)
quarantine_task = task(quarantine, name="quarantine", **_IO_RETRIES)
update_index_task = task(update_index, name="update-index", **_IO_RETRIES)

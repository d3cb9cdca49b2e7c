"""Last step (I/O): store a validated record as the next version, or quarantine a failure.

Both go through ``RecordStore``; their Prefect tasks retry with backoff (the store may hiccup).
Writing is idempotent: an unchanged fingerprint writes nothing, so a retry never duplicates.
"""

from __future__ import annotations

from tasks._prefect import prefect_task
from worldview.record import Record
from worldview.storage import FetchedSource, LatestPointer, RecordStore, WriteResult


def write_record(bucket: str, record: Record, source_etag: str | None = None) -> WriteResult:
    store = RecordStore.from_settings(bucket=bucket)
    result = store.put_version(record, source_etag=source_etag)
    store.update_index([result.pointer])
    return result


def quarantine_source(
    bucket: str,
    *,
    document_id: str,
    key: str,
    etag: str,
    version_id: str | None,
    config: str,
    step: str,
    reason: str,
    source: FetchedSource | None = None,
) -> str:
    """Copy the failed source to quarantine/ and write errors/...json; return the error key."""
    return RecordStore.from_settings(bucket=bucket).quarantine(
        document_id=document_id,
        key=key,
        etag=etag,
        version_id=version_id,
        config=config,
        step=step,
        reason=reason,
        data=source.data if source is not None else None,
    )


def update_index(bucket: str, pointers: list[LatestPointer]) -> int:
    """Merge new pointers into ``index/latest.jsonl`` (once per ingest run, not per document)."""
    return RecordStore.from_settings(bucket=bucket).update_index(pointers)


_IO_RETRIES = {"retries": 3, "retry_delay_seconds": [1, 4, 10], "cache_policy": None}
write_record_task = prefect_task(write_record, name="write-record", **_IO_RETRIES)
quarantine_task = prefect_task(quarantine_source, name="quarantine", **_IO_RETRIES)
update_index_task = prefect_task(update_index, name="update-index", **_IO_RETRIES)

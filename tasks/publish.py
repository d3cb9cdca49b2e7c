"""What the flows publish for consumers: an event per new record version, the contract (schema and
taxonomy) in the bucket, and the Parquet export.

``worldview.record.published`` is emitted once per new record version, after the index names it:

    resource  prefect.resource.id = s3://<bucket>/records/<document_id>/v<N>.json
              (labels: worldview.bucket, worldview.document-id, worldview.version)
    related   the source object (role "source": s3://<bucket>/<key>) and the flow run
    payload   document_id, version, record_uri, source_uri, title, published, themes
              [{id, score}], reason [new_document | source | pipeline | schema | taxonomy | model]

Events are best effort (Prefect's ``emit_event`` does not fail when the server is away); a
consumer that must not miss a version also reads the index (``worldview records list
--changed-since``).
"""

from __future__ import annotations

from typing import Any

from prefect import task

from worldview.ingest import DocumentOutcome
from worldview.records.contract import publish_contract
from worldview.records.export import StoreTarget, refresh_export
from worldview.records.reader import RecordReader
from worldview.settings import get_settings
from worldview.storage import LatestPointer, RecordStore

RECORD_PUBLISHED = "worldview.record.published"


def record_published_event(
    bucket: str,
    pointer: LatestPointer,
    reasons: list[str],
    flow_run_id: str | None = None,
) -> dict[str, Any]:
    """The arguments of ``emit_event`` for one new record version."""
    record_uri = f"s3://{bucket}/{pointer.record_key}"
    source_uri = f"s3://{bucket}/{pointer.source_key}"
    source = {
        "prefect.resource.id": source_uri,
        "prefect.resource.role": "source",
        "prefect.resource.name": pointer.source_key,
        "worldview.sha256": pointer.source_sha256,
    }
    if pointer.source_version_id:
        source["worldview.version-id"] = pointer.source_version_id
    related = [source]
    if flow_run_id:
        related.append(
            {
                "prefect.resource.id": f"prefect.flow-run.{flow_run_id}",
                "prefect.resource.role": "flow-run",
            }
        )
    return {
        "event": RECORD_PUBLISHED,
        "resource": {
            "prefect.resource.id": record_uri,
            "prefect.resource.name": pointer.title[:200],
            "worldview.bucket": bucket,
            "worldview.document-id": pointer.document_id,
            "worldview.version": str(pointer.version),
        },
        "related": related,
        "payload": {
            "document_id": pointer.document_id,
            "version": pointer.version,
            "record_uri": record_uri,
            "source_uri": source_uri,
            "title": pointer.title,
            "published": pointer.published,
            "themes": [t.model_dump() for t in pointer.theme_scores],
            "reason": list(reasons),
        },
    }


def emit_records_published(
    bucket: str, written: list[tuple[DocumentOutcome, LatestPointer | None]]
) -> int:
    """``worldview.record.published`` for each written version; return how many were sent."""
    from prefect.events import emit_event
    from prefect.runtime import flow_run

    flow_run_id = flow_run.get_id()
    sent = 0
    for outcome, pointer in written:
        if outcome.status != "written" or pointer is None:
            continue
        emit_event(**record_published_event(bucket, pointer, outcome.changes, flow_run_id))
        sent += 1
    return sent


def publish_contract_files(bucket: str) -> list[str]:
    """The record schema, the taxonomy schema and the taxonomy at their versioned paths."""
    return publish_contract(RecordStore.from_settings(bucket=bucket))


def refresh_exports(bucket: str) -> dict[str, Any]:
    """Upgrade index lines of an older format, then bring ``exports/parquet/`` up to the index
    (only changed documents are read). Off with WORLDVIEW_EXPORTS=off."""
    if not get_settings().exports:
        return {"status": "off"}
    store = RecordStore.from_settings(bucket=bucket)
    upgraded = store.upgrade_index()
    result = refresh_export(RecordReader(store), StoreTarget(store))
    return {
        "status": result.status,
        "documents": result.documents,
        "fetched": result.fetched,
        "rows": result.rows,
        "index_lines_upgraded": upgraded,
    }


_IO_RETRIES = {"retries": 2, "retry_delay_seconds": [2, 10], "cache_policy": None}
publish_contract_task = task(publish_contract_files, name="publish-contract", **_IO_RETRIES)
refresh_exports_task = task(refresh_exports, name="refresh-exports", **_IO_RETRIES)

"""``worldview serve``: the deployments, served from this process, plus the upload watcher.

- ``process-document/on-upload``: one object -> one record; started by the watcher, or by hand
  from the UI (a form with key, bucket, version id).
- ``ingest/scheduled``: everything without a current record, on ``Settings.ingest_cron``; also
  runnable from the UI (prefix, since, bucket, batch size).
"""

from __future__ import annotations

import logging

from worldview.settings import Settings, get_settings

PROCESS_DEPLOYMENT_NAME = "on-upload"
INGEST_DEPLOYMENT_NAME = "scheduled"


def deployments(settings: Settings):
    from flows.ingest import ingest_flow
    from flows.process_document import process_document_flow

    on_upload = process_document_flow.to_deployment(
        name=PROCESS_DEPLOYMENT_NAME,
        description="One uploaded object -> one versioned record (started by the upload watcher).",
        tags=["worldview", "event-driven"],
    )
    scheduled = ingest_flow.to_deployment(
        name=INGEST_DEPLOYMENT_NAME,
        description="Every incoming object without a record for its current content.",
        cron=settings.ingest_cron,
        tags=["worldview", "scheduled"],
    )
    return [on_upload, scheduled]


def serve(settings: Settings | None = None, watch: bool = True) -> None:
    from prefect import serve as prefect_serve

    from worldview.stack.watcher import SqsUploads, UploadWatcher
    from worldview.storage import RecordStore

    settings = settings or get_settings()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    served = deployments(settings)
    for deployment in served:
        deployment.apply()  # registered before the watcher starts runs of them
    watcher = None
    if watch:
        store = RecordStore.from_settings(settings)
        sqs = SqsUploads.from_settings(settings, store)
        watcher = UploadWatcher(store, interval=settings.watch_interval_s, sqs=sqs)
        watcher.start_thread()
    try:
        prefect_serve(
            *served,
            query_seconds=1,
            limit=settings.serve_limit,
            print_starting_message=True,
        )
    finally:
        if watcher is not None:
            watcher.stop()

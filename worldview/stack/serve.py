"""``worldview serve``: the deployments, served warm from this process, plus the upload watcher.

- ``process-document/on-upload``: one object -> one record; started by the watcher, or by hand
  from the UI (a form with key, bucket, version id).
- ``ingest/scheduled``: everything without a current record, on ``Settings.ingest_cron``; also
  runnable from the UI (prefix, since, bucket, batch size, keys); the watcher starts one over a
  burst of uploads.

Both run on ``Settings.serve_limit`` threads of this process (``warm.WarmRunner``), which loads
the pipeline and the theme model once at start-up; the watcher hands each run it creates
straight to those threads, and hears of uploads from the store's notifications where there are
some (the embedded SeaweedFS filer's metadata subscription, S3 -> SQS on AWS). Why warm threads
and not Prefect's process per run or a task worker: README, "Upload to record".
"""

from __future__ import annotations

import logging
import os
import signal
import threading

from worldview.settings import Settings, get_settings

PROCESS_DEPLOYMENT_NAME = "on-upload"
INGEST_DEPLOYMENT_NAME = "scheduled"

log = logging.getLogger("worldview.serve")


def deployments(settings: Settings) -> list:
    """(deployment, flow) for each served deployment."""
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
    return [(on_upload, process_document_flow), (scheduled, ingest_flow)]


def notifications_for(settings: Settings, store):
    """S3 -> SQS when a queue is configured, else the SeaweedFS filer's subscription when there
    is a filer, else None (the watcher lists the prefix every ``watch_interval_s``)."""
    from worldview.stack.filer import FilerUploads
    from worldview.stack.watcher import SqsUploads

    sqs = SqsUploads.from_settings(settings, store)
    if sqs is not None:
        return sqs
    filer = FilerUploads.from_settings(settings, store)
    return filer.start() if filer is not None else None


def start_watcher(settings: Settings, runner):
    """The upload watcher, handing every run it creates to ``runner``."""
    from worldview.stack.watcher import UploadWatcher, create_ingest_run, create_process_run
    from worldview.storage import RecordStore

    store = RecordStore.from_settings(settings)
    notifications = notifications_for(settings, store)
    log.info("upload watcher: %s", type(notifications).__name__ if notifications else "polling")
    watcher = UploadWatcher(
        store,
        interval=settings.watch_interval_s,
        notifications=notifications,
        launch=lambda bucket, obj: runner.hand_off(create_process_run(bucket, obj)),
        launch_batch=lambda bucket, objs: runner.hand_off(create_ingest_run(bucket, objs)),
    )
    threading.Thread(
        target=watch_quickly, args=(watcher,), name="upload-watcher", daemon=True
    ).start()
    return watcher, notifications


def watch_quickly(watcher) -> None:
    """The watcher's loop, its runs created through a client that retries quickly when the
    embedded Prefect server is busy (``busy.py``)."""
    from worldview.stack.busy import quick_client

    with quick_client():
        watcher.run()


def log_to_stderr() -> None:
    """The watcher's and runner's messages (Prefect configures its own loggers, and may have
    configured the root logger first)."""
    ours = logging.getLogger("worldview")
    if not ours.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(message)s"))
        ours.addHandler(handler)
        ours.setLevel(logging.INFO)
        ours.propagate = False


def another_serve_alive(settings: Settings) -> bool:
    """Whether a ``worldview serve`` other than this process runs for this stack (its pid file)."""
    from worldview.stack import SERVE, SERVE_MARKER, processes

    pid = processes.running_pid(settings.data_dir, SERVE, SERVE_MARKER)
    return pid is not None and pid != os.getpid()


def serve(settings: Settings | None = None, watch: bool = True) -> None:
    from worldview.stack.runs import at_serve_start
    from worldview.stack.warm import WarmRunner, warm_up

    settings = settings or get_settings()
    log_to_stderr()
    warm_up(settings.themes, settings.serve_torch_threads)  # before the first run, not in it
    served = deployments(settings)
    flows = {deployment.apply(): flow for deployment, flow in served}
    # Runs a previous serve process left PENDING/RUNNING: Crashed (issue 15, stack/runs.py);
    # not while another serve of this stack is alive (they would be its runs, still running)
    if not another_serve_alive(settings):
        at_serve_start([f"{flow.name}/{deployment.name}" for deployment, flow in served])
    runner = WarmRunner(flows, limit=settings.serve_limit).start()
    names = ", ".join(f"{flow.name}/{deployment.name}" for deployment, flow in served)
    log.info("serving %s warm on %d threads", names, runner.limit)
    watcher, notifications = start_watcher(settings, runner) if watch else (None, None)
    stopping = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stopping.set())
    try:
        stopping.wait()
    finally:
        if watcher is not None:
            watcher.stop()
        if notifications is not None and hasattr(notifications, "stop"):
            notifications.stop()
        runner.stop(timeout=10)  # `worldview down` waits 15 s before it kills

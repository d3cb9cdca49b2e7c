"""Subcommands ``up``, ``down``, ``serve``, ``ingest`` and ``demo`` (cheap to import: the work is
imported inside each command)."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

SAMPLES = Path(__file__).resolve().parents[2] / "samples" / "articles"
DEMO_PREFIX = "samples/"


def _use_stack_server() -> None:
    """Talk to the stack's Prefect server (if it answers; else Prefect runs an ephemeral one)."""
    from worldview.settings import get_settings
    from worldview.stack.prefect_server import healthy

    settings = get_settings()
    if "PREFECT_API_URL" not in os.environ and healthy(settings.prefect_api_url):
        os.environ["PREFECT_API_URL"] = settings.prefect_api_url


def cmd_up(args: argparse.Namespace) -> int:
    from worldview.settings import get_settings
    from worldview.stack import up
    from worldview.stack.prefect_server import ui_url

    settings = get_settings()
    status = up(settings, serve=not args.no_serve)
    print(
        f"object store  {settings.s3_endpoint}  bucket {settings.bucket}"
        f"  (pid {status.objectstore_pid})"
    )
    print(f"prefect       {ui_url(settings.prefect_api_url)}  (pid {status.prefect_server_pid})")
    if status.serve_pid:
        print(
            f"deployments   served by pid {status.serve_pid}; logs in {settings.data_dir / 'logs'}"
        )
    if status.pages_pid:
        print(f"pages         {settings.views_url}/  (pid {status.pages_pid})")
    elif status.pages_error:
        print(f"worldview: no page server: {status.pages_error}", file=sys.stderr)
    return 0


def cmd_down(args: argparse.Namespace) -> int:
    from worldview.stack import down

    stopped = down()
    print("stopped: " + (", ".join(stopped) if stopped else "nothing was running"))
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from worldview.settings import get_settings

    settings = get_settings()
    os.environ.setdefault("PREFECT_API_URL", settings.prefect_api_url)
    from worldview.stack.serve import serve

    serve(settings, watch=not args.no_watch)
    return 0


def cmd_watch(args: argparse.Namespace) -> int:
    """Only the upload watcher: where workers of a work pool run the flows (infra/compose.yaml)."""
    import logging

    from worldview.settings import get_settings

    settings = get_settings()
    os.environ.setdefault("PREFECT_API_URL", settings.prefect_api_url)
    from worldview.stack.serve import notifications_for
    from worldview.stack.watcher import UploadWatcher
    from worldview.storage import RecordStore

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    store = RecordStore.from_settings(settings)
    notifications = notifications_for(settings, store)  # S3 -> SQS, a SeaweedFS filer, or none
    try:
        UploadWatcher(store, interval=settings.watch_interval_s, notifications=notifications).run()
    finally:
        if notifications is not None and hasattr(notifications, "stop"):
            notifications.stop()  # the filer subscription's `weed` child goes with the watcher
    return 0


def cmd_ingest(args: argparse.Namespace) -> int:
    _use_stack_server()
    from flows.ingest import IngestRequest, run_ingest

    state = run_ingest(IngestRequest(prefix=args.prefix, bucket=args.bucket), return_state=True)
    if not state.is_completed():
        print(f"worldview: ingest failed: {state.message}", file=sys.stderr)
        return 1
    summary = state.result()
    for outcome in summary.outcomes:
        where = outcome.record_key or outcome.error_key
        print(f"{outcome.status:9} {outcome.key} -> {where}")
    print(f"totals: {summary.totals}")
    return 1 if summary.totals.get("failed") else 0


def upload_samples(store, files: list[Path]) -> list:
    """Upload each file unless the store holds the same bytes (ETag = MD5 of a simple put)."""
    import hashlib

    current = {o.key: o.etag for o in store.list_incoming(DEMO_PREFIX)}
    uploaded = []
    for path in files:
        key = f"{store.incoming_prefix}{DEMO_PREFIX}{path.name}"
        data = path.read_bytes()
        if current.get(key) != hashlib.md5(data).hexdigest():
            uploaded.append(store.upload_source(key, data))
    return uploaded


def wait_for_records(store, keys: dict[str, str], timeout: float) -> set[str]:
    """Wait until every key (-> its ETag) has a record or a recorded failure; return the rest."""
    from worldview.identity import document_id_for, source_uri

    pending = {document_id_for(source_uri(store.bucket, k)): (k, e) for k, e in keys.items()}
    deadline = time.monotonic() + timeout
    while True:
        index = store.read_index()
        failed = {(d, e) for d, e, _ in store.failed_revisions()}
        for doc_id, (_key, etag) in list(pending.items()):
            pointer = index.get(doc_id)
            if (pointer is not None and pointer.source_etag == etag) or (doc_id, etag) in failed:
                del pending[doc_id]
        if not pending or time.monotonic() >= deadline:
            break
        time.sleep(1)
    return {k for k, _ in pending.values()}


def reconcile(timeout: float) -> str:
    """Run the served ``ingest`` deployment once and wait: it brings records made by an older
    pipeline, taxonomy or model up to date (the watcher only reacts to new uploads)."""
    from prefect.deployments import run_deployment

    from worldview.stack.watcher import INGEST_DEPLOYMENT

    run = run_deployment(
        INGEST_DEPLOYMENT,
        parameters={"request": {"prefix": DEMO_PREFIX}},
        timeout=timeout,
        as_subflow=False,
        tags=["demo"],
    )
    return run.state.name if run.state else "unknown"


def describe(store, keys: list[str]) -> list[str]:
    from worldview.identity import document_id_for, source_uri

    index = store.read_index()
    failed = {d: (e, c) for d, e, c in store.failed_revisions()}
    lines = []
    for key in sorted(keys):
        doc_id = document_id_for(source_uri(store.bucket, key))
        pointer = index.get(doc_id)
        if pointer is not None:
            where = f"s3://{store.bucket}/{pointer.record_key}  {pointer.title}"
        elif doc_id in failed:
            etag, config = failed[doc_id]
            error = store.get_error(store.error_key(doc_id, etag, config)) or {}
            where = f"FAILED at {error.get('step')}: {error.get('reason')} (errors/{doc_id}/)"
        else:
            where = "no record yet"
        lines.append(f"  {key} -> {where}")
    return lines


def cmd_demo(args: argparse.Namespace) -> int:
    from worldview.settings import get_settings
    from worldview.stack import up
    from worldview.stack.prefect_server import ui_url
    from worldview.storage import RecordStore

    settings = get_settings()
    if settings.themes and not _tagger_installed():
        print(
            "worldview: the theme tagger is not installed; set WORLDVIEW_THEMES=off to run "
            "the demo without theme tagging",
            file=sys.stderr,
        )
        return 2
    files = sorted(p for p in Path(args.samples).iterdir() if p.is_file())
    print(f"starting the stack (state in {settings.data_dir}) ...", flush=True)
    up(settings)
    os.environ["PREFECT_API_URL"] = settings.prefect_api_url
    store = RecordStore.from_settings(settings)
    uploaded = upload_samples(store, files)
    where = f"s3://{store.bucket}/{store.incoming_prefix}{DEMO_PREFIX}"
    print(f"uploaded {len(uploaded)} of {len(files)} samples to {where}", flush=True)
    t0 = time.monotonic()
    keys = {o.key: o.etag for o in store.list_incoming(DEMO_PREFIX)}
    if uploaded:
        print("waiting for the upload watcher's runs ...", flush=True)
        wait_for_records(store, {i.key: i.etag for i in uploaded}, args.timeout)
    print("reconciling with one ingest run ...", flush=True)
    state = reconcile(max(30.0, args.timeout - (time.monotonic() - t0)))
    print(f"ingest run: {state}")
    lines = describe(store, list(keys))
    print("\n".join(lines))
    ui = ui_url(settings.prefect_api_url)
    print(
        f"records: s3://{store.bucket}/{store.records_prefix}<document_id>/v<N>.json and the "
        f"index s3://{store.bucket}/index/latest.jsonl at {settings.s3_endpoint} "
        f"(data in {settings.data_dir / 'objectstore'})"
    )
    print(f"Prefect UI: {ui}/deployments (deployments and schedule), {ui}/runs (runs, artifacts)")
    print(
        "read them: worldview records list | get DOC | versions DOC | diff DOC | "
        "export --parquet DIR (README: For downstream teams)"
    )
    if settings.views_url:
        print(f"pages: {settings.views_url}/ (every record highlighted; trends at /trends)")
    print("the stack keeps running; `worldview down` stops it")
    not_done = [line for line in lines if "s3://" not in line.split("->", 1)[1]]
    if not_done or state != "Completed":
        print(
            f"worldview: {len(not_done)} sample(s) without a record; ingest run {state}",
            file=sys.stderr,
        )
        return 1
    return 0


def _tagger_installed() -> bool:
    import importlib

    try:
        return hasattr(importlib.import_module("worldview.themes"), "load_tagger")
    except ImportError:
        return False


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "up",
        help="start the embedded stack (object store, Prefect, flows, page server)",
        description="Start what is not running yet, on 127.0.0.1, with state in "
        "WORLDVIEW_DATA_DIR (.worldview/): the SeaweedFS object store (S3 API at "
        "WORLDVIEW_S3_ENDPOINT), a Prefect server (UI at :4200), the served deployments with "
        "the upload watcher, and the page server (WORLDVIEW_VIEWS_URL, :4280) that run "
        "artifacts link to. Returns when they answer; `worldview down` stops them.",
    )
    p.add_argument("--no-serve", action="store_true", help="do not serve the deployments")
    p.set_defaults(func=cmd_up)

    p = subparsers.add_parser(
        "down",
        help="stop what `up` started",
        description="Stop the page server, the served deployments, the Prefect server and the "
        "object store (their data stays in WORLDVIEW_DATA_DIR).",
    )
    p.set_defaults(func=cmd_down)

    p = subparsers.add_parser(
        "serve",
        help="serve the deployments and watch for uploads",
        description="Serve the Prefect deployments (process-document, the scheduled ingest) "
        "warm: their runs on WORLDVIEW_SERVE_LIMIT threads of this process, which loads the "
        "pipeline and the theme model once; with the upload watcher that starts a run per new "
        "upload as the store announces it. `up` runs this in the background.",
    )
    p.add_argument("--no-watch", action="store_true", help="no upload watcher")
    p.set_defaults(func=cmd_serve)

    p = subparsers.add_parser(
        "watch",
        help="only the upload watcher (flows run on a work pool)",
        description="Watch the incoming prefix (the S3 -> SQS queue in "
        "WORLDVIEW_SQS_QUEUE_URL, the SeaweedFS filer in WORLDVIEW_SEAWEEDFS_FILER, else a "
        "listing every WORLDVIEW_WATCH_INTERVAL_S) and start a process-document run per new "
        "upload; the runs go to the workers of a work pool (infra/compose.yaml).",
    )
    p.set_defaults(func=cmd_watch)

    p = subparsers.add_parser(
        "ingest",
        help="run the ingest flow once",
        description="Process every object under the incoming prefix that has no record for "
        "its current content (and the current pipeline, taxonomy and model), in batches; print "
        "what became of each. Uses the stack's Prefect server when it answers.",
        epilog="examples:\n  worldview ingest\n  worldview ingest --prefix samples/",
    )
    p.add_argument("--prefix", default=None, help="only keys under this (below incoming/)")
    p.add_argument("--bucket", default=None, help="the bucket (default: WORLDVIEW_BUCKET)")
    p.set_defaults(func=cmd_ingest)

    p = subparsers.add_parser(
        "demo",
        help="upload the samples and wait for their records",
        description="Start the stack, upload the sample analyses to incoming/samples/, wait "
        "until each has a record (the watcher's runs, then one ingest run), print where the "
        "records and their pages are. A second run writes nothing new.",
    )
    p.add_argument(
        "--samples", type=Path, default=SAMPLES, metavar="DIR", help="files to upload (samples/)"
    )
    p.add_argument(
        "--timeout", type=float, default=300.0, metavar="S", help="seconds to wait (300)"
    )
    p.set_defaults(func=cmd_demo)

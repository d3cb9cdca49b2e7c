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
    from worldview.stack.watcher import UploadWatcher
    from worldview.storage import RecordStore

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    UploadWatcher(RecordStore.from_settings(settings), interval=settings.watch_interval_s).run()
    return 0


def cmd_ingest(args: argparse.Namespace) -> int:
    _use_stack_server()
    from flows.ingest import IngestRequest, ingest_flow

    state = ingest_flow(IngestRequest(prefix=args.prefix, bucket=args.bucket), return_state=True)
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


def cmd_demo(args: argparse.Namespace) -> int:
    from tasks.build_record import document_id_for
    from worldview.settings import get_settings
    from worldview.stack import up
    from worldview.stack.prefect_server import ui_url
    from worldview.storage import RecordStore, source_uri

    settings = get_settings()
    files = sorted(p for p in Path(args.samples).iterdir() if p.is_file())
    print(f"starting the stack (state in {settings.data_dir}) ...", flush=True)
    up(settings)
    store = RecordStore.from_settings(settings)
    uploaded = upload_samples(store, files)
    print(
        f"uploaded {len(uploaded)} of {len(files)} samples to s3://{store.bucket}/{store.incoming_prefix}{DEMO_PREFIX}"
    )

    etags = {o.key: o.etag for o in store.list_incoming(DEMO_PREFIX)}
    pending = {document_id_for(source_uri(store.bucket, k)): (k, e) for k, e in etags.items()}
    done: dict[str, str] = {}
    deadline = time.monotonic() + args.timeout
    while pending and time.monotonic() < deadline:
        index = store.read_index()
        failed = {(d, e) for d, e, _ in store.failed_revisions()}
        for doc_id, (key, etag) in list(pending.items()):
            pointer = index.get(doc_id)
            if pointer is not None and pointer.source_etag == etag:
                done[key] = f"s3://{store.bucket}/{pointer.record_key}  ({pointer.title})"
                del pending[doc_id]
            elif (doc_id, etag) in failed:
                done[key] = "FAILED (see errors/ and quarantine/)"
                del pending[doc_id]
        if pending:
            time.sleep(1)
    for key in sorted(done):
        print(f"  {key} -> {done[key]}")
    ui = ui_url(settings.prefect_api_url)
    print(
        f"records:  s3://{store.bucket}/{store.records_prefix}<document_id>/v<N>.json "
        f"(endpoint {settings.s3_endpoint}); index: s3://{store.bucket}/index/latest.jsonl"
    )
    print(f"Prefect UI: {ui}  (deployments: {ui}/deployments, runs: {ui}/runs)")
    print("the stack keeps running; `worldview down` stops it")
    if pending:
        print(
            f"worldview: no record after {args.timeout:.0f} s for: "
            + ", ".join(k for k, _ in pending.values()),
            file=sys.stderr,
        )
        return 1
    return 0


def register(subparsers) -> None:
    p = subparsers.add_parser("up", help="start the embedded stack (object store, Prefect, flows)")
    p.add_argument("--no-serve", action="store_true", help="do not serve the deployments")
    p.set_defaults(func=cmd_up)

    p = subparsers.add_parser("down", help="stop what `up` started")
    p.set_defaults(func=cmd_down)

    p = subparsers.add_parser("serve", help="serve the deployments and watch for uploads")
    p.add_argument("--no-watch", action="store_true", help="no upload watcher")
    p.set_defaults(func=cmd_serve)

    p = subparsers.add_parser("watch", help="only the upload watcher (flows run on a work pool)")
    p.set_defaults(func=cmd_watch)

    p = subparsers.add_parser("ingest", help="run the ingest flow once")
    p.add_argument("--prefix", default=None, help="under the incoming prefix")
    p.add_argument("--bucket", default=None)
    p.set_defaults(func=cmd_ingest)

    p = subparsers.add_parser("demo", help="upload the samples and wait for their records")
    p.add_argument("--samples", type=Path, default=SAMPLES)
    p.add_argument("--timeout", type=float, default=300.0)
    p.set_defaults(func=cmd_demo)

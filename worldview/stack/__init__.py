"""The embedded default stack: SeaweedFS (``weed mini``), a Prefect server and the served flows.

``up`` starts what is missing and returns; ``down`` stops what ``up`` started. Everything listens
on 127.0.0.1 and keeps its state under ``Settings.data_dir``, so data survives restarts.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from urllib.parse import urlparse

from worldview.settings import Settings, get_settings
from worldview.stack import objectstore, pages, prefect_server, processes

SERVE = "serve"
SERVE_MARKER = "worldview"


@dataclass
class StackStatus:
    objectstore_pid: int | None
    prefect_server_pid: int | None
    serve_pid: int | None
    pages_pid: int | None = None  # the page server (record pages, trends), when ours to run
    pages_error: str | None = None  # why it did not start (the rest of the stack works without)


def embedded_store(settings: Settings) -> bool:
    host = urlparse(settings.s3_endpoint or "").hostname
    return host in {"127.0.0.1", "localhost"}


def store_credentials(settings: Settings) -> tuple[str, str]:
    """The keys the embedded store is started with: the ones set, else its own (the secret made
    at the first start; a store still running from before that keeps the key it runs with)."""
    if settings.s3_access_key and settings.s3_secret_key:
        return settings.s3_access_key, settings.s3_secret_key
    if settings.embedded_secret_key:
        return settings.embedded_access_key, settings.embedded_secret_key
    data_dir = settings.data_dir
    running = processes.running_pid(data_dir, objectstore.NAME, objectstore.MARKER)
    if running is not None and not (data_dir / objectstore.CREDENTIALS_FILE).is_file():
        return objectstore.running_credentials(data_dir)
    return objectstore.embedded_credentials(data_dir, settings.embedded_access_key)


def wait_for_bucket(settings: Settings, timeout: float = 60) -> None:
    """Create the bucket (with versioning) once the store accepts requests, and publish the
    contract in it (the record schema, the taxonomy and its schema, at versioned paths)."""
    from worldview.records.contract import publish_contract
    from worldview.storage import RecordStore

    store = RecordStore.from_settings(settings)
    processes.wait_until(lambda: store.ensure_bucket() or True, timeout, "the bucket")
    publish_contract(store)


def up(settings: Settings | None = None, serve: bool = True) -> StackStatus:
    settings = settings or get_settings()
    data_dir = settings.data_dir
    store_pid = None
    if embedded_store(settings):
        port = urlparse(settings.s3_endpoint).port or 8333
        access, secret = store_credentials(settings)
        store_pid = objectstore.start(data_dir, objectstore.WeedPorts(s3=port), access, secret)
    wait_for_bucket(settings)
    server_pid = prefect_server.start(data_dir, settings.prefect_api_url)
    pages_pid, pages_error = None, None
    try:
        pages_pid = pages.start(settings)
    except processes.ServiceError as exc:
        pages_error = str(exc)
    serve_pid = processes.running_pid(data_dir, SERVE, SERVE_MARKER)
    if serve and serve_pid is None:
        argv = [sys.executable, "-m", "worldview.cli", "serve"]
        env = prefect_server.prefect_env(data_dir, settings.prefect_api_url)
        if embedded_store(settings):  # the watcher's filer subscription is a gRPC client
            env.update(objectstore.grpc_client_env(data_dir))
        serve_pid = processes.start(data_dir, SERVE, argv, env).pid
        time.sleep(0.5)
    return StackStatus(store_pid, server_pid, serve_pid, pages_pid, pages_error)


def down(settings: Settings | None = None) -> list[str]:
    """Stop the page server, the served flows, the Prefect server and the object store."""
    settings = settings or get_settings()
    stopped = []
    if pages.stop(settings.data_dir):
        stopped.append("page server")
    if processes.stop(settings.data_dir, SERVE, SERVE_MARKER):
        stopped.append("serve")
    if prefect_server.stop(settings.data_dir):
        stopped.append("prefect server")
    if objectstore.stop(settings.data_dir):
        stopped.append("object store")
    return stopped

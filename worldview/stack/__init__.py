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
from worldview.stack import objectstore, prefect_server, processes

SERVE = "serve"
SERVE_MARKER = "worldview"


@dataclass
class StackStatus:
    objectstore_pid: int | None
    prefect_server_pid: int | None
    serve_pid: int | None


def embedded_store(settings: Settings) -> bool:
    host = urlparse(settings.s3_endpoint or "").hostname
    return host in {"127.0.0.1", "localhost"}


def store_credentials(settings: Settings) -> tuple[str, str]:
    if settings.s3_access_key and settings.s3_secret_key:
        return settings.s3_access_key, settings.s3_secret_key
    return settings.embedded_access_key, settings.embedded_secret_key


def wait_for_bucket(settings: Settings, timeout: float = 60) -> None:
    """Create the bucket (with versioning) once the store accepts requests."""
    from worldview.storage import RecordStore

    store = RecordStore.from_settings(settings)
    processes.wait_until(lambda: store.ensure_bucket() or True, timeout, "the bucket")


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
    serve_pid = processes.running_pid(data_dir, SERVE, SERVE_MARKER)
    if serve and serve_pid is None:
        argv = [sys.executable, "-m", "worldview.cli", "serve"]
        env = prefect_server.prefect_env(data_dir, settings.prefect_api_url)
        serve_pid = processes.start(data_dir, SERVE, argv, env).pid
        time.sleep(0.5)
    return StackStatus(store_pid, server_pid, serve_pid)


def down(settings: Settings | None = None) -> list[str]:
    """Stop the served flows, the Prefect server and the object store (in that order)."""
    settings = settings or get_settings()
    stopped = []
    if processes.stop(settings.data_dir, SERVE, SERVE_MARKER):
        stopped.append("serve")
    if prefect_server.stop(settings.data_dir):
        stopped.append("prefect server")
    if objectstore.stop(settings.data_dir):
        stopped.append("object store")
    return stopped

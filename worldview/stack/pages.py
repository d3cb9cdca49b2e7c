"""The embedded stack's page server (``worldview pages``): record pages and trends on 127.0.0.1 at
``WORLDVIEW_VIEWS_URL``, where run artifacts link. Started by ``up`` unless that URL points at
another machine or is empty, or something already answers there."""

from __future__ import annotations

import sys
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

from worldview.settings import Settings
from worldview.stack import processes

NAME = "pages"
MARKER = "worldview.cli pages"
LOCAL_HOSTS = {"127.0.0.1", "localhost"}


def healthy(base_url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base_url.rstrip('/')}/health", timeout=2) as response:
            return response.read().strip() == b"ok"
    except (OSError, ValueError):
        return False


def local(settings: Settings) -> bool:
    return bool(settings.views_url) and urlparse(settings.views_url).hostname in LOCAL_HOSTS


def start(settings: Settings, timeout: float = 30) -> int | None:
    """Start the page server if it is ours to run and not running; its pid (None: not ours)."""
    data_dir: Path = settings.data_dir
    pid = processes.running_pid(data_dir, NAME, MARKER)
    if pid is not None or not local(settings) or healthy(settings.views_url):
        return pid
    port = str(urlparse(settings.views_url).port or 80)
    argv = [
        sys.executable,
        "-m",
        "worldview.cli",
        "pages",
        "--port",
        port,
        "--bucket",
        settings.bucket,
    ]
    process = processes.start(data_dir, NAME, argv)
    processes.wait_until(
        lambda: healthy(settings.views_url),
        timeout,
        f"the page server (log: {processes.log_file(data_dir, NAME)})",
        alive=lambda: process.poll() is None,
    )
    return process.pid


def stop(data_dir: Path, timeout: float = 10.0) -> bool:
    return processes.stop(data_dir, NAME, MARKER, timeout)

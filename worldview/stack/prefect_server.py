"""The local Prefect server of the embedded stack: UI and API on 127.0.0.1, state in data_dir."""

from __future__ import annotations

import json
import sys
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

from worldview.stack import processes
from worldview.stack.runs import HEARTBEAT_S

NAME = "prefect-server"
MARKER = "prefect"


def prefect_env(data_dir: Path, api_url: str) -> dict[str, str]:
    """Environment for every process of the stack that talks to this server."""
    return {
        "PREFECT_HOME": str(data_dir / "prefect"),
        "PREFECT_API_URL": api_url,
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_SERVER_UI_SHOW_PROMOTIONAL_CONTENT": "false",
        # Flow runs send heartbeats; a run whose process died is then marked Crashed by the
        # zombie automation (worldview/stack/runs.py) instead of staying RUNNING for ever.
        "PREFECT_FLOWS_HEARTBEAT_FREQUENCY": str(HEARTBEAT_S),
    }


def healthy(api_url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{api_url.rstrip('/')}/health", timeout=2) as response:
            return json.loads(response.read()) is True
    except (OSError, ValueError):
        return False


def ui_url(api_url: str) -> str:
    parsed = urlparse(api_url)
    return f"{parsed.scheme}://{parsed.netloc}"


def start(data_dir: Path, api_url: str, timeout: float = 90) -> int | None:
    """Start ``prefect server start`` on the API URL's port; None if a server already answers."""
    pid = processes.running_pid(data_dir, NAME, MARKER)
    if pid is not None or healthy(api_url):
        return pid
    port = urlparse(api_url).port or 4200
    prefect = Path(sys.executable).parent / "prefect"
    argv = [str(prefect), "server", "start", "--host", "127.0.0.1", "--port", str(port)]
    env = prefect_env(data_dir, api_url)
    env.pop("PREFECT_API_URL")  # the server itself does not need a client URL
    process = processes.start(data_dir, NAME, argv, env)
    processes.wait_until(
        lambda: healthy(api_url),
        timeout,
        f"Prefect server (log: {processes.log_file(data_dir, NAME)})",
        alive=lambda: process.poll() is None,
    )
    return process.pid


def stop(data_dir: Path, timeout: float = 15.0) -> bool:
    return processes.stop(data_dir, NAME, MARKER, timeout)

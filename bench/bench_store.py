"""The embedded object store's CPU per request, with its default Go threads and with ours.

Starts ``weed mini`` twice on free ports in a scratch directory: once with ``GOMAXPROCS`` = the
number of cores (Go's default) and once as ``worldview up`` starts it (``objectstore.
weed_environment()``: half the cores). Each time it makes the requests ingest makes per document
(a conditional PUT of a ~40 KB record, a conditional PUT of a small pointer, a GET of a ~40 KB
object) one after another through ``RecordStore``'s lean path, and reads the store's CPU time
from /proc before and after. Prints ``BENCH-ROW {json}`` lines for bench/run.py.

    .venv/bin/python bench/bench_store.py [--quick] [--requests N]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

ACCESS, SECRET = "bench-access", "bench-secret-key"


def row(metric: str, value, baseline=None, ratio=None, goal=None, note="") -> None:
    data = {"bench": "store", "metric": metric, "value": value, "baseline": baseline}
    data.update({"ratio": ratio, "goal": goal, "note": note})
    print("BENCH-ROW " + json.dumps(data), flush=True)


def measure(gomaxprocs: str, requests: int) -> dict[str, float]:
    """ms of store CPU per request of each kind, for a store started with ``gomaxprocs``."""
    import psutil

    from worldview.settings import Settings
    from worldview.stack import objectstore
    from worldview.storage import RecordStore

    scratch = Path(tempfile.mkdtemp(prefix="bench-store-"))
    ports = objectstore.WeedPorts.free()
    previous = os.environ.get("GOMAXPROCS")
    os.environ["GOMAXPROCS"] = gomaxprocs  # weed_environment() leaves a set value alone
    try:
        pid = objectstore.start(scratch, ports, ACCESS, SECRET)
    finally:
        if previous is None:
            os.environ.pop("GOMAXPROCS")
        else:
            os.environ["GOMAXPROCS"] = previous
    try:
        settings = Settings(
            data_dir=scratch,
            s3_endpoint=f"http://127.0.0.1:{ports.s3}",
            s3_access_key=ACCESS,
            s3_secret_key=SECRET,
        )
        store = RecordStore.from_settings(settings, bucket="bench-store")
        store.ensure_bucket()
        process = psutil.Process(pid)
        record = json.dumps({"text": "An analysis sentence of ordinary length. " * 1000}).encode()
        pointer = json.dumps({"document_id": "x" * 16, "version": 1, "title": "t" * 80}).encode()
        for i in range(50):  # warm-up: connections, the bucket's first volumes
            store._put(f"warm/{i}.json", record, "application/json")
        kinds = {
            "conditional PUT, 40 KB record": lambda i: store._put(
                f"records/{i}/v1.json", record, "application/json", IfNoneMatch="*"
            ),
            "conditional PUT, pointer": lambda i: store._put(
                f"records/{i}/latest.json", pointer, "application/json", IfNoneMatch="*"
            ),
            "GET, 40 KB": lambda i: store._get(f"records/{i}/v1.json")["Body"].read(),
        }
        results = {}
        for kind, call in kinds.items():
            before = sum(process.cpu_times()[:2])
            for i in range(requests):
                call(i)
            results[kind] = (sum(process.cpu_times()[:2]) - before) / requests * 1000
        return results
    finally:
        objectstore.stop(scratch)
        shutil.rmtree(scratch, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="200 requests of each kind")
    parser.add_argument("--requests", type=int, default=None)
    args = parser.parse_args(argv)
    requests = args.requests or (200 if args.quick else 1000)

    from worldview.stack import objectstore

    cores = str(os.cpu_count() or 1)
    ours = objectstore.weed_environment().get("GOMAXPROCS") or os.environ["GOMAXPROCS"]
    t0 = time.perf_counter()
    default = measure(cores, requests)
    embedded = measure(ours, requests)
    for kind in default:
        row(
            f"store CPU per request, ms: {kind}",
            round(embedded[kind], 2),
            round(default[kind], 2),
            round(embedded[kind] / default[kind], 2),
            note=f"GOMAXPROCS={ours} (worldview up) vs {cores} (Go's default); "
            f"{requests} sequential requests",
        )
    print(f"({time.perf_counter() - t0:.0f} s)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

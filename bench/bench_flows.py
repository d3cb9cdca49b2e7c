"""Flows on the embedded stack: upload->record latency, a burst, ingest throughput vs the bare loop.

1. Latency through the event path: upload one document at a time into the stack's bucket
   (``incoming/bench/<run>/``); the filer's subscription tells the watcher, which claims it and
   creates ``process-document/on-upload``, run warm by ``worldview serve``; the clock runs from
   ``put_object`` to ``records/<id>/latest.json``. p50/p95 over the uploads, with the machine's
   load (1-minute average) before and after.
1b. A burst: ``--burst`` documents (100) uploaded at once on 8 threads; each document's time from
   its ``put_object`` to its ``latest.json`` (the store's LastModified), p50/p95, and docs/s from
   the first put to the last record; against the ``ingest`` flow over the same documents in a
   fresh bucket, in this process, themes as the stack runs them (goal: >= 0.8x).
2. Throughput: the same N documents (the sample corpus, cycled, each under its own key) through
   (a) the bare pipeline loop: ``process-document``'s steps for one document after another, no
   Prefect, no threads — fetch the source, ``process_document``, ``put_version`` — on a fresh
   bucket, and (b) the ``ingest`` flow on a fresh bucket (list, fetch, process in batches, write
   versions, index, artifacts), side by side in this process, with the same tagger. Goal: (b) >=
   0.5 x (a). Both sides are warmed up first (each sample through the pipeline, one small ingest
   run: the first flow run in a process pays Prefect's imports and connections once). The bare
   loop runs before and after the flow (baseline: their mean). Two more rows separate the costs:
   ``process_document`` over bytes already in memory (no store: the stricter baseline, since the
   object store's CPU shares the machine's cores with the pipeline), and the same batches through
   ``process_batch`` on threads without Prefect; each row gives the CPU per document of this
   process and of the object store.
3. The same ingest with a local Dask cluster (prefect-dask ``DaskTaskRunner``, 2 worker processes)
   as for a large backfill.

Starts the stack if it is not running (and stops it afterwards). Latency: theme tagging as the
stack runs it (``WORLDVIEW_THEMES``). Throughput: themes off unless ``--themes`` (the tagger then
dominates both sides and the ratio says little about orchestration and storage). Prints
``BENCH-ROW {json}`` lines for bench/run.py.

    .venv/bin/python bench/bench_flows.py [--quick] [--docs N] [--uploads N] [--burst N]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
SAMPLES = sorted((REPO / "samples" / "articles").iterdir())


def row(metric: str, value, baseline=None, ratio=None, goal=None, note="") -> None:
    data = {"bench": "flows", "metric": metric, "value": value, "baseline": baseline}
    data.update({"ratio": ratio, "goal": goal, "note": note})
    print("BENCH-ROW " + json.dumps(data), flush=True)


def throughput_row(metric: str, rate: float, bare_rate: float, goal=None, note="") -> None:
    """A docs/s row with the bare loop of the same run as its baseline."""
    row(metric, round(rate, 1), round(bare_rate, 1), round(rate / bare_rate, 2), goal, note)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def corpus(n: int) -> list[tuple[str, bytes]]:
    files = [(p.name, p.read_bytes()) for p in SAMPLES]
    return [(f"doc-{i:04d}-{files[i % len(files)][0]}", files[i % len(files)][1]) for i in range(n)]


def wait_for_deployment(name: str, timeout: float = 120) -> None:
    from prefect.client.orchestration import get_client

    deadline = time.monotonic() + timeout
    with get_client(sync_client=True) as client:
        while True:
            try:
                client.read_deployment_by_name(name)
                return
            except Exception:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)


def load() -> str:
    return f"{os.getloadavg()[0]:.2f}"


def has_latest(store, document_id: str) -> bool:
    try:
        store.client.head_object(Bucket=store.bucket, Key=store.latest_key(document_id))
    except Exception:
        return False
    return True


def measure_latency(store, uploads: int, run_id: str) -> list[float]:
    """Upload one document at a time; the clock runs from put_object to its latest.json."""
    from worldview.identity import document_id_for, source_uri
    from worldview.stack.watcher import PROCESS_DEPLOYMENT

    wait_for_deployment(PROCESS_DEPLOYMENT)
    # One untimed upload first: a stack that has just started may not be watching yet.
    name, data = corpus(1)[0]
    info = store.upload_source(f"bench/{run_id}/warm-up-{name}", data)
    document_id = document_id_for(source_uri(store.bucket, info.key))
    deadline = time.perf_counter() + 180
    while not has_latest(store, document_id) and time.perf_counter() < deadline:
        time.sleep(0.1)
    time.sleep(1)
    latencies = []
    for i, (name, data) in enumerate(corpus(uploads)):
        key = f"bench/{run_id}/lat-{i:03d}-{name}"
        t0 = time.perf_counter()
        info = store.upload_source(key, data)
        document_id = document_id_for(source_uri(store.bucket, info.key))
        while not has_latest(store, document_id):
            if time.perf_counter() - t0 > 180:
                raise TimeoutError(f"no record for {info.key} after 180 s")
            time.sleep(0.02)
        latencies.append(time.perf_counter() - t0)
        print(f"  upload {i + 1}/{uploads}: {latencies[-1]:.2f} s (load {load()})", flush=True)
    # Let the last run finish (index, page, artifact) before anything stops the stack under it.
    deadline = time.perf_counter() + 60
    while document_id not in store.read_index() and time.perf_counter() < deadline:
        time.sleep(0.2)
    time.sleep(1)
    return latencies


def measure_burst(store, n: int, run_id: str) -> tuple[list[float], float]:
    """``n`` uploads at once (8 threads): each one's seconds from its put_object to its
    latest.json (the store's clock, this machine's), and docs/s from the first put to the last
    record. Document ids share the prefix ``b<run>-``, so one listing finds their records."""
    from datetime import UTC, datetime

    from worldview.identity import document_id_for, source_uri

    tag = f"b{run_id.replace('T', '')}"
    docs = [
        (f"bench/{run_id}/{tag}-{i:03d}-{name}", data) for i, (name, data) in enumerate(corpus(n))
    ]
    put_at: dict[str, datetime] = {}

    def upload(doc: tuple[str, bytes]) -> None:
        info = store.upload_source(*doc)
        put_at[document_id_for(source_uri(store.bucket, info.key))] = datetime.now(UTC)

    first = datetime.now(UTC)
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(upload, docs))
    recorded: dict[str, datetime] = {}
    deadline = time.perf_counter() + 900
    while len(recorded) < n:
        if time.perf_counter() > deadline:
            raise TimeoutError(f"{n - len(recorded)} of the burst without a record after 900 s")
        for item in store._keys(f"{store.records_prefix}{tag}-"):
            if item["Key"].endswith("/latest.json"):
                recorded.setdefault(item["Key"].split("/")[-2], item["LastModified"])
        time.sleep(0.3)
    latencies = [(recorded[d] - put_at[d]).total_seconds() for d in recorded]
    seconds = (max(recorded.values()) - first).total_seconds()
    return latencies, n / seconds


def ingest_rate(n: int) -> float:
    """docs/s of the ``ingest`` flow over the burst's documents in a fresh bucket, here (warm:
    one small run first), themes as the stack runs them."""
    from worldview.settings import get_settings
    from worldview.themes import tagger_if

    settings = get_settings()
    warm_up(tagger_if(settings.themes))
    store = fresh_bucket(settings, corpus(len(SAMPLES)), "warmup")
    run_ingest(store)
    drop_bucket(store)
    store = fresh_bucket(settings, corpus(n), "ingest")  # not the stack's: no watcher sees it
    seconds, totals = run_ingest(store)
    drop_bucket(store)
    assert totals.get("written") == n, totals
    return n / seconds


def bare_loop(docs: list[tuple[str, bytes]], tagger) -> float:
    from worldview.pipeline import process_document

    t0 = time.perf_counter()
    for name, data in docs:
        process_document(data, f"s3://bare/incoming/{name}", tagger=tagger)
    return time.perf_counter() - t0


def bare_store_loop(store, docs: list[tuple[str, bytes]], tagger) -> float:
    """``process-document``'s steps in a plain loop, one document at a time: ``process_one``
    (fetch, pipeline, write) without batches, threads or Prefect."""
    from worldview.ingest import SourceRef, process_one
    from worldview.pipeline import config_for

    config = config_for(tagger)
    t0 = time.perf_counter()
    for name, _ in docs:
        ref = SourceRef(key=store.incoming_prefix + name)
        outcome, _ = process_one(store, ref, tagger, config)
        assert outcome.status == "written", outcome
    return time.perf_counter() - t0


def warm_up(tagger) -> None:
    """Each sample once, untimed: lazy imports and compiled patterns are not the baseline's cost."""
    bare_loop(corpus(len(SAMPLES)), tagger)


class CpuMeter:
    """Wall time, this process's CPU and the object store's CPU over a block (ms per document).

    The store runs on the same two cores, so its CPU is part of what ingesting costs."""

    def __init__(self, store_pid: int | None) -> None:
        self.store = None
        if store_pid is not None:
            try:
                import psutil

                self.store = psutil.Process(store_pid)
            except Exception:
                self.store = None

    def _store_cpu(self) -> float:
        if self.store is None:
            return float("nan")
        times = self.store.cpu_times()
        return times.user + times.system

    def __enter__(self):
        self.t0, self.cpu0, self.store0 = (
            time.perf_counter(),
            time.process_time(),
            self._store_cpu(),
        )
        return self

    def __exit__(self, *exc) -> None:
        self.seconds = time.perf_counter() - self.t0
        self.own_cpu = time.process_time() - self.cpu0
        self.store_cpu = self._store_cpu() - self.store0

    def per_doc(self, n: int) -> str:
        own, store = self.own_cpu / n * 1000, self.store_cpu / n * 1000
        return f"CPU/doc: this process {own:.1f} ms, object store {store:.1f} ms"


def store_loop(store, tagger_enabled: bool, concurrency: int, batch_size: int) -> dict:
    """The ingest's work without Prefect: the same batches through ``process_batch`` in threads."""
    from flows.ingest import even_batches
    from tasks.process_batch import find_new_sources, process_sources

    refs = find_new_sources(store.bucket, None, None, tagger_enabled)
    chunks = even_batches(refs, concurrency, batch_size)
    with ThreadPoolExecutor(concurrency) as pool:
        results = pool.map(
            lambda chunk: process_sources(store.bucket, chunk, tagger_enabled), chunks
        )
        outcomes = [outcome for batch in results for outcome, _ in batch]
    totals: dict[str, int] = {}
    for outcome in outcomes:
        totals[outcome.status] = totals.get(outcome.status, 0) + 1
    return totals


def fresh_bucket(settings, docs: list[tuple[str, bytes]], label: str):
    from worldview.storage import RecordStore

    store = RecordStore.from_settings(settings, bucket=f"bench-{label}-{uuid.uuid4().hex[:8]}")
    store.ensure_bucket()
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda d: store.upload_source(d[0], d[1]), docs))
    return store


def run_ingest(store, task_runner=None) -> tuple[float, dict]:
    from flows import ingest

    t0 = time.perf_counter()
    summary = ingest.run_ingest(ingest.IngestRequest(bucket=store.bucket), task_runner=task_runner)
    return time.perf_counter() - t0, summary.totals


def drop_bucket(store) -> None:
    try:
        store.client.delete_bucket(Bucket=store.bucket)  # weed mini deletes non-empty buckets
    except Exception as exc:
        print(f"  (bucket {store.bucket} left in place: {exc})")


def throughput(args: argparse.Namespace, n_docs: int) -> None:
    """Rows 2 and 3: ingest over ``n_docs`` documents against the bare loop (and on Dask)."""
    from worldview.settings import get_settings
    from worldview.stack import objectstore, processes
    from worldview.themes import tagger_if

    settings = get_settings()
    themes = "themes on" if settings.themes else "themes off"
    if not args.themes:  # throughput of the pipeline core + orchestration + storage
        os.environ["WORLDVIEW_THEMES"] = "off"
        get_settings.cache_clear()
        settings = get_settings()
        themes = "themes off"
    docs = corpus(n_docs)
    tagger = tagger_if(settings.themes)
    meter = CpuMeter(processes.running_pid(settings.data_dir, objectstore.NAME, "weed"))
    warm_up(tagger)
    store = fresh_bucket(settings, corpus(len(SAMPLES)), "warmup")
    run_ingest(store)  # untimed: Prefect's first flow run in a process imports and connects
    drop_bucket(store)
    # The bare loops run before and after the flow: the baselines are their means, so a machine
    # that gets busier or quieter during the run does not favour either side.
    with meter:
        memory_s = [bare_loop(docs, tagger)]
    memory_cpu = meter.per_doc(n_docs)
    store = fresh_bucket(settings, docs, "bare")
    with meter:
        bare_s = [bare_store_loop(store, docs, tagger)]
    bare_cpu = meter.per_doc(n_docs)
    drop_bucket(store)
    store = fresh_bucket(settings, docs, "nopref")
    with meter:
        totals = store_loop(
            store,
            settings.themes,
            settings.ingest_concurrency,
            settings.ingest_batch_size,
        )
    loop_s, loop_cpu = meter.seconds, meter.per_doc(n_docs)
    drop_bucket(store)
    assert totals.get("written") == n_docs, totals
    store = fresh_bucket(settings, docs, "ingest")
    with meter:
        ingest_s, totals = run_ingest(store)
    ingest_cpu = meter.per_doc(n_docs)
    drop_bucket(store)
    assert totals.get("written") == n_docs, totals
    memory_s.append(bare_loop(docs, tagger))
    store = fresh_bucket(settings, docs, "bare")
    bare_s.append(bare_store_loop(store, docs, tagger))
    drop_bucket(store)
    memory_rate = n_docs / statistics.mean(memory_s)
    bare_rate = n_docs / statistics.mean(bare_s)
    row(
        f"bare pipeline loop docs/s ({n_docs} docs)",
        round(bare_rate, 1),
        note=f"fetch, process_document, put_version, one document at a time; before/after the "
        f"flow: {' / '.join(f'{n_docs / s:.1f}' for s in bare_s)}; {bare_cpu}; {themes}",
    )
    row(
        f"process_document in memory docs/s ({n_docs} docs)",
        round(memory_rate, 1),
        note=f"no store; before/after the flow: "
        f"{' / '.join(f'{n_docs / s:.1f}' for s in memory_s)}; {memory_cpu}; {themes}",
    )
    throughput_row(
        f"pipeline + store, no Prefect, docs/s ({n_docs} docs)",
        n_docs / loop_s,
        bare_rate,
        note=f"process_batch on {settings.ingest_concurrency} threads; {loop_cpu}",
    )
    throughput_row(
        f"ingest flow docs/s ({n_docs} docs)",
        n_docs / ingest_s,
        bare_rate,
        goal=">= 0.5",
        note=f"baseline: the bare pipeline loop, same docs; {ingest_cpu}; {themes}",
    )
    throughput_row(
        f"ingest flow vs process_document in memory ({n_docs} docs)",
        n_docs / ingest_s,
        memory_rate,
        note="stricter baseline: no store I/O, and the store's CPU shares the 2 cores",
    )
    if not args.no_dask:
        from prefect_dask import DaskTaskRunner

        runner = DaskTaskRunner(
            cluster_kwargs={"n_workers": 2, "threads_per_worker": 1, "processes": True}
        )
        store = fresh_bucket(settings, docs, "dask")
        dask_s, totals = run_ingest(store, runner)
        drop_bucket(store)
        assert totals.get("written") == n_docs, totals
        throughput_row(
            f"ingest flow on local Dask, 2 workers, docs/s ({n_docs} docs)",
            n_docs / dask_s,
            bare_rate,
            note="includes starting the Dask cluster",
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="100 documents, 5 uploads")
    parser.add_argument("--docs", type=int, default=None)
    parser.add_argument("--uploads", type=int, default=None)
    parser.add_argument("--burst", type=int, default=None, help="documents in the burst (100)")
    parser.add_argument("--no-dask", action="store_true")
    parser.add_argument(
        "--themes",
        action="store_true",
        help="tag themes in the throughput runs too (slow: the tagger dominates both sides)",
    )
    args = parser.parse_args(argv)
    n_docs = args.docs if args.docs is not None else (100 if args.quick else 500)
    n_uploads = args.uploads if args.uploads is not None else (5 if args.quick else 20)
    n_burst = args.burst if args.burst is not None else (20 if args.quick else 100)

    from worldview.settings import get_settings
    from worldview.stack import down, up
    from worldview.stack.prefect_server import healthy
    from worldview.storage import RecordStore

    settings = get_settings()
    was_running = healthy(settings.prefect_api_url)
    print(f"stack: {'already running' if was_running else 'starting'}", flush=True)
    up(settings)
    os.environ["PREFECT_API_URL"] = settings.prefect_api_url
    themes = "themes on" if settings.themes else "themes off"
    try:
        run_id = time.strftime("%Y%m%dT%H%M%S")
        if n_uploads:
            before = load()
            latencies = measure_latency(RecordStore.from_settings(settings), n_uploads, run_id)
            note = (
                f"{n_uploads} uploads, put_object -> latest.json: filer event -> watcher -> "
                f"warm served run; {themes}; load {before} -> {load()}"
            )
            p50, p95 = statistics.median(latencies), percentile(latencies, 0.95)
            row("upload->record p50 (s)", round(p50, 2), goal="<= 1.5", note=note)
            row("upload->record p95 (s)", round(p95, 2), goal="<= 3", note=note)
        if n_burst:
            # The ingest baseline runs before and after the burst (its mean): a machine that
            # gets busier or quieter meanwhile favours neither side.
            baselines = [ingest_rate(n_burst)]
            before = load()
            latencies, rate = measure_burst(RecordStore.from_settings(settings), n_burst, run_id)
            during = load()
            baselines.append(ingest_rate(n_burst))
            baseline = statistics.mean(baselines)
            note = f"{n_burst} uploads at once; {themes}; load {before} -> {during}"
            row(
                f"burst upload->record p50 (s, {n_burst} docs)",
                round(statistics.median(latencies), 2),
                note=note,
            )
            row(
                f"burst upload->record p95 (s, {n_burst} docs)",
                round(percentile(latencies, 0.95), 2),
                note=note,
            )
            throughput_row(
                f"burst docs/s vs the ingest flow ({n_burst} docs)",
                rate,
                baseline,
                goal=">= 0.8",
                note="baseline: ingest over the same documents here, fresh bucket, before / after "
                f"the burst: {' / '.join(f'{b:.2f}' for b in baselines)} docs/s; load {load()}",
            )

        if n_docs:
            throughput(args, n_docs)
    finally:
        if not was_running:
            from prefect.logging.handlers import APILogWorker

            APILogWorker.drain_all(timeout=5)  # the last runs' logs, before their server stops
            down(settings)
    return 0


if __name__ == "__main__":
    sys.exit(main())

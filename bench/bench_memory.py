"""Peak memory and its growth over 1,000 then 10,000 documents, and a profile of the slowest step.

Documents are generated from ``samples/articles/*`` by varying their text (adjacent words swapped,
a word replaced, a serial number in the first line), one at a time, so that nothing but the
pipeline itself can grow. Each goes through ``worldview.pipeline.process_document`` without themes.
The goal is flat memory: the resident set after 10,000 documents is what it was after 1,000.

Then the step that takes the most time (from the records' own ``provenance.steps_ms``) is profiled
with cProfile on a few hundred documents, and its top functions are printed.

    .venv/bin/python bench/bench_memory.py            # 1,000 -> 10,000 documents
    .venv/bin/python bench/bench_memory.py --quick    # 200 -> 2,000

``--ingest 500,1000`` measures the ``ingest`` flow instead (issue 15: goal <= 1.5 GB peak for
1,000 documents with themes on, flat in the number of documents): for each count, in a fresh
process, a ``weed mini`` of its own and the Prefect test harness, that many varied documents
uploaded and ingested in one run on the default 8 threads; the process's peak RSS (ru_maxrss; the
store and the Prefect server are other processes) and its RSS after the run. ``--no-themes``
leaves the tagger out.

Prints one ``BENCH-ROW {json}`` line per result for ``bench/run.py``.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import json
import pstats
import random
import re
import resource
import sys
import time
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "samples" / "articles"
SEED = REPO.parent / "shared" / "corpus" / "seed_usip_negotiating_with_putin.txt"
WORD = re.compile(r"^[A-Za-z]{3,}$")
VOCABULARY = ["Moscow", "Kremlin", "Brussels", "Beijing", "treaty", "sanctions", "summit", "border"]


def emit(**row) -> None:
    print("BENCH-ROW " + json.dumps(row, ensure_ascii=False), flush=True)


def load_sources() -> list[tuple[str, str]]:
    """(file name, decoded text) of every sample (the seed too, when ../shared is there)."""
    from worldview.extract.decode import decode_bytes

    paths = sorted(p for p in SAMPLES.glob("*") if p.is_file())
    if SEED.is_file():
        paths.append(SEED)
    if not paths:
        sys.exit(f"no samples under {SAMPLES}")
    return [(p.name, decode_bytes(p.read_bytes()).text) for p in paths]


def vary(text: str, serial: int, rng: random.Random) -> str:
    """The same document with a few words moved and one replaced: new bytes, same shape."""
    tokens = text.split(" ")
    candidates = [i for i in range(len(tokens) - 1) if WORD.match(tokens[i])]
    for i in rng.sample(candidates, min(6, len(candidates))):
        if WORD.match(tokens[i + 1]):
            tokens[i], tokens[i + 1] = tokens[i + 1], tokens[i]
    if candidates:
        tokens[rng.choice(candidates)] = rng.choice(VOCABULARY)
    first, sep, rest = " ".join(tokens).partition("\n")
    return f"{first} {serial}{sep}{rest}"


def documents(sources: list[tuple[str, str]], count: int, start: int = 0) -> Iterator[tuple]:
    """``count`` varied documents as (bytes, uri), generated on the fly (nothing kept)."""
    for serial in range(start, start + count):
        name, text = sources[serial % len(sources)]
        rng = random.Random(serial)
        yield vary(text, serial, rng).encode("utf-8"), f"bench/{serial}/{name}"


def rss_mb() -> float:
    gc.collect()
    return psutil.Process().memory_info().rss / 2**20


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_documents(sources, count: int, start: int, steps: dict[str, float]) -> tuple[int, int]:
    from worldview.errors import PipelineError
    from worldview.pipeline import process_document

    ok = failed = 0
    for data, uri in documents(sources, count, start):
        try:
            record = process_document(data, uri)
        except PipelineError:
            failed += 1
            continue
        ok += 1
        for step, ms in record.provenance.steps_ms.items():
            steps[step] += ms
    return ok, failed


def measure_memory(sources, first: int, total: int) -> dict[str, float]:
    steps: dict[str, float] = defaultdict(float)
    run_documents(sources, 50, 10**6, steps)  # warm-up: imports, caches, schema compilation
    steps.clear()
    baseline = rss_mb()
    t0 = time.perf_counter()
    ok1, failed1 = run_documents(sources, first, 0, steps)
    after_first, peak_first = rss_mb(), peak_rss_mb()
    ok2, failed2 = run_documents(sources, total - first, first, steps)
    elapsed = time.perf_counter() - t0
    after_total, peak_total = rss_mb(), peak_rss_mb()
    growth = after_total - after_first
    per_1k = growth / ((total - first) / 1000)
    print(f"\nmemory over {total:,} documents ({ok1 + ok2:,} records, {failed1 + failed2} refused)")
    print(f"  RSS after warm-up       {baseline:8.1f} MB")
    print(f"  RSS after {first:>6,} docs   {after_first:8.1f} MB   (peak {peak_first:.1f} MB)")
    print(f"  RSS after {total:>6,} docs   {after_total:8.1f} MB   (peak {peak_total:.1f} MB)")
    print(f"  growth {first:,} -> {total:,}     {growth:+8.1f} MB   ({per_1k:+.2f} MB per 1,000)")
    print(f"  throughput              {total / elapsed:8.1f} docs/s")
    flat = abs(growth) <= max(5.0, 0.05 * after_first)
    emit(
        bench="memory",
        metric=f"peak RSS, {first:,} -> {total:,} docs (no themes)",
        value=f"{peak_first:.0f} -> {peak_total:.0f} MB",
        baseline=None,
        ratio=round(peak_total / peak_first, 3),
        goal="flat (ratio ~1.0)",
        note="flat" if flat else "GROWS",
    )
    emit(
        bench="memory",
        metric=f"RSS growth {first:,} -> {total:,} docs",
        value=f"{growth:+.1f} MB ({per_1k:+.2f} MB/1k docs)",
        baseline=f"{after_first:.0f} MB at {first:,}",
        ratio=round(after_total / after_first, 3),
        goal="flat (<= 5 MB or 5%)",
        note="flat" if flat else "GROWS",
    )
    return dict(steps)


def profile_slowest_step(sources, steps_ms: dict[str, float], count: int, top: int = 15) -> None:
    """cProfile the step that takes the most time, over ``count`` documents, and print its top."""
    from worldview.errors import PipelineError
    from worldview.extract.clean import clean
    from worldview.extract.decode import decode_bytes
    from worldview.extract.detect_format import detect_format
    from worldview.extract.metadata import extract_metadata
    from worldview.extract.segment import segment

    total = sum(steps_ms.values()) or 1.0
    shares = sorted(((ms / total, step) for step, ms in steps_ms.items()), reverse=True)
    print("\nshare of pipeline time per step:")
    for share, step in shares:
        print(f"  {step:<18} {share:6.1%}")
    profiled = [s for _, s in shares if s in {"decode", "clean", "segment", "extract_metadata"}]
    slowest_share, slowest = next((sh, s) for sh, s in shares if s in profiled)
    profiler = cProfile.Profile()
    for data, uri in documents(sources, count, 2 * 10**6):
        name = uri.rsplit("/", 1)[-1]
        try:
            if slowest == "decode":
                profiler.enable()
            decoded = decode_bytes(data)
            profiler.disable()
            fmt = detect_format(decoded.text, name)
            if slowest == "clean":
                profiler.enable()
            cleaned = clean(decoded.text, fmt)
            profiler.disable()
            if slowest == "segment":
                profiler.enable()
            segments = segment(cleaned)
            profiler.disable()
            if slowest == "extract_metadata":
                profiler.enable()
            extract_metadata(cleaned, segments)
            profiler.disable()
        except PipelineError:
            profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("tottime").print_stats(top)
    print(
        f"\nprofile of the slowest step, {slowest} ({slowest_share:.0%} of pipeline time), "
        f"{count} documents, top {top} functions by own time:"
    )
    print("\n".join(_trim_profile(out.getvalue())))
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(r"tasks/", top // 2)
    print(f"\nthe project's functions in {slowest} by cumulative time (where the time goes):")
    print("\n".join(_trim_profile(out.getvalue())))
    emit(
        bench="profile",
        metric="slowest step (share of decode->record time)",
        value=f"{slowest} {slowest_share:.0%}",
        baseline=None,
        ratio=None,
        goal="no step dominates",
        note=", ".join(f"{s} {sh:.0%}" for sh, s in shares[1:4]),
    )


def _trim_profile(text: str) -> list[str]:
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if "ncalls" in line), 0)
    return [line.replace(str(REPO) + "/", "") for line in lines[start:] if line.strip()]


TEXT_SOURCES = {".html", ".txt", ".md"}


def ingest_once(count: int, themes: bool) -> dict[str, float]:
    """One ingest run over ``count`` uploaded documents, in this process (see ``--ingest``)."""
    import os
    import secrets
    import tempfile

    from worldview.stack import objectstore

    data_dir = Path(tempfile.mkdtemp(prefix="bench-memory-"))
    ports = objectstore.WeedPorts.free()
    secret = secrets.token_urlsafe(24)
    objectstore.start(data_dir, ports, "bench", secret)
    os.environ.update(
        {
            "WORLDVIEW_S3_ENDPOINT": f"http://127.0.0.1:{ports.s3}",
            "WORLDVIEW_S3_ACCESS_KEY": "bench",
            "WORLDVIEW_S3_SECRET_KEY": secret,
            "WORLDVIEW_DATA_DIR": str(data_dir),
            "WORLDVIEW_THEMES": "on" if themes else "off",
        }
    )
    try:
        from prefect.testing.utilities import prefect_test_harness

        from flows.ingest import IngestRequest, run_ingest
        from worldview.settings import get_settings
        from worldview.storage import RecordStore

        get_settings.cache_clear()
        store = RecordStore.from_settings(get_settings(), bucket="bench")
        store.ensure_bucket()
        sources = [s for s in load_sources() if Path(s[0]).suffix in TEXT_SOURCES]
        for data, uri in documents(sources, count):
            store.upload_source(uri, data)
        with prefect_test_harness(server_startup_timeout=120):
            rss_before = rss_mb()
            t0 = time.perf_counter()
            summary = run_ingest(IngestRequest(bucket="bench"))
            seconds = time.perf_counter() - t0
            rss_after = rss_mb()
        return {
            "documents": count,
            "written": summary.totals.get("written", 0),
            "failed": summary.totals.get("failed", 0),
            "seconds": round(seconds, 1),
            "rss_before_mb": round(rss_before),
            "rss_after_mb": round(rss_after),
            "peak_mb": round(peak_rss_mb()),
        }
    finally:
        objectstore.stop(data_dir)


def measure_ingest(counts: list[int], themes: bool) -> None:
    """``ingest_once`` per count, each in a fresh process (a clean peak), then the rows."""
    import subprocess

    results = []
    for count in counts:
        argv = [sys.executable, __file__, "--ingest-one", str(count)]
        done = subprocess.run(
            argv + ([] if themes else ["--no-themes"]), capture_output=True, text=True
        )
        lines = [line for line in done.stdout.splitlines() if line.startswith("INGEST-MEMORY ")]
        if done.returncode or not lines:
            sys.exit(f"ingest of {count} documents failed:\n{done.stdout[-3000:]}{done.stderr}")
        results.append(json.loads(lines[-1].removeprefix("INGEST-MEMORY ")))
    label = "themes on" if themes else "themes off"
    print(f"\ningest flow, {label} (8 threads; each count in a fresh process)")
    print("  documents  written  failed  seconds  RSS before  RSS after  peak RSS")
    for r in results:
        print(
            f"  {r['documents']:9,}  {r['written']:7,}  {r['failed']:6}  {r['seconds']:7.1f}"
            f"  {r['rss_before_mb']:7} MB  {r['rss_after_mb']:6} MB  {r['peak_mb']:5} MB"
        )
    first, last = results[0], results[-1]
    flat = last["peak_mb"] <= first["peak_mb"] * 1.1 + 50
    emit(
        bench="memory",
        metric=f"ingest peak RSS, {first['documents']:,} -> {last['documents']:,} docs ({label})",
        value=f"{first['peak_mb']} -> {last['peak_mb']} MB",
        baseline=None,
        ratio=round(last["peak_mb"] / first["peak_mb"], 3),
        goal="<= 1536 MB at 1,000 docs with themes on; flat",
        note=("flat" if flat else "GROWS") + f"; {last['seconds']:.0f} s for the last run",
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="200 -> 2,000 documents")
    parser.add_argument(
        "--ingest", metavar="N,M", help="peak memory of ingest runs over N, M, ... documents"
    )
    parser.add_argument("--ingest-one", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--no-themes", action="store_true", help="--ingest without the tagger")
    parser.add_argument("--first", type=int, help="documents before the first measurement")
    parser.add_argument("--total", type=int, help="documents in all")
    parser.add_argument("--profile-docs", type=int, default=None)
    args = parser.parse_args(argv)
    if args.ingest_one:
        result = ingest_once(args.ingest_one, themes=not args.no_themes)
        print("INGEST-MEMORY " + json.dumps(result), flush=True)
        return 0
    if args.ingest:
        measure_ingest([int(n) for n in args.ingest.split(",")], themes=not args.no_themes)
        return 0
    first = args.first or (200 if args.quick else 1000)
    total = args.total or (2000 if args.quick else 10_000)
    sources = load_sources()
    print(f"bench_memory: {len(sources)} source documents, {first:,} -> {total:,} varied documents")
    steps = measure_memory(sources, first, total)
    profile_slowest_step(sources, steps, args.profile_docs or (100 if args.quick else 300))
    return 0


if __name__ == "__main__":
    sys.exit(main())

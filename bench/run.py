"""``make bench``: every benchmark in one run, one table of ratios measured side by side.

Runs bench_extract.py (pipeline vs trafilatura and readability), bench_pdf.py (PDF -> record
pages/s beside pdfplumber and unstructured), bench_realpages.py (main-text F1 and pages/s on
the shared real-pages set beside trafilatura; skipped when ../shared is absent), bench_tagger.py
(tagger vs the raw encoder), bench_flows.py (ingest flow vs the bare loop, Dask, upload->record
latency) and bench_memory.py (memory growth, profile of the slowest step) and bench_store.py
(the embedded store's CPU per request with Go's default threads and with ours), each in its own
process so that one benchmark's imports, threads and memory do not bleed into another's numbers.
A benchmark that is missing or fails is reported as such; the others still run.

This machine is shared and noisy: absolute times are context, the ratios (both sides measured in
the same process, in the same minute) are the result. The memory benchmark measures memory, not
speed, so it runs in the background next to the extraction benchmark (whose ratios are measured
side by side); the tagger benchmark (it reports absolute times too: model load, the seed article)
and the flow benchmark (which wants both cores) start only when it has finished.

    .venv/bin/python bench/run.py            # full run (~10 min on 2 cores)
    .venv/bin/python bench/run.py --quick    # short run (~3 min)

The table goes to stdout and to the top of bench/RESULTS.md (dated; earlier runs kept below).
A benchmark reports its rows by printing ``BENCH-ROW {json}`` lines with the keys bench, metric,
value, baseline, ratio, goal, note.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
RESULTS = BENCH / "RESULTS.md"
RESULTS_TITLE = "# Benchmark results"
ROW_PREFIX = "BENCH-ROW "
COLUMNS = ("benchmark", "measured", "baseline (same run)", "ratio", "goal", "note")


@dataclass
class Bench:
    name: str
    script: str
    timeout_s: int
    background: bool = False  # may run next to the foreground benchmarks (not timing-sensitive)
    alone: bool = False  # must not share the cores with a background benchmark
    quick_args: tuple[str, ...] = ("--quick",)
    parse: Callable[[list[str]], list[dict]] | None = None  # for output without BENCH-ROW lines
    output: list[str] = field(default_factory=list)
    rows: list[dict] = field(default_factory=list)
    status: str = "not run"
    seconds: float = 0.0
    process: subprocess.Popen | None = None
    reader: threading.Thread | None = None


def extract_rows(lines: list[str]) -> list[dict]:
    """bench_extract.py prints a Markdown table: | contender | docs | docs/s (best) | ... |."""
    rates: dict[str, float] = {}
    failed: dict[str, str] = {}
    for line in lines:
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 6 and cells[2].replace(".", "", 1).isdigit():
            rates[cells[0]] = float(cells[2])
            failed[cells[0]] = f"{cells[5]} of {cells[1]} refused"
    ours_label = next((k for k in rates if k.startswith("ours") and "record, HTML" in k), "")
    ours = rates.get(ours_label)
    every = next((v for k, v in rates.items() if k.startswith("ours") and "all" in k), None)
    rows = []
    for prefix, goal in (("trafilatura", ">= 2×"), ("readability", None)):
        theirs = next((v for k, v in rates.items() if k.startswith(prefix)), None)
        if ours and theirs:
            rows.append(
                {
                    "metric": f"decode->record docs/s on HTML vs {prefix} (no themes)",
                    "value": ours,
                    "baseline": theirs,
                    "ratio": round(ours / theirs, 2),
                    "goal": goal,
                    "note": f"same pages, interleaved rounds, best round; ours: "
                    f"{failed.get(ours_label, '?')}",
                }
            )
    if every:
        rows.append({"metric": "decode->record docs/s, all formats", "value": every})
    return rows


def suite() -> list[Bench]:
    return [
        Bench("memory", "bench_memory.py", timeout_s=1500, background=True),
        Bench(
            "extract",
            "bench_extract.py",
            timeout_s=1500,
            quick_args=("--copies", "10", "--rounds", "2"),
            parse=extract_rows,
        ),
        Bench("pdf", "bench_pdf.py", timeout_s=900),
        Bench("realpages", "bench_realpages.py", timeout_s=1500),
        Bench("tagger", "bench_tagger.py", timeout_s=1500, alone=True),
        Bench("flows", "bench_flows.py", timeout_s=1500, alone=True),
        Bench("store", "bench_store.py", timeout_s=600, alone=True),
    ]


# --- the machine ------------------------------------------------------------------------------


def machine() -> dict[str, str]:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        cpu = platform.processor() or cpu
    ram = "?"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram = f"{int(line.split()[1]) / 2**20:.1f} GiB"
                break
    except OSError:
        pass
    try:
        nproc = len(os.sched_getaffinity(0))
    except AttributeError:
        nproc = os.cpu_count() or 0
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True
    ).stdout.strip()
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "nproc": str(nproc),
        "cpu": cpu,
        "ram": ram,
        "python": platform.python_version(),
        "commit": commit or "?",
        "load": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


# --- running one benchmark -------------------------------------------------------------------


def start(bench: Bench, quick: bool) -> bool:
    script = BENCH / bench.script
    if not script.is_file():
        bench.status = "not available"
        print(f"== {bench.name}: {bench.script} not available", flush=True)
        return False
    argv = [sys.executable, str(script)]
    source = script.read_text(encoding="utf-8")
    if quick and all(a in source for a in bench.quick_args if a.startswith("--")):
        argv += bench.quick_args
    print(f"== {bench.name}: {' '.join(argv[1:])}", flush=True)
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    bench.seconds = time.monotonic()
    bench.process = subprocess.Popen(
        argv,
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        errors="replace",
        env=env,
    )
    bench.reader = threading.Thread(target=_read, args=(bench,), daemon=True)
    bench.reader.start()
    return True


def _read(bench: Bench) -> None:
    assert bench.process is not None and bench.process.stdout is not None
    for line in bench.process.stdout:
        line = line.rstrip("\n")
        bench.output.append(line)
        if line.startswith(ROW_PREFIX):
            try:
                bench.rows.append(json.loads(line[len(ROW_PREFIX) :]))
            except json.JSONDecodeError:
                pass
        print(f"[{bench.name}] {line}", flush=True)


def finish(bench: Bench) -> None:
    if bench.process is None or bench.status != "not run":
        return
    remaining = bench.timeout_s - (time.monotonic() - bench.seconds)
    try:
        code = bench.process.wait(timeout=max(remaining, 1))
    except subprocess.TimeoutExpired:
        bench.process.kill()
        code = bench.process.wait()
        bench.status = f"timed out after {bench.timeout_s} s"
    else:
        bench.status = "ok" if code == 0 else f"failed (exit {code})"
    if bench.reader is not None:
        bench.reader.join(timeout=10)
    if not bench.rows and bench.parse is not None:
        bench.rows = bench.parse(bench.output)
    bench.seconds = time.monotonic() - bench.seconds


# --- the table -------------------------------------------------------------------------------


def _cell(value) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value).replace("|", "\\|").replace("\n", " ")


def table(benches: list[Bench]) -> list[str]:
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    for bench in benches:
        rows = bench.rows
        if not rows:
            tail = (
                next((x for x in reversed(bench.output) if x.strip()), "") if bench.output else ""
            )
            note = bench.status if bench.status != "ok" else "ran, printed no BENCH-ROW lines"
            rows = [{"metric": bench.name, "note": f"{note}. {tail[:120]}".strip(". ")}]
        elif bench.status != "ok":
            rows = rows + [{"metric": bench.name, "note": bench.status}]
        for row in rows:
            ratio = row.get("ratio")
            cells = [
                row.get("metric") or bench.name,
                row.get("value"),
                row.get("baseline"),
                f"{ratio:.2f}×" if isinstance(ratio, int | float) else ratio,
                row.get("goal"),
                row.get("note"),
            ]
            lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return lines


def profile_excerpt(benches: list[Bench], top: int = 12) -> list[str]:
    """The profile of the slowest step, as bench_memory printed it."""
    for bench in benches:
        out = bench.output
        start_at = next((i for i, x in enumerate(out) if x.startswith("profile of the")), None)
        if start_at is not None:
            body = [x for x in out[start_at : start_at + top + 2] if not x.startswith(ROW_PREFIX)]
            return ["", "```", *body, "```"]
    return []


def report(benches: list[Bench], info: dict[str, str], quick: bool, seconds: float) -> str:
    head = [
        f"## {info['date']}{' (quick)' if quick else ''}",
        "",
        f"Machine: {info['nproc']} CPUs ({info['cpu']}), {info['ram']} RAM, Python "
        f"{info['python']}, load average at start {info['load']}; commit {info['commit']}; "
        f"whole run {seconds / 60:.1f} min.",
        "",
    ]
    durations = ", ".join(f"{b.name} {b.seconds:.0f} s ({b.status})" for b in benches)
    return "\n".join(
        [*head, *table(benches), "", f"Benchmarks: {durations}.", *profile_excerpt(benches)]
    )


def write_results(section: str) -> None:
    previous = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else ""
    if previous.startswith(RESULTS_TITLE):
        previous = previous[len(RESULTS_TITLE) :].lstrip("\n")
        previous = previous.split("\n", 2)[2] if previous.startswith("Produced by") else previous
    intro = "Produced by `make bench` (bench/run.py); newest run first. Ratios are the result.\n"
    RESULTS.write_text(
        f"{RESULTS_TITLE}\n\n{intro}\n{section}\n\n{previous}".rstrip() + "\n", encoding="utf-8"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="short run (fewer documents)")
    parser.add_argument("--only", nargs="*", help="run only these benchmarks (names)")
    parser.add_argument("--no-write", action="store_true", help="do not update bench/RESULTS.md")
    args = parser.parse_args(argv)
    info = machine()
    benches = [b for b in suite() if not args.only or b.name in args.only]
    t0 = time.monotonic()
    print(f"bench suite {info['date']} on {info['nproc']} CPUs ({info['cpu']}), {info['ram']}")
    background = [b for b in benches if b.background]
    foreground = [b for b in benches if not b.background]
    for bench in background:
        start(bench, args.quick)
    for bench in foreground:
        if bench.alone:  # let the background benchmarks finish first
            for other in background:
                finish(other)
        if start(bench, args.quick):
            finish(bench)
    for bench in background:
        finish(bench)
    seconds = time.monotonic() - t0
    section = report(benches, info, args.quick, seconds)
    print("\n" + section)
    if not args.no_write:
        write_results(section)
        print(f"\nwritten to {RESULTS.relative_to(REPO)}")
    failed = [b for b in benches if b.status not in {"ok", "not available"}]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

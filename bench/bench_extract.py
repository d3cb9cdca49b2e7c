"""Issue 3 item 7: documents/second for decode -> record (no themes), side by side with trafilatura.

Builds a few hundred documents from samples/articles/* and tests/fixtures/html/* (each source
repeated with a variant marker so no two inputs are byte-identical), then, in one process and in
interleaved rounds so machine noise hits every contender alike, times:

* ours, all formats: ``worldview.pipeline.process_document`` (decode -> validated record);
* ours, HTML only: the same on the HTML pages;
* ours, HTML path only: decode + ``worldview.extract.readers.html.html_to_blocks`` (blocks and
  hints, no segmentation or validation), to show the extraction step on its own;
* trafilatura ``bare_extraction(html, with_metadata=True)`` on the same HTML pages;
* readability-lxml ``Document(html).summary()`` + ``.short_title()`` on the same HTML pages.

It prints docs per CPU-second (best and median round), ratios against trafilatura, and each
pipeline step's share of the time (from ``record.provenance.steps_ms``) so the slowest step shows.

    .venv/bin/python bench/bench_extract.py [--copies 40] [--rounds 3]
"""

from __future__ import annotations

import argparse
import logging
import platform
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from worldview.errors import PipelineError  # noqa: E402
from worldview.pipeline import process_document  # noqa: E402

SOURCE_DIRS = (ROOT / "samples" / "articles", ROOT / "tests" / "fixtures" / "html")


def load_corpus(copies: int) -> list[tuple[str, bytes]]:
    """(name, bytes) for ``copies`` variants of every sample and fixture document."""
    sources = sorted(p for d in SOURCE_DIRS if d.is_dir() for p in d.iterdir() if p.is_file())
    corpus = []
    for i in range(copies):
        for path in sources:
            data = path.read_bytes()
            marker = f"\n<!-- variant {i} -->\n" if path.suffix in {".html", ".htm", ".md"} else ""
            variant = data + marker.encode("utf-8") if marker and not _is_utf16(data) else data
            corpus.append((f"{path.stem}-{i}{path.suffix}", variant))
    return corpus


def _is_utf16(data: bytes) -> bool:
    return data[:2] in (b"\xff\xfe", b"\xfe\xff")


def _is_html(name: str) -> bool:
    return name.endswith((".html", ".htm"))


def run_ours(docs: list[tuple[str, bytes]], steps: dict[str, float] | None = None) -> int:
    failures = 0
    for name, data in docs:
        try:
            record = process_document(data, name)
        except PipelineError:
            failures += 1  # e.g. the chrome-only fixture: a clear NoArticleError by design
            continue
        if steps is not None:
            for step, ms in record.provenance.steps_ms.items():
                steps[step] += ms
    return failures


def run_html_path(docs: list[tuple[str, bytes]]) -> int:
    """Only the part this module owns on HTML: decode + html_to_blocks (no segment/validate)."""
    from worldview.extract.decode import decode_bytes
    from worldview.extract.readers.html import html_to_blocks

    failures = 0
    for _, data in docs:
        blocks, _hints, _warnings = html_to_blocks(decode_bytes(data).text)
        failures += not blocks
    return failures


def run_trafilatura(docs: list[tuple[str, bytes]]) -> int:
    from trafilatura import bare_extraction

    failures = 0
    for _, data in docs:
        if bare_extraction(data, with_metadata=True) is None:
            failures += 1
    return failures


def run_readability(docs: list[tuple[str, bytes]]) -> int:
    from readability import Document

    failures = 0
    for _, data in docs:
        try:
            doc = Document(data)
            doc.summary()
            doc.short_title()
        except Exception:  # readability raises on pages it cannot summarise
            failures += 1
    return failures


def timed(fn: Callable[[list], int], docs: list) -> tuple[float, int]:
    """CPU seconds of this process: on a shared 2-core machine, wall time mostly measures the
    neighbours; CPU time of a single-threaded run is the cost of the work itself."""
    t0 = time.process_time()
    failures = fn(docs)
    return time.process_time() - t0, failures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--copies", type=int, default=40, help="variants of each source document")
    parser.add_argument("--rounds", type=int, default=5, help="interleaved timing rounds")
    args = parser.parse_args(argv)
    logging.disable(logging.WARNING)  # trafilatura/readability chatter would be timed too

    corpus = load_corpus(args.copies)
    html = [(n, d) for n, d in corpus if _is_html(n)]
    if not html:
        print("no HTML documents found under samples/articles or tests/fixtures/html")
        return 1
    contenders: dict[str, tuple[Callable[[list], int], list]] = {
        "ours: decode -> record, all formats": (run_ours, corpus),
        "ours: decode -> record, HTML only": (run_ours, html),
        "ours: decode + html_to_blocks only, HTML": (run_html_path, html),
        "trafilatura bare_extraction(with_metadata=True), HTML": (run_trafilatura, html),
        "readability-lxml summary + title, HTML": (run_readability, html),
    }
    sample = html[: len({n.rsplit("-", 1)[0] for n, _ in html})]
    for fn, _docs in contenders.values():  # warm up imports, caches, compiled regexes
        fn(sample)

    seconds: dict[str, list[float]] = defaultdict(list)
    failures: dict[str, int] = {}
    labels = list(contenders)
    for round_no in range(args.rounds):
        shift = round_no % len(labels)  # rotate the order so no contender always runs first
        for label in labels[shift:] + labels[:shift]:
            fn, docs = contenders[label]
            elapsed, failed = timed(fn, docs)
            seconds[label].append(elapsed)
            failures[label] = failed

    steps: dict[str, float] = defaultdict(float)
    run_ours(corpus, steps)

    sources = len(corpus) // args.copies
    print(f"# bench_extract  {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    print(
        f"machine: {platform.machine()}, {_cpu_count()} cores, Python {platform.python_version()}; "
        f"{len(corpus)} documents ({sources} sources x {args.copies}), {len(html)} HTML; "
        f"CPU time (process_time), best of {args.rounds} rotating rounds, single process"
    )
    print()
    print("| contender | docs | docs/s (best) | docs/s (median) | vs trafilatura | failed |")
    print("|---|---:|---:|---:|---:|---:|")
    rate = {label: len(contenders[label][1]) / min(s) for label, s in seconds.items()}
    traf = rate["trafilatura bare_extraction(with_metadata=True), HTML"]
    for label, secs in seconds.items():
        n = len(contenders[label][1])
        median = n / statistics.median(secs)
        print(
            f"| {label} | {n} | {rate[label]:.0f} | {median:.0f} | {rate[label] / traf:.2f}x "
            f"| {failures[label]} |"
        )
    print()
    total = sum(steps.values()) or 1.0
    print("pipeline step shares (all formats, from record.provenance.steps_ms):")
    for step, ms in sorted(steps.items(), key=lambda kv: -kv[1]):
        print(f"  {step:<18} {ms / total:6.1%}  {ms / len(corpus):7.2f} ms/doc")
    return 0


def _cpu_count() -> int:
    import os

    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()


if __name__ == "__main__":
    raise SystemExit(main())

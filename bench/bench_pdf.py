"""PDF -> record speed, single process, pages per second, beside other readers of the same files.

The files are the PDF samples (``samples/articles/*.pdf``: Chromium prints, a two-column brief,
justified A5 pages, LibreOffice exports). Ours is the whole pipeline without theme tagging
(decode, read with pdfium, clean, segment, metadata, build, validate). Side by side, in the
same process and minute, when installed: pdfplumber's page text (pdfminer.six; text only, no
record) and unstructured's ``partition_pdf(strategy="fast")`` (elements, no record; not a
project dependency: install it in a throwaway environment and pass ``--unstructured-python``).

    .venv/bin/python bench/bench_pdf.py                 # 10 rounds
    .venv/bin/python bench/bench_pdf.py --quick         # 3 rounds
    .venv/bin/python bench/bench_pdf.py --unstructured-python /tmp/unst/bin/python

Prints ``BENCH-ROW {json}`` lines for bench/run.py.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

FILES = sorted((REPO / "samples" / "articles").glob("*.pdf"))
GOAL = 50.0  # pages per second, issue 19

UNSTRUCTURED = """
import sys, time, json
from unstructured.partition.pdf import partition_pdf
files, rounds = json.loads(sys.argv[1]), int(sys.argv[2])
partition_pdf(files[0], strategy="fast")  # imports, warm-up
t = time.perf_counter(); elements = 0
for _ in range(rounds):
    for f in files:
        elements += len(partition_pdf(f, strategy="fast"))
print(json.dumps({"seconds": time.perf_counter() - t, "elements": elements}))
"""


def row(**data: object) -> None:
    print("BENCH-ROW " + json.dumps(data), flush=True)


def pages_of(path: Path) -> int:
    import pypdfium2

    document = pypdfium2.PdfDocument(path)
    try:
        return len(document)
    finally:
        document.close()


def ours(blobs: list[tuple[str, bytes]], rounds: int) -> float:
    from worldview.pipeline import process_document

    for name, data in blobs:  # warm-up: imports, pdfium
        process_document(data, name)
    started = time.perf_counter()
    for _ in range(rounds):
        for name, data in blobs:
            process_document(data, name)
    return time.perf_counter() - started


def pdfplumber_text(rounds: int) -> float | None:
    try:
        import pdfplumber
    except ImportError:
        return None
    started = time.perf_counter()
    for _ in range(rounds):
        for path in FILES:
            with pdfplumber.open(path) as pdf:
                for page in pdf.pages:
                    page.extract_text()
    return time.perf_counter() - started


def unstructured_fast(python: str | None, rounds: int) -> tuple[float, int] | None:
    if not python:
        return None
    files = json.dumps([str(p) for p in FILES])
    done = subprocess.run(
        [python, "-c", UNSTRUCTURED, files, str(rounds)], capture_output=True, text=True
    )
    if done.returncode:
        print(f"unstructured failed: {done.stderr.strip()[-300:]}", file=sys.stderr)
        return None
    result = json.loads(done.stdout.strip().splitlines()[-1])
    return result["seconds"], result["elements"]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--rounds", type=int, default=None)
    parser.add_argument("--unstructured-python", default=None)
    args = parser.parse_args(argv)
    rounds = args.rounds or (3 if args.quick else 10)
    blobs = [(path.name, path.read_bytes()) for path in FILES]
    pages = sum(pages_of(path) for path in FILES) * rounds
    seconds = ours(blobs, rounds)
    rate = pages / seconds
    print(f"ours: {pages} pages in {seconds:.2f} s = {rate:.1f} pages/s (PDF -> record)")
    row(
        bench="pdf",
        metric="PDF -> record, pages/s (single process)",
        value=round(rate, 1),
        baseline=None,
        ratio=None,
        goal=f">= {GOAL:.0f} pages/s",
        note=f"{len(FILES)} sample PDFs x {rounds} rounds, themes off",
    )
    plumber = pdfplumber_text(rounds)
    if plumber is not None:
        base = pages / plumber
        print(f"pdfplumber extract_text: {base:.1f} pages/s (text only)")
        row(
            bench="pdf",
            metric="PDF -> record vs pdfplumber page text, pages/s",
            value=round(rate, 1),
            baseline=round(base, 1),
            ratio=round(rate / base, 2),
            goal="",
            note="pdfplumber gives page text only, no record",
        )
    fast = unstructured_fast(args.unstructured_python, rounds)
    if fast is not None:
        base = pages / fast[0]
        print(f"unstructured partition_pdf(fast): {base:.1f} pages/s, {fast[1]} elements")
        row(
            bench="pdf",
            metric="PDF -> record vs unstructured partition_pdf(fast), pages/s",
            value=round(rate, 1),
            baseline=round(base, 1),
            ratio=round(rate / base, 2),
            goal=">= 3x",
            note=f"unstructured returned {fast[1]} elements",
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

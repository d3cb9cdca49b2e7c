"""Main-text extraction on real web pages: the pipeline against trafilatura, side by side.

Reads the shared development set at run time (``../shared/realpages``: 1,036 pages from five
public boilerplate-removal datasets with hand-marked main text, and its ``score.py``, whose metric
is used unchanged: 4-gram shingles of ``\\w+`` tokens, per-page precision and recall averaged per
dataset, F1 from the means, a refused page scoring 0 recall). Nothing from the set is copied into
the repository; when it is absent the benchmark says so and exits cleanly.

Three contenders on the same pages, in the same process, one after the other in each round:

- ours: ``process_document`` (decode -> record, no themes), text = section headings and
  paragraphs in reading order, as ``score.py`` reads a record;
- trafilatura ``extract()`` with its defaults, as ``score.py --trafilatura`` runs it (its defaults
  include reader comments, ``include_comments=True``);
- trafilatura with ``include_comments=False``: the like-for-like comparison, since a record keeps
  the article and never the comment thread (Dragnet's gold text includes the comments).

Speed is pages per CPU-second of the extraction alone (the shared machine is noisy: CPU time
is steadier than wall time), best of the rounds; the ratio is ours against trafilatura's
defaults.

    .venv/bin/python bench/bench_realpages.py            # all pages, 2 rounds
    .venv/bin/python bench/bench_realpages.py --quick    # every third page, 1 round
    .venv/bin/python bench/bench_realpages.py --pages DIR

Prints the table and ``BENCH-ROW {json}`` lines for ``bench/run.py``.
"""

from __future__ import annotations

import argparse
import base64
import gzip
import importlib.util
import json
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_PAGES = REPO.parent / "shared" / "realpages"
sys.path.insert(0, str(REPO))

Extractor = Callable[[bytes], str]


def load_scorer(folder: Path):
    """The set's own ``score.py`` (its metric, unchanged)."""
    spec = importlib.util.spec_from_file_location("realpages_score", folder / "score.py")
    if spec is None or spec.loader is None:
        raise ImportError(folder / "score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def ours() -> Extractor:
    from worldview.pipeline import process_document

    def run(data: bytes) -> str:
        record = process_document(data, "file:///page.html")
        out, section = [], None
        for para in record.content.paragraphs:
            if para.section and para.section != section:
                section = para.section
                out.append(section)
            out.append(para.text)
        return "\n\n".join(out)

    return run


def trafilatura_extractor(*, comments: bool) -> Extractor:
    import trafilatura

    def run(data: bytes) -> str:
        text = data.decode("utf-8", "replace")
        return trafilatura.extract(text, include_comments=comments) or ""

    return run


def measure(run: Extractor, pages: list[dict], scorer) -> tuple[dict, float]:
    """Per-dataset precision/recall lists and refusals, and the CPU seconds spent extracting."""
    per: dict[str, dict] = defaultdict(lambda: {"p": [], "r": [], "refused": 0, "n": 0})
    cpu = 0.0
    for page in pages:
        t0 = time.process_time()
        try:
            pred: str | None = run(page["data"])
        except Exception:  # a refusal (or a crash): both count against the extractor
            pred = None
        cpu += time.process_time() - t0
        d = per[page["dataset"]]
        d["n"] += 1
        if pred is None:
            d["refused"] += 1
            p, r = None, 0.0 if page["gold"].strip() else 1.0
        else:
            p, r = scorer.page_scores(page["gold"], pred)
        if p is not None:
            d["p"].append(p)
        d["r"].append(r)
    return per, cpu


def summary(per: dict) -> dict[str, tuple[float, float, float, int, int]]:
    """dataset -> (P, R, F1, pages, refused), plus "all"."""
    out = {}
    all_p: list[float] = []
    all_r: list[float] = []
    for ds in sorted(per):
        d = per[ds]
        all_p += d["p"]
        all_r += d["r"]
        out[ds] = (*_prf(d["p"], d["r"]), d["n"], d["refused"])
    n = sum(d["n"] for d in per.values())
    refused = sum(d["refused"] for d in per.values())
    out["all"] = (*_prf(all_p, all_r), n, refused)
    return out


def _prf(ps: list[float], rs: list[float]) -> tuple[float, float, float]:
    p = sum(ps) / max(1, len(ps))
    r = sum(rs) / max(1, len(rs))
    return p, r, 2 * p * r / (p + r or 1)


def bench_row(**row) -> None:
    print("BENCH-ROW " + json.dumps({"bench": "realpages", **row}), flush=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pages", type=Path, default=DEFAULT_PAGES)
    ap.add_argument("--quick", action="store_true", help="every third page, one round")
    ap.add_argument("--rounds", type=int, default=2)
    args = ap.parse_args()
    source = args.pages / "pages.jsonl.gz"
    if not source.is_file() or not (args.pages / "score.py").is_file():
        print(f"realpages: {args.pages} not found (pages.jsonl.gz and score.py); skipped")
        bench_row(metric="realpages F1", note=f"skipped: {args.pages} absent")
        return 0
    scorer = load_scorer(args.pages)
    rows = [json.loads(line) for line in gzip.open(source, "rt", encoding="utf-8")]
    if args.quick:
        rows = rows[::3]
    pages = [
        {"dataset": r["dataset"], "gold": r["gold"], "data": base64.b64decode(r["html_b64"])}
        for r in rows
    ]
    contenders = {
        "ours": ours(),
        "trafilatura": trafilatura_extractor(comments=True),
        "trafilatura, no comments": trafilatura_extractor(comments=False),
    }
    for run in contenders.values():  # imports and lazy loads outside the timing
        run(pages[0]["data"])
    results: dict[str, dict] = {}
    best_cpu: dict[str, float] = {}
    for _ in range(1 if args.quick else max(1, args.rounds)):
        for name, run in contenders.items():
            per, cpu = measure(run, pages, scorer)
            results[name] = summary(per)
            best_cpu[name] = min(cpu, best_cpu.get(name, float("inf")))
    rate = {name: len(pages) / max(cpu, 1e-9) for name, cpu in best_cpu.items()}
    print_table(results, rate, len(pages))
    report(results, rate)
    return 0


def print_table(results: dict[str, dict], rate: dict[str, float], n: int) -> None:
    names = list(results)
    datasets = list(results[names[0]])
    print(f"\n{n} pages; F1 (P / R), refused; pages per CPU-second of extraction\n")
    print("| dataset | pages | " + " | ".join(names) + " |")
    print("|---|---:|" + "---:|" * len(names))
    for ds in datasets:
        cells = []
        for name in names:
            p, r, f, _, refused = results[name][ds]
            cells.append(f"{f:.3f} ({p:.3f} / {r:.3f}){f', {refused} refused' if refused else ''}")
        label = f"**{ds}**" if ds == "all" else ds
        print(f"| {label} | {results[names[0]][ds][3]} | " + " | ".join(cells) + " |")
    print("| pages/s (CPU) | | " + " | ".join(f"{rate[name]:.0f}" for name in names) + " |")
    print(f"\nspeed: ours {rate['ours'] / rate['trafilatura']:.2f}x trafilatura\n", flush=True)


def report(results: dict[str, dict], rate: dict[str, float]) -> None:
    ours_all, traf_all = results["ours"]["all"], results["trafilatura"]["all"]
    bench_row(
        metric="realpages F1, all pages (ours vs trafilatura defaults)",
        value=round(ours_all[2], 3),
        baseline=round(traf_all[2], 3),
        ratio=round(ours_all[2] / traf_all[2], 3),
        goal=">= 0.91 and >= trafilatura",
        note=f"P {ours_all[0]:.3f} R {ours_all[1]:.3f}, {ours_all[4]} refused; trafilatura "
        f"without comments {results['trafilatura, no comments']['all'][2]:.3f}",
    )
    for ds, (_p, _r, f, n, refused) in results["ours"].items():
        if ds == "all":
            continue
        theirs = results["trafilatura"][ds][2]
        no_comments = results["trafilatura, no comments"][ds][2]
        bench_row(
            metric=f"realpages F1, {ds} ({n} pages)",
            value=round(f, 3),
            baseline=round(theirs, 3),
            ratio=round(f / theirs, 3) if theirs else None,
            goal=">= trafilatura",
            note=f"trafilatura without comments {no_comments:.3f}; {refused} refused",
        )
    bench_row(
        metric="realpages pages per CPU-second (ours vs trafilatura)",
        value=round(rate["ours"], 1),
        baseline=round(rate["trafilatura"], 1),
        ratio=round(rate["ours"] / rate["trafilatura"], 2),
        goal=">= 2×",
        note="extraction only, best round",
    )


if __name__ == "__main__":
    sys.exit(main())

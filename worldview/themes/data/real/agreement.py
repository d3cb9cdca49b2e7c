"""Agreement between the two labelling passes, and the final labels the tagger uses.

Usage (from the repository root):

    .venv/bin/python worldview/themes/data/real/agreement.py             # report, labels_final
    .venv/bin/python worldview/themes/data/real/agreement.py --check     # exit 1 if it is stale
    .venv/bin/python worldview/themes/data/real/agreement.py --markdown  # the report as Markdown

Pass 2 (``labels_pass2.jsonl``) counts only once it is complete, which its annotator marks by
writing ``PASS2.md`` next to it; before that the final labels are pass 1, marked
``"status": "provisional"``, and no agreement is reported. Neither labels file is ever edited.

Agreement (over all items, and per split):

* per theme: Cohen's kappa of the two passes' yes/no decisions for that theme;
* overall: Krippendorff's alpha (nominal, two coders) over every (item, theme) decision, the mean
  per-theme kappa, exact-set agreement (both passes give the same theme set) and no-theme
  agreement (kappa and raw agreement of "carries any theme");
* voice, on items where both passes agree on a non-empty theme set (voice never makes an item
  disputed: ``docs/labelling.md`` §11).

Final labels (``labels_final.jsonl``, one line per kept item: ``{"id", "split", "themes", "voice",
"status"}``):

* items whose theme sets agree: kept (``"agreed"``), voice from pass 1 when the passes differ;
* disputed **test** items: dropped; the test split must keep >= 400 items, >= 40 % without theme;
* disputed **train** items: resolved to the intersection of the two theme sets when that is not
  empty (both annotators saw a theme there, e.g. ``[A]`` vs ``[A, B]`` -> ``[A]``, ``"resolved"``);
  otherwise (one pass says no theme, or the sets are disjoint) dropped. Training then never learns a
  theme only one annotator saw, nor a "no theme" that the other disputed.

Standard library only.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
ITEMS = HERE / "items.jsonl"
PASS1 = HERE / "labels_pass1.jsonl"
PASS2 = HERE / "labels_pass2.jsonl"
PASS2_DONE = HERE / "PASS2.md"  # written by the second annotator when pass 2 is complete
FINAL = HERE / "labels_final.jsonl"
TAXONOMY = HERE.parents[1] / "taxonomy.json"
MIN_TEST_ITEMS = 400
MIN_TEST_NO_THEME = 0.40


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def theme_ids() -> list[str]:
    return [t["id"] for t in json.loads(TAXONOMY.read_text(encoding="utf-8"))["themes"]]


def pass2_complete() -> bool:
    return PASS2_DONE.is_file() and PASS2.is_file()


def cohen_kappa(a: list[bool], b: list[bool]) -> float | None:
    """Cohen's kappa of two yes/no codings; None when chance agreement is total (no variation)."""
    n = len(a)
    if not n:
        return None
    observed = sum(x == y for x, y in zip(a, b, strict=True)) / n
    pa, pb = sum(a) / n, sum(b) / n
    expected = pa * pb + (1 - pa) * (1 - pb)
    return None if expected >= 1.0 else (observed - expected) / (1 - expected)


def krippendorff_alpha_nominal(a: list, b: list) -> float | None:
    """Krippendorff's alpha, nominal data, two coders, no missing values."""
    pairs = Counter()
    for x, y in zip(a, b, strict=True):
        pairs[(x, y)] += 1
        pairs[(y, x)] += 1
    n = 2 * len(a)
    totals = Counter()
    for (x, _), count in pairs.items():
        totals[x] += count
    observed = sum(c for (x, y), c in pairs.items() if x != y) / n
    expected = sum(totals[x] * totals[y] for x in totals for y in totals if x != y) / (n * (n - 1))
    return None if expected == 0 else 1 - observed / expected


def agreement(items: list[dict], one: dict, two: dict, ids: list[str]) -> dict:
    """Agreement numbers over ``items`` (labels by item id in ``one`` and ``two``)."""
    sets1 = [set(one[i["id"]]["themes"]) for i in items]
    sets2 = [set(two[i["id"]]["themes"]) for i in items]
    per_theme = {}
    decisions1: list[bool] = []
    decisions2: list[bool] = []
    for t in ids:
        a, b = [t in s for s in sets1], [t in s for s in sets2]
        decisions1 += a
        decisions2 += b
        per_theme[t] = {
            "kappa": cohen_kappa(a, b),
            "pass1": sum(a),
            "pass2": sum(b),
            "both": sum(x and y for x, y in zip(a, b, strict=True)),
        }
    kappas = [v["kappa"] for v in per_theme.values() if v["kappa"] is not None]
    any1, any2 = [bool(s) for s in sets1], [bool(s) for s in sets2]
    both_themed = [i for i, s1, s2 in zip(items, sets1, sets2, strict=True) if s1 and s1 == s2]
    voice_same = sum(one[i["id"]].get("voice") == two[i["id"]].get("voice") for i in both_themed)
    return {
        "items": len(items),
        "per_theme": per_theme,
        "alpha": krippendorff_alpha_nominal(decisions1, decisions2),
        "mean_kappa": sum(kappas) / len(kappas) if kappas else None,
        "exact_set": sum(s1 == s2 for s1, s2 in zip(sets1, sets2, strict=True)) / len(items),
        "no_theme_kappa": cohen_kappa(any1, any2),
        "no_theme_raw": sum(x == y for x, y in zip(any1, any2, strict=True)) / len(items),
        "no_theme_both": sum(not x and not y for x, y in zip(any1, any2, strict=True)),
        "voice_agreement": voice_same / len(both_themed) if both_themed else None,
        "voice_items": len(both_themed),
    }


def final_labels(items: list[dict], one: dict, two: dict | None) -> tuple[list[dict], Counter]:
    """The kept items with their labels, and counts of what happened to each split's items."""
    out, counts = [], Counter()
    for item in items:
        first = one[item["id"]]
        split = item["split"]
        if two is None:
            status, themes = "provisional", sorted(first["themes"])
        else:
            s1, s2 = set(first["themes"]), set(two[item["id"]]["themes"])
            if s1 == s2:
                status, themes = "agreed", sorted(s1)
            elif split == "train" and s1 & s2:
                status, themes = "resolved", sorted(s1 & s2)
            else:
                counts[(split, "dropped")] += 1
                continue
        counts[(split, status)] += 1
        voice = first.get("voice") if themes else None
        out.append(
            {"id": item["id"], "split": split, "themes": themes, "voice": voice, "status": status}
        )
    return out, counts


def render(report: dict | None, kept: list[dict], counts: Counter, markdown: bool) -> str:
    lines = []
    if report is None:
        lines.append(
            "pass 2 is not complete (no PASS2.md): final labels = pass 1, marked provisional; "
            "no agreement to report"
        )
    else:
        overall = report["all"]
        if markdown:
            lines.append(
                "| theme | kappa (all) | kappa (train) | kappa (test) | pass 1 | pass 2 | both |"
            )
            lines.append("|---|---:|---:|---:|---:|---:|---:|")
        else:
            lines.append(
                "theme                              kappa  train   test  pass1 pass2  both"
            )
        for t, v in overall["per_theme"].items():
            ks = [report[s]["per_theme"][t]["kappa"] for s in ("all", "train", "test")]
            cells = ["-" if k is None else f"{k:.2f}" for k in ks]
            if markdown:
                lines.append(
                    f"| {t} | {' | '.join(cells)} | {v['pass1']} | {v['pass2']} | {v['both']} |"
                )
            else:
                lines.append(
                    f"{t:34s} {cells[0]:>5s} {cells[1]:>6s} {cells[2]:>6s} "
                    f"{v['pass1']:6d} {v['pass2']:5d} {v['both']:5d}"
                )
        lines.append("")
        for split in ("all", "train", "test"):
            r = report[split]
            voice = "-" if r["voice_agreement"] is None else f"{r['voice_agreement']:.3f}"
            lines.append(
                f"{split}: {r['items']} items; Krippendorff's alpha {r['alpha']:.3f} over "
                f"(item, theme) decisions; mean per-theme kappa {r['mean_kappa']:.3f}; exact-set "
                f"agreement {r['exact_set']:.3f}; no-theme agreement kappa "
                f"{r['no_theme_kappa']:.3f} (raw {r['no_theme_raw']:.3f}); voice agreement "
                f"{voice} on {r['voice_items']} agreed themed items"
            )
    lines.append("")
    for split in ("train", "test"):
        rows = [k for k in kept if k["split"] == split]
        no_theme = sum(not k["themes"] for k in rows)
        detail = ", ".join(
            f"{status} {counts[(split, status)]}"
            for status in ("agreed", "resolved", "provisional", "dropped")
            if counts[(split, status)]
        )
        share = no_theme / len(rows) if rows else 0.0
        lines.append(
            f"final {split}: {len(rows)} items kept ({detail}); {no_theme} without theme "
            f"({share:.1%}); {len(rows) - no_theme} with a theme"
        )
    return "\n".join(lines)


def build(markdown: bool = False) -> tuple[str, list[dict], list[str]]:
    """The report text, the final label rows and any problems with the test split's size."""
    items = read_jsonl(ITEMS)
    one = {r["id"]: r for r in read_jsonl(PASS1)}
    two = {r["id"]: r for r in read_jsonl(PASS2)} if pass2_complete() else None
    missing = [i["id"] for i in items if i["id"] not in one or (two and i["id"] not in two)]
    if missing:
        raise SystemExit(f"{len(missing)} items lack a label in a pass, e.g. {missing[:3]}")
    ids = theme_ids()
    report = None
    if two is not None:
        report = {
            "all": agreement(items, one, two, ids),
            "train": agreement([i for i in items if i["split"] == "train"], one, two, ids),
            "test": agreement([i for i in items if i["split"] == "test"], one, two, ids),
        }
    kept, counts = final_labels(items, one, two)
    test = [k for k in kept if k["split"] == "test"]
    problems = []
    if len(test) < MIN_TEST_ITEMS:
        problems.append(f"only {len(test)} test items remain (need {MIN_TEST_ITEMS})")
    if test and sum(not k["themes"] for k in test) / len(test) < MIN_TEST_NO_THEME:
        problems.append(f"fewer than {MIN_TEST_NO_THEME:.0%} of test items are without theme")
    return render(report, kept, counts, markdown), kept, problems


def serialise(rows: list[dict]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--check", action="store_true", help="exit 1 if labels_final.jsonl is stale")
    ap.add_argument("--markdown", action="store_true", help="print the report as Markdown")
    args = ap.parse_args(argv)
    text, kept, problems = build(args.markdown)
    print(text)
    for problem in problems:
        print(f"PROBLEM: {problem}", file=sys.stderr)
    wanted = serialise(kept)
    if args.check:
        current = FINAL.read_text(encoding="utf-8") if FINAL.is_file() else ""
        if current != wanted:
            print(f"{FINAL.name} is stale: rerun agreement.py", file=sys.stderr)
            return 1
        return 1 if problems else 0
    FINAL.write_text(wanted, encoding="utf-8")
    print(f"wrote {FINAL.relative_to(HERE.parents[3])} ({len(kept)} items)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

"""Per-theme precision, recall and F1 of the tagger on labelled passages (``worldview evaluate``).

A labelled file holds ``{"id", "text", "themes"}`` per line; a passage may hold several
sentences, and its predicted themes are the union of its sentences' themes. Passages labelled
with no theme are "no-theme" passages; those also marked ``"offtopic": true`` (sport, cooking,
weather: nothing to do with Russian policy) are counted on their own, because the tagger must
never give them a theme.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

DATA_DIR = Path(__file__).with_name("data")
DEV_PATH = DATA_DIR / "dev.jsonl"
SEED_PATH = DATA_DIR / "seed_labels.jsonl"
# Written last, by an annotator who saw neither the training data nor the dev set, and read only
# to report the finished model: no choice of data, recipe or threshold was made on it.
FRESH_PATH = DATA_DIR / "test_fresh.jsonl"


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        return 2 * self.tp / (2 * self.tp + self.fp + self.fn) if self.tp else 0.0


@dataclass
class Report:
    name: str
    passages: int
    per_theme: dict[str, Counts]
    off_topic: int = 0  # passages labelled with no theme
    off_topic_tagged: list[str] = field(default_factory=list)  # ids of those given a theme
    marked_off_topic: int = 0  # passages marked "offtopic": true (a subset of the above)
    marked_off_topic_tagged: int = 0  # how many of those were given a theme
    errors: list[dict] = field(default_factory=list)

    @property
    def micro(self) -> Counts:
        total = Counts()
        for c in self.per_theme.values():
            total.tp, total.fp, total.fn = total.tp + c.tp, total.fp + c.fp, total.fn + c.fn
        return total


def read_labelled(path: Path) -> list[dict]:
    items = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            item = json.loads(line)
            if not isinstance(item.get("text"), str) or not isinstance(item.get("themes"), list):
                raise ValueError(f"{path}:{number}: expected {{'id', 'text', 'themes'}}")
            items.append(item)
    return items


def evaluate(tagger, items: list[dict], name: str) -> Report:
    from worldview.themes.tagger import passage_themes

    theme_ids = tagger.taxonomy.ids
    report = Report(name, len(items), {t: Counts() for t in theme_ids})
    tagged = tagger.tag_passages([item["text"] for item in items])
    for item, sentences in zip(items, tagged, strict=True):
        gold = set(item["themes"])
        unknown = gold - set(theme_ids)
        if unknown:
            raise ValueError(f"{name}: passage {item.get('id')}: unknown themes {sorted(unknown)}")
        predicted = {t for t, _ in passage_themes(sentences)}
        for t in theme_ids:
            counts = report.per_theme[t]
            counts.tp += t in gold and t in predicted
            counts.fp += t not in gold and t in predicted
            counts.fn += t in gold and t not in predicted
        if not gold:
            report.off_topic += 1
            if predicted:
                report.off_topic_tagged.append(str(item.get("id")))
        if item.get("offtopic"):
            report.marked_off_topic += 1
            report.marked_off_topic_tagged += bool(predicted)
        if gold != predicted:
            report.errors.append(
                {
                    "id": item.get("id"),
                    "missed": sorted(gold - predicted),
                    "extra": sorted(predicted - gold),
                }
            )
    return report


def format_table(reports: list[Report]) -> str:
    """A Markdown table: one row per theme, P/R/F1 for each report side by side."""
    theme_ids = list(reports[0].per_theme)
    head = "| theme | " + " | ".join(f"{r.name} P | {r.name} R | {r.name} F1" for r in reports)
    lines = [head + " |", "|---|" + "---:|" * (3 * len(reports))]

    def cells(c: Counts) -> str:
        return f"{c.precision:.2f} | {c.recall:.2f} | {c.f1:.2f}"

    for t in theme_ids:
        lines.append(f"| {t} | " + " | ".join(cells(r.per_theme[t]) for r in reports) + " |")
    lines.append("| **micro** | " + " | ".join(cells(r.micro) for r in reports) + " |")
    lines.append("")
    for r in reports:
        lines.append(
            f"{r.name}: {r.passages} passages, micro-F1 {r.micro.f1:.3f}; "
            f"no-theme passages given a theme: {len(r.off_topic_tagged)} of {r.off_topic}"
            + (
                f'; off-topic passages ("offtopic": true) given a theme: '
                f"{r.marked_off_topic_tagged} of {r.marked_off_topic}"
                if r.marked_off_topic
                else ""
            )
        )
    return "\n".join(lines)

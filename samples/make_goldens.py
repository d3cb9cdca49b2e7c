"""Write the full-record goldens: the whole record the pipeline makes of every sample and HTML
fixture, minus what changes from run to run (step timings, processing time), fundus-style.

The goldens are generated, not hand-written: after a change to extraction, run this script and
review ``git diff samples/records`` as the change's effect on real output (the hand-written
partial goldens in ``samples/expected`` stay the independent check of what matters most).
Records are made without theme tagging: theme scores move with every retraining and are judged on
the labelled evaluation sets (docs/evaluation.md), not here. Run from anywhere:

    .venv/bin/python samples/make_goldens.py          # (re)write samples/records/*.json
    .venv/bin/python samples/make_goldens.py --check  # list goldens that differ; exit 1 if any
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from worldview.errors import PipelineError  # noqa: E402
from worldview.pipeline import process_document  # noqa: E402

GOLDENS = REPO / "samples" / "records"
SOURCES = (REPO / "samples" / "articles", REPO / "tests" / "fixtures" / "html")
RUN_DEPENDENT = ("steps_ms", "processed_at")  # provenance fields that differ on every run


def sources() -> list[Path]:
    return sorted(path for folder in SOURCES for path in folder.iterdir() if path.is_file())


def golden_path(source: Path) -> Path:
    return GOLDENS / f"{source.name}.json"


def expected_record(source: Path) -> dict:
    """The record as a golden holds it (or the refusal, for a fixture with no article)."""
    uri = source.relative_to(REPO).as_posix()
    try:
        record = process_document(source.read_bytes(), uri).model_dump(mode="json")
    except PipelineError as exc:
        return {"refused": {"step": exc.step, "reason": exc.reason}}
    for field in RUN_DEPENDENT:
        record["provenance"].pop(field)
    return record


def render(record: dict) -> str:
    return json.dumps(record, indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str]) -> int:
    check = "--check" in argv
    GOLDENS.mkdir(exist_ok=True)
    stale = []
    for source in sources():
        text, path = render(expected_record(source)), golden_path(source)
        if path.is_file() and path.read_text(encoding="utf-8") == text:
            continue
        stale.append(path.relative_to(REPO).as_posix())
        if not check:
            path.write_text(text, encoding="utf-8")
    orphans = sorted(set(GOLDENS.glob("*.json")) - {golden_path(s) for s in sources()})
    for orphan in orphans:
        stale.append(f"{orphan.relative_to(REPO).as_posix()} (no source)")
        if not check:
            orphan.unlink()
    verb = "differ" if check else "written"
    print(f"{len(stale)} golden(s) {verb}" + "".join(f"\n  {name}" for name in stale))
    return 1 if check and stale else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

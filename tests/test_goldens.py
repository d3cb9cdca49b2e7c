"""Full-record goldens (samples/records, written by samples/make_goldens.py): the pipeline's whole
record of every sample and HTML fixture, compared field by field. A failure lists the JSON paths
that changed; if the change is intended, regenerate with the script and review the diff."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("make_goldens", REPO / "samples" / "make_goldens.py")
make_goldens = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_goldens)

SOURCES = make_goldens.sources()


def differences(got, want, path: str = "") -> list[str]:
    """JSON paths where ``got`` and ``want`` differ (values shown for leaves)."""
    if isinstance(got, dict) and isinstance(want, dict):
        return [
            line
            for key in sorted(set(got) | set(want))
            for line in differences(got.get(key), want.get(key), f"{path}/{key}")
        ]
    if isinstance(got, list) and isinstance(want, list) and len(got) == len(want):
        return [
            line
            for i, (g, w) in enumerate(zip(got, want, strict=True))
            for line in differences(g, w, f"{path}/{i}")
        ]
    if got != want:
        return [f"{path or '/'}: got {json.dumps(got)[:160]}, want {json.dumps(want)[:160]}"]
    return []


def test_every_source_has_a_golden_and_every_golden_a_source():
    goldens = {path.name for path in make_goldens.GOLDENS.glob("*.json")}
    assert goldens == {make_goldens.golden_path(s).name for s in SOURCES}
    assert len(SOURCES) >= 15


@pytest.mark.parametrize("source", SOURCES, ids=[s.name for s in SOURCES])
def test_record_matches_its_golden(source: Path):
    want = json.loads(make_goldens.golden_path(source).read_text(encoding="utf-8"))
    got = make_goldens.expected_record(source)
    changed = differences(got, want)
    assert not changed, (
        f"{source.name}: {len(changed)} field(s) differ from samples/records "
        "(regenerate with samples/make_goldens.py if intended, and review the diff):\n  "
        + "\n  ".join(changed[:25])
    )


def test_differences_names_the_changed_paths():
    want = {
        "metadata": {"title": "A", "authors": [{"name": "X"}]},
        "content": {"paragraphs": [1, 2]},
    }
    got = {"metadata": {"title": "B", "authors": [{"name": "X"}]}, "content": {"paragraphs": [1]}}
    assert differences(got, want) == [
        "/content/paragraphs: got [1], want [1, 2]",
        '/metadata/title: got "B", want "A"',
    ]

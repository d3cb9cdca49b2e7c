"""``worldview process``: stdout JSON for one file, DIR/<stem>.json for many, --no-themes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from jsonschema import Draft202012Validator

from schemas import load_schema

ARTICLE = """Russia and the Black Sea Grain Corridor

By Anna Berg

March 3, 2024

The Kremlin used the grain corridor as a bargaining chip, threatening to close it whenever it
wanted concessions from the West on sanctions — “again and again”.

Anna Berg is a senior fellow at the Nordic Security Institute.
"""


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "worldview.cli", "process", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_one_file_prints_its_record_on_stdout(tmp_path: Path) -> None:
    source = tmp_path / "grain.txt"
    source.write_text(ARTICLE, encoding="utf-8")
    result = run(str(source), "--no-themes", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    record = json.loads(result.stdout)
    Draft202012Validator(load_schema()).validate(record)
    assert record["metadata"]["title"] == "Russia and the Black Sea Grain Corridor"
    assert record["metadata"]["published"] == "2024-03-03"
    assert record["metadata"]["authors"][0]["affiliation"] == "Nordic Security Institute"
    assert record["themes"] == [] and record["provenance"]["model"] is None
    assert all(s["themes"] == [] for p in record["content"]["paragraphs"] for s in p["sentences"])


def test_many_files_with_out_write_one_record_per_stem(tmp_path: Path) -> None:
    sources = []
    for i, (suffix, encoding) in enumerate(
        [(".txt", "utf-8"), (".md", "utf-16"), (".text", "cp1252")]
    ):
        path = tmp_path / f"article{i}{suffix}"
        path.write_bytes(ARTICLE.replace("\n", "\r\n").encode(encoding))
        sources.append(str(path))
    out = tmp_path / "records"
    result = run(*sources, "--out", str(out), "--no-themes", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert sorted(p.name for p in out.iterdir()) == [
        "article0.json",
        "article1.json",
        "article2.json",
    ]
    encodings = set()
    for path in out.iterdir():
        record = json.loads(path.read_text(encoding="utf-8"))
        assert record["metadata"]["title"] == "Russia and the Black Sea Grain Corridor"
        assert record["content"]["paragraphs"][0]["text"].startswith("The Kremlin used the grain")
        encodings.add(record["source"]["encoding"])
    assert encodings == {"utf-8", "utf-16", "cp1252"}


def test_seed_through_the_cli(tmp_path: Path, seed_path: Path) -> None:
    result = run(str(seed_path), "--no-themes", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    record = json.loads(result.stdout)
    assert record["metadata"]["authors"][0]["affiliation"] == "GLOBSEC"
    assert len(record["content"]["paragraphs"]) == 15

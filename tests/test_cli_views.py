"""The command line as a person uses it (issue 17): help for everything, ``--version``, ``show``,
``trends``, ``tag`` on plain text, ``process``'s summary, ``train``'s progress and its refusal to
overwrite the shipped model."""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from functools import partial
from pathlib import Path
from xml.etree import ElementTree

import lxml.html
import pytest

REPO = Path(__file__).resolve().parents[1]
SAMPLES = sorted((REPO / "samples" / "articles").iterdir())


def cli(*args: str, stdin: str | None = None, cwd: Path = REPO) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "worldview.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=300,
    )


def assert_described(parser: argparse.ArgumentParser, name: str) -> None:
    """A description, and a help line for every argument; nested subcommands the same way."""
    assert parser.description, f"{name}: no description"
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction):
            continue
        if isinstance(action, argparse._SubParsersAction):
            helps = {c.dest: c.help for c in action._choices_actions}
            for sub_name, sub_parser in action.choices.items():
                assert helps.get(sub_name), f"{name} {sub_name}: no one-line help"
                assert_described(sub_parser, f"{name} {sub_name}")
            continue
        assert action.help, f"{name} {action.option_strings or action.dest}: no help"


def test_every_command_and_argument_is_described() -> None:
    from worldview.cli import build_parser

    parser = build_parser()
    assert_described(parser, "worldview")
    text = parser.format_help()
    assert "examples:" in text and "worldview show" in text
    assert "Each subcommand imports only what it needs" not in text


def test_version() -> None:
    result = cli("--version")
    assert result.returncode == 0
    from worldview.record import SCHEMA_VERSION

    assert result.stdout.startswith("worldview ")
    assert f"record schema {SCHEMA_VERSION}" in result.stdout


def test_help_keeps_examples_as_written() -> None:
    out = cli("show", "--help").stdout
    assert "\n  worldview show analysis.html --html page.html" in out


def test_show_a_source_summarises_it_and_writes_its_page(tmp_path, seed_path) -> None:
    from test_views import check_page

    from worldview.record import Record

    summary = cli("show", str(seed_path))
    assert summary.returncode == 0, summary.stderr
    assert "After Trading Prisoners" in summary.stdout
    assert (
        "The West as main enemy" in summary.stdout and "sentences carry a theme" in summary.stdout
    )

    records = tmp_path / "records"
    made = cli("process", str(seed_path), "--out", str(records))
    assert made.returncode == 0, made.stderr
    assert made.stdout == "" and "1 of 1 file(s) written to" in made.stderr
    record_file = next(records.iterdir())
    page = tmp_path / "pages" / "seed.html"
    result = cli("show", str(record_file), "--html", str(page))
    assert result.returncode == 0, result.stderr
    assert f"wrote {page}" in result.stderr
    record = Record.model_validate_json(record_file.read_text(encoding="utf-8"))
    check_page(record, page.read_text(encoding="utf-8"))
    to_stdout = cli("show", str(record_file), "--html", "-")
    assert to_stdout.stdout == page.read_text(encoding="utf-8")
    into_dir = cli("show", str(record_file), "--html", str(tmp_path))
    assert (tmp_path / f"{record.document_id}.html").is_file(), into_dir.stderr


def test_show_says_what_it_cannot_show(tmp_path) -> None:
    result = cli("show", str(tmp_path / "missing.html"))
    assert result.returncode == 2 and "no such file" in result.stderr
    broken = tmp_path / "broken.json"
    broken.write_text('{"schema_version": "1.0.0", "document_id": 3}', encoding="utf-8")
    result = cli("show", str(broken))
    assert result.returncode == 2 and "not a valid record" in result.stderr


def test_trends_from_record_files(tmp_path) -> None:
    records = tmp_path / "records"
    made = cli("process", *map(str, SAMPLES), "--out", str(records), "--no-themes")
    assert made.returncode == 0, made.stderr
    assert f"{len(SAMPLES)} of {len(SAMPLES)} file(s) written" in made.stderr
    html, svg = tmp_path / "t.html", tmp_path / "t.svg"
    result = cli("trends", str(records), "--by", "month", "--html", str(html), "--svg", str(svg))
    assert result.returncode == 0, result.stderr
    assert f"{len(SAMPLES)} documents" in result.stdout and "Besieged fortress" in result.stdout
    doc = lxml.html.fromstring(html.read_text(encoding="utf-8"))
    assert doc.xpath("//svg") and len(doc.xpath("//table[@class='trend']/tbody/tr")) == 15
    ElementTree.fromstring(svg.read_text(encoding="utf-8"))
    as_json = json.loads(cli("trends", str(records), "--by", "site", "--json").stdout)
    assert as_json["by"] == "site" and as_json["all"]["documents"] == len(SAMPLES)


def test_tag_reads_plain_text_and_prints_labels() -> None:
    result = cli("tag", "The Kremlin says the Cold War never ended and America is the enemy.")
    assert result.returncode == 0, result.stderr
    assert re.match(r"\[1\] The West as main enemy \(west_as_enemy\) [01]\.\d\d\n", result.stdout)
    piped = cli(
        "tag",
        "--json",
        stdin="Putin claims NATO has crept up to Russia's borders and the country is besieged."
        "\n\nPrices rose.\n",
    )
    out = [json.loads(line) for line in piped.stdout.splitlines()]
    assert [o["id"] for o in out] == [1, 3]
    assert out[0]["themes"][0] == {
        "id": "besieged_fortress",
        "label": "Besieged fortress",
        "score": out[0]["themes"][0]["score"],
    }
    assert out[1]["themes"] == []


def test_train_never_overwrites_the_shipped_model_unless_asked(tmp_path) -> None:
    from worldview.themes.tagger import MODEL_DIR

    before = {p.name: p.stat().st_mtime_ns for p in MODEL_DIR.iterdir()}
    result = cli("train", "--out", str(MODEL_DIR))
    assert result.returncode == 2 and "--replace-shipped" in result.stderr
    assert {p.name: p.stat().st_mtime_ns for p in MODEL_DIR.iterdir()} == before
    both = cli("train", "--out", str(tmp_path), "--replace-shipped")
    assert both.returncode == 2  # one or the other


@pytest.mark.timeout(600)
def test_train_reports_each_phase_and_every_step(tmp_path, monkeypatch) -> None:
    """A tiny training set (two writing passes, every theme in each) through the real trainer:
    the phases come in order and the fine-tuning phases count every optimiser step."""
    from worldview.themes import training
    from worldview.themes.encoder import Encoder
    from worldview.themes.taxonomy import load_taxonomy

    taxonomy = load_taxonomy()
    data = tmp_path / "train_tiny.jsonl"
    lines = []
    for n in (0, 1):
        for theme in taxonomy.themes:
            lines.append(
                {
                    "id": f"{theme.id}{n}",
                    "text": theme.exemplars[n],
                    "themes": [theme.id],
                    "pass": n,
                }
            )
        for i, text in enumerate(("The ferry leaves at noon.", "Tickets cost ten euros.")):
            lines.append({"id": f"none{n}{i}", "text": f"{text} ({n})", "themes": [], "pass": n})
    data.write_text("\n".join(json.dumps(x) for x in lines) + "\n", encoding="utf-8")
    monkeypatch.setattr(training, "training_files", lambda data_dir=None: [data])
    # only this file: no real-text items (issue 13's data) in a test of the progress
    monkeypatch.setattr(training, "real_training_items", lambda split="train": [], raising=False)
    monkeypatch.setattr(
        training, "encode_cached", partial(training.encode_cached, cache_path=tmp_path / "c.npz")
    )
    monkeypatch.setattr(training, "OUT_OF_FOLD_PATH", tmp_path / "oof.npz")

    class Recorder(training.TrainingProgress):
        def __init__(self) -> None:
            self.phases: list[tuple[str, int | None, int]] = []

        def phase(self, name, total=None):
            self.phases.append((name, total, 0))

        def step(self):
            name, total, done = self.phases[-1]
            self.phases[-1] = (name, total, done + 1)

    recorder = Recorder()
    training.train(taxonomy, Encoder(), tmp_path / "model", log=lambda m: None, progress=recorder)
    names = [name for name, _, _ in recorder.phases]
    assert names[0] == "read the training data" and names[-1] == "save"
    assert any(n.startswith("cross-validation") for n in names)
    assert any(n.startswith("the final model") for n in names)
    for name, total, done in recorder.phases:
        if total is not None:
            assert done == total > 0, name  # an ETA that reaches its end
    assert (tmp_path / "model" / "metadata.json").is_file()

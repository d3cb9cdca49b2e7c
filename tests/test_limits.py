"""One document's bounds (issue 15, case 2) and metadata a reader can trust (case 7).

Before: a 1,000,000-paragraph HTML page (11 MB) took 72 s and 2.2 GB to become a 133 MB record;
200,000 table cells a 35 MB record; 50,000 "By ..." lines 50,000 authors; a 5 MB line one
paragraph; all without a warning. Now each limit is a ``WORLDVIEW_MAX_*`` setting, checked by
the step that makes the thing, with an error or a warning that names it
(``worldview/extract/limits.py``). Bidi overrides and zero-width joiners reached titles.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hostile import check_record

from worldview.errors import DocumentTooLargeError, TimeBudgetError
from worldview.pipeline import process_document
from worldview.settings import get_settings

REPO = Path(__file__).resolve().parents[1]
BODY = (
    "Russia's foreign ministry issued a statement on the talks. Officials said the United States "
    "must accept Russia's security interests. Analysts read it as an opening bid."
)


@pytest.fixture
def limits(monkeypatch):
    """Set ``WORLDVIEW_MAX_*`` for one test (the settings are read when a step runs)."""

    def set_limits(**values):
        for name, value in values.items():
            monkeypatch.setenv(f"WORLDVIEW_{name.upper()}", str(value))
        get_settings.cache_clear()

    yield set_limits
    monkeypatch.undo()
    get_settings.cache_clear()


def html_with(paragraphs: int, cell: bool = False) -> bytes:
    tag = "<tr><td>{i} cell text</td></tr>" if cell else "<p>Paragraph {i} about Moscow.</p>"
    rows = "".join(tag.format(i=i) for i in range(paragraphs))
    body = f"<table>{rows}</table>" if cell else rows
    return (
        "<html><head><title>Many</title></head><body><article><h1>Many</h1>"
        f"{body}</article></body></html>"
    ).encode()


# The child's peak RSS, read by a small launcher: a process started straight from this one
# inherits the test session's high-water mark through fork/exec (1.3 GB late in a full run).
LAUNCHER = """
import os, subprocess, sys
proc = subprocess.Popen(sys.argv[2:], stdout=subprocess.DEVNULL)
_, status, usage = os.wait4(proc.pid, 0)
open(sys.argv[1], "w").write(str(usage.ru_maxrss))
sys.exit(os.waitstatus_to_exitcode(status))
"""


def peak_rss_and_stderr(tmp_path, name: str, data: bytes) -> tuple[int, int, float, str]:
    """``worldview process`` on one file in a child process: exit code, peak RSS (kB), seconds."""
    path = tmp_path / name
    path.write_bytes(data)
    err, rss = tmp_path / "stderr.txt", tmp_path / "rss.txt"
    command = [sys.executable, "-m", "worldview.cli", "process", "--no-themes", str(path)]
    t0 = time.monotonic()
    with err.open("w") as errf:
        done = subprocess.run(
            [sys.executable, "-c", LAUNCHER, str(rss), *command], stderr=errf, check=False
        )
    return done.returncode, int(rss.read_text()), time.monotonic() - t0, err.read_text()


@pytest.mark.timeout(120)
def test_a_million_paragraphs_are_refused_before_they_are_read(tmp_path):
    """Before: 72 s and 2.2 GB. Now the page's tags are counted before a tree is built."""
    code, rss_kb, seconds, stderr = peak_rss_and_stderr(tmp_path, "many.html", html_with(10**6))
    print(f"\n[1,000,000 <p>] exit {code}, {seconds:.1f} s, peak {rss_kb // 1024} MB: {stderr}")
    assert code == 1 and "WORLDVIEW_MAX_PARAGRAPHS" in stderr and "clean" in stderr, stderr
    assert seconds < 30 and rss_kb < 600_000, (seconds, rss_kb)


def test_two_hundred_thousand_table_cells_are_refused():
    with pytest.raises(DocumentTooLargeError, match="WORLDVIEW_MAX_PARAGRAPHS") as refused:
        process_document(html_with(200_000, cell=True), "cells.html")
    assert refused.value.step == "clean"


def test_paragraphs_and_sentences_over_their_limits_are_refused_by_segment(limits):
    limits(max_paragraphs=40, max_sentences=100)
    text = "Many Paragraphs\n\n" + "\n\n".join(f"{BODY} Number {i}." for i in range(60))
    with pytest.raises(DocumentTooLargeError, match=r"60 paragraphs.*MAX_PARAGRAPHS \(40\)") as e:
        process_document(text.encode(), "many.txt")
    assert e.value.step == "segment"
    text = "Many Sentences\n\n" + "\n\n".join(f"{BODY} Number {i}." for i in range(30))
    with pytest.raises(DocumentTooLargeError, match="WORLDVIEW_MAX_SENTENCES") as e:
        process_document(text.encode(), "sentences.txt")
    assert e.value.step == "segment"
    limits(max_paragraphs=10_000, max_sentences=20_000)
    assert len(process_document(text.encode(), "sentences.txt").content.paragraphs) == 30


def test_a_five_megabyte_line_is_split_at_sentence_ends_with_a_warning():
    words = " ".join(["statement"] * 50)
    line = " ".join(f"Sentence {i} of the Kremlin's long {words}." for i in range(10_000))
    assert len(line) > 5_000_000
    record = process_document(f"One Long Line\n\n{line}\n".encode(), "line.txt")
    paragraphs = record.content.paragraphs
    limit = get_settings().max_paragraph_chars
    assert len(paragraphs) > 100 and all(len(p.text) <= limit for p in paragraphs)
    assert all(p.text.endswith(".") for p in paragraphs), "cut after a sentence's end"
    assert " ".join(p.text for p in paragraphs) == line  # nothing lost
    assert any(w.startswith("paragraph_split: 1 paragraph(s)") for w in record.warnings)
    check_record(record.model_dump(mode="json"))


def test_fifty_thousand_bylines_give_the_first_authors_and_a_warning():
    bylines = "".join(f"By Anna Person{i:05d}\n" for i in range(50_000))
    record = process_document(f"A Title\n\n{bylines}\n{BODY}\n".encode(), "bylines.txt")
    authors = record.metadata.authors
    assert len(authors) == get_settings().max_authors == 50
    assert authors[0].name == "Anna Person00000"
    assert any(w.startswith("authors_truncated: 50,000 names") for w in record.warnings)


def test_a_record_over_the_size_limit_is_refused(limits):
    limits(max_record_bytes=200_000)
    text = "Big Record\n\n" + "\n\n".join(f"{BODY} Number {i}." for i in range(500))
    with pytest.raises(DocumentTooLargeError, match="WORLDVIEW_MAX_RECORD_BYTES") as e:
        process_document(text.encode(), "big.txt")
    assert e.value.step == "build_record"
    limits(max_record_bytes=32 * 1024 * 1024)
    assert process_document(text.encode(), "big.txt").content.paragraphs


def test_the_time_budget_refuses_a_document_that_takes_too_long(limits):
    limits(max_document_seconds=0.2)
    line = " ".join(f"Sentence {i} of the long line about the Kremlin." for i in range(100_000))
    with pytest.raises(TimeBudgetError, match="WORLDVIEW_MAX_DOCUMENT_SECONDS"):
        process_document(f"Slow\n\n{line}\n".encode(), "slow.txt")  # ~2 s of work
    limits(max_document_seconds=600)
    process_document(f"Fast\n\n{BODY}\n".encode(), "fast.txt")


@pytest.mark.timeout(300)
def test_a_long_document_is_encoded_in_slices_and_tagged_as_one(monkeypatch):
    """The tagger encodes a long document slice by slice (memory follows the slice) and checks
    the time budget between slices; its themes are exactly those of one pass, since the Russia
    evidence and the language check read the whole document."""
    from worldview.themes import tagger as tagger_module
    from worldview.themes import tagger_if

    tagger = tagger_if(True)
    sample = REPO / "samples" / "articles" / "black_sea_grain_corridor.txt"
    whole = process_document(sample.read_bytes(), sample.name, tagger=tagger)
    monkeypatch.setattr(tagger_module, "ENCODE_SLICE", 8)
    checks: list[str] = []
    monkeypatch.setattr(tagger_module, "check_time", checks.append)
    sliced = process_document(sample.read_bytes(), sample.name, tagger=tagger)
    assert sum(len(p.sentences) for p in sliced.content.paragraphs) > 3 * 8, "several slices"
    assert whole.themes, "the body is full of themes"
    assert [t.model_dump() for t in sliced.themes] == [t.model_dump() for t in whole.themes]
    assert sliced.content.model_dump() == whole.content.model_dump()
    assert checks == ["tag_themes"] * 4  # the budget, before each slice of 8 of 28 sentences


# --- case 7: metadata ---------------------------------------------------------------------------


def test_bidi_controls_and_zero_width_characters_leave_the_metadata_with_a_warning():
    title = "Moscow\u202e's \u2066Arctic\u2069 Plan\u200d for\u200c the\u00a0North"
    html = (
        f"<html><head><title>{title}</title><meta name='author' content='Anna\u200b Petersen'>"
        f"</head><body><article><h1>{title}</h1><p>{BODY}</p><p>{BODY} Again.</p>"
        "</article></body></html>"
    )
    record = process_document(html.encode(), "bidi.html")
    assert record.metadata.title == "Moscow's Arctic Plan for the North"
    warnings = [w for w in record.warnings if w.startswith("metadata_characters_removed:")]
    assert warnings and "title" in warnings[0], record.warnings
    text = json.dumps(record.model_dump(mode="json")["metadata"], ensure_ascii=False)
    for char in "\u202e\u2066\u2069\u200d\u200c\u200b":
        assert char not in text


def test_look_alike_letters_in_a_title_are_flagged():
    title = "Russia and the W\u0435st: P\u0430ris Talks"  # Cyrillic е and а
    record = process_document(f"{title}\n\nBy Anna Petersen\n\n{BODY}\n".encode(), "spoof.txt")
    assert record.metadata.title == title  # not changed: a person tells a spoof from a typo
    flagged = [w for w in record.warnings if w.startswith("mixed_scripts: the title")]
    assert flagged and "'W\u0435st'" in flagged[0] and "'P\u0430ris'" in flagged[0], record.warnings
    plain = process_document(
        "Россия и Запад: переговоры в Париже\n\nАнна Петерсен\n\n"
        "Кремль заявляет о готовности к диалогу. Переговоры продолжаются.\n".encode(),
        "ru.txt",
    )
    assert not [w for w in plain.warnings if w.startswith("mixed_scripts")]

"""Bad input through the CLI (issue 3, item 6): one clear stderr line per failing file, naming it
and the reason; no traceback; exit status non-zero; every other file in the batch still processed.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

GOOD = """A Good Article About the Kremlin

By Anna Berg

The Kremlin says the West wants to weaken Russia. It says so every year, in every forum.
"""
UNTITLED = (
    "This text starts with a long sentence of body text and never states any title, "
    "as plain prose often does when pasted.\n\nA second paragraph follows it here.\n"
)
NO_ARTICLE_HTML = """<!doctype html><html><head><title>Home | Example</title></head><body>
<nav><a href="/">Home</a> <a href="/about">About</a> <a href="/topics">Topics</a></nav>
<div class="cookie-banner">We use cookies. <button>Accept</button></div>
<footer>© 2025 Example Institute. All rights reserved.</footer></body></html>"""
HOSTILE_HTML = """<!doctype html><html><head><title>Moscow and the Sea</title>
<script>document.write('SCRIPTMARK')</script><style>.x{}/*SCRIPTMARK*/</style></head><body>
<!-- SCRIPTMARK in a comment --><article><h1>Moscow and the Sea</h1>
<p>Russia&rsquo;s navy &amp; its &ldquo;bastions&rdquo; matter &#8212; more than ever,
say analysts.</p>
<p onclick="SCRIPTMARK()">The Kremlin treats the Arctic as a sovereign zone and the West
as a threat.</p>
<img src="javascript:SCRIPTMARK()" alt="x"><script>SCRIPTMARK</script>
</article></body></html>"""

# file name -> (bytes, words the stderr line must contain), or None where a record is expected
CASES: dict[str, tuple[bytes, tuple[str, ...]]] = {
    "empty.txt": (b"", ("empty",)),
    "blank.txt": (b" \n\t \r\n   \n", ("whitespace",)),
    "report.pdf": (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\n", ("PDF",)),
    "photo.png": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", ("PNG",)),
    "bundle.zip": (b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + b"\x00" * 40, ("ZIP",)),
    "garbage.txt": (b"Title\n\n" + bytes(range(0x80, 0x100)) * 30, ("undecodable",)),
    "chrome.html": (NO_ARTICLE_HTML.encode(), ("no",)),
}


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "worldview.cli", "process", *args],
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="module")
def batch(tmp_path_factory) -> tuple[Path, Path, subprocess.CompletedProcess]:
    folder = tmp_path_factory.mktemp("bad")
    for name, (data, _) in CASES.items():
        (folder / name).write_bytes(data)
    (folder / "good.txt").write_text(GOOD, encoding="utf-8")
    (folder / "untitled.txt").write_text(UNTITLED, encoding="utf-8")
    (folder / "hostile.html").write_text(HOSTILE_HTML, encoding="utf-8")
    nested = "<html><body>" + "<div>" * 20000 + "<p>Deep text.</p>" + "</div>" * 20000
    (folder / "nested.html").write_text(nested + "</body></html>", encoding="utf-8")
    huge = folder / "huge.txt"
    with huge.open("wb") as fh:  # sparse: 50 MB + 1 byte without writing them
        fh.truncate(50 * 1024 * 1024 + 1)
    out = folder / "records"
    files = sorted(str(p) for p in folder.iterdir() if p.is_file())
    started = time.monotonic()
    result = run(*files, "--out", str(out), "--no-themes")
    assert time.monotonic() - started < 120, "the batch must never hang"
    return folder, out, result


def _stderr_lines(result) -> dict[str, str]:
    lines = {}
    for line in result.stderr.splitlines():
        assert line.startswith("worldview: "), line
        if line.endswith("file(s) failed"):
            continue
        path, reason = line.removeprefix("worldview: ").split(": ", 1)
        lines[Path(path).name] = reason
    return lines


def test_exit_status_and_no_traceback(batch) -> None:
    _, _, result = batch
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "internal error" not in result.stderr


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_bad_file_gets_one_clear_line(batch, name: str) -> None:
    _, out, result = batch
    lines = _stderr_lines(result)
    assert name in lines, result.stderr
    reason = lines[name].lower()
    for word in CASES[name][1]:
        assert word.lower() in reason, reason
    assert not (out / f"{Path(name).stem}.json").exists()
    assert (
        sum(
            Path(line.split(": ")[1]).name == name
            for line in result.stderr.splitlines()
            if ": " in line
        )
        == 1
    )


def test_the_50_mb_file_is_refused_by_the_size_limit(batch) -> None:
    _, _, result = batch
    assert "over the" in _stderr_lines(result)["huge.txt"]


def test_the_good_files_in_the_batch_still_become_records(batch) -> None:
    _, out, result = batch
    good = json.loads((out / "good.json").read_text(encoding="utf-8"))
    assert good["metadata"]["title"] == "A Good Article About the Kremlin"
    assert good["metadata"]["authors"][0]["name"] == "Anna Berg"


def test_a_text_that_states_no_title_is_a_record_with_a_stand_in_title(batch) -> None:
    """Issue 14: only a page with no article text is refused; a missing title is a warning."""
    _, out, _ = batch
    record = json.loads((out / "untitled.json").read_text(encoding="utf-8"))
    assert record["metadata"]["title"].startswith("This text starts with a long sentence")
    assert len(record["content"]["paragraphs"]) == 2
    assert any(w.startswith("title_missing:") for w in record["warnings"])


def test_hostile_html_gives_a_clean_record_or_a_clear_error(batch) -> None:
    _, out, result = batch
    lines = _stderr_lines(result)
    for name in ("hostile.html", "nested.html"):
        record_path = out / f"{Path(name).stem}.json"
        assert (name in lines) != record_path.exists(), (name, result.stderr)
        if record_path.exists():
            text = record_path.read_text(encoding="utf-8")
            assert "SCRIPTMARK" not in text
    hostile = json.loads((out / "hostile.json").read_text(encoding="utf-8"))
    paragraphs = [p["text"] for p in hostile["content"]["paragraphs"]]
    assert paragraphs[0] == (
        "Russia’s navy & its “bastions” matter — more than ever, say analysts."
    )

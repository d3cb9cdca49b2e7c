"""The consumer's install (issue 18): ``pip install worldview`` without extras, in a fresh venv,
lists, gets, diffs and exports the records of a running store (the session's ``weed mini``), and
never needs Prefect, torch or the text libraries.

The package is installed the ordinary way (pip builds it from a copy of the source tree, deps
resolved by pip, the local wheel cache reused): ~10-15 s here.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from worldview.identity import document_id_for, source_uri
from worldview.pipeline import process_document

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "samples" / "articles"
PACKAGE_PARTS = ("worldview", "tasks", "flows", "schemas", "pyproject.toml", "README.md")
HEAVY = ("prefect", "torch", "selectolax", "sentence_transformers", "sklearn", "pysbd", "numpy")


@pytest.fixture(scope="module")
def bare_venv(tmp_path_factory) -> Path:
    """A fresh venv with ``pip install <source tree>`` and no extras; its bin directory."""
    root = tmp_path_factory.mktemp("bare")
    source = root / "src"
    source.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
    for part in PACKAGE_PARTS:
        if (REPO / part).is_dir():
            shutil.copytree(REPO / part, source / part, ignore=ignore)
        else:
            shutil.copy2(REPO / part, source / part)
    venv = root / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    # This environment's pip installs into the new venv (--python): the venv needs no pip of its
    # own, and pip's cache makes the dependencies local after the first run.
    install = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install"]
        + ["--quiet", "--disable-pip-version-check", str(source)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert install.returncode == 0, install.stderr[-3000:]
    return venv / "bin"


def run(bin_dir: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    """A command of the bare venv, run outside the repository (nothing imported from it)."""
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "VIRTUAL_ENV"}}
    env["PATH"] = f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"
    return subprocess.run(
        [str(bin_dir / args[0]), *args[1:]],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
        env=env,
    )


def put(store, name: str, data: bytes) -> str:
    info = store.upload_source(name, data)
    uri = source_uri(store.bucket, info.key)
    record = process_document(data, uri, document_id=document_id_for(uri))
    store.update_index([store.put_version(record, source_etag=info.etag).pointer])
    return record.document_id


def test_the_bare_package_reads_a_running_store(bare_venv, store, tmp_path):
    heavy = run(
        bare_venv,
        "python",
        "-c",
        "import importlib.util as u, json, sys; "
        f"print(json.dumps([m for m in {HEAVY!r} if u.find_spec(m)]))",
        cwd=tmp_path,
    )
    assert json.loads(heavy.stdout) == [], "the base install pulled in heavy packages"

    doc = put(store, "moldova.txt", (SAMPLES / "moldova_transnistria.txt").read_bytes())
    put(store, "un.html", (SAMPLES / "russia_at_the_un.html").read_bytes())
    changed = (SAMPLES / "moldova_transnistria.txt").read_bytes() + b"\n\nA later addendum.\n"
    assert put(store, "moldova.txt", changed) == doc
    bucket = ["records", "--bucket", store.bucket]

    assert run(bare_venv, "worldview", "--help", cwd=tmp_path).returncode == 0
    listed = run(bare_venv, "worldview", *bucket, "list", "--json", cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    rows = [json.loads(line) for line in listed.stdout.splitlines()]
    assert len(rows) == 2 and {r["version"] for r in rows} == {1, 2}
    assert {r["published"] for r in rows} == {"2025-10-09", "2025-10-24"}

    got = run(
        bare_venv,
        "worldview",
        *bucket,
        "get",
        "incoming/moldova.txt",
        "--version",
        "1",
        cwd=tmp_path,
    )
    assert got.returncode == 0, got.stderr
    assert json.loads(got.stdout)["version"] == 1 and json.loads(got.stdout)["document_id"] == doc

    versions = run(bare_venv, "worldview", *bucket, "versions", doc, cwd=tmp_path)
    assert versions.returncode == 0 and "why: source" in versions.stdout, versions.stderr

    diff = run(bare_venv, "worldview", *bucket, "diff", doc, cwd=tmp_path)
    assert diff.returncode == 0, diff.stderr
    assert "why: new source content" in diff.stdout and "A later addendum." in diff.stdout

    out = tmp_path / "parquet"
    exported = run(bare_venv, "worldview", *bucket, "export", "--parquet", str(out), cwd=tmp_path)
    assert exported.returncode == 0, exported.stderr
    assert "rebuilt: 2 document(s)" in exported.stderr
    assert {p.name for p in out.iterdir()} >= {"documents.parquet", "sentence_themes.parquet"}

    # The Python API, and the schema shipped as package data, validating what the store holds.
    script = (
        "import json, jsonschema\n"
        "from schemas import load_schema\n"
        "from worldview.records import RecordReader\n"
        f"reader = RecordReader.from_settings(bucket={store.bucket!r})\n"
        f"record = reader.get({doc!r}, 2)\n"
        "jsonschema.validate(record.model_dump(mode='json'), load_schema())\n"
        "print(record.version, [h.reasons for h in reader.history(record.document_id)])\n"
    )
    api = run(bare_venv, "python", "-c", script, cwd=tmp_path)
    assert api.returncode == 0, api.stderr
    assert api.stdout.strip() == "2 [['new_document'], ['source']]"


def test_commands_of_the_extras_say_which_extra_to_install(bare_venv, tmp_path):
    source = tmp_path / "a.txt"
    source.write_text("A title\n\nOne paragraph.\n")
    result = run(bare_venv, "worldview", "process", str(source), cwd=tmp_path)
    assert result.returncode == 2
    assert "`worldview process` needs the [pipeline] extra" in result.stderr
    assert "pip install 'worldview[pipeline]'" in result.stderr
    up = run(bare_venv, "worldview", "up", cwd=tmp_path)
    assert up.returncode == 2 and "needs the [stack] extra" in up.stderr
    schema = run(bare_venv, "worldview", "schema", cwd=tmp_path)
    assert schema.returncode == 0 and json.loads(schema.stdout)["$id"].endswith(
        "/record.schema.json"
    )

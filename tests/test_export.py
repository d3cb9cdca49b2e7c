"""The Parquet export (issue 18): tables from real theme-tagged records, refreshed incrementally in
the store, read by DuckDB (the README's "themes by month" query, run as written there) and pandas.
"""

from __future__ import annotations

import io
import json
import re
from collections import Counter
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from worldview.pipeline import process_document
from worldview.records import RecordReader
from worldview.records.export import (
    EXPORTS_PREFIX,
    MANIFEST,
    SCHEMAS,
    DirectoryTarget,
    StoreTarget,
    refresh_export,
)

REPO = Path(__file__).resolve().parents[1]
TEXT_FORMATS = {".html", ".md", ".txt"}
# The text, Markdown and HTML samples (fifteen; most state a date, over 10 months).
SAMPLES = sorted(p for p in (REPO / "samples" / "articles").iterdir() if p.suffix in TEXT_FORMATS)


@pytest.fixture(scope="module")
def tagged_records():
    """Every sample through the real pipeline and theme tagger (records with themes)."""
    from worldview.themes import load_tagger

    tagger = load_tagger()
    return [
        process_document(p.read_bytes(), f"s3://exports/incoming/{p.name}", tagger=tagger)
        for p in SAMPLES
    ]


def store_records(store, records) -> None:
    store.update_index([store.put_version(r).pointer for r in records])


def readme_query(title: str) -> str:
    """The SQL block of the README that follows ``-- <title>``."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    for block in re.findall(r"```sql\n(.*?)```", text, flags=re.S):
        if block.startswith(f"-- {title}"):
            return block
    raise AssertionError(f"README.md has no ```sql block starting with -- {title}")


def test_tables_hold_every_document_sentence_and_sentence_theme(store, tagged_records, tmp_path):
    store_records(store, tagged_records)
    result = refresh_export(RecordReader(store), DirectoryTarget(tmp_path))
    assert (result.status, result.documents, result.fetched) == (
        "rebuilt",
        len(SAMPLES),
        len(SAMPLES),
    )
    tables = {name: pq.read_table(tmp_path / f"{name}.parquet") for name in SCHEMAS}
    for name, table in tables.items():
        assert table.schema.remove_metadata().equals(SCHEMAS[name]), name
        assert table.schema.metadata[b"worldview.export_format"] == b"1"
    sentences = sum(len(p.sentences) for r in tagged_records for p in r.content.paragraphs)
    themed = Counter(
        t.id
        for r in tagged_records
        for p in r.content.paragraphs
        for s in p.sentences
        for t in s.themes
    )
    assert tables["documents"].num_rows == len(SAMPLES)
    assert tables["sentences"].num_rows == sentences
    assert Counter(tables["sentence_themes"].column("theme").to_pylist()) == themed
    assert sum(themed.values()) > 50  # the tagger found themes in the samples

    documents = {row["document_id"]: row for row in tables["documents"].to_pylist()}
    for record in tagged_records:
        row = documents[record.document_id]
        assert row["title"] == record.metadata.title
        assert [t["id"] for t in row["themes"]] == [t.id for t in record.themes]
        assert row["published"] == (
            None if record.metadata.published is None else _date(record.metadata.published)
        )
        assert row["record_key"] == f"records/{record.document_id}/v1.json"
    manifest = json.loads((tmp_path / MANIFEST).read_text())
    assert manifest["documents"] == {r.document_id: 1 for r in tagged_records}
    assert manifest["tables"]["sentences"]["rows"] == sentences


def _date(text: str):
    from datetime import date

    return date.fromisoformat(text)


def test_the_store_export_is_refreshed_incrementally(store, tagged_records):
    store_records(store, tagged_records[:8])
    reader, target = RecordReader(store), StoreTarget(store)
    first = refresh_export(reader, target)
    assert (first.status, first.fetched) == ("rebuilt", 8)
    assert refresh_export(reader, target).status == "unchanged"

    store_records(store, tagged_records[8:])  # the other documents, new
    changed = tagged_records[0].model_copy(deep=True)
    changed.provenance = changed.provenance.model_copy(update={"model": "another-model"})
    store_records(store, [changed])  # and a new version of one
    second = refresh_export(reader, target)
    new = len(SAMPLES) - 8 + 1  # and the new version
    assert (second.status, second.documents, second.fetched) == ("updated", len(SAMPLES), new)

    documents = pq.read_table(io.BytesIO(store.get_bytes(EXPORTS_PREFIX + "documents.parquet")))
    versions = dict(
        zip(*documents.select(["document_id", "version"]).to_pydict().values(), strict=True)
    )
    assert versions[changed.document_id] == 2 and len(versions) == len(SAMPLES)
    models = dict(
        zip(*documents.select(["document_id", "model"]).to_pydict().values(), strict=True)
    )
    assert models[changed.document_id] == "another-model"
    sentences = pq.read_table(io.BytesIO(store.get_bytes(EXPORTS_PREFIX + "sentences.parquet")))
    per_doc = Counter(sentences.column("document_id").to_pylist())
    assert per_doc[changed.document_id] == sum(
        len(p.sentences) for p in changed.content.paragraphs
    )  # its old rows replaced, not doubled
    assert set(sentences.column("version").to_pylist()) == {1, 2}


def test_an_export_whose_tables_disagree_with_its_manifest_is_rebuilt(store, tagged_records):
    store_records(store, tagged_records[:3])
    reader, target = RecordReader(store), StoreTarget(store)
    refresh_export(reader, target)
    manifest = json.loads(store.get_bytes(EXPORTS_PREFIX + MANIFEST))
    manifest["documents"]["ghost-000000000000"] = 1  # as if a write was interrupted
    manifest["documents"][tagged_records[0].document_id] = 0
    target.write(MANIFEST, json.dumps(manifest).encode(), "application/json")
    again = refresh_export(reader, target)
    assert (again.status, again.fetched) == ("rebuilt", 3)


def test_duckdb_answers_themes_by_month_with_the_readme_query(
    store, tagged_records, tmp_path, monkeypatch
):
    import duckdb

    store_records(store, tagged_records)
    refresh_export(RecordReader(store), DirectoryTarget(tmp_path / "exports"))
    monkeypatch.chdir(tmp_path)  # the README's query reads exports/documents.parquet
    rows = duckdb.sql(readme_query("themes by month")).fetchall()

    expected = Counter(
        (r.metadata.published[:7], t.id)
        for r in tagged_records
        if r.metadata.published
        for t in r.themes
    )
    assert {(month, theme): n for month, theme, n in rows} == expected
    months = [month for month, _, _ in rows]
    assert months == sorted(months) and len(set(months)) >= 8


def test_pandas_reads_the_tables_and_joins_them(store, tagged_records, tmp_path):
    import pandas as pd

    store_records(store, tagged_records[:4])
    refresh_export(RecordReader(store), DirectoryTarget(tmp_path))
    documents = pd.read_parquet(tmp_path / "documents.parquet")
    sentences = pd.read_parquet(tmp_path / "sentences.parquet")
    themes = pd.read_parquet(tmp_path / "sentence_themes.parquet")
    assert len(documents) == 4 and documents["document_id"].is_unique
    joined = themes.merge(sentences, on=["document_id", "version", "paragraph", "sentence"])
    assert len(joined) == len(themes) > 0
    assert joined["text"].str.len().min() > 0
    assert ((joined["score"] > 0) & (joined["score"] <= 1)).all()

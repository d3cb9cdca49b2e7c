"""Reading records as a downstream team does (issue 18): the index rows, the reader, version
history and diffs, and the ``worldview records`` commands, against the session's ``weed mini``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from worldview.identity import document_id_for, source_uri
from worldview.pipeline import process_document
from worldview.record import SCHEMA_VERSION, Record, SentenceTheme
from worldview.records import (
    RecordFormatError,
    RecordNotFound,
    RecordReader,
    diff_records,
    parse_record,
    render_diff,
)
from worldview.storage import INDEX_KEY, POINTER_FORMAT, LatestPointer

REPO = Path(__file__).resolve().parents[1]
TEXT_FORMATS = {".html", ".md", ".txt"}
# The text, Markdown and HTML samples (the reader tests pick them by name).
SAMPLES = sorted(p for p in (REPO / "samples" / "articles").iterdir() if p.suffix in TEXT_FORMATS)
BY_NAME = {p.name: p for p in SAMPLES}
# The fields an index line had before format 2: what old lines in a bucket carry.
FORMAT_1_FIELDS = (
    "document_id version record_key fingerprint config source_key source_etag "
    "source_version_id source_sha256 title themes written_at"
).split()


def put(store, name: str, data: bytes | None = None, **provenance) -> tuple[str, Record]:
    """Upload a source, run the pipeline on it, store the version and index it (as ingest does)."""
    data = data if data is not None else BY_NAME[name].read_bytes()
    info = store.upload_source(name, data)
    uri = source_uri(store.bucket, info.key)
    record = process_document(data, uri, document_id=document_id_for(uri))
    if provenance:
        record.provenance = record.provenance.model_copy(update=provenance)
    result = store.put_version(record, source_etag=info.etag)
    store.update_index([result.pointer])
    return info.key, store.get_version(record.document_id, result.pointer.version)


def with_themes(record: Record, themes: dict[tuple[int, int], list[str]]) -> Record:
    """A copy of ``record`` whose sentences carry the given themes (for the pure diff tests)."""
    copy = record.model_copy(deep=True)
    for (p, s), ids in themes.items():
        copy.content.paragraphs[p].sentences[s].themes = [
            SentenceTheme(id=t, score=0.9) for t in ids
        ]
    return copy


# -- the index ----------------------------------------------------------------------------------


def test_index_rows_carry_what_consumers_filter_on(store):
    key, record = put(store, "russia_at_the_un.html")
    row = store.read_index()[record.document_id]
    assert row.pointer_format == POINTER_FORMAT
    assert (row.document_id, row.version, row.title) == (
        record.document_id,
        1,
        record.metadata.title,
    )
    assert row.authors == [a.name for a in record.metadata.authors] and len(row.authors) == 2
    assert row.published == record.metadata.published == "2025-10-24"
    assert row.site_name == "Geneva Institute for Multilateral Affairs"
    assert (row.language, row.publication_type) == (
        record.metadata.language,
        record.metadata.publication_type,
    )
    assert row.record_key == f"records/{record.document_id}/v1.json"
    assert row.source_key == key and row.source_sha256 == record.source.sha256
    assert row.pipeline_version == record.provenance.pipeline_version
    assert row.schema_version == SCHEMA_VERSION and row.model is None
    assert row.theme_scores == [] and row.themes == []  # themes off in the tests
    # The stored line is plain JSON a consumer reads without this package.
    line = json.loads(store.get_bytes(INDEX_KEY).decode().splitlines()[0])
    assert {"published", "authors", "site_name", "theme_scores", "source_sha256"} <= set(line)


def test_old_index_lines_still_parse_and_are_upgraded_in_place(store):
    _, record = put(store, "black_sea_grain_corridor.txt")
    doc = record.document_id
    current = store.read_index()[doc]
    old_line = {k: v for k, v in current.model_dump().items() if k in FORMAT_1_FIELDS}
    old_line["written_at"] = "2026-01-01T00:00:00+00:00"
    body = (json.dumps(old_line) + "\n").encode()
    store._put(INDEX_KEY, body, "application/x-ndjson")
    store._put(store.latest_key(doc), json.dumps(old_line).encode(), "application/json")

    old = store.read_index()[doc]
    assert old.pointer_format == 1 and old.published is None and old.version == 1
    assert store.upgrade_index() == 1
    upgraded = store.read_index()[doc]
    assert upgraded.pointer_format == POINTER_FORMAT
    assert upgraded.published == record.metadata.published == "2025-06-02"
    assert upgraded.written_at == old_line["written_at"]  # when the version was indexed, kept
    assert upgraded.source_etag == current.source_etag
    assert store.upgrade_index() == 0  # idempotent
    assert store.latest(doc).pointer_format == POINTER_FORMAT  # latest.json upgraded on read


def test_each_written_version_says_why_it_was_made(store):
    name = "moldova_transnistria.txt"
    data = BY_NAME[name].read_bytes()
    info = store.upload_source(name, data)
    uri = source_uri(store.bucket, info.key)
    record = process_document(data, uri, document_id=document_id_for(uri))
    first = store.put_version(record, source_etag=info.etag)
    assert (first.status, first.reasons) == ("written", ("new_document",))
    again = store.put_version(record, source_etag=info.etag, previous=first.pointer)
    assert (again.status, again.reasons) == ("unchanged", ())

    newer = record.model_copy(deep=True)
    newer.provenance = newer.provenance.model_copy(update={"pipeline_version": "9.9.9"})
    second = store.put_version(newer, source_etag=info.etag, previous=first.pointer)
    assert (second.status, second.pointer.version, second.reasons) == ("written", 2, ("pipeline",))

    changed = data + b"\n\nA paragraph the editors added in a later revision of the page.\n"
    info2 = store.upload_source(name, changed)
    third_record = process_document(changed, uri, document_id=record.document_id)
    # Without the index's pointer (the process-document flow): the reasons come from v2 itself.
    third = store.put_version(third_record, source_etag=info2.etag)
    assert (third.pointer.version, third.reasons) == (3, ("source", "pipeline"))


# -- the reader ---------------------------------------------------------------------------------


def test_reader_lists_filters_and_resolves_documents(store):
    names = [
        "arctic_northern_sea_route.html",
        "black_sea_grain_corridor.txt",
        "central_asia_multivector.txt",
        "energy_leverage_europe.md",
        "kaliningrad_baltic_exclave.md",
        "moldova_transnistria.txt",
    ]
    written = {name: put(store, name) for name in names}
    reader = RecordReader(store)
    rows = reader.list()
    assert len(rows) == 6 and [r.document_id for r in rows] == sorted(r.document_id for r in rows)
    since = reader.list(since=date(2025, 6, 1))
    assert {r.published for r in since} == {"2025-06-12", "2025-06-02", "2025-08-21", "2025-10-09"}
    assert [r.published for r in reader.list(until=date(2025, 3, 1))] == ["2025-02-20"]
    site = reader.list(site="northern policy")
    assert [r.title for r in site] == [written["arctic_northern_sea_route.html"][1].metadata.title]
    assert len(reader.list(language="en")) == 6 and reader.list(language="de") == []
    assert reader.list(theme="besieged_fortress") == []  # themes off
    assert len(reader.list(changed_since=datetime.now(UTC) - timedelta(minutes=10))) == 6
    assert reader.list(changed_since=datetime.now(UTC) + timedelta(minutes=10)) == []

    key, record = written["energy_leverage_europe.md"]
    doc = record.document_id
    assert reader.resolve(doc) == doc
    assert reader.resolve(key) == doc
    assert reader.resolve(f"s3://{store.bucket}/{key}") == doc
    assert reader.get(key) == record
    assert reader.get_bytes(doc, 1) == store.get_bytes(record_key(doc, 1))
    with pytest.raises(RecordNotFound, match="no document"):
        reader.versions("no-such-document")
    with pytest.raises(RecordNotFound, match="has no version 7 \\(versions 1\\)"):
        reader.get(doc, 7)
    with pytest.raises(RecordNotFound, match="not in bucket"):
        reader.resolve("s3://another-bucket/incoming/x.html")


def record_key(doc: str, version: int) -> str:
    return f"records/{doc}/v{version}.json"


def test_history_lists_every_version_with_its_reasons(store):
    name = "kaliningrad_baltic_exclave.md"
    key, v1 = put(store, name)
    _, v2 = put(store, name, BY_NAME[name].read_bytes() + b"\n\nA later addendum paragraph.\n")
    _, v3 = put(
        store, name, BY_NAME[name].read_bytes() + b"\n\nA later addendum paragraph.\n", model="m2"
    )
    history = RecordReader(store).history(key)
    assert [(h.version, h.reasons) for h in history] == [
        (1, ["new_document"]),
        (2, ["source"]),
        (3, ["model"]),
    ]
    assert history[0].source_sha256 == v1.source.sha256 != history[1].source_sha256
    assert history[2].model == "m2" and history[2].stored_at is not None


def test_records_of_a_newer_minor_schema_are_read_and_another_major_is_refused(store):
    _, record = put(store, "sahel_africa_corps.html")
    data = record.model_dump(mode="json")
    newer = json.loads(json.dumps(data))
    newer["schema_version"] = "1.7.0"
    newer["reading_time_minutes"] = 4  # fields a later minor version adds
    newer["metadata"]["region"] = "Sahel"
    newer["content"]["paragraphs"][0]["sentences"][0]["emphasis"] = True
    parsed = parse_record(json.dumps(newer).encode())
    assert parsed.schema_version == "1.7.0"
    assert parsed.metadata == record.metadata
    assert parsed.content == record.content
    assert parse_record(json.dumps(data)) == record
    with pytest.raises(RecordFormatError, match="schema version 2.0.0 .* upgrade worldview"):
        parse_record(json.dumps({**data, "schema_version": "2.0.0"}))
    with pytest.raises(RecordFormatError, match="not a valid record"):
        parse_record(json.dumps({**data, "metadata": {"title": ""}}))


def test_the_store_reads_records_of_an_earlier_minor_version_and_writes_after_them(store):
    """After a minor bump (new optional fields) the bucket's earlier records still read, and a
    new version is written on top of them."""
    name = "sanctions_shadow_fleet.txt"
    data = BY_NAME[name].read_bytes()
    info = store.upload_source(name, data)
    uri = source_uri(store.bucket, info.key)
    record = process_document(data, uri, document_id=document_id_for(uri))
    earlier = record.model_dump(mode="json")
    earlier["schema_version"] = earlier["provenance"]["schema_version"] = "1.0.0"
    earlier["content"].pop("footnotes", None)  # what 1.0.0 records lack
    store._put(
        store.version_key(record.document_id, 1), json.dumps(earlier).encode(), "application/json"
    )

    stored = store.get_version(record.document_id, 1)
    assert stored.schema_version == "1.0.0" and stored.metadata == record.metadata
    result = store.put_version(record, source_etag=info.etag)
    if SCHEMA_VERSION == "1.0.0":  # no bump yet: the same record
        assert result.status == "unchanged"
    else:
        assert (result.status, result.pointer.version, result.reasons) == (
            "written",
            2,
            ("schema",),
        )
    assert RecordReader(store).history(record.document_id)[0].schema_version == "1.0.0"


# -- diff ---------------------------------------------------------------------------------------


def article(title: str, paragraphs: list[str]) -> bytes:
    return "\n\n".join([title, *paragraphs]).encode() + b"\n"


PARAGRAPHS = [
    f"Paragraph {word} discusses how Moscow courts the region. It adds a second sentence here."
    for word in "one two three four five six seven".split()
]


def test_diff_reports_metadata_paragraphs_themes_and_why():
    uri = "s3://b/incoming/central_asia.txt"
    old = process_document(
        article("Central Asia", PARAGRAPHS), uri, document_id=document_id_for(uri)
    )
    edited = list(PARAGRAPHS)
    edited[2] = edited[2].replace("courts the region", "courts the whole region")
    del edited[5]
    edited.append("A wholly new closing paragraph about the summit.")
    new = process_document(
        article("Central Asia, revised", edited), uri, document_id=old.document_id
    )
    new = new.model_copy(update={"version": 2})
    paragraphs = PARAGRAPHS
    old = with_themes(old, {(0, 0): ["besieged_fortress"], (1, 0): ["great_power_status"]})
    new = with_themes(new, {(0, 0): ["besieged_fortress", "sovereignty"], (1, 0): []})

    diff = diff_records(old, new)
    assert diff.reasons == ["source"]
    assert [(c.field, c.new) for c in diff.metadata] == [("title", "Central Asia, revised")]
    assert [c.old_index for c in diff.paragraphs_removed] == [5]
    assert [c.new_text for c in diff.paragraphs_added] == [edited[-1]]
    assert [(c.old_index, c.new_index) for c in diff.paragraphs_changed] == [(2, 2)]
    assert diff.paragraphs_unchanged == len(paragraphs) - 2
    assert [(t.theme, t.paragraph) for t in diff.themes_gained] == [("sovereignty", 0)]
    assert [(t.theme, t.paragraph) for t in diff.themes_lost] == [("great_power_status", 1)]
    assert {c.field for c in diff.source} >= {"sha256", "bytes"}
    text = render_diff(diff)
    assert "why: new source content" in text and "1 added, 1 removed, 1 changed" in text
    assert "+ sovereignty (0.90) p0 s0" in text
    json.dumps(diff.as_json())  # serialisable for --json

    same = diff_records(old, old)
    assert same.reasons == [] and not same.content_changed and same.metadata == []


# -- the command line ---------------------------------------------------------------------------


def records_cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "worldview.cli", "records", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **(env or {})},
    )


def test_records_commands_list_get_versions_diff_and_export(store, tmp_path):
    name = "south_caucasus_after_karabakh.md"
    key, v1 = put(store, name)
    put(store, "russia_china_no_limits.html")
    _, v2 = put(store, name, BY_NAME[name].read_bytes() + b"\n\nThe closing update, added later.\n")
    bucket = ["--bucket", store.bucket]

    listed = records_cli(*bucket, "list")
    assert listed.returncode == 0, listed.stderr
    assert v1.document_id in listed.stdout and "2 document(s)" in listed.stderr
    rows = [json.loads(line) for line in records_cli(*bucket, "list", "--json").stdout.splitlines()]
    assert {r["document_id"] for r in rows} == {
        v1.document_id,
        document_id_for(source_uri(store.bucket, "incoming/russia_china_no_limits.html")),
    }
    LatestPointer.model_validate(rows[0])
    since = records_cli(*bucket, "list", "--json", "--since", "2025-09-01").stdout.splitlines()
    assert [json.loads(line)["published"] for line in since] == ["2025-09-19"]

    got = records_cli(*bucket, "get", key, "--version", "1")
    assert got.returncode == 0 and Record.model_validate_json(got.stdout) == v1
    assert Record.model_validate_json(records_cli(*bucket, "get", v1.document_id).stdout) == v2

    versions = records_cli(*bucket, "versions", v1.document_id, "--json")
    assert [json.loads(line)["reasons"] for line in versions.stdout.splitlines()] == [
        ["new_document"],
        ["source"],
    ]
    diff = records_cli(*bucket, "diff", v1.document_id)
    assert diff.returncode == 0, diff.stderr
    assert "v1 -> v2" in diff.stdout and "why: new source content" in diff.stdout
    assert "+ [" in diff.stdout and "The closing update, added later." in diff.stdout
    as_json = json.loads(records_cli(*bucket, "diff", v1.document_id, "1", "2", "--json").stdout)
    assert as_json["reasons"] == ["source"] and len(as_json["paragraphs_added"]) == 1

    out = tmp_path / "parquet"
    exported = records_cli(*bucket, "export", "--parquet", str(out))
    assert exported.returncode == 0, exported.stderr
    assert sorted(p.name for p in out.iterdir()) == [
        "documents.parquet",
        "manifest.json",
        "sentence_themes.parquet",
        "sentences.parquet",
    ]
    assert "rebuilt: 2 document(s), 2 record(s) read" in exported.stderr
    again = records_cli(*bucket, "export", "--parquet", str(out))
    assert "unchanged: 2 document(s), 0 record(s) read" in again.stderr

    missing = records_cli(*bucket, "get", "no-such-document")
    assert missing.returncode == 1
    assert (
        missing.stderr.strip() == f"worldview: no document no-such-document in s3://{store.bucket}"
    )
    one = records_cli(
        *bucket,
        "diff",
        document_id_for(source_uri(store.bucket, "incoming/russia_china_no_limits.html")),
    )
    assert one.returncode == 1 and "has one version: no diff" in one.stderr
    bad = records_cli(*bucket, "get", v1.document_id, "--version", "zero")
    assert bad.returncode == 2 and "not a version number" in bad.stderr


def test_records_commands_name_the_store_when_it_cannot_be_read(store):
    result = records_cli("--bucket", "no-such-bucket-here", "list")
    assert result.returncode == 2
    assert "worldview: s3://no-such-bucket-here at http://127.0.0.1:" in result.stderr
    assert "NoSuchBucket" in result.stderr

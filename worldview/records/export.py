"""Tabular export for analytics: the latest record of every document as three Parquet tables.

    documents.parquet        one row per document (its latest version): metadata, source,
                             provenance, counts, and the document themes as a list of structs
    sentences.parquet        one row per body sentence: where it is, its section, its text
    sentence_themes.parquet  one row per sentence x theme, with the score
    manifest.json            what the tables hold: the version of each document, row counts

The tables join on (document_id, version, paragraph, sentence) and read in DuckDB, pandas,
Polars or Spark as they are. ``refresh_export`` is incremental: it keeps the rows of documents
whose version did not change and fetches only the records that did, so the ingest flow can
refresh ``exports/parquet/`` in the store after every run; the manifest is written last.
"""

from __future__ import annotations

import io
import json
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Literal, Protocol

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from worldview.record import SCHEMA_VERSION, Record
from worldview.records.reader import RecordReader
from worldview.storage import Bucket

EXPORT_FORMAT = 1
EXPORTS_PREFIX = "exports/parquet/"
MANIFEST = "manifest.json"


def _list(item: pa.DataType) -> pa.DataType:
    """A list type as Parquet reads it back (its item field is named "element")."""
    return pa.list_(pa.field("element", item))


THEME = pa.struct(
    [
        ("id", pa.string()),
        ("label", pa.string()),
        ("score", pa.float64()),
        ("sentence_count", pa.int32()),
    ]
)
SCHEMAS: dict[str, pa.Schema] = {
    "documents": pa.schema(
        [
            ("document_id", pa.string()),
            ("version", pa.int32()),
            ("title", pa.string()),
            ("subtitle", pa.string()),
            ("authors", _list(pa.string())),
            ("published", pa.date32()),
            ("updated", pa.date32()),
            ("publication_type", pa.string()),
            ("language", pa.string()),
            ("site_name", pa.string()),
            ("canonical_url", pa.string()),
            ("source_uri", pa.string()),
            ("source_sha256", pa.string()),
            ("source_bytes", pa.int64()),
            ("source_format", pa.string()),
            ("record_key", pa.string()),
            ("schema_version", pa.string()),
            ("pipeline_version", pa.string()),
            ("taxonomy_version", pa.string()),
            ("model", pa.string()),
            ("processed_at", pa.timestamp("ms", tz="UTC")),  # Parquet has no seconds unit
            ("paragraph_count", pa.int32()),
            ("sentence_count", pa.int32()),
            ("themes", _list(THEME)),
        ]
    ),
    "sentences": pa.schema(
        [
            ("document_id", pa.string()),
            ("version", pa.int32()),
            ("paragraph", pa.int32()),
            ("sentence", pa.int32()),
            ("section", pa.string()),
            ("text", pa.string()),
            ("start", pa.int32()),
            ("end", pa.int32()),
        ]
    ),
    "sentence_themes": pa.schema(
        [
            ("document_id", pa.string()),
            ("version", pa.int32()),
            ("paragraph", pa.int32()),
            ("sentence", pa.int32()),
            ("theme", pa.string()),
            ("score", pa.float64()),
        ]
    ),
}
TABLES = tuple(SCHEMAS)
SORT_KEYS = {
    "documents": ["document_id"],
    "sentences": ["document_id", "paragraph", "sentence"],
    "sentence_themes": ["document_id", "paragraph", "sentence", "theme"],
}


def record_rows(record: Record, record_key: str) -> dict[str, list[dict[str, Any]]]:
    """One record's rows of each table."""
    m, p, s = record.metadata, record.provenance, record.source
    key = {"document_id": record.document_id, "version": record.version}
    sentences, sentence_themes = [], []
    for paragraph in record.content.paragraphs:
        for sentence in paragraph.sentences:
            where = {**key, "paragraph": paragraph.index, "sentence": sentence.index}
            sentences.append(
                {
                    **where,
                    "section": paragraph.section,
                    "text": sentence.text,
                    "start": sentence.start,
                    "end": sentence.end,
                }
            )
            sentence_themes += [{**where, "theme": t.id, "score": t.score} for t in sentence.themes]
    document = {
        **key,
        "title": m.title,
        "subtitle": m.subtitle,
        "authors": [a.name for a in m.authors],
        "published": _date(m.published),
        "updated": _date(m.updated),
        "publication_type": m.publication_type,
        "language": m.language,
        "site_name": m.site_name,
        "canonical_url": m.canonical_url,
        "source_uri": s.uri,
        "source_sha256": s.sha256,
        "source_bytes": s.bytes,
        "source_format": s.format,
        "record_key": record_key,
        "schema_version": record.schema_version,
        "pipeline_version": p.pipeline_version,
        "taxonomy_version": p.taxonomy_version,
        "model": p.model,
        "processed_at": _timestamp(p.processed_at),
        "paragraph_count": len(record.content.paragraphs),
        "sentence_count": len(sentences),
        "themes": [
            {"id": t.id, "label": t.label, "score": t.score, "sentence_count": t.sentence_count}
            for t in record.themes
        ],
    }
    return {"documents": [document], "sentences": sentences, "sentence_themes": sentence_themes}


def build_tables(records: Iterable[tuple[Record, str]]) -> dict[str, pa.Table]:
    """(record, record key) pairs -> the three tables (with their schemas even when empty)."""
    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in TABLES}
    for record, record_key in records:
        for name, found in record_rows(record, record_key).items():
            rows[name] += found
    return {
        name: pa.Table.from_pylist(rows[name], schema=SCHEMAS[name]).sort_by(
            [(k, "ascending") for k in SORT_KEYS[name]]
        )
        for name in TABLES
    }


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _timestamp(value: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


# -- where an export goes -----------------------------------------------------------------------


class ExportTarget(Protocol):
    def read(self, name: str) -> bytes | None: ...
    def write(self, name: str, data: bytes, content_type: str) -> None: ...
    def where(self, name: str) -> str: ...


class DirectoryTarget:
    """A local directory; each file replaced atomically."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)

    def read(self, name: str) -> bytes | None:
        path = self.directory / name
        return path.read_bytes() if path.is_file() else None

    def write(self, name: str, data: bytes, content_type: str) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.directory, prefix=f".{name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, self.directory / name)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def where(self, name: str) -> str:
        return str(self.directory / name)


class StoreTarget:
    """``exports/parquet/`` in the bucket."""

    def __init__(self, bucket: Bucket, prefix: str = EXPORTS_PREFIX) -> None:
        self.bucket, self.prefix = bucket, prefix

    def read(self, name: str) -> bytes | None:
        return self.bucket.get_bytes(self.prefix + name)

    def write(self, name: str, data: bytes, content_type: str) -> None:
        self.bucket._put(self.prefix + name, data, content_type)

    def where(self, name: str) -> str:
        return f"s3://{self.bucket.bucket}/{self.prefix}{name}"


# -- refresh ------------------------------------------------------------------------------------


@dataclass
class ExportResult:
    status: Literal["unchanged", "updated", "rebuilt"]
    documents: int
    fetched: int  # records read from the store for this refresh
    rows: dict[str, int] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)


def refresh_export(
    reader: RecordReader, target: ExportTarget, *, rebuild: bool = False
) -> ExportResult:
    """Bring the tables at ``target`` up to the index: rows of documents whose latest version
    is the exported one stay, the others are fetched; the manifest is written last."""
    wanted = {row.document_id: row for row in reader.index()}
    versions = {doc: row.version for doc, row in wanted.items()}
    manifest = None if rebuild else _read_manifest(target)
    files = {name: target.where(f"{name}.parquet") for name in TABLES}
    if manifest is not None and manifest["documents"] == versions:
        rows = {name: info["rows"] for name, info in manifest["tables"].items()}
        return ExportResult("unchanged", len(versions), 0, rows, files)
    have: dict[str, int] = manifest["documents"] if manifest else {}
    kept = _previous_tables(target, have) if have else None
    if kept is None:
        have = {}
    stale = [doc for doc in sorted(versions) if have.get(doc) != versions[doc]]
    rows_to_fetch = [wanted[doc] for doc in stale]
    fetched = zip(reader.latest_records(rows_to_fetch), rows_to_fetch, strict=True)
    new = build_tables((record, row.record_key) for record, row in fetched)
    tables = {}
    for name in TABLES:
        if kept is not None:
            keep_docs = pa.array([d for d in versions if have.get(d) == versions[d]], pa.string())
            previous = kept[name].filter(pc.is_in(kept[name]["document_id"], value_set=keep_docs))
            table = pa.concat_tables([previous, new[name]])
        else:
            table = new[name]
        tables[name] = table.sort_by([(k, "ascending") for k in SORT_KEYS[name]])
    generated_at = datetime.now(UTC).isoformat(timespec="seconds")
    for name, table in tables.items():
        target.write(
            f"{name}.parquet", _parquet_bytes(table, generated_at), "application/x-parquet"
        )
    manifest = {
        "export_format": EXPORT_FORMAT,
        "record_schema": SCHEMA_VERSION,
        "generated_at": generated_at,
        "source": reader.index_uri(),
        "tables": {
            name: {"file": f"{name}.parquet", "rows": table.num_rows}
            for name, table in tables.items()
        },
        "documents": versions,
    }
    body = (json.dumps(manifest, indent=1, sort_keys=True) + "\n").encode()
    target.write(MANIFEST, body, "application/json")
    rows = {name: table.num_rows for name, table in tables.items()}
    status: Literal["updated", "rebuilt"] = "updated" if kept is not None else "rebuilt"
    return ExportResult(status, len(versions), len(stale), rows, files)


def _read_manifest(target: ExportTarget) -> dict[str, Any] | None:
    data = target.read(MANIFEST)
    if data is None:
        return None
    try:
        manifest = json.loads(data)
    except ValueError:
        return None
    if not isinstance(manifest, dict) or manifest.get("export_format") != EXPORT_FORMAT:
        return None  # another format: rebuild
    if not isinstance(manifest.get("documents"), dict):
        return None
    return manifest


def _previous_tables(target: ExportTarget, have: dict[str, int]) -> dict[str, pa.Table] | None:
    """The exported tables, when all three are there with the columns this version writes."""
    tables = {}
    for name in TABLES:
        data = target.read(f"{name}.parquet")
        if data is None:
            return None
        try:
            table = pq.read_table(io.BytesIO(data))
        except (pa.ArrowException, OSError):
            return None
        if not table.schema.remove_metadata().equals(SCHEMAS[name]):
            return None  # written by another version of this module: rebuild
        tables[name] = table.replace_schema_metadata(None)
    documents = tables["documents"].column("document_id").to_pylist()
    if sorted(documents) != sorted(have):
        return None  # the manifest and the tables disagree (an interrupted write): rebuild
    return tables


def _parquet_bytes(table: pa.Table, generated_at: str) -> bytes:
    metadata = {
        b"worldview.export_format": str(EXPORT_FORMAT).encode(),
        b"worldview.record_schema": SCHEMA_VERSION.encode(),
        b"worldview.generated_at": generated_at.encode(),
    }
    sink = io.BytesIO()
    pq.write_table(table.replace_schema_metadata(metadata), sink, compression="zstd")
    return sink.getvalue()

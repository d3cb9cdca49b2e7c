"""Views in the object store, beside the records they show:

    views/<document_id>/v<N>.html       the page of record version N (written with the version)
    views/trends/documents.jsonl        one ``DocRow`` per document's latest record (derived)
    views/trends/<stamp>-<by>.html|svg  the trends an ingest run left (its artifact links there)

Pages are derived data: a missing page is rendered again from its record (the page server does
that), and the trend rows are refreshed from the index, fetching only records whose version
changed, so a trends report costs one GET per new record, not one per document.
"""

from __future__ import annotations

import logging
import re
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

from worldview.record import Record
from worldview.storage import LatestPointer, RecordStore
from worldview.views.page import render_record
from worldview.views.trends import DocRow, row_from_record

VIEWS_PREFIX = "views/"
TRENDS_PREFIX = f"{VIEWS_PREFIX}trends/"
TREND_ROWS_KEY = f"{TRENDS_PREFIX}documents.jsonl"
HTML = "text/html; charset=utf-8"
SVG = "image/svg+xml"
FETCH_THREADS = 8

log = logging.getLogger(__name__)

_DOCUMENT_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
VIEW_KEY = re.compile(r"^views/(?P<doc>[a-z0-9][a-z0-9-]*)/v(?P<version>[1-9][0-9]*)\.html$")
TREND_KEY = re.compile(r"^views/trends/[0-9A-Za-z_-]+\.(?:html|svg)$")


def view_key(document_id: str, version: int) -> str:
    if not _DOCUMENT_ID.match(document_id):
        raise ValueError(f"not a document id: {document_id!r}")
    return f"{VIEWS_PREFIX}{document_id}/v{int(version)}.html"


def view_url(base_url: str, document_id: str, version: int) -> str:
    """Where the page server (or whatever serves ``views/``) shows a record version's page."""
    return f"{base_url.rstrip('/')}/{view_key(document_id, version)}"


def put_object(store: RecordStore, key: str, body: bytes, content_type: str) -> None:
    """Put unless the object holds these bytes already (the store's lean GET/PUT path: a flow-run
    process that writes a page never loads boto3's service models)."""
    store.put_if_changed(key, body, content_type)


def get_object(store: RecordStore, key: str) -> bytes | None:
    return store.get_bytes(key)


def put_view(store: RecordStore, record: Record) -> str:
    """Render ``record``'s page and store it under ``views/``; return the key."""
    key = view_key(record.document_id, record.version)
    # a version's page is written once, with its version: no GET first to compare
    store._put(key, render_record(record).encode("utf-8"), HTML)
    return key


def put_view_quietly(store: RecordStore, record: Record) -> str | None:
    """``put_view`` for the pipeline's write path: a page that cannot be stored never fails the
    record that was written (the page server renders a missing page from the record)."""
    try:
        return put_view(store, record)
    except Exception as exc:  # the record is safe; the page is derived data
        log.warning("no page for %s v%s: %s", record.document_id, record.version, exc)
        return None


def page_for(store: RecordStore, document_id: str, version: int) -> bytes | None:
    """The stored page of a version, or one rendered from its record (None: no such version)."""
    stored = get_object(store, view_key(document_id, version))
    if stored is not None:
        return stored
    try:
        record = store.get_version(document_id, version)
    except KeyError:
        return None
    return render_record(record).encode("utf-8")


def _read_rows(store: RecordStore) -> dict[str, DocRow]:
    body = get_object(store, TREND_ROWS_KEY)
    rows: dict[str, DocRow] = {}
    for line in (body or b"").decode("utf-8").splitlines():
        if not line.strip():
            continue
        try:
            row = DocRow.from_json(line)
        except (ValueError, TypeError, KeyError):  # a row of an older layout: refetched below
            continue
        rows[row.document_id] = row
    return rows


def corpus_rows(store: RecordStore, *, write: bool = True) -> list[DocRow]:
    """One row per document in the index, from its latest record; rows whose version the index
    has moved past are refetched (in parallel) and the cache is written back when it changed."""
    index = store.read_index()
    cached = _read_rows(store)
    stale: list[LatestPointer] = [
        p
        for p in index.values()
        if (row := cached.get(p.document_id)) is None or row.version != p.version
    ]

    def fetch(pointer: LatestPointer) -> DocRow:
        record = store.get_version(pointer.document_id, pointer.version)
        return row_from_record(record, pointer.record_key)

    with ThreadPoolExecutor(max_workers=FETCH_THREADS) as pool:
        fresh = {row.document_id: row for row in pool.map(fetch, stale)}
    rows = {d: fresh.get(d) or cached[d] for d in index}
    if write and (fresh or set(cached) - set(index)):
        body = "".join(rows[d].to_json() + "\n" for d in sorted(rows)).encode("utf-8")
        try:
            put_object(store, TREND_ROWS_KEY, body, "application/x-ndjson")
        except Exception as exc:  # read-only credentials: trends still work, uncached
            log.info("trend rows not cached: %s", exc)
    return [rows[d] for d in sorted(rows)]


def snapshot_stamp(now: datetime | None = None) -> str:
    return (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")

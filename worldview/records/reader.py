"""Read records from the store without the pipeline: the index, any version, a version's history.

``RecordReader`` never writes (read-only credentials are enough) and needs only the light install
(pydantic, boto3): no Prefect, no torch, no text libraries. Records are read *tolerantly*: one
written under a newer minor version of the schema (same major) parses here too, its fields
unknown to this version dropped, so a consumer keeps working until it upgrades.
"""

from __future__ import annotations

import builtins
import re
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import PurePosixPath
from typing import Any, TypeVar

from worldview.identity import document_id_for, source_uri
from worldview.record import Record
from worldview.settings import Settings
from worldview.storage import (
    INDEX_KEY,
    ChangeReason,
    LatestPointer,
    RecordFormatError,
    RecordStore,
    change_reasons,
    parse_record,
)

DOCUMENT_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
# Records fetched at once by ``records``/``export`` (each a GET; the store serves them in parallel).
FETCH_WORKERS = 8

T = TypeVar("T")
R = TypeVar("R")


class RecordNotFound(LookupError):
    """No such document, or no such version of it."""


@dataclass(frozen=True)
class VersionInfo:
    """One stored version of a document, as ``records versions`` lists it."""

    version: int
    record_key: str
    stored_at: datetime | None
    processed_at: str
    title: str
    source_sha256: str
    source_version_id: str | None
    pipeline_version: str
    schema_version: str
    taxonomy_version: str | None
    model: str | None
    reasons: list[ChangeReason] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        data = dict(self.__dict__)
        data["stored_at"] = self.stored_at.isoformat() if self.stored_at else None
        return data


class RecordReader:
    """Read-only access to one bucket's records (``RecordReader.from_settings()`` for the
    ``WORLDVIEW_*`` configuration: endpoint, bucket, credentials)."""

    def __init__(self, store: RecordStore) -> None:
        self.store = store

    @classmethod
    def from_settings(
        cls, settings: Settings | None = None, bucket: str | None = None
    ) -> RecordReader:
        return cls(RecordStore.from_settings(settings, bucket=bucket))

    @property
    def bucket(self) -> str:
        return self.store.bucket

    def uri(self, key: str) -> str:
        return source_uri(self.bucket, key)

    # -- the index ------------------------------------------------------------------------------

    def index(self) -> list[LatestPointer]:
        """Every document's latest version (``index/latest.jsonl``), by document id."""
        return [row for _, row in sorted(self.store.read_index().items())]

    def list(
        self,
        *,
        since: date | None = None,
        until: date | None = None,
        theme: str | None = None,
        site: str | None = None,
        language: str | None = None,
        changed_since: datetime | None = None,
    ) -> builtins.list[LatestPointer]:
        """Index rows filtered: published on or after ``since`` (and on or before ``until``;
        documents that state no date are left out by either), carrying ``theme``, from ``site``
        (case-insensitive, a substring of the site name), in ``language``, or whose latest
        version was written at or after ``changed_since``."""
        rows = []
        for row in self.index():
            if since is not None and (row.published is None or row.published < since.isoformat()):
                continue
            if until is not None and (row.published is None or row.published > until.isoformat()):
                continue
            if theme is not None and theme not in row.themes:
                continue
            if site is not None and site.casefold() not in (row.site_name or "").casefold():
                continue
            if language is not None and (row.language or "").split("-")[0] != language:
                continue
            if changed_since is not None and _when(row.written_at) < _aware(changed_since):
                continue
            rows.append(row)
        return rows

    # -- documents and versions -----------------------------------------------------------------

    def resolve(self, ref: str) -> str:
        """A document id from an id, a source key (``incoming/a.html``) or its ``s3://`` URI."""
        ref = ref.strip()
        if DOCUMENT_ID.match(ref):
            return ref
        prefix = f"s3://{self.bucket}/"
        if ref.startswith("s3://"):
            if not ref.startswith(prefix):
                raise RecordNotFound(f"{ref} is not in bucket {self.bucket}")
            ref = ref[len(prefix) :]
        return document_id_for(self.uri(ref))

    def versions(self, document: str) -> builtins.list[int]:
        document_id = self.resolve(document)
        versions = self.store.list_versions(document_id)
        if not versions:
            raise RecordNotFound(f"no document {document_id} in s3://{self.bucket}")
        return versions

    def get_bytes(self, document: str, version: int | None = None) -> bytes:
        """The stored JSON of a version (the newest when ``version`` is None), byte for byte."""
        document_id = self.resolve(document)
        if version is None:
            version = self.versions(document_id)[-1]
        data = self.store.get_bytes(self.store.version_key(document_id, version))
        if data is None:
            have = self.store.list_versions(document_id)
            what = f"versions {', '.join(map(str, have))}" if have else "no versions"
            raise RecordNotFound(f"{document_id} has no version {version} ({what})")
        return data

    def get(self, document: str, version: int | None = None) -> Record:
        """A version of a document (the newest when ``version`` is None)."""
        data = self.get_bytes(document, version)
        try:
            return parse_record(data)
        except RecordFormatError as exc:
            where = f"{self.resolve(document)} v{version or 'latest'}"
            raise RecordFormatError(f"{where}: {exc}") from None

    def history(self, document: str) -> builtins.list[VersionInfo]:
        """Every version of a document, oldest first, each with why it was made."""
        document_id = self.resolve(document)
        stored_at = {
            PurePosixPath(item["Key"]).stem: item.get("LastModified")
            for item in self.store._keys(self.store.document_prefix(document_id) + "v")
        }
        versions = self.versions(document_id)
        records = _in_parallel(lambda v: self.get(document_id, v), versions)
        infos, previous = [], None
        for record in records:
            p = record.provenance
            infos.append(
                VersionInfo(
                    version=record.version,
                    record_key=self.store.version_key(document_id, record.version),
                    stored_at=stored_at.get(f"v{record.version}"),
                    processed_at=p.processed_at,
                    title=record.metadata.title,
                    source_sha256=record.source.sha256,
                    source_version_id=record.source.version_id,
                    pipeline_version=p.pipeline_version,
                    schema_version=p.schema_version,
                    taxonomy_version=p.taxonomy_version,
                    model=p.model,
                    reasons=change_reasons(previous, record),
                )
            )
            previous = record
        return infos

    def latest_records(
        self, rows: Iterable[LatestPointer] | None = None, workers: int = FETCH_WORKERS
    ) -> Iterator[Record]:
        """The record each index row points to (all of the index by default), fetched
        ``workers`` at a time, in the rows' order."""
        rows = builtins.list(self.index() if rows is None else rows)

        def fetch(row: LatestPointer) -> Record:
            data = self.store.get_bytes(row.record_key)
            if data is None:
                raise RecordNotFound(f"the index points to a missing {row.record_key}")
            return parse_record(data)

        yield from _in_parallel(fetch, rows, workers)

    def index_uri(self) -> str:
        return self.uri(INDEX_KEY)


def _in_parallel(fn: Callable[[T], R], items: list[T], workers: int = FETCH_WORKERS) -> Iterator[R]:
    if len(items) <= 1:
        yield from map(fn, items)
        return
    with ThreadPoolExecutor(min(workers, len(items))) as pool:
        yield from pool.map(fn, items)


def _when(timestamp: str) -> datetime:
    return _aware(datetime.fromisoformat(timestamp))


def _aware(moment: datetime) -> datetime:
    from datetime import UTC

    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)

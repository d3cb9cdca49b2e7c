"""Record versions: immutable ``v<N>.json`` written with conditional puts, and ``latest.json``
moved forward with compare-and-swap, in the source's revision order."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Literal

from pydantic import BaseModel

from worldview.identity import record_config, record_fingerprint
from worldview.record import Record
from worldview.storage.objects import Bucket, utc_now
from worldview.storage.transport import ConcurrentWriteError, is_not_found

CAS_ATTEMPTS = 20
# What a put did: a new version; nothing (same fingerprint as the latest); nothing, because the
# record was made from an older revision of its source than the latest version.
WriteStatus = Literal["written", "unchanged", "superseded"]


class LatestPointer(BaseModel):
    """``records/<id>/latest.json`` and one line of the index."""

    document_id: str
    version: int
    record_key: str
    fingerprint: str
    config: str
    source_key: str
    source_etag: str | None = None
    source_version_id: str | None = None
    source_sha256: str
    title: str
    themes: list[str] = []
    written_at: str


@dataclass(frozen=True, slots=True)
class WriteResult:
    status: WriteStatus
    pointer: LatestPointer


class RecordVersions(Bucket):
    """The bucket's record versions and latest pointers."""

    # -- record versions ------------------------------------------------------------------------

    def document_prefix(self, document_id: str) -> str:
        return f"{self.records_prefix}{document_id}/"

    def version_key(self, document_id: str, version: int) -> str:
        return f"{self.document_prefix(document_id)}v{version}.json"

    def latest_key(self, document_id: str) -> str:
        return f"{self.document_prefix(document_id)}latest.json"

    def list_versions(self, document_id: str) -> list[int]:
        versions = []
        for item in self._keys(self.document_prefix(document_id) + "v"):
            stem = PurePosixPath(item["Key"]).stem  # "v12"
            if stem[1:].isdigit():
                versions.append(int(stem[1:]))
        return sorted(versions)

    def get_version(self, document_id: str, version: int) -> Record:
        response = self._get(self.version_key(document_id, version))
        if response is None:
            raise KeyError(f"{document_id} has no version {version}")
        return Record.model_validate_json(response["Body"].read())

    def latest(self, document_id: str) -> LatestPointer | None:
        """The newest version's pointer; repaired when a writer died before moving it."""
        versions = self.list_versions(document_id)
        if not versions:
            return None
        data, _ = self._get_json(self.latest_key(document_id))
        pointer = LatestPointer.model_validate(data) if data else None
        if pointer is None or pointer.version < versions[-1]:
            newest = self.get_version(document_id, versions[-1])
            pointer = self._pointer_for(newest, source_etag=None)
            self._advance_latest(pointer)
        return pointer

    def latest_record(self, document_id: str) -> Record | None:
        pointer = self.latest(document_id)
        return self.get_version(document_id, pointer.version) if pointer else None

    def _pointer_for(self, record: Record, source_etag: str | None) -> LatestPointer:
        return LatestPointer(
            document_id=record.document_id,
            version=record.version,
            record_key=self.version_key(record.document_id, record.version),
            fingerprint=record_fingerprint(record),
            config=record_config(record),
            source_key=_key_of(record.source.uri, self.bucket),
            source_etag=source_etag,
            source_version_id=record.source.version_id,
            source_sha256=record.source.sha256,
            title=record.metadata.title,
            themes=[t.id for t in record.themes],
            written_at=utc_now(),
        )

    def put_version(
        self,
        record: Record,
        *,
        source_etag: str | None = None,
        previous: LatestPointer | None = None,
    ) -> WriteResult:
        """Store ``record`` as the next version, unless the latest has the same fingerprint.

        Safe against concurrent writers: ``v<N>.json`` is created with If-None-Match, so exactly one
        writer gets each N. The ``version`` field of the stored record is N. ``previous`` (the
        index's pointer, possibly stale) saves the listing in the common case: when its content
        differs, the first attempt writes the version after it directly; if that version exists
        after all, the store refuses (412) and the full check below decides.
        """
        fingerprint = record_fingerprint(record)
        document_id = record.document_id
        if previous is None or previous.fingerprint != fingerprint:
            if previous is not None and self._older_source(record, source_etag, previous):
                pass  # the full check below decides against the newest version itself
            else:
                guess = previous.version + 1 if previous else 1
                written = self._create_version(record, guess, source_etag)
                if written is not None:
                    return written
        for _ in range(CAS_ATTEMPTS):
            versions = self.list_versions(document_id)
            if versions:
                newest = self.get_version(document_id, versions[-1])
                if record_fingerprint(newest) == fingerprint:
                    pointer = self._pointer_for(newest, source_etag)
                    self._advance_latest(pointer)
                    return WriteResult("unchanged", pointer)
                newest_pointer = self._pointer_for(newest, source_etag=None)
                if self._older_source(record, source_etag, newest_pointer):
                    return WriteResult("superseded", self.latest(document_id) or newest_pointer)
            written = self._create_version(record, versions[-1] + 1 if versions else 1, source_etag)
            if written is not None:
                return written
        raise ConcurrentWriteError(f"{document_id}: gave up after {CAS_ATTEMPTS} write conflicts")

    def _older_source(self, record: Record, source_etag: str | None, newest: LatestPointer) -> bool:
        """True when ``record`` was made from an older revision of its source than ``newest``.

        Then it must not become a newer version: a slow run on the old upload that finishes after
        a fast run on the new one would otherwise move ``latest`` back to older content. Every
        version ``v<N+1>`` is created only after this check against ``v<N>`` (and ``v<N+1>`` is
        a conditional put, so a concurrent writer makes the loser check again), so versions follow
        the source's revision order. The order is the store's: ListObjectVersions lists a key's
        versions newest first. Without versions to compare (an unversioned bucket, a revision no
        longer listed), a record is older unless it was made from the object's current content
        (or the source is gone, and nothing says which is newer).
        """
        if record.source.sha256 == newest.source_sha256:
            return False  # same content (a config change): not a step back
        key = _key_of(record.source.uri, self.bucket)
        ours = _revision_ids(record.source.version_id, source_etag)
        theirs = _revision_ids(newest.source_version_id, newest.source_etag)
        listed = self._source_revisions(key)
        position_ours = _position(listed, ours)
        position_theirs = _position(listed, theirs)
        if position_ours is not None and position_theirs is not None:
            return position_ours > position_theirs  # listed newest first
        current = listed[:1] or [r for r in [self._current_revision(key)] if r is not None]
        if not current:
            return False  # the source is gone: nothing says which is newer
        return _position(current, ours) is None  # not even the current object's content

    def _source_revisions(self, key: str) -> list[tuple[str, str]]:
        """(version id, ETag) of each stored revision of ``key``, newest first ([] if none)."""
        from botocore.exceptions import ClientError

        revisions: list[tuple[str, str]] = []
        try:
            paginator = self.client.get_paginator("list_object_versions")
            for page in paginator.paginate(Bucket=self.bucket, Prefix=key):
                for item in page.get("Versions", []):
                    if item["Key"] == key:
                        revisions.append((item.get("VersionId") or "", item["ETag"].strip('"')))
        except ClientError:
            return []  # a store without ListObjectVersions: the current object decides
        if all(version in {"", "null"} for version, _ in revisions) and len(revisions) > 1:
            return []  # no usable order
        return revisions

    def _current_revision(self, key: str) -> tuple[str, str] | None:
        from botocore.exceptions import ClientError

        try:
            head = self.client.head_object(Bucket=self.bucket, Key=key)
        except ClientError as exc:
            if is_not_found(exc):
                return None
            raise
        return (head.get("VersionId") or "", head["ETag"].strip('"'))

    def _create_version(
        self, record: Record, number: int, source_etag: str | None
    ) -> WriteResult | None:
        """Write ``v<number>.json`` if nobody has (None if somebody has) and move ``latest``."""
        stored = record.model_copy(update={"version": number})
        body = stored.model_dump_json(indent=2).encode()
        if not self._put(
            self.version_key(record.document_id, number), body, "application/json", IfNoneMatch="*"
        ):
            return None
        pointer = self._pointer_for(stored, source_etag)
        self._advance_latest(pointer, first=number == 1)
        return WriteResult("written", pointer)

    def _advance_latest(self, pointer: LatestPointer, first: bool = False) -> None:
        """Move ``latest.json`` forward (never back) with compare-and-swap."""
        key = self.latest_key(pointer.document_id)
        body = pointer.model_dump_json(indent=2).encode()
        if first and self._put(key, body, "application/json", IfNoneMatch="*"):
            return  # the document's first pointer: no read needed
        for _ in range(CAS_ATTEMPTS):
            current, etag = self._get_json(key)
            if current is not None and etag is not None:
                if not _supersedes(pointer, LatestPointer.model_validate(current)):
                    return
                condition = {"IfMatch": etag}
            else:
                condition = {"IfNoneMatch": "*"}
            if self._put(key, body, "application/json", **condition):
                return
        raise ConcurrentWriteError(f"{key}: gave up after {CAS_ATTEMPTS} conflicts")


def _supersedes(new: LatestPointer, old: LatestPointer) -> bool:
    """A newer version, or the same version seen under a new source ETag (same content)."""
    if new.version != old.version:
        return new.version > old.version
    return new.source_etag is not None and new.source_etag != old.source_etag


def _revision_ids(version_id: str | None, etag: str | None) -> tuple[str | None, str | None]:
    """A source revision: its version id (records without one carry the ETag there) and ETag."""

    def clean(value: str | None) -> str | None:
        value = (value or "").strip('"')
        return value if value and value != "null" else None

    return clean(version_id), clean(etag)


def _position(revisions: list[tuple[str, str]], ids: tuple[str | None, str | None]) -> int | None:
    """Where the revision is in the store's newest-first list: by version id, else by ETag."""
    version_id, etag = ids
    for candidate in (version_id, etag):
        if candidate is None:
            continue
        for i, (listed_version, _) in enumerate(revisions):
            if candidate == listed_version:
                return i
    for candidate in (etag, version_id):  # version_id may be an ETag standing in for one
        if candidate is None:
            continue
        for i, (_, listed_etag) in enumerate(revisions):
            if candidate == listed_etag:
                return i
    return None


def _key_of(uri: str, bucket: str) -> str:
    prefix = f"s3://{bucket}/"
    return uri[len(prefix) :] if uri.startswith(prefix) else uri

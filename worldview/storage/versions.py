"""Record versions: immutable ``v<N>.json`` written with conditional puts, and ``latest.json``
moved forward with compare-and-swap, in the source's revision order."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import PurePosixPath
from typing import Any, Literal

from pydantic import BaseModel

from worldview.identity import record_config, record_fingerprint
from worldview.record import Record
from worldview.storage.objects import Bucket, utc_now
from worldview.storage.parse import parse_record
from worldview.storage.transport import ConcurrentWriteError, is_not_found

CAS_ATTEMPTS = 20
# What a put did: a new version; nothing (same fingerprint as the latest); nothing, because the
# record was made from an older revision of its source than the latest version.
WriteStatus = Literal["written", "unchanged", "superseded"]


# Index lines and ``latest.json`` written before format 2 carry only the fields up to
# ``written_at``: they still parse (the new fields default) and are upgraded by
# ``RecordStore.upgrade_index``.
POINTER_FORMAT = 2

# Why a version exists: the first one of its document, or what changed since the version before
# it (several may apply): the source's content, the pipeline, the schema, the taxonomy, the model.
ChangeReason = Literal["new_document", "source", "pipeline", "schema", "taxonomy", "model"]
CHANGE_REASONS: tuple[ChangeReason, ...] = (
    "new_document",
    "source",
    "pipeline",
    "schema",
    "taxonomy",
    "model",
)


class ThemeScore(BaseModel):
    id: str
    score: float


class LatestPointer(BaseModel):
    """``records/<id>/latest.json`` and one line of ``index/latest.jsonl``: where a document's
    newest version is and what consumers filter on (dates, site, language, themes) without a GET
    per record. Unknown fields are ignored, so a newer writer's lines parse here too."""

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
    themes: list[str] = []  # document theme ids, in taxonomy order
    written_at: str
    # Format 2: the record's metadata, themes with scores and provenance versions.
    pointer_format: int = 1
    authors: list[str] = []
    published: str | None = None
    updated: str | None = None
    site_name: str | None = None
    language: str | None = None
    publication_type: str | None = None
    theme_scores: list[ThemeScore] = []
    processed_at: str | None = None
    pipeline_version: str | None = None
    schema_version: str | None = None
    taxonomy_version: str | None = None
    model: str | None = None


def change_reasons(
    old: Record | LatestPointer | None, new: Record | LatestPointer
) -> list[ChangeReason]:
    """Why ``new`` is a version after ``old`` (None: the document's first version).

    A pointer of format 1 does not say which versions made it: pass the record instead."""
    if old is None:
        return ["new_document"]
    before, after = _version_facts(old), _version_facts(new)
    return [
        reason for reason, a, b in zip(CHANGE_REASONS[1:], before, after, strict=True) if a != b
    ]


def _version_facts(item: Record | LatestPointer) -> tuple[str | None, ...]:
    """(source sha256, pipeline, schema, taxonomy, model) of a record or a format-2 pointer."""
    if isinstance(item, Record):
        p = item.provenance
        return (
            item.source.sha256,
            p.pipeline_version,
            p.schema_version,
            p.taxonomy_version,
            p.model,
        )
    if item.pointer_format < 2:
        raise ValueError(f"{item.document_id} v{item.version}: the pointer predates format 2")
    return (
        item.source_sha256,
        item.pipeline_version,
        item.schema_version,
        item.taxonomy_version,
        item.model,
    )


@dataclass(frozen=True, slots=True)
class WriteResult:
    status: WriteStatus
    pointer: LatestPointer
    # For a written version: why it was made (``change_reasons``); empty otherwise.
    reasons: tuple[ChangeReason, ...] = ()
    # For a written version: the record as stored, with its version number (the pipeline's
    # record says version 1 whatever number the store gives it).
    stored: Record | None = None


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
        return parse_record(response["Body"].read())  # any minor version of the schema

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
        elif pointer.pointer_format < POINTER_FORMAT:
            pointer = self.upgraded_pointer(pointer)
            self._advance_latest(pointer)
        return pointer

    def latest_record(self, document_id: str) -> Record | None:
        pointer = self.latest(document_id)
        return self.get_version(document_id, pointer.version) if pointer else None

    def _pointer_for(self, record: Record, source_etag: str | None) -> LatestPointer:
        m, p = record.metadata, record.provenance
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
            title=m.title,
            themes=[t.id for t in record.themes],
            written_at=utc_now(),
            pointer_format=POINTER_FORMAT,
            authors=[a.name for a in m.authors],
            published=m.published,
            updated=m.updated,
            site_name=m.site_name,
            language=m.language,
            publication_type=m.publication_type,
            theme_scores=[ThemeScore(id=t.id, score=t.score) for t in record.themes],
            processed_at=p.processed_at,
            pipeline_version=p.pipeline_version,
            schema_version=p.schema_version,
            taxonomy_version=p.taxonomy_version,
            model=p.model,
        )

    def upgraded_pointer(self, pointer: LatestPointer) -> LatestPointer:
        """``pointer`` in the current format (one GET of its record), same source ETag and time."""
        if pointer.pointer_format >= POINTER_FORMAT:
            return pointer
        record = self.get_version(pointer.document_id, pointer.version)
        fresh = self._pointer_for(record, pointer.source_etag)
        return fresh.model_copy(update={"written_at": pointer.written_at})

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
                written = self._create_version(record, guess, source_etag, previous)
                if written is not None:
                    return written
        for _ in range(CAS_ATTEMPTS):
            versions = self.list_versions(document_id)
            newest: Record | None = None
            if versions:
                newest = self.get_version(document_id, versions[-1])
                if record_fingerprint(newest) == fingerprint:
                    pointer = self._pointer_for(newest, source_etag)
                    self._advance_latest(pointer)
                    return WriteResult("unchanged", pointer)
                newest_pointer = self._pointer_for(newest, source_etag=None)
                if self._older_source(record, source_etag, newest_pointer):
                    return WriteResult("superseded", self.latest(document_id) or newest_pointer)
            number = versions[-1] + 1 if versions else 1
            written = self._create_version(record, number, source_etag, newest)
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
        """(version id, ETag) of each stored revision of ``key``, newest first ([] if none).

        Newest first by the store's own markers, not by the listing's order: the revision marked
        ``IsLatest`` (the current object), then the others by ``LastModified``, the listing's
        order breaking ties (S3 lists a key's versions newest first). The listing's order alone
        is not enough: with versioning suspended, SeaweedFS lists the current ``null`` version
        after the older versioned ones, and every revision would then look older than them."""
        from botocore.exceptions import ClientError

        listed: list[tuple[bool, Any, str, str]] = []
        try:
            paginator = self.client.get_paginator("list_object_versions")
            for page in paginator.paginate(Bucket=self.bucket, Prefix=key):
                for item in page.get("Versions", []):
                    if item["Key"] == key:
                        listed.append(
                            (
                                bool(item.get("IsLatest")),
                                item.get("LastModified"),
                                item.get("VersionId") or "",
                                item["ETag"].strip('"'),
                            )
                        )
        except ClientError:
            return []  # a store without ListObjectVersions: the current object decides
        if all(version in {"", "null"} for _, _, version, _ in listed) and len(listed) > 1:
            return []  # no usable order
        ordered = sorted(  # stable: ties keep the listing's order
            listed, key=lambda item: (not item[0], -_timestamp(item[1]))
        )
        return [(version, etag) for _, _, version, etag in ordered]

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
        self,
        record: Record,
        number: int,
        source_etag: str | None,
        previous: Record | LatestPointer | None,
    ) -> WriteResult | None:
        """Write ``v<number>.json`` if nobody has (None if somebody has) and move ``latest``.

        ``previous`` is version ``number - 1`` (its record or pointer), for the reasons."""
        stored = record.model_copy(update={"version": number})
        body = stored.model_dump_json(indent=2).encode()
        if not self._put(
            self.version_key(record.document_id, number), body, "application/json", IfNoneMatch="*"
        ):
            return None
        pointer = self._pointer_for(stored, source_etag)
        self._advance_latest(pointer, first=number == 1)
        return WriteResult("written", pointer, tuple(self._reasons(stored, previous)), stored)

    def _reasons(
        self, record: Record, previous: Record | LatestPointer | None
    ) -> list[ChangeReason]:
        if record.version == 1:
            return change_reasons(None, record)
        if not isinstance(previous, Record) and (
            previous is None
            or previous.version != record.version - 1
            or previous.pointer_format < POINTER_FORMAT
        ):
            previous = self.get_version(record.document_id, record.version - 1)
        return change_reasons(previous, record)

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
    """A newer version, the same version seen under a new source ETag (same content), or the same
    version in a newer pointer format (an upgraded index line)."""
    if new.version != old.version:
        return new.version > old.version
    if new.pointer_format != old.pointer_format:
        return new.pointer_format > old.pointer_format
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


def _timestamp(value: Any) -> float:
    """A listing's ``LastModified`` as seconds (0 when the store gave none)."""
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).timestamp()
    return 0.0


def _key_of(uri: str, bucket: str) -> str:
    prefix = f"s3://{bucket}/"
    return uri[len(prefix) :] if uri.startswith(prefix) else uri

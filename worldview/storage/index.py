"""The index consumers read, quarantined failures with their error records, and the watcher's
claims: the bookkeeping beside the record versions."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from pathlib import PurePosixPath

from worldview.storage.objects import bounded_key, utc_now
from worldview.storage.transport import ConcurrentWriteError, is_per_object_error
from worldview.storage.versions import (
    CAS_ATTEMPTS,
    POINTER_FORMAT,
    LatestPointer,
    RecordVersions,
    _supersedes,
)

INDEX_KEY = "index/latest.jsonl"
QUARANTINE_PREFIX = "quarantine/"
ERRORS_PREFIX = "errors/"
CLAIMS_PREFIX = "claims/"
STARTED = ".started"  # claims/<id>/<revision>.started.json: the claim's run was started


class RecordStore(RecordVersions):
    """Sources in, immutable versioned records out, and the bookkeeping around them."""

    # -- index ----------------------------------------------------------------------------------

    def read_index(self) -> dict[str, LatestPointer]:
        response = self._get(INDEX_KEY)
        if response is None:
            return {}
        lines = response["Body"].read().decode().splitlines()
        pointers = (LatestPointer.model_validate_json(line) for line in lines if line.strip())
        return {p.document_id: p for p in pointers}

    def update_index(self, pointers: Iterable[LatestPointer]) -> int:
        """Merge pointers into ``index/latest.jsonl`` (compare-and-swap); return lines changed."""
        updates = {p.document_id: p for p in pointers}
        if not updates:
            return 0
        for _ in range(CAS_ATTEMPTS):
            response = self._get(INDEX_KEY)
            etag = response["ETag"] if response else None
            lines = response["Body"].read().decode().splitlines() if response else []
            index = {
                p.document_id: p
                for p in (LatestPointer.model_validate_json(line) for line in lines if line)
            }
            changed = 0
            for doc_id, pointer in updates.items():
                old = index.get(doc_id)
                if old is None or _supersedes(pointer, old):
                    index[doc_id] = pointer
                    changed += 1
            if not changed:
                return 0
            body = "".join(index[k].model_dump_json() + "\n" for k in sorted(index)).encode()
            condition = {"IfMatch": etag} if etag else {"IfNoneMatch": "*"}
            if self._put(INDEX_KEY, body, "application/x-ndjson", **condition):
                return changed
        raise ConcurrentWriteError(f"{INDEX_KEY}: gave up after {CAS_ATTEMPTS} conflicts")

    def reconcile_index(self) -> int:
        """Bring the index up to the newest version of every document (after crashed writers)."""
        newest: dict[str, int] = {}
        for item in self._keys(self.records_prefix):
            path = PurePosixPath(item["Key"])
            if path.stem[1:].isdigit() and path.stem.startswith("v"):
                doc_id = path.parent.name
                newest[doc_id] = max(newest.get(doc_id, 0), int(path.stem[1:]))
        index = self.read_index()
        stale = [d for d, v in newest.items() if d not in index or index[d].version < v]
        pointers = [p for p in (self.latest(d) for d in stale) if p is not None]
        return self.update_index(pointers)

    def upgrade_index(self) -> int:
        """Rewrite index lines of an older pointer format in the current one (a GET of each one's
        record; nothing to do once every line is current); return the lines changed."""
        old = [p for p in self.read_index().values() if p.pointer_format < POINTER_FORMAT]
        return self.update_index([self.upgraded_pointer(p) for p in old]) if old else 0

    # -- failures -------------------------------------------------------------------------------

    def error_key(self, document_id: str, etag: str, config: str) -> str:
        return bounded_key(f"{ERRORS_PREFIX}{document_id}/{etag}-{config}.json")

    def quarantine(
        self,
        *,
        document_id: str,
        key: str,
        etag: str,
        version_id: str | None,
        config: str,
        step: str,
        reason: str,
        data: bytes | None = None,
        copy: bool = True,
    ) -> str:
        """Copy the source to quarantine/ and write the error record; return the error key.

        The copy's key is bounded (a source key may use the store's whole 1,024 bytes). When
        the store refuses the copy for this object alone (the source was deleted meanwhile, a
        key it will not take) or ``copy`` is False (an ambiguous key: the copy could be of
        another object), the error record is written without it and says why."""
        name = PurePosixPath(key).name
        copy_key = bounded_key(f"{QUARANTINE_PREFIX}{document_id}/{etag}-{name}")
        not_copied = None if copy else "not copied: the key does not name one object for sure"
        if copy:
            try:
                self._copy_to_quarantine(copy_key, key, version_id, data)
            except Exception as exc:
                if not is_per_object_error(exc):
                    raise
                not_copied = f"not copied: {type(exc).__name__}: {exc}"
        quarantine_key = None if not_copied else copy_key
        error = {
            "document_id": document_id,
            "source_key": key,
            "source_etag": etag,
            "source_version_id": version_id,
            "config": config,
            "step": step,
            "reason": reason,
            "quarantine_key": quarantine_key,
            "failed_at": utc_now(),
        }
        if not_copied:
            error["quarantine_note"] = not_copied
        error_key = self.error_key(document_id, etag, config)
        self._put(error_key, json.dumps(error, indent=2).encode(), "application/json")
        return error_key

    def _copy_to_quarantine(
        self, quarantine_key: str, key: str, version_id: str | None, data: bytes | None
    ) -> None:
        if data is not None:
            self.client.put_object(Bucket=self.bucket, Key=quarantine_key, Body=data)
            return
        copy_source: dict[str, str] = {"Bucket": self.bucket, "Key": key}
        if version_id:
            copy_source["VersionId"] = version_id
        self.client.copy_object(Bucket=self.bucket, Key=quarantine_key, CopySource=copy_source)

    def get_error(self, error_key: str) -> dict | None:
        return self._get_json(error_key)[0]

    def failed_revisions(self) -> set[tuple[str, str, str]]:
        """(document_id, etag, config) of each failed source: ingest does not retry those."""
        failed = set()
        for item in self._keys(ERRORS_PREFIX):
            path = PurePosixPath(item["Key"])
            etag, _, config = path.stem.rpartition("-")
            failed.add((path.parent.name, etag, config))
        return failed

    # -- watcher claims -------------------------------------------------------------------------

    def claim(self, document_id: str, revision: str, info: dict) -> bool:
        """Claim one object version for processing; True for exactly one caller."""
        body = json.dumps({**info, "claimed_at": utc_now()}).encode()
        return self._put(
            self._claim_key(document_id, revision), body, "application/json", IfNoneMatch="*"
        )

    def claim_started(self, document_id: str, revision: str, run_id: str) -> None:
        """Mark the claim's run as started (``claims/<id>/<revision>.started.json``): a claim
        without the mark is an upload whose run never started (its watcher died in between)."""
        body = json.dumps({"flow_run_id": run_id, "started_at": utc_now()}).encode()
        self._put(self._claim_key(document_id, revision, STARTED), body, "application/json")

    def claims(self) -> dict[tuple[str, str], tuple[datetime, bool]]:
        """Every claim: (document id, revision) -> (when it was made, whether its run started)."""
        found: dict[tuple[str, str], tuple[datetime, bool]] = {}
        started = set()
        for item in self._keys(CLAIMS_PREFIX):
            document_id, _, name = item["Key"][len(CLAIMS_PREFIX) :].partition("/")
            if name.endswith(STARTED + ".json"):
                started.add((document_id, name.removesuffix(STARTED + ".json")))
            elif name.endswith(".json"):
                found[(document_id, name.removesuffix(".json"))] = (item["LastModified"], False)
        return {k: (when, k in started) for k, (when, _) in found.items()}

    def take_over_claim(self, document_id: str, revision: str, info: dict) -> bool:
        """Claim a stranded upload again: exactly one caller wins (compare-and-swap on the
        claim's ETag; a claim that changed meanwhile was taken over already)."""
        key = self._claim_key(document_id, revision)
        response = self._get(key)
        if response is None:
            return False
        body = json.dumps({**info, "claimed_at": utc_now()}).encode()
        return self._put(key, body, "application/json", IfMatch=response["ETag"])

    def forget_claims(self, claims: Iterable[tuple[str, str]]) -> None:
        """Delete claims (and their marks) no longer needed: their upload has its record or its
        error record, or the object has changed since (a new upload is claimed anew)."""
        keys = [
            {"Key": self._claim_key(document_id, revision, suffix)}
            for document_id, revision in claims
            for suffix in ("", STARTED)
        ]
        for i in range(0, len(keys), 1000):
            self.client.delete_objects(
                Bucket=self.bucket, Delete={"Objects": keys[i : i + 1000], "Quiet": True}
            )

    def release_claim(self, document_id: str, revision: str) -> None:
        """Give a claim back when its run could not be started (the next poll claims again)."""
        self.client.delete_object(Bucket=self.bucket, Key=self._claim_key(document_id, revision))

    def _claim_key(self, document_id: str, revision: str, suffix: str = "") -> str:
        return f"{CLAIMS_PREFIX}{document_id}/{revision}{suffix}.json"

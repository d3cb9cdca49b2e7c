"""The index consumers read, quarantined failures with their error records, and the watcher's
claims: the bookkeeping beside the record versions."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import PurePosixPath

from worldview.storage.objects import utc_now
from worldview.storage.transport import ConcurrentWriteError
from worldview.storage.versions import CAS_ATTEMPTS, LatestPointer, RecordVersions, _supersedes

INDEX_KEY = "index/latest.jsonl"
QUARANTINE_PREFIX = "quarantine/"
ERRORS_PREFIX = "errors/"
CLAIMS_PREFIX = "claims/"


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

    # -- failures -------------------------------------------------------------------------------

    def error_key(self, document_id: str, etag: str, config: str) -> str:
        return f"{ERRORS_PREFIX}{document_id}/{etag}-{config}.json"

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
    ) -> str:
        """Copy the source to quarantine/ and write the error record; return the error key."""
        name = PurePosixPath(key).name
        quarantine_key = f"{QUARANTINE_PREFIX}{document_id}/{etag}-{name}"
        if data is not None:
            self.client.put_object(Bucket=self.bucket, Key=quarantine_key, Body=data)
        else:
            copy_source: dict[str, str] = {"Bucket": self.bucket, "Key": key}
            if version_id:
                copy_source["VersionId"] = version_id
            self.client.copy_object(Bucket=self.bucket, Key=quarantine_key, CopySource=copy_source)
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
        error_key = self.error_key(document_id, etag, config)
        self._put(error_key, json.dumps(error, indent=2).encode(), "application/json")
        return error_key

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

    def release_claim(self, document_id: str, revision: str) -> None:
        """Give a claim back when its run could not be started (the next poll claims again)."""
        self.client.delete_object(Bucket=self.bucket, Key=self._claim_key(document_id, revision))

    def _claim_key(self, document_id: str, revision: str) -> str:
        return f"{CLAIMS_PREFIX}{document_id}/{revision}.json"

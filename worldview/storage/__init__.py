"""The object store: sources in, immutable versioned records out; one ``RecordStore``, any S3.

Bucket layout (prefixes from ``Settings``):

    incoming/...                        sources; the pipeline only reads them
    records/<document_id>/v<N>.json     immutable record versions (conditional put: If-None-Match *)
    records/<document_id>/latest.json   pointer to the newest version (compare-and-swap: If-Match)
    index/latest.jsonl                  one pointer per document, for consumers (compare-and-swap)
    quarantine/<document_id>/<sha>-<name>   copy of a source that failed
    errors/<document_id>/<etag>-<config>.json  why it failed (step, reason)
    claims/<document_id>/<object version>.json  the watcher's "this upload is being handled" marker

Idempotency: a record's *fingerprint* is the hash of the source's sha256 and the versions of the
pipeline, schema, taxonomy and model (all inside the record). A new version is written only when the
fingerprint differs from the latest version's. Before fetching anything, ``ingest`` compares a
listing's ETag and the current *config* (versions without the source) with the index.

Conditional writes: two writers can never both create ``v<N>.json`` — the loser gets HTTP 412,
re-reads, and either finds the same fingerprint (nothing to do) or tries ``v<N+1>``. SeaweedFS 4.48,
AWS S3 (since 2024) and MinIO honour ``If-None-Match: *`` and ``If-Match`` on PUT
(tests/test_storage.py checks it against the embedded store).

Out-of-order runs: before creating ``v<N+1>`` the writer checks that its source revision is not
older than ``v<N>``'s (the store's ListObjectVersions order; without versioning, only the current
object's content may make a newer version). A slow run on an old upload that finishes after a
fast run on the new one is ``superseded``: no version, ``latest`` stays on the newer content.
"""

from worldview.storage.index import (
    CLAIMS_PREFIX,
    ERRORS_PREFIX,
    INDEX_KEY,
    QUARANTINE_PREFIX,
    RecordStore,
)
from worldview.storage.objects import (
    MAX_KEY_BYTES,
    Bucket,
    FetchedSource,
    ObjectInfo,
    bounded_key,
    key_problem,
)
from worldview.storage.parse import RecordFormatError, parse_record
from worldview.storage.transport import (
    ConcurrentWriteError,
    LeanS3,
    StorageError,
    error_code,
    is_per_object_error,
    lean_transport,
    parse_timestamp,
    s3_client,
)
from worldview.storage.versions import (
    CHANGE_REASONS,
    POINTER_FORMAT,
    ChangeReason,
    LatestPointer,
    RecordVersions,
    ThemeScore,
    WriteResult,
    change_reasons,
)

__all__ = [
    "MAX_KEY_BYTES",
    "bounded_key",
    "error_code",
    "is_per_object_error",
    "key_problem",
    "CHANGE_REASONS",
    "CLAIMS_PREFIX",
    "ERRORS_PREFIX",
    "INDEX_KEY",
    "POINTER_FORMAT",
    "QUARANTINE_PREFIX",
    "RecordFormatError",
    "Bucket",
    "ChangeReason",
    "ConcurrentWriteError",
    "FetchedSource",
    "LatestPointer",
    "LeanS3",
    "ObjectInfo",
    "RecordStore",
    "RecordVersions",
    "StorageError",
    "ThemeScore",
    "WriteResult",
    "change_reasons",
    "parse_record",
    "lean_transport",
    "parse_timestamp",
    "s3_client",
]

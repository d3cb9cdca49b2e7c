"""Objects in one bucket: conditional puts, listings, and the sources under ``incoming/``."""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from worldview.errors import UnsupportedInputError
from worldview.identity import source_uri
from worldview.settings import Settings, get_settings
from worldview.storage.transport import (
    CONDITION_HEADERS,
    StorageError,
    error_code,
    is_not_found,
    is_precondition_failed,
    lean_transport,
    s3_client,
)


@dataclass(frozen=True, slots=True)
class ObjectInfo:
    """One source object as a listing shows it."""

    key: str
    etag: str
    size: int
    last_modified: datetime
    version_id: str | None = None


@dataclass(frozen=True, slots=True)
class FetchedSource:
    bucket: str
    key: str
    data: bytes
    etag: str
    version_id: str | None
    content_type: str | None

    @property
    def uri(self) -> str:
        return source_uri(self.bucket, self.key)

    @property
    def revision(self) -> str:
        """The object version when the bucket is versioned, else its ETag."""
        return self.version_id or self.etag


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


# S3 (and SeaweedFS) refuse keys longer than 1,024 bytes of UTF-8 (KeyTooLongError).
MAX_KEY_BYTES = 1024
_KEY_HASH_CHARS = 24
_KEY_SUFFIX_MAX = 16  # ".pdf", ".html": kept after the hash so the copy keeps its type


def bounded_key(key: str, limit: int = MAX_KEY_BYTES) -> str:
    """``key`` if the store takes it, else its head, a hash of the whole key and its extension.

    For keys the pipeline derives from a source's key (``quarantine/<id>/<etag>-<name>``): a
    source key may use the store's whole limit, and the prefix added to it must not make the
    derived key one the store refuses. Distinct keys stay distinct (the hash is of the whole).
    """
    if len(key.encode("utf-8")) <= limit:
        return key
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:_KEY_HASH_CHARS]
    name = key.rsplit("/", 1)[-1]
    dot = name.rfind(".")
    suffix = name[dot:] if 0 < dot and len(name) - dot <= _KEY_SUFFIX_MAX else ""
    room = limit - len(f"~{digest}{suffix}".encode())
    head = key.encode("utf-8")[:room].decode("utf-8", "ignore")  # never half a character
    return f"{head}~{digest}{suffix}"


def key_problem(key: str) -> str | None:
    """Why a source key is ambiguous, or None: stores rewrite some keys (SeaweedFS stores
    ``a//b`` and ``/a`` as ``a/b`` and ``a``, S3 keeps them apart) and treat a key ending in
    ``/`` as a directory, so the object such a key names depends on the store. The pipeline
    does not guess which one was meant."""
    path = key.split("/")
    if key.endswith("/"):
        return "a directory marker with content (the key ends in '/'): upload it under a file name"
    if "" in path[:-1]:
        return "the key has an empty path segment ('//' or a leading '/'), which stores rewrite"
    if "." in path or ".." in path:
        return "the key has a '.' or '..' path segment, which stores resolve or refuse"
    return None


class Bucket:
    """One bucket: small-object helpers (conditional puts) and the sources under ``incoming/``."""

    def __init__(self, bucket: str, *, settings: Settings | None = None, client: Any = None):
        self.settings = settings or get_settings()
        self.bucket = bucket
        self._client = client
        # An injected client is used for everything; else GET/PUT of objects go the lean way.
        self.lean = None if client is not None else lean_transport(self.settings)
        self.incoming_prefix = self.settings.incoming_prefix
        self.records_prefix = self.settings.records_prefix

    @property
    def client(self):
        """The boto3 client (made on first use: a pipeline worker that only GETs and PUTs through
        the lean path never loads botocore's service models)."""
        if self._client is None:
            self._client = s3_client(self.settings)
        return self._client

    @classmethod
    def from_settings(cls, settings: Settings | None = None, bucket: str | None = None):
        settings = settings or get_settings()
        return cls(bucket or settings.bucket, settings=settings)

    # -- bucket ---------------------------------------------------------------------------------

    def ensure_bucket(self) -> None:
        """Create the bucket if missing and turn versioning on where the store supports it."""
        from botocore.exceptions import ClientError

        try:
            self.client.head_bucket(Bucket=self.bucket)
        except ClientError:
            kwargs: dict[str, Any] = {"Bucket": self.bucket}
            if self.settings.s3_region != "us-east-1":
                kwargs["CreateBucketConfiguration"] = {
                    "LocationConstraint": self.settings.s3_region
                }
            try:
                self.client.create_bucket(**kwargs)
            except ClientError as exc:
                if error_code(exc) not in {"BucketAlreadyOwnedByYou", "BucketAlreadyExists"}:
                    raise
        try:
            self.client.put_bucket_versioning(
                Bucket=self.bucket, VersioningConfiguration={"Status": "Enabled"}
            )
        except ClientError:
            pass  # a store without versioning still works: records are immutable by key

    # -- small object helpers -------------------------------------------------------------------

    def _get(self, key: str, version_id: str | None = None) -> dict | None:
        from botocore.exceptions import ClientError

        try:
            if self.lean is not None:
                return self._lean_get(key, version_id)
            kwargs: dict[str, Any] = {"Bucket": self.bucket, "Key": key}
            if version_id:
                kwargs["VersionId"] = version_id
            return self.client.get_object(**kwargs)
        except ClientError as exc:
            if is_not_found(exc):
                return None
            raise

    def _lean_get(
        self, key: str, version_id: str | None = None, max_bytes: int | None = None
    ) -> dict:
        """GetObject through ``LeanS3``, answered in boto3's shape (Body, ETag, VersionId, ...)."""
        if self.lean is None:
            raise StorageError("the lean transport is off for this store (an injected client)")
        _, headers, data = self.lean.request(
            "GET", "GetObject", self.bucket, key, version_id=version_id, max_bytes=max_bytes
        )
        headers = {k.lower(): v for k, v in headers.items()}
        response = {
            "Body": io.BytesIO(data or b""),
            "ETag": headers.get("etag", ""),
            "ContentLength": int(headers.get("content-length") or 0),
            "ContentType": headers.get("content-type"),
        }
        if "x-amz-version-id" in headers:
            response["VersionId"] = headers["x-amz-version-id"]
        return response

    def _get_json(self, key: str) -> tuple[Any, str | None]:
        response = self._get(key)
        if response is None:
            return None, None
        return json.loads(response["Body"].read()), response["ETag"]

    def _put(self, key: str, body: bytes, content_type: str, **conditions: str) -> bool:
        """Put; with a condition, return False when the store says it did not hold (412)."""
        from botocore.exceptions import ClientError

        try:
            if self.lean is not None:
                headers = {"Content-Type": content_type}
                for name, value in conditions.items():
                    headers[CONDITION_HEADERS[name]] = value
                self.lean.request("PUT", "PutObject", self.bucket, key, body=body, headers=headers)
            else:
                self.client.put_object(
                    Bucket=self.bucket, Key=key, Body=body, ContentType=content_type, **conditions
                )
        except ClientError as exc:
            if conditions and is_precondition_failed(exc):
                return False
            raise
        return True

    def get_bytes(self, key: str) -> bytes | None:
        """An object's bytes, or None when there is no such object."""
        response = self._get(key)
        return None if response is None else response["Body"].read()

    def put_if_changed(self, key: str, body: bytes, content_type: str) -> bool:
        """Put unless the object already holds exactly ``body``; True when it was written."""
        if self.get_bytes(key) == body:
            return False
        return self._put(key, body, content_type)

    def _keys(self, prefix: str) -> Iterator[dict]:
        paginator = self.client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=prefix):
            yield from page.get("Contents", [])

    # -- sources --------------------------------------------------------------------------------

    def upload_source(self, name: str, data: bytes, content_type: str | None = None) -> ObjectInfo:
        """Put a source under ``incoming/`` (a publisher's or the demo's upload)."""
        key = name if name.startswith(self.incoming_prefix) else self.incoming_prefix + name
        problem = key_problem(key)
        if problem:
            raise ValueError(f"{key!r}: {problem}")
        kwargs: dict[str, Any] = {"Bucket": self.bucket, "Key": key, "Body": data}
        if content_type:
            kwargs["ContentType"] = content_type
        response = self.client.put_object(**kwargs)
        return ObjectInfo(
            key=key,
            etag=response["ETag"].strip('"'),
            size=len(data),
            last_modified=datetime.now(UTC),
            version_id=response.get("VersionId"),
        )

    def list_incoming(
        self, prefix: str | None = None, since: datetime | None = None
    ) -> Iterator[ObjectInfo]:
        """Current objects under the incoming prefix (optionally modified at or after ``since``;
        a time without a zone is UTC). An empty directory marker (``dir/``, 0 bytes) is no
        source and is left out; one with content is listed, for ingest to refuse by name."""
        prefix = prefix if prefix is not None else self.incoming_prefix
        if not prefix.startswith(self.incoming_prefix):
            prefix = self.incoming_prefix + prefix
        if since is not None and since.tzinfo is None:
            since = since.replace(tzinfo=UTC)
        for item in self._keys(prefix):
            if item["Key"].endswith("/") and not item["Size"]:
                continue  # directory markers some stores create
            if since is not None and item["LastModified"] < since:
                continue
            yield ObjectInfo(
                key=item["Key"],
                etag=item["ETag"].strip('"'),
                size=item["Size"],
                last_modified=item["LastModified"],
            )

    def fetch(self, key: str, version_id: str | None = None) -> FetchedSource:
        limit = self.settings.max_document_bytes
        if self.lean is not None:
            response = self._lean_get(key, version_id, max_bytes=limit)
        else:
            kwargs: dict[str, Any] = {"Bucket": self.bucket, "Key": key}
            if version_id:
                kwargs["VersionId"] = version_id
            response = self.client.get_object(**kwargs)
        size = response["ContentLength"]
        if size > limit:
            response["Body"].close()  # read nothing: the pipeline refuses it anyway
            raise UnsupportedInputError(f"{size} bytes is over the {limit}-byte limit")
        data = response["Body"].read()
        return FetchedSource(
            bucket=self.bucket,
            key=key,
            data=data,
            etag=response["ETag"].strip('"'),
            version_id=response.get("VersionId") if response.get("VersionId") != "null" else None,
            content_type=response.get("ContentType"),
        )

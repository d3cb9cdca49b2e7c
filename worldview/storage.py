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

from __future__ import annotations

import hashlib
import io
import json
import re
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from http import HTTPStatus
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import quote, urlparse

from pydantic import BaseModel

from worldview.record import Record
from worldview.settings import Settings, get_settings

INDEX_KEY = "index/latest.jsonl"
QUARANTINE_PREFIX = "quarantine/"
ERRORS_PREFIX = "errors/"
CLAIMS_PREFIX = "claims/"
CAS_ATTEMPTS = 20
_CONDITION_HEADERS = {"IfNoneMatch": "If-None-Match", "IfMatch": "If-Match"}


class StorageError(Exception):
    """The store refused or could not complete an operation (after the client's own retries)."""


class ConcurrentWriteError(StorageError):
    """Too many concurrent writers on one key; nothing was half-written."""


def config_fingerprint(
    pipeline_version: str, schema_version: str, taxonomy_version: str | None, model: str | None
) -> str:
    """What, besides the source, decides a record's content."""
    parts = [pipeline_version, schema_version, taxonomy_version or "", model or ""]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:16]


def record_config(record: Record) -> str:
    p = record.provenance
    return config_fingerprint(p.pipeline_version, p.schema_version, p.taxonomy_version, p.model)


def record_fingerprint(record: Record) -> str:
    return hashlib.sha256(f"{record.source.sha256}:{record_config(record)}".encode()).hexdigest()


def source_uri(bucket: str, key: str) -> str:
    return f"s3://{bucket}/{key}"


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
    status: str  # "written" | "unchanged" | "superseded" (made from an older source revision)
    pointer: LatestPointer


_clients: dict[tuple, Any] = {}
_clients_lock = threading.Lock()


def _is_local(endpoint: str | None) -> bool:
    host = urlparse(endpoint or "").hostname or ""
    return host in {"127.0.0.1", "localhost", "::1"}


def _credentials(settings: Settings) -> tuple[str | None, str | None]:
    """Explicit keys, the embedded store's on this machine, else (None, None): the AWS chain."""
    access, secret = settings.s3_access_key, settings.s3_secret_key
    if access is None and _is_local(settings.s3_endpoint):
        access, secret = settings.embedded_access_key, settings.embedded_secret_key
    return access, secret


def parse_timestamp(value: Any) -> datetime:
    """botocore's timestamp parser, with a fast path for the ISO 8601 times of S3 listings.

    The default parser runs dateutil on every ``LastModified`` (~0.3 ms each: 0.14 s of CPU to
    list 500 objects, most of the listing's cost); ``datetime.fromisoformat`` reads the same text
    in microseconds. Anything else (HTTP-date headers, epoch numbers) goes to botocore's parser.
    """
    if isinstance(value, str) and "T" in value:
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            pass
        else:
            return parsed  # naive when the text names no zone, as botocore's parser gives it
    from botocore.utils import parse_timestamp as botocore_parse_timestamp

    return botocore_parse_timestamp(value)


def s3_client(settings: Settings | None = None):
    """One boto3 client per process and endpoint (clients are thread-safe and pool connections)."""
    settings = settings or get_settings()
    access, secret = _credentials(settings)
    cache_key = (settings.s3_endpoint, settings.s3_region, access, secret)
    with _clients_lock:
        client = _clients.get(cache_key)
        if client is None:
            import boto3
            from botocore.config import Config

            config = Config(
                connect_timeout=3,
                read_timeout=30,
                retries={"mode": "standard", "max_attempts": 3},
                max_pool_connections=32,
                # Plain payloads: some S3-compatible stores reject the newer checksum trailers.
                request_checksum_calculation="when_required",
                response_checksum_validation="when_required",
                s3={"addressing_style": "path"} if settings.s3_endpoint else None,
            )
            import botocore.session

            session = botocore.session.get_session()
            parsers = session.get_component("response_parser_factory")
            parsers.set_parser_defaults(timestamp_parser=parse_timestamp)
            client = boto3.session.Session(botocore_session=session).client(
                "s3",
                endpoint_url=settings.s3_endpoint or None,
                region_name=settings.s3_region,
                aws_access_key_id=access,
                aws_secret_access_key=secret,
                config=config,
            )
            _clients[cache_key] = client
    return client


class LeanS3:
    """GET and PUT of single objects straight over HTTP, signed by botocore's SigV4 signer.

    Each boto3 request costs ~2-3 ms of CPU in its request pipeline (parameter validation,
    serialisation, endpoint rules, ~30 event handlers, response parsing); on an object store on
    this machine that is more than the store spends on the request, and ingest makes three per
    document. This path signs the same request with the same credentials and sends it on a kept-
    alive ``http.client`` connection (~0.4 ms; urllib3's pool manager added ~0.15 ms per request
    on top of the same ``http.client`` calls). Used for plain-HTTP custom endpoints (the embedded
    SeaweedFS, MinIO, a team SeaweedFS on the LAN); AWS and HTTPS endpoints keep boto3. Failures
    are botocore's exception types (``ClientError`` with the store's error code,
    ``EndpointConnectionError``, ...), retried like boto3's standard mode: 3 attempts on
    connection errors, 429 and 5xx, jittered backoff.
    """

    ATTEMPTS = 3
    RETRY_STATUS = frozenset({429, 500, 502, 503, 504})
    CONNECT_TIMEOUT, READ_TIMEOUT = 3.0, 30.0
    MAX_IDLE = 32  # kept-alive connections (one per thread in flight)

    def __init__(self, endpoint: str, region: str, credentials: Any) -> None:
        parsed = urlparse(endpoint)
        self.endpoint = endpoint.rstrip("/")
        self.host, self.port = parsed.hostname or "", parsed.port or 80
        self.origin = f"{parsed.scheme}://{parsed.netloc}"  # URLs minus this: request targets
        self.region = region
        self.credentials = credentials  # botocore (refreshable) credentials
        self._idle: list[Any] = []
        self._idle_lock = threading.Lock()

    def url(self, bucket: str, key: str, version_id: str | None = None) -> str:
        url = f"{self.endpoint}/{quote(bucket, safe='')}/{quote(key, safe='/~')}"
        return url + f"?versionId={quote(version_id, safe='~')}" if version_id else url

    def request(
        self,
        method: str,
        operation: str,
        bucket: str,
        key: str,
        *,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
        version_id: str | None = None,
        max_bytes: int | None = None,
    ) -> tuple[int, dict[str, str], bytes | None]:
        """(status, headers, body); body None when it is over ``max_bytes`` (left unread)."""
        import random
        import time

        from botocore.auth import S3SigV4Auth
        from botocore.awsrequest import AWSRequest

        url = self.url(bucket, key, version_id)
        for attempt in range(self.ATTEMPTS):
            last = attempt + 1 == self.ATTEMPTS
            request = AWSRequest(method=method, url=url, data=body, headers=dict(headers or {}))
            S3SigV4Auth(self.credentials.get_frozen_credentials(), "s3", self.region).add_auth(
                request
            )
            try:
                status, response_headers, data = self.send(
                    method, url, body, dict(request.headers.items()), max_bytes
                )
            except OSError as exc:  # http.client's errors are OSErrors or HTTPExceptions
                if last:
                    raise _connection_error(url, exc) from exc
                time.sleep(random.uniform(0, 2**attempt))
                continue
            if status in self.RETRY_STATUS and not last:
                time.sleep(random.uniform(0, 2**attempt))
                continue
            if status >= 300:
                raise _client_error(status, response_headers, data or b"", operation)
            return status, response_headers, data
        raise AssertionError("unreachable")

    def send(
        self, method: str, url: str, body: bytes | None, headers: dict, max_bytes: int | None
    ) -> tuple[int, dict[str, str], bytes | None]:
        """One HTTP exchange on a kept-alive connection; connection failures raise ``OSError``."""
        import http.client

        connection = self._connection()
        try:
            if connection.sock is None:
                try:
                    connection.connect()
                except OSError as exc:
                    raise _Unreachable(exc) from exc
            connection.request(method, url[len(self.origin) :], body=body, headers=headers)
            response = connection.getresponse()
            status, response_headers = response.status, dict(response.getheaders())
            size = int(response_headers.get("Content-Length") or 0)
            if max_bytes is not None and status == 200 and size > max_bytes:
                connection.close()  # read nothing: the caller refuses it anyway
                return status, response_headers, None
            data = response.read()
        except http.client.HTTPException as exc:  # a malformed or cut-off reply
            connection.close()
            raise ConnectionError(str(exc) or type(exc).__name__) from exc
        except BaseException:
            connection.close()
            raise
        self._release(connection, response.will_close)
        return status, response_headers, data

    def _connection(self) -> Any:
        """An idle connection the server has not closed meanwhile, else a new (unopened) one."""
        with self._idle_lock:
            while self._idle:
                connection = self._idle.pop()
                if not _closed_by_peer(connection.sock):
                    return connection
                connection.close()
        return _connection_class()(self.host, self.port, self.CONNECT_TIMEOUT, self.READ_TIMEOUT)

    def _release(self, connection: Any, will_close: bool) -> None:
        with self._idle_lock:
            if not will_close and len(self._idle) < self.MAX_IDLE:
                self._idle.append(connection)
                return
        connection.close()


class _Unreachable(OSError):
    """The TCP connection could not be made (nothing was sent)."""

    def __init__(self, cause: OSError) -> None:
        super().__init__(str(cause))
        self.cause = cause


def _closed_by_peer(sock: Any) -> bool:
    """An idle kept-alive socket that is readable has an EOF (or junk) waiting: do not reuse."""
    import select

    if sock is None:
        return True
    poller = select.poll()
    poller.register(sock, select.POLLIN)
    return bool(poller.poll(0))


@cache
def _connection_class() -> type:
    """``http.client.HTTPConnection`` with its own connect timeout, made on first use: importing
    ``http.client`` pulls in ``ssl`` (~30 ms), which the pure core (it imports this module)
    does not need."""
    import http.client
    import socket

    class Connection(http.client.HTTPConnection):
        def __init__(self, host: str, port: int, connect_timeout: float, read_timeout: float):
            super().__init__(host, port, timeout=read_timeout)
            self.connect_timeout = connect_timeout

        def connect(self) -> None:
            self.sock = socket.create_connection((self.host, self.port), self.connect_timeout)
            self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self.sock.settimeout(self.timeout)

    return Connection


def _client_error(status: int, headers: dict[str, str], body: bytes, operation: str):
    """The store's error reply as botocore's ``ClientError`` (what boto3 would have raised)."""
    from botocore.exceptions import ClientError

    def field(name: str) -> str:
        match = re.search(rf"<{name}>(.*?)</{name}>".encode(), body or b"", re.S)
        return match.group(1).decode("utf-8", "replace") if match else ""

    code = field("Code") or str(status)
    error = {"Code": code, "Message": field("Message") or HTTPStatus(status).phrase}
    meta = {"HTTPStatusCode": status, "HTTPHeaders": {k.lower(): v for k, v in headers.items()}}
    return ClientError({"Error": error, "ResponseMetadata": meta}, operation)


def _connection_error(url: str, exc: OSError):
    """A failed exchange as botocore's exception for it (what boto3 would have raised)."""
    from botocore import exceptions

    if isinstance(exc, _Unreachable):
        if isinstance(exc.cause, TimeoutError):
            return exceptions.ConnectTimeoutError(endpoint_url=url, error=exc.cause)
        return exceptions.EndpointConnectionError(endpoint_url=url, error=exc.cause)
    if isinstance(exc, TimeoutError):
        return exceptions.ReadTimeoutError(endpoint_url=url, error=exc)
    return exceptions.ConnectionClosedError(endpoint_url=url, error=exc)


_lean: dict[tuple, LeanS3 | None] = {}


def lean_transport(settings: Settings | None = None) -> LeanS3 | None:
    """The process's ``LeanS3`` for a plain-HTTP custom endpoint (None: use boto3 for all)."""
    settings = settings or get_settings()
    endpoint = settings.s3_endpoint or ""
    if urlparse(endpoint).scheme != "http" or not settings.s3_lean_transport:
        return None
    access, secret = _credentials(settings)
    cache_key = (endpoint, settings.s3_region, access, secret)
    with _clients_lock:
        if cache_key not in _lean:
            if access is not None and secret is not None:
                from botocore.credentials import Credentials

                credentials: Any = Credentials(access, secret)
            else:  # the standard AWS chain, as boto3 resolves it
                import boto3

                credentials = boto3.Session().get_credentials()
            _lean[cache_key] = (
                LeanS3(endpoint, settings.s3_region, credentials) if credentials else None
            )
        return _lean[cache_key]


def _error_code(exc: Exception) -> str:
    response = getattr(exc, "response", None) or {}
    return str(response.get("Error", {}).get("Code", ""))


def _is_precondition_failed(exc: Exception) -> bool:
    response = getattr(exc, "response", None) or {}
    status = response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    return _error_code(exc) in {"PreconditionFailed", "ConditionalRequestConflict"} or status in {
        409,
        412,
    }


def _is_not_found(exc: Exception) -> bool:
    return _error_code(exc) in {"NoSuchKey", "404", "NotFound"}


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class RecordStore:
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
                if _error_code(exc) not in {"BucketAlreadyOwnedByYou", "BucketAlreadyExists"}:
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
            if _is_not_found(exc):
                return None
            raise

    def _lean_get(
        self, key: str, version_id: str | None = None, max_bytes: int | None = None
    ) -> dict:
        """GetObject through ``LeanS3``, answered in boto3's shape (Body, ETag, VersionId, ...)."""
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
                    headers[_CONDITION_HEADERS[name]] = value
                self.lean.request("PUT", "PutObject", self.bucket, key, body=body, headers=headers)
            else:
                self.client.put_object(
                    Bucket=self.bucket, Key=key, Body=body, ContentType=content_type, **conditions
                )
        except ClientError as exc:
            if conditions and _is_precondition_failed(exc):
                return False
            raise
        return True

    def _keys(self, prefix: str) -> Iterator[dict]:
        paginator = self.client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=prefix):
            yield from page.get("Contents", [])

    # -- sources --------------------------------------------------------------------------------

    def upload_source(self, name: str, data: bytes, content_type: str | None = None) -> ObjectInfo:
        """Put a source under ``incoming/`` (a publisher's or the demo's upload)."""
        key = name if name.startswith(self.incoming_prefix) else self.incoming_prefix + name
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
        """Current objects under the incoming prefix (optionally modified at or after ``since``)."""
        prefix = prefix if prefix is not None else self.incoming_prefix
        if not prefix.startswith(self.incoming_prefix):
            prefix = self.incoming_prefix + prefix
        for item in self._keys(prefix):
            if item["Key"].endswith("/"):
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
            from worldview.errors import UnsupportedInputError

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
            written_at=_now(),
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
            if _is_not_found(exc):
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
            if current is not None:
                if not _supersedes(pointer, LatestPointer.model_validate(current)):
                    return
                condition = {"IfMatch": etag}
            else:
                condition = {"IfNoneMatch": "*"}
            if self._put(key, body, "application/json", **condition):
                return
        raise ConcurrentWriteError(f"{key}: gave up after {CAS_ATTEMPTS} conflicts")

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
            "failed_at": _now(),
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
        body = json.dumps({**info, "claimed_at": _now()}).encode()
        return self._put(
            self._claim_key(document_id, revision), body, "application/json", IfNoneMatch="*"
        )

    def release_claim(self, document_id: str, revision: str) -> None:
        """Give a claim back when its run could not be started (the next poll claims again)."""
        self.client.delete_object(Bucket=self.bucket, Key=self._claim_key(document_id, revision))

    def _claim_key(self, document_id: str, revision: str) -> str:
        return f"{CLAIMS_PREFIX}{document_id}/{revision}.json"


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

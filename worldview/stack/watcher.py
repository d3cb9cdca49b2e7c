"""Upload watcher: each new object version under incoming/ starts ``process-document`` once.

Where the store can tell, the watcher hears of uploads as they happen: the S3 -> SQS
notifications of AWS (``WORLDVIEW_SQS_QUEUE_URL``) or a SeaweedFS filer's metadata subscription
(``worldview.stack.filer``, on by default for the embedded store); elsewhere it polls
ListObjectsV2 every ``interval``. Prefect's ``emit_event`` reports success even when the server is
down, so no push is trusted to be complete: the watcher claims each (document, ETag) with a
conditional put (exactly one watcher wins, however many run), starts the deployment with an
idempotency key, and emits ``document.uploaded`` for the UI. If starting the run fails the claim
is released so the next poll retries; the scheduled ``ingest`` reconciles anything still missed
(a watcher that was down, a run that crashed).
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
from collections.abc import Callable
from datetime import datetime
from typing import Protocol
from urllib.parse import unquote_plus

from worldview.identity import document_id_for, source_uri
from worldview.storage import ObjectInfo, RecordStore

log = logging.getLogger("worldview.watcher")

PROCESS_DEPLOYMENT = "process-document/on-upload"
INGEST_DEPLOYMENT = "ingest/scheduled"
UPLOAD_EVENT = "document.uploaded"
# A burst (``burst`` or more uploads announced at once) is gathered until this long passes
# without another upload, at most BURST_MAX_S (one ingest run over 100 uploads, not 2-3).
BURST_QUIET_S = 0.3
BURST_MAX_S = 5.0


def create_process_run(bucket: str, obj: ObjectInfo, deployment: str = PROCESS_DEPLOYMENT):
    """Create a ``process-document`` flow run for the object (returns the run at once; whoever
    serves the deployment runs it: ``worldview serve`` hands it to its warm runner)."""
    from prefect.deployments import run_deployment

    return run_deployment(
        deployment,
        parameters={"source": {"key": obj.key, "bucket": bucket}},
        timeout=0,
        idempotency_key=f"s3://{bucket}/{obj.key}@{obj.etag}",
        as_subflow=False,
        tags=["upload"],
    )


def start_process_run(bucket: str, obj: ObjectInfo, deployment: str = PROCESS_DEPLOYMENT) -> str:
    return str(create_process_run(bucket, obj, deployment).id)


def create_ingest_run(bucket: str, objs: list[ObjectInfo], deployment: str = INGEST_DEPLOYMENT):
    """One ``ingest`` run for a burst of uploads, over exactly those objects (keyed by the burst,
    so it starts once)."""
    from prefect.deployments import run_deployment

    burst = hashlib.sha256("\n".join(sorted(f"{o.key}@{o.etag}" for o in objs)).encode())
    return run_deployment(
        deployment,
        parameters={"request": {"bucket": bucket, "only_keys": sorted({o.key for o in objs})}},
        timeout=0,
        idempotency_key=f"burst:s3://{bucket}:{burst.hexdigest()[:32]}",
        as_subflow=False,
        tags=["upload-burst"],
        flow_run_name=f"upload burst ({len(objs)} objects)",
    )


def start_ingest_run(
    bucket: str, objs: list[ObjectInfo], deployment: str = INGEST_DEPLOYMENT
) -> str:
    return str(create_ingest_run(bucket, objs, deployment).id)


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


def objects_in_s3_event(body: str, bucket: str, prefix: str) -> list[ObjectInfo]:
    """The objects an S3 event notification (as SQS delivers it) says were created."""
    try:
        records = json.loads(body).get("Records", [])  # s3:TestEvent has no records
    except (ValueError, AttributeError):
        return []
    objects = []
    for record in records:
        s3 = record.get("s3", {})
        if not str(record.get("eventName", "")).startswith("ObjectCreated"):
            continue
        if s3.get("bucket", {}).get("name") != bucket:
            continue
        key = unquote_plus(s3.get("object", {}).get("key", ""))
        if not key.startswith(prefix) or key.endswith("/"):
            continue
        objects.append(
            ObjectInfo(
                key=key,
                etag=str(s3["object"].get("eTag", "")).strip('"'),
                size=int(s3["object"].get("size", 0)),
                last_modified=datetime.fromisoformat(record["eventTime"].replace("Z", "+00:00")),
                version_id=s3["object"].get("versionId"),
            )
        )
    return objects


class SqsUploads:
    """Upload notifications from an SQS queue (AWS: S3 -> SQS for the incoming prefix).

    A message is deleted only after its objects were claimed and their runs started; otherwise
    it becomes visible again and the next receive retries it.
    """

    def __init__(
        self,
        queue_url: str,
        region: str,
        bucket: str,
        prefix: str,
        *,
        endpoint_url: str | None = None,
        credentials: dict | None = None,
    ) -> None:
        import boto3

        self.queue_url = queue_url
        self.bucket = bucket
        self.prefix = prefix
        # AWS: the standard credential chain; an SQS-compatible server: its endpoint and keys.
        self.client = boto3.client(
            "sqs", region_name=region, endpoint_url=endpoint_url, **(credentials or {})
        )
        self._receipts: list[str] = []

    @classmethod
    def from_settings(cls, settings, store: RecordStore) -> SqsUploads | None:
        """The queue ``WORLDVIEW_SQS_QUEUE_URL`` names, or None when the watcher should poll."""
        if not settings.sqs_queue_url:
            return None
        credentials = {}
        if settings.s3_access_key and settings.s3_secret_key:  # same account as the bucket
            credentials = {
                "aws_access_key_id": settings.s3_access_key,
                "aws_secret_access_key": settings.s3_secret_key,
            }
        return cls(
            settings.sqs_queue_url,
            settings.s3_region,
            store.bucket,
            store.incoming_prefix,
            endpoint_url=settings.sqs_endpoint,
            credentials=credentials,
        )

    def receive(self, wait_s: int) -> list[ObjectInfo]:
        response = self.client.receive_message(
            QueueUrl=self.queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=wait_s
        )
        objects = []
        for message in response.get("Messages", []):
            self._receipts.append(message["ReceiptHandle"])
            objects.extend(objects_in_s3_event(message["Body"], self.bucket, self.prefix))
        return objects

    def acknowledge(self) -> None:
        for receipt in self._receipts:
            self.client.delete_message(QueueUrl=self.queue_url, ReceiptHandle=receipt)
        self._receipts.clear()

    def forget(self) -> None:
        self._receipts.clear()  # not deleted: SQS delivers them again


class Notifications(Protocol):
    """Where uploads are announced: ``receive`` waits up to ``wait_s`` for some; ``acknowledge``
    once their runs started, ``forget`` when one could not start (it is delivered again)."""

    def receive(self, wait_s: int) -> list[ObjectInfo]: ...

    def acknowledge(self) -> None: ...

    def forget(self) -> None: ...


class UploadWatcher:
    """Watches the incoming prefix; one claimed upload -> one ``process-document`` run, a burst
    of ``burst`` or more claimed in one poll -> one ``ingest`` run over those objects (in
    batches: a task run per batch, not per step and document, so bursts keep ingest's pace).

    ``notifications`` (``FilerUploads`` or ``SqsUploads``; ``sqs`` is the older name) replaces
    the listing: each poll then waits for announced uploads instead of sleeping ``interval``."""

    def __init__(
        self,
        store: RecordStore,
        *,
        prefix: str | None = None,
        interval: float = 1.0,
        burst: int = 4,
        launch: Callable[[str, ObjectInfo], str] = start_process_run,
        launch_batch: Callable[[str, list[ObjectInfo]], str] | None = start_ingest_run,
        emit: Callable[[str, ObjectInfo, str | None], None] | None = emit_uploaded,
        sqs: SqsUploads | None = None,
        notifications: Notifications | None = None,
    ) -> None:
        self.store = store
        self.sqs = notifications or sqs
        self.prefix = prefix
        self.interval = interval
        self.burst = burst
        self.launch = launch
        self.launch_batch = launch_batch
        self.emit = emit
        self._seen: set[tuple[str, str]] = set()
        self._stop = threading.Event()
        self.launch_failed = False

    def skip_recorded(self) -> None:
        """At start-up, leave alone what already has a record or a recorded failure."""
        index = self.store.read_index()
        failed = {(doc_id, etag) for doc_id, etag, _ in self.store.failed_revisions()}
        for obj in self.store.list_incoming(self.prefix):
            doc_id = document_id_for(source_uri(self.store.bucket, obj.key))
            pointer = index.get(doc_id)
            recorded = pointer is not None and pointer.source_etag == obj.etag
            if recorded or (doc_id, obj.etag) in failed:
                self._seen.add((obj.key, obj.etag))

    def poll_once(self) -> list[tuple[ObjectInfo, str]]:
        """Claim what is new and start its run(s); return (object, flow run id) per upload."""
        claimed: list[tuple[str, ObjectInfo]] = []
        if self.sqs is not None:
            candidates = self.sqs.receive(wait_s=max(1, int(self.interval)))
            self.launch_failed = False
            # a rescan or a repeated announcement is not a burst: count only what is new
            candidates = [o for o in candidates if (o.key, o.etag) not in self._seen]
            if self.launch_batch is not None and len(candidates) >= self.burst:
                candidates += self._rest_of_burst()
        else:
            candidates = list(self.store.list_incoming(self.prefix))
        for obj in candidates:
            if (obj.key, obj.etag) in self._seen:
                continue
            document_id = document_id_for(source_uri(self.store.bucket, obj.key))
            info = {"key": obj.key, "etag": obj.etag, "size": obj.size}
            if self.store.claim(document_id, obj.etag, info):
                claimed.append((document_id, obj))
            self._seen.add((obj.key, obj.etag))
        started = self._launch(claimed)
        if self.sqs is not None:
            if len(started) == len(claimed):
                self.sqs.acknowledge()
            else:
                self.sqs.forget()
        self._mark_started(started)
        for obj, run_id in started:
            if self.emit is not None:
                try:
                    self.emit(self.store.bucket, obj, run_id)
                except Exception as exc:  # the event is for the UI; the run is what counts
                    log.warning("could not emit %s for %s: %s", UPLOAD_EVENT, obj.key, exc)
        return started

    def _launch(self, claimed: list[tuple[str, ObjectInfo]]) -> list[tuple[ObjectInfo, str]]:
        """Start the runs of claimed uploads: one ``ingest`` run for a burst, else one run each;
        a claim whose run could not start is released (the next poll tries again)."""
        if self.launch_batch is not None and len(claimed) >= self.burst:
            objs = [obj for _, obj in claimed]
            try:
                run_id = self.launch_batch(self.store.bucket, objs)
            except Exception as exc:
                self._release(claimed, exc)
                return []
            return [(obj, run_id) for obj in objs]
        started: list[tuple[ObjectInfo, str]] = []
        for document_id, obj in claimed:
            try:
                started.append((obj, self.launch(self.store.bucket, obj)))
            except Exception as exc:
                self._release([(document_id, obj)], exc)
        return started

    # -- claims whose run never started (issue 15) -----------------------------------------------

    def _mark_started(self, started: list[tuple[ObjectInfo, str]]) -> None:
        """Mark each claim's run as started; without the mark the claim is re-driven later (a
        run started twice is one run: its idempotency key; or one version: conditional puts)."""
        for obj, run_id in started:
            document_id = document_id_for(source_uri(self.store.bucket, obj.key))
            try:
                self.store.claim_started(document_id, obj.etag, run_id)
            except Exception as exc:
                log.warning("could not mark the run of %s as started: %r", obj.key, exc)

    def redrive(self) -> list[tuple[ObjectInfo, str]]:
        """Start the runs of claimed uploads whose run never started: a watcher that died
        between claiming an upload and starting its run left a claim that no watcher would ever
        take again. Claims older than ``WORLDVIEW_CLAIM_GRACE_S`` without a started mark, of
        uploads still current and with neither a record nor an error record, are taken over
        (one watcher wins) and started; claims whose upload is done (or replaced) are deleted.
        Runs at start-up and every ``WORLDVIEW_CLAIM_CHECK_S``."""
        from datetime import UTC, datetime, timedelta

        claims = self.store.claims()
        if not claims:
            return []
        grace = timedelta(seconds=self.store.settings.claim_grace_s)
        index = self.store.read_index()
        failed = {(doc_id, etag) for doc_id, etag, _ in self.store.failed_revisions()}
        current = {
            (document_id_for(source_uri(self.store.bucket, obj.key)), obj.etag): obj
            for obj in self.store.list_incoming(self.prefix)
        }
        done, stranded = [], []
        now = datetime.now(UTC)
        for (doc_id, revision), (claimed_at, started) in claims.items():
            obj = current.get((doc_id, revision))
            pointer = index.get(doc_id)
            recorded = pointer is not None and pointer.source_etag == revision
            if recorded or (doc_id, revision) in failed or (obj is None and not self.prefix):
                done.append((doc_id, revision))
            elif obj is not None and not started and now - claimed_at > grace:
                info = {"key": obj.key, "etag": obj.etag, "size": obj.size, "redriven": True}
                if self.store.take_over_claim(doc_id, revision, info):
                    stranded.append((doc_id, obj))
        if done:
            self.store.forget_claims(done)
        return self._start(stranded)

    def _start(self, claimed: list[tuple[str, ObjectInfo]]) -> list[tuple[ObjectInfo, str]]:
        started = self._launch(claimed)
        self._mark_started(started)
        for obj, run_id in started:
            log.info("%s: its claimed run never started; started %s", obj.key, run_id)
        return started

    def _rest_of_burst(self) -> list[ObjectInfo]:
        """Uploads are arriving many at once: take in the rest of them too (until
        ``BURST_QUIET_S`` pass without one, ``BURST_MAX_S`` at most), so that the burst becomes
        one ``ingest`` run and not a few that compete for the same cores."""
        assert self.sqs is not None
        more: list[ObjectInfo] = []
        now = time.monotonic()
        deadline, quiet_until = now + BURST_MAX_S, now + BURST_QUIET_S
        while time.monotonic() < min(deadline, quiet_until):
            arrived = self.sqs.receive(wait_s=0)
            if arrived:
                more += arrived
                quiet_until = time.monotonic() + BURST_QUIET_S
            else:
                time.sleep(0.05)
        return more

    def _release(self, claimed: list[tuple[str, ObjectInfo]], exc: Exception) -> None:
        """Starting the run failed: give the claims back so the next poll tries again."""
        self.launch_failed = True
        for document_id, obj in claimed:
            self.store.release_claim(document_id, obj.etag)
            self._seen.discard((obj.key, obj.etag))
            log.warning("could not start a run for %s (will retry): %r", obj.key, exc)

    def run(self) -> None:
        import time

        started = False
        next_redrive = 0.0
        while not self._stop.is_set():
            try:
                if not started:  # the store may not answer yet: retry, never end the thread
                    self.skip_recorded()
                    started = True
                if time.monotonic() >= next_redrive:  # at start-up, then every claim_check_s
                    next_redrive = time.monotonic() + self.store.settings.claim_check_s
                    self.redrive()
                for obj, run_id in self.poll_once():
                    log.info("%s -> flow run %s", obj.key, run_id)
                if self.sqs is not None and not self.launch_failed:
                    continue  # the next receive waits for announced uploads itself
            except Exception as exc:  # store briefly unreachable: keep polling
                log.warning("watch poll failed: %s", exc)
            self._stop.wait(self.interval)

    def start_thread(self) -> threading.Thread:
        thread = threading.Thread(target=self.run, name="upload-watcher", daemon=True)
        thread.start()
        return thread

    def stop(self) -> None:
        self._stop.set()

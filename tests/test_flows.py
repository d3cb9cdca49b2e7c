"""The Prefect flows against real servers: the session's ``weed mini`` and Prefect test harness.

Mocks only inject faults (the store going down in the middle of a batch).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from flows.ingest import IngestRequest, run_ingest
from flows.process_document import SourceObject, process_document_flow
from worldview.identity import document_id_for, source_uri
from worldview.record import Record

REPO = Path(__file__).resolve().parents[1]
SAMPLES = sorted((REPO / "samples" / "articles").iterdir())
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4

pytestmark = pytest.mark.usefixtures("prefect_harness")


def upload_samples(store, n: int) -> list[str]:
    return [store.upload_source(p.name, p.read_bytes()).key for p in SAMPLES[:n]]


def doc_id(store, key: str) -> str:
    return document_id_for(source_uri(store.bucket, key))


def all_records_valid(store) -> int:
    """Every stored version parses as a valid record (nothing partial or corrupt); the count."""
    count = 0
    for item in store._keys(store.records_prefix):
        if item["Key"].rsplit("/", 1)[-1].startswith("v"):
            body = store.client.get_object(Bucket=store.bucket, Key=item["Key"])["Body"].read()
            Record.model_validate_json(body)
            count += 1
    return count


def test_process_document_writes_a_record_and_an_artifact(store):
    from prefect.artifacts import Artifact

    key = upload_samples(store, 1)[0]
    outcome = process_document_flow(SourceObject(key=key, bucket=store.bucket))
    assert outcome.status == "written" and outcome.version == 1
    record = store.get_version(doc_id(store, key), 1)
    assert record.metadata.title == outcome.title
    assert record.provenance.model is None  # themes off in the tests
    assert set(record.provenance.steps_ms) >= {"decode", "clean", "segment", "validate"}
    artifact = Artifact.get("process-document")
    assert artifact is not None and outcome.record_key in str(artifact.data)


def test_process_document_quarantines_a_bad_upload(store):
    info = store.upload_source("broken.png", PNG)
    source = SourceObject(key=info.key, bucket=store.bucket)
    state = process_document_flow(source, return_state=True)
    assert state.is_failed() and "quarantined" in state.message
    (doc, etag, _config), *_ = store.failed_revisions()
    assert doc == doc_id(store, info.key) and etag == info.etag
    assert store.list_versions(doc) == []


def test_ingest_quarantines_a_bad_document_and_the_rest_of_the_batch_succeeds(store):
    keys = upload_samples(store, 3)
    bad = store.upload_source("scan.png", PNG).key
    empty = store.upload_source("empty.txt", b"  \n\n ").key
    summary = run_ingest(IngestRequest(bucket=store.bucket, batch_size=2))
    by_key = {o.key: o for o in summary.outcomes}
    assert {by_key[k].status for k in keys} == {"written"}
    assert by_key[bad].status == by_key[empty].status == "failed"
    assert by_key[bad].step == "decode"
    error = store.get_error(by_key[bad].error_key)
    assert error["source_key"] == bad and error["quarantine_key"].startswith("quarantine/")
    assert summary.totals == {"written": 3, "failed": 2, "total": 5}
    assert set(store.read_index()) == {doc_id(store, k) for k in keys}

    # Re-ingest: nothing new, nothing retried, nothing written.
    before = sorted(o["Key"] for o in store._keys(""))
    again = run_ingest(IngestRequest(bucket=store.bucket))
    assert again.totals == {"total": 0}
    assert sorted(o["Key"] for o in store._keys("")) == before


def test_ingest_spreads_the_documents_evenly_over_its_concurrent_batches(store, monkeypatch):
    """By default one batch task run per thread (each task run costs the Prefect server CPU),
    more only past ``WORLDVIEW_INGEST_BATCH_SIZE`` documents per batch; the run's task runs share
    one API client (every Prefect client loads the CA bundle into a new SSL context)."""
    import ssl

    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    from flows.ingest import even_batches
    from worldview.settings import get_settings

    assert [len(b) for b in even_batches(list(range(500)), 4, 250)] == [125] * 4
    assert [len(b) for b in even_batches(list(range(1001)), 4, 250)] == [200] * 4 + [201]
    assert even_batches(list(range(3)), 4, 250) == [[0], [1], [2]]
    assert even_batches([], 4, 250) == []
    items = list(range(10))
    assert [len(b) for b in even_batches(items, 4, 250)] == [2, 3, 2, 3]
    assert [i for batch in even_batches(items, 4, 250) for i in batch] == items

    upload_samples(store, 10)
    contexts = []
    create_default_context = ssl.create_default_context

    def counted(*args, **kwargs):
        contexts.append(1)
        return create_default_context(*args, **kwargs)

    monkeypatch.setattr(ssl, "create_default_context", counted)
    state = run_ingest(IngestRequest(bucket=store.bucket), return_state=True)
    monkeypatch.undo()
    print(f"\n[ingest] SSL contexts built during the run: {len(contexts)}")
    assert state.result().totals == {"written": 10, "total": 10}
    # The server records task runs from the client's events, a moment after the flow run ends:
    # wait until it has all 13 (contract, find, 8 batches, index, exports, summary) in a final
    # state.
    run_filter = FlowRunFilter(id=FlowRunFilterId(any_=[state.state_details.flow_run_id]))
    deadline = time.monotonic() + 30
    with get_client(sync_client=True) as client:
        while True:
            runs = client.read_task_runs(flow_run_filter=run_filter)
            done = [run for run in runs if run.state is not None and run.state.is_final()]
            if len(done) >= 13 or time.monotonic() > deadline:
                break
            time.sleep(0.2)
    batches = [run for run in runs if run.name.startswith("process-batch")]
    assert len(batches) == get_settings().ingest_concurrency == 8
    # A few for the run itself (6 with Prefect 3.9), not two per task run (24 before they shared).
    assert len(contexts) <= 8, f"{len(contexts)} SSL contexts for {len(runs)} task runs"


def test_changed_source_writes_v2_and_v1_stays_readable(store):
    key = upload_samples(store, 1)[0]
    run_ingest(IngestRequest(bucket=store.bucket))
    original = store.get_version(doc_id(store, key), 1)
    changed = SAMPLES[0].read_bytes() + b"\n\nAn update the editors added later.\n"
    store.upload_source(key, changed)
    summary = run_ingest(IngestRequest(bucket=store.bucket))
    assert [(o.status, o.version) for o in summary.outcomes] == [("written", 2)]
    assert store.get_version(doc_id(store, key), 1).source.sha256 == original.source.sha256
    assert store.latest(doc_id(store, key)).version == 2


def test_two_concurrent_runs_on_one_document_write_one_version(store):
    key = upload_samples(store, 1)[0]
    source = SourceObject(key=key, bucket=store.bucket)
    with ThreadPoolExecutor(2) as pool:
        outcomes = list(pool.map(lambda _: process_document_flow(source), range(2)))
    assert sorted(o.status for o in outcomes) == ["unchanged", "written"]
    assert store.list_versions(doc_id(store, key)) == [1]


def test_store_down_mid_batch_fails_the_run_and_leaves_no_partial_record(
    store, object_store, monkeypatch
):
    import flows.ingest
    from worldview.storage import RecordStore

    keys = upload_samples(store, 4)
    real_put_version = RecordStore.put_version
    calls = []

    def put_version_then_crash(self, record, **kwargs):  # fault injection: the store dies
        calls.append(record.document_id)
        if len(calls) == 2:
            object_store.stop()
        return real_put_version(self, record, **kwargs)

    monkeypatch.setattr(RecordStore, "put_version", put_version_then_crash)
    monkeypatch.setattr(
        flows.ingest,
        "process_batch_task",
        flows.ingest.process_batch_task.with_options(retries=1, retry_delay_seconds=0),
    )
    state = run_ingest(IngestRequest(bucket=store.bucket, batch_size=10), return_state=True)
    assert state.is_failed()
    store_errors = ("Could not connect", "Connection was closed", "timeout", "Connect")
    assert any(text in state.message for text in store_errors), state.message

    object_store.start()
    monkeypatch.undo()
    assert all_records_valid(store) == 1  # the one written before the outage, complete
    summary = run_ingest(IngestRequest(bucket=store.bucket))  # reconciles the rest
    assert summary.totals["written"] == 3
    assert all_records_valid(store) == 4
    assert set(store.read_index()) == {doc_id(store, k) for k in keys}


@pytest.fixture
def served_deployments(object_store):
    """``worldview serve --no-watch`` in a subprocess, against the harness's Prefect server."""
    from prefect.settings import PREFECT_API_URL

    env = {
        **os.environ,
        "PREFECT_API_URL": PREFECT_API_URL.value(),
        "WORLDVIEW_INGEST_CRON": "0 0 1 1 *",  # no scheduled ingest during the test
    }
    log = object_store.data_dir / "serve.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "worldview.cli", "serve", "--no-watch"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=REPO,
            start_new_session=True,
        )
    try:
        yield log
    finally:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()


def test_an_upload_becomes_a_record_via_the_watcher(store, served_deployments):
    from worldview.stack.watcher import UploadWatcher

    watcher = UploadWatcher(store)
    watcher.skip_recorded()
    info = store.upload_source(SAMPLES[0].name, SAMPLES[0].read_bytes())
    deadline = time.monotonic() + 60
    started = []
    while not started and time.monotonic() < deadline:  # the deployment registers at start-up
        started = watcher.poll_once()
        time.sleep(0.5)
    assert [obj.key for obj, _ in started] == [info.key], served_deployments.read_text()[-2000:]
    # A second watcher (or a second poll) never claims the same upload again.
    assert UploadWatcher(store).poll_once() == [] and watcher.poll_once() == []

    document_id = doc_id(store, info.key)
    while time.monotonic() < deadline and not store.list_versions(document_id):
        time.sleep(0.5)
    assert store.list_versions(document_id) == [1], served_deployments.read_text()[-3000:]
    assert store.latest(document_id).source_etag == info.etag


def test_watcher_claims_each_upload_once_and_sends_a_burst_to_one_ingest_run(store):
    from worldview.stack.watcher import UploadWatcher

    singles, bursts = [], []

    def watcher():
        return UploadWatcher(
            store,
            burst=3,
            launch=lambda bucket, obj: singles.append(obj.key) or "run-single",
            launch_batch=lambda bucket, objs: bursts.append([o.key for o in objs]) or "run-batch",
            emit=None,
        )

    first, second = watcher(), watcher()
    one = store.upload_source("one.txt", SAMPLES[0].read_bytes()).key
    assert [obj.key for obj, _ in first.poll_once()] == [one] and singles == [one]
    keys = upload_samples(store, 3)
    started = first.poll_once()
    assert {run for _, run in started} == {"run-batch"} and bursts == [sorted(keys)]
    assert second.poll_once() == [] and first.poll_once() == []  # every version claimed once

    def failing_launch(bucket, obj):
        raise ConnectionError("Prefect is down")

    retry = UploadWatcher(store, launch=failing_launch, launch_batch=None, emit=None)
    changed = store.upload_source("one.txt", SAMPLES[1].read_bytes())
    assert retry.poll_once() == []  # claim released: the next poll (or ingest) gets it
    retry.launch = lambda bucket, obj: "run-again"
    assert [(obj.etag, run) for obj, run in retry.poll_once()] == [(changed.etag, "run-again")]


def test_ingest_on_a_local_dask_cluster(store):
    """The backfill set-up of the README: the same flow with prefect-dask's runner on a local
    cluster of worker processes (task arguments are pickled to them)."""
    from prefect_dask import DaskTaskRunner

    keys = upload_samples(store, 5)
    runner = DaskTaskRunner(
        cluster_kwargs={"n_workers": 2, "threads_per_worker": 1, "processes": True}
    )
    summary = run_ingest(IngestRequest(bucket=store.bucket, batch_size=2), task_runner=runner)
    assert summary.totals.get("written") == 5
    assert {o.key for o in summary.outcomes} == set(keys)
    assert len(store.read_index()) == 5
    assert all_records_valid(store) == 5


# --- issue 15: one bad object never stops the pipeline -----------------------------------------


def test_one_long_key_does_not_stop_the_run(store):
    """Case 1: a source key near the store's limit made the quarantine key too long; the batch
    took KeyTooLongError for an outage, retried and failed the run before the index was
    written. Now the document fails alone, the others are written and indexed, and the next run
    has nothing to do. Case 8: the run says how many documents failed, in its state."""
    keys = upload_samples(store, 3)
    long_key = store.upload_source("long/" + "x" * 979 + ".pdf", b"%PDF-1.7\n%cut short\n").key
    state = run_ingest(IngestRequest(bucket=store.bucket, batch_size=2), return_state=True)
    assert state.is_completed(), state.message
    assert state.name == "CompletedWithFailures"
    assert state.message.startswith("1 of 4 documents failed"), state.message
    summary = state.result()
    by_key = {o.key: o for o in summary.outcomes}
    assert by_key[long_key].status == "failed" and by_key[long_key].error_key
    assert set(store.read_index()) == {doc_id(store, k) for k in keys}
    again = run_ingest(IngestRequest(bucket=store.bucket), return_state=True)
    assert again.result().totals == {"total": 0}
    assert again.name == "Completed" and again.message == "0 documents: nothing new"


def test_a_run_publishes_the_index_for_what_it_wrote_when_a_batch_fails(store, monkeypatch):
    """Case 1: the store refuses one batch's writes for good (an injected outage on one
    document's record key); the run fails and says so, but the other batches' records are in
    the index (before, the failing batch stopped the run before the index was written)."""
    import flows.ingest
    from worldview.storage import LeanS3

    keys = upload_samples(store, 4)
    doomed = doc_id(store, keys[-1])
    real_send = LeanS3.send

    def refuse_one_document(self, method, url, *args, **kwargs):
        if method == "PUT" and f"/records/{doomed}/" in url:
            raise ConnectionResetError("injected: the store drops this connection")
        return real_send(self, method, url, *args, **kwargs)

    monkeypatch.setattr(LeanS3, "send", refuse_one_document)
    monkeypatch.setattr(
        flows.ingest,
        "process_batch_task",
        flows.ingest.process_batch_task.with_options(retries=1, retry_delay_seconds=0),
    )
    state = run_ingest(IngestRequest(bucket=store.bucket, batch_size=2), return_state=True)
    assert state.is_failed() and state.message.startswith("1 of 2 batches failed"), state.message
    indexed = set(store.read_index())
    assert {doc_id(store, k) for k in keys[:2]} <= indexed and doomed not in indexed
    monkeypatch.undo()
    summary = run_ingest(IngestRequest(bucket=store.bucket))
    assert set(store.read_index()) == {doc_id(store, k) for k in keys}, summary.totals


def test_since_without_a_timezone_does_not_crash_ingest(store):
    """Case 7: the UI's form sends ``since`` without a zone (a naive datetime): it is UTC."""
    from datetime import datetime, timedelta

    keys = upload_samples(store, 2)
    request = IngestRequest.model_validate(
        {"bucket": store.bucket, "since": (datetime.utcnow() - timedelta(hours=1)).isoformat()}  # noqa: DTZ003
    )
    assert request.since is not None and request.since.utcoffset() == timedelta(0)
    state = run_ingest(request, return_state=True)
    assert state.is_completed(), state.message
    assert state.result().totals == {"written": 2, "total": 2}
    assert set(store.read_index()) == {doc_id(store, k) for k in keys}


def test_process_document_of_a_deleted_source_is_quarantined_at_once(store):
    """Case 1 in the per-upload flow: the store refusing one object (NoSuchKey: deleted after
    the watcher saw it) is that document's failure: no retries, an error record, a clear end."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    key = "incoming/deleted-since.txt"
    state = process_document_flow(SourceObject(key=key, bucket=store.bucket), return_state=True)
    assert state.is_failed() and "quarantined" in state.message, state.message
    assert "NoSuchKey" in state.message, state.message
    ((document, _etag, _config),) = store.failed_revisions()
    assert document == doc_id(store, key)
    run_filter = FlowRunFilter(id=FlowRunFilterId(any_=[state.state_details.flow_run_id]))
    with get_client(sync_client=True) as client:
        runs = client.read_task_runs(flow_run_filter=run_filter)
    fetches = [run for run in runs if run.name.startswith("fetch")]
    assert fetches and all(run.run_count == 1 for run in fetches), "fetched once, not retried"

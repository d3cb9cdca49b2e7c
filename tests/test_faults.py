"""Faults against the real stack: the object store killed mid-batch, the disk under it full, two
watchers at once, the same object uploaded twice within a second, the Prefect server restarted.

For each, what the user sees (the flow run's state and message, printed with ``pytest -s``) and an
audit of the bucket afterwards: every ``records/`` object parses and validates, every document's
versions are 1..N with no gap, no two consecutive versions are the same record (nothing written
twice), ``latest.json`` and the index point at versions that exist, and after the reconciling
``ingest`` every upload has a record of its current content. Mocks only inject faults.
"""

from __future__ import annotations

import errno
import hashlib
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from worldview.extract.validate import validate_record
from worldview.identity import document_id_for, record_fingerprint, source_uri
from worldview.record import Record

REPO = Path(__file__).resolve().parents[1]
SAMPLES = sorted(p for p in (REPO / "samples" / "articles").glob("*") if p.is_file())


# --- helpers ---------------------------------------------------------------------------------


def documents(n: int) -> list[tuple[str, bytes]]:
    """``n`` distinct sources: the samples, then plain-text analyses numbered to be unique."""
    docs = [(p.name, p.read_bytes()) for p in SAMPLES[:n]]
    docs += [(f"generated-{i:03d}.txt", generated(i)) for i in range(len(docs), n)]
    return docs


def generated(i: int) -> bytes:
    return (
        f"Moscow's Signals to the West, Part {i}\n\nBy Anna Petersen\n\n"
        f"Russia's foreign ministry issued statement number {i} on the talks. Officials said "
        "the United States must accept Russia's security interests.\n\n"
        "Analysts in Brussels read the statement as an opening bid rather than a final "
        "position. Dr. Markova called it “a test of Western resolve.”\n"
    ).encode()


def upload(store, docs: list[tuple[str, bytes]]) -> dict[str, str]:
    """Upload; return {key: sha256 of what was uploaded last under that key}."""
    return {
        store.upload_source(name, data).key: hashlib.sha256(data).hexdigest() for name, data in docs
    }


def doc_id(store, key: str) -> str:
    return document_id_for(source_uri(store.bucket, key))


def audit(store) -> dict[str, list[Record]]:
    """Check the invariants of the records area; return each document's versions, in order."""
    versions: dict[str, dict[int, Record]] = {}
    for item in store._keys(store.records_prefix):
        key = item["Key"]
        document_id, name = key[len(store.records_prefix) :].split("/", 1)
        if name == "latest.json":
            continue
        assert name.startswith("v") and name.endswith(".json"), f"unexpected object {key}"
        body = store.client.get_object(Bucket=store.bucket, Key=key)["Body"].read()
        record = Record.model_validate_json(body)  # complete and well-formed, or this raises
        validate_record(record.model_dump(mode="json"))
        number = int(name[1:-5])
        assert record.version == number and record.document_id == document_id, key
        versions.setdefault(document_id, {})[number] = record
    ordered = {}
    for document_id, by_number in versions.items():
        numbers = sorted(by_number)
        assert numbers == list(range(1, len(numbers) + 1)), f"{document_id}: gap in {numbers}"
        records = [by_number[n] for n in numbers]
        for older, newer in zip(records, records[1:], strict=False):
            assert record_fingerprint(older) != record_fingerprint(newer), (
                f"{document_id}: v{newer.version} repeats v{older.version}"
            )
        pointer = store.latest(document_id)
        assert pointer is not None and pointer.version == numbers[-1], document_id
        ordered[document_id] = records
    for document_id, pointer in store.read_index().items():
        assert document_id in ordered, f"index points at a document with no record: {document_id}"
        assert 1 <= pointer.version <= len(ordered[document_id]), (document_id, pointer.version)
    return ordered


def assert_every_upload_has_its_record(store, uploaded: dict[str, str], records) -> None:
    for key, sha in uploaded.items():
        document_id = doc_id(store, key)
        assert document_id in records, f"no record for {key}"
        assert records[document_id][-1].source.sha256 == sha, f"{key}: latest is not current"
    index = store.read_index()
    assert {doc_id(store, k) for k in uploaded} <= set(index)
    for key in uploaded:
        pointer = index[doc_id(store, key)]
        assert pointer.version == len(records[doc_id(store, key)]), key


def wait_until(condition, timeout: float, interval: float = 0.2) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return condition()


def record_count(store) -> int:
    return sum(1 for i in store._keys(store.records_prefix) if "/v" in i["Key"])


def say(what: str, state) -> None:
    print(f"\n[{what}] the user sees: {state.type.value}: {state.message}")


@pytest.fixture
def quick_retries(monkeypatch):
    """Batch retries after 1 s instead of 2 s and 10 s (the behaviour is the same, only faster)."""
    import flows.ingest

    monkeypatch.setattr(
        flows.ingest,
        "process_batch_task",
        flows.ingest.process_batch_task.with_options(retries=2, retry_delay_seconds=1),
    )


# --- the object store killed and restarted mid-batch -----------------------------------------


@pytest.mark.timeout(600)
def test_store_killed_and_restarted_mid_batch(store, object_store, prefect_harness, quick_retries):
    """SIGKILL (no clean shutdown, no flush) while ``ingest`` writes, restart two seconds later."""
    from flows.ingest import IngestRequest, run_ingest
    from worldview.stack import objectstore, processes

    uploaded = upload(store, documents(16))
    outcome = {}
    run = threading.Thread(
        target=lambda: outcome.setdefault(
            "state",
            run_ingest(IngestRequest(bucket=store.bucket, batch_size=2), return_state=True),
        )
    )
    run.start()
    assert wait_until(lambda: record_count(store) >= 2, 120), "ingest wrote nothing"
    pid = processes.running_pid(object_store.data_dir, objectstore.NAME, objectstore.MARKER)
    os.killpg(pid, signal.SIGKILL)
    wait_until(lambda: _reaped(pid), 10)
    time.sleep(2)
    object_store.start()
    run.join(240)
    assert not run.is_alive(), "ingest hangs after the store came back"
    state = outcome["state"]
    say("store killed mid-batch", state)
    assert state.is_completed() or state.is_failed(), state  # a clear end, never 'crashed'
    if state.is_failed():
        assert state.message

    from flows.ingest import IngestRequest as Request

    summary = run_ingest(Request(bucket=store.bucket))  # the scheduled reconcile
    print(f"[store killed mid-batch] reconcile: {summary.totals}")
    records = audit(store)
    assert all(len(v) == 1 for v in records.values()), {k: len(v) for k, v in records.items()}
    assert_every_upload_has_its_record(store, uploaded, records)


def _reaped(pid: int) -> bool:
    try:
        finished, _ = os.waitpid(pid, os.WNOHANG)
        if finished == pid:
            return True
    except ChildProcessError:
        pass
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


# --- disk full under the embedded store ------------------------------------------------------


@pytest.fixture
def store_on_small_disk(tmp_path, monkeypatch):
    """A second ``weed mini`` whose data lives on a 40 MB tmpfs (needs root to mount)."""
    from fixtures_servers import TEST_KEY, TEST_SECRET, WeedHandle

    from worldview.settings import get_settings
    from worldview.storage import RecordStore

    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=40m", "tmpfs", str(disk)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {mounted.stderr.decode().strip()}")
    handle = WeedHandle(disk / "data")
    try:
        handle.start()
        monkeypatch.setenv("WORLDVIEW_S3_ENDPOINT", handle.endpoint)
        monkeypatch.setenv("WORLDVIEW_S3_ACCESS_KEY", TEST_KEY)
        monkeypatch.setenv("WORLDVIEW_S3_SECRET_KEY", TEST_SECRET)
        get_settings.cache_clear()
        small = RecordStore.from_settings(get_settings(), bucket="small-disk")
        small.ensure_bucket()
        yield small, disk, handle
    finally:
        handle.stop()
        get_settings.cache_clear()
        for _ in range(20):
            if subprocess.run(["umount", str(disk)], capture_output=True).returncode == 0:
                break
            time.sleep(0.5)


def fill(disk: Path) -> Path:
    """Write a file until the disk refuses (ENOSPC); return it (delete it to free the disk)."""
    filler = disk / "filler.bin"
    chunk = b"\0" * 65536
    with filler.open("wb", buffering=0) as fh:
        try:
            while True:
                fh.write(chunk)
        except OSError as exc:
            assert exc.errno == errno.ENOSPC, exc
    with filler.open("ab", buffering=0) as fh:  # and the last few bytes
        try:
            while True:
                fh.write(b"\0" * 512)
        except OSError:
            pass
    return filler


@pytest.mark.timeout(600)
def test_disk_full_under_the_store(store_on_small_disk, prefect_harness, quick_retries):
    """The store's disk fills up during a batch: writes fail, nothing is half-written, and once
    space is back the next ingest writes every record."""
    from flows.ingest import IngestRequest, run_ingest

    small, disk, handle = store_on_small_disk
    uploaded = upload(small, documents(8))
    filler = fill(disk)
    state = run_ingest(IngestRequest(bucket=small.bucket, batch_size=2), return_state=True)
    say("disk full", state)
    assert state.is_failed() or state.is_completed(), state
    if state.is_completed():  # only possible if the store still found room for the records
        print(f"[disk full] completed anyway: {state.result().totals}")
    records_while_full = audit(small)
    print(f"[disk full] records stored while full: {len(records_while_full)}")

    filler.unlink()
    t0 = time.monotonic()
    recovered = wait_until(lambda: _can_write(small), 60, interval=1)
    if recovered:
        print(f"[disk full] the store accepts writes again {time.monotonic() - t0:.0f} s after")
    else:  # SeaweedFS keeps a full volume read-only: the operator restarts the store
        print("[disk full] the store still refuses writes 60 s after space was freed; restarting")
        handle.stop()
        handle.start()
        assert wait_until(lambda: _can_write(small), 60, interval=1), "no writes after restart"
    summary = run_ingest(IngestRequest(bucket=small.bucket))
    print(f"[disk full] after freeing space: {summary.totals}")
    records = audit(small)
    assert all(len(v) == 1 for v in records.values())
    assert_every_upload_has_its_record(small, uploaded, records)


DISK_FULL_REPLY = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>InternalError</Code><Message>We '
    b"encountered an internal error, please try again.</Message></Error>"
)


@pytest.mark.timeout(600)
def test_disk_full_injected_at_the_store_boundary(store, prefect_harness, quick_retries):
    """Where no small disk can be mounted (not root), the same fault at the HTTP boundary: every
    PUT gets the reply SeaweedFS gives on a full disk (HTTP 500 InternalError; see
    ``test_disk_full_under_the_store``). Reads still work, as they do on a full disk. Injected
    where each transport sends: urllib3 under boto3, ``LeanS3.send`` on the lean GET/PUT path."""
    import io

    import urllib3

    from flows.ingest import IngestRequest, run_ingest
    from worldview.storage import LeanS3

    uploaded = upload(store, documents(6))
    real_urlopen = urllib3.connectionpool.HTTPConnectionPool.urlopen
    real_send = LeanS3.send
    refused = []

    def disk_full(self, method, url, *args, **kwargs):
        if method != "PUT":
            return real_urlopen(self, method, url, *args, **kwargs)
        refused.append(url)
        return urllib3.HTTPResponse(
            body=io.BytesIO(DISK_FULL_REPLY),
            status=500,
            headers={"Content-Type": "application/xml"},
            preload_content=False,
        )

    def lean_disk_full(self, method, url, *args, **kwargs):
        if method != "PUT":
            return real_send(self, method, url, *args, **kwargs)
        refused.append(url)
        return 500, {"Content-Type": "application/xml"}, DISK_FULL_REPLY

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(urllib3.connectionpool.HTTPConnectionPool, "urlopen", disk_full)
        patch.setattr(LeanS3, "send", lean_disk_full)
        state = run_ingest(IngestRequest(bucket=store.bucket, batch_size=2), return_state=True)
    assert refused, "no PUT reached the store boundary"
    say("disk full (injected)", state)
    assert state.is_failed() and "InternalError" in state.message
    assert not audit(store), "nothing can have been written"
    summary = run_ingest(IngestRequest(bucket=store.bucket))
    print(f"[disk full (injected)] after space is back: {summary.totals}")
    records = audit(store)
    assert all(len(v) == 1 for v in records.values())
    assert_every_upload_has_its_record(store, uploaded, records)


def _can_write(store) -> bool:
    try:
        store.client.put_object(Bucket=store.bucket, Key="probe/disk", Body=b"x" * 4096)
    except Exception:
        return False
    store.client.delete_object(Bucket=store.bucket, Key="probe/disk")
    return True


# --- two watchers at once ------------------------------------------------------------------


@pytest.mark.timeout(600)
def test_two_watchers_start_each_upload_once(store):
    """Two watchers poll the same prefix; every upload (key, ETag) is started exactly once.

    The watchers' ``launch`` runs the ingest batch code (fetch, pipeline, versioned write) in
    place of ``run_deployment``: what is under test is the claim, which is a conditional put.
    """
    from worldview.ingest import SourceRef, process_one
    from worldview.stack.watcher import UploadWatcher

    launched: list[tuple[str, str, str]] = []
    lock = threading.Lock()

    def launcher(name: str):
        def launch(bucket, obj):
            with lock:
                launched.append((name, obj.key, obj.etag))
            _, pointer = process_one(store, SourceRef(key=obj.key, etag=obj.etag), None, "cfg")
            if pointer is not None:
                store.update_index([pointer])
            return f"{name}-{obj.key}"

        return launch

    def batch_launcher(name: str):
        def launch_batch(bucket, objs):
            for obj in objs:
                launcher(name)(bucket, obj)
            return f"{name}-batch"

        return launch_batch

    watchers = [
        UploadWatcher(
            store, interval=0.05, launch=launcher(n), launch_batch=batch_launcher(n), emit=None
        )
        for n in ("a", "b")
    ]
    threads = [w.start_thread() for w in watchers]
    docs = documents(10)
    uploaded = {}
    for name, data in docs:
        uploaded.update(upload(store, [(name, data)]))
        time.sleep(0.05)
    upload(store, docs[:3])  # the same bytes again: same ETag, nothing new to do
    try:
        assert wait_until(lambda: len(store.read_index()) >= len(docs), 90), launched
        time.sleep(0.5)  # a few more polls by both watchers
    finally:
        for w in watchers:
            w.stop()
        for t in threads:
            t.join(5)
    starts = [(key, etag) for _, key, etag in launched]
    assert len(starts) == len(set(starts)) == len(docs), launched
    print(
        f"\n[two watchers] starts per watcher: a={sum(w == 'a' for w, *_ in launched)}, "
        f"b={sum(w == 'b' for w, *_ in launched)}"
    )
    records = audit(store)
    assert all(len(v) == 1 for v in records.values())
    assert_every_upload_has_its_record(store, uploaded, records)


@pytest.mark.timeout(600)
def test_a_watcher_started_while_the_store_is_down_waits_for_it(store, object_store):
    """``worldview serve`` may start its watcher before the store answers (or during a restart):
    the watcher keeps trying instead of ending its thread, and claims uploads once it can."""
    from worldview.stack.watcher import UploadWatcher

    launched = []
    watcher = UploadWatcher(
        store,
        interval=0.2,
        launch=lambda bucket, obj: launched.append(obj.key) or "run",
        launch_batch=None,
        emit=None,
    )
    object_store.stop()
    thread = watcher.start_thread()
    try:
        time.sleep(1.5)  # a few failed attempts
        assert thread.is_alive(), "the watcher thread ended while the store was down"
        object_store.start()
        key = store.upload_source(*documents(1)[0]).key
        assert wait_until(lambda: launched == [key], 60), launched
    finally:
        watcher.stop()
        thread.join(5)
        if not object_store.running():
            object_store.start()


# --- the same object uploaded twice within a second ----------------------------------------


@pytest.mark.timeout(600)
def test_same_content_uploaded_twice_within_a_second(store, prefect_harness):
    from flows.process_document import SourceObject, process_document_flow

    name, data = documents(1)[0]
    first = store.upload_source(name, data)
    second = store.upload_source(name, data)
    assert first.etag == second.etag
    runs = []
    threads = [
        threading.Thread(
            target=lambda: runs.append(
                process_document_flow(SourceObject(key=first.key, bucket=store.bucket))
            )
        )
        for _ in range(2)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert sorted(r.status for r in runs) == ["unchanged", "written"], runs
    records = audit(store)
    assert [len(v) for v in records.values()] == [1]


@pytest.mark.timeout(600)
def test_new_content_uploaded_while_the_old_is_processed(store, prefect_harness):
    """Upload A; a run fetches A; B replaces A 0.3 s later and its run finishes first; A's run
    then writes. A's record is older than the latest (the store lists B's object version after
    A's), so it becomes no version: ``latest`` keeps B, versions stay contiguous and complete,
    and the next ingest has nothing to do."""
    from flows.ingest import IngestRequest, run_ingest
    from worldview.ingest import SourceRef, process_one
    from worldview.pipeline import process_document

    name = "twice.txt"
    a = generated(1)
    b = a.replace(b"opening bid", b"final offer")
    assert a != b
    key = store.upload_source(name, a).key
    fetched_a = store.fetch(key)  # the first run has read A ...
    time.sleep(0.3)
    store.upload_source(name, b)  # ... when B arrives
    outcome_b, pointer_b = process_one(store, SourceRef(key=key), None, "cfg")
    store.update_index([pointer_b])
    record_a = process_document(
        fetched_a.data,
        fetched_a.uri,
        document_id=doc_id(store, key),
        source_version_id=fetched_a.revision,  # as the flows build it
    )
    late = store.put_version(record_a, source_etag=fetched_a.etag)
    store.update_index([late.pointer])
    print(
        f"\n[upload twice] B's run: {outcome_b.status} v{outcome_b.version}; "
        f"A's late run: {late.status} (latest stays v{late.pointer.version})"
    )
    assert (outcome_b.status, late.status) == ("written", "superseded")
    assert late.pointer.source_sha256 == hashlib.sha256(b).hexdigest()
    records = audit(store)
    assert [r.source.sha256 for r in records[doc_id(store, key)]] == [hashlib.sha256(b).hexdigest()]
    assert_every_upload_has_its_record(store, {key: hashlib.sha256(b).hexdigest()}, records)
    summary = run_ingest(IngestRequest(bucket=store.bucket))
    print(f"[upload twice] reconcile: {summary.totals}")
    assert summary.totals == {"total": 0}


# --- the Prefect server restarted mid-run ----------------------------------------------------

INGEST_IN_SUBPROCESS = """
import sys
from flows.ingest import IngestRequest, run_ingest
state = run_ingest(IngestRequest(bucket=sys.argv[1], batch_size=1), return_state=True)
print("FINAL-STATE", state.type.value, (state.message or "").replace("\\n", " ")[:300])
"""


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_prefect_server_restarted_mid_run(store, object_store, tmp_path):
    """A real ``prefect server`` (own home, free port) is stopped while an ``ingest`` run in another
    process writes records, and started again. The run ends (crashed or failed, never hanging),
    nothing is half-written, and the next ingest writes what is missing."""
    from worldview.stack import objectstore, prefect_server

    port = objectstore.free_port()
    api = f"http://127.0.0.1:{port}/api"
    data_dir = tmp_path / "prefect-stack"
    prefect_server.start(data_dir, api, timeout=120)
    uploaded = upload(store, documents(120))  # 120 task runs: the run outlives the restart
    env = {
        **os.environ,
        **prefect_server.prefect_env(data_dir, api),
        "PREFECT_API_URL": api,
    }
    env.pop("PREFECT__TEST_MODE", None)
    try:
        log = tmp_path / "ingest.log"
        with log.open("wb") as out:
            run = subprocess.Popen(
                [sys.executable, "-c", INGEST_IN_SUBPROCESS, store.bucket],
                cwd=REPO,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        assert wait_until(lambda: record_count(store) >= 2 or run.poll() is not None, 180)
        running_at_stop, written_at_stop = run.poll() is None, record_count(store)
        prefect_server.stop(data_dir)
        time.sleep(2)
        prefect_server.start(data_dir, api, timeout=120)
        try:
            run.wait(240)
        except subprocess.TimeoutExpired:
            run.kill()
            pytest.fail("the ingest run hangs after the Prefect server restarted")
        output = log.read_text(errors="replace")
        final = [line for line in output.splitlines() if line.startswith("FINAL-STATE")]
        print(
            f"\n[prefect restart] server stopped with {written_at_stop} of {len(uploaded)} records "
            f"written; the run then ended with exit {run.returncode}: {final or output[-600:]}"
        )
        assert running_at_stop, "the run ended before the server stopped: no fault injected"
        # The script prints the run's final state and exits 0 whatever it was (return_state), or
        # exits non-zero if the run could not even report one: either way the end is clear, and
        # a run that says it completed must have done all of its work.
        state = final[-1].split()[1] if final else None
        assert state in {"COMPLETED", "FAILED", "CRASHED"} or run.returncode != 0, output[-2000:]
        records_after_run = audit(store)
        if state == "COMPLETED":
            assert_every_upload_has_its_record(store, uploaded, records_after_run)
        print(f"[prefect restart] records written by the interrupted run: {len(records_after_run)}")

        rerun = subprocess.run(
            [sys.executable, "-c", INGEST_IN_SUBPROCESS, store.bucket],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert rerun.returncode == 0, rerun.stdout[-2000:] + rerun.stderr[-2000:]
        assert "FINAL-STATE COMPLETED" in rerun.stdout, rerun.stdout[-2000:]
    finally:
        prefect_server.stop(data_dir)
    records = audit(store)
    assert all(len(v) == 1 for v in records.values())
    assert_every_upload_has_its_record(store, uploaded, records)


# --- issue 15, case 5: a crash between claiming an upload and starting its run ---------------


class _ProcessDied(BaseException):
    """Fault injection: the watcher's process ends between the claim and the run's start (a
    BaseException, like the SystemExit of a killed process: no ``except Exception`` sees it)."""


@pytest.mark.timeout(120)
def test_uploads_claimed_by_a_watcher_that_died_are_started_by_the_next(store):
    """Before: 30 of 30 uploads had no run 90 s after ``serve`` restarted; a claim never
    expired and no watcher took it again. Now the next watcher re-drives every claim older than
    ``claim_grace_s`` that names no started run: each upload is started exactly once."""
    from worldview.stack.watcher import UploadWatcher

    store.settings = store.settings.model_copy(update={"claim_grace_s": 0.5, "claim_check_s": 0.2})
    uploaded = upload(store, documents(30))

    def die(*args):
        raise _ProcessDied()

    dying = UploadWatcher(store, launch=die, launch_batch=die, emit=None)
    with pytest.raises(_ProcessDied):
        dying.poll_once()  # claims all 30, then "dies" starting their run
    claims = [item["Key"] for item in store._keys("claims/")]
    assert len(claims) == 30 and not [k for k in claims if "started" in k], claims

    launched: list[str] = []
    lock = threading.Lock()

    def launch(bucket, obj):
        with lock:
            launched.append(obj.key)
        return f"run-{obj.key}"

    def launch_batch(bucket, objs):
        for obj in objs:
            launch(bucket, obj)
        return "run-burst"

    restarted = UploadWatcher(
        store, interval=0.1, launch=launch, launch_batch=launch_batch, emit=None
    )
    assert restarted.poll_once() == [], "the claims stand: polling alone never starts them"
    thread = restarted.start_thread()
    try:
        assert wait_until(lambda: len(launched) >= 30, 30), launched
        time.sleep(1.0)  # more re-drive checks: nothing is started twice
    finally:
        restarted.stop()
        thread.join(5)
    assert sorted(launched) == sorted(uploaded), launched
    marks = [item["Key"] for item in store._keys("claims/") if "started" in item["Key"]]
    assert len(marks) == 30, "each claim says its run started"
    # once the records exist, their claims are deleted (claims/ holds uploads in flight only)
    from worldview.ingest import SourceRef, process_one

    pointers = [process_one(store, SourceRef(key=k), None, "cfg")[1] for k in uploaded]
    store.update_index([p for p in pointers if p is not None])
    assert UploadWatcher(store, launch=die, launch_batch=die, emit=None).redrive() == []
    assert list(store._keys("claims/")) == [], "claims of uploads with a record are deleted"


@pytest.mark.timeout(300)
def test_runs_a_dead_serve_left_running_are_marked_crashed(prefect_harness):
    """Case 5: killed runs stayed PENDING or RUNNING for ever (and a RUNNING ``ingest`` holds its
    deployment's one concurrency slot). A serve process marks those of its deployments Crashed
    when it starts, and puts the zombie automation (heartbeats) in place."""
    from prefect.automations import Automation
    from prefect.client.orchestration import get_client
    from prefect.states import Completed, Pending, Running

    from flows.process_document import process_document_flow
    from worldview.stack.runs import ZOMBIE_AFTER_S, ZOMBIE_AUTOMATION, at_serve_start

    deployment_id = process_document_flow.to_deployment(name="crash-test").apply()
    source = {"source": {"key": "incoming/x.txt", "bucket": "b"}}
    with get_client(sync_client=True) as client:
        runs = {}
        for state in (Running(), Pending(), Completed()):
            run = client.create_flow_run_from_deployment(deployment_id, parameters=source)
            client.set_flow_run_state(run.id, state, force=True)
            runs[state.type.value] = run.id
        at_serve_start(["process-document/crash-test", "ingest/not-registered"])
        after = {name: client.read_flow_run(run_id).state for name, run_id in runs.items()}
    print(f"\n[serve restarted] {', '.join(f'{k} -> {v.name}' for k, v in after.items())}")
    assert after["RUNNING"].is_crashed() and after["PENDING"].is_crashed()
    assert "serve" in after["RUNNING"].message
    assert after["COMPLETED"].is_completed()
    automation = Automation.read(name=ZOMBIE_AUTOMATION)
    assert automation.trigger.within.total_seconds() == ZOMBIE_AFTER_S
    assert automation.actions[0].state.value == "CRASHED"
    at_serve_start(["process-document/crash-test"])  # idempotent: one automation
    with get_client(sync_client=True) as client:
        names = [a.name for a in client.read_automations()]
    assert names.count(ZOMBIE_AUTOMATION) == 1

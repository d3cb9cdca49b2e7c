"""Served deployments run warm (``worldview.stack.warm.WarmRunner``), against the Prefect harness.

Runs of a deployment are executed on threads of the serving process, each exactly once however
many runners serve the deployment (the ``Pending`` proposal decides), whether they were handed
over by the watcher or found by the poll; the watcher's burst becomes one ``ingest`` run over
exactly the burst's objects.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from prefect import flow

from worldview.identity import document_id_for, source_uri
from worldview.stack.warm import WarmRunner

REPO = Path(__file__).resolve().parents[1]
SAMPLES = sorted((REPO / "samples" / "articles").iterdir())

pytestmark = pytest.mark.usefixtures("prefect_harness")

RAN: list[tuple[int, str]] = []
LOCK = threading.Lock()


@flow(name="warm-runner-probe")
def probe(n: int) -> int:
    with LOCK:
        RAN.append((n, threading.current_thread().name))
    time.sleep(0.05)
    return n


def wait_until(check, timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.1)
    return check()


def test_two_runners_run_each_flow_run_once_on_their_threads():
    from prefect.client.orchestration import get_client
    from prefect.deployments import run_deployment

    RAN.clear()
    deployment_id = probe.to_deployment(name="probe").apply()
    runners = [WarmRunner({deployment_id: probe}, limit=2, poll_s=0.2) for _ in range(2)]
    runs = [
        run_deployment("warm-runner-probe/probe", parameters={"n": n}, timeout=0) for n in range(12)
    ]
    for runner in runners:
        runner.start()
    runners[0].hand_off(runs[0])  # handed over and also found by both polls: still once
    runners[1].hand_off(runs[0])
    try:
        assert wait_until(lambda: len(RAN) >= 12), RAN
        time.sleep(1)  # more polls: nothing runs twice
    finally:
        for runner in runners:
            runner.stop(timeout=10)
    assert sorted(n for n, _ in RAN) == list(range(12)), RAN
    assert {name.rsplit("-", 1)[0] for _, name in RAN} == {"warm-run"}  # threads, no processes
    assert sum(r.finished for r in runners) == 12
    with get_client(sync_client=True) as client:
        states = {client.read_flow_run(run.id).state.type.value for run in runs}
    assert states == {"COMPLETED"}


def test_a_run_cancelled_before_it_starts_is_not_run():
    from prefect.client.orchestration import get_client
    from prefect.deployments import run_deployment
    from prefect.states import Cancelled

    RAN.clear()
    deployment_id = probe.to_deployment(name="probe-cancel").apply()
    run = run_deployment("warm-runner-probe/probe-cancel", parameters={"n": 99}, timeout=0)
    with get_client(sync_client=True) as client:
        client.set_flow_run_state(run.id, Cancelled(), force=True)
    runner = WarmRunner({deployment_id: probe}, limit=1, poll_s=0.2).start()
    try:
        runner.hand_off(run)
        time.sleep(1.5)
    finally:
        runner.stop(timeout=10)
    assert RAN == [] and runner.finished == 0


def test_a_burst_becomes_one_warm_ingest_run_over_exactly_its_objects(store):
    """The watcher's burst: one ``ingest`` run, handed to the warm runner, processes the burst's
    objects and nothing else (another new object waits for its own run or the schedule)."""
    from worldview.settings import get_settings
    from worldview.stack.serve import deployments
    from worldview.stack.watcher import create_ingest_run

    settings = get_settings().model_copy(update={"ingest_cron": "0 0 1 1 *"})  # not due now
    flows = {deployment.apply(): served for deployment, served in deployments(settings)}
    burst = [store.upload_source(p.name, p.read_bytes()) for p in SAMPLES[:3]]
    other = store.upload_source("not-in-the-burst.txt", SAMPLES[3].read_bytes())
    runner = WarmRunner(flows, limit=2, poll_s=60).start()  # no poll: the hand-over only
    try:
        run = create_ingest_run(store.bucket, burst)
        assert run.name == "upload burst (3 objects)"
        runner.hand_off(run)
        ids = [document_id_for(source_uri(store.bucket, o.key)) for o in burst]
        assert wait_until(lambda: all(store.list_versions(i) == [1] for i in ids), 120)
        assert wait_until(lambda: runner.finished == 1, 60)
    finally:
        runner.stop(timeout=30)
    assert store.list_versions(document_id_for(source_uri(store.bucket, other.key))) == []
    assert set(store.read_index()) == set(ids)


@pytest.fixture
def warm_stack(store, object_store, tmp_path):
    """``worldview serve`` in a subprocess: warm runner, watcher on the filer's subscription."""
    import os
    import subprocess
    import sys

    from prefect.settings import PREFECT_API_URL

    ports = object_store.ports
    env = {
        **os.environ,
        "PREFECT_API_URL": PREFECT_API_URL.value(),
        "WORLDVIEW_BUCKET": store.bucket,
        "WORLDVIEW_SEAWEEDFS_FILER": f"127.0.0.1:{ports.filer}.{ports.filer_grpc}",
        "WORLDVIEW_INGEST_CRON": "0 0 1 1 *",  # no scheduled ingest during the test
    }
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "worldview.cli", "serve"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=REPO,
            start_new_session=True,
        )
    try:
        assert wait_until(lambda: b"upload watcher: FilerUploads" in log.read_bytes(), 120), (
            log.read_text()[-3000:]
        )
        yield log
    finally:
        process.terminate()
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()


STEPS = {"fetch", "decode", "detect-format", "clean", "segment", "extract-metadata"}
STEPS |= {"tag-themes", "build-record", "validate", "write-record"}


def test_an_upload_becomes_a_record_through_the_warm_stack_as_one_run_with_its_steps(
    store, warm_stack
):
    """The event-driven path end to end: the filer announces the upload, the watcher claims it
    and creates one ``process-document`` run, which runs in the serving process; the UI has
    that run with a task run per step. A second PUT of the same bytes starts nothing."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterName, FlowRunFilterTags

    info = store.upload_source(SAMPLES[0].name, SAMPLES[0].read_bytes())
    document_id = document_id_for(source_uri(store.bucket, info.key))
    assert wait_until(lambda: store.list_versions(document_id) == [1], 120), warm_stack.read_text()[
        -3000:
    ]
    assert store.latest(document_id).source_etag == info.etag
    store.upload_source(SAMPLES[0].name, SAMPLES[0].read_bytes())  # same content again

    def runs():
        with get_client(sync_client=True) as client:
            found = client.read_flow_runs(
                flow_run_filter=FlowRunFilter(
                    tags=FlowRunFilterTags(all_=["upload"]),
                    name=FlowRunFilterName(any_=[f"process {info.key}"]),
                )
            )
        return [r for r in found if r.parameters["source"].get("bucket") == store.bucket]

    def steps_recorded() -> set[str]:
        with get_client(sync_client=True) as client:
            task_runs = client.read_task_runs(
                flow_run_filter=FlowRunFilter(id={"any_": [r.id for r in runs()]})
            )
        return {t.name.rsplit("-", 1)[0] for t in task_runs if t.state and t.state.is_completed()}

    assert wait_until(lambda: len(runs()) == 1 and runs()[0].state.is_completed(), 60)
    assert wait_until(lambda: STEPS <= steps_recorded(), 60), steps_recorded()
    time.sleep(2)  # the second PUT has been announced by now
    assert len(runs()) == 1
    assert "could not run here" not in warm_stack.read_text()


def test_a_second_serve_leaves_the_first_ones_runs_alone(tmp_path):
    """At start-up ``serve`` marks Crashed the runs a dead serve left behind, but not while
    another serve of the same stack is alive: those runs are running."""
    import sys

    from worldview.settings import Settings
    from worldview.stack import SERVE, SERVE_MARKER, processes
    from worldview.stack.serve import another_serve_alive

    settings = Settings(data_dir=tmp_path)
    assert not another_serve_alive(settings)  # no pid file
    argv = [sys.executable, "-c", "import time; time.sleep(60)", SERVE_MARKER]
    other = processes.start(tmp_path, SERVE, argv)
    try:
        # alive once it has exec'd (until then its command line is this process's)
        processes.wait_until(lambda: another_serve_alive(settings), 10, "the other serve")
    finally:
        other.kill()
        other.wait()
    processes._pid_file(tmp_path, SERVE).write_text(str(other.pid))
    assert not another_serve_alive(settings)  # it is gone

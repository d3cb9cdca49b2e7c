"""Subscribing (issue 18): ``worldview.record.published`` per new record version, and a downstream
deployment (``examples/on_record_published.py``, served in its own process) that its trigger
starts, against the session's Prefect test server and ``weed mini``."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from flows.ingest import IngestRequest, run_ingest
from flows.process_document import SourceObject, process_document_flow
from tasks.publish import RECORD_PUBLISHED, record_published_event
from worldview.records.contract import contract_files
from worldview.storage import LatestPointer, ThemeScore

REPO = Path(__file__).resolve().parents[1]
TEXT_FORMATS = {".html", ".md", ".txt"}
SAMPLES = sorted(p for p in (REPO / "samples" / "articles").iterdir() if p.suffix in TEXT_FORMATS)
DEPLOYMENT = "on-record-published/consumer"

pytestmark = pytest.mark.usefixtures("prefect_harness")


def api_url() -> str:
    from prefect.settings import PREFECT_API_URL

    return str(PREFECT_API_URL.value())


def published_events(bucket: str, expected: int, timeout: float = 30) -> list[dict]:
    """The server's ``worldview.record.published`` events of one bucket (once it has them all)."""
    body = {
        "filter": {
            "event": {"name": [RECORD_PUBLISHED]},
            "resource": {"id_prefix": [f"s3://{bucket}/records/"]},
        },
        "limit": 50,
    }
    deadline = time.monotonic() + timeout
    while True:
        response = httpx.post(f"{api_url()}/events/filter", json=body, timeout=10)
        assert response.status_code == 200, response.text
        events = [
            e for e in response.json()["events"] if e["resource"].get("worldview.bucket") == bucket
        ]
        if len(events) >= expected or time.monotonic() > deadline:
            return events
        time.sleep(0.3)


def test_the_event_names_the_record_its_source_and_the_run():
    pointer = LatestPointer(
        document_id="a-0123456789ab",
        version=3,
        record_key="records/a-0123456789ab/v3.json",
        fingerprint="f",
        config="c",
        source_key="incoming/a.html",
        source_version_id="v7",
        source_sha256="ab" * 32,
        title="A title",
        themes=["besieged_fortress"],
        theme_scores=[ThemeScore(id="besieged_fortress", score=0.91)],
        published="2025-01-02",
        written_at="2026-12-06T00:00:00+00:00",
        pointer_format=2,
    )
    event = record_published_event("wv", pointer, ["source", "model"], "run-1")
    assert event["event"] == RECORD_PUBLISHED
    assert event["resource"]["prefect.resource.id"] == "s3://wv/records/a-0123456789ab/v3.json"
    assert event["resource"]["worldview.version"] == "3"
    assert [r["prefect.resource.role"] for r in event["related"]] == ["source", "flow-run"]
    assert event["related"][0]["prefect.resource.id"] == "s3://wv/incoming/a.html"
    assert event["related"][0]["worldview.version-id"] == "v7"
    assert event["related"][1]["prefect.resource.id"] == "prefect.flow-run.run-1"
    assert event["payload"] == {
        "document_id": "a-0123456789ab",
        "version": 3,
        "record_uri": "s3://wv/records/a-0123456789ab/v3.json",
        "source_uri": "s3://wv/incoming/a.html",
        "title": "A title",
        "published": "2025-01-02",
        "themes": [{"id": "besieged_fortress", "score": 0.91}],
        "reason": ["source", "model"],
    }


def test_every_new_version_is_published_once_and_the_contract_is_in_the_bucket(store):
    keys = [store.upload_source(p.name, p.read_bytes()).key for p in SAMPLES[:3]]
    state = run_ingest(IngestRequest(bucket=store.bucket), return_state=True)
    flow_run_id = str(state.state_details.flow_run_id)
    events = published_events(store.bucket, 3)
    assert len(events) == 3
    index = store.read_index()
    for event in events:
        doc = event["payload"]["document_id"]
        assert (
            event["resource"]["prefect.resource.id"] == f"s3://{store.bucket}/records/{doc}/v1.json"
        )
        assert event["payload"]["reason"] == ["new_document"]
        assert event["payload"]["version"] == index[doc].version == 1
        related = {r["prefect.resource.role"]: r["prefect.resource.id"] for r in event["related"]}
        assert related["source"] in {f"s3://{store.bucket}/{k}" for k in keys}
        assert related["flow-run"] == f"prefect.flow-run.{flow_run_id}"
    for key, body in contract_files().items():
        assert store.get_bytes(key) == body, key
    assert store.get_bytes("exports/parquet/manifest.json") is not None

    # Nothing new: no event. A changed source: one event, for v2, saying why.
    run_ingest(IngestRequest(bucket=store.bucket))
    store.upload_source(SAMPLES[0].name, SAMPLES[0].read_bytes() + b"\n\nA later addendum.\n")
    process_document_flow(SourceObject(key=keys[0], bucket=store.bucket))
    events = published_events(store.bucket, 4)
    assert len(events) == 4
    newest = [e for e in events if e["payload"]["version"] == 2]
    assert [e["payload"]["reason"] for e in newest] == [["source"]]


def test_a_downstream_deployment_runs_on_record_published(store, tmp_path):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import DeploymentFilter, DeploymentFilterName, LogFilter

    env = {
        **os.environ,
        "PREFECT_API_URL": api_url(),
        "PREFECT_RUNNER_POLL_FREQUENCY": "1",
        "WORLDVIEW_BUCKET": store.bucket,
    }
    log = (tmp_path / "consumer.log").open("w")
    consumer = subprocess.Popen(
        [sys.executable, "examples/on_record_published.py"],
        cwd=REPO,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        with get_client(sync_client=True) as client:
            deadline = time.monotonic() + 90
            while True:  # the deployment and its trigger (an automation) are registered
                automations = client.read_automations_by_name("on-worldview-record-published")
                if automations or time.monotonic() > deadline or consumer.poll() is not None:
                    break
                time.sleep(0.5)
            assert automations, (tmp_path / "consumer.log").read_text()

            key = store.upload_source(SAMPLES[1].name, SAMPLES[1].read_bytes()).key
            summary = run_ingest(IngestRequest(bucket=store.bucket))
            (outcome,) = summary.outcomes
            assert outcome.status == "written"

            name_filter = DeploymentFilter(name=DeploymentFilterName(any_=["consumer"]))
            deadline = time.monotonic() + 120
            while True:
                runs = client.read_flow_runs(deployment_filter=name_filter)
                done = [r for r in runs if r.state is not None and r.state.is_final()]
                if done or time.monotonic() > deadline:
                    break
                time.sleep(0.5)
            assert done, (tmp_path / "consumer.log").read_text()
            (run,) = done
            assert run.state.is_completed(), (tmp_path / "consumer.log").read_text()
            assert run.parameters == {
                "record_uri": f"s3://{store.bucket}/{outcome.record_key}",
                "document_id": outcome.document_id,
                "version": 1,  # templated as text, validated to the flow's int
                "reason": ["new_document"],
            }
            deadline = time.monotonic() + 30  # the run's logs reach the server in batches
            while True:
                logs = client.read_logs(LogFilter(flow_run_id={"any_": [run.id]}))
                consumed = [line.message for line in logs if line.message.startswith("consumed")]
                if consumed or time.monotonic() > deadline:
                    break
                time.sleep(0.5)
            assert consumed == [
                f"consumed {outcome.document_id} v1 (new_document): {outcome.title!r}, "
                f"published {store.get_version(outcome.document_id, 1).metadata.published}, "
                "themes []"
            ], key
    finally:
        consumer.terminate()
        try:
            consumer.wait(timeout=20)
        except subprocess.TimeoutExpired:
            consumer.kill()
            consumer.wait()
        log.close()

"""Pages in the store and the page server (issue 17), against the session's real ``weed mini`` and
the Prefect test harness: each new record version gets its page, the run's artifact links to it,
an ingest run that wrote records leaves trends, and the page server serves all of it."""

from __future__ import annotations

import threading
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from worldview.identity import document_id_for, source_uri
from worldview.pipeline import process_document
from worldview.views import store as views_store
from worldview.views.page import render_record
from worldview.views.store import TRENDS_PREFIX, corpus_rows, get_object, put_view, view_key

REPO = Path(__file__).resolve().parents[1]
SAMPLES = sorted((REPO / "samples" / "articles").iterdir())


def write_record(store, path: Path, key: str | None = None, data: bytes | None = None):
    """``path`` through the core (themes off) into the store as the next version of its key."""
    key = key or f"incoming/{path.name}"
    document_id = document_id_for(source_uri(store.bucket, key))
    record = process_document(
        data if data is not None else path.read_bytes(),
        source_uri(store.bucket, key),
        document_id=document_id,
    )
    result = store.put_version(record)
    store.update_index([result.pointer])
    return store.get_version(document_id, result.pointer.version)


def list_keys(store, prefix: str) -> list[str]:
    return [item["Key"] for item in store._keys(prefix)]


@pytest.fixture
def page_server(store):
    from worldview.stack.objectstore import free_port
    from worldview.views.server import make_server

    server = make_server(store, "127.0.0.1", free_port())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def get(url: str, method: str = "GET"):
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(urllib.request.Request(url, method=method), timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def test_the_page_server_serves_the_store(store, page_server) -> None:
    records = [write_record(store, p) for p in SAMPLES[:3]]
    first = records[0]
    key = put_view(store, first)
    assert key == view_key(first.document_id, 1)
    assert get_object(store, key) == render_record(first).encode()

    status, headers, body = get(f"{page_server}/")
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert "default-src 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    for r in records:
        assert r.metadata.title.replace("’", "&#x27;")[:10] in body.decode() or (
            r.metadata.title[:10] in body.decode()
        )
        assert f"/views/{r.document_id}/v1.html" in body.decode()

    status, _, body = get(f"{page_server}/{key}")  # the stored page
    assert status == 200 and body == render_record(first).encode()
    second = records[1]  # no stored page: rendered from its record
    status, _, body = get(f"{page_server}/{view_key(second.document_id, 1)}")
    assert status == 200 and body == render_record(second).encode()
    assert get(f"{page_server}/{key}", method="HEAD")[0] == 200

    status, headers, _ = get(f"{page_server}/documents/{first.document_id}")
    assert status == 302 and headers["Location"] == f"/{key}"

    status, _, body = get(f"{page_server}/trends?by=month&measure=sentences")
    assert status == 200 and b"<svg" in body and b"by month" in body
    for path in (
        "/trends?by=colour",
        f"/views/{first.document_id}/v9.html",
        "/views/../../etc/passwd",
        "/documents/nope-000000000000",
        "/records/x/v1.json",
    ):
        assert get(f"{page_server}{path}")[0] in {400, 404}, path


def test_trend_rows_are_cached_and_only_changed_records_refetched(store, monkeypatch) -> None:
    for path in SAMPLES[:3]:
        write_record(store, path)
    fetched = []
    real = store.get_version

    def counting(document_id, version):
        fetched.append((document_id, version))
        return real(document_id, version)

    monkeypatch.setattr(store, "get_version", counting)
    rows = corpus_rows(store)
    assert len(rows) == 3 and len(fetched) == 3
    assert get_object(store, views_store.TREND_ROWS_KEY)
    fetched.clear()
    assert corpus_rows(store) == rows and fetched == []
    # a new version of one document: only it is read again
    changed = SAMPLES[0].read_bytes() + b"\n\nA closing paragraph about the Kremlin and NATO.\n"
    v2 = write_record(store, SAMPLES[0], data=changed)
    assert v2.version == 2
    fetched.clear()
    rows = corpus_rows(store)
    assert fetched == [(v2.document_id, 2)]
    assert {r.document_id: r.version for r in rows}[v2.document_id] == 2


@pytest.mark.usefixtures("prefect_harness")
def test_process_document_writes_the_page_and_its_artifact_links_to_it(store) -> None:
    from prefect.artifacts import Artifact

    from flows.process_document import SourceObject, process_document_flow
    from worldview.settings import get_settings

    key = store.upload_source(SAMPLES[1].name, SAMPLES[1].read_bytes()).key
    outcome = process_document_flow(SourceObject(key=key, bucket=store.bucket))
    assert outcome.status == "written"
    page = view_key(outcome.document_id, 1)
    assert list_keys(store, f"views/{outcome.document_id}/") == [page]
    record = store.get_version(outcome.document_id, 1)
    assert get_object(store, page) == render_record(record).encode()
    artifact = Artifact.get("process-document")
    assert artifact is not None and artifact.type == "markdown"
    text = str(artifact.data)
    assert f"{get_settings().views_url}/{page}" in text
    assert outcome.record_key in text and "Open the highlighted article" in text
    # the same content again: no new version, no new page
    again = process_document_flow(SourceObject(key=key, bucket=store.bucket))
    assert again.status == "unchanged"
    assert list_keys(store, f"views/{outcome.document_id}/") == [page]
    # a revision: its own page, v2, which says version 2; v1's page stays as it was
    text = next(p for p in SAMPLES if p.suffix == ".txt")
    key = store.upload_source(text.name, text.read_bytes()).key
    first = process_document_flow(SourceObject(key=key, bucket=store.bucket))
    store.upload_source(text.name, text.read_bytes() + b"\n\nA paragraph added in revision.\n")
    second = process_document_flow(SourceObject(key=key, bucket=store.bucket))
    assert (first.version, second.status, second.version) == (1, "written", 2)
    pages = [view_key(first.document_id, n) for n in (1, 2)]
    assert list_keys(store, f"views/{first.document_id}/") == pages
    for number, page in enumerate(pages, start=1):
        stored = store.get_version(first.document_id, number)
        assert get_object(store, page) == render_record(stored).encode()


@pytest.mark.usefixtures("prefect_harness")
def test_ingest_writes_each_page_and_leaves_trends_linked(store) -> None:
    from prefect.artifacts import Artifact

    from flows.ingest import IngestRequest, run_ingest
    from worldview.settings import get_settings

    for path in SAMPLES[:4]:
        store.upload_source(path.name, path.read_bytes())
    summary = run_ingest(IngestRequest(bucket=store.bucket))
    written = [o for o in summary.outcomes if o.status == "written"]
    assert len(written) == 4
    base = get_settings().views_url
    report = str(Artifact.get("ingest-summary").data)
    for outcome in written:
        page = view_key(outcome.document_id, outcome.version)
        assert get_object(store, page) is not None, page
        assert f"({base}/{page})" in report
    trends = str(Artifact.get("ingest-trends").data)
    assert "Theme trends over 4 documents" in trends
    snapshots = list_keys(store, TRENDS_PREFIX)
    pages = [k for k in snapshots if k.endswith("-month.html")]
    charts = [k for k in snapshots if k.endswith("-month.svg")]
    assert len(pages) == len(charts) == 1
    assert f"{base}/{pages[0]}" in trends and f"{base}/{charts[0]}" in trends
    assert "| Besieged fortress |" in trends  # the table names every theme (themes off: 0%)
    # nothing new: no second trends report
    run_ingest(IngestRequest(bucket=store.bucket))
    assert [k for k in list_keys(store, TRENDS_PREFIX) if k.endswith(".html")] == pages
    # a revision through ingest: the page of version 2 under v2.html
    text = next(p for p in SAMPLES if p.suffix == ".txt")
    store.upload_source(text.name, text.read_bytes())
    run_ingest(IngestRequest(bucket=store.bucket))
    store.upload_source(text.name, text.read_bytes() + b"\n\nA paragraph added in revision.\n")
    (revised,) = [o for o in run_ingest(IngestRequest(bucket=store.bucket)).outcomes]
    assert (revised.status, revised.version) == ("written", 2)
    stored = store.get_version(revised.document_id, 2)
    assert get_object(store, view_key(revised.document_id, 2)) == render_record(stored).encode()


def test_up_starts_the_page_server_and_down_stops_it(store, tmp_path) -> None:
    from worldview.settings import Settings
    from worldview.stack import pages, processes
    from worldview.stack.objectstore import free_port

    settings = Settings(
        views_url=f"http://127.0.0.1:{free_port()}", data_dir=tmp_path, bucket=store.bucket
    )
    write_record(store, SAMPLES[0])
    pid = pages.start(settings)
    try:
        assert pid is not None and pages.healthy(settings.views_url)
        assert pages.start(settings) == pid  # already running: the same one
        status, _, body = get(f"{settings.views_url}/")
        assert status == 200 and b"1 document \xc2\xb7" in body
    finally:
        assert pages.stop(tmp_path)
    assert not pages.healthy(settings.views_url)
    assert processes.running_pid(tmp_path, pages.NAME, pages.MARKER) is None
    remote = Settings(views_url="https://pages.example.org", data_dir=tmp_path)
    assert pages.start(remote) is None  # served elsewhere: not ours to start


def test_show_and_trends_read_the_store(store) -> None:
    import json
    import os
    import subprocess
    import sys

    records = [write_record(store, p) for p in SAMPLES[:2]]
    env = {**os.environ, "WORLDVIEW_BUCKET": store.bucket}

    def cli(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "worldview.cli", *args],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )

    first = records[0]
    by_id = cli("show", first.document_id, "--html", "-")
    assert by_id.returncode == 0, by_id.stderr
    assert by_id.stdout == render_record(first)
    key = f"s3://{store.bucket}/records/{first.document_id}/v1.json"
    assert cli("show", key, "--html", "-").stdout == render_record(first)
    source = f"s3://{store.bucket}/incoming/{SAMPLES[0].name}"
    summary = cli("show", source)
    assert summary.returncode == 0 and first.metadata.title in summary.stdout
    missing = cli("show", first.document_id, "--version", "7")
    assert missing.returncode == 2 and "has no version 7" in missing.stderr
    trends = json.loads(cli("trends", "--by", "month", "--json").stdout)
    assert trends["all"]["documents"] == 2

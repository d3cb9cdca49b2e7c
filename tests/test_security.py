"""Security: parsing fetches nothing, expands no external entity, keeps no script; the embedded
store listens on 127.0.0.1 only and refuses wrong credentials; no credential leaks anywhere.

The network checks are fault injections: ``socket.socket`` is replaced by a class that refuses to
be built, and a local HTTP server counts every request libxml2 or anything else in C might make
behind Python's back. The credential checks run the real flows against the session's ``weed mini``.
"""

from __future__ import annotations

import http.server
import json
import re
import socket
import threading
from pathlib import Path

import pytest
from hostile import SCRIPT_MARKER, cases, check_record

from worldview.errors import PipelineError
from worldview.pipeline import process_document

REPO = Path(__file__).resolve().parents[1]
SAMPLES = sorted(p for p in (REPO / "samples" / "articles").glob("*") if p.is_file())
SCRIPT_TRACES = re.compile(r"<script|javascript:|vbscript:|\bon(error|load|click)\s*=", re.I)


class _CountingHandler(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self):  # noqa: N802 (http.server's naming)
        self.hits.append(self.path)
        body = b'<!ENTITY leak "NETWORK-LEAK">' if self.path.endswith(".dtd") else b"NETWORK-LEAK"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def tripwire_server():
    _CountingHandler.hits = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _CountingHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", _CountingHandler.hits
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def no_network(monkeypatch):
    """Fault injection: any Python-level attempt to open a socket is recorded and refused."""
    attempts: list[str] = []

    class RefusedSocket:
        def __init__(self, *args, **kwargs):
            attempts.append(f"socket{args}")
            raise OSError("network access during parsing (test tripwire)")

    def refuse(name):
        def _refused(*args, **kwargs):
            attempts.append(f"{name}{args[:1]}")
            raise OSError(f"{name} during parsing (test tripwire)")

        return _refused

    monkeypatch.setattr(socket, "socket", RefusedSocket)
    monkeypatch.setattr(socket, "create_connection", refuse("create_connection"))
    monkeypatch.setattr(socket, "getaddrinfo", refuse("getaddrinfo"))
    return attempts


def _fetching_html(base: str, secret_file: Path) -> str:
    return f"""<?xml version="1.0"?>
<?xml-stylesheet type="text/xsl" href="{base}/style.xsl"?>
<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "{base}/xhtml1-strict.dtd" [
  <!ENTITY remote SYSTEM "{base}/remote-entity.txt">
  <!ENTITY local SYSTEM "file://{secret_file}">
  <!ENTITY % dtd SYSTEM "{base}/parameter.dtd"> %dtd;
]>
<html xmlns="http://www.w3.org/1999/xhtml" xmlns:xi="http://www.w3.org/2001/XInclude" lang="en">
<head>
<meta charset="utf-8"><title>Moscow and the Arctic Council</title>
<base href="{base}/base/">
<meta http-equiv="refresh" content="0; url={base}/refresh">
<link rel="stylesheet" href="{base}/site.css"><link rel="preload" href="{base}/font.woff2">
<link rel="canonical" href="{base}/canonical-article">
<meta property="og:url" content="{base}/og-url"><meta property="og:image" content="{base}/og.png">
<script src="{base}/app.js"></script>
<style>@import url("{base}/import.css"); body {{ background: url({base}/bg.png) }}</style>
</head>
<body><article>
<h1>Moscow and the Arctic Council</h1>
<p class="byline">By Anna Petersen</p>
<p>Russia has spent the last decade rebuilding its military presence along the Northern Sea Route,
reopening Soviet-era bases. &remote; &local;</p>
<figure><img src="{base}/photo.jpg" srcset="{base}/photo-2x.jpg 2x" alt="An icebreaker">
<figcaption>An icebreaker in Murmansk. (Photo: Agency)</figcaption></figure>
<p>Officials in Moscow describe the Arctic as a zone of dialogue, yet strategy documents treat it
as a theatre of competition with the United States and NATO.</p>
<xi:include href="{base}/xinclude.xml" parse="text"/>
<xi:include href="file://{secret_file}" parse="text"/>
<iframe src="{base}/frame.html"></iframe><object data="{base}/object.swf"></object>
<video poster="{base}/poster.jpg"><source src="{base}/video.mp4"></video>
<svg><image href="{base}/svg-image.png"/></svg>
<p>The Arctic Council, paused since 2022, illustrates the problem: institutions built for
cooperation cannot work when one member rejects the premises on which they rest.</p>
</article></body></html>
"""


def _fetching_markdown(base: str) -> str:
    return (
        f"# Moscow and the Arctic Council\n\nBy Anna Petersen\n\n"
        f"![An icebreaker]({base}/md-image.png)\n\n"
        "Russia has spent the last decade rebuilding its military presence along the Northern "
        f"Sea Route. [Source]({base}/md-link)\n\n"
        f'<img src="{base}/md-html-image.png">\n\n'
        "Officials in Moscow describe the Arctic as a zone of dialogue, yet strategy documents "
        "treat it as a theatre of competition.\n"
    )


@pytest.mark.timeout(60)
@pytest.mark.parametrize("fmt", ["html", "markdown"])
def test_parsing_fetches_nothing_and_expands_no_external_entity(
    fmt, tripwire_server, no_network, tmp_path
):
    base, hits = tripwire_server
    secret_file = tmp_path / "secret.txt"
    secret_file.write_text("LOCAL-FILE-SECRET root:x:0:0")
    if fmt == "html":
        data, name = _fetching_html(base, secret_file).encode(), "fetching.html"
    else:
        data, name = _fetching_markdown(base).encode(), "fetching.md"
    record = process_document(data, name).model_dump(mode="json")
    check_record(record)
    text = json.dumps(record, ensure_ascii=False)
    assert not no_network, f"the pipeline tried to open a connection: {no_network}"
    assert not hits, f"the pipeline fetched {hits}"
    assert "NETWORK-LEAK" not in text
    assert "LOCAL-FILE-SECRET" not in text, "an external entity or XInclude read a local file"
    assert "Northern Sea Route" in text


@pytest.mark.timeout(120)
def test_records_carry_no_script_content(no_network):
    """The samples and every hostile input that yields a record: no script, no handler, no URL."""
    inputs = [(p.read_bytes(), p.name) for p in SAMPLES]
    inputs += [(c.data, c.filename) for c in cases() if len(c.data) < 200_000]
    produced = 0
    for data, name in inputs:
        try:
            record = process_document(data, name).model_dump(mode="json")
        except PipelineError:
            continue
        produced += 1
        content = json.dumps([record["metadata"], record["content"]], ensure_ascii=False)
        assert SCRIPT_MARKER not in content, name
        match = SCRIPT_TRACES.search(content)
        assert match is None, f"{name}: script content in the record: {match and match.group()}"
    assert produced >= len(SAMPLES)


# --- the embedded stack ----------------------------------------------------------------------


def _listening_addresses(pid: int) -> set[str]:
    import psutil

    process = psutil.Process(pid)
    addresses = set()
    for proc in [process, *process.children(recursive=True)]:
        for conn in proc.net_connections(kind="inet"):
            if conn.status == psutil.CONN_LISTEN:
                addresses.add(conn.laddr.ip)
    return addresses


@pytest.mark.timeout(120)
def test_embedded_store_listens_on_loopback_only(object_store):
    from worldview.stack import objectstore, processes

    pid = processes.running_pid(object_store.data_dir, objectstore.NAME, objectstore.MARKER)
    assert pid is not None
    addresses = _listening_addresses(pid)
    assert addresses, "weed mini listens nowhere?"
    assert addresses <= {"127.0.0.1", "::1"}, f"weed mini listens on {addresses}"


def test_prefect_server_is_started_on_loopback_only(monkeypatch, tmp_path):
    """Starting a real Prefect server costs 10 s; the command line it gets is what matters."""
    from worldview.stack import prefect_server, processes

    started: list[list[str]] = []

    class Started:
        pid = 1

        def poll(self):
            return None

    def fake_start(data_dir, name, argv, env=None):
        started.append(argv)
        return Started()

    monkeypatch.setattr(processes, "start", fake_start)
    monkeypatch.setattr(processes, "running_pid", lambda *a: None)
    answers = iter([False, True])
    monkeypatch.setattr(prefect_server, "healthy", lambda url: next(answers))
    prefect_server.start(tmp_path, "http://127.0.0.1:4555/api", timeout=5)
    (argv,) = started
    assert argv[argv.index("--host") + 1] == "127.0.0.1"


@pytest.mark.timeout(120)
def test_store_refuses_wrong_and_missing_credentials(object_store, store):
    import boto3
    from botocore import UNSIGNED
    from botocore.config import Config
    from botocore.exceptions import ClientError

    store.client.put_object(Bucket=store.bucket, Key="incoming/ok.txt", Body=b"fine")
    wrong = boto3.client(
        "s3",
        endpoint_url=object_store.endpoint,
        region_name="us-east-1",
        aws_access_key_id="test-access",
        aws_secret_access_key="not-the-secret",
        config=Config(retries={"max_attempts": 1}, s3={"addressing_style": "path"}),
    )
    unknown = boto3.client(
        "s3",
        endpoint_url=object_store.endpoint,
        region_name="us-east-1",
        aws_access_key_id="intruder",
        aws_secret_access_key="whatever",
        config=Config(retries={"max_attempts": 1}, s3={"addressing_style": "path"}),
    )
    anonymous = boto3.client(
        "s3",
        endpoint_url=object_store.endpoint,
        region_name="us-east-1",
        config=Config(signature_version=UNSIGNED, retries={"max_attempts": 1}),
    )
    for client in (wrong, unknown, anonymous):
        with pytest.raises(ClientError):
            client.list_objects_v2(Bucket=store.bucket)
        with pytest.raises(ClientError):
            client.get_object(Bucket=store.bucket, Key="incoming/ok.txt")
        with pytest.raises(ClientError):
            client.put_object(Bucket=store.bucket, Key="incoming/evil.txt", Body=b"x")
        with pytest.raises(ClientError):
            client.delete_object(Bucket=store.bucket, Key="incoming/ok.txt")
    keys = [o["Key"] for o in store.client.list_objects_v2(Bucket=store.bucket)["Contents"]]
    assert keys == ["incoming/ok.txt"]


def test_settings_never_show_secrets():
    """A settings object printed in a log or a traceback must not carry the secret keys."""
    from worldview.settings import Settings

    settings = Settings(s3_secret_key="very-secret-value-1", embedded_secret_key="very-secret-2")
    shown = repr(settings) + str(settings)
    assert "very-secret-value-1" not in shown and "very-secret-2" not in shown


@pytest.mark.timeout(600)
def test_no_credential_in_logs_records_or_artifacts(object_store, store, prefect_harness, caplog):
    """Run the real flows (a good and a bad document, one refused request) and search every
    object in the bucket, the store's log, the Python log and the Prefect artifacts and run
    logs for the secret key."""
    import logging

    from prefect.client.orchestration import get_client

    from flows.ingest import IngestRequest, run_ingest
    from flows.process_document import SourceObject, process_document_flow
    from worldview.settings import get_settings
    from worldview.stack import processes

    secret = get_settings().s3_secret_key
    assert secret and len(secret) >= 8
    caplog.set_level(logging.DEBUG)
    sample = SAMPLES[0]
    store.upload_source(sample.name, sample.read_bytes())
    store.upload_source("broken.pdf", b"%PDF-1.7\n%binary\n")
    store.upload_source("second.txt", b"A Title\n\nOne paragraph about Moscow. Another sentence.\n")
    process_document_flow(SourceObject(key=f"incoming/{sample.name}", bucket=store.bucket))
    run_ingest(IngestRequest(bucket=store.bucket))

    found = []
    for page in store.client.get_paginator("list_objects_v2").paginate(Bucket=store.bucket):
        for item in page.get("Contents", []):
            body = store.client.get_object(Bucket=store.bucket, Key=item["Key"])["Body"].read()
            if secret.encode() in body:
                found.append(f"s3://{store.bucket}/{item['Key']}")
    keys = [k for k in found]
    assert not keys, f"secret stored in {keys}"
    record_keys = [
        o["Key"]
        for o in store.client.list_objects_v2(Bucket=store.bucket, Prefix="records/")["Contents"]
    ]
    assert any(k.endswith("v1.json") for k in record_keys)
    errors = store.client.list_objects_v2(Bucket=store.bucket, Prefix="errors/")
    assert errors.get("KeyCount", 0) >= 1, "the PDF should have left an error record"

    log = processes.log_file(object_store.data_dir, "objectstore")
    assert secret not in log.read_text(errors="replace"), f"secret in {log}"
    assert secret not in caplog.text, "secret in the Python log"
    with get_client(sync_client=True) as client:
        artifacts = client.read_artifacts()
        logs = client.read_logs()
    assert artifacts, "the flows should have left artifacts"
    for artifact in artifacts:
        assert secret not in json.dumps(artifact.model_dump(mode="json")), artifact.key
    for entry in logs:
        assert secret not in entry.message, entry.message

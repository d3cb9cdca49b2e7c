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


# --- issue 15, case 6: a locked-down store --------------------------------------------------


def _http(method: str, url: str, body: bytes | None = None) -> tuple[int, bytes]:
    import urllib.error
    import urllib.request

    request = urllib.request.Request(url, data=body, method=method)
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


HTTP2_PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + b"\x00\x00\x00\x04\x00\x00\x00\x00\x00"


def _grpc_answers_plaintext(port: int) -> bool:
    """A plaintext gRPC server answers the HTTP/2 preface with its SETTINGS frame."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(HTTP2_PREFACE)
        try:
            reply = sock.recv(9)
        except (TimeoutError, ConnectionResetError):
            return False
    return len(reply) == 9 and reply[3] == 0x04  # a SETTINGS frame


def _tls_session_opens(port: int, cert_dir=None) -> bool:
    """A TLS session on ``port`` carries data (with ``cert_dir``'s client certificate if given);
    a server that requires a client certificate ends one without it."""
    import ssl

    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    context.set_alpn_protocols(["h2"])
    if cert_dir is not None:
        context.load_cert_chain(cert_dir / "store.crt", cert_dir / "store.key")
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=5) as raw:
            with context.wrap_socket(raw) as tls:
                tls.sendall(HTTP2_PREFACE)
                return len(tls.recv(9)) == 9  # TLS 1.3 reports a missing certificate here
    except (ssl.SSLError, OSError):
        return False


@pytest.mark.timeout(120)
def test_the_embedded_store_exposes_no_unauthenticated_api(object_store, store):
    """Case 6: the filer's HTTP port took no credentials: any local process could read any
    source, forge ``records/.../latest.json`` or delete objects; the master's could drop a
    bucket's volumes (``/col/delete``). Now only the S3 API answers, with the key: master and
    filer HTTP are off, the volume server wants a JWT, every gRPC port a client certificate."""
    ports = object_store.ports
    body = b"A Title\n\nA private analysis of the talks.\n"
    key = store.upload_source("private.txt", body).key
    latest = f"records/{store.bucket}-doc/latest.json"
    filer = f"http://127.0.0.1:{ports.filer}/buckets/{store.bucket}"
    attempts = {
        "filer read": _http("GET", f"{filer}/{key}"),
        "filer listing": _http("GET", f"{filer}/incoming/"),
        "filer forged write": _http("PUT", f"{filer}/{latest}", b'{"version": 99}'),
        "filer delete": _http("DELETE", f"{filer}/{key}"),
        "master drops the bucket": _http(
            "GET", f"http://127.0.0.1:{ports.master}/col/delete?collection={store.bucket}"
        ),
        "master assign": _http("GET", f"http://127.0.0.1:{ports.master}/dir/assign"),
        "volume write": _http("POST", f"http://127.0.0.1:{ports.volume}/1,0123456789", b"x"),
        "admin": _http("GET", f"http://127.0.0.1:{ports.admin}/"),
    }
    for what, (status, reply) in attempts.items():
        assert status >= 400 and b"private analysis" not in reply, (what, status, reply[:200])
    assert store.fetch(key).data == body, "the source must be intact"
    assert store.get_bytes(latest) is None, "nothing forged"

    from worldview.stack.objectstore import SECURITY_DIR

    cert_dir = object_store.data_dir / SECURITY_DIR
    for name in ("master_grpc", "volume_grpc", "filer_grpc", "s3_grpc", "admin_grpc"):
        port = getattr(ports, name)
        assert not _grpc_answers_plaintext(port), f"{name} speaks plaintext gRPC"
        assert not _tls_session_opens(port), f"{name} takes a client without a certificate"
        assert _tls_session_opens(port, cert_dir), f"{name}: no TLS with the store's certificate"


@pytest.mark.timeout(60)
def test_the_store_secrets_are_random_private_and_not_in_the_process_list(object_store, tmp_path):
    """Case 6: the embedded secret was the same string on every machine. Now ``up`` makes one
    at the first start (0600) and the store's signing keys and certificates likewise; none is
    on the store's command line."""
    import stat

    from worldview.settings import Settings, embedded_secret
    from worldview.stack import objectstore, processes, store_credentials
    from worldview.storage.transport import _credentials

    local = {"s3_endpoint": "http://127.0.0.1:1", "s3_access_key": None, "s3_secret_key": None}
    first = Settings(data_dir=tmp_path / "a", **local)
    second = Settings(data_dir=tmp_path / "b", **local)
    access, secret = store_credentials(first)
    assert store_credentials(first) == (access, secret), "made once, then kept"
    assert store_credentials(second)[1] != secret and len(secret) >= 32
    assert embedded_secret(first) == secret and _credentials(first) == (access, secret)
    assert "worldview-embedded-secret" not in json.dumps(store_credentials(second))
    for path in (first.data_dir / objectstore.CREDENTIALS_FILE,):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path

    security = object_store.data_dir / objectstore.SECURITY_DIR
    assert stat.S_IMODE(security.stat().st_mode) == 0o700
    files = sorted(p.name for p in security.iterdir())
    assert files == ["ca.crt", "security.toml", "store.crt", "store.key"]
    assert all(stat.S_IMODE((security / f).stat().st_mode) == 0o600 for f in files)
    config = (security / "security.toml").read_text()
    keys = re.findall(r'^(?:key|password) = "([^"/][^"]*)"', config, re.M)  # not the paths
    assert len(keys) == 5 and len(set(keys)) == 5 and all(len(k) >= 32 for k in keys[:4])
    other = objectstore.security_config(tmp_path / "c") / "security.toml"
    assert not set(keys) & set(re.findall(r'^key = "([^"/][^"]*)"', other.read_text(), re.M))

    pid = processes.running_pid(object_store.data_dir, objectstore.NAME, objectstore.MARKER)
    cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().decode()
    from fixtures_servers import TEST_SECRET

    for secret_value in [*keys, TEST_SECRET]:
        assert secret_value not in cmdline


@pytest.fixture
def compose_store(tmp_path, monkeypatch):
    """A ``weed mini`` started with infra/compose.yaml's identities (its values filled in)."""
    import yaml
    from fixtures_servers import WeedHandle

    from worldview.stack import objectstore

    compose = yaml.safe_load((REPO / "infra" / "compose.yaml").read_text())
    values = {
        "WORLDVIEW_S3_ACCESS_KEY": "pipeline",
        "WORLDVIEW_S3_SECRET_KEY": "pipeline-secret-key",
        "WORLDVIEW_UPLOADER_ACCESS_KEY": "uploader",
        "WORLDVIEW_UPLOADER_SECRET_KEY": "uploader-secret-key",
        "WORLDVIEW_BUCKET": "teambucket",
    }
    template = compose["configs"]["s3_identities"]["content"]
    content = re.sub(r"\$\{(\w+)[^}]*\}", lambda m: values[m.group(1)], template)

    def compose_identities(path, access_key, secret_key):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content)
        return path

    monkeypatch.setattr(objectstore, "write_identities", compose_identities)
    handle = WeedHandle(tmp_path / "team")
    handle.start()
    try:
        yield handle, values
    finally:
        handle.stop()


@pytest.mark.timeout(120)
def test_compose_uploaders_can_only_write_under_incoming(compose_store):
    """Case 6: compose gave uploaders the pipeline's Admin identity. Now they have their own,
    which writes under incoming/ of the bucket and can do nothing else."""
    import boto3
    from botocore.config import Config
    from botocore.exceptions import ClientError

    handle, values = compose_store

    def client(prefix: str):
        return boto3.client(
            "s3",
            endpoint_url=handle.endpoint,
            region_name="us-east-1",
            aws_access_key_id=values[f"WORLDVIEW_{prefix}_ACCESS_KEY"],
            aws_secret_access_key=values[f"WORLDVIEW_{prefix}_SECRET_KEY"],
            config=Config(retries={"max_attempts": 1}, s3={"addressing_style": "path"}),
        )

    pipeline, uploader = client("S3"), client("UPLOADER")
    bucket = values["WORLDVIEW_BUCKET"]
    pipeline.create_bucket(Bucket=bucket)
    pipeline.create_bucket(Bucket="otherbucket")
    pipeline.put_object(Bucket=bucket, Key="records/doc/v1.json", Body=b"{}")
    uploader.put_object(Bucket=bucket, Key="incoming/new/analysis.html", Body=b"<p>hi</p>")
    assert pipeline.get_object(Bucket=bucket, Key="incoming/new/analysis.html")["Body"].read()
    refused = {
        "forge a record": lambda: uploader.put_object(
            Bucket=bucket, Key="records/doc/latest.json", Body=b"{}"
        ),
        "read a record": lambda: uploader.get_object(Bucket=bucket, Key="records/doc/v1.json"),
        "read a source": lambda: uploader.get_object(
            Bucket=bucket, Key="incoming/new/analysis.html"
        ),
        "delete a record": lambda: uploader.delete_object(Bucket=bucket, Key="records/doc/v1.json"),
        "list the bucket": lambda: uploader.list_objects_v2(Bucket=bucket),
        "another bucket": lambda: uploader.put_object(
            Bucket="otherbucket", Key="incoming/x.txt", Body=b"x"
        ),
        "versioning": lambda: uploader.put_bucket_versioning(
            Bucket=bucket, VersioningConfiguration={"Status": "Suspended"}
        ),
    }
    for what, attempt in refused.items():
        with pytest.raises(ClientError, match="AccessDenied"):
            attempt()
            pytest.fail(f"the uploader could {what}")
    assert pipeline.get_object(Bucket=bucket, Key="records/doc/v1.json")["Body"].read() == b"{}"

"""RecordStore against a real SeaweedFS (``weed mini``, started once per session on free ports)."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from botocore.exceptions import ClientError

from worldview.identity import document_id_for, record_fingerprint, source_uri
from worldview.pipeline import process_document
from worldview.record import Record

SAMPLES = sorted((Path(__file__).resolve().parents[1] / "samples" / "articles").iterdir())


def record_for(store, key: str, data: bytes) -> Record:
    uri = source_uri(store.bucket, key)
    return process_document(data, uri, document_id=document_id_for(uri))


@pytest.fixture(params=["lean", "boto3"])
def store(request, store):
    """Each test on both transports for object GET/PUT: the lean path the embedded store and other
    plain-HTTP endpoints use, and boto3, which AWS and HTTPS endpoints use."""
    from worldview.storage import RecordStore, s3_client

    if request.param == "lean":
        assert store.lean is not None
        return store
    return RecordStore(store.bucket, settings=store.settings, client=s3_client(store.settings))


@pytest.fixture
def sample() -> tuple[str, bytes]:
    path = SAMPLES[0]
    return f"incoming/{path.name}", path.read_bytes()


def test_store_honours_conditional_puts(store):
    """The guarantee everything else rests on: If-None-Match * and If-Match are atomic."""
    assert store._put("probe", b"1", "text/plain", IfNoneMatch="*")
    assert not store._put("probe", b"2", "text/plain", IfNoneMatch="*")
    etag = store.client.head_object(Bucket=store.bucket, Key="probe")["ETag"]
    assert store._put("probe", b"3", "text/plain", IfMatch=etag)
    assert not store._put("probe", b"4", "text/plain", IfMatch=etag)
    body = store.client.get_object(Bucket=store.bucket, Key="probe")["Body"].read()
    assert body == b"3"
    versioning = store.client.get_bucket_versioning(Bucket=store.bucket)
    assert versioning.get("Status") == "Enabled"


def test_same_record_twice_writes_one_version(store, sample):
    key, data = sample
    record = record_for(store, key, data)
    first = store.put_version(record, source_etag="e1")
    again = store.put_version(record_for(store, key, data), source_etag="e1")
    assert (first.status, again.status) == ("written", "unchanged")
    assert store.list_versions(record.document_id) == [1]
    stored = store.get_version(record.document_id, 1)
    assert stored.version == 1 and record_fingerprint(stored) == record_fingerprint(record)


def test_changed_source_writes_v2_and_v1_stays_readable(store, sample):
    key, data = sample
    v1 = record_for(store, key, data)
    store.put_version(v1, source_etag="e1")
    changed = data.replace(b"Russia", b"Russia", 1) + b"\n\nA new closing paragraph was added.\n"
    v2 = record_for(store, key, changed)
    result = store.put_version(v2, source_etag="e2")
    assert result.status == "written" and result.pointer.version == 2
    assert store.list_versions(v1.document_id) == [1, 2]
    assert store.get_version(v1.document_id, 1).source.sha256 == v1.source.sha256
    assert store.get_version(v1.document_id, 2).source.sha256 == v2.source.sha256
    latest = store.latest(v1.document_id)
    assert latest.version == 2 and latest.record_key.endswith("/v2.json")
    store.update_index([result.pointer])
    assert store.read_index()[v1.document_id].version == 2


def test_concurrent_writers_of_one_document_make_one_version(store, sample):
    key, data = sample
    records = [record_for(store, key, data) for _ in range(8)]
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda r: store.put_version(r, source_etag="e1"), records))
    assert sorted(r.status for r in results) == ["unchanged"] * 7 + ["written"]
    assert store.list_versions(records[0].document_id) == [1]


def test_concurrent_writers_of_different_content_never_share_a_version(store, sample):
    key, data = sample
    variants = [data + f"\n\nVariant paragraph number {i}.\n".encode() for i in range(5)]
    records = [record_for(store, key, v) for v in variants]
    with ThreadPoolExecutor(5) as pool:
        results = list(pool.map(lambda r: store.put_version(r), records))
    assert sorted(r.pointer.version for r in results) == [1, 2, 3, 4, 5]
    stored = {store.get_version(records[0].document_id, n).source.sha256 for n in range(1, 6)}
    assert stored == {r.source.sha256 for r in records}


def test_latest_pointer_is_repaired_when_a_writer_died_before_moving_it(store, sample):
    key, data = sample
    record = record_for(store, key, data)
    store.put_version(record)
    store.client.delete_object(Bucket=store.bucket, Key=store.latest_key(record.document_id))
    assert store.latest(record.document_id).version == 1
    assert store.reconcile_index() == 1
    assert store.read_index()[record.document_id].version == 1


def test_quarantine_copies_the_source_and_says_why(store):
    info = store.upload_source("bad/empty.txt", b"   \n")
    doc_id = document_id_for(source_uri(store.bucket, info.key))
    error_key = store.quarantine(
        document_id=doc_id,
        key=info.key,
        etag=info.etag,
        version_id=info.version_id,
        config="cfg",
        step="segment",
        reason="no article text",
    )
    error = store.get_error(error_key)
    assert error["step"] == "segment" and error["reason"] == "no article text"
    copy = store.client.get_object(Bucket=store.bucket, Key=error["quarantine_key"])
    assert copy["Body"].read() == b"   \n"
    assert (doc_id, info.etag, "cfg") in store.failed_revisions()
    # the source itself is untouched
    assert [o.key for o in store.list_incoming()] == [info.key]


def test_a_claim_is_won_exactly_once(store):
    with ThreadPoolExecutor(8) as pool:
        wins = list(pool.map(lambda i: store.claim("doc-1", "etag1", {"by": i}), range(8)))
    assert wins.count(True) == 1
    store.release_claim("doc-1", "etag1")
    assert store.claim("doc-1", "etag1", {})


def test_records_survive_a_restart_of_the_store(store, object_store, sample):
    key, data = sample
    record = record_for(store, key, data)
    store.put_version(record)
    store.update_index([store.latest(record.document_id)])
    object_store.stop()
    with pytest.raises(Exception):  # noqa: B017 - any client error: the store is down
        store.client.head_bucket(Bucket=store.bucket)
    object_store.start()
    assert store.get_version(record.document_id, 1).document_id == record.document_id
    assert store.read_index()[record.document_id].version == 1
    raw = store.client.get_object(Bucket=store.bucket, Key=store.version_key(record.document_id, 1))
    Record.model_validate(json.loads(raw["Body"].read()))


def test_missing_version_is_a_clear_error(store):
    with pytest.raises(KeyError, match="no version 3"):
        store.get_version("nothing-here", 3)
    with pytest.raises(ClientError):
        store.fetch("incoming/absent.txt")


def revisions_of(store, key: str, data: bytes, n: int) -> list[Record]:
    """Upload ``n`` different contents under one key; the record each upload's run would make."""
    records = []
    for i in range(n):
        store.upload_source(key, data + f"\n\nRevision {i} added this paragraph.\n".encode())
        fetched = store.fetch(key)
        uri = source_uri(store.bucket, key)
        record = process_document(
            fetched.data, uri, document_id=document_id_for(uri), source_version_id=fetched.revision
        )
        records.append((record, fetched.etag))
    return records


def test_a_record_of_an_older_source_revision_never_becomes_a_newer_version(store, sample):
    """Runs finish out of order: a record made from an older upload than the latest version's
    is 'superseded' (no version, ``latest`` unchanged); a newer one still becomes the next."""
    key, data = sample
    (a, etag_a), (b, etag_b), (c, etag_c) = revisions_of(store, key, data, 3)
    doc = a.document_id
    assert store.put_version(b, source_etag=etag_b).status == "written"
    late = store.put_version(a, source_etag=etag_a)
    assert late.status == "superseded" and late.pointer.version == 1
    assert late.pointer.source_sha256 == b.source.sha256
    # the same with the index's pointer as the hint (the ingest path)
    hint = store.latest(doc)
    assert store.put_version(a, source_etag=etag_a, previous=hint).status == "superseded"
    newest = store.put_version(c, source_etag=etag_c, previous=hint)
    assert (newest.status, newest.pointer.version) == ("written", 2)
    assert store.put_version(b, source_etag=etag_b).status == "superseded"
    assert store.list_versions(doc) == [1, 2]
    assert [store.get_version(doc, n).source.sha256 for n in (1, 2)] == [
        b.source.sha256,
        c.source.sha256,
    ]
    assert store.latest(doc).source_sha256 == c.source.sha256


def test_versions_follow_the_source_order_whatever_order_runs_finish_in(store, sample):
    import random

    key, data = sample
    made = revisions_of(store, key, data, 5)
    order = {record.source.sha256: i for i, (record, _) in enumerate(made)}
    shuffled = random.Random(7).sample(made, len(made))
    with ThreadPoolExecutor(5) as pool:
        results = list(pool.map(lambda m: store.put_version(m[0], source_etag=m[1]), shuffled))
    assert {r.status for r in results} <= {"written", "superseded"}
    doc = made[0][0].document_id
    versions = [store.get_version(doc, n) for n in store.list_versions(doc)]
    positions = [order[v.source.sha256] for v in versions]
    assert positions == sorted(set(positions)) and positions[-1] == 4, positions
    assert [v.version for v in versions] == list(range(1, len(versions) + 1))
    assert store.latest(doc).version == len(versions)


def test_without_bucket_versioning_only_the_current_content_makes_a_newer_version(
    object_store, sample
):
    """An unversioned bucket has no revision order to consult: the current object decides."""
    import uuid

    from worldview.settings import get_settings
    from worldview.storage import RecordStore

    store = RecordStore.from_settings(get_settings(), bucket=f"plain-{uuid.uuid4().hex[:10]}")
    store.client.create_bucket(Bucket=store.bucket)  # no versioning
    key, data = sample
    (a, etag_a), (b, etag_b) = revisions_of(store, key, data, 2)
    assert store.put_version(b, source_etag=etag_b).status == "written"
    assert store.put_version(a, source_etag=etag_a).status == "superseded"
    assert store.list_versions(a.document_id) == [1]


def test_the_lean_path_signs_any_key_and_answers_like_boto3(store):
    """GET/PUT of objects go through ``LeanS3`` on the embedded store (plain HTTP); keys that need
    escaping are signed right, and what comes back matches what boto3 reads."""
    if store.lean is None:
        pytest.skip("the lean path's own test")
    for key in ["incoming/a b+c.txt", "incoming/Überblick – 2026.md", "incoming/x%41~y(1).html"]:
        body = key.encode() * 3
        assert store._put(key, body, "text/plain", IfNoneMatch="*")
        assert not store._put(key, b"other", "text/plain", IfNoneMatch="*")
        fetched = store.fetch(key)
        via_boto3 = store.client.get_object(Bucket=store.bucket, Key=key)
        assert fetched.data == via_boto3["Body"].read() == body
        assert fetched.etag == via_boto3["ETag"].strip('"')
        assert fetched.version_id == via_boto3.get("VersionId")
        assert fetched.content_type == "text/plain"
    assert {o.key for o in store.list_incoming()} == {
        "incoming/a b+c.txt",
        "incoming/Überblick – 2026.md",
        "incoming/x%41~y(1).html",
    }


def test_the_lean_path_fails_like_boto3(store, object_store):
    if store.lean is None:
        pytest.skip("the lean path's own test")
    from botocore.exceptions import ClientError, EndpointConnectionError

    from worldview.storage import LeanS3

    with pytest.raises(ClientError) as missing:
        store.fetch("incoming/absent.txt")
    assert missing.value.response["Error"]["Code"] == "NoSuchKey"
    wrong = LeanS3(store.lean.endpoint, store.lean.region, _Keys("test-access", "not-the-secret"))
    with pytest.raises(ClientError) as refused:
        wrong.request("PUT", "PutObject", store.bucket, "incoming/x.txt", body=b"x")
    assert refused.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    closed = LeanS3("http://127.0.0.1:9", store.lean.region, store.lean.credentials)
    with pytest.raises(EndpointConnectionError, match="Could not connect"):
        closed.request("GET", "GetObject", store.bucket, "incoming/x.txt")


class _Keys:
    def __init__(self, access: str, secret: str) -> None:
        from botocore.credentials import Credentials

        self.frozen = Credentials(access, secret).get_frozen_credentials()

    def get_frozen_credentials(self):
        return self.frozen


def _http_server(reply: bytes):
    """A local server that answers each connection's first request with ``reply`` and then
    closes the connection; returns (port, accepted connections)."""
    import socket
    import threading

    listener = socket.create_server(("127.0.0.1", 0))
    accepted = []

    def answer(connection):
        with connection:
            request = b""
            while b"\r\n\r\n" not in request:
                request += connection.recv(65536)
            connection.sendall(reply)

    def accept():
        while True:
            connection, _ = listener.accept()
            accepted.append(connection)
            threading.Thread(target=answer, args=(connection,), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()
    return listener.getsockname()[1], accepted


def test_the_lean_path_reuses_no_connection_the_store_closed(monkeypatch):
    """Kept-alive connections go back to a pool; one the server closed while it sat there is
    dropped before a request is sent on it (no failed attempt, no backoff)."""
    import select
    import time

    from worldview.storage import LeanS3

    port, accepted = _http_server(b'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nETag: "e"\r\n\r\nok')
    backoffs = []
    monkeypatch.setattr(time, "sleep", backoffs.append)
    lean = LeanS3(f"http://127.0.0.1:{port}", "us-east-1", _Keys("a", "b"))
    for _ in range(3):
        status, headers, body = lean.request("GET", "GetObject", "bucket", "incoming/x.txt")
        assert (status, headers["ETag"], body) == (200, '"e"', b"ok")
        (pooled,) = lean._idle
        assert select.select([pooled.sock], [], [], 2)[0]  # the server's close has arrived
    assert len(accepted) == 3 and backoffs == []


def test_a_reply_cut_short_fails_like_boto3(monkeypatch):
    """A reply that stops before its Content-Length is retried, then botocore's
    ConnectionClosedError (what boto3 raises), never a short body."""
    import time

    from botocore.exceptions import ConnectionClosedError

    from worldview.storage import LeanS3

    port, accepted = _http_server(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly this")
    monkeypatch.setattr(time, "sleep", lambda seconds: None)
    lean = LeanS3(f"http://127.0.0.1:{port}", "us-east-1", _Keys("a", "b"))
    with pytest.raises(ConnectionClosedError):
        lean.request("GET", "GetObject", "bucket", "incoming/x.txt")
    assert len(accepted) == LeanS3.ATTEMPTS


def test_the_embedded_store_gets_half_the_cores_unless_told(object_store, monkeypatch):
    from worldview.stack import objectstore, processes

    monkeypatch.delenv("GOMAXPROCS", raising=False)
    monkeypatch.setattr(objectstore.os, "cpu_count", lambda: 8)
    assert objectstore.weed_environment() == {"GOMAXPROCS": "4"}
    monkeypatch.setattr(objectstore.os, "cpu_count", lambda: 1)
    assert objectstore.weed_environment() == {"GOMAXPROCS": "1"}
    monkeypatch.setenv("GOMAXPROCS", "3")
    assert objectstore.weed_environment() == {}  # the caller's setting is inherited as it is
    pid = processes.running_pid(object_store.data_dir, objectstore.NAME, objectstore.MARKER)
    environ = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    assert any(item.startswith(b"GOMAXPROCS=") for item in environ)


@pytest.mark.parametrize(
    "text",
    [
        "2026-12-04T19:05:35.123Z",
        "2026-12-04T19:05:35Z",
        "2026-12-04T19:05:35.000000Z",
        "2026-12-04T19:05:35+02:00",
        "2026-12-04T19:05:35",
        "Fri, 04 Dec 2026 19:05:35 GMT",
        1733339135,
        "1733339135",
    ],
)
def test_timestamps_parse_as_botocore_parses_them(text):
    from botocore.utils import parse_timestamp as botocore_parse_timestamp

    from worldview.storage import parse_timestamp

    ours, theirs = parse_timestamp(text), botocore_parse_timestamp(text)
    assert ours == theirs and ours.utcoffset() == theirs.utcoffset()


def test_listings_carry_aware_last_modified_times(store):
    from datetime import UTC, datetime, timedelta

    store.upload_source("dated.txt", b"A line of text.")
    (obj,) = list(store.list_incoming("dated"))
    assert abs(obj.last_modified - datetime.now(UTC)) < timedelta(minutes=5)


# --- issue 15: one bad object never stops the pipeline -----------------------------------------

LONG_KEY = "incoming/long/" + "x" * 979 + ".pdf"  # 997 bytes: the store takes it


def test_a_source_key_at_the_store_limit_still_gets_its_quarantine_copy(store):
    """Case 1: ``quarantine/<id>/<etag>-<name>`` of a 997-byte source key is over the store's
    1,024-byte limit (KeyTooLongError): the derived key is bounded (head, hash, extension)."""
    from worldview.ingest import SourceRef, process_one
    from worldview.storage import MAX_KEY_BYTES

    info = store.upload_source(LONG_KEY, b"%PDF-1.7\n%binary, cut short\n")
    outcome, pointer = process_one(store, SourceRef(key=info.key, etag=info.etag), None, "cfg")
    assert (outcome.status, pointer) == ("failed", None)
    error = store.get_error(outcome.error_key)
    assert error["source_key"] == LONG_KEY and error["step"] != "internal", error
    copy_key = error["quarantine_key"]
    assert len(copy_key.encode()) <= MAX_KEY_BYTES and copy_key.endswith(".pdf"), copy_key
    copy = store.client.get_object(Bucket=store.bucket, Key=copy_key)["Body"].read()
    assert copy == b"%PDF-1.7\n%binary, cut short\n"


def test_a_source_deleted_after_the_listing_fails_alone(store):
    """Case 1: a store error about one object (NoSuchKey on GET, and again on the quarantine
    copy) stays with that document: an error record, and the next document is processed."""
    from worldview.ingest import find_unprocessed, process_batch

    gone = store.upload_source("gone.txt", b"A Title\n\nOne paragraph about Moscow. Another.\n")
    kept = store.upload_source("kept.txt", b"A Title\n\nOne paragraph about Moscow. More.\n")
    refs = find_unprocessed(store, "cfg", None)
    store.client.delete_object(Bucket=store.bucket, Key=gone.key)  # after the listing
    results = {o.key: (o, p) for o, p in process_batch(store, refs, None, "cfg")}
    failed, _ = results[gone.key]
    assert failed.status == "failed" and failed.step == "fetch" and "NoSuchKey" in failed.reason
    error = store.get_error(failed.error_key)
    assert error["quarantine_key"] is None and "not copied" in error["quarantine_note"]
    assert results[kept.key][0].status == "written" and results[kept.key][1] is not None


def test_bounded_keys_stay_distinct_and_within_the_limit():
    from worldview.storage import MAX_KEY_BYTES, bounded_key

    short = "quarantine/doc/etag-name.pdf"
    assert bounded_key(short) == short
    a, b = ("quarantine/d/e-" + "я" * 600 + tail for tail in ("a.html", "b.html"))
    assert a != b and bounded_key(a) != bounded_key(b)
    for key in (a, b):
        bounded = bounded_key(key)
        assert len(bounded.encode()) <= MAX_KEY_BYTES and bounded.endswith(".html")
        bounded.encode().decode("utf-8")  # never half a character


def test_versions_follow_the_source_when_versioning_is_suspended(store, sample):
    """Case 4: with versioning suspended, SeaweedFS lists the current ``null`` version after the
    older versioned ones. The order comes from IsLatest and LastModified: the newer upload is
    written, the older one is superseded, and ``latest`` follows the current content."""
    import time

    key, data = sample
    (a, etag_a), (b, etag_b) = revisions_of(store, key, data, 2)  # versioned uploads
    store.client.put_bucket_versioning(
        Bucket=store.bucket, VersioningConfiguration={"Status": "Suspended"}
    )
    time.sleep(1.1)  # LastModified has whole seconds
    (c, etag_c), *_ = revisions_of(store, key, data + b"\n\nSuspended.\n", 1)
    listed = store.client.list_object_versions(Bucket=store.bucket, Prefix=key)["Versions"]
    assert [v["VersionId"] for v in listed][-1] == "null", "the store lists null last"
    assert store.put_version(b, source_etag=etag_b).status == "written"
    newest = store.put_version(c, source_etag=etag_c)
    assert (newest.status, newest.pointer.version) == ("written", 2)
    assert store.put_version(a, source_etag=etag_a).status == "superseded"
    assert store.latest(c.document_id).source_sha256 == c.source.sha256
    # and versioning enabled again: a new upload is newer than the null version
    store.client.put_bucket_versioning(
        Bucket=store.bucket, VersioningConfiguration={"Status": "Enabled"}
    )
    time.sleep(1.1)
    (d, etag_d), *_ = revisions_of(store, key, data + b"\n\nEnabled again.\n", 1)
    assert store.put_version(d, source_etag=etag_d).pointer.version == 3
    assert store.put_version(c, source_etag=etag_c).status == "superseded"


def test_since_without_a_timezone_is_utc(store):
    """Case 7: the UI's form sends ``since`` without a zone; the listing reads it as UTC."""
    from datetime import datetime, timedelta

    info = store.upload_source("recent.txt", b"A Title\n\nText.\n")
    naive_past = datetime.utcnow() - timedelta(hours=1)  # noqa: DTZ003 - naive on purpose
    assert [o.key for o in store.list_incoming(since=naive_past)] == [info.key]
    assert list(store.list_incoming(since=naive_past + timedelta(hours=2))) == []


@pytest.fixture(scope="module")
def s3_emulator():
    """moto's S3 server on 127.0.0.1: a store that keeps ``a//b`` and ``dir/`` with content as
    their own objects, as AWS S3 does (SeaweedFS rewrites them on upload)."""
    server_module = pytest.importorskip("moto.server")
    server = server_module.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


def test_ambiguous_keys_and_directory_markers_get_an_error_record(s3_emulator):
    """Case 7: keys a store rewrites (``a//b``, a leading ``/``) name another object on another
    store, and a directory marker with content is no file: each gets an error record (no copy:
    which object it names is the question), an empty marker is no source at all, and the good
    object beside them becomes a record."""
    import uuid

    from worldview.ingest import find_unprocessed, process_batch
    from worldview.pipeline import config_for
    from worldview.settings import Settings
    from worldview.storage import RecordStore

    settings = Settings(
        s3_endpoint=s3_emulator, s3_access_key="k", s3_secret_key="s", s3_lean_transport=False
    )
    aws = RecordStore(f"keys-{uuid.uuid4().hex[:8]}", settings=settings)
    aws.ensure_bucket()
    body = b"A Title\n\nOne paragraph about Moscow. Another sentence.\n"
    ambiguous = ["incoming/a//b.txt", "incoming//lead.txt", "incoming/dir/", "incoming/x/./y.txt"]
    for key in [*ambiguous, "incoming/a/b.txt"]:
        aws.client.put_object(Bucket=aws.bucket, Key=key, Body=body + key.encode())
    aws.client.put_object(Bucket=aws.bucket, Key="incoming/empty-dir/", Body=b"")
    refs = find_unprocessed(aws, config_for(None), None)
    assert "incoming/empty-dir/" not in {r.key for r in refs}
    results = process_batch(aws, refs, None, config_for(None))
    aws.update_index([p for _, p in results if p is not None])
    outcomes = {o.key: o for o, _ in results}
    assert outcomes["incoming/a/b.txt"].status == "written"
    for key in ambiguous:
        assert outcomes[key].status == "failed", outcomes[key]
        error = aws.get_error(outcomes[key].error_key)
        assert "ambiguous key" in error["reason"] and error["quarantine_key"] is None, error
    assert find_unprocessed(aws, config_for(None), None) == []  # failed once, not retried
    with pytest.raises(ValueError, match="empty path segment"):
        aws.upload_source("a//c.txt", body)  # our own uploads refuse them outright

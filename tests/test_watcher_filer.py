"""The upload watcher fed by the SeaweedFS filer's metadata subscription (``weed
filer.meta.tail``), against the session's ``weed mini``: an upload is announced without a
listing, every upload version is claimed and started once, and nothing is lost when the
subscription breaks or a run cannot start.
"""

from __future__ import annotations

import json
import time

import pytest

from worldview.identity import document_id_for, source_uri
from worldview.stack.filer import EventStream, FilerUploads, key_in_event
from worldview.stack.watcher import UploadWatcher


def event(directory: str, name: str, *, is_directory: bool = False, deleted: bool = False) -> dict:
    entry = {"name": name, "isDirectory": is_directory}
    note = {"oldEntry": entry if deleted else None, "newEntry": None if deleted else entry}
    note["newParentPath"] = directory
    return {"directory": directory, "eventNotification": note, "tsNs": "1796575756637368670"}


def test_the_key_of_a_new_file_or_version_and_nothing_else():
    assert key_in_event(event("/buckets/b/incoming/a", "x y.txt"), "b") == "incoming/a/x y.txt"
    assert (
        key_in_event(event("/buckets/b/incoming/a/x.html.versions", "v_6711f0926dd2f4692"), "b")
        == "incoming/a/x.html"
    )
    assert (
        key_in_event(event("/buckets/b/incoming", "x.html.versions", is_directory=True), "b")
        == "incoming/x.html"
    )  # the version pointer moved: only now does S3 show the new version
    assert key_in_event(event("/buckets/b/incoming", "a", is_directory=True), "b") is None
    assert key_in_event(event("/buckets/b/incoming", "gone.txt", deleted=True), "b") is None
    assert key_in_event(event("/buckets/other/incoming", "x.txt"), "b") is None
    assert key_in_event(event("/buckets/bb/incoming", "x.txt"), "b") is None


def test_the_stream_of_pretty_printed_events_and_error_lines():
    stream = EventStream()
    text = json.dumps(event("/buckets/b/incoming", "x.txt"), indent=2) + "\n"
    lines = ["tail 127.0.0.1:1: subscribing filer meta change: connection refused\n"]
    lines += text.splitlines(keepends=True) * 2
    results = [stream.feed(line) for line in lines]
    events = [e for e, _ in results if e is not None]
    noise = [n for _, n in results if n is not None]
    assert [key_in_event(e, "b") for e in events] == ["incoming/x.txt", "incoming/x.txt"]
    assert noise == [lines[0].strip()]


def test_a_stray_line_inside_an_event_costs_that_event_only():
    stream = EventStream()
    text = json.dumps(event("/buckets/b/incoming", "x.txt"), indent=2) + "\n"
    lines = text.splitlines(keepends=True)
    broken = lines[:2] + ["E1206 a log line of weed in the middle\n"] + lines[2:]
    results = [stream.feed(line) for line in broken + lines]
    events = [e for e, _ in results if e is not None]
    noise = [n for _, n in results if n is not None]
    assert [key_in_event(e, "b") for e in events] == ["incoming/x.txt"]  # the next one parses
    assert noise == ["unparsable event dropped"]


@pytest.fixture
def filer(store, object_store):
    from worldview.stack import objectstore

    ports = object_store.ports
    address = f"127.0.0.1:{ports.filer}.{ports.filer_grpc}"
    # the store's gRPC ports take no client without its certificate
    env = objectstore.grpc_client_env(object_store.data_dir)
    uploads = FilerUploads(store, address, env=env).start()
    assert uploads.wait_connected(10)
    try:
        yield uploads
    finally:
        uploads.stop()


def receive_until(uploads: FilerUploads, *wanted, timeout: float = 20) -> list:
    """Receive until every ``wanted`` upload (key and ETag) was announced."""
    got: list = []
    deadline = time.monotonic() + timeout
    pairs = {(o.key, o.etag) for o in wanted}
    while not pairs <= {(o.key, o.etag) for o in got} and time.monotonic() < deadline:
        got += uploads.receive(1)
    return got


def test_an_upload_is_announced_with_its_etag_without_a_listing(store, filer):
    assert filer.receive(1) == []  # the first receive lists the (empty) prefix
    store.client.put_object(Bucket=store.bucket, Key="records/not-a-source.json", Body=b"{}")
    first = store.upload_source("analyses/a b.txt", b"Title\n\nA body.\n")
    got = receive_until(filer, first)
    assert {(o.key, o.etag) for o in got} == {(first.key, first.etag)}
    second = store.upload_source("analyses/a b.txt", b"Title\n\nAnother body.\n")  # a version
    got = receive_until(filer, second)
    assert second.etag in {o.etag for o in got} and {o.key for o in got} == {second.key}
    assert filer.events >= 2


def test_uploads_during_a_broken_subscription_are_found_when_it_is_back(store, filer):
    filer.receive(1)
    assert filer._process is not None
    filer._process.kill()  # the filer went away (restart, network): weed exits
    during = store.upload_source("during-the-gap.txt", b"Title\n\nA body.\n")
    got = receive_until(filer, during, timeout=30)  # a listing after the reconnect
    assert during.key in {o.key for o in got}
    assert filer.wait_connected(10)
    after = store.upload_source("after-the-gap.txt", b"Title\n\nA body.\n")
    assert after.key in {o.key for o in receive_until(filer, after)}


def test_the_watcher_starts_each_announced_upload_once_and_retries_one_that_failed(store, filer):
    launched: list[tuple[str, str]] = []
    failures = [RuntimeError("Prefect API unreachable")]

    def launch(bucket, obj):
        if failures:
            raise failures.pop()
        launched.append((obj.key, obj.etag))
        return f"run-{len(launched)}"

    watcher = UploadWatcher(
        store, notifications=filer, interval=1, launch=launch, launch_batch=None, emit=None
    )
    watcher.skip_recorded()
    info = store.upload_source("once.txt", b"Title\n\nA body.\n")
    deadline = time.monotonic() + 30
    while not launched and time.monotonic() < deadline:
        watcher.poll_once()  # the first launch fails: claim released, the next poll lists
    assert launched == [(info.key, info.etag)]
    store.upload_source("once.txt", b"Title\n\nA body.\n")  # same bytes again: same ETag
    for _ in range(3):
        watcher.poll_once()
    assert launched == [(info.key, info.etag)]
    document_id = document_id_for(source_uri(store.bucket, info.key))
    assert store.claim(document_id, info.etag, {}) is False  # the watcher holds the claim

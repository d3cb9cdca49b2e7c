"""The upload watcher fed by S3 -> SQS notifications (the AWS path), against a real server.

SeaweedFS has no bucket notifications, so these tests start moto's server (an S3 + SQS
emulator speaking the AWS wire protocols) on 127.0.0.1: the bucket sends ``ObjectCreated``
events for ``incoming/`` to a queue, exactly as infra/aws configures it, and the watcher
receives them through ``SqsUploads`` with the same boto3 calls it makes against AWS.
"""

from __future__ import annotations

import time
import uuid

import pytest

from worldview.identity import document_id_for, source_uri
from worldview.settings import Settings
from worldview.stack.watcher import SqsUploads, UploadWatcher
from worldview.storage import RecordStore

KEYS = {"s3_access_key": "test-key", "s3_secret_key": "test-secret", "s3_region": "us-east-1"}


@pytest.fixture(scope="module")
def aws_emulator():
    server_module = pytest.importorskip("moto.server")
    server = server_module.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def notified_bucket(aws_emulator):
    """A bucket whose uploads under incoming/ are announced on a fresh queue (1 s visibility)."""
    settings = Settings(s3_endpoint=aws_emulator, sqs_endpoint=aws_emulator, **KEYS)
    store = RecordStore(f"uploads-{uuid.uuid4().hex[:8]}", settings=settings)
    store.ensure_bucket()
    sqs = SqsUploads(
        "unused",
        "us-east-1",
        store.bucket,
        store.incoming_prefix,
        endpoint_url=aws_emulator,
        credentials={"aws_access_key_id": "test-key", "aws_secret_access_key": "test-secret"},
    )
    queue = sqs.client.create_queue(
        QueueName=f"q-{store.bucket}", Attributes={"VisibilityTimeout": "1"}
    )
    arn = sqs.client.get_queue_attributes(QueueUrl=queue["QueueUrl"], AttributeNames=["QueueArn"])[
        "Attributes"
    ]["QueueArn"]
    store.client.put_bucket_notification_configuration(
        Bucket=store.bucket,
        NotificationConfiguration={
            "QueueConfigurations": [
                {
                    "QueueArn": arn,
                    "Events": ["s3:ObjectCreated:*"],
                    "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": "incoming/"}]}},
                }
            ]
        },
    )
    settings = settings.model_copy(update={"sqs_queue_url": queue["QueueUrl"]})
    return store, SqsUploads.from_settings(settings, store)


def watcher_for(store, sqs, launched: list, fail: list | None = None) -> UploadWatcher:
    def launch(bucket, obj):
        if fail:
            raise fail.pop()
        launched.append(obj.key)
        return f"run-{len(launched)}"

    return UploadWatcher(store, sqs=sqs, interval=1, launch=launch, launch_batch=None, emit=None)


def poll_until(watcher: UploadWatcher, launched: list, count: int, timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while len(launched) < count and time.monotonic() < deadline:
        watcher.poll_once()


def queue_is_empty(sqs: SqsUploads) -> bool:
    attributes = sqs.client.get_queue_attributes(
        QueueUrl=sqs.queue_url,
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    return all(int(v) == 0 for v in attributes.values())


def test_an_upload_announced_on_sqs_starts_one_run_and_the_message_is_deleted(notified_bucket):
    store, sqs = notified_bucket
    launched: list[str] = []
    watcher = watcher_for(store, sqs, launched)
    info = store.upload_source("analyses/negotiating with Putin.txt", b"Title\n\nA body.\n")
    store.client.put_object(Bucket=store.bucket, Key="elsewhere/not-a-source.txt", Body=b"x")

    poll_until(watcher, launched, 1)

    assert launched == [info.key]  # the key was URL-encoded in the event ("with+Putin")
    document_id = document_id_for(source_uri(store.bucket, info.key))
    assert store.claim(document_id, info.etag, {}) is False  # the watcher holds the claim
    time.sleep(1.5)  # past the visibility timeout: an undeleted message would be back
    watcher.poll_once()
    assert launched == [info.key]
    assert queue_is_empty(sqs)


def test_a_second_watcher_on_the_same_queue_does_not_start_the_run_again(notified_bucket):
    store, sqs = notified_bucket
    first, second = [], []
    info = store.upload_source("one.txt", b"Title\n\nA body.\n")
    poll_until(watcher_for(store, sqs, first), first, 1)
    # The same notification delivered again (SQS is at-least-once) reaches another watcher.
    store.client.copy_object(
        Bucket=store.bucket,
        Key=info.key,
        CopySource={"Bucket": store.bucket, "Key": info.key},
        MetadataDirective="REPLACE",
    )
    other = watcher_for(store, sqs, second)
    deadline = time.monotonic() + 10
    while (info.key, info.etag) not in other._seen and time.monotonic() < deadline:
        other.poll_once()
    assert (info.key, info.etag) in other._seen  # it did receive the notification
    assert first == [info.key] and second == []  # same content: the claim was already taken
    assert queue_is_empty(sqs)


def test_a_run_that_cannot_start_leaves_the_message_for_the_next_receive(notified_bucket):
    store, sqs = notified_bucket
    launched: list[str] = []
    info = store.upload_source("later.txt", b"Title\n\nA body.\n")

    failures = [RuntimeError("Prefect API unreachable")]
    watcher = watcher_for(store, sqs, launched, fail=failures)
    deadline = time.monotonic() + 10
    while failures and time.monotonic() < deadline:
        assert watcher.poll_once() == []
    assert not failures  # a launch was attempted and failed: claim released, message kept

    poll_until(watcher, launched, 1)  # redelivered after the visibility timeout
    assert launched == [info.key]
    assert queue_is_empty(sqs)

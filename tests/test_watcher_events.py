"""S3 event notifications (as SQS delivers them) -> the objects the watcher claims."""

from __future__ import annotations

import json

from worldview.stack.watcher import objects_in_s3_event


def notification(*records: dict) -> str:
    return json.dumps({"Records": list(records)})


def created(key: str, bucket: str = "worldview", event: str = "ObjectCreated:Put") -> dict:
    return {
        "eventName": event,
        "eventTime": "2026-11-24T23:00:00.000Z",
        "s3": {
            "bucket": {"name": bucket},
            "object": {"key": key, "eTag": "abc123", "size": 42, "versionId": "v7"},
        },
    }


def test_created_objects_under_the_prefix_in_this_bucket_only():
    body = notification(
        created("incoming/a+b%C3%A9.html"),  # S3 URL-encodes keys in notifications
        created("incoming/other.txt", bucket="someone-else"),
        created("records/x/v1.json"),
        created("incoming/gone.txt", event="ObjectRemoved:Delete"),
        created("incoming/dir/"),
    )
    objects = objects_in_s3_event(body, "worldview", "incoming/")
    assert [(o.key, o.etag, o.size, o.version_id) for o in objects] == [
        ("incoming/a bé.html", "abc123", 42, "v7")
    ]


def test_test_events_and_garbage_are_ignored():
    assert (
        objects_in_s3_event(json.dumps({"Event": "s3:TestEvent"}), "worldview", "incoming/") == []
    )
    assert objects_in_s3_event("not json", "worldview", "incoming/") == []

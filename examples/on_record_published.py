"""A downstream deployment that runs on every new record version (``worldview.record.published``).

The consumer's side: it needs only the base install (``pip install worldview`` for the reader)
plus Prefect for the deployment. Serve it against the Prefect server the pipeline reports to:

    PREFECT_API_URL=http://127.0.0.1:4200/api python examples/on_record_published.py

``serve`` registers the deployment with its trigger; each event starts a run with the event's
document id, version and themes, which reads the record from the store (WORLDVIEW_* settings)
and prints what it would hand on. With a work pool instead, the same trigger goes in the
deployment's ``triggers:`` in prefect.yaml (see the commented example in infra/prefect.yaml).
"""

from __future__ import annotations

import os

from prefect import flow
from prefect.events.schemas.deployment_triggers import DeploymentEventTrigger

from worldview.records import RecordReader

RECORD_PUBLISHED = "worldview.record.published"


def trigger(bucket: str | None = None) -> DeploymentEventTrigger:
    """Fire once per ``worldview.record.published`` (of one bucket, when given)."""
    return DeploymentEventTrigger(
        name="on-worldview-record-published",
        expect={RECORD_PUBLISHED},
        match={"worldview.bucket": bucket} if bucket else {"prefect.resource.id": "s3://*"},
        parameters={
            "record_uri": "{{ event.resource.id }}",
            "document_id": "{{ event.payload.document_id }}",
            "version": "{{ event.payload.version }}",
            # Lists go through as JSON (a bare template would render them as a string).
            "reason": {
                "__prefect_kind": "json",
                "value": {
                    "__prefect_kind": "jinja",
                    "template": "{{ event.payload.reason | tojson }}",
                },
            },
        },
    )


@flow(name="on-record-published", log_prints=True)
def on_record_published(
    record_uri: str, document_id: str, version: int, reason: list[str] | None = None
) -> dict:
    bucket = record_uri.removeprefix("s3://").split("/", 1)[0]
    record = RecordReader.from_settings(bucket=bucket).get(document_id, version)
    themes = [t.id for t in record.themes]
    print(
        f"consumed {document_id} v{version} ({', '.join(reason or [])}): "
        f"{record.metadata.title!r}, published {record.metadata.published}, themes {themes}"
    )
    return {"document_id": document_id, "version": version, "themes": themes}


if __name__ == "__main__":
    on_record_published.serve(
        name="consumer",
        triggers=[trigger(os.environ.get("WORLDVIEW_BUCKET"))],
        tags=["worldview-consumer"],
    )

"""Prefect artifacts: what a run produced, readable in the UI without opening the bucket."""

from __future__ import annotations

from collections import Counter

from prefect import task
from prefect.artifacts import create_markdown_artifact, create_table_artifact

from worldview.ingest import DocumentOutcome


def _row(bucket: str, outcome: DocumentOutcome) -> dict[str, str]:
    location = outcome.record_key or outcome.error_key or ""
    return {
        "source": outcome.key,
        "title": outcome.title or "",
        "status": outcome.status if outcome.status != "failed" else f"failed at {outcome.step}",
        "version": str(outcome.version or ""),
        "themes": ", ".join(outcome.themes),
        "location": f"s3://{bucket}/{location}" if location else "",
        "reason": outcome.reason or "",
    }


def publish_document_report(bucket: str, outcome: DocumentOutcome) -> None:
    create_table_artifact(
        key="process-document",
        table=[_row(bucket, outcome)],
        description=f"{outcome.status}: s3://{bucket}/{outcome.key}",
    )


def publish_ingest_summary(bucket: str, outcomes: list[DocumentOutcome]) -> dict[str, int]:
    totals = Counter(o.status for o in outcomes)
    totals["total"] = len(outcomes)
    create_table_artifact(key="ingest-documents", table=[_row(bucket, o) for o in outcomes])
    summary = ", ".join(f"{n} {status}" for status, n in sorted(totals.items()))
    create_markdown_artifact(
        key="ingest-summary", markdown=f"# Ingest of s3://{bucket}\n\n{summary or 'nothing new'}\n"
    )
    return dict(totals)


document_report_task = task(publish_document_report, name="report", cache_policy=None)
ingest_summary_task = task(publish_ingest_summary, name="summary", cache_policy=None)

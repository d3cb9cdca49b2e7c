"""Prefect artifacts: what a run produced, readable in the UI without opening the bucket.

A run's markdown artifact links each record version to its page on the page server
(``WORLDVIEW_VIEWS_URL``: the highlighted article, one click from the run page).
"""

from __future__ import annotations

from collections import Counter

from prefect import task
from prefect.artifacts import create_markdown_artifact, create_table_artifact

from worldview.ingest import DocumentOutcome
from worldview.settings import get_settings
from worldview.views.store import view_url
from worldview.views.themed import theme_info

LISTED = 200  # documents an ingest run's markdown lists by name (the table has them all)


def page_link(outcome: DocumentOutcome) -> str | None:
    """The record version's page on the page server, or None (no version, no server)."""
    base = get_settings().views_url
    if not base or outcome.version is None or outcome.status == "failed":
        return None
    return view_url(base, outcome.document_id, outcome.version)


def _md(text: str) -> str:
    """Text safe inside a markdown link or table cell."""
    return text.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]").replace("|", "\\|")


def document_markdown(bucket: str, outcome: DocumentOutcome) -> str:
    """One document's outcome: title, status, themes by label, the page and the record."""
    title = _md(outcome.title or outcome.key)
    if outcome.status == "failed":
        return (
            f"# Failed: {_md(outcome.key)}\n\n"
            f"At step **{outcome.step}**: {_md(outcome.reason or '')}\n\n"
            f"The source was quarantined; why: `s3://{bucket}/{outcome.error_key}`\n"
        )
    link = page_link(outcome)
    opened = f"**[Open the highlighted article]({link})**" if link else ""
    themes = ", ".join(theme_info(t).label for t in outcome.themes) or "none"
    return (
        f"# {title}\n\n{opened}\n\n"
        f"- status: **{outcome.status}**, version {outcome.version}\n"
        f"- themes ({len(outcome.themes)}): {_md(themes)}\n"
        f"- record: `s3://{bucket}/{outcome.record_key}`\n"
        f"- source: `s3://{bucket}/{outcome.key}`\n"
    )


def ingest_markdown(bucket: str, outcomes: list[DocumentOutcome], summary: str) -> str:
    """The run's totals, then each new version with its page, then each failure."""
    lines = [f"# Ingest of s3://{bucket}", "", summary or "nothing new", ""]
    written = [o for o in outcomes if o.status == "written"]
    if written:
        lines += ["## New record versions (each title opens its highlighted page)", ""]
        for o in written[:LISTED]:
            link = page_link(o)
            title = _md(o.title or o.key)
            name = f"**[{title}]({link})**" if link else f"**{title}**"
            labels = _md(", ".join(theme_info(t).label for t in o.themes)) or "no theme"
            lines.append(f"- {name} (v{o.version}): {labels}")
        if len(written) > LISTED:
            lines.append(f"\n… and {len(written) - LISTED} more (table artifact ingest-documents)")
        lines.append("")
    failed = [o for o in outcomes if o.status == "failed"]
    if failed:
        lines += ["## Failed", ""]
        lines += [f"- `{_md(o.key)}` at {o.step}: {_md(o.reason or '')}" for o in failed[:LISTED]]
    return "\n".join(lines) + "\n"


def _row(bucket: str, outcome: DocumentOutcome) -> dict[str, str]:
    location = outcome.record_key or outcome.error_key or ""
    return {
        "source": outcome.key,
        "title": outcome.title or "",
        "status": outcome.status if outcome.status != "failed" else f"failed at {outcome.step}",
        "version": str(outcome.version or ""),
        "themes": ", ".join(outcome.themes),
        "location": f"s3://{bucket}/{location}" if location else "",
        "page": page_link(outcome) or "",
        "reason": outcome.reason or "",
    }


def publish_document_report(bucket: str, outcome: DocumentOutcome) -> None:
    create_markdown_artifact(
        key="process-document",
        markdown=document_markdown(bucket, outcome),
        description=f"{outcome.status}: s3://{bucket}/{outcome.key}",
    )


def publish_ingest_summary(bucket: str, outcomes: list[DocumentOutcome]) -> dict[str, int]:
    totals = Counter(o.status for o in outcomes)
    totals["total"] = len(outcomes)
    create_table_artifact(key="ingest-documents", table=[_row(bucket, o) for o in outcomes])
    summary = ", ".join(f"{n} {status}" for status, n in sorted(totals.items()))
    create_markdown_artifact(
        key="ingest-summary", markdown=ingest_markdown(bucket, outcomes, summary)
    )
    return dict(totals)


document_report_task = task(publish_document_report, name="report", cache_policy=None)
ingest_summary_task = task(publish_ingest_summary, name="summary", cache_policy=None)

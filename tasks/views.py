"""Pages for people, written beside the records: a record version's page (``views/<id>/v<N>.html``,
the ``process-document`` flow; ingest batches write theirs in ``tasks.process_batch``) and the
theme trends an ingest run leaves (``views/trends/<stamp>-month.html|svg`` and a markdown
artifact with the table and the links).

Pages are derived: neither task ever fails the run that wrote the records (the page server
renders a missing page from its record; the next ingest run refreshes the trends).
"""

from __future__ import annotations

from datetime import UTC, datetime

from prefect import get_run_logger, task
from prefect.artifacts import create_markdown_artifact

from worldview.record import Record
from worldview.settings import get_settings
from worldview.storage import RecordStore
from worldview.views.charts import trend_chart
from worldview.views.store import (
    HTML,
    SVG,
    TRENDS_PREFIX,
    corpus_rows,
    put_object,
    put_view_quietly,
    snapshot_stamp,
    view_url,
)
from worldview.views.trends import compute_trends, markdown_table
from worldview.views.trends_page import render_trends

TRENDS_MONTHS = 4  # months in the artifact's table (the page has them all)


def write_view(bucket: str, record: Record) -> str | None:
    """The record version's page in the store; its key, or None when it could not be stored."""
    if not get_settings().views:
        return None
    return put_view_quietly(RecordStore.from_settings(bucket=bucket), record)


def pages_url(path: str) -> str | None:
    """``path`` on the page server (WORLDVIEW_VIEWS_URL), or None when there is none."""
    base = get_settings().views_url
    return f"{base.rstrip('/')}/{path.lstrip('/')}" if base else None


def trends_markdown(bucket: str, documents: int, table: str, page_key: str, svg_key: str) -> str:
    page, chart = pages_url(page_key), pages_url(svg_key)
    if page and chart:
        links = f"[Open the chart and the full table]({page}) · [the chart alone (SVG)]({chart})"
        image = f"\n\n![Theme prevalence by month]({chart})"
    else:
        links = f"Chart and table: `s3://{bucket}/{page_key}` (SVG: `s3://{bucket}/{svg_key}`)"
        image = ""
    return (
        f"# Theme trends over {documents} documents\n\n"
        "Share of documents (each one's latest record) that carry each theme: the whole corpus "
        f"and the last {TRENDS_MONTHS} months with dated documents.\n\n{links}{image}\n\n"
        f"{table}\n"
    )


def publish_trends(bucket: str) -> str | None:
    """Trends by month over the store's latest records: the page and the chart under
    ``views/trends/``, and a markdown artifact ``ingest-trends`` linking to them."""
    logger = get_run_logger()
    try:
        settings = get_settings()
        store = RecordStore.from_settings(bucket=bucket)
        rows = corpus_rows(store)
        trends = compute_trends(rows, "month")
        stamp = snapshot_stamp()
        page_key = f"{TRENDS_PREFIX}{stamp}-month.html"
        svg_key = f"{TRENDS_PREFIX}{stamp}-month.svg"
        base = settings.views_url

        def doc_link(row) -> str:
            return view_url(base, row.document_id, row.version)

        html = render_trends(
            trends,
            "documents",
            rows=rows,
            as_of=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            doc_link=doc_link if base else None,
        )
        put_object(store, page_key, html.encode("utf-8"), HTML)
        put_object(store, svg_key, trend_chart(trends, "documents").encode("utf-8"), SVG)
        table = markdown_table(trends, "documents", max_groups=TRENDS_MONTHS)
        markdown = trends_markdown(bucket, trends.documents, table, page_key, svg_key)
        create_markdown_artifact(
            key="ingest-trends",
            markdown=markdown,
            description=f"theme trends over s3://{bucket}/ ({trends.documents} documents)",
        )
        return markdown
    except Exception as exc:  # the records are written; trends wait for the next run
        logger.warning("no trends report: %s: %s", type(exc).__name__, exc)
        return None


write_view_task = task(write_view, name="write-page", cache_policy=None)
trends_task = task(publish_trends, name="trends", cache_policy=None)

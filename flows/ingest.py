"""Flow ``ingest``: every incoming object without a record for its current content -> a record.

Finds what is new (the index says which source ETag and pipeline/taxonomy/model config each
record was made from), then processes it in batches — one task run per batch, not per document —
spread evenly over ``concurrency`` batches running at once, updates the index once, emits
``worldview.record.published`` per new version, refreshes the Parquet export and leaves a summary
artifact; it also keeps the schema and taxonomy published in the bucket (``tasks/publish.py``).
Scheduled, it reconciles anything the upload watcher missed. A document that fails is quarantined
and the run goes on; a run in which documents failed ends ``CompletedWithFailures`` ("3 of 32
documents failed"); a batch that fails for the store's sake (after its retries) fails the run,
after the index has what the other batches wrote.

The flow is ``async`` for one reason: a sync flow run ends by joining Prefect's heartbeat thread,
which sleeps in whole seconds, so every sync run lasted up to a second (0.5 s on average) past
its last task; the async engine does not wait for it. Call it with ``asyncio.run(ingest_flow())``
(or ``run_ingest``); deployments and the UI run it as any flow.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from prefect import flow
from prefect.context import FlowRunContext, SyncClientContext
from prefect.states import Completed, Failed, State
from prefect.task_runners import ThreadPoolTaskRunner
from prefect.utilities.annotations import quote
from pydantic import BaseModel, Field, field_validator

from tasks.process_batch import find_unprocessed_task, process_batch_task
from tasks.publish import emit_records_published, publish_contract_task, refresh_exports_task
from tasks.report import ingest_summary_task
from tasks.views import trends_task
from tasks.write_record import update_index_task
from worldview.ingest import DocumentOutcome
from worldview.settings import get_settings


class IngestRequest(BaseModel):
    prefix: str | None = Field(default=None, description="Under the incoming prefix; all if empty")
    since: datetime | None = Field(
        default=None, description="Only objects modified since then (UTC unless a zone is given)"
    )
    bucket: str | None = Field(default=None, description="Defaults to WORLDVIEW_BUCKET")
    batch_size: int | None = Field(
        default=None, ge=1, description="Documents per task run; default: an even split"
    )
    only_keys: list[str] | None = Field(
        default=None, description="Only these keys (the upload watcher's burst); all if empty"
    )

    @field_validator("since")
    @classmethod
    def since_utc_unless_zoned(cls, value: datetime | None) -> datetime | None:
        """The UI's form sends a time without a zone: it is read as UTC."""
        return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


# The final state of a run in which documents failed: Completed (the run did its work; the
# failures are quarantined with error records) under a name the runs list shows and an
# automation can match: the event ``prefect.flow-run.CompletedWithFailures`` (docs/deploy.md).
COMPLETED_WITH_FAILURES = "CompletedWithFailures"


class IngestSummary(BaseModel):
    totals: dict[str, int]
    outcomes: list[DocumentOutcome]


def unwalked(models: list):
    """``quote(models)`` where that is safe: Prefect would otherwise walk every model in the list
    looking for futures to track (a second per 500 documents; they hold none). The Dask runner
    does not unwrap a quote (its task receives a tuple), so there the list goes as it is."""
    context = FlowRunContext.get()
    if context is not None and isinstance(context.task_runner, ThreadPoolTaskRunner):
        return quote(models)
    return models


def batches(items: list, size: int) -> list[list]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def even_batches(items: list, parallel: int, max_size: int) -> list[list]:
    """``items`` spread evenly over ``parallel`` batches (more if one would exceed ``max_size``).

    Each batch is a task run, and each task run costs the Prefect server ~30 ms of CPU on the
    machine the pipeline and the store share (500 documents in batches of 25: 0.9 s; in 4
    batches: 0.4 s); one batch per concurrent task run keeps every thread busy to the end.
    """
    count = min(len(items), max(parallel, -(-len(items) // max_size)))
    return [items[i * len(items) // count : (i + 1) * len(items) // count] for i in range(count)]


@flow(
    name="ingest",
    task_runner=ThreadPoolTaskRunner(max_workers=get_settings().ingest_concurrency),
    log_prints=True,
)
async def ingest_flow(request: IngestRequest | None = None) -> IngestSummary:
    request = request or IngestRequest()
    settings = get_settings()
    bucket = request.bucket or settings.bucket
    # One API client for the run's task runs, as under a sync flow: the threads inherit this
    # context, where each task run would otherwise build two clients (each loads the CA bundle
    # into a new SSL context, ~15 ms of CPU, even for a plain-HTTP API).
    with SyncClientContext.get_or_create():
        contract = publish_contract_task.submit(bucket)  # schema + taxonomy, beside the finding
        todo = find_unprocessed_task(bucket, request.prefix, request.since, settings.themes)
        if request.only_keys:  # a burst of uploads: those, not whatever else is new
            wanted = set(request.only_keys)
            todo = [ref for ref in todo if ref.key in wanted]
        if request.batch_size:
            work = batches(todo, request.batch_size)
        else:
            work = even_batches(todo, settings.ingest_concurrency, settings.ingest_batch_size)
        futures = [
            process_batch_task.submit(bucket, unwalked(batch), settings.themes) for batch in work
        ]
        # Batches run on the task runner's threads (or Dask workers); wait off the event loop.
        batch_results, batch_errors = await asyncio.to_thread(gather, futures)
        outcomes = [outcome for batch in batch_results for outcome, _ in batch]
        pointers = [p for batch in batch_results for _, p in batch if p is not None]
        # Always, even when a batch failed: what the run wrote is in the index.
        update_index_task(bucket, unwalked(pointers))
        # For subscribers: one worldview.record.published per new version, once the index has it;
        # then the Parquet export follows the index (only the changed documents are read).
        written = [pair for batch in batch_results for pair in batch if pair[0].status == "written"]
        emit_records_published(bucket, written)
        if batch_errors:  # the store's condition, after the batch's retries: the run failed
            ingest_summary_task(bucket, unwalked(outcomes))
            contract.wait()
            return batches_failed(len(batch_errors), len(work), batch_errors[0])
        # the summary first: it is the run's report even if the contract or the export fails
        totals = ingest_summary_task(bucket, unwalked(outcomes))
        contract.result()
        refresh_exports_task(bucket)
        if written:
            trends_task(bucket)  # theme trends by month: a page, an SVG, a markdown artifact
    print(f"ingest s3://{bucket}: {totals}")
    return final_state(IngestSummary(totals=totals, outcomes=outcomes))


def gather(futures: list) -> tuple[list, list[BaseException]]:
    """Each batch's result, and the errors of the batches that failed (after their retries)."""
    results, errors = [], []
    for future in futures:
        try:
            results.append(future.result())
        except Exception as exc:
            errors.append(exc)
    return results, errors


def batches_failed(failed: int, total: int, first: BaseException) -> State:
    return Failed(
        message=f"{failed} of {total} batches failed: {type(first).__name__}: {first} "
        "(what the other batches wrote is indexed; the next run retries the rest)"
    )


def final_state(summary: IngestSummary) -> State:
    """Completed, with a message that says what happened; under ``COMPLETED_WITH_FAILURES``
    when any document failed (each is quarantined, with an error record)."""
    totals = summary.totals
    failed, total = totals.get("failed", 0), totals.get("total", 0)
    counts = ", ".join(f"{n} {s}" for s, n in sorted(totals.items()) if s not in {"total"})
    if failed:
        message = f"{failed} of {total} documents failed ({counts})"
        return Completed(message=message, name=COMPLETED_WITH_FAILURES, data=summary)
    return Completed(message=f"{total} documents: {counts or 'nothing new'}", data=summary)


def run_ingest(request: IngestRequest | None = None, *, task_runner=None, **options):
    """``ingest_flow`` from synchronous code (the CLI, tests, benchmarks), on ``task_runner`` if
    given (a Dask cluster for a backfill); ``options`` as for a flow call (``return_state``)."""
    flow = ingest_flow.with_options(task_runner=task_runner) if task_runner else ingest_flow
    return asyncio.run(flow(request, **options))

"""Flow ``ingest``: every incoming object without a record for its current content -> a record.

Finds what is new (the index says which source ETag and pipeline/taxonomy/model config each
record was made from), then processes it in batches — one task run per batch, not per document —
spread evenly over ``concurrency`` batches running at once, updates the index once, and leaves a
summary artifact.
Scheduled, it reconciles anything the upload watcher missed.

The flow is ``async`` for one reason: a sync flow run ends by joining Prefect's heartbeat thread,
which sleeps in whole seconds, so every sync run lasted up to a second (0.5 s on average) past
its last task; the async engine does not wait for it. Call it with ``asyncio.run(ingest_flow())``
(or ``run_ingest``); deployments and the UI run it as any flow.
"""

from __future__ import annotations

import asyncio
from datetime import datetime

from prefect import flow
from prefect.context import FlowRunContext, SyncClientContext
from prefect.task_runners import ThreadPoolTaskRunner
from prefect.utilities.annotations import quote
from pydantic import BaseModel, Field

from tasks.process_batch import find_unprocessed_task, process_batch_task
from tasks.report import ingest_summary_task
from tasks.write_record import update_index_task
from worldview.ingest import DocumentOutcome
from worldview.settings import get_settings


class IngestRequest(BaseModel):
    prefix: str | None = Field(default=None, description="Under the incoming prefix; all if empty")
    since: datetime | None = Field(default=None, description="Only objects modified since then")
    bucket: str | None = Field(default=None, description="Defaults to WORLDVIEW_BUCKET")
    batch_size: int | None = Field(
        default=None, ge=1, description="Documents per task run; default: an even split"
    )


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
        todo = find_unprocessed_task(bucket, request.prefix, request.since, settings.themes)
        if request.batch_size:
            work = batches(todo, request.batch_size)
        else:
            work = even_batches(todo, settings.ingest_concurrency, settings.ingest_batch_size)
        futures = [
            process_batch_task.submit(bucket, unwalked(batch), settings.themes) for batch in work
        ]
        # Batches run on the task runner's threads (or Dask workers); wait off the event loop.
        batch_results = await asyncio.to_thread(lambda: [future.result() for future in futures])
        outcomes = [outcome for batch in batch_results for outcome, _ in batch]
        pointers = [p for batch in batch_results for _, p in batch if p is not None]
        update_index_task(bucket, unwalked(pointers))
        totals = ingest_summary_task(bucket, unwalked(outcomes))
    print(f"ingest s3://{bucket}: {totals}")
    return IngestSummary(totals=totals, outcomes=outcomes)


def run_ingest(request: IngestRequest | None = None, *, task_runner=None, **options):
    """``ingest_flow`` from synchronous code (the CLI, tests, benchmarks), on ``task_runner`` if
    given (a Dask cluster for a backfill); ``options`` as for a flow call (``return_state``)."""
    flow = ingest_flow.with_options(task_runner=task_runner) if task_runner else ingest_flow
    return asyncio.run(flow(request, **options))

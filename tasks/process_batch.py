"""Ingest's unit of work: a batch of sources -> records (or quarantined failures), one task run.

A Prefect server records about 60 task runs per second, so ``ingest`` does not make one task run
per step per document: each batch runs the pipeline on its documents in a loop
(``worldview.ingest``) and keeps the per-step timings in each record (``provenance.steps_ms``).
A store failure fails the task run, which retries.
"""

from __future__ import annotations

from datetime import datetime
from functools import partial

from prefect import task

from worldview.ingest import (
    DocumentOutcome,
    SourceRef,
    find_unprocessed,
    limit_malloc_arenas,
    process_batch,
)
from worldview.pipeline import config_for
from worldview.settings import get_settings
from worldview.storage import LatestPointer, RecordStore
from worldview.themes import tagger_if
from worldview.views.store import put_view_quietly


def process_sources(
    bucket: str, refs: list[SourceRef], themes: bool
) -> list[tuple[DocumentOutcome, LatestPointer | None]]:
    tagger = tagger_if(themes)
    store = RecordStore.from_settings(bucket=bucket)
    # Each new version's page (views/<id>/v<N>.html), from the record still in memory
    on_written = partial(put_view_quietly, store) if get_settings().views else None
    return process_batch(store, refs, tagger, config_for(tagger), on_written)


def find_new_sources(
    bucket: str, prefix: str | None, since: datetime | None = None, themes: bool = True
) -> list[SourceRef]:
    store = RecordStore.from_settings(bucket=bucket)
    return find_unprocessed(store, config_for(tagger_if(themes)), prefix, since)


# Before the task runner's threads exist: fewer malloc arenas for them (WORLDVIEW_MALLOC_ARENAS)
limit_malloc_arenas(get_settings().malloc_arenas)

_IO_RETRIES = {"retries": 2, "retry_delay_seconds": [2, 10], "cache_policy": None}
process_batch_task = task(process_sources, name="process-batch", **_IO_RETRIES)
find_unprocessed_task = task(find_new_sources, name="find-unprocessed", **_IO_RETRIES)

"""I/O task: read one source object from the store; retried with backoff on store hiccups."""

from __future__ import annotations

from prefect import task

from worldview.errors import PipelineError
from worldview.storage import FetchedSource, RecordStore, is_per_object_error


def fetch(bucket: str, key: str, version_id: str | None = None) -> FetchedSource:
    """The object's bytes, ETag and version (a ``PipelineError`` when it is over the size limit)."""
    return RecordStore.from_settings(bucket=bucket).fetch(key, version_id)


def _no_retry_for_bad_input(task, task_run, state) -> bool:
    """Retry store hiccups, not documents the pipeline refuses nor objects the store refuses (a
    source deleted since it was listed: asking again gets the same answer)."""
    try:
        state.result()
    except PipelineError:
        return False
    except Exception as exc:
        return not is_per_object_error(exc)
    return False


fetch_task = task(
    fetch,
    name="fetch",
    retries=3,
    retry_delay_seconds=[1, 4, 10],
    retry_condition_fn=_no_retry_for_bad_input,
    cache_policy=None,
)

"""Prefect API calls of ``worldview serve`` retried within milliseconds when the server is busy.

The embedded Prefect server keeps its state in SQLite. A write that meets another write (the
tail of the run before: its task runs recorded from events, its logs, artifact and final state)
fails with ``SQLITE_BUSY_SNAPSHOT`` and the server answers 503; Prefect's client then sleeps
2**attempt s (2 s, jittered; not a setting) before it tries again. Measured on the embedded
stack, uploads arriving one after another: creating each run took 2.0-2.5 s of the 3.4 s from
upload to record, all of it that sleep. ``quick_client`` gives the calling thread one API
client whose every attempt is first repeated after 10 ms and then every 20 ms while the answer
is 503 (about 2 s in all: a busy SQLite write lasts milliseconds), and only then falls back to
Prefect's own retries; Prefect's code that runs on the thread (``run_deployment``, the flow and
task engines) uses the same client, through Prefect's ``SyncClientContext``. On Postgres (a
team server) the server does not answer 503 for this.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from prefect.client.base import PrefectHttpxSyncClient

QUICK_DELAYS_S = (0.01,) + (0.02,) * 100  # about 2 s of attempts: the first quiet moment wins
BUSY = 503


class QuickWhenBusy(PrefectHttpxSyncClient):
    """Prefect's HTTP client, with 503 answers retried quickly before its own backoff."""

    def _send_with_retry(  # the signature of Prefect 3.9's, which ``send`` calls
        self,
        request: Any,
        send: Any,
        send_args: tuple[Any, ...],
        send_kwargs: dict[str, Any],
        retry_codes: set[int] = set(),  # noqa: B006 (as in Prefect: never mutated)
        retry_exceptions: tuple[type[Exception], ...] = tuple(),
    ) -> Any:
        def send_quickly(request: Any, *args: Any, **kwargs: Any) -> Any:
            response = send(request, *args, **kwargs)
            for delay in QUICK_DELAYS_S:
                if response.status_code != BUSY:
                    break
                time.sleep(delay)
                response = send(request, *args, **kwargs)
            return response

        return super()._send_with_retry(
            request=request,
            send=send_quickly,
            send_args=send_args,
            send_kwargs=send_kwargs,
            retry_codes=retry_codes,
            retry_exceptions=retry_exceptions,
        )


@contextmanager
def quick_client() -> Iterator[Any]:
    """This thread's Prefect client (``get_client(sync_client=True)`` returns it too) until the
    block ends, retrying quickly when the server is busy."""
    from prefect.context import SyncClientContext

    with SyncClientContext.get_or_create() as context:
        http = context.client._client
        if type(http) is PrefectHttpxSyncClient:
            http.__class__ = QuickWhenBusy  # same object and state, quicker retries
        yield context.client

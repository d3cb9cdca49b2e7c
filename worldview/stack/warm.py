"""Served deployments run warm: each flow run on a thread of this one long-lived process.

Prefect's ``serve`` starts a fresh interpreter for every flow run, which then imports Prefect and
the pipeline and loads torch and the theme model again: 4-5 s of the 5-6 s from upload to record
(issue 16). ``WarmRunner`` keeps the served deployments' runs what they were — flow runs of
``process-document/on-upload`` and ``ingest/scheduled``, each with its task runs in the UI,
started with an idempotency key — but executes them here, where the pipeline, the API client
and the tagger (``worldview.themes.tagger_if``: one model per process) are already loaded.

A run reaches it two ways: the upload watcher in the same process hands over the flow run it has
just created (no poll in between), and a poll of the deployments' scheduled runs every
``poll_s`` finds the others (the UI's form, the cron schedule, an automation, another process's
watcher). Before running one it proposes ``Pending``, exactly as Prefect's runner and workers
do, so a run is executed once however many processes serve the deployments; the engine
(``prefect.flow_engine.run_flow``) then runs it as the subprocess would. What the threads do not
give: a run cannot be killed halfway (a cancelled run that has not started is skipped; these
runs take about a second), and a crash of the process ends the runs in it (the claims stay, the
scheduled ``ingest`` reconciles).
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import queue
import threading
from typing import Any
from uuid import UUID

log = logging.getLogger("worldview.serve")


class WarmRunner:
    """Runs the flow runs of ``flows`` (deployment id -> flow) on ``limit`` threads."""

    def __init__(self, flows: dict[UUID, Any], *, limit: int = 4, poll_s: float = 1.0) -> None:
        self.flows = flows
        self.limit = max(1, limit)
        self.poll_s = poll_s
        self._queue: queue.Queue[Any] = queue.Queue()
        self._known: set[UUID] = set()  # queued or running here
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self.finished = 0

    # -- start and stop -------------------------------------------------------------------------

    def start(self) -> WarmRunner:
        # Each thread in a copy of this context: Prefect's settings (its API URL) live there.
        def thread(target, name: str) -> threading.Thread:
            context = contextvars.copy_context()
            return threading.Thread(target=context.run, args=(target,), name=name, daemon=True)

        self._threads = [thread(self._work, f"warm-run-{i}") for i in range(self.limit)]
        self._threads.append(thread(self._poll, "warm-poll"))
        for thread in self._threads:
            thread.start()
        return self

    def stop(self, timeout: float = 30.0) -> None:
        """Take no more runs; wait up to ``timeout`` s for the ones running."""
        self._stop.set()
        self._wake.set()
        for _ in range(self.limit):
            self._queue.put(None)
        for thread in self._threads:
            thread.join(timeout / max(1, len(self._threads)))

    # -- how runs arrive ------------------------------------------------------------------------

    def hand_off(self, flow_run: Any) -> str:
        """A flow run just created in this process (the watcher's): run it without a poll."""
        if flow_run.deployment_id in self.flows:
            self._enqueue(flow_run)
        return str(flow_run.id)

    def _enqueue(self, flow_run: Any) -> bool:
        with self._lock:
            if flow_run.id in self._known:
                return False
            self._known.add(flow_run.id)
        self._queue.put(flow_run)
        return True

    def _free_slots(self) -> int:
        with self._lock:
            return self.limit - len(self._known)

    def _poll(self) -> None:
        """Scheduled runs of the deployments that are due (as many as there are free threads);
        the server also marks the deployments as polled, i.e. served."""
        from prefect.types._datetime import now

        from worldview.stack.busy import quick_client

        with quick_client() as client:
            while not self._stop.is_set():
                try:
                    free = self._free_slots()
                    runs = client.get_scheduled_flow_runs_for_deployments(
                        list(self.flows),
                        scheduled_before=now("UTC"),
                        limit=max(1, free),  # polled even when busy: the deployments stay Ready
                    )
                    for flow_run in runs[: max(0, free)]:
                        self._enqueue(flow_run)
                except Exception as exc:  # the API briefly away: keep polling
                    log.warning("could not read scheduled runs: %s", exc)
                self._wake.wait(self.poll_s)
                self._wake.clear()

    # -- running them ---------------------------------------------------------------------------

    def _work(self) -> None:
        """Run what arrives, with one API client for the thread's life: the flow and task
        engines use it too (no client and SSL context made per run)."""
        from worldview.stack.busy import quick_client

        with quick_client() as client:
            while not self._stop.is_set():
                flow_run = self._queue.get()
                if flow_run is None:
                    return
                try:
                    self._run(client, flow_run)
                except Exception:
                    log.exception("flow run %s could not run here", flow_run.id)
                finally:
                    with self._lock:
                        self._known.discard(flow_run.id)
                    self._wake.set()  # a thread is free: look for more at once

    def _run(self, client: Any, flow_run: Any) -> None:
        from prefect.exceptions import Abort
        from prefect.flow_engine import run_flow
        from prefect.states import Pending
        from prefect.utilities.engine import propose_state_sync

        try:
            state = propose_state_sync(client, Pending(), flow_run_id=flow_run.id)
        except Abort as exc:  # another process has it, or it was cancelled before it started
            log.info("flow run %s not run here: %s", flow_run.id, exc)
            return
        if not state.is_pending():
            log.info("flow run %s not run here: it is %s", flow_run.id, state.name)
            return
        flow_run.state = state
        flow = self.flows[flow_run.deployment_id]
        result = run_flow(flow, flow_run=flow_run, return_type="state")
        if asyncio.iscoroutine(result):  # an async flow (ingest): its own loop on this thread
            result = asyncio.run(result)
        with self._lock:
            self.finished += 1
        log.info("flow run %s (%s): %s", flow_run.name, flow.name, getattr(result, "name", result))


WARM_UP_TEXT = (
    b"Warm-up\n\nMoscow says the West seeks to contain Russia. The Kremlin calls for a "
    b"multipolar world order.\n"
)


def warm_up(themes: bool, torch_threads: int) -> None:
    """Before the first run, not in it: the pipeline's modules, and with themes on torch (with
    ``torch_threads`` threads, 0: torch's default) and the theme model; then one small document
    through the whole pipeline (the schema validator, the tokenizer and torch's kernels are made
    on first use)."""
    from worldview.pipeline import process_document

    tagger = None
    if themes:
        import torch

        if torch_threads > 0:
            torch.set_num_threads(torch_threads)
        from worldview.themes import tagger_if

        tagger = tagger_if(True)
    process_document(WARM_UP_TEXT, "s3://warm-up/incoming/warm-up.txt", tagger=tagger)

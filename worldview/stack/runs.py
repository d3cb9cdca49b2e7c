"""Flow runs whose process died: marked Crashed, so no run stays PENDING or RUNNING for ever and
the ``ingest`` deployment's concurrency slot (1) is never held by a run that is gone.

Two mechanisms, as Prefect documents them for runs without a live process:

- heartbeats and the zombie automation: flow runs of the stack send a heartbeat event every
  ``HEARTBEAT_S`` (``PREFECT_FLOWS_HEARTBEAT_FREQUENCY``, set for the served runs by
  ``prefect_server.prefect_env``); the automation ``ZOMBIE_AUTOMATION`` marks a run Crashed when
  ``ZOMBIE_AFTER_S`` pass after a heartbeat without another one or a final state. ``worldview
  serve`` creates it (idempotent); docs/deploy.md shows it for a team server.
- at ``worldview serve`` start-up, runs of its deployments still PENDING or RUNNING belong to the
  serve process that died before it (the embedded stack runs one): they are marked Crashed at
  once (``crash_orphaned_runs``) instead of a heartbeat timeout later.

What a crashed run did not finish is redone: its upload has no record, so the watcher's re-drive
of claims without a started run (``watcher.UploadWatcher.redrive``) or the scheduled ``ingest``
picks it up; writes are idempotent.
"""

from __future__ import annotations

import logging

log = logging.getLogger("worldview.runs")

HEARTBEAT_S = 30
ZOMBIE_AFTER_S = 3 * HEARTBEAT_S
ZOMBIE_AUTOMATION = "worldview: crash flow runs that stopped sending heartbeats"
FINAL_EVENTS = [
    "prefect.flow-run.heartbeat",
    "prefect.flow-run.Completed",
    "prefect.flow-run.CompletedWithFailures",
    "prefect.flow-run.Failed",
    "prefect.flow-run.Cancelled",
    "prefect.flow-run.Crashed",
]


def zombie_automation():
    """The automation (not yet created): no heartbeat for ``ZOMBIE_AFTER_S`` -> Crashed."""
    from prefect.automations import Automation
    from prefect.events.actions import ChangeFlowRunState
    from prefect.events.schemas.automations import EventTrigger, Posture
    from prefect.events.schemas.events import ResourceSpecification
    from prefect.states import StateType

    return Automation(
        name=ZOMBIE_AUTOMATION,
        description="A flow run whose process died sends no more heartbeats: mark it Crashed.",
        trigger=EventTrigger(
            match=ResourceSpecification({"prefect.resource.id": ["prefect.flow-run.*"]}),
            after={"prefect.flow-run.heartbeat"},
            expect=set(FINAL_EVENTS),
            for_each={"prefect.resource.id"},
            posture=Posture.Proactive,
            threshold=1,
            within=ZOMBIE_AFTER_S,
        ),
        actions=[
            ChangeFlowRunState(
                state=StateType.CRASHED,
                message=f"No heartbeat for {ZOMBIE_AFTER_S} s: the process running it is gone.",
            )
        ],
    )


def ensure_zombie_automation() -> bool:
    """Create the zombie automation unless it exists; True when it was created."""
    from prefect.automations import Automation

    try:
        Automation.read(name=ZOMBIE_AUTOMATION)
        return False
    except ValueError:
        pass
    zombie_automation().create()
    return True


def crash_orphaned_runs(deployment_names: list[str]) -> int:
    """Mark Crashed the PENDING and RUNNING runs of these deployments (``flow/deployment``):
    called by a serve process at start, before it runs any, for the runs of the one before it."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import (
        DeploymentFilter,
        DeploymentFilterId,
        FlowRunFilter,
        FlowRunFilterState,
        FlowRunFilterStateType,
    )
    from prefect.client.schemas.objects import StateType
    from prefect.states import Crashed

    crashed = 0
    with get_client(sync_client=True) as client:
        ids = []
        for name in deployment_names:
            try:
                ids.append(client.read_deployment_by_name(name).id)
            except Exception:  # not registered yet: nothing of it can be orphaned
                continue
        if not ids:
            return 0
        runs = client.read_flow_runs(
            flow_run_filter=FlowRunFilter(
                state=FlowRunFilterState(
                    type=FlowRunFilterStateType(any_=[StateType.PENDING, StateType.RUNNING])
                )
            ),
            deployment_filter=DeploymentFilter(id=DeploymentFilterId(any_=ids)),
        )
        for run in runs:
            message = "The serve process running it stopped; marked crashed at serve start-up."
            client.set_flow_run_state(run.id, Crashed(message=message), force=True)
            log.warning("flow run %s (%s) left %s: marked crashed", run.name, run.id, run.state)
            crashed += 1
    return crashed


def at_serve_start(deployment_names: list[str]) -> None:
    """What ``worldview serve`` does first: its predecessor's orphaned runs marked Crashed, the
    zombie automation in place. Best effort: a failure here never keeps the stack from serving."""
    try:
        crashed = crash_orphaned_runs(deployment_names)
        if crashed:
            log.warning("%d flow run(s) of a previous serve process marked crashed", crashed)
        ensure_zombie_automation()
    except Exception as exc:
        log.warning("could not check for orphaned flow runs: %r", exc)

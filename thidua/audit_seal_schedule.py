"""The Temporal Schedule that seals the audit trail (issue 18), created when the worker
starts if it is missing; an existing one is left as the operator may have tuned it
(``temporal schedule update``), except that a changed interval is applied."""

from __future__ import annotations

import logging
from datetime import timedelta

from temporalio.client import (
    Client,
    Schedule,
    ScheduleActionStartWorkflow,
    ScheduleAlreadyRunningError,
    ScheduleIntervalSpec,
    ScheduleOverlapPolicy,
    SchedulePolicy,
    ScheduleSpec,
    ScheduleUpdate,
    ScheduleUpdateInput,
)

from workflows.audit_seal_types import AUDIT_SEAL_SCHEDULE_ID, AUDIT_SEAL_WORKFLOW_ID

from .settings import Settings

log = logging.getLogger(__name__)


def audit_seal_schedule(settings: Settings, *, task_queue: str | None = None) -> Schedule:
    return Schedule(
        action=ScheduleActionStartWorkflow(
            "AuditSealWorkflow",
            id=AUDIT_SEAL_WORKFLOW_ID,
            task_queue=task_queue or settings.task_queue,
            execution_timeout=timedelta(hours=1),
        ),
        spec=ScheduleSpec(
            intervals=[
                ScheduleIntervalSpec(every=timedelta(hours=settings.audit_seal_interval_hours))
            ]
        ),
        policy=SchedulePolicy(overlap=ScheduleOverlapPolicy.SKIP),
    )


async def ensure_audit_seal_schedule(
    client: Client, settings: Settings, *, task_queue: str | None = None
) -> bool:
    """Create the schedule if missing; True when it was created now."""
    if settings.audit_seal_interval_hours <= 0:
        return False
    schedule = audit_seal_schedule(settings, task_queue=task_queue)
    try:
        await client.create_schedule(AUDIT_SEAL_SCHEDULE_ID, schedule)
        log.info("audit seal schedule created (every %sh)", settings.audit_seal_interval_hours)
        return True
    except ScheduleAlreadyRunningError:

        def keep_policy_new_interval(current: ScheduleUpdateInput) -> ScheduleUpdate:
            updated = current.description.schedule
            updated.spec = schedule.spec
            return ScheduleUpdate(schedule=updated)

        await client.get_schedule_handle(AUDIT_SEAL_SCHEDULE_ID).update(keep_policy_new_interval)
        return False

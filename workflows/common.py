"""Timeouts, retry policies and helpers shared by the workflows."""

from __future__ import annotations

from datetime import timedelta
from typing import TypeVar

from temporalio import workflow
from temporalio.common import RetryPolicy

from .contracts import SignalName

P = TypeVar("P")

# Projection writes run as local activities. A database outage must delay them, never
# lose them: retry without limit, backing off to a minute.
RECORD_TIMEOUT = timedelta(seconds=30)
RECORD_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(seconds=60),
)

# Documents (render + sign) are CPU work of a few seconds; retry transient failures.
DOCUMENT_TIMEOUT = timedelta(minutes=2)
DOCUMENT_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=2),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(minutes=2),
    maximum_attempts=10,
    non_retryable_error_types=["NoSigningIdentity"],
)

# A signature made on the signing hosts (THIDUA_SIGNING_TASK_QUEUE) must be taken by one
# of them within this: otherwise the signer is told the signing host is down, at once,
# rather than wait on a page for a host nobody started.
SIGNING_HOST_WAIT = timedelta(minutes=1)

MAX_TEXT = 2000

# A nomination asked to confirm its place on an agenda or in a document answers within
# seconds (minutes in a year-end burst, or across a worker restart). One that has not
# answered after an hour is stuck (a failing workflow task, a missing handler): the asker
# stops waiting for it, takes it off and says so in its audit trail, rather than hang.
ACK_TIMEOUT = timedelta(hours=1)


async def signal_workflow(workflow_id: str, signal: SignalName[P], payload: P) -> None:
    """Signal another workflow by the name its types module declares. Raises
    ApplicationError when that workflow is no longer running."""
    await workflow.get_external_workflow_handle(workflow_id).signal(signal.name, payload)

"""Small workflows that drive the notice activities the way the nomination workflows do.

Kept in their own light module: the workflow sandbox re-imports the module a workflow is
defined in, and the test modules import aiosmtpd, SQLAlchemy and pytest."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError

from workflows.contracts import FailedNoticesInput, NoticeRequest, NoticeResult

with workflow.unsafe.imports_passed_through():
    from activities.notices import NOTICE_RETRY_POLICY, NOTICE_START_TO_CLOSE, NoticeActivities


@dataclass
class NotifyInput:
    request: NoticeRequest
    # Seconds between attempts; 0 means the production NOTICE_RETRY_POLICY.
    retry_interval_seconds: float = 0.0
    maximum_attempts: int = 0


@dataclass
class NotifyOutcome:
    result: NoticeResult | None = None
    failed: int = 0  # notices marked failed after the retries gave up
    error: str = ""
    elapsed_seconds: float = 0.0  # workflow time from start to the end of the retries


@workflow.defn
class NotifyWorkflow:
    """Sends one notice request; when the retries give up, marks what is left failed and
    completes anyway (a mail server must never fail the caller's workflow)."""

    @workflow.run
    async def run(self, notify: NotifyInput) -> NotifyOutcome:
        started = workflow.now()
        policy = NOTICE_RETRY_POLICY
        if notify.retry_interval_seconds:
            policy = RetryPolicy(
                initial_interval=timedelta(seconds=notify.retry_interval_seconds),
                backoff_coefficient=1.0,
                maximum_attempts=notify.maximum_attempts,
            )
        try:
            result = await workflow.execute_activity_method(
                NoticeActivities.send_notices,
                notify.request,
                start_to_close_timeout=NOTICE_START_TO_CLOSE,
                retry_policy=policy,
            )
            return NotifyOutcome(result=result)
        except ActivityError as exc:
            error = str(exc.cause or exc)
            elapsed = (workflow.now() - started).total_seconds()
            failed = await workflow.execute_activity_method(
                NoticeActivities.mark_notices_failed,
                FailedNoticesInput(key=notify.request.key, error=error),
                start_to_close_timeout=NOTICE_START_TO_CLOSE,
            )
            return NotifyOutcome(failed=failed, error=error, elapsed_seconds=elapsed)

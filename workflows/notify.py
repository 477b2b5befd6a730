"""Sending notices from a workflow without ever waiting on the mail server.

A notice is an activity started and not awaited: the nomination moves on at once while
Temporal retries the mail with back-off. The workflow awaits the outstanding notices
only before it completes; one that finally fails is marked failed (visible to an
administrator) and never fails the workflow.
"""

from __future__ import annotations

from temporalio import workflow
from temporalio.exceptions import ActivityError

from .contracts import FailedNoticesInput, NoticeRequest

with workflow.unsafe.imports_passed_through():
    from activities.notices import NOTICE_RETRY_POLICY, NOTICE_START_TO_CLOSE, NoticeActivities


class Notifier:
    def __init__(self) -> None:
        self._pending: list[tuple[str, workflow.ActivityHandle]] = []

    def send(self, request: NoticeRequest) -> None:
        if not request.recipients:
            return
        handle = workflow.start_activity_method(
            NoticeActivities.send_notices,
            request,
            start_to_close_timeout=NOTICE_START_TO_CLOSE,
            retry_policy=NOTICE_RETRY_POLICY,
        )
        self._pending.append((request.key, handle))

    async def drain(self) -> None:
        """Wait for every notice started so far (call before completing or continuing,
        after ``workflow.all_handlers_finished``)."""
        while self._pending:
            await self._drain_batch()

    async def after_handlers(self, *, handlers_first: bool = True) -> None:
        """Before completing or continuing as new: let every handler finish (one may still
        start a notice), then wait for every notice. ``handlers_first=False`` keeps the
        order of runs that drained first, so that their histories replay."""
        if handlers_first:
            await workflow.wait_condition(workflow.all_handlers_finished)
            await self.drain()
        else:
            await self.drain()
            await workflow.wait_condition(workflow.all_handlers_finished)

    async def _drain_batch(self) -> None:
        pending, self._pending = self._pending, []
        for key, handle in pending:
            try:
                await handle
            except ActivityError as error:
                cause = error.cause or error
                await workflow.execute_local_activity_method(
                    NoticeActivities.mark_notices_failed,
                    FailedNoticesInput(key=key, error=str(cause)[:500]),
                    start_to_close_timeout=NOTICE_START_TO_CLOSE,
                )

"""A deliberately wrong workflow: it returns as soon as a handler has started, while the
handler still runs (tests/workflows/test_unfinished_handlers.py)."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow


@workflow.defn
class ReturnsWhileAHandlerRuns:
    def __init__(self) -> None:
        self._handler_started = False

    @workflow.run
    async def run(self) -> str:
        await workflow.wait_condition(lambda: self._handler_started)
        return "returned"  # without waiting for workflow.all_handlers_finished

    @workflow.update
    async def slow_update(self) -> str:
        self._handler_started = True
        await workflow.sleep(timedelta(hours=1))
        return "done"

    @workflow.signal
    async def slow_signal(self) -> None:
        self._handler_started = True
        await workflow.sleep(timedelta(hours=1))

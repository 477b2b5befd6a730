"""The suite's rule: a workflow that returns while an update or signal handler still runs
is an error, not a warning. The SDK warns from a worker thread; pyproject.toml makes the
warning an error there, which fails the workflow task instead of completing the workflow,
and tests/conftest.py fails the test in which the worker logged it."""

from __future__ import annotations

import asyncio
import contextlib

import pytest
from temporalio.worker import Worker

from tests.conftest import unfinished_handler_errors
from thidua.worker import sandbox_runner

from .conftest import eventually
from .unfinished_workflows import ReturnsWhileAHandlerRuns

pytestmark = pytest.mark.fast


@pytest.mark.parametrize("handler", ["update", "signal"])
async def test_returning_while_a_handler_runs_fails_the_workflow_task(
    handler, time_skipping_env, task_queue, caplog
):
    client = time_skipping_env.client
    expected = {
        "update": "UnfinishedUpdateHandlersWarning",
        "signal": "UnfinishedSignalHandlersWarning",
    }[handler]
    async with Worker(
        client,
        task_queue=task_queue,
        workflows=[ReturnsWhileAHandlerRuns],
        workflow_runner=sandbox_runner(),
    ):
        await client.start_workflow(
            ReturnsWhileAHandlerRuns.run, id=f"returns-early-{handler}", task_queue=task_queue
        )
        handle = client.get_workflow_handle_for(
            ReturnsWhileAHandlerRuns.run, f"returns-early-{handler}"
        )
        caller = None
        if handler == "update":
            # Never answered: the task that would accept it keeps failing.
            update = handle.execute_update(ReturnsWhileAHandlerRuns.slow_update)
            caller = asyncio.create_task(update)
        else:
            await handle.signal(ReturnsWhileAHandlerRuns.slow_signal)

        async def raised() -> list[str]:
            return [type(e).__name__ for e in unfinished_handler_errors(caplog)]

        # The error the suite-wide check fails a test on: the worker failed the task.
        assert (await eventually(raised, what=f"the worker raises {expected}"))[0] == expected
        history = await handle.fetch_history()
        kinds = [e.WhichOneof("attributes") for e in history.events]
        assert "workflow_execution_completed_event_attributes" not in kinds
        await handle.terminate("the test saw what it came for")
        if caller is not None:
            caller.cancel()
            with contextlib.suppress(BaseException):
                await caller
    caplog.clear()  # this test expected the error

"""The ``env`` of the fast workflow tests: the real workflow classes on the time-skipping
test server, a fresh task queue, and stand-in activities that record what they are asked
(tests/workflows/stand_ins.py). The end-to-end tests of this folder use the ``harness``
fixtures of tests/conftest.py instead."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, TypeVar

import pytest
from temporalio.client import Client, WorkflowHandle, WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from domain.calendar import vietnam_date
from domain.vocabulary import BallotMode, Choice, Stage
from tests.clock import next_moment
from thidua.worker import sandbox_runner
from workflows.campaign import CampaignWorkflow
from workflows.contracts import NoticeRequest
from workflows.council_session import CouncilSessionWorkflow
from workflows.council_types import BallotSheet, SessionInput, session_workflow_id
from workflows.decision import DecisionWorkflow
from workflows.decision_types import DecisionInput, decision_workflow_id
from workflows.exemplar import ExemplarWorkflow
from workflows.nomination import NominationWorkflow
from workflows.nomination_types import (
    NominationInput,
    NominationStatus,
    ReviewCommand,
    nomination_workflow_id,
)

from .builders import COUNCIL, STANDING_OFFICER, session_input
from .stand_ins import StandIns

WORKFLOWS = [
    NominationWorkflow,
    CouncilSessionWorkflow,
    DecisionWorkflow,
    CampaignWorkflow,
    ExemplarWorkflow,
]
T = TypeVar("T")


@dataclass
class StandInEnv:
    """The time-skipping server with a worker running the real workflows on stand-ins."""

    server: WorkflowEnvironment
    task_queue: str
    stand_ins: StandIns

    @property
    def client(self) -> Client:
        return self.server.client

    async def now(self) -> datetime:
        """The server's time: the moment workflows see as ``workflow.now()``."""
        return await self.server.get_current_time()

    async def today(self) -> date:
        """The day in Vietnam on the server's clock."""
        return vietnam_date(await self.now())

    async def sleep_until(self, moment: datetime) -> None:
        """Skip the server's time forward to ``moment`` (firing the timers on the way)."""
        delay = moment - await self.now()
        assert delay > timedelta(0), f"{moment.isoformat()} has already passed"
        await self.server.sleep(delay)

    async def start(self, run: Callable[..., Any], input: Any, *, id: str) -> WorkflowHandle:
        """Start a workflow; its handle never skips time. (The handle ``start_workflow``
        returns lets the server skip time while its ``result()`` waits, and time skipping
        is global: another workflow's reminders would fire. Here time moves only by
        ``sleep_until``.)"""
        await self.client.start_workflow(run, input, id=id, task_queue=self.task_queue)
        return self.client.get_workflow_handle_for(run, id)

    # The workflows started as the API starts them (ids from the domain).

    async def submit(self, nomination: NominationInput) -> WorkflowHandle:
        return await self.start(
            NominationWorkflow.run, nomination, id=nomination_workflow_id(nomination.nomination_id)
        )

    async def convene(self, session: SessionInput) -> WorkflowHandle:
        return await self.start(
            CouncilSessionWorkflow.run, session, id=session_workflow_id(session.session_id)
        )

    async def draft(self, decision: DecisionInput) -> WorkflowHandle:
        self.stand_ins.decision_kinds[decision.decision_id] = decision.kind
        return await self.start(
            DecisionWorkflow.run, decision, id=decision_workflow_id(decision.decision_id)
        )

    async def recorded(self, items: list[T], count: int = 1) -> list[T]:
        """``items`` (a list the stand-ins keep) once it holds ``count`` entries."""

        async def enough() -> list[T]:
            return list(items) if len(items) >= count else []

        return await eventually(enough, what=f"{count} recorded")

    async def notices(self, kind: str, count: int = 1) -> list[NoticeRequest]:
        """The notices of ``kind`` once ``count`` of them were sent (a workflow starts its
        notices without awaiting them)."""

        async def sent() -> list[NoticeRequest]:
            found = self.stand_ins.notices_of(kind)
            return found if len(found) >= count else []

        return await eventually(sent, what=f"{count} {kind} notice(s)")


@pytest.fixture
async def env(time_skipping_env, task_queue, moment) -> AsyncIterator[StandInEnv]:
    """The worker on a fresh server moved, before anything runs, to the test's ``moment``
    (the next 1 July 09:00 in Vietnam unless THIDUA_TEST_MOMENT says otherwise), as the
    engine tests are. The tests choose every other moment relative to the server's time."""
    stand_ins = StandIns()
    stand_in_env = StandInEnv(time_skipping_env, task_queue, stand_ins)
    await stand_in_env.sleep_until(next_moment(moment, await stand_in_env.now()))
    async with Worker(
        time_skipping_env.client,
        task_queue=task_queue,
        workflows=WORKFLOWS,
        activities=stand_ins.activities(),
        workflow_runner=sandbox_runner(),
    ):
        yield stand_in_env


async def eventually(check: Callable[[], Awaitable[T]], *, what: str, within: float = 15.0) -> T:
    """Poll ``check`` until it returns something true (a workflow reacting to a signal or
    a timer does so on its own worker task, after the call that caused it returned)."""
    deadline = time.monotonic() + within
    while True:
        result = await check()
        if result:
            return result
        assert time.monotonic() < deadline, f"never happened: {what}"
        await asyncio.sleep(0.05)


async def wait_stage(handle: WorkflowHandle, stage: Stage) -> NominationStatus:
    last: list[NominationStatus] = []

    async def reached() -> NominationStatus | None:
        status = await handle.query(NominationWorkflow.status)
        last[:] = [status]
        return status if status.stage == stage else None

    try:
        return await eventually(reached, what=f"{handle.id} reaches {stage.value}")
    except AssertionError:
        raise AssertionError(
            f"{handle.id} stays at {last[0].stage.value if last else '?'}, never reaches "
            f"{stage.value}"
        ) from None


async def refused(update: Awaitable[Any]) -> ApplicationError:
    """The typed refusal an update's validator (or handler) answered with."""
    with pytest.raises(WorkflowUpdateFailedError) as error:
        await update
    cause = error.value.cause
    assert isinstance(cause, ApplicationError), cause
    return cause


async def settled(handle: WorkflowHandle) -> None:
    """Wait until the workflow has handled everything that happened to it so far (every
    workflow task scheduled in its history has completed): after ``sleep_until``, the
    timers that fired have been acted on, or were not there."""

    async def done() -> bool:
        events = [e.WhichOneof("attributes") for e in (await handle.fetch_history()).events]
        scheduled = [
            i for i, kind in enumerate(events) if kind == "workflow_task_scheduled_event_attributes"
        ]
        completed = [
            i
            for i, kind in enumerate(events)
            if kind
            in (
                "workflow_task_completed_event_attributes",
                "workflow_execution_completed_event_attributes",
            )
        ]
        return not scheduled or bool(completed and completed[-1] > scheduled[-1])

    await eventually(done, what=f"{handle.id} handles what happened")


def on_time(actual: datetime, expected: datetime) -> bool:
    """A timer fires at its moment (the test server delivers it within milliseconds)."""
    return expected <= actual < expected + timedelta(seconds=1)


async def through_council(
    env: StandInEnv, nominations: list[NominationInput], *, session_id: int
) -> list[WorkflowHandle]:
    """Submit and accept ``nominations`` (awards without a public notice), and have the
    whole ward council agree to them: they wait for a decision (or a submission)."""
    handles = [await env.submit(nomination) for nomination in nominations]
    for handle in handles:
        accepted = await handle.execute_update(
            NominationWorkflow.accept_dossier, ReviewCommand(STANDING_OFFICER)
        )
        assert accepted.stage == Stage.AWAITING_COUNCIL, accepted
    session = await env.convene(
        session_input(
            session_id,
            nominations,
            closes_at=await env.now() + timedelta(days=2),
            today=await env.today(),
        )
    )
    agree = {str(n.nomination_id): Choice.AGREE for n in nominations}
    for actor in COUNCIL.values():
        await session.execute_update(
            CouncilSessionWorkflow.cast_ballot, BallotSheet(actor, BallotMode.IN_PERSON, agree)
        )
    await session.result()
    for handle, nomination in zip(handles, nominations, strict=True):
        waiting = (
            Stage.AWAITING_DECISION if nomination.levels[0].decides else Stage.AWAITING_SUBMISSION
        )
        await wait_stage(handle, waiting)
    return handles

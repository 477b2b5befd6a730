"""The worker PROCESS killed (SIGKILL) while the clerk's step numbers, dates and seals a
signed decision, then a new worker process started: the decision is issued once, with the
number the first attempt took, and the nomination is granted once.

Real parts: the Temporal dev server, `thidua worker` processes (worker_main.py), the
seeded PostgreSQL database shared by the API (this process) and the workers.
"""

from __future__ import annotations

import asyncio

import pytest

from domain.vocabulary import DecisionStatus, Stage
from models import Decision

from ..conftest import make_settings
from .conftest import (
    WorkerProcess,
    accepted_nomination,
    assembled,
    assert_nothing_lost_or_doubled,
    new_task_queue,
    outcome_of,
    through_council,
)

pytestmark = pytest.mark.parametrize("backend", ["postgresql"], indirect=True)

# See worker_main.py: the production timeout (2 min) would hold the retry that long.
DOCUMENT_TIMEOUT_SECONDS = 6


async def wait_mid_issue(harness, decision_id: int, timeout: float = 60.0) -> Decision:
    """Until issue_signed_decision has taken the number (its first transaction committed)
    and has not yet stored the sealed document (its second): the activity is mid-way."""
    deadline = asyncio.get_running_loop().time() + timeout
    while asyncio.get_running_loop().time() < deadline:
        async with harness.factory() as session:
            decision = await session.get(Decision, decision_id)
            assert decision is not None
            if decision.status == DecisionStatus.ISSUED:
                raise AssertionError("the decision was issued before the worker could be killed")
            if decision.number is not None:
                return decision
        await asyncio.sleep(0.005)
    raise AssertionError("issue_signed_decision never started")


async def test_worker_killed_while_signing_issues_the_decision_once(
    database_url, tmp_path, dev_server_env
):
    settings = make_settings(database_url, tmp_path, task_queue=new_task_queue())
    address = dev_server_env.client.service_client.config.target_host
    worker = WorkerProcess(
        settings, address, tmp_path, document_timeout_seconds=DOCUMENT_TIMEOUT_SECONDS
    )
    try:
        worker.start()
        async with assembled(settings, dev_server_env, worker=False) as harness:
            await worker.wait_polling(harness.client)
            nomination_id = await accepted_nomination(harness)
            await through_council(harness, [nomination_id])
            await harness.wait_stage(nomination_id, Stage.AWAITING_DECISION, timeout=30)
            decision = await harness.draft_decision([nomination_id])

            # The chairman signs (no number yet), then the clerk issues: killed mid-way.
            signing = asyncio.create_task(harness.sign(decision["id"]))
            mid_way = await wait_mid_issue(harness, decision["id"])
            first_pid = worker.pid
            worker.kill()
            assert mid_way.status == DecisionStatus.SIGNED  # numbered, not issued yet

            await asyncio.sleep(1)
            async with harness.factory() as session:
                still = await session.get(Decision, decision["id"])
                assert still.status == DecisionStatus.SIGNED
                assert still.number_text == mid_way.number_text

            worker.start()
            assert worker.pid != first_pid
            await worker.wait_polling(harness.client)
            signed = await asyncio.wait_for(signing, timeout=90)
            assert signed["number_text"] == "01/QĐ-UBND"
            assert mid_way.number_text == signed["number_text"]  # the retry kept the number

            row = await harness.wait_stage(nomination_id, Stage.GRANTED, timeout=60)
            assert row.decision_number == "01/QĐ-UBND"
            # The workflows finish (every notice drained) before we count.
            for workflow_id in (row.workflow_id, f"decision-{decision['id']}"):
                await asyncio.wait_for(
                    harness.client.get_workflow_handle(workflow_id).result(), timeout=60
                )

            pdf = await harness.get("chutich", f"/api/v1/documents/{signed['document_id']}/pdf")
            assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
            assert b"/ByteRange" in pdf.content  # signed

            outcome = await outcome_of(harness, [nomination_id], [decision["id"]])
            assert_nothing_lost_or_doubled(outcome, nominations=1, decisions=1)
            assert outcome.decision_numbers == [1]
            assert outcome.audit_actions.count("granted") == 1
            assert len(await harness.notices("canbo.vanphong", "granted")) == 1

            # A later decision takes the next number: none was burnt by the crash.
            second = await accepted_nomination(harness, person="Đặng Thị Thủy")
            await through_council(harness, [second])
            await harness.wait_stage(second, Stage.AWAITING_DECISION, timeout=30)
            later = await harness.draft_decision([second])
            assert (await harness.sign(later["id"]))["number_text"] == "02/QĐ-UBND"
    finally:
        worker.stop()

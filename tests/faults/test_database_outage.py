"""The worker's database unreachable while the council votes, then back.

The worker reaches PostgreSQL through a TCP proxy on loopback that the test cuts (every
open connection reset, new ones refused) and restores. Meanwhile the members keep voting
through the API: Temporal accepts each ballot and the workflow holds it; the projection
writes (receipts, audit events, the tally) wait and retry; when the database returns
they catch up exactly — each event once, the stage right — and the flow goes on to a
signed decision.
"""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from domain.vocabulary import Stage
from models import AuditEvent, BallotReceipt
from thidua.db import create_engine, create_session_factory, normalise_url
from thidua.worker import create_worker

from ..conftest import make_settings
from .conftest import (
    MEMBERS,
    accepted_nomination,
    assembled,
    assert_nothing_lost_or_doubled,
    new_task_queue,
    outcome_of,
)
from .tcp_proxy import TcpProxy

pytestmark = pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
# A slow or busy machine needs longer for Temporal to take the first ballot (the worker
# holds the workflow task while the write retries, then completes it).
MAX_OUTAGE_SECONDS = 45
# A worker that shuts down while local activities still retry a dead database never
# stops (Core retries them through the shutdown: temporalio/sdk-rust#709); a test that
# failed in the middle must fail with its own error, not hang in teardown.
WORKER_SHUTDOWN_SECONDS = 60


def through_proxy(database_url: str, proxy: TcpProxy) -> str:
    url = make_url(normalise_url(database_url)).set(host="127.0.0.1", port=proxy.port)
    return url.render_as_string(hide_password=False)


async def accepted_updates(handle) -> int:
    """Ballots Temporal has accepted into the session's history (whatever the database)."""
    history = await handle.fetch_history()
    return sum(
        1
        for e in history.events
        if e.HasField("workflow_execution_update_accepted_event_attributes")
    )


async def wait_for_accepted_updates(handle, timeout: float) -> int:
    """Until Temporal has accepted a ballot into the session's history (at most ``timeout``)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while asyncio.get_running_loop().time() < deadline:
        if accepted := await accepted_updates(handle):
            return accepted
        await asyncio.sleep(0.25)
    return 0


async def stop_worker(worker, running: asyncio.Task) -> None:
    try:
        await asyncio.wait_for(worker.shutdown(), WORKER_SHUTDOWN_SECONDS)
    except TimeoutError:
        running.cancel()
        raise AssertionError(
            f"the worker did not stop within {WORKER_SHUTDOWN_SECONDS} s of shutdown"
        ) from None
    await running


async def test_projection_catches_up_after_a_database_outage(
    database_url, tmp_path, dev_server_env
):
    target = make_url(normalise_url(database_url))
    proxy = TcpProxy(target.host or "127.0.0.1", target.port or 5432)
    await proxy.start()
    settings = make_settings(database_url, tmp_path, task_queue=new_task_queue())
    worker_engine = create_engine(through_proxy(database_url, proxy), pool_size=5)
    try:
        async with assembled(settings, dev_server_env, worker=False) as harness:
            worker = create_worker(
                harness.client,
                settings,
                create_session_factory(worker_engine),
                task_queue=settings.task_queue,
            )
            running = asyncio.create_task(worker.run())
            try:
                nomination_id = await accepted_nomination(harness)
                session = await harness.convene([nomination_id])
                await harness.wait_recorded(nomination_id, seq=3)  # on the agenda
                session_handle = harness.client.get_workflow_handle(
                    f"council-session-{session['id']}"
                )

                proxy.cut()
                ballots = [
                    asyncio.create_task(harness.vote(session["id"], m, {nomination_id: "agree"}))
                    for m in MEMBERS
                ]
                try:
                    # Temporal records the first ballot as accepted when the worker
                    # completes its workflow task (it holds it ~8 s while the write retries).
                    accepted = await wait_for_accepted_updates(session_handle, MAX_OUTAGE_SECONDS)
                    assert accepted >= 1, "Temporal took no ballot while the database was away"
                    assert not any(b.done() for b in ballots), (
                        "a ballot was answered with no database"
                    )
                    async with harness.factory() as db:  # the API's own connection still works
                        receipts = (
                            await db.execute(
                                select(func.count())
                                .select_from(BallotReceipt)
                                .where(BallotReceipt.session_id == session["id"])
                            )
                        ).scalar_one()
                    assert receipts == 0
                    assert proxy.refused_while_cut > 0, "the worker never tried the database"
                finally:
                    proxy.restore()
                await asyncio.wait_for(asyncio.gather(*ballots), timeout=90)
                assert (await accepted_updates(session_handle)) == len(MEMBERS)
                row = await harness.wait_stage(nomination_id, Stage.AWAITING_DECISION, timeout=90)
                assert row.stage == Stage.AWAITING_DECISION

                view = (
                    await harness.get("thuongtruc", f"/api/v1/council-sessions/{session['id']}")
                ).json()
                assert view["status"] == "closed" and view["items"][0]["agree"] == len(MEMBERS)
                assert sum(m["has_voted"] for m in view["members"]) == len(MEMBERS)
                async with harness.factory() as db:
                    cast = (
                        (
                            await db.execute(
                                select(AuditEvent.actor_user_id).where(
                                    AuditEvent.subject_type == "council_session",
                                    AuditEvent.action == "ballot_cast",
                                )
                            )
                        )
                        .scalars()
                        .all()
                    )
                assert sorted(cast) == sorted(harness.ids.users[m] for m in MEMBERS)

                decision = await harness.draft_decision([nomination_id])
                signed = await harness.sign(decision["id"])
                row = await harness.wait_stage(nomination_id, Stage.GRANTED, timeout=30)
                for workflow_id in (
                    row.workflow_id,
                    f"decision-{decision['id']}",
                    f"council-session-{session['id']}",
                ):
                    await asyncio.wait_for(
                        harness.client.get_workflow_handle(workflow_id).result(), timeout=60
                    )

                outcome = await outcome_of(harness, [nomination_id], [decision["id"]])
                assert_nothing_lost_or_doubled(outcome, nominations=1, decisions=1)
                assert signed["number_text"] == "01/QĐ-UBND"
                actions = outcome.audit_actions
                assert actions[:2] == ["submitted", "accepted"] and actions[-1] == "granted"
                assert len(actions) == len(set(actions)), actions
            finally:
                proxy.restore()
                await stop_worker(worker, running)
    finally:
        await worker_engine.dispose()
        await proxy.aclose()

"""The embedded Temporal server (a SQLite file, as `thidua up` runs it) killed while a
council session waits for its ballots — with a member's ballot in flight — then started
again on the same file: the worker reconnects by itself, the session and the nomination
finish, and every ballot, step and notice exists exactly once."""

from __future__ import annotations

import asyncio
import socket

import pytest
from sqlalchemy import func, select

from domain.vocabulary import Stage
from models import BallotReceipt
from thidua.embedded import EmbeddedTemporal
from thidua.temporal_client import connect

from ..conftest import make_settings
from .conftest import (
    MEMBERS,
    ServerOnly,
    accepted_nomination,
    assembled,
    assert_nothing_lost_or_doubled,
    new_task_queue,
    outcome_of,
)

pytestmark = [pytest.mark.embedded, pytest.mark.parametrize("backend", ["sqlite"], indirect=True)]
OUTAGE_SECONDS = 12


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def ballot_through_outage(
    harness, session_id: int, member: str, nomination_id: int
) -> list[int]:
    """A member's ballot sent while the server is down. The API answers 201 (the client
    library got through after the restart) or 503 with a clear message (it gave up after
    its own retries; nothing was recorded, the member sends it again with the same key).
    A 503 must never hide a recorded ballot: the repeat would then be refused (409)."""
    path = f"/api/v1/council-sessions/{session_id}/ballot"
    body = {"mode": "in_person", "choices": {str(nomination_id): "agree"}}
    headers = {**harness.headers(member), "Idempotency-Key": f"ballot-{member}"}
    statuses = []
    for _ in range(40):
        response = await harness.http.post(path, json=body, headers=headers)
        statuses.append(response.status_code)
        if response.status_code != 503:
            break
        assert "Máy chủ quy trình" in response.json()["detail"]
        await asyncio.sleep(0.5)
    assert response.status_code == 201, (statuses, response.text)
    return statuses


async def test_embedded_server_killed_and_restarted_mid_session(database_url, tmp_path):
    grpc_port, ui_port = free_port(), free_port()
    settings = make_settings(
        database_url,
        tmp_path,
        task_queue=new_task_queue(),
        temporal_address=f"127.0.0.1:{grpc_port}",
        temporal_embedded_port=grpc_port,
        temporal_ui_port=ui_port,
    )
    server = EmbeddedTemporal(settings)
    await server.start()
    try:
        client = await connect(settings)
        async with assembled(settings, ServerOnly(client)) as harness:
            nomination_id = await accepted_nomination(harness)
            session = await harness.convene([nomination_id])
            for member in MEMBERS[:2]:
                await harness.vote(session["id"], member, {nomination_id: "agree"})

            assert server.process is not None
            server.process.kill()  # a crash, not a polite stop
            await asyncio.to_thread(server.process.wait)
            server.process = None
            in_flight = asyncio.create_task(
                ballot_through_outage(harness, session["id"], MEMBERS[2], nomination_id)
            )
            # Longer than the client library's own retries (10 s): the API gives up once.
            await asyncio.sleep(OUTAGE_SECONDS)
            await server.start()  # same SQLite file, same port

            statuses = await asyncio.wait_for(in_flight, timeout=60)
            assert set(statuses[:-1]) <= {503} and statuses[-1] == 201, statuses
            for member in MEMBERS[3:]:
                await harness.vote(session["id"], member, {nomination_id: "agree"})
            await harness.wait_stage(nomination_id, Stage.AWAITING_DECISION, timeout=60)
            decision = await harness.draft_decision([nomination_id])
            signed = await harness.sign(decision["id"])
            row = await harness.wait_stage(nomination_id, Stage.GRANTED, timeout=60)
            assert row.decision_number == signed["number_text"] == "01/QĐ-UBND"
            for workflow_id in (
                row.workflow_id,
                session_workflow_id(session),
                f"decision-{decision['id']}",
            ):
                await asyncio.wait_for(client.get_workflow_handle(workflow_id).result(), 60)

            async with harness.factory() as db:
                receipts = (
                    await db.execute(
                        select(func.count())
                        .select_from(BallotReceipt)
                        .where(BallotReceipt.session_id == session["id"])
                    )
                ).scalar_one()
            assert receipts == len(MEMBERS)
            view = (
                await harness.get("thuongtruc", f"/api/v1/council-sessions/{session['id']}")
            ).json()
            assert view["status"] == "closed" and view["items"][0]["agree"] == len(MEMBERS)
            outcome = await outcome_of(harness, [nomination_id], [decision["id"]])
            assert_nothing_lost_or_doubled(outcome, nominations=1, decisions=1)
            assert len(await harness.notices("canbo.vanphong", "granted")) == 1
            assert len(await harness.notices("uyvien.xdd", "ballot_open")) == 1
    finally:
        await server.stop()


def session_workflow_id(session: dict) -> str:
    return f"council-session-{session['id']}"

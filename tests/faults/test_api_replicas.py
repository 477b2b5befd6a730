"""Two API replicas — two app instances with their own state, engine and connection pool,
on the same database and Temporal — receive the same command with the same
``Idempotency-Key`` at the same moment (a client retrying through a load balancer):
the command runs once and both get the same answer; a later repeat gets it too, marked
``Idempotent-Replayed: true``; the key reused for another request is refused (422)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import httpx
from sqlalchemy import func, select

from api.app import create_app
from api.state import AppState, make_templates
from models import AuditEvent, CommandRecord, Nomination
from thidua.db import create_engine, create_session_factory

from ..harness import DEFAULT_ITEMS


@contextlib.asynccontextmanager
async def second_replica(harness) -> AsyncIterator[httpx.AsyncClient]:
    engine = create_engine(harness.settings.database_url, pool_size=5)
    state = AppState(
        settings=harness.settings,
        engine=engine,
        writer=create_session_factory(engine, writer=True),
        reader=create_session_factory(engine, writer=False),
        templates=make_templates(),
        temporal=harness.client,
        clock=harness.clock,
    )
    app = create_app(harness.settings, state=state)
    try:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://replica-2", timeout=60
        ) as client:
            yield client
    finally:
        await engine.dispose()


def nomination_body(harness, person: str) -> dict:
    return {
        "award_code": "giay_khen",
        "year": 2026,
        "nominee": {"kind": "individual", "person_id": harness.ids.people[person]},
        "proposing_unit_id": harness.ids.units["tk-van-phong"],
        "achievement_summary": "Hoàn thành xuất sắc nhiệm vụ năm 2026",
        "dossier_items": [{"item_code": c} for c in DEFAULT_ITEMS],
        "attestations": ["exemplary", "movement_achievement"],
        "submit": True,
    }


async def same_request_on_both(
    harness, replica, path: str, body: dict, *, user: str, key: str
) -> tuple[httpx.Response, httpx.Response]:
    headers = {**harness.headers(user), "Idempotency-Key": key}
    return await asyncio.gather(
        harness.http.post(path, json=body, headers=headers),
        replica.post(path, json=body, headers=headers),
    )


def assert_same_answer(first: httpx.Response, second: httpx.Response, status: int) -> None:
    assert first.status_code == second.status_code == status, (first.text, second.text)
    assert first.json() == second.json()
    # One of them ran the command; the other waited for its result and replays it.
    replayed = [r.headers.get("Idempotent-Replayed") for r in (first, second)]
    assert replayed.count("true") == 1, replayed


async def test_a_command_sent_to_two_replicas_at_once_runs_once(harness):
    async with second_replica(harness) as replica:
        body = nomination_body(harness, "Nguyễn Thị Hoa")
        first, second = await same_request_on_both(
            harness, replica, "/api/v1/nominations", body, user="canbo.vanphong", key="nop-hoa-2026"
        )
        assert_same_answer(first, second, 201)
        nomination_id = first.json()["id"]
        async with harness.factory() as session:
            created = (
                await session.execute(select(func.count()).select_from(Nomination))
            ).scalar_one()
            records = (await session.execute(select(CommandRecord))).scalars().all()
        assert created == 1  # one nomination, one workflow
        assert [(r.idempotency_key, r.status_code) for r in records] == [("nop-hoa-2026", 201)]
        await harness.wait_recorded(nomination_id)

        # The standing body's accept, doubled the same way: one workflow update.
        path = f"/api/v1/nominations/{nomination_id}/accept"
        first, second = await same_request_on_both(
            harness, replica, path, {"note": "Đủ hồ sơ"}, user="thuongtruc", key="tiep-nhan-1"
        )
        assert_same_answer(first, second, 200)
        assert first.json()["stage"] == "awaiting_council"
        await harness.wait_recorded(nomination_id, seq=2)
        async with harness.factory() as session:
            accepted = (
                await session.execute(
                    select(func.count())
                    .select_from(AuditEvent)
                    .where(
                        AuditEvent.nomination_id == nomination_id, AuditEvent.action == "accepted"
                    )
                )
            ).scalar_one()
        assert accepted == 1

        # Later, on either replica: the first answer again, marked as a replay.
        for client in (harness.http, replica):
            again = await client.post(
                path,
                json={"note": "Đủ hồ sơ"},
                headers={**harness.headers("thuongtruc"), "Idempotency-Key": "tiep-nhan-1"},
            )
            assert again.status_code == 200 and again.json() == first.json()
            assert again.headers["Idempotent-Replayed"] == "true"
        # Without the key the same command is a new one, refused at this stage.
        fresh = await replica.post(
            path, json={"note": "Đủ hồ sơ"}, headers=harness.headers("thuongtruc")
        )
        assert fresh.status_code == 409 and fresh.json()["stage"] == "awaiting_council"

        # The same key for a different request: refused, naming the header; nothing runs.
        other = {
            **body,
            "nominee": {"kind": "individual", "person_id": harness.ids.people["Đặng Thị Thủy"]},
        }
        reused = await replica.post(
            "/api/v1/nominations",
            json=other,
            headers={**harness.headers("canbo.vanphong"), "Idempotency-Key": "nop-hoa-2026"},
        )
        assert reused.status_code == 422 and reused.json()["field"] == "Idempotency-Key"
        async with harness.factory() as session:
            assert (
                await session.execute(select(func.count()).select_from(Nomination))
            ).scalar_one() == 1

        # Keys belong to their caller: another person's identical key is another command.
        theirs = await replica.post(
            path,
            json={"note": "Đủ hồ sơ"},
            headers={**harness.headers("uyvien.vhxh"), "Idempotency-Key": "tiep-nhan-1"},
        )
        assert theirs.status_code == 409 and "Idempotent-Replayed" not in theirs.headers

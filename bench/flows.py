"""The engine driven as people drive it, through its JSON API over ASGI: a unit officer
files and submits, the standing body receives (accepts), convenes the council with an
agenda, each member casts one ballot sheet, the standing body drafts one decision, the
chairman signs. Between steps the driver waits for the projection (what the pages show)
to reach the next stage, polling the database the way a page reload would."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from domain.calendar import VIETNAM_TZ
from domain.vocabulary import DecisionStatus, Stage
from models import Decision, Nomination

from .common import Engine, check
from .world import Ward

AWARD = "giay_khen"  # decided at the ward after a council vote (majority), no public notice
DOSSIER = ["to_trinh", "bao_cao_thanh_tich", "bien_ban_binh_xet"]
ATTESTATIONS = ["exemplary", "movement_achievement"]
POLL_SECONDS = 0.02


class Clock:
    """Named durations of one run of steps."""

    def __init__(self) -> None:
        self.marks: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.marks[name] = self.marks.get(name, 0.0) + now - self._last
        self._last = now


async def submit(engine: Engine, ward: Ward, person_id: int, unit_id: int) -> int:
    body = {
        "award_code": AWARD,
        "year": datetime.now(VIETNAM_TZ).year,
        "nominee": {"kind": "individual", "person_id": person_id},
        "proposing_unit_id": unit_id,
        "achievement_summary": "Hoàn thành xuất sắc nhiệm vụ được giao trong năm",
        "dossier_items": [{"item_code": code} for code in DOSSIER],
        "attestations": ATTESTATIONS,
        "submit": True,
    }
    created = check(
        await engine.post(ward.unit_officers[unit_id], "/api/v1/nominations", body), 201, "submit"
    )
    return created["id"]


async def accept(engine: Engine, ward: Ward, nomination_id: int) -> None:
    check(
        await engine.post(
            ward.standing_user_id,
            f"/api/v1/nominations/{nomination_id}/accept",
            {"note": "Hồ sơ đầy đủ"},
        ),
        200,
        "accept",
    )


async def convene(engine: Engine, ward: Ward, nomination_ids: list[int]) -> int:
    closes_at = (datetime.now(UTC) + timedelta(days=5)).isoformat()
    session = check(
        await engine.post(
            ward.standing_user_id,
            "/api/v1/council-sessions",
            {
                "title": "Phiên họp xét khen thưởng cuối năm",
                "nomination_ids": nomination_ids,
                "closes_at": closes_at,
            },
        ),
        201,
        "convene",
    )
    return session["id"]


async def ballot(
    engine: Engine, member_user_id: int, session_id: int, nomination_ids: Iterable[int]
) -> None:
    choices = {str(n): "agree" for n in nomination_ids}
    check(
        await engine.post(
            member_user_id,
            f"/api/v1/council-sessions/{session_id}/ballot",
            {"mode": "in_person", "choices": choices},
        ),
        201,
        "ballot",
    )


async def draft(engine: Engine, ward: Ward, nomination_ids: list[int]) -> int:
    decision = check(
        await engine.post(
            ward.standing_user_id,
            "/api/v1/decisions",
            {"kind": "decision", "nomination_ids": nomination_ids},
        ),
        201,
        "draft decision",
    )
    return decision["id"]


async def sign(engine: Engine, ward: Ward, decision_id: int) -> dict:
    """The chairman signs, then the ward's clerk (văn thư) issues it (Decree 30)."""
    check(
        await engine.post(ward.chairman_user_id, f"/api/v1/decisions/{decision_id}/sign"),
        200,
        "sign",
    )
    return check(
        await engine.post(ward.clerk_user_id, f"/api/v1/decisions/{decision_id}/issue"),
        200,
        "issue",
    )


async def wait_stage(
    engine: Engine, nomination_ids: list[int], stage: Stage, timeout: float = 600.0
) -> None:
    """Until every listed nomination shows ``stage`` in the projection."""
    deadline = time.perf_counter() + timeout
    factory = engine.database.watcher
    while True:
        async with factory() as session:
            reached = (
                await session.execute(
                    select(func.count())
                    .select_from(Nomination)
                    .where(Nomination.id.in_(nomination_ids), Nomination.stage == stage)
                )
            ).scalar_one()
        if reached == len(nomination_ids):
            return
        if time.perf_counter() > deadline:
            raise TimeoutError(f"{len(nomination_ids) - reached} nominations not {stage.value}")
        await asyncio.sleep(POLL_SECONDS)


async def wait_recorded(
    engine: Engine, nomination_ids: list[int], *, poll: float = POLL_SECONDS, timeout: float = 600.0
) -> None:
    """Until the workflow of every listed nomination has recorded its submission (the
    projection's sequence moved). The standing officer accepts what the workflow has
    received: an accept sent before the nomination workflow's first task ran is handled
    before the workflow records "submitted", and the projection then ends on the older
    change (see bench/README.md, "burst")."""
    deadline = time.perf_counter() + timeout
    while True:
        async with engine.database.watcher() as session:
            recorded = (
                await session.execute(
                    select(func.count())
                    .select_from(Nomination)
                    .where(Nomination.id.in_(nomination_ids), Nomination.projection_seq >= 1)
                )
            ).scalar_one()
        if recorded == len(nomination_ids):
            return
        if time.perf_counter() > deadline:
            raise TimeoutError(f"{len(nomination_ids) - recorded} nominations not recorded")
        await asyncio.sleep(poll)


async def wait_signable(engine: Engine, decision_id: int, timeout: float = 600.0) -> None:
    """Until the decision waits for the signature (every nomination has joined it)."""
    deadline = time.perf_counter() + timeout
    while True:
        async with engine.database.watcher() as session:
            status = (
                await session.execute(select(Decision.status).where(Decision.id == decision_id))
            ).scalar_one()
        if status == DecisionStatus.AWAITING_SIGNATURE:
            return
        if time.perf_counter() > deadline:
            raise TimeoutError(f"decision {decision_id} is still {status}")
        await asyncio.sleep(POLL_SECONDS)


async def wait_closed(engine: Engine, workflow_ids: Iterable[str]) -> None:
    for workflow_id in workflow_ids:
        await engine.client.get_workflow_handle(workflow_id).result()


async def one_nomination(
    engine: Engine, ward: Ward, person_id: int, unit_id: int, clock: Clock
) -> tuple[int, float]:
    """A ward-level nomination through its own council session and decision: (nomination
    id, seconds until the page shows it granted). ``clock`` gets the time of each step;
    the caller then waits for every workflow to close."""
    started = time.perf_counter()
    nomination_id = await submit(engine, ward, person_id, unit_id)
    await wait_recorded(engine, [nomination_id])
    clock.lap("submit")
    await accept(engine, ward, nomination_id)
    # The update answers once the workflow accepted; the page shows it a moment later
    # (the projection write): the standing officer convenes from what the page shows.
    await wait_stage(engine, [nomination_id], Stage.AWAITING_COUNCIL)
    clock.lap("accept")
    session_id = await convene(engine, ward, [nomination_id])
    clock.lap("convene")
    for member in ward.member_user_ids:
        await ballot(engine, member, session_id, [nomination_id])
    clock.lap("ballots")
    await wait_stage(engine, [nomination_id], Stage.AWAITING_DECISION)
    clock.lap("tally")
    decision_id = await draft(engine, ward, [nomination_id])
    clock.lap("draft")
    await wait_signable(engine, decision_id)
    clock.lap("assemble")
    await sign(engine, ward, decision_id)
    clock.lap("sign")
    await wait_stage(engine, [nomination_id], Stage.GRANTED)
    clock.lap("granted")
    granted = time.perf_counter() - started
    await wait_closed(
        engine,
        [f"nomination-{nomination_id}", f"council-session-{session_id}", f"decision-{decision_id}"],
    )
    clock.lap("close")
    return nomination_id, granted

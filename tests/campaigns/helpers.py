"""Steps shared by the campaign tests: a public service centre officer, the seeded
campaign launched, time skipped to a date, projections awaited, notices read back."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import select

from domain.calendar import VIETNAM_TZ
from domain.vocabulary import Level, Role
from models import Campaign, Notice, RoleGrant, User
from thidua.campaign_bootstrap import start_seeded_campaigns
from thidua.security import hash_password
from thidua.seed import CAMPAIGN_CODE

T = TypeVar("T")
HISTORIES_DIR = Path(__file__).resolve().parents[1] / "replay" / "histories"
SAVE_HISTORIES = os.environ.get("THIDUA_SAVE_HISTORIES") == "1"
AWARD_ATTESTATIONS = [
    "exemplary",
    "exemplary_collective",
    "movement_achievement",
    "household_movement",
    "tdp_standards",
    "gdvh_standards",
]


async def add_unit_officer(harness, username: str, full_name: str, unit_code: str) -> int:
    """A user holding the unit-officer role at ``unit_code`` (the seed has none for the
    public service centre). The demo seed now has ``canbo.ttdv``: an existing user is
    reused."""
    if username in harness.ids.users:
        return harness.ids.users[username]
    async with harness.factory() as session, session.begin():
        user = User(
            username=username,
            full_name=full_name,
            email=f"{username}@thachkhoi.example.vn",
            password_hash=hash_password("thidua2026"),
        )
        session.add(user)
        await session.flush()
        session.add(
            RoleGrant(
                user_id=user.id,
                role=Role.UNIT_OFFICER,
                unit_id=harness.ids.units[unit_code],
                level=Level.WARD,
            )
        )
    harness.ids.users[username] = user.id
    return user.id


async def launch_seeded_campaign(harness) -> int:
    started = await start_seeded_campaigns(harness.settings, harness.client, harness.factory)
    assert started == 1
    async with harness.factory() as session:
        campaign = (
            await session.execute(select(Campaign).where(Campaign.code == CAMPAIGN_CODE))
        ).scalar_one()
    await eventually(lambda: _status(harness, campaign.id), lambda status: status == "running")
    return campaign.id


async def _status(harness, campaign_id: int) -> str:
    async with harness.factory() as session:
        return (await session.get(Campaign, campaign_id)).status


def local_moment(day: date, hour: int = 12) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=VIETNAM_TZ)


async def skip_to(harness, moment: datetime) -> None:
    """Advance the test server's clock to ``moment`` (firing every timer on the way)."""
    now = await harness.env.get_current_time()
    if moment > now:
        await harness.env.sleep(moment - now)


async def eventually(
    read: Callable[[], Awaitable[T]], check: Callable[[T], bool], within: float = 15.0
) -> T:
    """Projections and notices are written by activities: poll (real time) until ``check``."""
    deadline = asyncio.get_running_loop().time() + within
    while True:
        value = await read()
        if check(value):
            return value
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"still {value!r} after {within} s")
        await asyncio.sleep(0.05)


async def notices(harness, kind: str, key_part: str = "") -> list[tuple[str, int]]:
    """(username, user id) of everyone who got a notice of ``kind`` whose key contains
    ``key_part``."""
    async with harness.factory() as session:
        rows = (
            await session.execute(
                select(User.username, Notice.user_id, Notice.notice_key)
                .join(User, User.id == Notice.user_id)
                .where(Notice.kind == kind)
                .order_by(Notice.id)
            )
        ).all()
    return [(username, user_id) for username, user_id, key in rows if key_part in key]


async def notice_users(harness, kind: str, key_part: str = "") -> set[str]:
    return {username for username, _ in await notices(harness, kind, key_part)}


async def run_histories(client, workflow_id: str, first_run_id: str) -> list[Any]:
    """The histories of every run of a workflow, following continue-as-new."""
    histories = []
    run_id: str | None = first_run_id
    while run_id:
        history = await client.get_workflow_handle(workflow_id, run_id=run_id).fetch_history()
        histories.append(history)
        last = history.events[-1]
        run_id = (
            last.workflow_execution_continued_as_new_event_attributes.new_execution_run_id
            if last.HasField("workflow_execution_continued_as_new_event_attributes")
            else None
        )
    return histories


def save_history(name: str, history) -> None:
    """Write a history as a replay fixture (THIDUA_SAVE_HISTORIES=1)."""
    HISTORIES_DIR.mkdir(parents=True, exist_ok=True)
    (HISTORIES_DIR / f"{name}.json").write_text(history.to_json(), encoding="utf-8")


def utc(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, tzinfo=UTC)


def days(n: int) -> timedelta:
    return timedelta(days=n)

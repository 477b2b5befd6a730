"""Steps shared by the campaign tests: a public service centre officer, the seeded plan
moved to any five years and launched, time skipped to a date (the day registration opens),
projections awaited, notices read back. Years are relative to the harness's moment
(``this_year``), never the seeded 2026-2030."""

from __future__ import annotations

import asyncio
import os
import re
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import select

from domain.calendar import VIETNAM_TZ, vietnam_date
from domain.vocabulary import Level, Role
from models import Campaign, CampaignStage, ContentArea, Milestone, Notice, RoleGrant, User
from thidua.campaign_bootstrap import start_seeded_campaigns
from thidua.security import hash_password
from thidua.seed import (
    CAMPAIGN_CODE,
    CAMPAIGN_NAME,
    CAMPAIGN_THEME,
    CONTENT_AREAS,
    MILESTONES,
    STAGES,
)
from workflows.campaign import CampaignWorkflow

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


def shifted(text: str, years: int) -> str:
    """``text`` with every year of the plan (2020-2039) moved by ``years``."""
    return re.sub(r"\b20[23]\d\b", lambda m: str(int(m.group()) + years), text)


def plan_code(first_year: int) -> str:
    return f"thach-khoi-{first_year}-{first_year + 4}"


async def plan_campaign(harness, first_year: int) -> int:
    """The seeded 2026–2030 plan (thidua/seed.py: theme, six content areas, two stages,
    mid-term and final review) moved to the five years from ``first_year``, as a planned
    campaign ``thach-khoi-<first>-<last>``. The seeded campaign is set aside (closed): the
    moved plan is the ward's one open campaign, whatever day the suite runs. Moved by no
    year, the plan is the seeded campaign itself (same code)."""
    shift = first_year - 2026
    async with harness.factory() as session, session.begin():
        seeded = (
            await session.execute(select(Campaign).where(Campaign.code == CAMPAIGN_CODE))
        ).scalar_one()
        if shift == 0:
            assert seeded.status == "planned", seeded.status
            return seeded.id
        seeded.status = "closed"
        campaign = Campaign(
            code=plan_code(first_year),
            authority_id=seeded.authority_id,
            name=shifted(CAMPAIGN_NAME, shift),
            theme=CAMPAIGN_THEME,
            plan_reference=shifted(seeded.plan_reference, shift),
            start_year=first_year,
            end_year=first_year + 4,
            status="planned",
            launched_by_user_id=seeded.launched_by_user_id,
        )
        session.add(campaign)
        await session.flush()
        for position, (code, title, description) in enumerate(CONTENT_AREAS, start=1):
            session.add(
                ContentArea(
                    campaign_id=campaign.id,
                    code=code,
                    title=title,
                    description=description,
                    position=position,
                )
            )
        for position, name, motto, focus, start, end in STAGES:
            session.add(
                CampaignStage(
                    campaign_id=campaign.id,
                    position=position,
                    name=shifted(name, shift),
                    motto=motto,
                    focus=shifted(focus, shift),
                    start_year=start + shift,
                    end_year=end + shift,
                )
            )
        for code, title, stage_position, due in MILESTONES:
            session.add(
                Milestone(
                    campaign_id=campaign.id,
                    code=code,
                    title=shifted(title, shift),
                    stage_position=stage_position,
                    due_on=due.replace(year=due.year + shift),
                )
            )
        return campaign.id


async def launch_campaign(harness, first_year: int) -> int:
    """``plan_campaign`` launched as ``thidua up`` launches a planned campaign."""
    campaign_id = await plan_campaign(harness, first_year)
    started = await start_seeded_campaigns(
        harness.settings, harness.client, harness.factory, harness.clock
    )
    assert started == 1
    await eventually(lambda: _status(harness, campaign_id), lambda status: status == "running")
    return campaign_id


async def _status(harness, campaign_id: int) -> str:
    async with harness.factory() as session:
        return (await session.get(Campaign, campaign_id)).status


def local_moment(day: date, hour: int = 12) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=VIETNAM_TZ)


async def this_year(harness) -> int:
    """The year in Vietnam at the harness's moment."""
    return vietnam_date(await harness.now()).year


async def cycle_day(harness, campaign_id: int, year: int, name: str = "registration_opens") -> date:
    """A date of the campaign's yearly cycle (``registration_opens``, ``registration_due``,
    ``household_review_due``, ``dossiers_due``: "01-15") in ``year``, as the campaign's row
    has it."""
    async with harness.factory() as session:
        month_day = getattr(await session.get(Campaign, campaign_id), name)
    month, day = (int(part) for part in month_day.split("-"))
    return date(year, month, day)


async def open_registration(harness, campaign_id: int) -> int:
    """Skip to noon of the day after registration opens in the first year of a running
    campaign launched before that year, and wait until its workflow has opened it; returns
    that year."""
    async with harness.factory() as session:
        campaign = await session.get(Campaign, campaign_id)
        year, workflow_id = campaign.start_year, campaign.workflow_id
    opens = await cycle_day(harness, campaign_id, year)
    await skip_to(harness, local_moment(opens + timedelta(days=1)))
    handle = harness.client.get_workflow_handle_for(CampaignWorkflow.run, workflow_id)
    await eventually(
        lambda: handle.query(CampaignWorkflow.status),
        lambda status: status.registration_year == year,
    )
    return year


async def skip_to(harness, moment: datetime) -> None:
    """Advance the test server's clock to ``moment`` (firing every timer on the way)."""
    await harness.move_to(moment)


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

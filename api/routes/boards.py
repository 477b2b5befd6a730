"""The deadlines board: what is overdue and what falls due soon, per level and body."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel
from sqlalchemy import and_

from domain.calendar import vietnam_date
from domain.holiday_source import calendar_for
from domain.vocabulary import TERMINAL_STAGES, Level
from models import Nomination
from models.schemas.nominations import NominationRead

from ..deps import CurrentUser, ReadSessionDep, StateDep
from ..errors import Unauthorized, error_responses
from ..services.access import visible_nominations
from ..services.nominations import nomination_rows, to_read
from .public import award_names

router = APIRouter(prefix="/api/v1", tags=["boards"])


class BoardGroup(BaseModel):
    level: Level
    authority_id: int
    authority_name: str
    overdue: list[NominationRead]
    due_soon: list[NominationRead]


class DeadlinesBoard(BaseModel):
    generated_at: datetime
    within_working_days: int
    overdue_total: int
    due_soon_total: int
    groups: list[BoardGroup]


@router.get(
    "/boards/deadlines", response_model=DeadlinesBoard, responses=error_responses(Unauthorized)
)
async def deadlines_board(
    user: CurrentUser,
    session: ReadSessionDep,
    state: StateDep,
    within_working_days: Annotated[int, Query(ge=0, le=30)] = 3,
    level: Level | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> DeadlinesBoard:
    """Overdue nominations and those due within N working days, grouped by level and
    authority, earliest first."""
    now = state.clock.now()
    calendar = calendar_for(
        vietnam_date(now),
        1,
        extra_days_off=state.settings.calendar_extra_holidays,
        extra_working_days=state.settings.calendar_extra_working_days,
    )
    horizon = calendar.end_of_working_day(
        calendar.add_working_days(calendar.local_date(now), within_working_days)
    )
    conditions = [
        visible_nominations(user),
        Nomination.stage.not_in(list(TERMINAL_STAGES)),
        Nomination.stage_due_at.is_not(None),
        Nomination.stage_due_at <= horizon,
    ]
    if level is not None:
        conditions.append(Nomination.level == level)
    rows = (
        await session.execute(
            nomination_rows()
            .where(and_(*conditions))
            .order_by(Nomination.stage_due_at)
            .limit(limit)
        )
    ).all()
    names = award_names(state)
    groups: dict[tuple[Level, int], BoardGroup] = {}
    overdue_total = due_soon_total = 0
    for row in rows:
        read = to_read(row, names, now)
        key = (read.level, read.authority_id)
        group = groups.setdefault(
            key,
            BoardGroup(
                level=read.level,
                authority_id=read.authority_id,
                authority_name=read.authority_name,
                overdue=[],
                due_soon=[],
            ),
        )
        if read.overdue:
            group.overdue.append(read)
            overdue_total += 1
        else:
            group.due_soon.append(read)
            due_soon_total += 1
    ordered = sorted(groups.values(), key=lambda g: (g.level.rank, g.authority_id))
    return DeadlinesBoard(
        generated_at=now,
        within_working_days=within_working_days,
        overdue_total=overdue_total,
        due_soon_total=due_soon_total,
        groups=ordered,
    )

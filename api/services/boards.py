"""The deadlines board: the open nominations a person may see that are overdue or fall
due within a few working days, grouped by level and authority."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from domain.calendar import vietnam_date
from domain.holiday_source import calendar_for
from domain.vocabulary import Level
from models.schemas.boards import BoardGroup, DeadlinesBoard

from ..principal import Principal
from ..queries import nominations as queries
from ..state import AppState
from .awards import award_names


async def deadlines_board(
    session: AsyncSession,
    state: AppState,
    principal: Principal,
    *,
    within_working_days: int,
    level: Level | None,
    limit: int,
) -> DeadlinesBoard:
    """Overdue nominations and those due within ``within_working_days`` working days
    (holidays and swapped working days of the settings counted), earliest first."""
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
    due = await queries.due_by(
        session,
        principal=principal,
        moment=horizon,
        level=level,
        limit=limit,
        award_names=award_names(state),
        now=now,
    )
    groups: dict[tuple[Level, int], BoardGroup] = {}
    overdue_total = due_soon_total = 0
    for read in due:
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

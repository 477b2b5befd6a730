"""The deadlines board: what is overdue and what falls due soon, per level and body."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from domain.vocabulary import Level
from models.schemas.boards import DeadlinesBoard

from ..deps import CurrentUser, ReadSessionDep, StateDep
from ..errors import Unauthorized, error_responses
from ..services import boards

router = APIRouter(prefix="/api/v1", tags=["boards"])


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
    return await boards.deadlines_board(
        session,
        state,
        user,
        within_working_days=within_working_days,
        level=level,
        limit=limit,
    )

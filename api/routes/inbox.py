"""The in-app inbox (each user's own notices) and the administrators' list of notices
whose mail finally failed.

A user only ever sees their own notices: asking for someone else's gets the same answer
as asking for one that does not exist (403 ``forbidden``), so ids cannot be probed.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from models.schemas.common import DbId
from models.schemas.notices import FailedNoticePage, InboxMarked, InboxPage, NoticeRead

from ..deps import ClockDep, CurrentUser, ReadSessionDep, SessionDep
from ..errors import Forbidden, Unauthorized, error_responses
from ..services import inbox

router = APIRouter(prefix="/api/v1", tags=["inbox"])

PageQuery = Annotated[int, Query(ge=1, le=100_000, description="1-based page number")]
PageSizeQuery = Annotated[int, Query(ge=1, le=100, description="items per page (1..100)")]


@router.get("/inbox", response_model=InboxPage, responses=error_responses(Unauthorized))
async def list_inbox(
    user: CurrentUser,
    session: ReadSessionDep,
    unread_only: bool = False,
    page: PageQuery = 1,
    page_size: PageSizeQuery = 20,
) -> InboxPage:
    """The user's notices, newest first, with the number still unread."""
    return await inbox.inbox_page(
        session, user_id=user.user_id, unread_only=unread_only, page=page, page_size=page_size
    )


@router.post(
    "/inbox/read-all",
    response_model=InboxMarked,
    responses=error_responses(Unauthorized, Forbidden),
)
async def read_all(user: CurrentUser, session: SessionDep, clock: ClockDep) -> InboxMarked:
    """Mark every notice of the user read."""
    return await inbox.mark_all_read(session, user_id=user.user_id, now=clock.now())


@router.post(
    "/inbox/{notice_id}/read",
    response_model=NoticeRead,
    responses=error_responses(Unauthorized, Forbidden),
)
async def read_one(
    notice_id: DbId, user: CurrentUser, session: SessionDep, clock: ClockDep
) -> NoticeRead:
    """Mark one of the user's notices read. Someone else's notice, or one that does not
    exist, gets the same 403."""
    return await inbox.mark_read(
        session, user_id=user.user_id, notice_id=notice_id, now=clock.now()
    )


@router.get(
    "/admin/notices/failed",
    response_model=FailedNoticePage,
    responses=error_responses(Unauthorized, Forbidden),
)
async def list_failed_notices(
    user: CurrentUser,
    session: ReadSessionDep,
    page: PageQuery = 1,
    page_size: PageSizeQuery = 50,
) -> FailedNoticePage:
    """Notices whose mail could not be delivered after every retry (administrators)."""
    return await inbox.failed_notices(session, user, page=page, page_size=page_size)

"""The in-app inbox (each user's own notices) and the administrators' list of notices
whose mail finally failed.

A user only ever sees their own notices: asking for someone else's gets the same answer
as asking for one that does not exist (403 ``forbidden``), so ids cannot be probed.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.vocabulary import NoticeDelivery
from models import Notice, User
from models.schemas.common import DbId

from ..deps import ClockDep, CurrentUser, ReadSessionDep, SessionDep
from ..errors import Forbidden, Unauthorized, error_responses

router = APIRouter(prefix="/api/v1", tags=["inbox"])

PageQuery = Annotated[int, Query(ge=1, le=100_000, description="1-based page number")]
PageSizeQuery = Annotated[int, Query(ge=1, le=100, description="items per page (1..100)")]


class NoticeRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: str
    subject: str
    body_text: str
    link: str  # a path in this application, e.g. /nominations/12 ("" if none)
    nomination_id: int | None
    created_at: datetime
    read_at: datetime | None


class InboxPage(BaseModel):
    items: list[NoticeRead]
    total: int  # notices matching the filter
    unread: int  # unread notices of the user, whatever the filter
    page: int
    page_size: int


class InboxMarked(BaseModel):
    marked: int  # notices that became read by this request
    unread: int  # unread notices left


class FailedNoticeRead(BaseModel):
    id: int
    notice_key: str
    kind: str
    subject: str
    user_id: int
    username: str
    full_name: str
    email_to: str | None
    attempts: int
    last_error: str
    nomination_id: int | None
    created_at: datetime


class FailedNoticePage(BaseModel):
    items: list[FailedNoticeRead]
    total: int
    page: int
    page_size: int


def _not_in_your_inbox() -> Forbidden:
    return Forbidden("Không có thông báo này trong hộp thư của bạn", "No such notice in your inbox")


# ---------------------------------------------------------------------------------------
# Queries


async def count_unread(session: AsyncSession, *, user_id: int) -> int:
    return (
        await session.scalar(
            select(func.count())
            .select_from(Notice)
            .where(Notice.user_id == user_id, Notice.read_at.is_(None))
        )
        or 0
    )


async def inbox_page(
    session: AsyncSession, *, user_id: int, unread_only: bool, page: int, page_size: int
) -> InboxPage:
    conditions = [Notice.user_id == user_id]
    if unread_only:
        conditions.append(Notice.read_at.is_(None))
    total = await session.scalar(select(func.count()).select_from(Notice).where(*conditions)) or 0
    rows = (
        (
            await session.execute(
                select(Notice)
                .where(*conditions)
                .order_by(Notice.created_at.desc(), Notice.id.desc())
                .limit(page_size)
                .offset((page - 1) * page_size)
            )
        )
        .scalars()
        .all()
    )
    return InboxPage(
        items=[NoticeRead.model_validate(row) for row in rows],
        total=total,
        unread=await count_unread(session, user_id=user_id),
        page=page,
        page_size=page_size,
    )


async def mark_read(
    session: AsyncSession, *, user_id: int, notice_id: int, now: datetime
) -> Notice:
    """Mark one of the user's notices read (keeping the first reading time)."""
    notice = (
        await session.execute(
            select(Notice).where(Notice.id == notice_id, Notice.user_id == user_id)
        )
    ).scalar_one_or_none()
    if notice is None:
        raise _not_in_your_inbox()
    if notice.read_at is None:
        notice.read_at = now
        await session.flush()
    return notice


async def mark_all_read(session: AsyncSession, *, user_id: int, now: datetime) -> int:
    result = await session.execute(
        update(Notice)
        .where(Notice.user_id == user_id, Notice.read_at.is_(None))
        .values(read_at=now)
    )
    return result.rowcount or 0


async def failed_notices(session: AsyncSession, *, page: int, page_size: int) -> FailedNoticePage:
    failed = Notice.delivery == NoticeDelivery.FAILED
    total = await session.scalar(select(func.count()).select_from(Notice).where(failed)) or 0
    rows = (
        await session.execute(
            select(Notice, User)
            .join(User, User.id == Notice.user_id)
            .where(failed)
            .order_by(Notice.created_at.desc(), Notice.id.desc())
            .limit(page_size)
            .offset((page - 1) * page_size)
        )
    ).all()
    return FailedNoticePage(
        items=[
            FailedNoticeRead(
                id=notice.id,
                notice_key=notice.notice_key,
                kind=notice.kind,
                subject=notice.subject,
                user_id=user.id,
                username=user.username,
                full_name=user.full_name,
                email_to=notice.email_to,
                attempts=notice.attempts,
                last_error=notice.last_error,
                nomination_id=notice.nomination_id,
                created_at=notice.created_at,
            )
            for notice, user in rows
        ],
        total=total,
        page=page,
        page_size=page_size,
    )


# ---------------------------------------------------------------------------------------
# Routes


@router.get("/inbox", response_model=InboxPage, responses=error_responses(Unauthorized))
async def list_inbox(
    user: CurrentUser,
    session: ReadSessionDep,
    unread_only: bool = False,
    page: PageQuery = 1,
    page_size: PageSizeQuery = 20,
) -> InboxPage:
    """The user's notices, newest first, with the number still unread."""
    return await inbox_page(
        session, user_id=user.user_id, unread_only=unread_only, page=page, page_size=page_size
    )


@router.post(
    "/inbox/read-all",
    response_model=InboxMarked,
    responses=error_responses(Unauthorized, Forbidden),
)
async def read_all(user: CurrentUser, session: SessionDep, clock: ClockDep) -> InboxMarked:
    """Mark every notice of the user read."""
    marked = await mark_all_read(session, user_id=user.user_id, now=clock.now())
    return InboxMarked(marked=marked, unread=await count_unread(session, user_id=user.user_id))


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
    notice = await mark_read(session, user_id=user.user_id, notice_id=notice_id, now=clock.now())
    return NoticeRead.model_validate(notice)


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
    if not user.is_admin:
        raise Forbidden()
    return await failed_notices(session, page=page, page_size=page_size)

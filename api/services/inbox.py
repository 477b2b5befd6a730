"""The in-app inbox: each person's own notices, read and marked read, and the
administrators' list of notices whose mail finally failed.

A person only ever reaches their own notices: someone else's gets the same answer as
one that does not exist (403 ``forbidden``), so ids cannot be probed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CursorResult, update
from sqlalchemy.ext.asyncio import AsyncSession

from models import Notice
from models.schemas.notices import (
    FailedNoticePage,
    FailedNoticeRead,
    InboxMarked,
    InboxPage,
    NoticeRead,
)

from ..errors import Forbidden
from ..principal import Principal
from ..queries import notices as queries
from .admin_scope import administered_unit_ids


def _not_in_your_inbox() -> Forbidden:
    return Forbidden("Không có thông báo này trong hộp thư của bạn", "No such notice in your inbox")


async def inbox_page(
    session: AsyncSession, *, user_id: int, unread_only: bool, page: int, page_size: int
) -> InboxPage:
    """The person's notices, newest first, with how many are still unread."""
    total, rows = await queries.inbox(
        session, user_id=user_id, unread_only=unread_only, page=page, page_size=page_size
    )
    return InboxPage(
        items=[NoticeRead.model_validate(row) for row in rows],
        total=total,
        unread=await queries.count_unread(session, user_id=user_id),
        page=page,
        page_size=page_size,
    )


async def mark_read(
    session: AsyncSession, *, user_id: int, notice_id: int, now: datetime
) -> NoticeRead:
    """Mark one of the person's notices read (keeping the first reading time)."""
    notice = await queries.notice_of(session, user_id=user_id, notice_id=notice_id)
    if notice is None:
        raise _not_in_your_inbox()
    if notice.read_at is None:
        notice.read_at = now
        await session.flush()
    return NoticeRead.model_validate(notice)


async def mark_all_read(session: AsyncSession, *, user_id: int, now: datetime) -> InboxMarked:
    """Mark every notice of the person read."""
    result = await session.execute(
        update(Notice)
        .where(Notice.user_id == user_id, Notice.read_at.is_(None))
        .values(read_at=now)
    )
    assert isinstance(result, CursorResult)  # an UPDATE's result: it counts its rows
    return InboxMarked(
        marked=result.rowcount or 0, unread=await queries.count_unread(session, user_id=user_id)
    )


async def failed_notices(
    session: AsyncSession, principal: Principal, *, page: int, page_size: int
) -> FailedNoticePage:
    """The notices whose mail could not be delivered after every retry, newest first:
    for an administrator, those of the accounts they administer (403 for anyone else)."""
    scope = await administered_unit_ids(session, principal)
    total, rows = await queries.failed_notices(
        session, page=page, page_size=page_size, unit_ids=scope
    )
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

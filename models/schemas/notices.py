"""Schemas of the in-app inbox (each user's own notices) and of the administrators'
list of notices whose mail finally failed."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict


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

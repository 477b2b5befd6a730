"""Notices to people (in-app inbox and e-mail) and stored command results that make
API commands idempotent."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from domain.vocabulary import NoticeDelivery

from .base import Base, enum_column, utcnow


class Notice(Base):
    """One notice to one user. ``notice_key`` (e.g. ``nomination-12:5:received:user-3``)
    makes sending idempotent: an activity that retries finds the row and does nothing."""

    __tablename__ = "notices"

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_key: Mapped[str] = mapped_column(String(200), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    kind: Mapped[str] = mapped_column(String(64))
    subject: Mapped[str] = mapped_column(String(255))
    body_text: Mapped[str] = mapped_column(Text)
    link: Mapped[str] = mapped_column(String(255), default="")
    nomination_id: Mapped[int | None] = mapped_column(ForeignKey("nominations.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]
    email_to: Mapped[str | None] = mapped_column(String(255))
    delivery: Mapped[NoticeDelivery] = mapped_column(
        enum_column(NoticeDelivery), default=NoticeDelivery.NONE
    )
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    sent_at: Mapped[datetime | None]


Index("ix_notices_user_unread", Notice.user_id, Notice.read_at)


class CommandRecord(Base):
    """The first result of an API command sent with an ``Idempotency-Key`` header: a
    repeated request with the same key (from any replica) gets this result back."""

    __tablename__ = "command_records"
    __table_args__ = (UniqueConstraint("caller", "idempotency_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # The user, or for anonymous callers (the public objection form) a negative number
    # derived from the client address, so that keys of different callers never collide.
    caller: Mapped[int] = mapped_column(BigInteger)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    idempotency_key: Mapped[str] = mapped_column(String(128))
    method: Mapped[str] = mapped_column(String(8))
    path: Mapped[str] = mapped_column(String(255))
    request_sha256: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int | None]
    response_body: Mapped[dict | list | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class RateLimitHit(Base):
    """Counts requests per bucket (e.g. a client address on the objection form) and
    window, in the database so that every API replica sees the same counts."""

    __tablename__ = "rate_limit_hits"

    bucket: Mapped[str] = mapped_column(String(160), primary_key=True)
    window_start: Mapped[datetime] = mapped_column(primary_key=True)
    hits: Mapped[int] = mapped_column(default=0)

"""Council sessions, their agendas and the voter roll.

Ballots are secret: no table links a member to a choice. ``ballot_receipts`` records
only that a member has voted (and how: in person or in writing); each agenda item keeps
only its tally, written when the session closes.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from domain.vocabulary import BallotMode, ItemResult, SessionStatus, VoteRule

from .base import Base, TimestampMixin, enum_column


class CouncilSession(Base, TimestampMixin):
    __tablename__ = "council_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("councils.id"), index=True)
    authority_id: Mapped[int] = mapped_column(ForeignKey("authorities.id"))
    title: Mapped[str] = mapped_column(String(255))
    convened_by_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    opened_at: Mapped[datetime | None]
    closes_at: Mapped[datetime]  # the ballot deadline
    closed_at: Mapped[datetime | None]
    status: Mapped[SessionStatus] = mapped_column(
        enum_column(SessionStatus), default=SessionStatus.OPEN
    )
    member_count: Mapped[int] = mapped_column(default=0)
    quorum_fraction: Mapped[float] = mapped_column(default=2 / 3)
    present_count: Mapped[int] = mapped_column(default=0)
    written_count: Mapped[int] = mapped_column(default=0)
    workflow_id: Mapped[str] = mapped_column(String(128), default="")
    minutes_document_id: Mapped[int | None] = mapped_column(
        ForeignKey("documents.id", use_alter=True)
    )
    # Sequence number of the last workflow change written (a late write of an older
    # change, e.g. a ballot receipt, never reopens a closed session).
    projection_seq: Mapped[int] = mapped_column(default=0)


class AgendaItem(Base):
    __tablename__ = "agenda_items"
    __table_args__ = (UniqueConstraint("session_id", "nomination_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("council_sessions.id"), index=True)
    nomination_id: Mapped[int] = mapped_column(ForeignKey("nominations.id"), index=True)
    position: Mapped[int]
    vote_rule: Mapped[VoteRule] = mapped_column(enum_column(VoteRule))
    threshold: Mapped[float]  # share of ALL council members that must agree
    recused_member_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    result: Mapped[ItemResult] = mapped_column(enum_column(ItemResult), default=ItemResult.PENDING)
    # The nomination left the agenda (withdrawn or closed before the session opened).
    withdrawn: Mapped[bool] = mapped_column(default=False)
    agree: Mapped[int] = mapped_column(default=0)
    disagree: Mapped[int] = mapped_column(default=0)
    abstain: Mapped[int] = mapped_column(default=0)


class BallotReceipt(Base):
    """The voter roll: who has cast their one ballot sheet, never what it said."""

    __tablename__ = "ballot_receipts"
    __table_args__ = (UniqueConstraint("session_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("council_sessions.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("council_members.id"))
    mode: Mapped[BallotMode] = mapped_column(enum_column(BallotMode))
    cast_at: Mapped[datetime]

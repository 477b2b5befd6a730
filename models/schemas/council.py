"""Schemas of council sessions and ballot sheets."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import Field

from domain.vocabulary import BallotMode, Choice, ItemResult, SessionStatus, VoteRule

from .common import DbId, Page, Schema, ShortText, Text


class SessionCreate(Schema):
    title: ShortText
    nomination_ids: list[DbId] = Field(min_length=1, max_length=2000)
    closes_at: datetime
    authority_id: DbId | None = None  # default: the standing officer's own authority


class AgendaItemRead(Schema):
    nomination_id: int
    position: int
    nominee_name: str
    award_code: str
    award_name: str
    vote_rule: VoteRule
    threshold_text: str
    # The threshold as the texts word it ("trên 50% tổng số thành viên Hội đồng"): pages
    # show these, never the symbols.
    threshold_words: str = ""
    threshold_words_en: str = ""
    achievement_summary: str = ""
    result: ItemResult
    withdrawn: bool
    agree: int
    disagree: int
    abstain: int
    recused_member_ids: list[int]


class MemberRead(Schema):
    member_id: int
    user_id: int
    name: str
    council_role: str
    title: str
    has_voted: bool
    mode: BallotMode | None


class SessionRead(Schema):
    id: int
    council_id: int
    authority_id: int
    title: str
    status: SessionStatus
    closes_at: datetime
    opened_at: datetime | None
    closed_at: datetime | None
    member_count: int
    present_count: int
    written_count: int
    quorum_text: str
    quorum_words: str = ""
    quorum_words_en: str = ""
    minutes_document_id: int | None
    members: list[MemberRead]
    items: list[AgendaItemRead]


class SessionPage(Page):
    items: list[SessionRead]


class BallotCreate(Schema):
    mode: BallotMode = BallotMode.IN_PERSON
    # nomination id (as a string key) → choice, one per agenda item the member votes on
    choices: dict[ShortText, Choice] = Field(max_length=2000)
    written_opinion: Text = ""


class BallotReceiptRead(Schema):
    session_id: int
    member_id: int
    mode: BallotMode
    cast_at: datetime


class BallotSheetRead(Schema):
    """What a member sees before voting: the items, and which ones they are recused from."""

    session_id: int
    member_id: int
    title: str
    closes_at: datetime
    status: SessionStatus
    has_voted: bool
    items: list[AgendaItemRead]
    recused_nomination_ids: list[int]


class CloseCreate(Schema):
    reason: Text = ""


SessionPageSize = Annotated[int, Field(ge=1, le=200)]

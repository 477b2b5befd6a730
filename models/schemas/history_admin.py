"""Schemas of the administration of histories: the yearly ratings (xếp loại) of a person
or a collective, the award history from before the engine (lịch sử khen thưởng), each
record with the decision that granted it (number, date, deciding authority), and the
initiatives (sáng kiến) of a person with their recognition level and decision."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import Field, StringConstraints

from domain.vocabulary import InitiativeScope, NomineeKind, Rating

from .common import ONE_LINE, RequiredText, Schema, ShortText
from .registry import AwardRecordRead, InitiativeRead, SubjectRead

Year = Annotated[int, Field(ge=1945, le=2100)]
Count = Annotated[int, Field(ge=0, le=1_000_000)]
DecisionNumber = Annotated[ShortText, Field(max_length=64)]
# An initiative's title: one line, up to 500 characters (the column's width).
Title = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500), ONE_LINE
]


class RatingCreate(Schema):
    year: Year
    rating: Rating
    # Collectives only: how many members, how many women, how many reached the title.
    member_count: Count | None = None
    women_count: Count | None = None
    members_with_title: Count | None = None


class RatingUpdate(Schema):
    """Only the fields sent change (a count may be set to null)."""

    year: Year | None = None
    rating: Rating | None = None
    member_count: Count | None = None
    women_count: Count | None = None
    members_with_title: Count | None = None


class RatingRead(Schema):
    id: int
    kind: NomineeKind
    subject_id: int
    year: int
    rating: Rating
    rating_vi: str
    member_count: int | None
    women_count: int | None
    members_with_title: int | None


class AwardRecordCreate(Schema):
    """A record from before the engine: the decision that granted it is required."""

    award_code: ShortText
    year: Year  # the achievement year the award recognises
    decision_number: DecisionNumber
    decision_date: date
    deciding_authority: ShortText


class AwardRecordUpdate(Schema):
    """Only the fields sent change."""

    award_code: ShortText | None = None
    year: Year | None = None
    decision_number: DecisionNumber | None = None
    decision_date: date | None = None
    deciding_authority: ShortText | None = None


class AwardRecordRevoke(Schema):
    reason: RequiredText
    basis: ShortText  # the decision or document the revocation rests on


class HistoryAwardRead(AwardRecordRead):
    # False for a record the engine wrote (its decision is the engine's) or a revoked one.
    editable: bool


class InitiativeCreate(Schema):
    title: Title
    year: Year
    scope: InitiativeScope  # the recognition level
    is_research: bool = False  # a research project rather than an initiative
    recognised_by: ShortText  # who recognised it (the decision's issuer)
    decision_number: DecisionNumber
    decision_date: date


class InitiativeUpdate(Schema):
    """Only the fields sent change."""

    title: Title | None = None
    year: Year | None = None
    scope: InitiativeScope | None = None
    is_research: bool | None = None
    recognised_by: ShortText | None = None
    decision_number: DecisionNumber | None = None
    decision_date: date | None = None


class HistoryInitiativeRead(InitiativeRead):
    decision_number: str
    decision_date: date | None


class SubjectHistoryRead(Schema):
    subject: SubjectRead
    ratings: list[RatingRead]  # newest first
    awards: list[HistoryAwardRead]  # newest first, revoked ones included (marked)
    initiatives: list[HistoryInitiativeRead]  # people only; newest first


class SubjectMatchRead(Schema):
    kind: NomineeKind
    id: int
    name: str
    unit_name: str

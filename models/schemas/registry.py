"""Schemas of the registry: units, people, collectives, households and initiatives as
the forms look them up, and the award history of a person, collective or household."""

from __future__ import annotations

from datetime import date, datetime

from domain.vocabulary import (
    AwardKind,
    Gender,
    InitiativeScope,
    Level,
    NomineeKind,
    Rating,
    UnitKind,
)

from .common import Page, Schema


class UnitRead(Schema):
    id: int
    code: str
    name: str
    short_name: str
    kind: UnitKind
    level: Level
    parent_id: int | None


class PersonRead(Schema):
    id: int
    full_name: str
    gender: Gender
    birth_year: int | None
    position: str
    unit_id: int
    unit_name: str
    household_id: int | None
    is_official: bool
    # Personal data (Decree 13/2023): a list carries them masked (the citizen ID's last
    # three digits, no date); one person's record in full for the roles that need them
    # (``api.services.personal_data``), ``identifiers_masked`` saying which.
    birth_date: date | None = None
    citizen_id: str | None = None
    identifiers_masked: bool = True


class PersonPage(Page):
    items: list[PersonRead]


class CollectiveRead(Schema):
    id: int
    name: str
    unit_id: int
    unit_code: str
    unit_kind: UnitKind


class HouseholdRead(Schema):
    id: int
    head_name: str
    address: str
    residential_group_id: int
    residential_group_name: str


class HouseholdPage(Page):
    items: list[HouseholdRead]


class InitiativeRead(Schema):
    id: int
    person_id: int
    person_name: str
    title: str
    year: int
    scope: InitiativeScope
    is_research: bool
    recognised_by: str
    grounded_award_id: int | None
    used: bool  # it grounds an award that still stands: it cannot ground another


class AwardRecordRead(Schema):
    id: int
    award_code: str
    award_name_vi: str
    award_name_en: str
    year: int  # the achievement year the award recognises
    kind: AwardKind
    decision_number: str
    decision_date: date | None
    deciding_authority: str
    decision_id: int | None
    nomination_id: int | None
    achievement_key: str | None
    revoked: bool
    revoked_at: datetime | None
    revocation_reason: str
    revocation_basis: str


class EvaluationRead(Schema):
    year: int
    rating: Rating
    rating_vi: str
    # Collectives: the figures the unit recorded for the year
    member_count: int | None
    women_count: int | None
    members_with_title: int | None


class SubjectRead(Schema):
    kind: NomineeKind
    id: int
    name: str
    unit_id: int  # the unit (or residential group) that proposes the subject
    unit_name: str


class AwardHistory(Schema):
    subject: SubjectRead
    awards: list[AwardRecordRead]  # newest first, revoked ones included (marked)
    evaluations: list[EvaluationRead]  # newest first
    initiatives: list[InitiativeRead]  # people only; newest first

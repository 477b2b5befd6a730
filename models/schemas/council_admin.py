"""Schemas of the administration of councils (Hội đồng Thi đua - Khen thưởng): a council
of an authority with its members, active and past, each with their council role, title
and term of office (nhiệm kỳ), and whom a member appointed mid-term replaces."""

from __future__ import annotations

from datetime import date

from domain.vocabulary import CouncilRole

from .common import DbId, Line, Schema, ShortText, Text


class CouncilCreate(Schema):
    authority_id: DbId
    name: ShortText
    rules_note: Text = ""


class CouncilUpdate(Schema):
    """Only the fields sent change."""

    name: ShortText | None = None
    rules_note: Text | None = None


class CouncilMemberCreate(Schema):
    user_id: DbId
    council_role: CouncilRole
    title: Line = ""  # what the member is outside the council
    term_start: date
    term_end: date | None = None


class CouncilMemberUpdate(Schema):
    """Only the fields sent change; ``term_end`` may be set to null (an open term)."""

    council_role: CouncilRole | None = None
    title: Line | None = None
    term_start: date | None = None
    term_end: date | None = None


class CouncilMemberEnd(Schema):
    """The last day of the membership."""

    term_end: date


class CouncilMemberReplace(Schema):
    """A new member in the place of an active one, from ``starts_on``: the member replaced
    ends the day before. The role and the end of the term are the replaced member's
    unless given."""

    user_id: DbId
    starts_on: date
    council_role: CouncilRole | None = None
    title: Line = ""
    term_end: date | None = None


class CouncilMemberRead(Schema):
    id: int
    user_id: int
    username: str
    full_name: str
    council_role: CouncilRole
    title: str
    active: bool
    term_start: date | None
    term_end: date | None
    replaces_member_id: int | None


class CouncilRead(Schema):
    id: int
    authority_id: int
    authority_name: str
    unit_id: int  # the authority's unit: whoever administers it administers the council
    name: str
    rules_note: str
    members: list[CouncilMemberRead]  # the active members first, then the past ones

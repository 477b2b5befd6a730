"""Schemas of the registry's administration: units (the tree), people, households and
collectives created, edited and merged by an administrator.

A person's citizen ID and date of birth are personal data (Decree 13/2023): a read
carries them in full only for the roles that need them (``api.services.personal_data``);
``identifiers_masked`` says which one the reader got."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import Field, StringConstraints

from domain.vocabulary import Gender, Level, UnitKind

from .common import ONE_LINE, DbId, Line, Page, Schema, ShortText

# A unit's code: letters, digits, dot, dash and underscore ("tk-van-phong").
UnitCode = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._-]+$"
    ),
    ONE_LINE,
]
# Checked field by field in the service (12 digits, unique), so that the message says so.
CitizenIdText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=32), ONE_LINE]
OfficialCode = Annotated[str, StringConstraints(strip_whitespace=True, max_length=16), ONE_LINE]
BirthYear = Annotated[int, Field(ge=1900, le=2100)]


# ---- units -------------------------------------------------------------------------------


class UnitCreate(Schema):
    code: UnitCode
    name: ShortText
    short_name: Line = ""
    kind: UnitKind
    # None: a top unit (the central bodies, a city), for the deployment's administrators.
    parent_id: DbId | None = None
    # A top unit names its level; below, the level is the parent's unless given (a ward's
    # committee under a city is at the ward level).
    level: Level | None = None
    official_code: OfficialCode | None = None
    address: Line = ""


class UnitUpdate(Schema):
    """Only the fields sent change; ``parent_id`` moves the unit (its subtree with it)."""

    code: UnitCode | None = None
    name: ShortText | None = None
    short_name: Line | None = None
    kind: UnitKind | None = None
    parent_id: DbId | None = None
    level: Level | None = None
    official_code: OfficialCode | None = None
    address: Line | None = None


class UnitAdminRead(Schema):
    id: int
    code: str
    name: str
    short_name: str
    kind: UnitKind
    level: Level
    parent_id: int | None
    official_code: str | None
    address: str
    depth: int = 0  # in the tree as listed: 0 for a top unit of the list


# ---- people ------------------------------------------------------------------------------


class PersonCreate(Schema):
    full_name: ShortText
    gender: Gender
    birth_date: date | None = None
    # Without a date of birth, the year alone (with one, the year is the date's).
    birth_year: BirthYear | None = None
    citizen_id: CitizenIdText | None = None
    position: Line = ""
    unit_id: DbId
    household_id: DbId | None = None
    is_official: bool = True


class PersonUpdate(Schema):
    """Only the fields sent change; send ``null`` to clear an optional one."""

    full_name: ShortText | None = None
    gender: Gender | None = None
    birth_date: date | None = None
    birth_year: BirthYear | None = None
    citizen_id: CitizenIdText | None = None
    position: Line | None = None
    unit_id: DbId | None = None
    household_id: DbId | None = None
    is_official: bool | None = None


class PersonAdminRead(Schema):
    id: int
    full_name: str
    gender: Gender
    birth_year: int | None
    # Full for the roles that need them, else masked: the date None, the citizen ID with
    # only its last three digits ("*********123").
    birth_date: date | None
    citizen_id: str | None
    identifiers_masked: bool
    position: str
    unit_id: int
    unit_name: str
    household_id: int | None
    is_official: bool
    merged_into_id: int | None


class PersonAdminPage(Page):
    items: list[PersonAdminRead]


# ---- households and collectives ------------------------------------------------------


class HouseholdCreate(Schema):
    head_name: ShortText
    address: Line = ""
    residential_group_id: DbId


class HouseholdUpdate(Schema):
    head_name: ShortText | None = None
    address: Line | None = None
    residential_group_id: DbId | None = None


class HouseholdAdminRead(Schema):
    id: int
    head_name: str
    address: str
    residential_group_id: int
    residential_group_name: str
    member_count: int
    merged_into_id: int | None


class HouseholdAdminPage(Page):
    items: list[HouseholdAdminRead]


class CollectiveCreate(Schema):
    unit_id: DbId
    name: ShortText


class CollectiveUpdate(Schema):
    name: ShortText | None = None


class CollectiveAdminRead(Schema):
    id: int
    name: str
    unit_id: int
    unit_code: str
    unit_name: str
    merged_into_id: int | None


# ---- merging duplicates --------------------------------------------------------------


class MergeRequest(Schema):
    """The duplicate to merge into the record of the path (which is kept)."""

    duplicate_id: DbId


class MergeResult(Schema):
    kept_id: int
    duplicate_id: int
    # What moved from the duplicate to the kept record, by kind ("award_records": 2, ...).
    moved: dict[str, int]

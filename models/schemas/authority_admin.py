"""Schemas of the deciding bodies' administration: the people's committee of a ward or a
city (or the Prime Minister at the centre), with the words its documents are headed
with, its standing body and the body it forwards to."""

from __future__ import annotations

from pydantic import Field

from domain.vocabulary import Level

from .common import DbId, Line, Schema, ShortText

HeaderLines = list[ShortText]


class AuthorityCreate(Schema):
    unit_id: DbId = Field(description="the people's committee's unit")
    standing_unit_id: DbId = Field(description="its standing body (Phòng Văn hóa - Xã hội)")
    parent_authority_id: DbId | None = Field(None, description="the body it forwards to")
    name: Line = Field("", description="blank: the unit's name")
    header_lines: HeaderLines | None = Field(None, max_length=4, description="blank: proposed")
    place_name: Line = ""
    head_title: Line = ""
    decision_code: ShortText = "QĐ-UBND"
    submission_code: ShortText = "TTr-UBND"
    council_name: Line = Field("", description="blank: Hội đồng Thi đua - Khen thưởng …")


class AuthorityUpdate(Schema):
    standing_unit_id: DbId | None = None
    parent_authority_id: DbId | None = None
    name: ShortText | None = None
    header_lines: HeaderLines | None = Field(None, min_length=1, max_length=4)
    place_name: ShortText | None = None
    head_title: ShortText | None = None
    decision_code: ShortText | None = None
    submission_code: ShortText | None = None


class AuthorityRead(Schema):
    id: int
    level: Level
    unit_id: int
    unit_code: str
    name: str
    header_lines: list[str]
    place_name: str
    head_title: str
    decision_code: str
    submission_code: str
    standing_unit_id: int
    parent_authority_id: int | None
    council_id: int | None

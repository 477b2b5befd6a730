"""Schemas of the public portal: the nominations posted for comment and the issued
decisions with their awardees (no login)."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel

from domain.vocabulary import ObjectionStatus


class PublicObjectionRead(BaseModel):
    """What the public learns of an objection: that it was lodged, and how it was resolved
    (never who lodged it nor what it says)."""

    lodged_at: datetime
    status: ObjectionStatus


class PublicNoticeRead(BaseModel):
    nomination_id: int
    nominee_name: str
    unit_name: str
    award_code: str
    award_name: str
    authority_name: str
    # The ward whose nomination it is (where it started; a city's notice names it too).
    ward_name: str = ""
    year: int
    posted_at: datetime
    until: datetime | None
    objections: list[PublicObjectionRead] = []


class PublicNoticePage(BaseModel):
    total: int
    items: list[PublicNoticeRead]


class PublicAwardee(BaseModel):
    nominee_name: str
    nominee_description: str
    award_code: str


class PublicDecisionRead(BaseModel):
    """An issued decision. Its number is its own only with its issuer and year: the ward's
    and the city's first decisions of a year are both "01/QĐ-UBND"."""

    id: int
    number_text: str
    year: int | None = None
    issued_on: date | None
    title: str
    authority_id: int
    authority_name: str
    awardees: list[PublicAwardee]
    pdf_url: str | None
    verify_url: str


class PublicForwardedRead(BaseModel):
    """A signed submission (tờ trình) as the public sees it: its nominees were forwarded to
    the next level, which decides; nothing is awarded yet, and the submission itself (not
    a published document) is not linked."""

    id: int
    number_text: str
    year: int | None = None
    issued_on: date | None
    authority_id: int
    authority_name: str  # the issuer
    to_authority_name: str  # the level it went to
    nominees: list[PublicAwardee]


class PublicDecisionPage(BaseModel):
    total: int
    page: int
    page_size: int
    items: list[PublicDecisionRead]

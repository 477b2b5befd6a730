"""Schemas of the public portal: the nominations posted for comment and the issued
decisions with their awardees (no login)."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel


class PublicNoticeRead(BaseModel):
    nomination_id: int
    nominee_name: str
    unit_name: str
    award_code: str
    award_name: str
    authority_name: str
    year: int
    posted_at: datetime
    until: datetime | None


class PublicNoticePage(BaseModel):
    total: int
    items: list[PublicNoticeRead]


class PublicAwardee(BaseModel):
    nominee_name: str
    nominee_description: str
    award_code: str


class PublicDecisionRead(BaseModel):
    id: int
    number_text: str
    issued_on: date | None
    title: str
    authority_name: str
    awardees: list[PublicAwardee]
    pdf_url: str | None
    verify_url: str


class PublicDecisionPage(BaseModel):
    total: int
    page: int
    page_size: int
    items: list[PublicDecisionRead]

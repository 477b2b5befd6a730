"""Schemas of decisions (quyết định) and submissions (tờ trình)."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import Field

from domain.vocabulary import DecisionKind, DecisionStatus, SignerCapacity

from .common import DbId, Page, RequiredText, Schema, ShortText, Text


class DecisionCreate(Schema):
    kind: DecisionKind = DecisionKind.DECISION
    title: ShortText | None = None  # default: "Về việc tặng <award>"
    nomination_ids: list[DbId] = Field(min_length=1, max_length=5000)
    authority_id: DbId | None = None
    proposer_text: ShortText | None = None


class DecisionItemRead(Schema):
    nomination_id: int
    position: int
    nominee_name: str
    nominee_description: str
    award_code: str
    cash_multiple: float
    cash_amount_vnd: int


class DecisionRead(Schema):
    id: int
    authority_id: int
    authority_name: str
    kind: DecisionKind
    status: DecisionStatus
    title: str
    number_text: str
    issued_on: date | None
    signer_user_id: int | None
    signer_capacity: SignerCapacity | None
    due_at: datetime | None
    signed_at: datetime | None
    document_id: int | None
    items: list[DecisionItemRead]
    preview_url: str
    pdf_url: str | None


class DecisionPage(Page):
    items: list[DecisionRead]


class DelegateCreate(Schema):
    to_user_id: DbId
    reason: Text = ""


class RemoveItemCreate(Schema):
    nomination_id: DbId
    reason: RequiredText


class CancelCreate(Schema):
    reason: RequiredText


class SignRead(Schema):
    decision_id: int
    number_text: str
    document_id: int
    issued_on: date
    sha256: str

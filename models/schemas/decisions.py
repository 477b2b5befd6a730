"""Schemas of decisions (quyết định) and submissions (tờ trình)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import Field, StringConstraints

from domain.vocabulary import DecisionKind, DecisionStatus, SignerCapacity

from .common import ONE_LINE, DbId, Page, RequiredText, Schema, ShortText, Text


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
    # While the signer has sent the draft back (status ``returned``): why.
    returned_reason: str | None = None


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


class SendBackCreate(Schema):
    """The signer returns the draft to the standing body for correction."""

    reason: RequiredText


class ResubmitCreate(Schema):
    """The standing body submits the corrected draft for signature again."""

    note: Text = ""


class SignRead(Schema):
    """A signature's outcome. After the signer's signature the number and the date are
    empty (``""``, ``null``): the clerk gives both when issuing (``POST …/issue``)."""

    decision_id: int
    number_text: str
    document_id: int
    issued_on: date | None
    sha256: str


class SignatureRequestRead(Schema):
    """What the designated signer's own signing agent signs (signing on their computer):
    ``to_sign`` (base64 of the CMS signed attributes: the agent hashes them with SHA-256
    and signs, RSA PKCS#1 v1.5 or ECDSA), or ``digest`` (base64 of that SHA-256, for an
    agent that signs a hash); the signature must verify against the certificate whose
    SHA-256 is ``certificate_sha256``. ``pdf_url``: the prepared document, to read;
    ``signature_url``: where the raw signature (base64) goes."""

    decision_id: int
    number_text: str
    to_sign: str
    digest: str
    algorithm: str
    certificate_sha256: str
    requested_at: datetime
    expires_at: datetime
    pdf_url: str
    signature_url: str


class ExternalSignatureCreate(Schema):
    """The signing agent's answer: the raw signature value over ``to_sign``, base64."""

    signature: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4096), ONE_LINE
    ]


# One line of a draft (a legal ground, a recipient, the proposer line): the bounds of the
# decision workflow's ``edit_draft``.
DraftLine = Annotated[str, StringConstraints(strip_whitespace=True, max_length=1000), ONE_LINE]
DraftTitle = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500), ONE_LINE
]


class DecisionDraftUpdate(Schema):
    """The standing body edits a draft before signing; a field left out stays as it is.
    ``item_order``: the draft's nomination ids in their new order."""

    title: DraftTitle | None = None
    legal_grounds: list[DraftLine] | None = Field(default=None, max_length=30)
    proposer_text: DraftLine | None = None
    recipients: list[DraftLine] | None = Field(default=None, max_length=30)
    item_order: list[DbId] | None = Field(default=None, max_length=5000)
    reason_text: Text | None = None

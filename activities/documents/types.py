"""What the documents exchange with their callers: the activities' inputs and outputs
(carried by the workflows), the rule-set lookup they are given, and ``DocumentError``.

Light on purpose (dataclasses, the standard library, pure ``domain`` modules and
temporalio): the workflows import it through ``imports_passed_through``. New fields get
defaults, so that running workflows keep replaying.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from temporalio.exceptions import ApplicationError

from domain.rules import RuleSet
from domain.vocabulary import SignerCapacity

RuleSetLookup = Callable[[str], RuleSet]


class DocumentError(Exception):
    """A document cannot be produced; ``code`` is stable (it becomes the Temporal error
    type and the API error), the messages are for people."""

    def __init__(self, code: str, message_vi: str, message_en: str) -> None:
        super().__init__(message_en)
        self.code = code
        self.message_vi = message_vi
        self.message_en = message_en

    def to_application_error(self) -> ApplicationError:
        return ApplicationError(
            f"{self.message_vi} / {self.message_en}", type=self.code, non_retryable=True
        )


@dataclass
class DraftText:
    """The parts of a draft the standing body edited that no column holds: the legal
    grounds (căn cứ), the recipients (nơi nhận) and a free-text reason. Held by the
    decision workflow (``edit_draft``) and given to every rendering of the draft (the
    preview, the .docx, the signed PDF); ``None``: as generated."""

    legal_grounds: list[str] | None = None
    recipients: list[str] | None = None
    reason_text: str = ""


@dataclass
class IssueDecisionInput:
    decision_id: int
    signer_user_id: int
    capacity: SignerCapacity
    signed_at: datetime  # when the signer signed (the Update); the date of the decision
    draft_text: DraftText | None = None  # the standing body's edits (``edit_draft``)
    # Since "clerk-numbers": the signer signs a document whose number and date are blank
    # fields, and the clerk gives both at issue (Decree 30/2020). False: the number and
    # date are given at the signature (documents signed before).
    clerk_numbers: bool = False


@dataclass
class IssueSignedInput:
    """The clerk (văn thư) issues a document its signer signed: the organisation's
    signature (its seal) is applied over the person's, then the document is issued."""

    decision_id: int
    clerk_user_id: int
    issued_at: datetime  # when the clerk issued it (the Update)


@dataclass
class IssuedDecision:
    decision_id: int
    number_text: str  # "" while the clerk has not numbered it (signed, "clerk-numbers")
    document_id: int
    sha256: str
    issued_on: date | None  # None while the clerk has not dated it


@dataclass
class PreparedDecisionSignature:
    """A decision made ready for the signer's own signing agent (``prepare_decision_signature``):
    the prepared PDF is in the file store (``storage_key``), never in the workflow's
    history; this is the rest of ``external_signing.PreparedSignature``, a few kB."""

    decision_id: int
    storage_key: str  # the PDF with its field, stamp and empty placeholder
    document_digest: str  # hex: SHA-256 of the signed byte ranges
    reserved_region_start: int
    reserved_region_end: int
    signed_attributes_b64: str  # what the agent signs (``to_sign``)
    digest_to_sign_b64: str  # SHA-256 of it, for an agent that signs a hash
    certificate_b64: str  # DER of the signer's certificate
    chain_b64: list[str]
    certificate_sha256: str
    number_text: str  # "" when the clerk numbers it at issue
    issued_on: date | None
    field_name: str
    algorithm: str = "RSA/ECDSA with SHA-256 over to_sign (PKCS#1 v1.5 for RSA)"


@dataclass
class FinishDecisionSignatureInput:
    """The signer's agent answered: embed its signature (base64 of the raw value)."""

    decision_id: int
    signer_user_id: int
    capacity: SignerCapacity
    signed_at: datetime  # when the answer came
    prepared: PreparedDecisionSignature
    signature_b64: str


@dataclass
class WrittenOpinion:
    """An absent member's written opinion (ý kiến bằng văn bản): the text only, never the
    member's choices."""

    member_id: int  # council_members.id
    text: str


@dataclass
class IssueMinutesInput:
    session_id: int
    # Carried by the council session workflow, the only place that holds them: no table
    # keeps a member's words beside their ballot.
    written_opinions: list[WrittenOpinion] = field(default_factory=list)


@dataclass
class PublicNoticeInput:
    authority_id: int
    nomination_ids: list[int]
    starts_at: datetime
    ends_at: datetime
    key: str  # names the notice: one document per key


@dataclass
class DocumentRef:
    document_id: int
    sha256: str

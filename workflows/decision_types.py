"""Inputs, commands and answers of the decision workflow (light module).

A "decision" here is one signed document for many nominations: a quyết định granting the
awards of this level, or a tờ trình forwarding nominations to the next level."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from temporalio import workflow

from domain.calendar import CalendarData, Duration
from domain.vocabulary import DecisionKind, DecisionStatus, Role, SignerCapacity

from .contracts import Actor, SignalName

with workflow.unsafe.imports_passed_through():
    from activities.documents.types import DraftText

DECISION_WORKFLOW = "DecisionWorkflow"  # the workflow type these signals go to


def decision_workflow_id(decision_id: int) -> str:
    return f"decision-{decision_id}"


@dataclass
class DecisionItemPlan:
    nomination_id: int
    nomination_workflow_id: str
    proposing_unit_id: int
    nominee_name: str


@dataclass
class DecisionInput:
    decision_id: int
    kind: DecisionKind
    title: str
    authority_id: int
    authority_unit_id: int
    standing_unit_id: int
    next_standing_unit_id: int | None  # where a submission goes
    items: list[DecisionItemPlan]
    drafted_by: Actor
    signature: Duration
    calendar: CalendarData
    reminder_working_days: list[int] = field(default_factory=lambda: [1, 0])
    # The authority's head title ("CHỦ TỊCH ỦY BAN NHÂN DÂN …"): a vice-chairman signs
    # "KT. CHỦ TỊCH". Drafts made before it was carried read as a chairman's.
    head_title: str = ""
    # Where the signatures are made (THIDUA_SIGNING_TASK_QUEUE when drafted): the task
    # queue of the hosts holding the keys; "": the engine's own queue.
    signing_task_queue: str = ""


# ---- who may act on a document (the workflow's validators and the API, before a workflow
# that has completed can answer): a person who could never do this gets 403, whatever the
# document's status ------------------------------------------------------------------------

SIGNER_ONLY = (
    "Chỉ người có thẩm quyền được ký văn bản này",
    "only the designated signer may sign this document",
)
CLERK_ONLY = (
    "Chỉ văn thư của cơ quan ban hành được cấp số và phát hành văn bản này",
    "only a clerk of the issuing authority may issue this document",
)
CHAIRMAN_ONLY = (
    "Chỉ Chủ tịch được giao Phó Chủ tịch ký thay",
    "only the chairman may delegate signing",
)
# A draft that is still being assembled (its nominations confirming their places, within
# seconds) is ready soon: the refusal tells the client when to ask again.
ASSEMBLY_RETRY_AFTER_SECONDS = 2


def may_sign(actor: Actor, *, authority_unit_id: int, delegated_to: int | None) -> bool:
    """The chairman signs; once the chairman delegated, only that vice-chairman does."""
    if delegated_to is not None:
        return actor.user_id == delegated_to and actor.has(Role.VICE_CHAIRMAN, authority_unit_id)
    return actor.has(Role.CHAIRMAN, authority_unit_id)


def may_issue(actor: Actor, *, authority_unit_id: int) -> bool:
    """A clerk (văn thư) of the authority applies its signature and issues (Decree 30)."""
    return actor.has(Role.CLERK, authority_unit_id)


def may_delegate(actor: Actor, *, authority_unit_id: int) -> bool:
    return actor.has(Role.CHAIRMAN, authority_unit_id)


def may_edit_draft(actor: Actor, *, standing_unit_id: int) -> bool:
    """The standing body that drafted it removes an item from it."""
    return actor.has(Role.STANDING_OFFICER, standing_unit_id)


def may_cancel(actor: Actor, *, standing_unit_id: int, authority_unit_id: int) -> bool:
    return actor.has(Role.STANDING_OFFICER, standing_unit_id) or actor.has(
        Role.CHAIRMAN, authority_unit_id
    )


@dataclass
class InclusionAck:
    nomination_id: int
    accepted: bool
    reason: str = ""


# A nomination confirms (or declines) its place in the draft.
INCLUSION_ACK: SignalName[InclusionAck] = SignalName(
    DECISION_WORKFLOW, "inclusion_ack", InclusionAck
)


@dataclass
class SignCommand:
    actor: Actor


@dataclass
class WithdrawSignatureRequestCommand:
    """The designated signer withdraws the request pending for their own computer's
    signature (to sign on the server, or prepare again); nothing was numbered for it."""

    actor: Actor


@dataclass
class SubmitExternalSignatureCommand:
    """The designated signer's signing agent answered a signature request: the raw
    signature value (base64) over ``ExternalSignatureRequest.to_sign_b64``."""

    actor: Actor
    signature_b64: str


# The agent's raw signature: RSA up to 8192 bits or ECDSA, in base64, with room to spare.
MAX_SIGNATURE_B64 = 4096
# A request to sign on the signer's own computer stands until the signature is due, and
# at least this long.
EXTERNAL_SIGNATURE_MIN_WINDOW = timedelta(hours=8)


@dataclass
class ExternalSignatureRequest:
    """What the signer's own signing agent must sign (the decision is numbered and
    prepared; the prepared PDF is served at ``/api/v1/decisions/<id>/signature-request/pdf``)."""

    signer_user_id: int
    number_text: str
    to_sign_b64: str  # the CMS signed attributes: the agent hashes (SHA-256) and signs them
    digest_b64: str  # their SHA-256, for an agent that signs a hash
    algorithm: str
    certificate_sha256: str  # the certificate the signature must verify against
    requested_at: datetime
    expires_at: datetime
    pdf_storage_key: str = ""  # the prepared PDF in the file store (the API serves it)


@dataclass
class IssueCommand:
    """The clerk applies the organisation's signature to the signed document and issues
    it."""

    actor: Actor


@dataclass
class DelegateCommand:
    """The chairman has a vice-chairman sign (KT. CHỦ TỊCH / PHÓ CHỦ TỊCH)."""

    actor: Actor
    to_user_id: int
    to_user_name: str
    reason: str = ""


@dataclass
class RemoveItemCommand:
    actor: Actor
    nomination_id: int
    reason: str


@dataclass
class CancelCommand:
    actor: Actor
    reason: str


@dataclass
class SendBackCommand:
    """The designated signer returns the draft to the standing body for correction."""

    actor: Actor
    reason: str


@dataclass
class ResubmitCommand:
    """The standing body submits a returned draft for signature again."""

    actor: Actor
    note: str = ""


# Bounds of what the standing body may write into a draft (``edit_draft``).
MAX_DRAFT_TITLE = 500  # decisions.title
MAX_DRAFT_LINE = 1000  # one legal ground, one recipient, the proposer line
MAX_DRAFT_LINES = 30
MAX_DRAFT_REASON = 2000


@dataclass
class EditDraftCommand:
    """The standing body edits the parts of a draft that offices edit in practice; a
    field left ``None`` stays as it is. ``item_order``: the nomination ids of the draft
    in their new order (a permutation of the draft's items)."""

    actor: Actor
    title: str | None = None
    legal_grounds: list[str] | None = None
    proposer_text: str | None = None
    recipients: list[str] | None = None
    item_order: list[int] | None = None
    reason_text: str | None = None


@dataclass
class DecisionStatusView:
    decision_id: int
    status: DecisionStatus
    signer_user_id: int | None
    capacity: SignerCapacity
    due_at: datetime | None
    nomination_ids: list[int]
    pending_acks: list[int]
    number_text: str = ""
    document_id: int | None = None
    # What the standing body edited that no column holds (``edit_draft``); None: nothing.
    draft_text: DraftText | None = None
    # The signer signs on their own computer: what their agent must sign, while pending.
    signature_request: ExternalSignatureRequest | None = None


@dataclass
class SignResult:
    decision_id: int
    number_text: str  # "" until the clerk numbers it at issue ("clerk-numbers")
    document_id: int
    issued_on: date | None  # None until the clerk dates it
    sha256: str


@dataclass
class DecisionChange:
    decision_id: int
    workflow_id: str
    seq: int
    # drafted | items_declined | items_unconfirmed | signature_requested | item_removed |
    # delegated | sent_back | draft_edited | escalated | signed | issued | cancelled
    action: str
    occurred_at: datetime
    status: DecisionStatus
    actor_user_id: int | None = None
    actor_name: str = ""
    reason: str = ""
    signer_user_id: int | None = None
    capacity: SignerCapacity | None = None
    due_at: datetime | None = None
    removed_nomination_ids: list[int] = field(default_factory=list)
    actor_role: str = ""  # the office the actor acted in; "system" for a rule
    # draft_edited: the edited title / proposer line (None: unchanged) and the items'
    # new order (nomination ids; empty: unchanged), written onto the decision's row.
    title: str | None = None
    proposer_text: str | None = None
    item_order: list[int] = field(default_factory=list)

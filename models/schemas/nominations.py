"""Schemas of nominations, their commands and their history."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import Field, StringConstraints, model_validator

from domain.vocabulary import Level, NomineeKind, ObjectionStatus, ReplyChannel, Role, Stage

from .common import (
    MULTI_LINE,
    ONE_LINE,
    DbId,
    Name,
    Page,
    RequiredText,
    Schema,
    ShortText,
    Text,
)


class NomineeRef(Schema):
    kind: NomineeKind
    person_id: DbId | None = None
    collective_id: DbId | None = None
    household_id: DbId | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> NomineeRef:
        expected = {
            NomineeKind.INDIVIDUAL: "person_id",
            NomineeKind.COLLECTIVE: "collective_id",
            NomineeKind.HOUSEHOLD: "household_id",
        }[self.kind]
        given = [n for n in ("person_id", "collective_id", "household_id") if getattr(self, n)]
        if given != [expected]:
            raise ValueError(f"a {self.kind.value} nominee needs exactly {expected}")
        return self

    @property
    def subject_id(self) -> int:
        return self.person_id or self.collective_id or self.household_id or 0


class DossierItemDeclare(Schema):
    item_code: ShortText
    title: ShortText | None = None


class NominationCreate(Schema):
    award_code: ShortText
    year: Annotated[int, Field(ge=2000, le=2100)]
    nominee: NomineeRef
    proposing_unit_id: DbId
    achievement_summary: Text = ""
    achievement_key: ShortText | None = None
    initiative_id: DbId | None = None
    campaign_id: DbId | None = None
    content_area_code: ShortText | None = None
    exemplar_id: DbId | None = None
    # Codes of the criteria the unit attests in its review minutes (biên bản bình xét)
    attestations: list[ShortText] = Field(default_factory=list, max_length=20)
    dossier_items: list[DossierItemDeclare] = Field(default_factory=list, max_length=50)
    submit: bool = False  # submit at once (starts the approval workflow)


class DossierItemRead(Schema):
    id: int
    item_code: str
    title: str
    level: Level
    file_name: str | None
    content_type: str | None
    size_bytes: int | None
    sha256: str | None
    uploaded_at: datetime
    download_url: str | None = None
    # An earlier version: replaced by item ``replaced_by_id`` at ``replaced_at``.
    replaced_by_id: int | None = None
    replaced_at: datetime | None = None


class ObjectionRead(Schema):
    """An objection as one reader may read it: who lodged it (name, contact) only for the
    standing body handling it and the auditor, None for everyone else
    (``api/services/objectors.py``)."""

    key: str
    level: Level
    objector_name: str | None
    objector_contact: str | None = None
    reason: str
    lodged_at: datetime
    status: ObjectionStatus
    resolution: str
    # How the objector was answered: only for those who may know the objector (the reply
    # is to them, and its note may carry their contact), None for everyone else.
    reply_channel: ReplyChannel | None = None
    reply_note: str | None = None
    replied_at: datetime | None = None
    replied_by_name: str | None = None
    # Whether this reader records the reply (the standing body handling the objection).
    can_record_reply: bool = False


class NominationRead(Schema):
    id: int
    workflow_id: str
    award_code: str
    award_name: str
    rule_set_id: str
    year: int
    nominee_kind: NomineeKind
    nominee_name: str
    proposing_unit_id: int
    proposing_unit_name: str
    level: Level
    authority_id: int
    authority_name: str
    stage: Stage
    stage_entered_at: datetime
    stage_due_at: datetime | None
    level_due_at: datetime | None
    overdue: bool
    escalated: bool
    waiting_on_role: Role | None
    waiting_on_unit_id: int | None
    waiting_on_unit_name: str | None
    council_session_id: int | None
    decision_id: int | None
    decision_number: str
    outcome_reason: str
    achievement_summary: str
    created_at: datetime
    closed_at: datetime | None


class NominationDetail(NominationRead):
    allowed_actions: list[str]
    dossier_items: list[DossierItemRead]  # the current dossier
    # Files replaced while the dossier was returned, kept as earlier versions.
    earlier_dossier_items: list[DossierItemRead] = Field(default_factory=list)
    # The proposer (the account that drafted it) named themself or their own household.
    self_proposed: bool = False
    objections: list[ObjectionRead]
    documents: list[DocumentLink]


class DocumentLink(Schema):
    id: int
    kind: str
    title: str
    number_text: str
    sha256: str
    signed: bool
    url: str
    docx_url: str | None = None  # a Word copy (.docx), where the document has one


class NominationPage(Page):
    items: list[NominationRead]


class AuditEventRead(Schema):
    id: int
    action: str
    occurred_at: datetime
    # Empty, with ``actor_withheld``, where the actor is an objector this reader may not
    # know (``api/services/objectors.py``).
    actor_name: str
    actor_role: str
    actor_withheld: bool = False
    level: Level | None
    from_stage: str | None
    to_stage: str | None
    reason: str
    changes: dict


class NominationHistory(Schema):
    nomination_id: int
    events: list[AuditEventRead]


# ---- commands -----------------------------------------------------------------------------


class AcceptCreate(Schema):
    note: Text = ""


class ReturnCreate(Schema):
    missing_items: list[ShortText] = Field(min_length=1, max_length=30)
    reason: RequiredText


class ResubmitCreate(Schema):
    added_items: list[ShortText] = Field(min_length=1, max_length=30)
    note: Text = ""


class ReasonCreate(Schema):
    reason: RequiredText


class ExtendCreate(Schema):
    working_days: Annotated[int, Field(ge=1, le=60)]
    reason: RequiredText


class ReassignCreate(Schema):
    to_user_id: DbId
    reason: Text = ""


class ObjectionCreate(Schema):
    objector_name: Name
    objector_contact: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=5, max_length=200), ONE_LINE
    ]
    reason: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=10, max_length=2000), MULTI_LINE
    ]


class ResolveObjectionCreate(Schema):
    outcome: ObjectionStatus
    reason: RequiredText

    @model_validator(mode="after")
    def _decided(self) -> ResolveObjectionCreate:
        if self.outcome == ObjectionStatus.PENDING:
            raise ValueError("outcome must be dismissed or upheld")
        return self


class ObjectionReplyCreate(Schema):
    """How the standing body answered the objector: by which channel, what was said or
    sent (a note), and when (default: now)."""

    channel: ReplyChannel
    note: Text = ""
    replied_at: datetime | None = None


class RevokeCreate(Schema):
    reason: RequiredText
    legal_basis: RequiredText = "Điều 93 Luật Thi đua, khen thưởng số 06/2022/QH15"


class SummaryUpdate(Schema):
    """The standing body's correction of the achievement summary (printed on the
    certificate), before the nomination is put into a decision draft."""

    achievement_summary: RequiredText


class SummaryRead(Schema):
    nomination_id: int
    achievement_summary: str
    changed: bool  # False when the text was already the same


class CommandRead(Schema):
    nomination_id: int
    stage: Stage
    level: Level
    stage_due_at: datetime | None
    objection_key: str = ""


NominationDetail.model_rebuild()

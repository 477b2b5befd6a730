"""Inputs, commands, signals and answers of the nomination workflow.

Light module (dataclasses only), imported by the workflow sandbox, the activities and the
API. New fields always get defaults so that histories of running nominations replay.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from domain.calendar import CalendarData, Duration
from domain.rules import ExtensionRule
from domain.thresholds import Threshold
from domain.vocabulary import (
    DecisionKind,
    Level,
    ObjectionStatus,
    Role,
    Stage,
    VoteRule,
)

from .contracts import ActedBy, Actor, SignalName

NOMINATION_WORKFLOW = "NominationWorkflow"  # the workflow type these signals go to


def nomination_workflow_id(nomination_id: int) -> str:
    return f"nomination-{nomination_id}"


@dataclass
class LevelPlan:
    """One level of the chain, with the rule set's limits for this award."""

    level: Level
    authority_id: int
    authority_name: str
    authority_unit_id: int  # the people's committee: chairman, council
    standing_unit_id: int  # the standing body of its council
    council_id: int | None
    completeness_check: Duration
    resubmission: Duration
    public_notice: Duration | None
    vote: VoteRule
    threshold: Threshold
    quorum: Threshold
    processing: Duration
    signature: Duration
    required_items: list[str]
    decides: bool  # the last level decides; the others submit upward
    # Groups of alternatives, one item of each must be present (e.g. proof of CSTĐCS)
    required_any_of: list[list[str]] = field(default_factory=list)


@dataclass
class NominationInput:
    nomination_id: int
    award_code: str
    award_name: str
    rule_set_id: str
    nominee_name: str
    proposing_unit_id: int
    submitted_by: Actor
    dossier_items: list[str]  # item codes present at submission
    levels: list[LevelPlan]
    calendar: CalendarData
    reminder_working_days: list[int] = field(default_factory=lambda: [3, 0])
    # How often and how far a time limit may be extended: the rule set's value. A
    # nomination started before the value existed gets the catalogue's default.
    deadline_extensions: ExtensionRule = field(default_factory=ExtensionRule)


# ---- commands (Updates) -----------------------------------------------------------------


@dataclass
class ReviewCommand:
    """accept_dossier: the standing body finds the dossier complete."""

    actor: Actor
    note: str = ""


@dataclass
class ReturnCommand:
    actor: Actor
    missing_items: list[str]
    reason: str


@dataclass
class ResubmitCommand:
    actor: Actor
    added_items: list[str]
    note: str = ""


@dataclass
class ReasonCommand:
    """reject, withdraw, refuse: an actor and a written reason."""

    actor: Actor
    reason: str


@dataclass
class ObjectionCommand:
    """lodge_objection: a resident (no account) objects in writing during the notice."""

    objector_name: str
    objector_contact: str
    reason: str
    lodged_by_user_id: int | None = None


@dataclass
class ResolveObjectionCommand:
    actor: Actor
    objection_key: str
    outcome: ObjectionStatus  # DISMISSED or UPHELD
    reason: str


@dataclass
class ExtendCommand:
    actor: Actor
    working_days: int
    reason: str


@dataclass
class ReassignCommand:
    actor: Actor
    to_user_id: int
    to_user_name: str
    reason: str = ""


@dataclass
class CommandResult:
    """What every command answers: where the nomination stands afterwards."""

    stage: Stage
    level: Level
    stage_due_at: datetime | None = None
    message: str = ""
    objection_key: str = ""


# ---- signals from the council session and decision workflows ---------------------------


@dataclass
class AgendaPlacement:
    session_id: int
    session_workflow_id: str
    convened_by: ActedBy | None = None  # None from sessions opened before it was sent


@dataclass
class CouncilResult:
    session_id: int
    passed: bool
    inquorate: bool
    agree: int
    disagree: int
    abstain: int
    member_count: int
    threshold: str  # "≥ 80%"
    # Set (with ``inquorate``: nothing was decided) when the item was taken off the agenda
    # because it did not confirm its place in time: the nomination waits for a council again.
    removed_reason: str = ""


@dataclass
class DocumentPlacement:
    decision_id: int
    decision_workflow_id: str
    kind: DecisionKind
    drafted_by: ActedBy | None = None  # None from drafts made before it was sent


@dataclass
class DocumentIssued:
    decision_id: int
    kind: DecisionKind
    number_text: str
    document_id: int
    issued_on: date
    signed_by: ActedBy | None = None  # None from documents signed before it was sent


@dataclass
class DocumentWithdrawn:
    """The decision or submission was cancelled, or this nomination was removed from it."""

    decision_id: int
    reason: str
    # The person who removed it or cancelled the document; None when the decision
    # workflow did it by a rule (the reason cites it) or before it was sent.
    by: ActedBy | None = None


# The signals, by the names the nomination workflow's handlers carry.
PLACED_ON_AGENDA: SignalName[AgendaPlacement] = SignalName(
    NOMINATION_WORKFLOW, "placed_on_agenda", AgendaPlacement
)
COUNCIL_RESULT: SignalName[CouncilResult] = SignalName(
    NOMINATION_WORKFLOW, "council_result", CouncilResult
)
INCLUDED_IN_DOCUMENT: SignalName[DocumentPlacement] = SignalName(
    NOMINATION_WORKFLOW, "included_in_document", DocumentPlacement
)
DOCUMENT_ISSUED: SignalName[DocumentIssued] = SignalName(
    NOMINATION_WORKFLOW, "document_issued", DocumentIssued
)
DOCUMENT_WITHDRAWN: SignalName[DocumentWithdrawn] = SignalName(
    NOMINATION_WORKFLOW, "document_withdrawn", DocumentWithdrawn
)


# ---- the view ---------------------------------------------------------------------------


@dataclass
class ObjectionView:
    key: str
    objector_name: str
    reason: str
    lodged_at: datetime
    status: ObjectionStatus
    resolution: str = ""


@dataclass
class NominationStatus:
    nomination_id: int
    stage: Stage
    level: Level
    stage_due_at: datetime | None
    level_due_at: datetime | None
    waiting_on_role: Role | None
    waiting_on_unit_id: int | None
    assignee_user_id: int | None
    allowed_actions: list[str]
    objections: list[ObjectionView]
    returned_levels: list[Level]
    outcome_reason: str = ""
    decision_number: str = ""


# ---- the projection record (written by an activity on every change) -----------------------


@dataclass
class ObjectionRecord:
    key: str
    level: Level
    objector_name: str
    objector_contact: str
    reason: str
    lodged_at: datetime
    status: ObjectionStatus
    resolution: str = ""
    resolved_by_user_id: int | None = None
    resolved_at: datetime | None = None


@dataclass
class NominationChange:
    """One state change of a nomination: an audit event plus the projection after it.

    ``seq`` orders the changes of one workflow; the audit event key is
    ``f"{workflow_id}:{seq}"`` so a retried write is a no-op, and the projection is only
    written when ``seq`` is newer than the stored one."""

    nomination_id: int
    workflow_id: str
    seq: int
    action: str
    occurred_at: datetime
    level: Level
    from_stage: Stage | None
    to_stage: Stage
    actor_user_id: int | None = None
    actor_name: str = ""
    actor_role: str = ""
    reason: str = ""
    changes: dict[str, list[str]] = field(default_factory=dict)
    # projection fields
    authority_id: int = 0
    stage_due_at: datetime | None = None
    level_due_at: datetime | None = None
    waiting_on_role: Role | None = None
    waiting_on_unit_id: int | None = None
    escalated: bool = False
    council_session_id: int | None = None
    decision_id: int | None = None
    decision_number: str = ""
    outcome_reason: str = ""
    closed: bool = False
    objection: ObjectionRecord | None = None
    dossier_items_level: Level | None = None  # items added (resubmission) belong to this level
    assignee_user_id: int | None = None
    public_notice_until: datetime | None = None


@dataclass
class RevokeRecord:
    """The revocation of a granted award, written by the revocation workflow."""

    nomination_id: int
    workflow_id: str
    occurred_at: datetime
    actor_user_id: int
    actor_name: str
    reason: str
    legal_basis: str
    actor_role: str = "chairman"  # or vice_chairman: the head who revoked it

"""Inputs, commands and answers of the council session workflow (light module)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import ClassVar

from domain.calendar import CalendarData
from domain.thresholds import Threshold
from domain.vocabulary import BallotMode, Choice, ItemResult, Role, SessionStatus, VoteRule

from .contracts import Actor, SignalName

COUNCIL_SESSION_WORKFLOW = "CouncilSessionWorkflow"  # the workflow type these signals go to


def session_workflow_id(session_id: int) -> str:
    return f"council-session-{session_id}"


@dataclass
class MemberPlan:
    member_id: int  # council_members.id
    user_id: int
    name: str


@dataclass
class AgendaItemPlan:
    nomination_id: int
    nomination_workflow_id: str
    nominee_name: str
    award_name: str
    vote_rule: VoteRule
    threshold: Threshold
    recused_member_ids: list[int] = field(default_factory=list)


@dataclass
class SessionInput:
    session_id: int
    council_id: int
    authority_id: int
    authority_unit_id: int
    standing_unit_id: int
    title: str
    members: list[MemberPlan]
    items: list[AgendaItemPlan]
    quorum: Threshold
    closes_at: datetime
    convened_by: Actor
    calendar: CalendarData
    reminder_hours_before_close: int = 24
    # Whether absent members' written opinions count toward the quorum (a rule value of
    # the agenda's rule sets and the city override). False, the behaviour before the value
    # existed, for sessions started without it.
    quorum_counts_written_opinions: bool = False


# ---- who may act on a session (the workflow's validators and the API, before a session
# that has completed can answer): someone who could never do this gets 403 ------------------

MEMBERS_ONLY = (
    "Chỉ thành viên Hội đồng được bỏ phiếu",
    "only council members vote",
)
CLOSERS_ONLY = (
    "Chỉ cơ quan thường trực hoặc Chủ tịch được kết thúc phiên họp",
    "only the standing body or the chairman may close the session",
)


def may_close(actor: Actor, *, standing_unit_id: int, authority_unit_id: int) -> bool:
    return actor.has(Role.STANDING_OFFICER, standing_unit_id) or actor.has(
        Role.CHAIRMAN, authority_unit_id
    )


@dataclass
class AgendaAck:
    nomination_id: int
    accepted: bool
    reason: str = ""


# A nomination confirms (or declines) its place on the agenda.
AGENDA_ACK: SignalName[AgendaAck] = SignalName(COUNCIL_SESSION_WORKFLOW, "agenda_ack", AgendaAck)


@dataclass
class BallotSheet:
    """One member's ONE sheet for the whole agenda: a choice per item (by nomination id).
    Recused items must be left out; every other item needs a choice.

    Sealed: its payload is encrypted with a key the Temporal UI's codec endpoint does not
    hold (``thidua.codec``)."""

    SEALED: ClassVar[bool] = True

    actor: Actor
    mode: BallotMode
    choices: dict[str, Choice]  # str(nomination_id) → choice (JSON object keys are strings)
    written_opinion: str = ""


@dataclass
class BallotReceiptView:
    member_id: int
    mode: BallotMode
    cast_at: datetime


@dataclass
class CloseCommand:
    actor: Actor
    reason: str = ""


@dataclass
class ItemTally:
    nomination_id: int
    result: ItemResult
    agree: int
    disagree: int
    abstain: int
    threshold: str
    withdrawn: bool = False


@dataclass
class SessionStatusView:
    """What anyone may know about a session: who has voted, never how."""

    session_id: int
    status: SessionStatus
    closes_at: datetime
    member_count: int
    voted_member_ids: list[int]
    present_count: int
    written_count: int
    withdrawn_nomination_ids: list[int]
    tallies: list[ItemTally]  # filled once closed


@dataclass
class SessionChange:
    """Projection write for a session: receipts as they arrive, tallies at the close."""

    session_id: int
    workflow_id: str
    seq: int
    action: str  # opened | ballot_cast | item_withdrawn | agenda_unconfirmed | closed | inquorate
    occurred_at: datetime
    actor_user_id: int | None = None
    actor_name: str = ""
    status: SessionStatus = SessionStatus.OPEN
    receipt: BallotReceiptView | None = None
    present_count: int = 0
    written_count: int = 0
    tallies: list[ItemTally] = field(default_factory=list)
    withdrawn_nomination_id: int | None = None
    reason: str = ""
    actor_role: str = ""  # the office the actor acted in; "system" for a rule

"""Inputs, commands, signals and answers of the campaign and exemplar workflows.

Light module (dataclasses only), imported by the workflow sandbox, the activities and the
API. New fields always get defaults so that histories of running campaigns replay.
Both workflows live for years: each carries its own state (``CampaignState``,
``ExemplarState``) into the next run when it continues as new.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from domain.vocabulary import ExemplarStage, ExemplarSubjectKind

from .contracts import Actor

# The words a milestone assessment may use (đánh giá điển hình): kept short and stable,
# shown in Vietnamese by the pages.
EXEMPLAR_RATINGS: tuple[str, ...] = ("excellent", "good", "fair", "weak")
ON_DEMAND = "on_demand"  # the milestone code of an assessment asked for outside a milestone


def campaign_workflow_id(code: str) -> str:
    return f"campaign-{code}"


def exemplar_workflow_id(exemplar_id: int) -> str:
    return f"exemplar-{exemplar_id}"


# ---- the campaign -----------------------------------------------------------------------


@dataclass
class ContentAreaPlan:
    code: str
    title: str
    description: str = ""


@dataclass
class MilestonePlan:
    """A dated review (sơ kết, tổng kết). ``reached_at`` is set when the workflow held it."""

    code: str
    title: str
    due_on: date
    stage_position: int | None = None
    reached_at: datetime | None = None


@dataclass
class CycleDates:
    """The yearly cycle, as month-day strings ("01-15"), from ``models.Campaign``."""

    registration_opens: str = "01-15"
    registration_due: str = "03-31"
    household_review_due: str = "11-25"
    dossiers_due: str = "12-10"


@dataclass
class Amendment:
    """An audited change to a launched campaign."""

    seq: int
    kind: str  # content_area_added | milestone_moved
    at: datetime
    actor_user_id: int
    actor_name: str
    summary: str
    reason: str = ""


@dataclass
class CampaignState:
    """What one run hands to the next when the campaign continues as new."""

    year: int  # the campaign year this run drives
    launched_at: datetime  # steps dated before this moment were skipped, not fired
    seq: int = 0  # audit sequence, continued across runs
    run: int = 1
    years_done: list[int] = field(default_factory=list)
    done_steps: list[str] = field(default_factory=list)  # this year's steps fired or skipped
    skipped_steps: list[str] = field(default_factory=list)
    content_areas: list[ContentAreaPlan] = field(default_factory=list)
    milestones: list[MilestonePlan] = field(default_factory=list)
    amendments: list[Amendment] = field(default_factory=list)


@dataclass
class CampaignInput:
    campaign_id: int
    code: str
    name: str
    authority_id: int
    authority_unit_id: (
        int  # the people's committee (its chairman launches through the standing body)
    )
    standing_unit_id: int  # the standing body (cơ quan thường trực)
    start_year: int
    end_year: int
    cycle: CycleDates
    content_areas: list[ContentAreaPlan]
    milestones: list[MilestonePlan]
    launched_by: Actor
    # Reminders to units that have not registered, this many days before the due date.
    reminder_days_before: list[int] = field(default_factory=lambda: [14, 3])
    # The year-end review notices go out this many days before their due dates.
    review_notice_days_before: int = 14
    # Set by the workflow itself when it continues as new.
    state: CampaignState | None = None


@dataclass
class AddContentAreaCommand:
    actor: Actor
    code: str
    title: str
    description: str = ""


@dataclass
class MoveMilestoneCommand:
    actor: Actor
    milestone_code: str
    due_on: date
    reason: str


@dataclass
class CampaignStatus:
    campaign_id: int
    year: int
    run: int
    closed: bool
    # The year whose registration is open (the step has fired or was before the launch).
    registration_year: int | None
    years_done: list[int]
    done_steps: list[str]
    skipped_steps: list[str]
    next_step: str | None
    next_step_at: datetime | None
    content_areas: list[ContentAreaPlan]
    milestones: list[MilestonePlan]
    amendments: list[Amendment]


@dataclass
class CampaignOutcome:
    campaign_id: int
    years_done: list[int]
    runs: int
    amendments: int


@dataclass
class CampaignChange:
    """One audited change of a campaign, for the local projection activity."""

    campaign_id: int
    workflow_id: str
    seq: int
    action: str
    occurred_at: datetime
    actor_user_id: int | None = None
    actor_name: str = "Hệ thống"
    actor_role: str = "system"
    reason: str = ""
    changes: dict[str, list[str]] = field(default_factory=dict)
    status: str | None = None  # planned | running | closed, written to campaigns.status
    added_content_area: ContentAreaPlan | None = None
    moved_milestone: MilestonePlan | None = None


@dataclass
class UnitRef:
    unit_id: int
    name: str
    kind: str = ""


@dataclass
class WardUnitsInput:
    campaign_id: int
    residential_groups_only: bool = False


@dataclass
class UnregisteredInput:
    campaign_id: int
    year: int


@dataclass
class UnitList:
    units: list[UnitRef] = field(default_factory=list)


@dataclass
class MilestoneReportInput:
    campaign_id: int
    milestone_code: str
    title: str
    through_year: int
    reached_at: datetime
    key: str  # names the report document: one per key


@dataclass
class MilestoneReportResult:
    document_id: int
    registrations: int
    nominations: int
    awards: int
    exemplars: int
    adoptions: int


@dataclass
class ActiveExemplarsInput:
    campaign_id: int


@dataclass
class ActiveExemplars:
    workflow_ids: list[str] = field(default_factory=list)


# ---- the exemplar -----------------------------------------------------------------------


@dataclass
class ExemplarState:
    """What one run of an exemplar hands to the next."""

    stage: ExemplarStage = ExemplarStage.DISCOVERED
    seq: int = 0
    run: int = 1
    responsible_user_id: int | None = None
    responsible_name: str = ""
    support_plan: str = ""
    follow_up_every_days: int | None = None
    escalate_after_days: int = 7
    next_follow_up_due: datetime | None = None
    reminded_for: datetime | None = None  # the due moment already reminded
    escalated_for: datetime | None = None  # the due moment already escalated
    follow_ups: int = 0
    pending_milestones: list[str] = field(default_factory=list)  # assessments asked for
    assessed_milestones: list[str] = field(default_factory=list)
    adopted_unit_ids: list[int] = field(default_factory=list)
    published_at: datetime | None = None
    nomination_id: int | None = None
    dropped_reason: str = ""
    campaign_closed_at: datetime | None = None


@dataclass
class ExemplarInput:
    exemplar_id: int
    campaign_id: int
    campaign_name: str
    title: str
    subject_kind: ExemplarSubjectKind
    proposing_unit_id: int
    proposing_unit_name: str
    # The unit the exemplar's person, household or collective belongs to: its officers
    # may turn the model into a nomination. None for a good practice (no nominee).
    nominating_unit_id: int | None
    authority_id: int
    authority_unit_id: int
    standing_unit_id: int
    publisher_unit_id: int | None  # the public service centre, which publishes models
    escalation_user_id: int | None  # the head of the standing body; else the chairman
    proposed_by: Actor
    # After the campaign closes, late assessments and adoption reports are still taken
    # for this long; then the exemplar's workflow completes.
    closing_grace_days: int = 90
    state: ExemplarState | None = None


@dataclass
class NurtureCommand:
    actor: Actor
    support_plan: str
    responsible_user_id: int
    responsible_name: str
    follow_up_every_days: int
    escalate_after_days: int = 7


@dataclass
class FollowUpCommand:
    actor: Actor
    note: str


@dataclass
class SummarizeCommand:
    actor: Actor
    findings: str
    rating: str
    milestone_code: str = ""  # default: the milestone that asked, else on demand


@dataclass
class PublishCommand:
    actor: Actor
    note: str = ""


@dataclass
class AdoptionCommand:
    actor: Actor
    unit_id: int
    unit_name: str
    adopted_on: date | None = None  # default: today
    report: str = ""


@dataclass
class DropCommand:
    actor: Actor
    reason: str


@dataclass
class ProposeNominationCommand:
    actor: Actor
    award_code: str
    award_name: str
    rule_set_id: str
    year: int | None = None  # the achievement year; default: the current year
    attestations: list[str] = field(default_factory=list)
    dossier_items: list[str] = field(default_factory=list)  # declared item codes


@dataclass
class MilestoneReached:
    """Signal from the campaign: a milestone was held, assess the model."""

    milestone_code: str
    title: str
    reached_at: datetime
    report_document_id: int | None = None


@dataclass
class CampaignClosed:
    closed_at: datetime


@dataclass
class ExemplarResult:
    exemplar_id: int
    stage: ExemplarStage
    next_follow_up_due: datetime | None = None
    nomination_id: int | None = None


@dataclass
class ExemplarStatus:
    exemplar_id: int
    stage: ExemplarStage
    responsible_user_id: int | None
    next_follow_up_due: datetime | None
    follow_ups: int
    pending_milestones: list[str]
    assessed_milestones: list[str]
    adopted_unit_ids: list[int]
    nomination_id: int | None
    campaign_closed_at: datetime | None
    run: int


@dataclass
class FollowUpRecord:
    note: str
    recorded_at: datetime
    recorded_by_user_id: int


@dataclass
class AssessmentRecord:
    milestone_code: str
    findings: str
    rating: str
    assessed_at: datetime
    assessed_by_user_id: int


@dataclass
class AdoptionRecord:
    unit_id: int
    adopted_on: date
    report: str
    reported_by_user_id: int
    recorded_at: datetime


@dataclass
class ExemplarChange:
    """One audited change of an exemplar and its new projection values."""

    exemplar_id: int
    workflow_id: str
    seq: int
    action: str
    occurred_at: datetime
    from_stage: ExemplarStage | None
    to_stage: ExemplarStage
    actor_user_id: int | None = None
    actor_name: str = "Hệ thống"
    actor_role: str = "system"
    reason: str = ""
    changes: dict[str, list[str]] = field(default_factory=dict)
    responsible_user_id: int | None = None
    support_plan: str = ""
    follow_up_every_days: int | None = None
    next_follow_up_due: datetime | None = None
    dropped_reason: str = ""
    published_at: datetime | None = None
    nomination_id: int | None = None
    follow_up: FollowUpRecord | None = None
    assessment: AssessmentRecord | None = None
    adoption: AdoptionRecord | None = None


@dataclass
class DraftNominationInput:
    exemplar_id: int
    key: str  # one draft per key
    award_code: str
    rule_set_id: str
    year: int
    attestations: list[str]
    dossier_items: list[str]
    drafted_by_user_id: int


@dataclass
class DraftNominationResult:
    nomination_id: int

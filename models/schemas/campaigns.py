"""Schemas of campaigns (phong trào thi đua), registrations, exemplary models (điển hình
tiên tiến) and the campaign report."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from domain.vocabulary import ExemplarStage, ExemplarSubjectKind

from .common import ONE_LINE, DbId, Line, Page, RequiredText, Schema, ShortText, Text

Code = Annotated[
    str, StringConstraints(strip_whitespace=True, pattern=r"^[a-z0-9][a-z0-9_-]{1,63}$")
]
MonthDay = Annotated[str, StringConstraints(pattern=r"^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$")]
Year = Annotated[int, Field(ge=2000, le=2100)]
Rating = Literal["excellent", "good", "fair", "weak"]


# ---- campaigns --------------------------------------------------------------------------


class ContentAreaCreate(Schema):
    code: Code
    title: ShortText
    description: Text = ""


class StageCreate(Schema):
    position: Annotated[int, Field(ge=1, le=20)]
    name: ShortText
    motto: Text = ""
    focus: Text = ""
    start_year: Year
    end_year: Year


class MilestoneCreate(Schema):
    code: Code
    title: ShortText
    stage_position: Annotated[int, Field(ge=1, le=20)] | None = None
    due_on: date


class CampaignCreate(Schema):
    """Launch a campaign: the standing body of ``authority_id`` (default: the caller's)."""

    code: Code
    name: RequiredText
    theme: RequiredText
    plan_reference: Line = ""
    start_year: Year
    end_year: Year
    authority_id: DbId | None = None
    registration_opens: MonthDay = "01-15"
    registration_due: MonthDay = "03-31"
    household_review_due: MonthDay = "11-25"
    dossiers_due: MonthDay = "12-10"
    content_areas: list[ContentAreaCreate] = Field(min_length=1, max_length=30)
    stages: list[StageCreate] = Field(default_factory=list, max_length=10)
    milestones: list[MilestoneCreate] = Field(default_factory=list, max_length=20)


class MilestoneMove(Schema):
    due_on: date
    reason: RequiredText


class ContentAreaRead(Schema):
    code: str
    title: str
    description: str
    position: int


class StageRead(Schema):
    position: int
    name: str
    motto: str
    focus: str
    start_year: int
    end_year: int


class MilestoneRead(Schema):
    code: str
    title: str
    stage_position: int | None
    due_on: date
    reached_at: datetime | None
    report_document_id: int | None
    report_url: str | None = None


class AmendmentRead(Schema):
    seq: int
    kind: str
    at: datetime
    actor_user_id: int
    actor_name: str
    summary: str
    reason: str


class CampaignProgress(Schema):
    """What the campaign's workflow is doing now (None when it is not running)."""

    year: int
    run: int
    closed: bool
    registration_year: int | None
    years_done: list[int]
    next_step: str | None
    next_step_at: datetime | None
    skipped_steps: list[str]
    amendments: list[AmendmentRead]


class CampaignRead(Schema):
    id: int
    code: str
    name: str
    theme: str
    plan_reference: str
    authority_id: int
    start_year: int
    end_year: int
    status: str
    registration_opens: str
    registration_due: str
    household_review_due: str
    dossiers_due: str
    workflow_id: str
    launched_at: datetime | None


class CampaignDetail(CampaignRead):
    content_areas: list[ContentAreaRead]
    stages: list[StageRead]
    milestones: list[MilestoneRead]
    progress: CampaignProgress | None
    allowed_actions: list[str]


class CampaignPage(Page):
    items: list[CampaignRead]


# ---- registrations ------------------------------------------------------------------------


class RegistrationCreate(Schema):
    """A unit (no ``person_id``) or a person of the unit registers the titles they aim
    for (``target_awards``: award codes) and/or signs a pledge (giao ước thi đua)."""

    unit_id: DbId
    person_id: DbId | None = None
    year: Year | None = None  # default: the campaign's current year
    target_awards: list[ShortText] = Field(default_factory=list, max_length=10)
    content_area_codes: list[ShortText] = Field(default_factory=list, max_length=30)
    pledge: Text = ""


class RegistrationRead(Schema):
    id: int
    campaign_id: int
    year: int
    unit_id: int
    unit_name: str
    person_id: int | None
    person_name: str | None
    target_awards: list[str]
    content_area_codes: list[str]
    pledge: str
    registered_by_user_id: int
    registered_at: datetime


class RegistrationPage(Page):
    items: list[RegistrationRead]


# ---- exemplars ------------------------------------------------------------------------------


class ExemplarCreate(Schema):
    """Propose (discover) an exemplary model with its evidence. The subject: ``person_id``
    for a person, ``collective_id`` for a collective, ``household_id`` for a household,
    ``residential_group_id`` (a unit) for a residential group, none for a good practice."""

    title: ShortText
    description: Text = ""
    subject_kind: ExemplarSubjectKind
    person_id: DbId | None = None
    collective_id: DbId | None = None
    household_id: DbId | None = None
    residential_group_id: DbId | None = None
    content_area_code: ShortText | None = None
    proposing_unit_id: DbId
    evidence: RequiredText


class NurtureCreate(Schema):
    support_plan: RequiredText
    responsible_user_id: DbId
    follow_up_every_days: Annotated[int, Field(ge=1, le=366)]
    escalate_after_days: Annotated[int, Field(ge=1, le=365)] = 7


class FollowUpCreate(Schema):
    note: RequiredText


class SummarizeCreate(Schema):
    findings: RequiredText
    rating: Rating
    milestone_code: Annotated[
        str, StringConstraints(strip_whitespace=True, max_length=64), ONE_LINE
    ] = ""


class PublishCreate(Schema):
    note: Text = ""


class AdoptionCreate(Schema):
    unit_id: DbId
    adopted_on: date | None = None  # default: today (the campaign's clock)
    report: Text = ""


class DropCreate(Schema):
    reason: RequiredText


class ExemplarNominationCreate(Schema):
    """Turn the summarized model into a DRAFT nomination of its nominee; the unit then
    submits it through ``POST /api/v1/nominations/{id}/submit``."""

    award_code: ShortText
    year: Year | None = None  # the achievement year; default: the current year
    attestations: list[ShortText] = Field(default_factory=list, max_length=20)
    dossier_items: list[ShortText] = Field(default_factory=list, max_length=50)


class FollowUpRead(Schema):
    recorded_at: datetime
    recorded_by_user_id: int
    note: str


class AssessmentRead(Schema):
    milestone_code: str
    findings: str
    rating: str
    assessed_by_user_id: int
    assessed_at: datetime


class AdoptionRead(Schema):
    unit_id: int
    unit_name: str
    adopted_on: date
    report: str
    reported_by_user_id: int
    recorded_at: datetime


class ExemplarRead(Schema):
    id: int
    campaign_id: int
    title: str
    description: str
    subject_kind: ExemplarSubjectKind
    subject_name: str | None
    person_id: int | None
    collective_id: int | None
    household_id: int | None
    content_area_code: str | None
    proposing_unit_id: int
    proposing_unit_name: str
    evidence: str
    stage: ExemplarStage
    responsible_user_id: int | None
    support_plan: str
    follow_up_every_days: int | None
    next_follow_up_due: datetime | None
    dropped_reason: str
    published_at: datetime | None
    nomination_id: int | None
    adoptions: int
    workflow_id: str
    created_at: datetime


class ExemplarDetail(ExemplarRead):
    follow_ups: list[FollowUpRead]
    assessments: list[AssessmentRead]
    adoption_reports: list[AdoptionRead]
    pending_milestones: list[str]  # milestones that asked for an assessment not given yet
    allowed_actions: list[str]


class ExemplarPage(Page):
    items: list[ExemplarRead]


class ExemplarCommandRead(Schema):
    exemplar_id: int
    stage: ExemplarStage
    next_follow_up_due: datetime | None
    nomination_id: int | None


# ---- the report -----------------------------------------------------------------------------


class FigureRowRead(Schema):
    key: str
    name: str
    registrations: int
    nominations: int
    awards: int


class ExemplarFigureRead(Schema):
    exemplar_id: int
    title: str
    unit_name: str
    content_area_code: str | None
    stage: ExemplarStage
    adoptions: int


class CampaignReportRead(Schema):
    campaign_id: int
    code: str
    name: str
    theme: str
    start_year: int
    through_year: int
    registrations: int
    nominations: int
    awards: int
    by_content_area: list[FigureRowRead]
    by_unit: list[FigureRowRead]
    exemplars_by_stage: dict[str, int]
    adoptions: int
    exemplars: list[ExemplarFigureRead]


class ReportCreate(Schema):
    through_year: Year | None = None
    title: Line = ""


class ReportDocumentRead(Schema):
    document_id: int
    title: str
    pdf_url: str
    report: CampaignReportRead

"""Campaigns (phong trào thi đua), for the JSON routes and the pages alike: the plan
(created, launched: its workflow starts), read with what the workflow is doing now, amended
(a content area added, a milestone moved: updates of the workflow), the yearly cycle's
dates as the pages show them, and the report (figures, and the PDF document).

Registrations are in ``registrations.py``, exemplary models in ``exemplars.py``."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from temporalio.client import Client
from temporalio.exceptions import WorkflowAlreadyStartedError

from activities.campaign_report import store_campaign_report
from domain.vocabulary import Role
from models import Campaign, CampaignStage, ContentArea, Milestone, Unit
from models.campaign_report import gather_campaign_report
from models.campaigns import ward_units_of
from models.schemas.campaigns import (
    AmendmentRead,
    CampaignCreate,
    CampaignDetail,
    CampaignPage,
    CampaignProgress,
    CampaignRead,
    CampaignReportRead,
    ContentAreaCreate,
    ContentAreaRead,
    MilestoneMove,
    MilestoneRead,
    ReportCreate,
    ReportDocumentRead,
    StageRead,
)
from thidua.files import FileStore
from workflows.campaign import CampaignWorkflow
from workflows.campaign_types import (
    AddContentAreaCommand,
    CampaignStatus,
    MoveMilestoneCommand,
    campaign_workflow_id,
)

from ..errors import Conflict, Forbidden, InvalidInput, NotFound, ServiceUnavailable, WrongStage
from ..principal import Principal
from ..queries import campaigns as queries
from ..state import AppState
from ..temporal_calls import execute_update
from .council import standing_authority
from .plans import campaign_input

REPORT_ROLES = (Role.STANDING_OFFICER, Role.CHAIRMAN, Role.VICE_CHAIRMAN, Role.AUDITOR)


# ---- campaigns ----------------------------------------------------------------------------


async def get_campaign(session: AsyncSession, campaign_id: int) -> Campaign:
    """Campaigns are the ward's public plan: any signed-in person may read them."""
    campaign = await session.get(Campaign, campaign_id)
    if campaign is None:
        raise NotFound("Không có phong trào thi đua này", "no such campaign")
    return campaign


def is_standing(principal: Principal, campaign: Campaign) -> bool:
    return principal.actor.acts_for(Role.STANDING_OFFICER, campaign.authority_id)


def require_running(campaign: Campaign) -> None:
    if campaign.status != "running":
        raise WrongStage(
            campaign.status,
            f"Phong trào đang ở trạng thái {campaign.status}",
            f"the campaign is {campaign.status}",
        )


async def create_campaign(
    session: AsyncSession, *, principal: Principal, data: CampaignCreate
) -> Campaign:
    authority_id = standing_authority(principal, data.authority_id)
    if data.end_year < data.start_year or data.end_year - data.start_year > 10:
        raise InvalidInput(
            "end_year",
            "Năm kết thúc phải từ năm bắt đầu, tối đa 10 năm",
            "the end year must follow the start year, within 10 years",
        )
    if data.registration_due <= data.registration_opens:
        raise InvalidInput(
            "registration_due",
            "Hạn đăng ký phải sau ngày mở đăng ký",
            "registration must be due after it opens",
        )
    years = range(data.start_year, data.end_year + 1)
    _unique([a.code for a in data.content_areas], "content_areas", "code")
    _unique([s.position for s in data.stages], "stages", "position")
    _unique([m.code for m in data.milestones], "milestones", "code")
    for index, stage in enumerate(data.stages):
        if (
            stage.start_year not in years
            or stage.end_year not in years
            or stage.end_year < stage.start_year
        ):
            raise InvalidInput(
                f"stages.{index}.start_year",
                "Chặng phải nằm trong giai đoạn",
                "the stage must fall within the campaign",
            )
    positions = {s.position for s in data.stages}
    for index, milestone in enumerate(data.milestones):
        if milestone.due_on.year not in years:
            raise InvalidInput(
                f"milestones.{index}.due_on",
                "Mốc phải nằm trong giai đoạn",
                "the milestone must fall within the campaign",
            )
        if milestone.stage_position is not None and milestone.stage_position not in positions:
            raise InvalidInput(
                f"milestones.{index}.stage_position", "Không có chặng này", "no such stage"
            )
    if await queries.code_taken(session, code=data.code):
        raise Conflict(
            f"Đã có phong trào mã '{data.code}'", f"campaign '{data.code}' exists", field="code"
        )
    campaign = Campaign(
        code=data.code,
        authority_id=authority_id,
        name=data.name,
        theme=data.theme,
        plan_reference=data.plan_reference,
        start_year=data.start_year,
        end_year=data.end_year,
        status="planned",
        registration_opens=data.registration_opens,
        registration_due=data.registration_due,
        household_review_due=data.household_review_due,
        dossiers_due=data.dossiers_due,
        launched_by_user_id=principal.user_id,
    )
    session.add(campaign)
    await session.flush()
    for position, area in enumerate(data.content_areas, start=1):
        session.add(
            ContentArea(
                campaign_id=campaign.id,
                code=area.code,
                title=area.title,
                description=area.description,
                position=position,
            )
        )
    for stage in data.stages:
        session.add(
            CampaignStage(
                campaign_id=campaign.id,
                position=stage.position,
                name=stage.name,
                motto=stage.motto,
                focus=stage.focus,
                start_year=stage.start_year,
                end_year=stage.end_year,
            )
        )
    for milestone in data.milestones:
        session.add(
            Milestone(
                campaign_id=campaign.id,
                code=milestone.code,
                title=milestone.title,
                stage_position=milestone.stage_position,
                due_on=milestone.due_on,
            )
        )
    await session.flush()
    return campaign


def _unique(values: list[Any], collection: str, field: str) -> None:
    seen: set[Any] = set()
    for index, value in enumerate(values):
        if value in seen:
            raise InvalidInput(
                f"{collection}.{index}.{field}", f"'{value}' bị lặp", f"'{value}' appears twice"
            )
        seen.add(value)


async def launch(
    session: AsyncSession,
    temporal: Client,
    task_queue: str,
    *,
    principal: Principal,
    campaign: Campaign,
    now: datetime,
) -> None:
    """Start the campaign's workflow (after committing its rows)."""
    if not is_standing(principal, campaign):
        raise Forbidden()
    if campaign.status != "planned":
        raise WrongStage(
            campaign.status, "Phong trào đã được phát động", "the campaign was already launched"
        )
    workflow_input = await campaign_input(session, campaign=campaign, launched_by=principal.actor)
    campaign.status = "running"
    campaign.workflow_id = campaign_workflow_id(campaign.code)
    campaign.launched_by_user_id = principal.user_id
    campaign.launched_at = now
    await session.commit()
    try:
        await temporal.start_workflow(
            CampaignWorkflow.run, workflow_input, id=campaign.workflow_id, task_queue=task_queue
        )
    except WorkflowAlreadyStartedError:
        raise Conflict("Phong trào đã được phát động", "the campaign is already running") from None
    except Exception as exc:
        campaign.status = "planned"
        campaign.launched_at = None
        await session.commit()
        raise ServiceUnavailable(
            "Chưa phát động được: máy chủ quy trình chưa sẵn sàng (phong trào được lưu ở trạng thái dự kiến)",
            f"could not start the campaign workflow (saved as planned): {exc}",
        ) from exc


async def launch_campaign(
    session: AsyncSession,
    temporal: Client,
    task_queue: str,
    *,
    principal: Principal,
    campaign_id: int,
    now: datetime,
) -> CampaignDetail:
    """Launch a planned campaign (one prepared beforehand, like the seeded plan)."""
    campaign = await get_campaign(session, campaign_id)
    await launch(session, temporal, task_queue, principal=principal, campaign=campaign, now=now)
    return await campaign_detail(session, temporal, principal, campaign)


async def launch_new_campaign(
    session: AsyncSession,
    temporal: Client,
    task_queue: str,
    *,
    principal: Principal,
    data: CampaignCreate,
    now: datetime,
) -> CampaignDetail:
    """Write the plan and launch it at once."""
    campaign = await create_campaign(session, principal=principal, data=data)
    await launch(session, temporal, task_queue, principal=principal, campaign=campaign, now=now)
    return await campaign_detail(session, temporal, principal, campaign)


async def progress(temporal: Client, campaign: Campaign) -> CampaignStatus | None:
    if not campaign.workflow_id:
        return None
    try:
        return await temporal.get_workflow_handle(campaign.workflow_id).query(
            CampaignWorkflow.status
        )
    except Exception:  # not started yet, or Temporal unavailable: the page still shows the plan
        return None


def campaign_read(campaign: Campaign) -> CampaignRead:
    return CampaignRead.model_validate(campaign, from_attributes=True)


async def campaign_detail(
    session: AsyncSession, temporal: Client, principal: Principal, campaign: Campaign
) -> CampaignDetail:
    # Ask the workflow first, before this session holds SQLite's write lock: the workflow
    # may be writing its own projection right now and answer only once that is done.
    status = await progress(temporal, campaign) if campaign.status == "running" else None
    areas = await queries.content_areas(session, campaign_id=campaign.id)
    stages = await queries.stages(session, campaign_id=campaign.id)
    milestones = await queries.milestones(session, campaign_id=campaign.id)
    actions: list[str] = ["report"]
    if is_standing(principal, campaign):
        actions += ["launch"] if campaign.status == "planned" else []
        actions += ["amend", "propose_exemplar"] if campaign.status == "running" else []
        actions += ["report_document"]
    elif principal.unit_ids(Role.UNIT_OFFICER) and campaign.status == "running":
        actions += ["register", "propose_exemplar"]
    return CampaignDetail(
        **campaign_read(campaign).model_dump(),
        content_areas=[ContentAreaRead.model_validate(a) for a in areas],
        stages=[StageRead.model_validate(s) for s in stages],
        milestones=[
            MilestoneRead(
                code=m.code,
                title=m.title,
                stage_position=m.stage_position,
                due_on=m.due_on,
                reached_at=m.reached_at,
                report_document_id=m.report_document_id,
                report_url=f"/api/v1/documents/{m.report_document_id}/pdf"
                if m.report_document_id
                else None,
            )
            for m in milestones
        ],
        progress=CampaignProgress(
            year=status.year,
            run=status.run,
            closed=status.closed,
            registration_year=status.registration_year,
            years_done=status.years_done,
            next_step=status.next_step,
            next_step_at=status.next_step_at,
            skipped_steps=status.skipped_steps,
            amendments=[
                AmendmentRead.model_validate(a, from_attributes=True) for a in status.amendments
            ],
        )
        if status
        else None,
        allowed_actions=actions,
    )


async def campaigns_page(session: AsyncSession, *, page: int, page_size: int) -> CampaignPage:
    total, rows = await queries.campaigns_page(session, page=page, page_size=page_size)
    return CampaignPage(
        total=total, page=page, page_size=page_size, items=[campaign_read(c) for c in rows]
    )


async def officer_units(
    session: AsyncSession, *, principal: Principal, campaign: Campaign
) -> list[Unit]:
    """The ward units this person is a unit officer of, in the ward's order."""
    mine = principal.unit_ids(Role.UNIT_OFFICER)
    return [u for u in await ward_units_of(session, campaign) if u.id in mine]


# ---- amendments ---------------------------------------------------------------------------


async def add_content_area(
    session: AsyncSession,
    temporal: Client,
    *,
    principal: Principal,
    campaign_id: int,
    data: ContentAreaCreate,
) -> CampaignDetail:
    """Amend the campaign: add a content area (the workflow audits and writes it)."""
    campaign = await _amendable(session, principal, campaign_id)
    await execute_update(
        temporal.get_workflow_handle(campaign.workflow_id),
        CampaignWorkflow.add_content_area,
        AddContentAreaCommand(
            actor=principal.actor, code=data.code, title=data.title, description=data.description
        ),
        current_stage=campaign.status,
    )
    return await _fresh_detail(session, temporal, principal, campaign_id)


async def move_milestone(
    session: AsyncSession,
    temporal: Client,
    *,
    principal: Principal,
    campaign_id: int,
    milestone_code: str,
    data: MilestoneMove,
) -> CampaignDetail:
    """Amend the campaign: move a milestone to another date, with the reason (audited)."""
    campaign = await _amendable(session, principal, campaign_id)
    await execute_update(
        temporal.get_workflow_handle(campaign.workflow_id),
        CampaignWorkflow.move_milestone,
        MoveMilestoneCommand(
            actor=principal.actor,
            milestone_code=milestone_code,
            due_on=data.due_on,
            reason=data.reason,
        ),
        current_stage=campaign.status,
    )
    return await _fresh_detail(session, temporal, principal, campaign_id)


async def _amendable(session: AsyncSession, principal: Principal, campaign_id: int) -> Campaign:
    campaign = await get_campaign(session, campaign_id)
    if not is_standing(principal, campaign):
        raise Forbidden()
    require_running(campaign)
    return campaign


async def _fresh_detail(
    session: AsyncSession, temporal: Client, principal: Principal, campaign_id: int
) -> CampaignDetail:
    """The detail as the workflow's projection wrote it (a new read transaction)."""
    await session.rollback()
    campaign = await get_campaign(session, campaign_id)
    return await campaign_detail(session, temporal, principal, campaign)


# ---- the yearly cycle -----------------------------------------------------------------------


def cycle_day(year: int, month_day: str) -> date | None:
    """A cycle date ("11-25") in ``year``; 29 February falls back to the 28th."""
    try:
        month, day = (int(part) for part in month_day.split("-"))
        try:
            return date(year, month, day)
        except ValueError:
            return date(year, month, 28)
    except ValueError:
        return None


def cycle_year(campaign: Campaign, status: CampaignStatus | None, today: date) -> int:
    """The year the pages show: the one the workflow registers for (or is in), else this
    year within the campaign's."""
    if status is not None:
        return status.registration_year or status.year
    return min(max(today.year, campaign.start_year), campaign.end_year)


# ---- the report -----------------------------------------------------------------------------


def may_generate_report(principal: Principal, campaign: Campaign) -> bool:
    return principal.sees_all or campaign.authority_id in (
        principal.authority_ids(*REPORT_ROLES) | principal.admin_authority_ids
    )


async def campaign_report(
    session: AsyncSession, *, campaign_id: int, through_year: int | None
) -> CampaignReportRead:
    """The figures up to the end of ``through_year`` (default: all); anyone signed in."""
    await get_campaign(session, campaign_id)
    report = await gather_campaign_report(session, campaign_id, through_year=through_year)
    return CampaignReportRead.model_validate(report, from_attributes=True)


async def generate_report(
    session: AsyncSession,
    state: AppState,
    *,
    principal: Principal,
    campaign_id: int,
    data: ReportCreate,
) -> ReportDocumentRead:
    """The report as a stored PDF document, for the standing body, the leaders and auditors
    of the campaign's authority (the document is written in its own transaction)."""
    campaign = await get_campaign(session, campaign_id)
    if not may_generate_report(principal, campaign):
        raise Forbidden()
    through = data.through_year or campaign.end_year
    if not campaign.start_year <= through <= campaign.end_year:
        raise InvalidInput(
            "through_year",
            f"Năm phải trong giai đoạn {campaign.start_year} - {campaign.end_year}",
            f"the year must be within {campaign.start_year}–{campaign.end_year}",
        )
    title = data.title or f"kết quả phong trào thi đua đến hết năm {through}"
    stored = await store_campaign_report(
        state.writer,
        FileStore(state.settings.files_dir),
        campaign.id,
        key=f"campaign-{campaign.id}:report:{uuid.uuid4().hex}",
        title=title,
        through_year=through,
        dated=state.clock.now(),
    )
    return ReportDocumentRead(
        document_id=stored.document_id,
        title=f"Báo cáo {title}",
        pdf_url=f"/api/v1/documents/{stored.document_id}/pdf",
        report=CampaignReportRead.model_validate(stored.report, from_attributes=True),
    )

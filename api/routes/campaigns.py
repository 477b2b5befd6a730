"""The emulation campaign and its exemplary models: launch, amend, register, propose an
exemplar and take it through nurture, summary, publication, adoption (or drop it), turn
it into a nomination, and the campaign report (JSON and PDF)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy import func, select
from temporalio.exceptions import WorkflowAlreadyStartedError

from activities.campaign import NOMINEE_KIND, gather_campaign_report, store_campaign_report
from domain.vocabulary import ExemplarStage
from models import Campaign, Exemplar, Registration
from models.schemas.campaigns import (
    AdoptionCreate,
    CampaignCreate,
    CampaignDetail,
    CampaignPage,
    CampaignReportRead,
    ContentAreaCreate,
    DropCreate,
    ExemplarCommandRead,
    ExemplarCreate,
    ExemplarDetail,
    ExemplarNominationCreate,
    ExemplarPage,
    FollowUpCreate,
    MilestoneMove,
    NurtureCreate,
    PublishCreate,
    RegistrationCreate,
    RegistrationPage,
    RegistrationRead,
    ReportCreate,
    ReportDocumentRead,
    SummarizeCreate,
)
from models.schemas.common import DbId
from thidua.files import FileStore
from workflows.campaign import CampaignWorkflow
from workflows.campaign_types import (
    AddContentAreaCommand,
    AdoptionCommand,
    DropCommand,
    FollowUpCommand,
    MoveMilestoneCommand,
    NurtureCommand,
    ProposeNominationCommand,
    PublishCommand,
    SummarizeCommand,
)
from workflows.exemplar import ExemplarWorkflow

from ..deps import CurrentUser, ReadSessionDep, SessionDep, StateDep, TemporalDep
from ..errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    ServiceUnavailable,
    Unauthorized,
    WrongStage,
    error_responses,
)
from ..services import campaigns as service
from ..temporal_calls import execute_update

router = APIRouter(prefix="/api/v1", tags=["campaigns"])

COMMAND_ERRORS = error_responses(Unauthorized, Forbidden, NotFound, WrongStage, InvalidInput)


# ---- campaigns ------------------------------------------------------------------------------


@router.post(
    "/campaigns",
    response_model=CampaignDetail,
    status_code=201,
    responses=error_responses(Unauthorized, Forbidden, InvalidInput, Conflict, ServiceUnavailable),
)
async def launch_new_campaign(
    body: CampaignCreate,
    user: CurrentUser,
    session: SessionDep,
    state: StateDep,
    temporal: TemporalDep,
) -> CampaignDetail:
    """The standing body launches a campaign with its theme, content areas, stages and
    milestones; its workflow starts at once."""
    campaign = await service.create_campaign(session, principal=user, data=body)
    await service.launch(
        session,
        temporal,
        state.settings.task_queue,
        principal=user,
        campaign=campaign,
        now=state.clock.now(),
    )
    return await service.campaign_detail(session, temporal, user, campaign)


@router.post(
    "/campaigns/{campaign_id}/launch",
    response_model=CampaignDetail,
    responses=error_responses(Unauthorized, Forbidden, NotFound, WrongStage, ServiceUnavailable),
)
async def launch_campaign(
    campaign_id: DbId,
    user: CurrentUser,
    session: SessionDep,
    state: StateDep,
    temporal: TemporalDep,
) -> CampaignDetail:
    """Launch a planned campaign (one prepared beforehand, like the seeded plan)."""
    campaign = await service.get_campaign(session, campaign_id)
    await service.launch(
        session,
        temporal,
        state.settings.task_queue,
        principal=user,
        campaign=campaign,
        now=state.clock.now(),
    )
    return await service.campaign_detail(session, temporal, user, campaign)


@router.get("/campaigns", response_model=CampaignPage, responses=error_responses(Unauthorized))
async def list_campaigns(
    _user: CurrentUser,
    session: ReadSessionDep,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=100)] = 20,
) -> CampaignPage:
    total = (await session.execute(select(func.count()).select_from(Campaign))).scalar_one()
    rows = (
        (
            await session.execute(
                select(Campaign)
                .order_by(Campaign.start_year.desc(), Campaign.id.desc())
                .offset((page - 1) * page_size)
                .limit(page_size)
            )
        )
        .scalars()
        .all()
    )
    return CampaignPage(
        total=total, page=page, page_size=page_size, items=[service.campaign_read(c) for c in rows]
    )


@router.get(
    "/campaigns/{campaign_id}",
    response_model=CampaignDetail,
    responses=error_responses(Unauthorized, NotFound),
)
async def get_campaign(
    campaign_id: DbId, user: CurrentUser, session: ReadSessionDep, temporal: TemporalDep
) -> CampaignDetail:
    """The plan, its milestones (with their reports), and what the workflow does now."""
    campaign = await service.get_campaign(session, campaign_id)
    return await service.campaign_detail(session, temporal, user, campaign)


@router.post(
    "/campaigns/{campaign_id}/content-areas",
    response_model=CampaignDetail,
    responses=COMMAND_ERRORS,
)
async def add_content_area(
    campaign_id: DbId,
    body: ContentAreaCreate,
    user: CurrentUser,
    session: ReadSessionDep,
    temporal: TemporalDep,
) -> CampaignDetail:
    """Amend the campaign: add a content area (audited)."""
    campaign = await _amendable(session, user, campaign_id)
    await execute_update(
        temporal.get_workflow_handle(campaign.workflow_id),
        CampaignWorkflow.add_content_area,
        AddContentAreaCommand(
            actor=user.actor, code=body.code, title=body.title, description=body.description
        ),
        current_stage=campaign.status,
    )
    return await _fresh_detail(session, temporal, user, campaign_id)


@router.post(
    "/campaigns/{campaign_id}/milestones/{milestone_code}/move",
    response_model=CampaignDetail,
    responses=COMMAND_ERRORS,
)
async def move_milestone(
    campaign_id: DbId,
    milestone_code: str,
    body: MilestoneMove,
    user: CurrentUser,
    session: ReadSessionDep,
    temporal: TemporalDep,
) -> CampaignDetail:
    """Amend the campaign: move a milestone to another date, with the reason (audited)."""
    campaign = await _amendable(session, user, campaign_id)
    await execute_update(
        temporal.get_workflow_handle(campaign.workflow_id),
        CampaignWorkflow.move_milestone,
        MoveMilestoneCommand(
            actor=user.actor, milestone_code=milestone_code, due_on=body.due_on, reason=body.reason
        ),
        current_stage=campaign.status,
    )
    return await _fresh_detail(session, temporal, user, campaign_id)


async def _fresh_detail(session, temporal, user, campaign_id: int) -> CampaignDetail:
    """The detail as the workflow's projection wrote it (a new read transaction)."""
    await session.rollback()
    campaign = await service.get_campaign(session, campaign_id)
    return await service.campaign_detail(session, temporal, user, campaign)


async def _amendable(session, user, campaign_id: int) -> Campaign:
    campaign = await service.get_campaign(session, campaign_id)
    if not service.is_standing(user, campaign):
        raise Forbidden()
    service.require_running(campaign)
    return campaign


# ---- registrations ----------------------------------------------------------------------------


@router.post(
    "/campaigns/{campaign_id}/registrations",
    response_model=RegistrationRead,
    status_code=201,
    responses=error_responses(
        Unauthorized, Forbidden, NotFound, WrongStage, InvalidInput, Conflict
    ),
)
async def register(
    campaign_id: DbId,
    body: RegistrationCreate,
    user: CurrentUser,
    session: ReadSessionDep,
    state: StateDep,
    temporal: TemporalDep,
) -> RegistrationRead:
    """A unit, or a person of the unit, registers the titles aimed for this year or signs
    a pledge (officers of that unit). Once per unit or person and year."""
    campaign = await service.get_campaign(session, campaign_id)
    registration = await service.register(
        session, temporal, state, principal=user, campaign=campaign, data=body
    )
    return await service.registration_read(session, registration)


@router.get(
    "/campaigns/{campaign_id}/registrations",
    response_model=RegistrationPage,
    responses=error_responses(Unauthorized, NotFound),
)
async def list_registrations(
    campaign_id: DbId,
    _user: CurrentUser,
    session: ReadSessionDep,
    year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
    unit_id: DbId | None = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=200)] = 50,
) -> RegistrationPage:
    await service.get_campaign(session, campaign_id)
    conditions = [Registration.campaign_id == campaign_id]
    if year is not None:
        conditions.append(Registration.year == year)
    if unit_id is not None:
        conditions.append(Registration.unit_id == unit_id)
    total = (await session.execute(select(func.count()).where(*conditions))).scalar_one()
    rows = (
        (
            await session.execute(
                select(Registration)
                .where(*conditions)
                .order_by(Registration.year, Registration.id)
                .offset((page - 1) * page_size)
                .limit(page_size)
            )
        )
        .scalars()
        .all()
    )
    return RegistrationPage(
        total=total,
        page=page,
        page_size=page_size,
        items=[await service.registration_read(session, r) for r in rows],
    )


# ---- exemplars ----------------------------------------------------------------------------------


@router.post(
    "/campaigns/{campaign_id}/exemplars",
    response_model=ExemplarDetail,
    status_code=201,
    responses=error_responses(
        Unauthorized, Forbidden, NotFound, WrongStage, InvalidInput, ServiceUnavailable
    ),
)
async def propose_exemplar(
    campaign_id: DbId,
    body: ExemplarCreate,
    user: CurrentUser,
    session: SessionDep,
    state: StateDep,
    temporal: TemporalDep,
) -> ExemplarDetail:
    """Discover an exemplary model (a unit for its own people, households and practices;
    the standing body for any in the ward), with its evidence."""
    campaign = await service.get_campaign(session, campaign_id)
    exemplar, workflow_input = await service.propose_exemplar(
        session, principal=user, campaign=campaign, data=body
    )
    await session.commit()  # the workflow writes to the row
    try:
        await temporal.start_workflow(
            ExemplarWorkflow.run,
            workflow_input,
            id=exemplar.workflow_id,
            task_queue=state.settings.task_queue,
        )
    except WorkflowAlreadyStartedError:
        raise Conflict("Điển hình đã được ghi nhận", "the exemplar already exists") from None
    except Exception as exc:
        await session.delete(exemplar)
        await session.commit()
        raise ServiceUnavailable(
            "Không ghi nhận được điển hình: máy chủ quy trình chưa sẵn sàng",
            f"could not start the exemplar workflow: {exc}",
        ) from exc
    return await service.exemplar_detail(session, user, exemplar)


@router.get(
    "/campaigns/{campaign_id}/exemplars",
    response_model=ExemplarPage,
    responses=error_responses(Unauthorized, NotFound),
)
async def list_exemplars(
    campaign_id: DbId,
    _user: CurrentUser,
    session: ReadSessionDep,
    stage: ExemplarStage | None = None,
    unit_id: DbId | None = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=200)] = 50,
) -> ExemplarPage:
    await service.get_campaign(session, campaign_id)
    conditions = [Exemplar.campaign_id == campaign_id]
    if stage is not None:
        conditions.append(Exemplar.stage == stage)
    if unit_id is not None:
        conditions.append(Exemplar.proposing_unit_id == unit_id)
    total = (await session.execute(select(func.count()).where(*conditions))).scalar_one()
    rows = (
        (
            await session.execute(
                select(Exemplar)
                .where(*conditions)
                .order_by(Exemplar.id)
                .offset((page - 1) * page_size)
                .limit(page_size)
            )
        )
        .scalars()
        .all()
    )
    return ExemplarPage(
        total=total,
        page=page,
        page_size=page_size,
        items=[await service.exemplar_read(session, e) for e in rows],
    )


@router.get(
    "/exemplars/{exemplar_id}",
    response_model=ExemplarDetail,
    responses=error_responses(Unauthorized, NotFound),
)
async def get_exemplar(
    exemplar_id: DbId, user: CurrentUser, session: ReadSessionDep
) -> ExemplarDetail:
    """The model, its follow-ups, assessments, adoptions and the actions open to you."""
    exemplar = await service.get_exemplar(session, exemplar_id)
    return await service.exemplar_detail(session, user, exemplar)


@router.post(
    "/exemplars/{exemplar_id}/nurture", response_model=ExemplarCommandRead, responses=COMMAND_ERRORS
)
async def nurture(
    exemplar_id: DbId,
    body: NurtureCreate,
    user: CurrentUser,
    session: ReadSessionDep,
    temporal: TemporalDep,
) -> ExemplarCommandRead:
    """Nurture the model: a support plan, a responsible officer and the follow-up interval
    (or revise them)."""
    exemplar = await service.get_exemplar(session, exemplar_id)
    responsible = await service.responsible_user(session, body.responsible_user_id)
    return await service.run_exemplar_command(
        temporal,
        exemplar,
        ExemplarWorkflow.nurture,
        NurtureCommand(
            actor=user.actor,
            support_plan=body.support_plan,
            responsible_user_id=responsible.id,
            responsible_name=responsible.full_name,
            follow_up_every_days=body.follow_up_every_days,
            escalate_after_days=body.escalate_after_days,
        ),
    )


@router.post(
    "/exemplars/{exemplar_id}/follow-ups",
    response_model=ExemplarCommandRead,
    responses=COMMAND_ERRORS,
)
async def record_follow_up(
    exemplar_id: DbId,
    body: FollowUpCreate,
    user: CurrentUser,
    session: ReadSessionDep,
    temporal: TemporalDep,
) -> ExemplarCommandRead:
    """Record a periodic follow-up; the next one falls due one interval later."""
    exemplar = await service.get_exemplar(session, exemplar_id)
    return await service.run_exemplar_command(
        temporal,
        exemplar,
        ExemplarWorkflow.record_follow_up,
        FollowUpCommand(actor=user.actor, note=body.note),
    )


@router.post(
    "/exemplars/{exemplar_id}/summarize",
    response_model=ExemplarCommandRead,
    responses=COMMAND_ERRORS,
)
async def summarize(
    exemplar_id: DbId,
    body: SummarizeCreate,
    user: CurrentUser,
    session: ReadSessionDep,
    temporal: TemporalDep,
) -> ExemplarCommandRead:
    """Assess the model with findings: for the milestone that asked, or on demand."""
    exemplar = await service.get_exemplar(session, exemplar_id)
    return await service.run_exemplar_command(
        temporal,
        exemplar,
        ExemplarWorkflow.summarize,
        SummarizeCommand(
            actor=user.actor,
            findings=body.findings,
            rating=body.rating,
            milestone_code=body.milestone_code,
        ),
    )


@router.post(
    "/exemplars/{exemplar_id}/publish", response_model=ExemplarCommandRead, responses=COMMAND_ERRORS
)
async def publish(
    exemplar_id: DbId,
    body: PublishCreate,
    user: CurrentUser,
    session: ReadSessionDep,
    temporal: TemporalDep,
) -> ExemplarCommandRead:
    """The public service centre publishes a summarized model for replication."""
    exemplar = await service.get_exemplar(session, exemplar_id)
    return await service.run_exemplar_command(
        temporal,
        exemplar,
        ExemplarWorkflow.publish,
        PublishCommand(actor=user.actor, note=body.note),
    )


@router.post(
    "/exemplars/{exemplar_id}/adoptions",
    response_model=ExemplarCommandRead,
    status_code=201,
    responses={**COMMAND_ERRORS, **error_responses(Conflict)},
)
async def report_adoption(
    exemplar_id: DbId,
    body: AdoptionCreate,
    user: CurrentUser,
    session: ReadSessionDep,
    temporal: TemporalDep,
) -> ExemplarCommandRead:
    """Another unit reports that it adopted the published model (once per unit)."""
    exemplar = await service.get_exemplar(session, exemplar_id)
    unit = await service.ward_unit(session, exemplar.campaign_id, body.unit_id)
    return await service.run_exemplar_command(
        temporal,
        exemplar,
        ExemplarWorkflow.report_adoption,
        AdoptionCommand(
            actor=user.actor,
            unit_id=unit.id,
            unit_name=unit.name,
            adopted_on=body.adopted_on,
            report=body.report,
        ),
    )


@router.post(
    "/exemplars/{exemplar_id}/drop", response_model=ExemplarCommandRead, responses=COMMAND_ERRORS
)
async def drop(
    exemplar_id: DbId,
    body: DropCreate,
    user: CurrentUser,
    session: ReadSessionDep,
    temporal: TemporalDep,
) -> ExemplarCommandRead:
    """Stop following the model, with the reason."""
    exemplar = await service.get_exemplar(session, exemplar_id)
    return await service.run_exemplar_command(
        temporal, exemplar, ExemplarWorkflow.drop, DropCommand(actor=user.actor, reason=body.reason)
    )


@router.post(
    "/exemplars/{exemplar_id}/nomination",
    response_model=ExemplarCommandRead,
    status_code=201,
    responses={**COMMAND_ERRORS, **error_responses(Conflict)},
)
async def propose_nomination(
    exemplar_id: DbId,
    body: ExemplarNominationCreate,
    user: CurrentUser,
    session: ReadSessionDep,
    state: StateDep,
    temporal: TemporalDep,
) -> ExemplarCommandRead:
    """Turn the summarized model into a DRAFT nomination (its summary and evidence become
    the achievement report); the unit then submits it with POST /nominations/{id}/submit."""
    exemplar = await service.get_exemplar(session, exemplar_id)
    kind = NOMINEE_KIND.get(exemplar.subject_kind)
    if kind is None:
        raise Conflict(
            "Mô hình, cách làm hay không có đối tượng để đề nghị khen thưởng",
            "a good practice has no nominee to propose",
        )
    rule_set = state.catalogue.in_force(state.clock.today())
    award = rule_set.awards.get(body.award_code)
    if award is None:
        raise InvalidInput(
            "award_code",
            f"Không có danh hiệu/hình thức '{body.award_code}'",
            f"unknown award '{body.award_code}'",
        )
    if kind not in award.recipients:
        raise InvalidInput(
            "award_code",
            f"{award.name_vi} không xét cho đối tượng này",
            f"{award.code} is not awarded to a {kind.value}",
        )
    for index, code in enumerate(body.dossier_items):
        if code not in rule_set.dossier_items:
            raise InvalidInput(
                f"dossier_items.{index}",
                f"Không có thành phần hồ sơ '{code}'",
                f"unknown dossier item '{code}'",
            )
    campaign = await service.get_campaign(session, exemplar.campaign_id)
    if body.year is not None and not campaign.start_year <= body.year <= campaign.end_year:
        raise InvalidInput(
            "year",
            "Năm thành tích phải trong giai đoạn của phong trào",
            "the achievement year must fall within the campaign",
        )
    return await service.run_exemplar_command(
        temporal,
        exemplar,
        ExemplarWorkflow.propose_nomination,
        ProposeNominationCommand(
            actor=user.actor,
            award_code=award.code,
            award_name=award.name_vi,
            rule_set_id=rule_set.id,
            year=body.year,
            attestations=list(body.attestations),
            dossier_items=list(body.dossier_items),
        ),
    )


# ---- the report -------------------------------------------------------------------------------


@router.get(
    "/campaigns/{campaign_id}/report",
    response_model=CampaignReportRead,
    responses=error_responses(Unauthorized, NotFound),
)
async def campaign_report(
    campaign_id: DbId,
    _user: CurrentUser,
    session: ReadSessionDep,
    through_year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
) -> CampaignReportRead:
    """Registrations, nominations and awards per content area and unit; exemplary models
    by step and their adoptions; up to the end of ``through_year`` (default: all)."""
    await service.get_campaign(session, campaign_id)
    report = await gather_campaign_report(session, campaign_id, through_year=through_year)
    return CampaignReportRead.model_validate(report, from_attributes=True)


@router.post(
    "/campaigns/{campaign_id}/reports",
    response_model=ReportDocumentRead,
    status_code=201,
    responses=error_responses(Unauthorized, Forbidden, NotFound),
)
async def generate_report(
    campaign_id: DbId,
    body: ReportCreate,
    user: CurrentUser,
    session: ReadSessionDep,
    state: StateDep,
) -> ReportDocumentRead:
    """The report as a PDF document (stored; download it from /documents/{id}/pdf), for
    the standing body, the leaders and auditors of the campaign's authority."""
    campaign = await service.get_campaign(session, campaign_id)
    if not service.may_generate_report(user, campaign):
        raise Forbidden()
    through = body.through_year or campaign.end_year
    if not campaign.start_year <= through <= campaign.end_year:
        raise InvalidInput(
            "through_year",
            f"Năm phải trong giai đoạn {campaign.start_year} - {campaign.end_year}",
            f"the year must be within {campaign.start_year}–{campaign.end_year}",
        )
    title = body.title or f"kết quả phong trào thi đua đến hết năm {through}"
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

"""Campaigns, registrations and exemplars, for the JSON routes and the pages alike:
launching, reading (with what the workflow is doing now), registering, proposing an
exemplar and running its commands, and the report."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from temporalio.client import Client
from temporalio.exceptions import WorkflowAlreadyStartedError

from activities.campaign import (
    head_of_standing_body,
    load_campaign_input,
    nominee_of,
    ward_units_of,
)
from activities.projection import write_audit_event
from domain.vocabulary import ExemplarStage, ExemplarSubjectKind, NomineeKind, Role, UnitKind
from models import (
    AuditEvent,
    Authority,
    Campaign,
    CampaignStage,
    Collective,
    ContentArea,
    Exemplar,
    ExemplarAdoption,
    ExemplarAssessment,
    Household,
    Milestone,
    Person,
    Registration,
    Unit,
    User,
)
from models.campaigns import exemplar_record
from models.schemas.campaigns import (
    AdoptionRead,
    AmendmentRead,
    AssessmentRead,
    CampaignCreate,
    CampaignDetail,
    CampaignProgress,
    CampaignRead,
    ContentAreaRead,
    ExemplarCommandRead,
    ExemplarCreate,
    ExemplarDetail,
    ExemplarRead,
    FollowUpRead,
    MilestoneRead,
    RegistrationCreate,
    RegistrationRead,
    StageRead,
)
from thidua.db import transaction
from workflows.campaign import CampaignWorkflow
from workflows.campaign_types import (
    CampaignStatus,
    ExemplarInput,
    ExemplarResult,
    campaign_workflow_id,
    exemplar_workflow_id,
)

from ..errors import Conflict, Forbidden, InvalidInput, NotFound, ServiceUnavailable, WrongStage
from ..principal import Principal
from ..temporal_calls import execute_update
from .council import standing_authority

REPORT_ROLES = (Role.STANDING_OFFICER, Role.CHAIRMAN, Role.VICE_CHAIRMAN, Role.AUDITOR)
SUBJECT_FIELDS = {
    ExemplarSubjectKind.INDIVIDUAL: "person_id",
    ExemplarSubjectKind.COLLECTIVE: "collective_id",
    ExemplarSubjectKind.HOUSEHOLD: "household_id",
    ExemplarSubjectKind.RESIDENTIAL_GROUP: "residential_group_id",
}


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
    if (await session.execute(select(Campaign.id).where(Campaign.code == data.code))).first():
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
    workflow_input = await load_campaign_input(session, campaign, principal.actor)
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
    areas = (
        (
            await session.execute(
                select(ContentArea)
                .where(ContentArea.campaign_id == campaign.id)
                .order_by(ContentArea.position)
            )
        )
        .scalars()
        .all()
    )
    stages = (
        (
            await session.execute(
                select(CampaignStage)
                .where(CampaignStage.campaign_id == campaign.id)
                .order_by(CampaignStage.position)
            )
        )
        .scalars()
        .all()
    )
    milestones = (
        (
            await session.execute(
                select(Milestone)
                .where(Milestone.campaign_id == campaign.id)
                .order_by(Milestone.due_on)
            )
        )
        .scalars()
        .all()
    )
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


# ---- registrations ------------------------------------------------------------------------


async def register(
    session: AsyncSession,
    temporal: Client,
    state,
    *,
    principal: Principal,
    campaign: Campaign,
    data: RegistrationCreate,
) -> Registration:
    """Validate on ``session`` (a read session), ask the workflow which year is open, then
    write the registration and its audit event in one short transaction of their own (no
    write lock is held while the workflow answers)."""
    if not principal.actor.has(Role.UNIT_OFFICER, data.unit_id):
        raise Forbidden(
            "Chỉ cán bộ của đơn vị được đăng ký thi đua cho đơn vị mình",
            "only an officer of the unit may register it or its people",
        )
    require_running(campaign)
    ward_unit_ids = {u.id for u in await ward_units_of(session, campaign)}
    if data.unit_id not in ward_unit_ids:
        raise InvalidInput(
            "unit_id",
            "Đơn vị không thuộc phạm vi phong trào",
            "the unit is not in the campaign's ward",
        )
    if data.person_id is not None:
        person = await session.get(Person, data.person_id)
        if person is None or person.unit_id != data.unit_id:
            raise InvalidInput(
                "person_id", "Cá nhân không thuộc đơn vị", "the person is not of this unit"
            )
    if not data.target_awards and not data.pledge:
        raise InvalidInput(
            "target_awards",
            "Nêu danh hiệu đăng ký hoặc nội dung giao ước",
            "name the titles aimed for, or sign a pledge",
        )
    awards = state.catalogue.in_force(state.clock.today()).awards
    for index, code in enumerate(data.target_awards):
        award = awards.get(code)
        if award is None:
            raise InvalidInput(
                f"target_awards.{index}", f"Không có danh hiệu '{code}'", f"unknown award '{code}'"
            )
        if data.person_id is not None and NomineeKind.INDIVIDUAL not in award.recipients:
            raise InvalidInput(
                f"target_awards.{index}",
                f"{award.name_vi} không xét cho cá nhân",
                f"{code} is not awarded to a person",
            )
    areas = set(
        (
            await session.execute(
                select(ContentArea.code).where(ContentArea.campaign_id == campaign.id)
            )
        ).scalars()
    )
    for index, code in enumerate(data.content_area_codes):
        if code not in areas:
            raise InvalidInput(
                f"content_area_codes.{index}",
                f"Không có nội dung thi đua '{code}'",
                f"unknown content area '{code}'",
            )
    status = await progress(temporal, campaign)
    if status is None or status.closed:
        raise WrongStage(
            "closed" if status else campaign.status,
            "Phong trào không nhận đăng ký",
            "the campaign takes no registrations",
        )
    year = data.year or status.registration_year or status.year
    if status.registration_year != year:
        raise WrongStage(
            "registration_closed",
            f"Chưa mở hoặc đã hết đăng ký thi đua năm {year} (năm đang mở: "
            f"{status.registration_year or 'chưa mở'})",
            f"registration for {year} is not open (open: {status.registration_year or 'none'})",
        )
    key = f"{campaign.id}:{year}:u{data.unit_id}:p{data.person_id or 0}"
    if (
        await session.execute(select(Registration.id).where(Registration.registration_key == key))
    ).first():
        raise _duplicate(year)
    registration = Registration(
        registration_key=key,
        campaign_id=campaign.id,
        year=year,
        unit_id=data.unit_id,
        person_id=data.person_id,
        target_awards=list(dict.fromkeys(data.target_awards)),
        content_area_codes=list(dict.fromkeys(data.content_area_codes)),
        pledge=data.pledge,
        registered_by_user_id=principal.user_id,
        registered_at=state.clock.now(),
    )
    try:
        async with transaction(state.writer) as writer:
            writer.add(registration)
            await writer.flush()
            await write_audit_event(
                writer,
                event_key=f"registration:{key}",
                subject_type="campaign",
                subject_id=campaign.id,
                action="registered",
                occurred_at=registration.registered_at,
                actor_user_id=principal.user_id,
                actor_name=principal.full_name,
                actor_role=Role.UNIT_OFFICER.value,
                changes={
                    "unit_id": ["", str(data.unit_id)],
                    "person_id": ["", str(data.person_id or "")],
                    "target_awards": ["", ", ".join(registration.target_awards)],
                },
            )
    except IntegrityError:
        raise _duplicate(year) from None
    return registration


def _duplicate(year: int) -> Conflict:
    return Conflict(f"Đã đăng ký thi đua năm {year}", f"already registered for {year}")


async def registration_read(session: AsyncSession, registration: Registration) -> RegistrationRead:
    unit = await session.get(Unit, registration.unit_id)
    person = await session.get(Person, registration.person_id) if registration.person_id else None
    return RegistrationRead(
        id=registration.id,
        campaign_id=registration.campaign_id,
        year=registration.year,
        unit_id=registration.unit_id,
        unit_name=unit.name if unit else "",
        person_id=registration.person_id,
        person_name=person.full_name if person else None,
        target_awards=list(registration.target_awards),
        content_area_codes=list(registration.content_area_codes),
        pledge=registration.pledge,
        registered_by_user_id=registration.registered_by_user_id,
        registered_at=registration.registered_at,
    )


# ---- exemplars ------------------------------------------------------------------------------


async def _subject(
    session: AsyncSession, data: ExemplarCreate, ward_unit_ids: set[int]
) -> tuple[dict[str, int | None], int | None]:
    """The subject's columns and the unit it belongs to (None for a good practice)."""
    given = [
        name
        for name in ("person_id", "collective_id", "household_id", "residential_group_id")
        if getattr(data, name) is not None
    ]
    expected = SUBJECT_FIELDS.get(data.subject_kind)
    if expected is None:
        if given:
            raise InvalidInput(
                given[0],
                "Mô hình, cách làm hay không gắn với một đối tượng",
                "a good practice has no subject",
            )
        return {}, None
    if given != [expected]:
        raise InvalidInput(
            expected,
            "Phải chỉ rõ đối tượng (và chỉ một)",
            f"a {data.subject_kind.value} exemplar needs exactly {expected}",
        )
    subject_id = getattr(data, expected)
    unit_id: int | None = None
    columns: dict[str, int | None] = {}
    if data.subject_kind == ExemplarSubjectKind.INDIVIDUAL:
        person = await session.get(Person, subject_id)
        unit_id = person.unit_id if person else None
        columns["person_id"] = subject_id
    elif data.subject_kind == ExemplarSubjectKind.HOUSEHOLD:
        household = await session.get(Household, subject_id)
        unit_id = household.residential_group_id if household else None
        columns["household_id"] = subject_id
    elif data.subject_kind == ExemplarSubjectKind.COLLECTIVE:
        collective = await session.get(Collective, subject_id)
        unit_id = collective.unit_id if collective else None
        columns["collective_id"] = subject_id
    else:
        group = await session.get(Unit, subject_id)
        collective = (
            await session.execute(select(Collective).where(Collective.unit_id == subject_id))
        ).scalar_one_or_none()
        if group is None or group.kind != UnitKind.RESIDENTIAL_GROUP or collective is None:
            raise InvalidInput(expected, "Không có tổ dân phố này", "no such residential group")
        unit_id = subject_id
        columns["collective_id"] = collective.id
    if unit_id is None or unit_id not in ward_unit_ids:
        raise InvalidInput(
            expected, "Không có đối tượng này trong phường", "no such subject in the ward"
        )
    return columns, unit_id


async def propose_exemplar(
    session: AsyncSession, *, principal: Principal, campaign: Campaign, data: ExemplarCreate
) -> tuple[Exemplar, ExemplarInput]:
    authority = await session.get(Authority, campaign.authority_id)
    assert authority is not None
    by_standing = (
        is_standing(principal, campaign) and data.proposing_unit_id == authority.standing_unit_id
    )
    if not by_standing and not principal.actor.has(Role.UNIT_OFFICER, data.proposing_unit_id):
        raise Forbidden(
            "Chỉ đơn vị hoặc cơ quan thường trực được đề xuất điển hình",
            "only the unit, or the standing body, may propose an exemplar",
        )
    require_running(campaign)
    units = {u.id: u for u in await ward_units_of(session, campaign)}
    if data.proposing_unit_id not in units:
        raise InvalidInput(
            "proposing_unit_id",
            "Đơn vị không thuộc phạm vi phong trào",
            "the unit is not in the campaign's ward",
        )
    if (
        data.content_area_code is not None
        and not (
            await session.execute(
                select(ContentArea.id).where(
                    ContentArea.campaign_id == campaign.id,
                    ContentArea.code == data.content_area_code,
                )
            )
        ).first()
    ):
        raise InvalidInput(
            "content_area_code",
            f"Không có nội dung thi đua '{data.content_area_code}'",
            f"unknown content area '{data.content_area_code}'",
        )
    columns, subject_unit_id = await _subject(session, data, set(units))
    if (
        not by_standing
        and subject_unit_id is not None
        and subject_unit_id != data.proposing_unit_id
    ):
        field = SUBJECT_FIELDS[data.subject_kind]
        raise InvalidInput(
            field,
            "Đối tượng không thuộc đơn vị đề xuất",
            "the subject does not belong to the proposing unit",
        )
    exemplar = Exemplar(
        campaign_id=campaign.id,
        title=data.title,
        description=data.description,
        subject_kind=data.subject_kind,
        content_area_code=data.content_area_code,
        proposing_unit_id=data.proposing_unit_id,
        proposed_by_user_id=principal.user_id,
        evidence=data.evidence,
        stage=ExemplarStage.DISCOVERED,
        **columns,
    )
    session.add(exemplar)
    await session.flush()
    exemplar.workflow_id = exemplar_workflow_id(exemplar.id)
    publisher = next((u.id for u in units.values() if u.kind == UnitKind.PUBLIC_SERVICE), None)
    workflow_input = ExemplarInput(
        exemplar_id=exemplar.id,
        campaign_id=campaign.id,
        campaign_name=campaign.name,
        title=exemplar.title,
        subject_kind=exemplar.subject_kind,
        proposing_unit_id=exemplar.proposing_unit_id,
        proposing_unit_name=units[exemplar.proposing_unit_id].name,
        nominating_unit_id=subject_unit_id,
        authority_id=authority.id,
        authority_unit_id=authority.unit_id,
        standing_unit_id=authority.standing_unit_id,
        publisher_unit_id=publisher,
        escalation_user_id=await head_of_standing_body(session, authority),
        proposed_by=principal.actor,
    )
    return exemplar, workflow_input


async def get_exemplar(session: AsyncSession, exemplar_id: int) -> Exemplar:
    exemplar = await session.get(Exemplar, exemplar_id)
    if exemplar is None:
        raise NotFound("Không có điển hình này", "no such exemplar")
    return exemplar


async def exemplar_read(session: AsyncSession, exemplar: Exemplar) -> ExemplarRead:
    unit = await session.get(Unit, exemplar.proposing_unit_id)
    nominee = await nominee_of(session, exemplar)
    adoptions = (
        await session.execute(
            select(func.count()).where(ExemplarAdoption.exemplar_id == exemplar.id)
        )
    ).scalar_one()
    return ExemplarRead(
        id=exemplar.id,
        campaign_id=exemplar.campaign_id,
        title=exemplar.title,
        description=exemplar.description,
        subject_kind=exemplar.subject_kind,
        subject_name=nominee[0] if nominee else None,
        person_id=exemplar.person_id,
        collective_id=exemplar.collective_id,
        household_id=exemplar.household_id,
        content_area_code=exemplar.content_area_code,
        proposing_unit_id=exemplar.proposing_unit_id,
        proposing_unit_name=unit.name if unit else "",
        evidence=exemplar.evidence,
        stage=exemplar.stage,
        responsible_user_id=exemplar.responsible_user_id,
        support_plan=exemplar.support_plan,
        follow_up_every_days=exemplar.follow_up_every_days,
        next_follow_up_due=exemplar.next_follow_up_due,
        dropped_reason=exemplar.dropped_reason,
        published_at=exemplar.published_at,
        nomination_id=exemplar.nomination_id,
        adoptions=adoptions,
        workflow_id=exemplar.workflow_id,
        created_at=exemplar.created_at,
    )


async def exemplar_detail(
    session: AsyncSession, principal: Principal, exemplar: Exemplar
) -> ExemplarDetail:
    read = await exemplar_read(session, exemplar)
    follow_ups, assessments = await exemplar_record(session, exemplar.id)
    adoptions = (
        await session.execute(
            select(ExemplarAdoption, Unit.name)
            .join(Unit, Unit.id == ExemplarAdoption.unit_id)
            .where(ExemplarAdoption.exemplar_id == exemplar.id)
            .order_by(ExemplarAdoption.recorded_at)
        )
    ).all()
    return ExemplarDetail(
        **read.model_dump(),
        follow_ups=[FollowUpRead.model_validate(f) for f in follow_ups],
        assessments=[AssessmentRead.model_validate(a) for a in assessments],
        adoption_reports=[
            AdoptionRead(
                unit_id=a.unit_id,
                unit_name=name,
                adopted_on=a.adopted_on,
                report=a.report,
                reported_by_user_id=a.reported_by_user_id,
                recorded_at=a.recorded_at,
            )
            for a, name in adoptions
        ],
        pending_milestones=await pending_assessments(session, exemplar.id),
        allowed_actions=await exemplar_actions(session, principal, exemplar),
    )


async def exemplar_actions(
    session: AsyncSession, principal: Principal, exemplar: Exemplar
) -> list[str]:
    """The commands this person may give now (the same rules as the workflow's validators)."""
    stage = exemplar.stage
    if stage == ExemplarStage.DROPPED:
        return []
    campaign = await session.get(Campaign, exemplar.campaign_id)
    authority = await session.get(Authority, campaign.authority_id) if campaign else None
    if campaign is None or authority is None:
        return []
    actor = principal.actor
    standing = actor.has(Role.STANDING_OFFICER, authority.standing_unit_id)
    proposer = actor.has(Role.UNIT_OFFICER, exemplar.proposing_unit_id)
    responsible = exemplar.responsible_user_id == principal.user_id
    units = await ward_units_of(session, campaign)
    publisher = any(
        u.kind == UnitKind.PUBLIC_SERVICE and actor.has(Role.UNIT_OFFICER, u.id) for u in units
    )
    nominee = await nominee_of(session, exemplar)
    adopted = set(
        (
            await session.execute(
                select(ExemplarAdoption.unit_id).where(ExemplarAdoption.exemplar_id == exemplar.id)
            )
        ).scalars()
    )
    actions = []
    if (standing or proposer) and stage in (
        ExemplarStage.DISCOVERED,
        ExemplarStage.NURTURING,
        ExemplarStage.SUMMARIZED,
    ):
        actions.append("nurture")
    if (standing or proposer or responsible) and stage in (
        ExemplarStage.NURTURING,
        ExemplarStage.SUMMARIZED,
    ):
        actions.append("record_follow_up")
    if (standing or proposer) and stage != ExemplarStage.DISCOVERED:
        actions.append("summarize")
    if publisher and stage == ExemplarStage.SUMMARIZED:
        actions.append("publish")
    if stage == ExemplarStage.REPLICATING and any(
        actor.has(Role.UNIT_OFFICER, u.id)
        and u.id != exemplar.proposing_unit_id
        and u.id not in adopted
        for u in units
    ):
        actions.append("report_adoption")
    if (
        nominee is not None
        and actor.has(Role.UNIT_OFFICER, nominee[1])
        and stage in (ExemplarStage.SUMMARIZED, ExemplarStage.REPLICATING)
        and exemplar.nomination_id is None
    ):
        actions.append("propose_nomination")
    if standing or proposer:
        actions.append("drop")
    return actions


async def pending_assessments(session: AsyncSession, exemplar_id: int) -> list[str]:
    """Milestones that asked this exemplar for an assessment not given yet."""
    asked = [
        (event.changes or {}).get("milestone", ["", ""])[1]
        for event in (
            await session.execute(
                select(AuditEvent).where(
                    AuditEvent.subject_type == "exemplar",
                    AuditEvent.subject_id == exemplar_id,
                    AuditEvent.action == "assessment_requested",
                )
            )
        ).scalars()
    ]
    done = set(
        (
            await session.execute(
                select(ExemplarAssessment.milestone_code).where(
                    ExemplarAssessment.exemplar_id == exemplar_id
                )
            )
        ).scalars()
    )
    return [code for code in asked if code and code not in done]


async def responsible_user(session: AsyncSession, user_id: int) -> User:
    user = await session.get(User, user_id)
    if user is None or not user.is_active:
        raise InvalidInput("responsible_user_id", "Không có người dùng này", "no such active user")
    return user


async def ward_unit(session: AsyncSession, campaign_id: int, unit_id: int) -> Unit:
    campaign = await session.get(Campaign, campaign_id)
    assert campaign is not None
    for unit in await ward_units_of(session, campaign):
        if unit.id == unit_id:
            return unit
    raise InvalidInput(
        "unit_id", "Đơn vị không thuộc phạm vi phong trào", "the unit is not in the campaign's ward"
    )


async def run_exemplar_command(
    temporal: Client, exemplar: Exemplar, update: Any, argument: Any
) -> ExemplarCommandRead:
    handle = temporal.get_workflow_handle(exemplar.workflow_id)
    result: ExemplarResult = await execute_update(
        handle, update, argument, current_stage=exemplar.stage.value
    )
    return ExemplarCommandRead(
        exemplar_id=result.exemplar_id,
        stage=result.stage,
        next_follow_up_due=result.next_follow_up_due,
        nomination_id=result.nomination_id,
    )


def may_generate_report(principal: Principal, campaign: Campaign) -> bool:
    return principal.is_admin or campaign.authority_id in principal.authority_ids(*REPORT_ROLES)

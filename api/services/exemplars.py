"""Exemplary models (điển hình tiên tiến), for the JSON routes and the pages alike:
proposing one (its workflow starts), reading them (with the commands open to the reader),
and the commands that take a model through nurture, follow-ups, summary, publication,
adoption by other units or a drop, and into a draft nomination. Every command is an
update of the model's workflow, which validates it again and writes the change."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from temporalio.client import Client
from temporalio.exceptions import WorkflowAlreadyStartedError

from domain.rules import RuleSet
from domain.vocabulary import (
    NOMINEE_KIND,
    ExemplarStage,
    ExemplarSubjectKind,
    Role,
    UnitKind,
)
from models import Authority, Campaign, Collective, Exemplar, Household, Person, Unit, User
from models.campaigns import exemplar_record, household_nominee_name, nominee_of, ward_units_of
from models.schemas.campaigns import (
    AdoptionCreate,
    AdoptionRead,
    AssessmentRead,
    DropCreate,
    ExemplarCommandRead,
    ExemplarCreate,
    ExemplarDetail,
    ExemplarNominationCreate,
    ExemplarPage,
    ExemplarRead,
    FollowUpCreate,
    FollowUpRead,
    NurtureCreate,
    PublishCreate,
    SummarizeCreate,
)
from workflows.campaign_types import (
    AdoptionCommand,
    DropCommand,
    ExemplarInput,
    ExemplarResult,
    FollowUpCommand,
    NurtureCommand,
    ProposeNominationCommand,
    PublishCommand,
    SummarizeCommand,
    exemplar_workflow_id,
)
from workflows.exemplar import ExemplarWorkflow

from ..errors import Conflict, Forbidden, InvalidInput, NotFound, ServiceUnavailable
from ..principal import Principal
from ..queries import campaigns as campaign_queries
from ..queries import exemplars as queries
from ..temporal_calls import execute_update
from .campaigns import get_campaign, is_standing, require_running

SUBJECT_FIELDS = {
    ExemplarSubjectKind.INDIVIDUAL: "person_id",
    ExemplarSubjectKind.COLLECTIVE: "collective_id",
    ExemplarSubjectKind.HOUSEHOLD: "household_id",
    ExemplarSubjectKind.RESIDENTIAL_GROUP: "residential_group_id",
}


# ---- proposing a model ----------------------------------------------------------------------


async def propose_exemplar(
    session: AsyncSession,
    temporal: Client,
    task_queue: str,
    *,
    principal: Principal,
    campaign_id: int,
    data: ExemplarCreate,
) -> ExemplarDetail:
    """Write the model, commit (its workflow writes to the row), then start its workflow;
    if Temporal cannot take it, the row is deleted again."""
    campaign = await get_campaign(session, campaign_id)
    exemplar, workflow_input = await _new_exemplar(
        session, principal=principal, campaign=campaign, data=data
    )
    await session.commit()  # the workflow writes to the row
    try:
        await temporal.start_workflow(
            ExemplarWorkflow.run,
            workflow_input,
            id=exemplar.workflow_id,
            task_queue=task_queue,
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
    return await exemplar_detail(session, principal, exemplar)


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
        group_collective = await queries.collective_of_unit(session, unit_id=subject_id)
        if group is None or group.kind != UnitKind.RESIDENTIAL_GROUP or group_collective is None:
            raise InvalidInput(expected, "Không có tổ dân phố này", "no such residential group")
        unit_id = subject_id
        columns["collective_id"] = group_collective.id
    if unit_id is None or unit_id not in ward_unit_ids:
        raise InvalidInput(
            expected, "Không có đối tượng này trong phường", "no such subject in the ward"
        )
    return columns, unit_id


async def _new_exemplar(
    session: AsyncSession, *, principal: Principal, campaign: Campaign, data: ExemplarCreate
) -> tuple[Exemplar, ExemplarInput]:
    """The model's row (flushed, not committed) and its workflow's input."""
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
        and await campaign_queries.content_area_id(
            session, campaign_id=campaign.id, code=data.content_area_code
        )
        is None
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
        escalation_user_id=await queries.escalation_user_id(session, authority=authority),
        proposed_by=principal.actor,
    )
    return exemplar, workflow_input


async def proposing_units(
    session: AsyncSession, *, principal: Principal, campaign: Campaign
) -> tuple[list[Unit], list[int]]:
    """The units this person may propose for, and the units whose people, households... they
    may propose: the standing body proposes for any unit of the ward."""
    ward = await ward_units_of(session, campaign)
    mine = principal.unit_ids(Role.UNIT_OFFICER)
    proposing = [u for u in ward if u.id in mine]
    subject_units = [u.id for u in proposing]
    if is_standing(principal, campaign):
        authority = await session.get(Authority, campaign.authority_id)
        standing = next((u for u in ward if authority and u.id == authority.standing_unit_id), None)
        if standing is not None and standing not in proposing:
            proposing.insert(0, standing)
        subject_units = [u.id for u in ward]
    return proposing, subject_units


# ---- reading models ---------------------------------------------------------------------------


async def get_exemplar(session: AsyncSession, exemplar_id: int) -> Exemplar:
    exemplar = await session.get(Exemplar, exemplar_id)
    if exemplar is None:
        raise NotFound("Không có điển hình này", "no such exemplar")
    return exemplar


async def exemplars_page(
    session: AsyncSession,
    *,
    campaign_id: int,
    stage: ExemplarStage | None,
    unit_id: int | None,
    page: int,
    page_size: int,
) -> ExemplarPage:
    """The campaign's models, optionally at one step or of one proposing unit."""
    await get_campaign(session, campaign_id)
    total, rows = await queries.exemplars_page(
        session,
        campaign_id=campaign_id,
        stage=stage,
        unit_id=unit_id,
        page=page,
        page_size=page_size,
    )
    return ExemplarPage(
        total=total,
        page=page,
        page_size=page_size,
        items=[
            _read(
                row.exemplar,
                unit_name=row.proposing_unit_name,
                subject_name=_subject_name(row),
                adoptions=row.adoptions,
            )
            for row in rows
        ],
    )


def _subject_name(row: queries.ExemplarRow) -> str | None:
    """The name ``nominee_of`` gives, from the names the list's query joined."""
    exemplar = row.exemplar
    if exemplar.person_id is not None:
        return row.person_name
    if exemplar.household_id is not None:
        head = row.household_head_name
        return household_nominee_name(head) if head is not None else None
    if exemplar.collective_id is not None:
        return row.collective_name
    return None


async def exemplar_read(session: AsyncSession, exemplar: Exemplar) -> ExemplarRead:
    unit = await session.get(Unit, exemplar.proposing_unit_id)
    nominee = await nominee_of(session, exemplar)
    return _read(
        exemplar,
        unit_name=unit.name if unit else "",
        subject_name=nominee[0] if nominee else None,
        adoptions=await queries.adoption_count(session, exemplar_id=exemplar.id),
    )


def _read(
    exemplar: Exemplar, *, unit_name: str, subject_name: str | None, adoptions: int
) -> ExemplarRead:
    return ExemplarRead(
        id=exemplar.id,
        campaign_id=exemplar.campaign_id,
        title=exemplar.title,
        description=exemplar.description,
        subject_kind=exemplar.subject_kind,
        subject_name=subject_name,
        person_id=exemplar.person_id,
        collective_id=exemplar.collective_id,
        household_id=exemplar.household_id,
        content_area_code=exemplar.content_area_code,
        proposing_unit_id=exemplar.proposing_unit_id,
        proposing_unit_name=unit_name,
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
    adoptions = await queries.adoptions(session, exemplar_id=exemplar.id)
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
        pending_milestones=await queries.pending_assessments(session, exemplar_id=exemplar.id),
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
    adopted = await queries.adopting_unit_ids(session, exemplar_id=exemplar.id)
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


async def responsible_officers(
    session: AsyncSession, *, exemplar: Exemplar, campaign: Campaign
) -> list[User]:
    """Who may be made responsible for nurturing the model: the proposing unit's officers
    and the standing body's."""
    authority = await session.get(Authority, campaign.authority_id)
    assert authority is not None
    return await queries.responsible_officers(
        session,
        proposing_unit_id=exemplar.proposing_unit_id,
        standing_unit_id=authority.standing_unit_id,
    )


# ---- the commands -----------------------------------------------------------------------------


async def nurture(
    session: AsyncSession,
    temporal: Client,
    *,
    principal: Principal,
    exemplar_id: int,
    data: NurtureCreate,
) -> ExemplarCommandRead:
    """A support plan, a responsible officer and the follow-up interval (or revise them)."""
    exemplar = await get_exemplar(session, exemplar_id)
    responsible = await _responsible_user(session, data.responsible_user_id)
    return await _run(
        temporal,
        exemplar,
        ExemplarWorkflow.nurture,
        NurtureCommand(
            actor=principal.actor,
            support_plan=data.support_plan,
            responsible_user_id=responsible.id,
            responsible_name=responsible.full_name,
            follow_up_every_days=data.follow_up_every_days,
            escalate_after_days=data.escalate_after_days,
        ),
    )


async def record_follow_up(
    session: AsyncSession,
    temporal: Client,
    *,
    principal: Principal,
    exemplar_id: int,
    data: FollowUpCreate,
) -> ExemplarCommandRead:
    exemplar = await get_exemplar(session, exemplar_id)
    return await _run(
        temporal,
        exemplar,
        ExemplarWorkflow.record_follow_up,
        FollowUpCommand(actor=principal.actor, note=data.note),
    )


async def summarize(
    session: AsyncSession,
    temporal: Client,
    *,
    principal: Principal,
    exemplar_id: int,
    data: SummarizeCreate,
) -> ExemplarCommandRead:
    exemplar = await get_exemplar(session, exemplar_id)
    return await _run(
        temporal,
        exemplar,
        ExemplarWorkflow.summarize,
        SummarizeCommand(
            actor=principal.actor,
            findings=data.findings,
            rating=data.rating,
            milestone_code=data.milestone_code,
        ),
    )


async def publish(
    session: AsyncSession,
    temporal: Client,
    *,
    principal: Principal,
    exemplar_id: int,
    data: PublishCreate,
) -> ExemplarCommandRead:
    exemplar = await get_exemplar(session, exemplar_id)
    return await _run(
        temporal,
        exemplar,
        ExemplarWorkflow.publish,
        PublishCommand(actor=principal.actor, note=data.note),
    )


async def report_adoption(
    session: AsyncSession,
    temporal: Client,
    *,
    principal: Principal,
    exemplar_id: int,
    data: AdoptionCreate,
) -> ExemplarCommandRead:
    exemplar = await get_exemplar(session, exemplar_id)
    unit = await _ward_unit(session, exemplar.campaign_id, data.unit_id)
    return await _run(
        temporal,
        exemplar,
        ExemplarWorkflow.report_adoption,
        AdoptionCommand(
            actor=principal.actor,
            unit_id=unit.id,
            unit_name=unit.name,
            adopted_on=data.adopted_on,
            report=data.report,
        ),
    )


async def drop(
    session: AsyncSession,
    temporal: Client,
    *,
    principal: Principal,
    exemplar_id: int,
    data: DropCreate,
) -> ExemplarCommandRead:
    exemplar = await get_exemplar(session, exemplar_id)
    return await _run(
        temporal,
        exemplar,
        ExemplarWorkflow.drop,
        DropCommand(actor=principal.actor, reason=data.reason),
    )


async def propose_nomination(
    session: AsyncSession,
    temporal: Client,
    *,
    principal: Principal,
    exemplar_id: int,
    data: ExemplarNominationCreate,
    rule_set: RuleSet,
) -> ExemplarCommandRead:
    """Turn the summarized model into a DRAFT nomination under the rules in force."""
    exemplar = await get_exemplar(session, exemplar_id)
    kind = NOMINEE_KIND.get(exemplar.subject_kind)
    if kind is None:
        raise Conflict(
            "Mô hình, cách làm hay không có đối tượng để đề nghị khen thưởng",
            "a good practice has no nominee to propose",
        )
    award = rule_set.awards.get(data.award_code)
    if award is None:
        raise InvalidInput(
            "award_code",
            f"Không có danh hiệu/hình thức '{data.award_code}'",
            f"unknown award '{data.award_code}'",
        )
    if kind not in award.recipients:
        raise InvalidInput(
            "award_code",
            f"{award.name_vi} không xét cho đối tượng này",
            f"{award.code} is not awarded to a {kind.value}",
        )
    for index, code in enumerate(data.dossier_items):
        if code not in rule_set.dossier_items:
            raise InvalidInput(
                f"dossier_items.{index}",
                f"Không có thành phần hồ sơ '{code}'",
                f"unknown dossier item '{code}'",
            )
    campaign = await get_campaign(session, exemplar.campaign_id)
    if data.year is not None and not campaign.start_year <= data.year <= campaign.end_year:
        raise InvalidInput(
            "year",
            "Năm thành tích phải trong giai đoạn của phong trào",
            "the achievement year must fall within the campaign",
        )
    return await _run(
        temporal,
        exemplar,
        ExemplarWorkflow.propose_nomination,
        ProposeNominationCommand(
            actor=principal.actor,
            award_code=award.code,
            award_name=award.name_vi,
            rule_set_id=rule_set.id,
            year=data.year,
            attestations=list(data.attestations),
            dossier_items=list(data.dossier_items),
        ),
    )


async def _responsible_user(session: AsyncSession, user_id: int) -> User:
    user = await session.get(User, user_id)
    if user is None or not user.is_active:
        raise InvalidInput("responsible_user_id", "Không có người dùng này", "no such active user")
    return user


async def _ward_unit(session: AsyncSession, campaign_id: int, unit_id: int) -> Unit:
    campaign = await session.get(Campaign, campaign_id)
    assert campaign is not None
    for unit in await ward_units_of(session, campaign):
        if unit.id == unit_id:
            return unit
    raise InvalidInput(
        "unit_id", "Đơn vị không thuộc phạm vi phong trào", "the unit is not in the campaign's ward"
    )


async def _run(
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

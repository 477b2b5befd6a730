"""What the JSON routes and the pages both do with a nomination: find it if the person
may see it, run a workflow command with the permission pre-check, submit (eligibility +
start of the workflow), and assemble the detail view. One place, so the pages and the API
never disagree."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from temporalio.exceptions import WorkflowAlreadyStartedError

from domain.calendar import WorkingCalendar, vietnam_date
from domain.eligibility import EligibilityRequest, check_eligibility
from domain.permissions import Command, allowed_commands, permitted
from domain.vocabulary import TERMINAL_STAGES, Role, Stage
from models import DossierItem, Nomination
from models.schemas.nominations import CommandRead, NominationDetail
from thidua.catalogue_store import load_candidate, load_quota_context
from workflows.nomination import NominationWorkflow
from workflows.nomination_types import CommandResult, nomination_workflow_id

from ..errors import Conflict, Forbidden, InvalidInput, NotFound, ServiceUnavailable, WrongStage
from ..principal import Principal
from ..temporal_calls import execute_update
from . import nominations as service
from .access import can_see, nomination_context
from .plans import nomination_input


def award_names(state) -> dict[str, str]:
    names: dict[str, str] = {}
    for rule_set in state.catalogue.rule_sets:
        for code, award in rule_set.awards.items():
            names[code] = award.name_vi
    return names


async def visible_nomination(session, user: Principal, nomination_id: int) -> Nomination:
    """The nomination if this person may see it. 403 otherwise — also when it does not
    exist, for anyone who could not see it if it did (no existence leaks)."""
    nomination = await session.get(Nomination, nomination_id)
    if nomination is None:
        if user.is_admin or user.has(Role.AUDITOR):
            raise NotFound("Không tìm thấy đề nghị", "no such nomination")
        raise Forbidden()
    if not can_see(user, nomination):
        raise Forbidden()
    return nomination


def decides(state, nomination: Nomination) -> bool:
    award = state.catalogue.get(nomination.rule_set_id).awards.get(nomination.award_code)
    return bool(award and award.deciding_level == nomination.level)


async def run_command(
    session,
    state,
    temporal,
    user: Principal,
    nomination_id: int,
    command: Command,
    update: Any,
    argument: Any,
) -> CommandRead:
    nomination = await visible_nomination(session, user, nomination_id)
    if nomination.stage == Stage.DRAFT:
        raise WrongStage(
            Stage.DRAFT.value, "Đề nghị chưa được nộp", "the nomination is not submitted"
        )
    context = await nomination_context(session, nomination, decides=decides(state, nomination))
    if command != Command.LODGE_OBJECTION and not permitted(command, user.roles, context):
        raise Forbidden()
    handle = temporal.get_workflow_handle(nomination.workflow_id)
    result: CommandResult = await execute_update(
        handle, update, argument, current_stage=nomination.stage.value
    )
    return CommandRead(
        nomination_id=nomination.id,
        stage=result.stage,
        level=result.level,
        stage_due_at=result.stage_due_at,
        objection_key=result.objection_key,
    )


async def submit(session, state, temporal, user: Principal, nomination: Nomination) -> None:
    if nomination.stage != Stage.DRAFT:
        raise WrongStage(nomination.stage.value, "Đề nghị đã được nộp", "already submitted")
    now = state.clock.now()
    today = vietnam_date(now)
    rule_set = state.catalogue.in_force(today)
    if nomination.award_code not in rule_set.awards:
        raise InvalidInput(
            "award_code",
            "Danh hiệu không còn trong bộ quy định hiện hành",
            "the award is not in the rule set in force",
        )
    verdict = await eligibility(session, rule_set, nomination)
    if not verdict.eligible:
        failed = [r for r in verdict.reasons if not r.met]
        raise InvalidInput(
            "eligibility",
            "Chưa đủ điều kiện: " + "; ".join(r.message_vi for r in failed),
            "not eligible: " + "; ".join(r.message_en for r in failed),
        )
    items = (
        (
            await session.execute(
                select(DossierItem.item_code).where(DossierItem.nomination_id == nomination.id)
            )
        )
        .scalars()
        .all()
    )
    workflow_input = await nomination_input(
        session,
        nomination=nomination,
        rule_set=rule_set,
        submitted_by=user.actor,
        dossier_items=list(items),
        settings=state.settings,
        today=today,
    )
    nomination.rule_set_id = rule_set.id
    nomination.workflow_id = nomination_workflow_id(nomination.id)
    nomination.stage = Stage.RECEPTION
    nomination.stage_entered_at = now
    # What the workflow's first change will say, so that the page right after submitting
    # already shows who must act and by when (the workflow then writes the same values).
    first_level = workflow_input.levels[0]
    nomination.waiting_on_role = Role.STANDING_OFFICER
    nomination.waiting_on_unit_id = first_level.standing_unit_id
    nomination.stage_due_at = WorkingCalendar(workflow_input.calendar).due_moment(
        nomination.stage_entered_at, first_level.completeness_check
    )
    await session.commit()  # the workflow must find the committed row
    try:
        await temporal.start_workflow(
            NominationWorkflow.run,
            workflow_input,
            id=nomination.workflow_id,
            task_queue=state.settings.task_queue,
        )
    except WorkflowAlreadyStartedError:
        raise Conflict("Đề nghị đã được nộp", "the nomination was already submitted") from None
    except Exception as exc:
        nomination.stage = Stage.DRAFT
        nomination.workflow_id = ""
        await session.commit()
        raise ServiceUnavailable(
            "Không nộp được đề nghị: máy chủ quy trình chưa sẵn sàng",
            f"could not start the workflow: {exc}",
        ) from exc


async def eligibility(session, rule_set, nomination: Nomination):
    subject_id = nomination.person_id or nomination.collective_id or nomination.household_id
    candidate = await load_candidate(
        session, kind=nomination.subject_kind, subject_id=subject_id, year=nomination.year
    )
    same_batch = (
        (
            await session.execute(
                select(Nomination.award_code).where(
                    Nomination.id != nomination.id,
                    Nomination.subject_kind == nomination.subject_kind,
                    Nomination.person_id == nomination.person_id,
                    Nomination.collective_id == nomination.collective_id,
                    Nomination.household_id == nomination.household_id,
                    Nomination.year == nomination.year,
                    Nomination.stage.not_in(list(TERMINAL_STAGES)),
                )
            )
        )
        .scalars()
        .all()
    )
    # A quota the city set on the award: refused only when the unit has no seat left; the
    # candidates who share the seats are ranked on the standing body's agenda pages.
    award = rule_set.awards.get(nomination.award_code)
    quota = (
        await load_quota_context(
            session,
            quota=award.quota,
            award_code=award.code,
            unit_id=nomination.proposing_unit_id,
            year=nomination.year,
        )
        if award is not None and award.quota is not None
        else None
    )
    return check_eligibility(
        EligibilityRequest(
            candidate=candidate,
            award_code=nomination.award_code,
            year=nomination.year,
            initiative_id=nomination.initiative_id,
            achievement_key=nomination.achievement_key,
            batch_titles=tuple(same_batch),
            attestations=tuple(nomination.attestations or ()),
            quota=quota,
        ),
        rule_set,
    )


async def nomination_detail(
    session, state, user: Principal, nomination_id: int
) -> NominationDetail:
    row = await service.load_row(session, nomination_id)
    assert row is not None
    nomination = row[0]
    allowed: list[str] = []
    if nomination.stage == Stage.DRAFT:
        if user.actor.has(Role.UNIT_OFFICER, nomination.proposing_unit_id):
            allowed = ["submit", "upload_dossier_item", "delete"]
    else:
        context = await nomination_context(session, nomination, decides=decides(state, nomination))
        allowed = [c.value for c in allowed_commands(user.roles, context)]
    return await service.detail(session, row, award_names(state), allowed, now=state.clock.now())

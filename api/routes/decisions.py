"""Decisions and submissions: draft one document for many nominations, the signing
queue, sign (or delegate to a vice-chairman), remove an item, cancel."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy import and_, func, or_, select
from temporalio.exceptions import WorkflowAlreadyStartedError

from domain.vocabulary import DecisionKind, DecisionStatus, Role
from models import Authority, Decision, RoleGrant, User
from models.schemas.common import DbId
from models.schemas.decisions import (
    CancelCreate,
    DecisionCreate,
    DecisionPage,
    DecisionRead,
    DelegateCreate,
    RemoveItemCreate,
    SignRead,
)
from workflows.decision import DecisionWorkflow
from workflows.decision_types import CancelCommand, DelegateCommand, RemoveItemCommand, SignCommand

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
from ..principal import Principal
from ..services import decisions as service
from ..temporal_calls import execute_update

router = APIRouter(prefix="/api/v1", tags=["decisions"])
COMMAND_ERRORS = error_responses(Unauthorized, Forbidden, WrongStage, InvalidInput, Conflict)


async def _visible(session, user: Principal, decision_id: int) -> Decision:
    decision = await session.get(Decision, decision_id)
    if decision is None:
        if user.is_admin:
            raise NotFound("Không có văn bản này", "no such decision")
        raise Forbidden()
    if not service.can_see_decision(user, decision):
        raise Forbidden()
    return decision


@router.post(
    "/decisions",
    response_model=DecisionRead,
    status_code=201,
    responses=error_responses(Unauthorized, Forbidden, InvalidInput, Conflict, ServiceUnavailable),
)
async def draft_decision(
    body: DecisionCreate,
    user: CurrentUser,
    session: SessionDep,
    state: StateDep,
    temporal: TemporalDep,
) -> DecisionRead:
    """The standing body drafts one decision (or submission) for many nominations; the
    signer is asked to sign it."""
    decision, workflow_input = await service.draft(
        session,
        principal=user,
        data=body,
        catalogue=state.catalogue,
        settings=state.settings,
        today=state.clock.today(),
    )
    await session.commit()
    try:
        await temporal.start_workflow(
            DecisionWorkflow.run,
            workflow_input,
            id=decision.workflow_id,
            task_queue=state.settings.task_queue,
        )
    except WorkflowAlreadyStartedError:
        raise Conflict("Văn bản đã được lập", "the decision already exists") from None
    except Exception as exc:
        await session.delete(decision)
        await session.commit()
        raise ServiceUnavailable("Không lập được văn bản", f"could not start: {exc}") from exc
    async with state.reader() as read:
        return await service.read_decision(read, await read.get(Decision, decision.id))


@router.get("/decisions", response_model=DecisionPage, responses=error_responses(Unauthorized))
async def list_decisions(
    user: CurrentUser,
    session: ReadSessionDep,
    status: DecisionStatus | None = None,
    kind: DecisionKind | None = None,
    to_sign: Annotated[bool, Query(description="only those waiting for my signature")] = False,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=100)] = 20,
) -> DecisionPage:
    """Decisions and submissions; ``to_sign=true`` is the signing queue."""
    authorities = user.authority_ids(
        Role.STANDING_OFFICER, Role.CHAIRMAN, Role.VICE_CHAIRMAN, Role.AUDITOR, Role.COUNCIL_MEMBER
    )
    condition = (
        Decision.id.is_not(None)
        if user.is_admin
        else or_(Decision.authority_id.in_(authorities), Decision.status == DecisionStatus.ISSUED)
    )
    if status is not None:
        condition = and_(condition, Decision.status == status)
    if kind is not None:
        condition = and_(condition, Decision.kind == kind)
    if to_sign:
        chair_of = user.authority_ids(Role.CHAIRMAN)
        condition = and_(
            condition,
            Decision.status == DecisionStatus.AWAITING_SIGNATURE,
            or_(
                and_(Decision.signer_user_id.is_(None), Decision.authority_id.in_(chair_of)),
                Decision.signer_user_id == user.user_id,
            ),
        )
    total = (
        await session.execute(select(func.count()).select_from(Decision).where(condition))
    ).scalar_one()
    rows = (
        (
            await session.execute(
                select(Decision)
                .where(condition)
                .order_by(Decision.id.desc())
                .offset((page - 1) * page_size)
                .limit(page_size)
            )
        )
        .scalars()
        .all()
    )
    return DecisionPage(
        total=total,
        page=page,
        page_size=page_size,
        items=[await service.read_decision(session, d) for d in rows],
    )


@router.get(
    "/decisions/{decision_id}",
    response_model=DecisionRead,
    responses=error_responses(Unauthorized, Forbidden, NotFound),
)
async def get_decision(
    decision_id: DbId, user: CurrentUser, session: ReadSessionDep
) -> DecisionRead:
    return await service.read_decision(session, await _visible(session, user, decision_id))


@router.post("/decisions/{decision_id}/sign", response_model=SignRead, responses=COMMAND_ERRORS)
async def sign_decision(
    decision_id: DbId, user: CurrentUser, session: ReadSessionDep, temporal: TemporalDep
) -> SignRead:
    """Sign: the document is numbered, rendered and signed (PAdES) with the signer's
    certificate; every nomination in it is then granted or forwarded."""
    decision = await _visible(session, user, decision_id)
    result = await execute_update(
        temporal.get_workflow_handle(decision.workflow_id),
        DecisionWorkflow.sign,
        SignCommand(actor=user.actor),
        current_stage=decision.status.value,
    )
    return SignRead(
        decision_id=result.decision_id,
        number_text=result.number_text,
        document_id=result.document_id,
        issued_on=result.issued_on,
        sha256=result.sha256,
    )


@router.post(
    "/decisions/{decision_id}/delegate", response_model=DecisionRead, responses=COMMAND_ERRORS
)
async def delegate_signing(
    decision_id: DbId,
    body: DelegateCreate,
    user: CurrentUser,
    session: ReadSessionDep,
    state: StateDep,
    temporal: TemporalDep,
) -> DecisionRead:
    """The chairman has a vice-chairman sign ("KT. CHỦ TỊCH / PHÓ CHỦ TỊCH")."""
    decision = await _visible(session, user, decision_id)
    authority = await session.get(Authority, decision.authority_id)
    assert authority is not None
    target = await session.get(User, body.to_user_id)
    is_vice = (
        target is not None
        and (
            await session.execute(
                select(RoleGrant.id).where(
                    RoleGrant.user_id == body.to_user_id,
                    RoleGrant.role == Role.VICE_CHAIRMAN,
                    RoleGrant.unit_id == authority.unit_id,
                )
            )
        ).scalar_one_or_none()
        is not None
    )
    service.require_chairman(user, authority.unit_id)
    if not is_vice or target is None:
        raise InvalidInput(
            "to_user_id",
            "Người được giao phải là Phó Chủ tịch của cơ quan",
            "the delegate must be a vice-chairman of this authority",
        )
    await execute_update(
        temporal.get_workflow_handle(decision.workflow_id),
        DecisionWorkflow.delegate,
        DelegateCommand(
            actor=user.actor,
            to_user_id=target.id,
            to_user_name=target.full_name,
            reason=body.reason,
        ),
        current_stage=decision.status.value,
    )
    async with state.reader() as read:  # a new snapshot after the workflow's writes
        return await service.read_decision(read, await read.get(Decision, decision.id))


@router.post(
    "/decisions/{decision_id}/remove-item", response_model=DecisionRead, responses=COMMAND_ERRORS
)
async def remove_item(
    decision_id: DbId,
    body: RemoveItemCreate,
    user: CurrentUser,
    session: ReadSessionDep,
    state: StateDep,
    temporal: TemporalDep,
) -> DecisionRead:
    decision = await _visible(session, user, decision_id)
    await execute_update(
        temporal.get_workflow_handle(decision.workflow_id),
        DecisionWorkflow.remove_item,
        RemoveItemCommand(actor=user.actor, nomination_id=body.nomination_id, reason=body.reason),
        current_stage=decision.status.value,
    )
    async with state.reader() as read:  # a new snapshot after the workflow's writes
        return await service.read_decision(read, await read.get(Decision, decision.id))


@router.post(
    "/decisions/{decision_id}/cancel", response_model=DecisionRead, responses=COMMAND_ERRORS
)
async def cancel_decision(
    decision_id: DbId,
    body: CancelCreate,
    user: CurrentUser,
    session: ReadSessionDep,
    state: StateDep,
    temporal: TemporalDep,
) -> DecisionRead:
    decision = await _visible(session, user, decision_id)
    await execute_update(
        temporal.get_workflow_handle(decision.workflow_id),
        DecisionWorkflow.cancel,
        CancelCommand(actor=user.actor, reason=body.reason),
        current_stage=decision.status.value,
    )
    async with state.reader() as read:  # a new snapshot after the workflow's writes
        return await service.read_decision(read, await read.get(Decision, decision.id))

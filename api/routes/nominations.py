"""Nominations: start (draft → submit), the dossier, every command of the approval
workflow, lists with filters, one nomination with its allowed actions, and its history."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Query, UploadFile
from fastapi.responses import Response
from sqlalchemy import select
from temporalio.client import WorkflowFailureError
from temporalio.exceptions import ApplicationError, WorkflowAlreadyStartedError

from domain.permissions import (
    Command,
    PermissionDenied,
    StageNotAllowed,
    check,
    permitted,
)
from domain.vocabulary import Level, ObjectionStatus, Role, Stage
from models import AuditEvent, DossierItem, User
from models.schemas.common import DbId
from models.schemas.nominations import (
    AcceptCreate,
    AuditEventRead,
    CommandRead,
    DossierItemRead,
    ExtendCreate,
    NominationCreate,
    NominationDetail,
    NominationHistory,
    NominationPage,
    ReasonCreate,
    ReassignCreate,
    ResolveObjectionCreate,
    ResubmitCreate,
    ReturnCreate,
    RevokeCreate,
)
from thidua.files import FileStore, sha256_hex
from workflows.nomination import NominationWorkflow
from workflows.nomination_types import (
    ExtendCommand,
    ReasonCommand,
    ReassignCommand,
    ResolveObjectionCommand,
    ResubmitCommand,
    ReturnCommand,
    ReviewCommand,
)
from workflows.revocation import RevocationInput, RevocationWorkflow, revocation_workflow_id

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
from ..services import nominations as service
from ..services.access import nomination_context
from ..services.commands import (
    award_names,
    decides,
    nomination_detail,
    run_command,
    submit,
    visible_nomination,
)
from ..services.plans import authority_chain
from ..temporal_calls import refusal_to_http

router = APIRouter(prefix="/api/v1", tags=["nominations"])

COMMAND_ERRORS = error_responses(Unauthorized, Forbidden, WrongStage, InvalidInput)


# ---- start -----------------------------------------------------------------------------


@router.post(
    "/nominations",
    response_model=NominationDetail,
    status_code=201,
    responses=error_responses(Unauthorized, Forbidden, InvalidInput, ServiceUnavailable),
)
async def create_nomination(
    body: NominationCreate,
    user: CurrentUser,
    session: SessionDep,
    state: StateDep,
    temporal: TemporalDep,
) -> NominationDetail:
    """Prepare a nomination (a draft); with ``submit: true`` it is submitted at once."""
    rule_set = state.catalogue.in_force(state.clock.today())
    nomination = await service.create_nomination(
        session, principal=user, data=body, rule_set=rule_set, now=state.clock.now()
    )
    await session.commit()
    if body.submit:
        await submit(session, state, temporal, user, nomination)
    async with state.reader() as read:  # no write lock held while the workflow starts writing
        return await nomination_detail(read, state, user, nomination.id)


@router.post(
    "/nominations/{nomination_id}/dossier-items",
    response_model=DossierItemRead,
    status_code=201,
    responses=error_responses(Unauthorized, Forbidden, WrongStage, InvalidInput),
)
async def upload_dossier_item(
    nomination_id: DbId,
    user: CurrentUser,
    session: SessionDep,
    state: StateDep,
    item_code: Annotated[str, Form(min_length=1, max_length=64)],
    file: Annotated[UploadFile, File()],
    title: Annotated[str | None, Form(max_length=255)] = None,
) -> DossierItemRead:
    """Attach a file (PDF, JPEG or PNG) to the dossier: while drafting, or while the
    dossier is returned for supplement."""
    nomination = await visible_nomination(session, user, nomination_id)
    settings = state.settings
    submitter_ok = user.actor.has(Role.UNIT_OFFICER, nomination.proposing_unit_id)
    if nomination.stage == Stage.RETURNED and nomination.level != Level.WARD:
        context = await nomination_context(session, nomination, decides=decides(state, nomination))
        submitter_ok = permitted(Command.RESUBMIT, user.roles, context)
    if not submitter_ok:
        raise Forbidden()
    if nomination.stage not in (Stage.DRAFT, Stage.RETURNED):
        raise WrongStage(
            nomination.stage.value,
            "Chỉ bổ sung hồ sơ khi lập hoặc khi được trả lại",
            "files can be added while drafting or when returned",
        )
    rule_set = state.catalogue.get(nomination.rule_set_id)
    if item_code not in rule_set.dossier_items:
        raise InvalidInput(
            "item_code",
            f"Không có thành phần hồ sơ '{item_code}'",
            f"unknown dossier item '{item_code}'",
        )
    data = await file.read(settings.upload_max_bytes + 1)
    if len(data) > settings.upload_max_bytes:
        raise InvalidInput(
            "file",
            f"Tệp quá lớn (tối đa {settings.upload_max_bytes // (1024 * 1024)} MB)",
            f"file too large (max {settings.upload_max_bytes} bytes)",
        )
    if not data:
        raise InvalidInput("file", "Tệp rỗng", "empty file")
    content_type = service.sniff_content_type(data)
    if content_type is None or content_type not in settings.allowed_upload_types:
        raise InvalidInput(
            "file", "Chỉ nhận tệp PDF, JPEG hoặc PNG", "only PDF, JPEG or PNG files are accepted"
        )
    storage_key = FileStore(settings.files_dir).put(data)

    item = DossierItem(
        nomination_id=nomination.id,
        item_code=item_code,
        title=title or rule_set.dossier_items[item_code].name_vi,
        level=nomination.level,
        file_name=(file.filename or "tep")[:255],
        content_type=content_type,
        size_bytes=len(data),
        sha256=sha256_hex(data),
        storage_key=storage_key,
        uploaded_by_user_id=user.user_id,
        uploaded_at=state.clock.now(),
    )
    session.add(item)
    await session.flush()
    return DossierItemRead(
        id=item.id,
        item_code=item.item_code,
        title=item.title,
        level=item.level,
        file_name=item.file_name,
        content_type=item.content_type,
        size_bytes=item.size_bytes,
        sha256=item.sha256,
        uploaded_at=item.uploaded_at,
        download_url=f"/api/v1/nominations/{nomination.id}/dossier-items/{item.id}/file",
    )


@router.get(
    "/nominations/{nomination_id}/dossier-items/{item_id}/file",
    responses=error_responses(Unauthorized, Forbidden, NotFound),
)
async def download_dossier_item(
    nomination_id: DbId, item_id: DbId, user: CurrentUser, session: ReadSessionDep, state: StateDep
) -> Response:
    await visible_nomination(session, user, nomination_id)
    item = await session.get(DossierItem, item_id)
    if item is None or item.nomination_id != nomination_id or not item.storage_key:
        raise NotFound("Không có tệp này", "no such file")
    data = FileStore(state.settings.files_dir).get(item.storage_key)
    return Response(
        data,
        media_type=item.content_type or "application/octet-stream",
        headers={"Content-Disposition": f'inline; filename="dossier-{item.id}"'},
    )


@router.post(
    "/nominations/{nomination_id}/submit",
    response_model=NominationDetail,
    responses=error_responses(
        Unauthorized, Forbidden, WrongStage, InvalidInput, ServiceUnavailable
    ),
)
async def submit_nomination(
    nomination_id: DbId,
    user: CurrentUser,
    session: SessionDep,
    state: StateDep,
    temporal: TemporalDep,
) -> NominationDetail:
    """Check eligibility and start the approval workflow."""
    nomination = await visible_nomination(session, user, nomination_id)
    if not user.actor.has(Role.UNIT_OFFICER, nomination.proposing_unit_id):
        raise Forbidden()
    await submit(session, state, temporal, user, nomination)
    async with state.reader() as read:
        return await nomination_detail(read, state, user, nomination.id)


@router.delete(
    "/nominations/{nomination_id}",
    status_code=204,
    responses=error_responses(Unauthorized, Forbidden, WrongStage),
)
async def delete_draft(nomination_id: DbId, user: CurrentUser, session: SessionDep) -> Response:
    """Discard a draft that was never submitted (a submitted one is withdrawn instead)."""
    nomination = await visible_nomination(session, user, nomination_id)
    if not user.actor.has(Role.UNIT_OFFICER, nomination.proposing_unit_id):
        raise Forbidden()
    if nomination.stage != Stage.DRAFT:
        raise WrongStage(
            nomination.stage.value, "Chỉ xóa được bản nháp", "only drafts can be deleted"
        )
    if nomination.exemplar_id is not None:
        raise Conflict(
            "Bản nháp được lập từ một điển hình tiên tiến: hãy giữ lại hoặc rút sau khi nộp",
            "this draft comes from an exemplary model and is kept with it",
        )
    await session.delete(nomination)
    return Response(status_code=204)


# ---- read ------------------------------------------------------------------------------


@router.get("/nominations", response_model=NominationPage, responses=error_responses(Unauthorized))
async def list_nominations(
    user: CurrentUser,
    session: ReadSessionDep,
    state: StateDep,
    unit_id: DbId | None = None,
    award_code: str | None = None,
    level: Level | None = None,
    stage: Stage | None = None,
    overdue: bool | None = None,
    year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
    authority_id: DbId | None = None,
    q: Annotated[str | None, Query(max_length=100)] = None,
    open_only: bool = False,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=200)] = 50,
) -> NominationPage:
    """The nominations this person may see, filtered, most urgent first."""
    filters = service.NominationFilters(
        unit_id=unit_id,
        award_code=award_code,
        level=level,
        stage=stage,
        overdue=overdue,
        year=year,
        authority_id=authority_id,
        query=q,
        open_only=open_only,
    )
    total, items = await service.list_nominations(
        session,
        user,
        filters,
        page=page,
        page_size=page_size,
        award_names=award_names(state),
        now=state.clock.now(),
    )
    return NominationPage(total=total, page=page, page_size=page_size, items=items)


@router.get(
    "/nominations/{nomination_id}",
    response_model=NominationDetail,
    responses=error_responses(Unauthorized, Forbidden, NotFound),
)
async def get_nomination(
    nomination_id: DbId, user: CurrentUser, session: ReadSessionDep, state: StateDep
) -> NominationDetail:
    """One nomination: stage, due moment, who must act, the viewer's allowed actions,
    the dossier, objections and documents."""
    await visible_nomination(session, user, nomination_id)
    return await nomination_detail(session, state, user, nomination_id)


@router.get(
    "/nominations/{nomination_id}/history",
    response_model=NominationHistory,
    responses=error_responses(Unauthorized, Forbidden, NotFound),
)
async def nomination_history(
    nomination_id: DbId, user: CurrentUser, session: ReadSessionDep
) -> NominationHistory:
    """Who did what, when and why: the nomination's audit trail as a timeline."""
    await visible_nomination(session, user, nomination_id)
    events = (
        (
            await session.execute(
                select(AuditEvent)
                .where(AuditEvent.nomination_id == nomination_id)
                .order_by(AuditEvent.occurred_at, AuditEvent.id)
            )
        )
        .scalars()
        .all()
    )
    return NominationHistory(
        nomination_id=nomination_id,
        events=[
            AuditEventRead(
                id=e.id,
                action=e.action,
                occurred_at=e.occurred_at,
                actor_name=e.actor_name,
                actor_role=e.actor_role,
                level=e.level,
                from_stage=e.from_stage,
                to_stage=e.to_stage,
                reason=e.reason,
                changes=e.changes or {},
            )
            for e in events
        ],
    )


# ---- commands --------------------------------------------------------------------------


@router.post(
    "/nominations/{nomination_id}/accept", response_model=CommandRead, responses=COMMAND_ERRORS
)
async def accept_dossier(
    nomination_id: DbId,
    body: AcceptCreate,
    user: CurrentUser,
    session: ReadSessionDep,
    state: StateDep,
    temporal: TemporalDep,
) -> CommandRead:
    """The standing body finds the dossier complete (409 naming the missing items if not)."""
    return await run_command(
        session,
        state,
        temporal,
        user,
        nomination_id,
        Command.ACCEPT_DOSSIER,
        NominationWorkflow.accept_dossier,
        ReviewCommand(user.actor, body.note),
    )


@router.post(
    "/nominations/{nomination_id}/return", response_model=CommandRead, responses=COMMAND_ERRORS
)
async def return_for_supplement(
    nomination_id: DbId,
    body: ReturnCreate,
    user: CurrentUser,
    session: ReadSessionDep,
    state: StateDep,
    temporal: TemporalDep,
) -> CommandRead:
    """Return the dossier for supplement (once per level), naming what is missing."""
    return await run_command(
        session,
        state,
        temporal,
        user,
        nomination_id,
        Command.RETURN_FOR_SUPPLEMENT,
        NominationWorkflow.return_for_supplement,
        ReturnCommand(user.actor, list(body.missing_items), body.reason),
    )


@router.post(
    "/nominations/{nomination_id}/resubmit", response_model=CommandRead, responses=COMMAND_ERRORS
)
async def resubmit(
    nomination_id: DbId,
    body: ResubmitCreate,
    user: CurrentUser,
    session: ReadSessionDep,
    state: StateDep,
    temporal: TemporalDep,
) -> CommandRead:
    """Send the supplemented dossier back (upload the files first)."""
    return await run_command(
        session,
        state,
        temporal,
        user,
        nomination_id,
        Command.RESUBMIT,
        NominationWorkflow.resubmit,
        ResubmitCommand(user.actor, list(body.added_items), body.note),
    )


@router.post(
    "/nominations/{nomination_id}/reject", response_model=CommandRead, responses=COMMAND_ERRORS
)
async def reject(
    nomination_id: DbId,
    body: ReasonCreate,
    user: CurrentUser,
    session: ReadSessionDep,
    state: StateDep,
    temporal: TemporalDep,
) -> CommandRead:
    return await run_command(
        session,
        state,
        temporal,
        user,
        nomination_id,
        Command.REJECT,
        NominationWorkflow.reject,
        ReasonCommand(user.actor, body.reason),
    )


@router.post(
    "/nominations/{nomination_id}/withdraw", response_model=CommandRead, responses=COMMAND_ERRORS
)
async def withdraw(
    nomination_id: DbId,
    body: ReasonCreate,
    user: CurrentUser,
    session: ReadSessionDep,
    state: StateDep,
    temporal: TemporalDep,
) -> CommandRead:
    return await run_command(
        session,
        state,
        temporal,
        user,
        nomination_id,
        Command.WITHDRAW,
        NominationWorkflow.withdraw,
        ReasonCommand(user.actor, body.reason),
    )


@router.post(
    "/nominations/{nomination_id}/refuse", response_model=CommandRead, responses=COMMAND_ERRORS
)
async def refuse(
    nomination_id: DbId,
    body: ReasonCreate,
    user: CurrentUser,
    session: ReadSessionDep,
    state: StateDep,
    temporal: TemporalDep,
) -> CommandRead:
    """The competent authority decides not to grant the award."""
    return await run_command(
        session,
        state,
        temporal,
        user,
        nomination_id,
        Command.REFUSE,
        NominationWorkflow.refuse,
        ReasonCommand(user.actor, body.reason),
    )


@router.post(
    "/nominations/{nomination_id}/extend", response_model=CommandRead, responses=COMMAND_ERRORS
)
async def extend_deadline(
    nomination_id: DbId,
    body: ExtendCreate,
    user: CurrentUser,
    session: ReadSessionDep,
    state: StateDep,
    temporal: TemporalDep,
) -> CommandRead:
    return await run_command(
        session,
        state,
        temporal,
        user,
        nomination_id,
        Command.EXTEND_DEADLINE,
        NominationWorkflow.extend_deadline,
        ExtendCommand(user.actor, body.working_days, body.reason),
    )


@router.post(
    "/nominations/{nomination_id}/reassign", response_model=CommandRead, responses=COMMAND_ERRORS
)
async def reassign(
    nomination_id: DbId,
    body: ReassignCreate,
    user: CurrentUser,
    session: ReadSessionDep,
    state: StateDep,
    temporal: TemporalDep,
) -> CommandRead:
    target = await session.get(User, body.to_user_id)
    if target is None or not target.is_active:
        raise InvalidInput("to_user_id", "Không có cán bộ này", "no such officer")
    return await run_command(
        session,
        state,
        temporal,
        user,
        nomination_id,
        Command.REASSIGN,
        NominationWorkflow.reassign,
        ReassignCommand(user.actor, target.id, target.full_name, body.reason),
    )


@router.post(
    "/nominations/{nomination_id}/objections/{objection_key}/resolve",
    response_model=CommandRead,
    responses=COMMAND_ERRORS,
)
async def resolve_objection(
    nomination_id: DbId,
    objection_key: str,
    body: ResolveObjectionCreate,
    user: CurrentUser,
    session: ReadSessionDep,
    state: StateDep,
    temporal: TemporalDep,
) -> CommandRead:
    """Dismiss or uphold an objection, with reasons (upheld rejects the nomination)."""
    return await run_command(
        session,
        state,
        temporal,
        user,
        nomination_id,
        Command.RESOLVE_OBJECTION,
        NominationWorkflow.resolve_objection,
        ResolveObjectionCommand(
            user.actor, objection_key, ObjectionStatus(body.outcome), body.reason
        ),
    )


@router.post(
    "/nominations/{nomination_id}/revoke",
    response_model=CommandRead,
    responses=error_responses(Unauthorized, Forbidden, WrongStage, InvalidInput, Conflict),
)
async def revoke(
    nomination_id: DbId,
    body: RevokeCreate,
    user: CurrentUser,
    session: ReadSessionDep,
    state: StateDep,
    temporal: TemporalDep,
) -> CommandRead:
    """Revoke a granted award (Law 06/2022 Art. 93): it leaves the person's history."""
    nomination = await visible_nomination(session, user, nomination_id)
    context = await nomination_context(session, nomination, decides=decides(state, nomination))
    try:
        check(Command.REVOKE, user.roles, context)
    except PermissionDenied:
        raise Forbidden() from None
    except StageNotAllowed:
        raise WrongStage(
            nomination.stage.value,
            "Chỉ hủy được khen thưởng đã quyết định",
            "only a granted award can be revoked",
        ) from None
    chain = await authority_chain(session, nomination.origin_authority_id)
    deciding = chain[nomination.level]
    award_name = award_names(state).get(nomination.award_code, nomination.award_code)
    try:
        await temporal.execute_workflow(
            RevocationWorkflow.run,
            RevocationInput(
                nomination_id=nomination.id,
                actor=user.actor,
                reason=body.reason,
                legal_basis=body.legal_basis,
                deciding_authority_unit_id=deciding.unit_id,
                proposing_unit_id=nomination.proposing_unit_id,
                nominee_name=nomination.nominee_name,
                award_name=award_name,
                decision_number=nomination.decision_number,
            ),
            id=revocation_workflow_id(nomination.id),
            task_queue=state.settings.task_queue,
        )
    except WorkflowAlreadyStartedError:
        raise Conflict("Khen thưởng này đã bị hủy", "this award was already revoked") from None
    except WorkflowFailureError as failure:
        cause = failure.cause
        if isinstance(cause, ApplicationError):
            raise refusal_to_http(cause, current_stage=nomination.stage.value) from None
        raise
    return CommandRead(
        nomination_id=nomination.id, stage=Stage.REVOKED, level=nomination.level, stage_due_at=None
    )

"""Nominations: start (draft → submit), the dossier, every command of the approval
workflow, lists with filters, one nomination with its allowed actions, and its history."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Path, Query, UploadFile
from fastapi.responses import Response

from domain.permissions import Command
from domain.vocabulary import Level, Stage
from models.schemas.common import DbId
from models.schemas.nominations import (
    AcceptCreate,
    CommandRead,
    DossierItemRead,
    ExtendCreate,
    NominationCreate,
    NominationDetail,
    NominationHistory,
    NominationPage,
    ObjectionRead,
    ObjectionReplyCreate,
    ReasonCreate,
    ReassignCreate,
    ResolveObjectionCreate,
    ResubmitCreate,
    ReturnCreate,
    RevokeCreate,
    SummaryRead,
    SummaryUpdate,
)

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
from ..queries import nominations as queries
from ..services import nominations as service
from ..services import objections as objection_service
from ..services.awards import award_names
from ..state import AppState

router = APIRouter(prefix="/api/v1", tags=["nominations"])

COMMAND_ERRORS = error_responses(Unauthorized, Forbidden, WrongStage, InvalidInput)


async def _detail(state: AppState, user: Principal, nomination_id: int) -> NominationDetail:
    """The nomination as it is now, read in a new snapshot (no write lock held while a
    workflow that was just started or updated writes its projection)."""
    async with state.reader() as read:
        return await service.nomination_detail(
            read,
            catalogue=state.catalogue,
            award_names=award_names(state),
            principal=user,
            nomination_id=nomination_id,
            now=state.clock.now(),
        )


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
    nomination = await service.create_nomination(
        session,
        principal=user,
        data=body,
        rule_set=state.catalogue.in_force(state.clock.today()),
        now=state.clock.now(),
    )
    await session.commit()  # the draft stays, even if submitting it is refused
    if body.submit:
        await service.submit(
            session,
            temporal=temporal,
            principal=user,
            nomination=nomination,
            catalogue=state.catalogue,
            settings=state.settings,
            now=state.clock.now(),
        )
    return await _detail(state, user, nomination.id)


@router.post(
    "/nominations/{nomination_id}/dossier-items",
    response_model=DossierItemRead,
    status_code=201,
    responses=error_responses(Unauthorized, Forbidden, WrongStage, InvalidInput, Conflict),
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
    dossier is returned for supplement. A draft's item takes one file (409 for a second:
    replace or delete the first); while returned, a second file replaces the first."""
    return await service.upload_dossier_item(
        session,
        principal=user,
        nomination_id=nomination_id,
        item_code=item_code,
        file=file,
        title=title,
        catalogue=state.catalogue,
        settings=state.settings,
        now=state.clock.now(),
    )


@router.delete(
    "/nominations/{nomination_id}/dossier-items/{item_id}",
    status_code=204,
    responses=error_responses(Unauthorized, Forbidden, NotFound, WrongStage),
)
async def delete_dossier_item(
    nomination_id: DbId, item_id: DbId, user: CurrentUser, session: SessionDep, state: StateDep
) -> Response:
    """Remove a file (or a declared item) from a draft's dossier; audited. After
    submission a file is replaced instead (409)."""
    await service.delete_dossier_item(
        session,
        principal=user,
        nomination_id=nomination_id,
        item_id=item_id,
        catalogue=state.catalogue,
        now=state.clock.now(),
    )
    return Response(status_code=204)


@router.post(
    "/nominations/{nomination_id}/dossier-items/{item_id}/replace",
    response_model=DossierItemRead,
    status_code=201,
    responses=error_responses(Unauthorized, Forbidden, NotFound, WrongStage, InvalidInput),
)
async def replace_dossier_item(
    nomination_id: DbId,
    item_id: DbId,
    user: CurrentUser,
    session: SessionDep,
    state: StateDep,
    file: Annotated[UploadFile, File()],
    title: Annotated[str | None, Form(max_length=255)] = None,
) -> DossierItemRead:
    """Replace a file of the dossier (while drafting, or while returned for supplement);
    once submitted, the old file is kept as an earlier version. Audited."""
    return await service.replace_dossier_item(
        session,
        principal=user,
        nomination_id=nomination_id,
        item_id=item_id,
        file=file,
        title=title,
        catalogue=state.catalogue,
        settings=state.settings,
        now=state.clock.now(),
    )


@router.get(
    "/nominations/{nomination_id}/dossier-items/{item_id}/file",
    responses=error_responses(Unauthorized, Forbidden, NotFound),
)
async def download_dossier_item(
    nomination_id: DbId, item_id: DbId, user: CurrentUser, session: ReadSessionDep, state: StateDep
) -> Response:
    item, data = await service.dossier_file(
        session,
        principal=user,
        nomination_id=nomination_id,
        item_id=item_id,
        settings=state.settings,
    )
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
    nomination = await service.submit_draft(
        session,
        temporal=temporal,
        principal=user,
        nomination_id=nomination_id,
        catalogue=state.catalogue,
        settings=state.settings,
        now=state.clock.now(),
    )
    return await _detail(state, user, nomination.id)


@router.delete(
    "/nominations/{nomination_id}",
    status_code=204,
    responses=error_responses(Unauthorized, Forbidden, WrongStage),
)
async def delete_draft(nomination_id: DbId, user: CurrentUser, session: SessionDep) -> Response:
    """Discard a draft that was never submitted (a submitted one is withdrawn instead)."""
    await service.delete_draft(session, principal=user, nomination_id=nomination_id)
    return Response(status_code=204)


@router.post(
    "/nominations/{nomination_id}/achievement-summary",
    response_model=SummaryRead,
    responses=error_responses(Unauthorized, Forbidden, NotFound, WrongStage, InvalidInput),
)
async def correct_summary(
    nomination_id: DbId,
    body: SummaryUpdate,
    user: CurrentUser,
    session: SessionDep,
    state: StateDep,
) -> SummaryRead:
    """The standing body corrects the achievement summary (printed word for word on the
    certificate) while it holds the nomination, before the decision draft; audited."""
    return await service.correct_summary(
        session, principal=user, nomination_id=nomination_id, body=body, now=state.clock.now()
    )


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
    filters = queries.NominationFilters(
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
    total, items = await queries.nominations_page(
        session,
        principal=user,
        filters=filters,
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
    await service.readable_nomination(session, principal=user, nomination_id=nomination_id)
    return await service.nomination_detail(
        session,
        catalogue=state.catalogue,
        award_names=award_names(state),
        principal=user,
        nomination_id=nomination_id,
        now=state.clock.now(),
    )


@router.get(
    "/nominations/{nomination_id}/history",
    response_model=NominationHistory,
    responses=error_responses(Unauthorized, Forbidden, NotFound),
)
async def nomination_history(
    nomination_id: DbId, user: CurrentUser, session: ReadSessionDep
) -> NominationHistory:
    """Who did what, when and why: the nomination's audit trail as a timeline."""
    return await service.history(session, principal=user, nomination_id=nomination_id)


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
    return await service.run_command(
        session,
        temporal=temporal,
        catalogue=state.catalogue,
        principal=user,
        nomination_id=nomination_id,
        command=Command.ACCEPT_DOSSIER,
        body=body,
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
    return await service.run_command(
        session,
        temporal=temporal,
        catalogue=state.catalogue,
        principal=user,
        nomination_id=nomination_id,
        command=Command.RETURN_FOR_SUPPLEMENT,
        body=body,
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
    return await service.run_command(
        session,
        temporal=temporal,
        catalogue=state.catalogue,
        principal=user,
        nomination_id=nomination_id,
        command=Command.RESUBMIT,
        body=body,
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
    return await service.run_command(
        session,
        temporal=temporal,
        catalogue=state.catalogue,
        principal=user,
        nomination_id=nomination_id,
        command=Command.REJECT,
        body=body,
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
    return await service.run_command(
        session,
        temporal=temporal,
        catalogue=state.catalogue,
        principal=user,
        nomination_id=nomination_id,
        command=Command.WITHDRAW,
        body=body,
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
    return await service.run_command(
        session,
        temporal=temporal,
        catalogue=state.catalogue,
        principal=user,
        nomination_id=nomination_id,
        command=Command.REFUSE,
        body=body,
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
    return await service.run_command(
        session,
        temporal=temporal,
        catalogue=state.catalogue,
        principal=user,
        nomination_id=nomination_id,
        command=Command.EXTEND_DEADLINE,
        body=body,
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
    return await service.run_command(
        session,
        temporal=temporal,
        catalogue=state.catalogue,
        principal=user,
        nomination_id=nomination_id,
        command=Command.REASSIGN,
        body=body,
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
    return await service.run_command(
        session,
        temporal=temporal,
        catalogue=state.catalogue,
        principal=user,
        nomination_id=nomination_id,
        command=Command.RESOLVE_OBJECTION,
        body=body,
        objection_key=objection_key,
    )


@router.post(
    "/nominations/{nomination_id}/objections/{objection_key}/reply",
    response_model=ObjectionRead,
    responses=error_responses(Unauthorized, Forbidden, NotFound, InvalidInput),
)
async def record_objection_reply(
    nomination_id: DbId,
    objection_key: Annotated[str, Path(max_length=64)],
    body: ObjectionReplyCreate,
    user: CurrentUser,
    session: SessionDep,
    state: StateDep,
) -> ObjectionRead:
    """Record how the standing body answered the objector: ``channel`` (phone, email,
    letter, in_person), a ``note``, ``replied_at`` (default now). The standing body
    handling the objection only; the objector's name and contact never enter the audit
    trail."""
    return await objection_service.record_reply(
        session,
        principal=user,
        nomination_id=nomination_id,
        objection_key=objection_key,
        body=body,
        now=state.clock.now(),
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
    return await service.revoke(
        session,
        temporal=temporal,
        catalogue=state.catalogue,
        award_names=award_names(state),
        task_queue=state.settings.task_queue,
        principal=user,
        nomination_id=nomination_id,
        body=body,
    )

"""Decisions and submissions: draft one document for many nominations, the signing
queue, sign (or delegate to a vice-chairman), send back to the standing body for
correction and submit again, remove an item, cancel."""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import APIRouter, Query, Response

from domain.vocabulary import DecisionKind, DecisionStatus
from models.schemas.common import DbId
from models.schemas.decisions import (
    CancelCreate,
    DecisionCreate,
    DecisionDraftUpdate,
    DecisionPage,
    DecisionRead,
    DelegateCreate,
    ExternalSignatureCreate,
    RemoveItemCreate,
    ResubmitCreate,
    SendBackCreate,
    SignatureRequestRead,
    SignRead,
)
from thidua import files

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
from ..services import decisions as service
from .documents import PDF_RESPONSE, pdf_response

router = APIRouter(prefix="/api/v1", tags=["decisions"])
COMMAND_ERRORS = error_responses(Unauthorized, Forbidden, WrongStage, InvalidInput, Conflict)


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
    decision = await service.start_decision(
        session,
        temporal=temporal,
        principal=user,
        data=body,
        catalogue=state.catalogue,
        settings=state.settings,
        today=state.clock.today(),
    )
    async with state.reader() as read:
        return await service.read_decision_by_id(read, decision_id=decision.id)


@router.get("/decisions", response_model=DecisionPage, responses=error_responses(Unauthorized))
async def list_decisions(
    user: CurrentUser,
    session: ReadSessionDep,
    status: DecisionStatus | None = None,
    kind: DecisionKind | None = None,
    to_sign: Annotated[bool, Query(description="only those waiting for my signature")] = False,
    to_issue: Annotated[
        bool, Query(description="only those signed and waiting for me (a clerk) to issue")
    ] = False,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=100)] = 20,
) -> DecisionPage:
    """Decisions and submissions; ``to_sign=true`` is the signing queue, ``to_issue=true``
    the clerk's (văn thư) queue of signed documents to issue."""
    return await service.list_decisions(
        session,
        principal=user,
        status=status,
        kind=kind,
        to_sign=to_sign,
        to_issue=to_issue,
        page=page,
        page_size=page_size,
    )


@router.get(
    "/decisions/{decision_id}",
    response_model=DecisionRead,
    responses=error_responses(Unauthorized, Forbidden, NotFound),
)
async def get_decision(
    decision_id: DbId, user: CurrentUser, session: ReadSessionDep
) -> DecisionRead:
    decision = await service.visible_decision(session, principal=user, decision_id=decision_id)
    return await service.read_decision(session, decision=decision)


@router.post("/decisions/{decision_id}/sign", response_model=SignRead, responses=COMMAND_ERRORS)
async def sign_decision(
    decision_id: DbId, user: CurrentUser, session: ReadSessionDep, temporal: TemporalDep
) -> SignRead:
    """Sign: the document is numbered, rendered and signed (PAdES) with the signer's
    certificate; every nomination in it is then granted or forwarded. A draft still being
    assembled answers 409 ``not_ready`` with ``Retry-After`` (seconds): ask again then."""
    return await service.sign(session, temporal=temporal, principal=user, decision_id=decision_id)


@router.post("/decisions/{decision_id}/issue", response_model=SignRead, responses=COMMAND_ERRORS)
async def issue_decision(
    decision_id: DbId, user: CurrentUser, session: ReadSessionDep, temporal: TemporalDep
) -> SignRead:
    """The clerk (văn thư) of the issuing authority gives the signed document its
    organisation's digital signature (the seal, the organisation's name and the signing
    time) and issues it (Decree 30/2020); every nomination in it is then granted or
    forwarded. Anyone else: 403; a document not signed yet: 409 ``wrong_stage``."""
    return await service.issue(session, temporal=temporal, principal=user, decision_id=decision_id)


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
    decision = await service.delegate(
        session, temporal=temporal, principal=user, decision_id=decision_id, body=body
    )
    async with state.reader() as read:  # a new snapshot after the workflow's writes
        return await service.read_decision_by_id(read, decision_id=decision.id)


@router.post(
    "/decisions/{decision_id}/send-back", response_model=DecisionRead, responses=COMMAND_ERRORS
)
async def send_back_decision(
    decision_id: DbId,
    body: SendBackCreate,
    user: CurrentUser,
    session: ReadSessionDep,
    state: StateDep,
    temporal: TemporalDep,
) -> DecisionRead:
    """The designated signer returns the draft to the standing body for correction, with
    a reason (status ``returned``): the reminders stop until it is submitted again."""
    decision = await service.send_back(
        session, temporal=temporal, principal=user, decision_id=decision_id, body=body
    )
    async with state.reader() as read:  # a new snapshot after the workflow's writes
        return await service.read_decision_by_id(read, decision_id=decision.id)


@router.post(
    "/decisions/{decision_id}/resubmit", response_model=DecisionRead, responses=COMMAND_ERRORS
)
async def resubmit_decision(
    decision_id: DbId,
    body: ResubmitCreate,
    user: CurrentUser,
    session: ReadSessionDep,
    state: StateDep,
    temporal: TemporalDep,
) -> DecisionRead:
    """The standing body submits a returned draft for signature again: a new signature
    period starts and the signer is asked again."""
    decision = await service.resubmit(
        session, temporal=temporal, principal=user, decision_id=decision_id, body=body
    )
    async with state.reader() as read:  # a new snapshot after the workflow's writes
        return await service.read_decision_by_id(read, decision_id=decision.id)


@router.post(
    "/decisions/{decision_id}/draft", response_model=DecisionRead, responses=COMMAND_ERRORS
)
async def edit_draft(
    decision_id: DbId,
    body: DecisionDraftUpdate,
    user: CurrentUser,
    session: ReadSessionDep,
    state: StateDep,
    temporal: TemporalDep,
) -> DecisionRead:
    """The standing body edits the draft before signing: title, legal grounds (căn cứ,
    one per line), proposer line, recipients (nơi nhận), order of awardees (the draft's
    nomination ids in order), a free-text reason. Fields left out stay as they are; the
    preview, the .docx and the signed PDF all show the edits."""
    decision = await service.edit_draft(
        session, temporal=temporal, principal=user, decision_id=decision_id, body=body
    )
    async with state.reader() as read:  # a new snapshot after the workflow's writes
        return await service.read_decision_by_id(read, decision_id=decision.id)


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
    decision = await service.remove_item(
        session, temporal=temporal, principal=user, decision_id=decision_id, body=body
    )
    async with state.reader() as read:  # a new snapshot after the workflow's writes
        return await service.read_decision_by_id(read, decision_id=decision.id)


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
    decision = await service.cancel(
        session, temporal=temporal, principal=user, decision_id=decision_id, body=body
    )
    async with state.reader() as read:  # a new snapshot after the workflow's writes
        return await service.read_decision_by_id(read, decision_id=decision.id)


# ---- signing on the signer's own computer --------------------------------------------------


@router.post(
    "/decisions/{decision_id}/external-signing",
    response_model=SignatureRequestRead,
    responses=COMMAND_ERRORS,
)
async def start_external_signing(
    decision_id: DbId,
    user: CurrentUser,
    session: ReadSessionDep,
    state: StateDep,
    temporal: TemporalDep,
) -> SignatureRequestRead:
    """The designated signer, configured to sign on their own computer
    (``THIDUA_EXTERNAL_SIGNERS``: their USB token and their CA's signing agent), starts
    signing: the document is prepared (its number and date blank, for the clerk), and
    the answer is what the agent signs (``to_sign``, or its SHA-256 ``digest``). The agent's signature goes to
    ``POST …/signature``. Anyone else: 403; a signer not configured so: 409."""
    return await service.start_external_signing(
        session,
        temporal=temporal,
        principal=user,
        decision_id=decision_id,
        settings=state.settings,
    )


@router.get(
    "/decisions/{decision_id}/signature-request",
    response_model=SignatureRequestRead,
    responses=error_responses(Unauthorized, NotFound),
)
async def get_signature_request(
    decision_id: DbId, user: CurrentUser, session: ReadSessionDep, temporal: TemporalDep
) -> SignatureRequestRead:
    """The signature request pending for me (the designated signer); anyone else, or
    none pending: 404."""
    return await service.signature_request(
        session, temporal=temporal, principal=user, decision_id=decision_id
    )


@router.delete(
    "/decisions/{decision_id}/signature-request",
    response_model=DecisionRead,
    responses=COMMAND_ERRORS,
)
async def withdraw_signature_request(
    decision_id: DbId,
    user: CurrentUser,
    session: ReadSessionDep,
    state: StateDep,
    temporal: TemporalDep,
) -> DecisionRead:
    """The designated signer withdraws the request pending for their own computer's
    signature (their agent will not answer, or they sign another way): the document waits
    for a signature again, nothing was numbered for it. 409 when none is pending."""
    decision = await service.withdraw_external_signing(
        session, temporal=temporal, principal=user, decision_id=decision_id
    )
    async with state.reader() as read:  # a new snapshot after the workflow's writes
        return await service.read_decision_by_id(read, decision_id=decision.id)


@router.get(
    "/decisions/{decision_id}/signature-request/pdf",
    response_class=Response,
    responses={**PDF_RESPONSE, **error_responses(Unauthorized, NotFound)},
)
async def get_signature_request_pdf(
    decision_id: DbId,
    user: CurrentUser,
    session: ReadSessionDep,
    state: StateDep,
    temporal: TemporalDep,
) -> Response:
    """The prepared document the signer is asked to sign (its empty signature field; its
    number and date blank for the clerk), so that they read what they sign; anyone
    else: 404."""
    request = await service.pending_signature_request(
        session, temporal=temporal, principal=user, decision_id=decision_id
    )
    data = await asyncio.to_thread(files.get, state.settings, request.pdf_storage_key)
    return pdf_response(data, f"Dự thảo ký số {request.number_text or decision_id}")


@router.post(
    "/decisions/{decision_id}/signature", response_model=SignRead, responses=COMMAND_ERRORS
)
async def submit_external_signature(
    decision_id: DbId,
    body: ExternalSignatureCreate,
    user: CurrentUser,
    session: ReadSessionDep,
    temporal: TemporalDep,
) -> SignRead:
    """The signing agent's answer (the raw signature, base64): embedded (PAdES B-LT),
    the document is signed and waits for the clerk, the same answer as ``/sign``. 422 on
    ``signature`` when it does not verify against the signer's certificate (the request
    stays open for another answer); 409 when no request is pending."""
    return await service.submit_external_signature(
        session, temporal=temporal, principal=user, decision_id=decision_id, body=body
    )

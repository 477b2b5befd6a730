"""Decisions (quyết định) and submissions (tờ trình): drafting one document for many
nominations and starting its workflow, who may read it, reading it back, and the
commands of its workflow (sign, delegate to a vice-chairman, send back to the standing
body for correction, submit again, remove an item, cancel).

The JSON routes (``api/routes/decisions.py``) and the pages (``api/pages/decisions.py``)
both call these functions."""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession
from temporalio.client import Client
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from domain.catalogue import Catalogue
from domain.vocabulary import DecisionKind, DecisionStatus, NomineeKind, Role, SignerCapacity, Stage
from models import Authority, Decision, DecisionItem, Nomination, Person, Unit
from models.schemas.decisions import (
    CancelCreate,
    DecisionCreate,
    DecisionDraftUpdate,
    DecisionItemRead,
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
from thidua.settings import Settings
from workflows.decision import DecisionWorkflow
from workflows.decision_types import (
    CLERK_ONLY,
    SIGNER_ONLY,
    CancelCommand,
    DecisionInput,
    DecisionItemPlan,
    DelegateCommand,
    EditDraftCommand,
    ExternalSignatureRequest,
    IssueCommand,
    RemoveItemCommand,
    ResubmitCommand,
    SendBackCommand,
    SignCommand,
    SignResult,
    SubmitExternalSignatureCommand,
    WithdrawSignatureRequestCommand,
    decision_workflow_id,
    may_cancel,
    may_edit_draft,
    may_issue,
    may_sign,
)

from ..errors import Conflict, Forbidden, InvalidInput, NotFound, ServiceUnavailable
from ..principal import Principal
from ..queries import authorities as authority_queries
from ..queries import decisions as queries
from ..queries import nominations as nomination_queries
from ..temporal_calls import execute_update
from .council import standing_authority
from .plans import calendar_data

SIGNING_ROLES = (Role.CHAIRMAN, Role.VICE_CHAIRMAN)


def can_see_decision(principal: Principal, decision: Decision) -> bool:
    """Issued decisions are published; a submission (internal correspondence between
    authorities) and a draft are for the people of their authority."""
    if principal.sees_all or queries.published(decision):
        return True
    return decision.authority_id in (
        principal.authority_ids(*queries.READER_ROLES) | principal.admin_authority_ids
    )


async def visible_decision(
    session: AsyncSession, *, principal: Principal, decision_id: int
) -> Decision:
    """The decision if this person may read it; 403 otherwise, also when it does not
    exist (an administrator is told it does not)."""
    decision = await queries.decision_by_id(session, decision_id=decision_id)
    if decision is None:
        if principal.sees_all:
            raise NotFound("Không có văn bản này", "no such decision")
        raise Forbidden()
    if not can_see_decision(principal, decision):
        raise Forbidden()
    return decision


async def _description(session: AsyncSession, nomination: Nomination) -> str:
    unit = await session.get(Unit, nomination.proposing_unit_id)
    if nomination.subject_kind == NomineeKind.INDIVIDUAL and nomination.person_id:
        person = await session.get(Person, nomination.person_id)
        if person and person.position:
            return (
                person.position
                if unit is None or unit.name in person.position
                else (f"{person.position}, {unit.name}")
            )
    return unit.name if unit else ""


async def draft(
    session: AsyncSession,
    *,
    principal: Principal,
    data: DecisionCreate,
    catalogue: Catalogue,
    settings: Settings,
    today: date,
) -> tuple[Decision, DecisionInput]:
    authority_id = standing_authority(principal, data.authority_id)
    authority = await session.get(Authority, authority_id)
    assert authority is not None
    expected = (
        Stage.AWAITING_DECISION if data.kind == DecisionKind.DECISION else Stage.AWAITING_SUBMISSION
    )
    if len(set(data.nomination_ids)) != len(data.nomination_ids):
        raise InvalidInput("nomination_ids", "Một đề nghị bị lặp", "a nomination appears twice")
    nominations = await nomination_queries.nominations_by_id(
        session, nomination_ids=data.nomination_ids
    )
    awards = []
    for index, nomination_id in enumerate(data.nomination_ids):
        nomination = nominations.get(nomination_id)
        field = f"nomination_ids.{index}"
        if nomination is None or nomination.authority_id != authority_id:
            raise InvalidInput(
                field,
                f"Đề nghị {nomination_id} không thuộc cơ quan này",
                f"nomination {nomination_id} is not at this authority",
            )
        if nomination.stage != expected:
            raise Conflict(
                f"Đề nghị {nomination_id} chưa sẵn sàng ({nomination.stage.value})",
                f"nomination {nomination_id} is not {expected.value} ({nomination.stage.value})",
                field=field,
            )
        awards.append(catalogue.get(nomination.rule_set_id).awards[nomination.award_code])
    next_authority = (
        await session.get(Authority, authority.parent_authority_id)
        if authority.parent_authority_id
        else None
    )
    award_names = sorted({a.name_vi for a in awards})
    if data.title:
        title = data.title
    elif data.kind == DecisionKind.DECISION:
        title = "Về việc tặng " + (
            award_names[0] if len(award_names) == 1 else "danh hiệu, hình thức khen thưởng"
        )
    else:
        target = next_authority.name if next_authority else "cấp trên"
        title = f"Về việc đề nghị {target} khen thưởng " + (
            award_names[0] if len(award_names) == 1 else ""
        )
    standing = await session.get(Unit, authority.standing_unit_id)
    decision = Decision(
        authority_id=authority_id,
        kind=data.kind,
        title=title.strip(),
        drafted_by_user_id=principal.user_id,
        proposer_text=data.proposer_text
        or (f"Theo đề nghị của Trưởng {standing.name}" if standing else ""),
    )
    session.add(decision)
    await session.flush()
    items = []
    for position, nomination_id in enumerate(data.nomination_ids, start=1):
        nomination = nominations[nomination_id]
        rule_set = catalogue.get(nomination.rule_set_id)
        award = rule_set.awards[nomination.award_code]
        multiple = float(award.cash_multiples.get(nomination.subject_kind, 0.0))
        session.add(
            DecisionItem(
                decision_id=decision.id,
                nomination_id=nomination.id,
                position=position,
                nominee_name=nomination.nominee_name,
                nominee_description=await _description(session, nomination),
                award_code=nomination.award_code,
                cash_multiple=multiple,
                cash_amount_vnd=round(multiple * rule_set.base_salary_vnd),
            )
        )
        items.append(
            DecisionItemPlan(
                nomination_id=nomination.id,
                nomination_workflow_id=nomination.workflow_id,
                proposing_unit_id=nomination.proposing_unit_id,
                nominee_name=nomination.nominee_name,
            )
        )
    decision.workflow_id = decision_workflow_id(decision.id)
    signature = awards[0].level_rule(nominations[data.nomination_ids[0]].level).signature
    await session.flush()
    workflow_input = DecisionInput(
        decision_id=decision.id,
        kind=data.kind,
        title=decision.title,
        authority_id=authority_id,
        authority_unit_id=authority.unit_id,
        standing_unit_id=authority.standing_unit_id,
        next_standing_unit_id=next_authority.standing_unit_id if next_authority else None,
        items=items,
        drafted_by=principal.actor,
        signature=signature,
        calendar=calendar_data(settings, today),
        head_title=authority.head_title,
        signing_task_queue=settings.signing_task_queue,
    )
    return decision, workflow_input


async def start_decision(
    session: AsyncSession,
    *,
    temporal: Client,
    principal: Principal,
    data: DecisionCreate,
    catalogue: Catalogue,
    settings: Settings,
    today: date,
) -> Decision:
    """Draft the document and start its workflow, which asks the signer to sign it.

    Commits: the workflow must find the committed decision and items. If Temporal cannot
    start it, the draft is deleted again (and that committed)."""
    decision, workflow_input = await draft(
        session,
        principal=principal,
        data=data,
        catalogue=catalogue,
        settings=settings,
        today=today,
    )
    await session.commit()
    try:
        await temporal.start_workflow(
            DecisionWorkflow.run,
            workflow_input,
            id=decision.workflow_id,
            task_queue=settings.task_queue,
        )
    except WorkflowAlreadyStartedError:
        raise Conflict("Văn bản đã được lập", "the decision already exists") from None
    except Exception as exc:
        await session.delete(decision)
        await session.commit()
        raise ServiceUnavailable("Không lập được văn bản", f"could not start: {exc}") from exc
    return decision


# ---- reading -------------------------------------------------------------------------------


async def list_decisions(
    session: AsyncSession,
    *,
    principal: Principal,
    status: DecisionStatus | None,
    kind: DecisionKind | None,
    to_sign: bool,
    page: int,
    page_size: int,
    to_issue: bool = False,
) -> DecisionPage:
    total, rows = await queries.decisions_listed(
        session,
        principal=principal,
        status=status,
        kind=kind,
        to_sign_only=to_sign,
        to_issue_only=to_issue,
        offset=(page - 1) * page_size,
        limit=page_size,
    )
    return DecisionPage(
        total=total,
        page=page,
        page_size=page_size,
        items=[await read_decision(session, decision=d) for d in rows],
    )


async def read_decision_by_id(session: AsyncSession, *, decision_id: int) -> DecisionRead:
    """``read_decision`` of a decision known to exist (after a command, in a new snapshot)."""
    decision = await queries.decision_by_id(session, decision_id=decision_id)
    assert decision is not None
    return await read_decision(session, decision=decision)


async def read_decision(session: AsyncSession, *, decision: Decision) -> DecisionRead:
    authority = await authority_queries.authority_by_id(session, authority_id=decision.authority_id)
    items = await queries.items(session, decision_id=decision.id)
    sent_back = (
        await queries.latest_send_back(session, decision_id=decision.id)
        if decision.status == DecisionStatus.RETURNED
        else None
    )
    return DecisionRead(
        id=decision.id,
        authority_id=decision.authority_id,
        authority_name=authority.name if authority else "",
        kind=decision.kind,
        status=decision.status,
        title=decision.title,
        number_text=decision.number_text,
        issued_on=decision.issued_on,
        signer_user_id=decision.signer_user_id,
        signer_capacity=decision.signer_capacity,
        due_at=decision.due_at,
        signed_at=decision.signed_at,
        document_id=decision.document_id,
        items=[
            DecisionItemRead(
                nomination_id=i.nomination_id,
                position=i.position,
                nominee_name=i.nominee_name,
                nominee_description=i.nominee_description,
                award_code=i.award_code,
                cash_multiple=i.cash_multiple,
                cash_amount_vnd=i.cash_amount_vnd,
            )
            for i in items
        ],
        preview_url=f"/api/v1/decisions/{decision.id}/preview.pdf",
        pdf_url=f"/api/v1/documents/{decision.document_id}/pdf" if decision.document_id else None,
        returned_reason=sent_back.reason if sent_back else None,
    )


def require_chairman(principal: Principal, authority_unit_id: int) -> None:
    if not principal.actor.has(Role.CHAIRMAN, authority_unit_id):
        raise Forbidden()


async def _authority_of(session: AsyncSession, decision: Decision) -> Authority:
    authority = await authority_queries.authority_by_id(session, authority_id=decision.authority_id)
    assert authority is not None
    return authority


# Each command first asks whether this person could ever give it for this document (the
# rule its workflow's validator applies, on the projection): a document that is issued
# or cancelled has no workflow left to answer, and its status must not be what a person
# who may not act here learns (403 before 409).


# ---- the workflow's commands ---------------------------------------------------------------


async def sign(
    session: AsyncSession, *, temporal: Client, principal: Principal, decision_id: int
) -> SignRead:
    """Sign: the document is numbered, rendered and signed (PAdES) with the signer's
    certificate; the clerk then issues it (``issue``), and only then is every nomination in
    it granted or forwarded."""
    decision = await visible_decision(session, principal=principal, decision_id=decision_id)
    authority = await _authority_of(session, decision)
    if not may_sign(
        principal.actor, authority_unit_id=authority.unit_id, delegated_to=_delegated_to(decision)
    ):
        raise Forbidden(*SIGNER_ONLY)
    result = await execute_update(
        temporal.get_workflow_handle(decision.workflow_id),
        DecisionWorkflow.sign,
        SignCommand(actor=principal.actor),
        current_stage=decision.status.value,
    )
    return _sign_read(result)


async def issue(
    session: AsyncSession, *, temporal: Client, principal: Principal, decision_id: int
) -> SignRead:
    """The clerk (văn thư) applies the organisation's digital signature (its seal) over the
    signer's and issues the document; every nomination in it is then granted or
    forwarded."""
    decision = await visible_decision(session, principal=principal, decision_id=decision_id)
    authority = await _authority_of(session, decision)
    if not may_issue(principal.actor, authority_unit_id=authority.unit_id):
        raise Forbidden(*CLERK_ONLY)
    result = await execute_update(
        temporal.get_workflow_handle(decision.workflow_id),
        DecisionWorkflow.issue,
        IssueCommand(actor=principal.actor),
        current_stage=decision.status.value,
    )
    return _sign_read(result)


def _sign_read(result: SignResult) -> SignRead:
    return SignRead(
        decision_id=result.decision_id,
        number_text=result.number_text,
        document_id=result.document_id,
        issued_on=result.issued_on,
        sha256=result.sha256,
    )


def _delegated_to(decision: Decision) -> int | None:
    return decision.signer_user_id if decision.signer_capacity == SignerCapacity.DEPUTY else None


async def send_back(
    session: AsyncSession,
    *,
    temporal: Client,
    principal: Principal,
    decision_id: int,
    body: SendBackCreate,
) -> Decision:
    """The designated signer returns the draft to the standing body for correction, with
    a reason; it is signed only once submitted again."""
    decision = await visible_decision(session, principal=principal, decision_id=decision_id)
    authority = await _authority_of(session, decision)
    if not may_sign(
        principal.actor, authority_unit_id=authority.unit_id, delegated_to=_delegated_to(decision)
    ):
        raise Forbidden(*SIGNER_ONLY)
    await execute_update(
        temporal.get_workflow_handle(decision.workflow_id),
        DecisionWorkflow.send_back,
        SendBackCommand(actor=principal.actor, reason=body.reason),
        current_stage=decision.status.value,
    )
    return decision


async def resubmit(
    session: AsyncSession,
    *,
    temporal: Client,
    principal: Principal,
    decision_id: int,
    body: ResubmitCreate,
) -> Decision:
    """The standing body submits a draft that was sent back for signature again."""
    decision = await visible_decision(session, principal=principal, decision_id=decision_id)
    authority = await _authority_of(session, decision)
    if not may_edit_draft(principal.actor, standing_unit_id=authority.standing_unit_id):
        raise Forbidden()
    await execute_update(
        temporal.get_workflow_handle(decision.workflow_id),
        DecisionWorkflow.resubmit,
        ResubmitCommand(actor=principal.actor, note=body.note),
        current_stage=decision.status.value,
    )
    return decision


async def delegate(
    session: AsyncSession,
    *,
    temporal: Client,
    principal: Principal,
    decision_id: int,
    body: DelegateCreate,
) -> Decision:
    """The chairman has a vice-chairman sign ("KT. CHỦ TỊCH / PHÓ CHỦ TỊCH")."""
    decision = await visible_decision(session, principal=principal, decision_id=decision_id)
    authority = await authority_queries.authority_by_id(session, authority_id=decision.authority_id)
    assert authority is not None
    target = await authority_queries.officer_by_id(session, user_id=body.to_user_id)
    is_vice = target is not None and await authority_queries.holds_office(
        session, user_id=body.to_user_id, role=Role.VICE_CHAIRMAN, unit_id=authority.unit_id
    )
    require_chairman(principal, authority.unit_id)
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
            actor=principal.actor,
            to_user_id=target.id,
            to_user_name=target.full_name,
            reason=body.reason,
        ),
        current_stage=decision.status.value,
    )
    return decision


async def remove_item(
    session: AsyncSession,
    *,
    temporal: Client,
    principal: Principal,
    decision_id: int,
    body: RemoveItemCreate,
) -> Decision:
    decision = await visible_decision(session, principal=principal, decision_id=decision_id)
    authority = await _authority_of(session, decision)
    if not may_edit_draft(principal.actor, standing_unit_id=authority.standing_unit_id):
        raise Forbidden()
    await execute_update(
        temporal.get_workflow_handle(decision.workflow_id),
        DecisionWorkflow.remove_item,
        RemoveItemCommand(
            actor=principal.actor, nomination_id=body.nomination_id, reason=body.reason
        ),
        current_stage=decision.status.value,
    )
    return decision


async def edit_draft(
    session: AsyncSession,
    *,
    temporal: Client,
    principal: Principal,
    decision_id: int,
    body: DecisionDraftUpdate,
) -> Decision:
    """The standing body edits the draft (title, legal grounds, proposer line, recipients,
    order of awardees, reason) while it awaits its signature or was sent back."""
    decision = await visible_decision(session, principal=principal, decision_id=decision_id)
    authority = await _authority_of(session, decision)
    if not may_edit_draft(principal.actor, standing_unit_id=authority.standing_unit_id):
        raise Forbidden()
    await execute_update(
        temporal.get_workflow_handle(decision.workflow_id),
        DecisionWorkflow.edit_draft,
        EditDraftCommand(
            actor=principal.actor,
            title=body.title,
            legal_grounds=body.legal_grounds,
            proposer_text=body.proposer_text,
            recipients=body.recipients,
            item_order=body.item_order,
            reason_text=body.reason_text,
        ),
        current_stage=decision.status.value,
    )
    return decision


async def cancel(
    session: AsyncSession,
    *,
    temporal: Client,
    principal: Principal,
    decision_id: int,
    body: CancelCreate,
) -> Decision:
    decision = await visible_decision(session, principal=principal, decision_id=decision_id)
    authority = await _authority_of(session, decision)
    if not may_cancel(
        principal.actor,
        standing_unit_id=authority.standing_unit_id,
        authority_unit_id=authority.unit_id,
    ):
        raise Forbidden()
    await execute_update(
        temporal.get_workflow_handle(decision.workflow_id),
        DecisionWorkflow.cancel,
        CancelCommand(actor=principal.actor, reason=body.reason),
        current_stage=decision.status.value,
    )
    return decision


# ---- signing on the signer's own computer (THIDUA_EXTERNAL_SIGNERS) ------------------------


def signs_externally(settings: Settings, username: str) -> bool:
    """Whether ``username`` signs on their own computer (the external signers file names
    them, and no token or remote service file comes first)."""
    from activities.signers import (
        ExternalKey,
        ServerHeldKeyRefused,
        SignerConfigurationError,
        signing_key_for,
    )

    try:
        key = signing_key_for(settings, username=username, identity_p12=None)
    except (SignerConfigurationError, ServerHeldKeyRefused):
        return False
    return isinstance(key, ExternalKey)


def _request_read(decision_id: int, request: ExternalSignatureRequest) -> SignatureRequestRead:
    base = f"/api/v1/decisions/{decision_id}"
    return SignatureRequestRead(
        decision_id=decision_id,
        number_text=request.number_text,
        to_sign=request.to_sign_b64,
        digest=request.digest_b64,
        algorithm=request.algorithm,
        certificate_sha256=request.certificate_sha256,
        requested_at=request.requested_at,
        expires_at=request.expires_at,
        pdf_url=f"{base}/signature-request/pdf",
        signature_url=f"{base}/signature",
    )


async def start_external_signing(
    session: AsyncSession,
    *,
    temporal: Client,
    principal: Principal,
    decision_id: int,
    settings: Settings,
) -> SignatureRequestRead:
    """The designated signer signs on their own computer: the document is prepared (its
    number and date blank, for the clerk), and the answer is what their agent signs."""
    decision = await visible_decision(session, principal=principal, decision_id=decision_id)
    authority = await _authority_of(session, decision)
    if not may_sign(
        principal.actor, authority_unit_id=authority.unit_id, delegated_to=_delegated_to(decision)
    ):
        raise Forbidden(*SIGNER_ONLY)
    if not signs_externally(settings, principal.username):
        raise Conflict(
            "Người ký không được khai báo ký bằng thiết bị ký số trên máy của mình "
            "(THIDUA_EXTERNAL_SIGNERS): hãy ký trên hệ thống",
            "the signer is not configured to sign on their own computer "
            "(THIDUA_EXTERNAL_SIGNERS): sign on the server instead",
        )
    request = await execute_update(
        temporal.get_workflow_handle(decision.workflow_id),
        DecisionWorkflow.start_external_signing,
        SignCommand(actor=principal.actor),
        current_stage=decision.status.value,
    )
    return _request_read(decision.id, request)


async def pending_signature_request(
    session: AsyncSession, *, temporal: Client, principal: Principal, decision_id: int
) -> ExternalSignatureRequest:
    """The request pending for this person's signature; to anyone else, and when none
    is pending, 404 like a missing id."""
    missing = NotFound("Không có yêu cầu ký này", "no such signature request")
    decision = await queries.decision_by_id(session, decision_id=decision_id)
    if decision is None or not decision.workflow_id:
        raise missing
    if decision.status != DecisionStatus.AWAITING_SIGNATURE:
        raise missing
    try:
        view = await temporal.get_workflow_handle(decision.workflow_id).query(
            DecisionWorkflow.status
        )
    except RPCError as exc:
        if exc.status == RPCStatusCode.NOT_FOUND:
            raise missing from None
        raise
    request = view.signature_request
    if request is None or request.signer_user_id != principal.actor.user_id:
        raise missing
    return request


async def signature_request(
    session: AsyncSession, *, temporal: Client, principal: Principal, decision_id: int
) -> SignatureRequestRead:
    request = await pending_signature_request(
        session, temporal=temporal, principal=principal, decision_id=decision_id
    )
    return _request_read(decision_id, request)


async def withdraw_external_signing(
    session: AsyncSession, *, temporal: Client, principal: Principal, decision_id: int
) -> Decision:
    """The signer withdraws the request pending for their own computer's signature: the
    document waits for a signature again. 409 when none is pending; anyone but the
    request's signer: 403."""
    decision = await visible_decision(session, principal=principal, decision_id=decision_id)
    authority = await _authority_of(session, decision)
    if not may_sign(
        principal.actor, authority_unit_id=authority.unit_id, delegated_to=_delegated_to(decision)
    ):
        raise Forbidden(*SIGNER_ONLY)
    await execute_update(
        temporal.get_workflow_handle(decision.workflow_id),
        DecisionWorkflow.withdraw_external_signing,
        WithdrawSignatureRequestCommand(actor=principal.actor),
        current_stage=decision.status.value,
    )
    return decision


async def submit_external_signature(
    session: AsyncSession,
    *,
    temporal: Client,
    principal: Principal,
    decision_id: int,
    body: ExternalSignatureCreate,
) -> SignRead:
    """The signer's agent answered: the signature is embedded and the document is signed
    (the same answer as ``sign``). 422 on ``signature`` when it does not verify against
    the signer's certificate; 409 when no request is pending."""
    decision = await visible_decision(session, principal=principal, decision_id=decision_id)
    authority = await _authority_of(session, decision)
    if not may_sign(
        principal.actor, authority_unit_id=authority.unit_id, delegated_to=_delegated_to(decision)
    ):
        raise Forbidden(*SIGNER_ONLY)
    result = await execute_update(
        temporal.get_workflow_handle(decision.workflow_id),
        DecisionWorkflow.submit_external_signature,
        SubmitExternalSignatureCommand(actor=principal.actor, signature_b64=body.signature),
        current_stage=decision.status.value,
    )
    return _sign_read(result)

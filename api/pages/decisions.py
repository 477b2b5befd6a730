"""Decision pages: the standing body drafts a decision (or a submission to the next
level) from the nominations awaiting one and sees its PDF preview; the chairman or the
delegated vice-chairman signs from the signing queue, below the preview, through a
confirmation step that sums up what is signed (title, awardees, total cash), or sends the
draft back to the standing body with a reason; the clerk (văn thư) issues what was signed
from the issuing queue (``/issuing``: the organisation's digital signature, Decree 30); the chairman may delegate signing to a
vice-chairman. The standing body takes an item out of its draft, cancels it, and submits
a draft that was sent back again, the reason shown at the top. A draft whose nominations
are still confirming their places (seconds) is shown as being prepared, and the page
reloads itself until it can be signed."""

from __future__ import annotations

from math import ceil

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import ValidationError
from temporalio.service import RPCError

from domain.vocabulary import DecisionKind, DecisionStatus, Role, SignerCapacity, Stage
from models.schemas.common import DbId
from models.schemas.decisions import (
    CancelCreate,
    DecisionCreate,
    DecisionDraftUpdate,
    DelegateCreate,
    RemoveItemCreate,
    ResubmitCreate,
    SendBackCreate,
)
from workflows.decision_types import ASSEMBLY_RETRY_AFTER_SECONDS, may_edit_draft, may_issue
from workflows.decision_types import may_sign as designated_signer

from ..deps import ReadSessionDep, SessionDep, StateDep
from ..errors import DomainError, Forbidden, NotReady
from ..i18n import request_language, translator
from ..principal import Principal
from ..queries import authorities as authority_queries
from ..queries import decisions as queries
from ..queries import nominations as nomination_queries
from ..routes.documents import get_rule_set_lookup
from ..services import decisions as service
from ..services import documents as document_service
from ..services import nominations as nomination_service
from ..services.awards import award_names
from ..services.document_audience import decision_audience, draft_audience, may_read
from ..services.documents import DraftFields
from ..services.exports.links import awardees_link
from .common import (
    PageUser,
    csrf_refused,
    domain_error_page,
    field_of,
    form_csrf_ok,
    login_redirect,
    message_of,
    redirect_with_flash,
    render,
    temporal_client,
    text,
    validation_errors,
    whole_number,
)

router = APIRouter(include_in_schema=False)

PAGE_SIZE = 20
DRAFT_LIMIT = 200  # nominations offered for one draft, earliest deadline first


async def decisions_page(
    request: Request,
    user: Principal,
    session,
    state,
    *,
    page: int = 1,
    errors: dict | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    standing = user.authority_ids(Role.STANDING_OFFICER)
    authorities = user.authority_ids(
        Role.STANDING_OFFICER, Role.CHAIRMAN, Role.VICE_CHAIRMAN, Role.AUDITOR, Role.COUNCIL_MEMBER
    )
    total, rows = await queries.decisions_of(
        session, authority_ids=authorities, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE
    )
    names = award_names(state)
    return render(
        request,
        "pages/decisions.html",
        {
            "rows": rows,
            "total": total,
            "page": page,
            "pages": max(ceil(total / PAGE_SIZE), 1),
            "can_draft": bool(standing),
            "awaiting_decision": await nomination_queries.nominations_where(
                session,
                condition=nomination_queries.at_authorities(standing, Stage.AWAITING_DECISION),
                award_names=names,
                limit=DRAFT_LIMIT,
                now=state.clock.now(),
            ),
            "awaiting_submission": await nomination_queries.nominations_where(
                session,
                condition=nomination_queries.at_authorities(standing, Stage.AWAITING_SUBMISSION),
                award_names=names,
                limit=DRAFT_LIMIT,
                now=state.clock.now(),
            ),
            "errors": errors or {},
        },
        user=user,
        status_code=status_code,
    )


@router.get("/decisions", response_class=HTMLResponse)
async def decisions(
    request: Request, user: PageUser, session: ReadSessionDep, state: StateDep, page: str = "1"
):
    if user is None:
        return login_redirect(request)
    return await decisions_page(
        request, user, session, state, page=whole_number(page, 1, low=1, high=10_000)
    )


@router.post("/decisions", response_class=HTMLResponse)
async def draft(request: Request, user: PageUser, session: SessionDep, state: StateDep):
    if user is None:
        return login_redirect(request, "/decisions")
    form = await request.form()
    if not form_csrf_ok(request, str(form.get("csrf_token") or "")):
        return csrf_refused(request, user)
    kind = str(form.get("kind") or DecisionKind.DECISION.value)
    ids = [int(v) for v in form.getlist("nomination_ids") if str(v).isdigit()]
    prefix = f"{kind}."
    try:
        data = DecisionCreate.model_validate(
            {
                "kind": kind,
                "nomination_ids": ids,
                "title": str(form.get("title") or "").strip() or None,
            }
        )
    except ValidationError as exc:
        errors = {prefix + k: v for k, v in validation_errors(request, exc).items()}
        if prefix + "nomination_ids" in errors:
            errors[prefix + "nomination_ids"] = text(request, "field_choose")
        return await decisions_page(request, user, session, state, errors=errors, status_code=422)
    try:
        temporal = await temporal_client(state)
        decision = await service.start_decision(
            session,
            temporal=temporal,
            principal=user,
            data=data,
            catalogue=state.catalogue,
            settings=state.settings,
            today=state.clock.today(),
        )
    except DomainError as exc:
        await session.rollback()
        if exc.status_code == 403:
            return domain_error_page(request, user, exc)
        return await decisions_page(
            request,
            user,
            session,
            state,
            errors={prefix + field_of(exc): message_of(request, exc)},
            status_code=exc.status_code,
        )
    await session.commit()
    return redirect_with_flash(request, f"/decisions/{decision.id}", "decision_drafted")


# ---- one decision, signing -------------------------------------------------------------------


async def _decision_context(session, state, user: Principal, decision_id: DbId) -> dict:
    row = await queries.decision_row(session, decision_id=decision_id)
    if row is None or not service.can_see_decision(user, row.decision):
        raise Forbidden()
    decision = row.decision
    authority = await authority_queries.authority_by_id(session, authority_id=decision.authority_id)
    assert authority is not None
    is_chairman = user.actor.has(Role.CHAIRMAN, authority.unit_id)
    awaiting = decision.status == DecisionStatus.AWAITING_SIGNATURE
    returned = decision.status == DecisionStatus.RETURNED
    may_edit = (awaiting or returned) and may_edit_draft(
        user.actor, standing_unit_id=authority.standing_unit_id
    )
    may_sign = awaiting and designated_signer(
        user.actor,
        authority_unit_id=authority.unit_id,
        delegated_to=(
            decision.signer_user_id if decision.signer_capacity == SignerCapacity.DEPUTY else None
        ),
    )
    signer = (
        await authority_queries.officer_by_id(session, user_id=decision.signer_user_id)
        if decision.signer_user_id
        else None
    )
    return {
        "row": row,
        "d": decision,
        "authority": authority,
        "may_sign": may_sign,
        # The clerk (văn thư) of the authority issues what its signer signed.
        "may_issue": decision.status == DecisionStatus.SIGNED
        and may_issue(user.actor, authority_unit_id=authority.unit_id),
        # The designated signer may also send the draft back for correction.
        "may_send_back": may_sign,
        # The standing body corrects its draft: take an item out, cancel, submit again.
        "may_edit": may_edit,
        "may_resubmit": may_edit and returned,
        "sent_back": (
            await queries.latest_send_back(session, decision_id=decision.id) if returned else None
        ),
        "cash_total": sum(item.cash_amount_vnd or 0 for item in row.items),
        # A reader of the decision who may not open a nomination (the clerk) reads its
        # name without a link to a page that would refuse them.
        "linked_nominations": await nomination_service.readable_nomination_ids(
            session, principal=user, nomination_ids=(item.nomination_id for item in row.items)
        ),
        "may_delegate": awaiting and is_chairman,
        "may_preview": may_read(user, draft_audience(decision)),
        "awardees_url": awardees_link(decision.id)
        if may_read(user, await decision_audience(session, decision))
        else None,
        "vices": await authority_queries.officers(
            session, role=Role.VICE_CHAIRMAN, unit_id=authority.unit_id
        )
        if awaiting and is_chairman
        else [],
        "signer": signer,
        "names": award_names(state),
        # Still being assembled: say so, and reload until it can be signed.
        "refresh_seconds": (
            ASSEMBLY_RETRY_AFTER_SECONDS if decision.status == DecisionStatus.DRAFT else 0
        ),
        # The draft as a Word file, for the readers of the preview; the "Sửa dự thảo" form
        # for the standing body, with the draft's editable parts as they read now.
        "docx_url": f"/api/v1/decisions/{decision.id}/draft.docx",
        "draft_form": await _draft_form(session, state, decision) if may_edit else None,
    }


async def _draft_form(session, state, decision) -> DraftFields | None:
    """The "Sửa dự thảo" form's values; none (the form is not shown) while the workflow
    server cannot say what was edited: the rest of the page still answers."""
    try:
        return await document_service.draft_fields(
            session,
            decision,
            get_rule_set=get_rule_set_lookup(state.settings),
            today=state.clock.today(),
            temporal=lambda: temporal_client(state),
        )
    except (DomainError, RPCError):
        return None


def _draft_body(form, items) -> tuple[DecisionDraftUpdate | None, list[str]]:
    """The "Sửa dự thảo" form as the command's body: one legal ground or recipient per
    line; the awardees' order from their number fields (ties keep the current order).
    None and the order fields that are not whole numbers, if any."""

    def lines(name: str) -> list[str]:
        return [line.strip() for line in str(form.get(name) or "").splitlines() if line.strip()]

    typed = {
        "title": str(form.get("title") or ""),
        "legal_grounds": lines("legal_grounds"),
        "proposer_text": str(form.get("proposer_text") or ""),
        "recipients": lines("recipients"),
        "reason_text": str(form.get("reason_text") or ""),
    }
    wrong: list[str] = []
    ranks = []
    for index, item in enumerate(items):
        raw = str(form.get(f"order_{item.nomination_id}") or "").strip()
        if not raw.isdigit() or not 1 <= int(raw) <= 100000:
            wrong.append(f"order_{item.nomination_id}")
            continue
        ranks.append((int(raw), index, item.nomination_id))
    if wrong:
        return None, wrong
    body = DecisionDraftUpdate.model_validate(
        {**typed, "item_order": [nomination_id for _, _, nomination_id in sorted(ranks)]}
    )
    return body, []


@router.get("/decisions/{decision_id}", response_class=HTMLResponse)
async def decision_view(
    decision_id: DbId, request: Request, user: PageUser, session: ReadSessionDep
):
    if user is None:
        return login_redirect(request)
    try:
        context = await _decision_context(session, request.app.state.thidua, user, decision_id)
    except DomainError as exc:
        return domain_error_page(request, user, exc)
    return render(request, "pages/decision.html", context, user=user)


@router.get("/signing", response_class=HTMLResponse)
async def signing(
    request: Request, user: PageUser, session: ReadSessionDep, decision: int | None = None
):
    """The signing queue: every decision and submission waiting for this person's
    signature, the chosen one (by default the first) with its PDF preview and the one
    action to sign."""
    if user is None:
        return login_redirect(request)
    if not (user.has(Role.CHAIRMAN) or user.has(Role.VICE_CHAIRMAN)):
        return domain_error_page(request, user, Forbidden())
    queue = await queries.signing_queue(session, principal=user)
    chosen = next((r for r in queue if r.decision.id == decision), queue[0] if queue else None)
    context: dict = {"queue": queue, "chosen": chosen}
    if chosen is not None:
        context.update(
            await _decision_context(session, request.app.state.thidua, user, chosen.decision.id)
        )
    # Drafts about to reach the queue: the page waits for them, reloading itself.
    context["assembling"] = await queries.being_assembled(session, principal=user)
    context["refresh_seconds"] = ASSEMBLY_RETRY_AFTER_SECONDS if context["assembling"] else 0
    return render(request, "pages/signing.html", context, user=user)


@router.post("/decisions/{decision_id}/sign", response_class=HTMLResponse)
async def sign(decision_id: DbId, request: Request, user: PageUser, session: ReadSessionDep):
    page = f"/decisions/{decision_id}"
    if user is None:
        return login_redirect(request, "/signing")
    form = await request.form()
    if not form_csrf_ok(request, str(form.get("csrf_token") or "")):
        return csrf_refused(request, user)
    try:
        temporal = await temporal_client(request.app.state.thidua)
        result = await service.sign(
            session, temporal=temporal, principal=user, decision_id=decision_id
        )
    except DomainError as exc:
        if exc.status_code == 403:
            return domain_error_page(request, user, exc)
        context = await _decision_context(session, request.app.state.thidua, user, decision_id)
        context["errors"] = {"sign": message_of(request, exc)}
        if isinstance(exc, NotReady):  # the page reloads itself once the draft is ready
            context["refresh_seconds"] = exc.retry_after_seconds
        response = render(
            request, "pages/decision.html", context, user=user, status_code=exc.status_code
        )
        if isinstance(exc, NotReady):
            response.headers["Retry-After"] = str(exc.retry_after_seconds)
        return response
    if not result.number_text:  # the clerk numbers it at issue
        return redirect_with_flash(request, page, "signed_for_clerk")
    return redirect_with_flash(request, page, "signed", number=result.number_text)


@router.post("/decisions/{decision_id}/external-signing", response_class=HTMLResponse)
async def start_external_signing(
    decision_id: DbId, request: Request, user: PageUser, session: ReadSessionDep
):
    """The signer who signs on their own computer asks for the document to be numbered
    and prepared; the confirmation page then shows the digest their agent signs."""
    if user is None:
        return login_redirect(request, "/signing")
    _form, refused = await _command_form(request, user)
    if refused is not None:
        return refused
    state = request.app.state.thidua
    try:
        temporal = await temporal_client(state)
        started = await service.start_external_signing(
            session,
            temporal=temporal,
            principal=user,
            decision_id=decision_id,
            settings=state.settings,
        )
    except DomainError as exc:
        if exc.status_code in (403, 404):
            return domain_error_page(request, user, exc)
        context = await _decision_context(session, state, user, decision_id)
        context["errors"] = {"sign": message_of(request, exc)}
        return render(
            request, "pages/decision.html", context, user=user, status_code=exc.status_code
        )
    if not started.number_text:  # the clerk numbers it at issue
        return redirect_with_flash(
            request, f"/decisions/{decision_id}/sign", "external_sign_prepared_for_clerk"
        )
    return redirect_with_flash(
        request,
        f"/decisions/{decision_id}/sign",
        "external_sign_prepared",
        number=started.number_text,
    )


@router.post("/decisions/{decision_id}/external-signing/withdraw", response_class=HTMLResponse)
async def withdraw_external_signing(
    decision_id: DbId, request: Request, user: PageUser, session: ReadSessionDep
):
    """The signer withdraws the request pending for their own computer's signature."""
    if user is None:
        return login_redirect(request, "/signing")
    _form, refused = await _command_form(request, user)
    if refused is not None:
        return refused
    state = request.app.state.thidua
    try:
        temporal = await temporal_client(state)
        await service.withdraw_external_signing(
            session, temporal=temporal, principal=user, decision_id=decision_id
        )
    except DomainError as exc:
        if exc.status_code in (403, 404):
            return domain_error_page(request, user, exc)
        context = await _decision_context(session, state, user, decision_id)
        context["errors"] = {"sign": message_of(request, exc)}
        return render(
            request, "pages/decision.html", context, user=user, status_code=exc.status_code
        )
    return redirect_with_flash(request, f"/decisions/{decision_id}/sign", "external_sign_withdrawn")


@router.get("/issuing", response_class=HTMLResponse)
async def issuing(
    request: Request, user: PageUser, session: ReadSessionDep, decision: int | None = None
):
    """The clerk's (văn thư) queue: every document its authority's signer signed and that
    waits to be issued, the chosen one (by default the first) with its signed PDF and the
    one action that applies the organisation's signature and issues it."""
    if user is None:
        return login_redirect(request)
    if not user.has(Role.CLERK):
        return domain_error_page(request, user, Forbidden())
    queue = await queries.issuing_queue(session, principal=user)
    chosen = next((r for r in queue if r.decision.id == decision), queue[0] if queue else None)
    context: dict = {"queue": queue, "chosen": chosen}
    if chosen is not None:
        context.update(
            await _decision_context(session, request.app.state.thidua, user, chosen.decision.id)
        )
    return render(request, "pages/issuing.html", context, user=user)


@router.post("/decisions/{decision_id}/issue", response_class=HTMLResponse)
async def issue(decision_id: DbId, request: Request, user: PageUser, session: ReadSessionDep):
    page = f"/decisions/{decision_id}"
    if user is None:
        return login_redirect(request, "/issuing")
    form, refused = await _command_form(request, user)
    if refused is not None:
        return refused
    try:
        temporal = await temporal_client(request.app.state.thidua)
        result = await service.issue(
            session, temporal=temporal, principal=user, decision_id=decision_id
        )
    except DomainError as exc:
        if exc.status_code == 403:
            return domain_error_page(request, user, exc)
        errors = {"issue": message_of(request, exc)}
        return await _decision_with_errors(
            request, user, session, decision_id, errors, exc.status_code
        )
    return redirect_with_flash(request, page, "issued_flash", number=result.number_text)


@router.post("/decisions/{decision_id}/delegate", response_class=HTMLResponse)
async def delegate(decision_id: DbId, request: Request, user: PageUser, session: ReadSessionDep):
    page = f"/decisions/{decision_id}"
    if user is None:
        return login_redirect(request, page)
    form = await request.form()
    if not form_csrf_ok(request, str(form.get("csrf_token") or "")):
        return csrf_refused(request, user)
    raw = str(form.get("to_user_id") or "")
    errors: dict[str, str] = {}
    if not raw.isdigit():
        errors["to_user_id"] = text(request, "field_choose")
    else:
        try:
            temporal = await temporal_client(request.app.state.thidua)
            body = DelegateCreate(to_user_id=int(raw), reason=str(form.get("reason") or "")[:2000])
            await service.delegate(
                session, temporal=temporal, principal=user, decision_id=decision_id, body=body
            )
        except DomainError as exc:
            if exc.status_code == 403:
                return domain_error_page(request, user, exc)
            field = field_of(exc)
            errors["to_user_id" if field == "to_user_id" else "delegate"] = message_of(request, exc)
    if errors:
        context = await _decision_context(session, request.app.state.thidua, user, decision_id)
        context["errors"] = errors
        return render(request, "pages/decision.html", context, user=user, status_code=422)
    return redirect_with_flash(request, page, "delegated")


@router.get("/decisions/{decision_id}/sign", response_class=HTMLResponse)
async def sign_confirm(
    decision_id: DbId, request: Request, user: PageUser, session: ReadSessionDep
):
    """The confirmation step before signing: what is signed (title, how many awardees,
    the total cash in VND), the preview, and the one button that signs."""
    page = f"/decisions/{decision_id}"
    if user is None:
        return login_redirect(request, page)
    try:
        context = await _decision_context(session, request.app.state.thidua, user, decision_id)
    except DomainError as exc:
        return domain_error_page(request, user, exc)
    if context["may_sign"]:
        state = request.app.state.thidua
        context["external"] = await _external_signing(session, state, user, decision_id)
        return render(request, "pages/sign_confirm.html", context, user=user)
    unit_id = context["authority"].unit_id
    if user.actor.has(Role.CHAIRMAN, unit_id) or user.actor.has(Role.VICE_CHAIRMAN, unit_id):
        return RedirectResponse(page, status_code=303)  # not (or no longer) to be signed
    return domain_error_page(request, user, Forbidden())


async def _external_signing(session, state, user: Principal, decision_id: int) -> dict | None:
    """For a signer who signs on their own computer (THIDUA_EXTERNAL_SIGNERS): the two
    addresses their signing agent calls and the pending request, if any; None for
    everyone else (they sign on the server)."""
    if not service.signs_externally(state.settings, user.username):
        return None
    base = f"/api/v1/decisions/{decision_id}"
    pending = None
    try:
        temporal = await temporal_client(state)
        pending = await service.pending_signature_request(
            session, temporal=temporal, principal=user, decision_id=decision_id
        )
    except (DomainError, RPCError):
        pending = None  # none pending, or the workflow server cannot say now
    return {
        "start_url": f"{base}/external-signing",
        "request_url": f"{base}/signature-request",
        "pdf_url": f"{base}/signature-request/pdf",
        "signature_url": f"{base}/signature",
        "pending": pending,
    }


async def _command_form(request: Request, user: Principal):
    """The posted form, or the refusal page when its CSRF token is wrong."""
    form = await request.form()
    if not form_csrf_ok(request, str(form.get("csrf_token") or "")):
        return None, csrf_refused(request, user)
    return form, None


async def _decision_with_errors(
    request: Request, user: Principal, session, decision_id: int, errors: dict, status_code: int
) -> HTMLResponse:
    context = await _decision_context(session, request.app.state.thidua, user, decision_id)
    context["errors"] = errors
    return render(request, "pages/decision.html", context, user=user, status_code=status_code)


@router.post("/decisions/{decision_id}/send-back", response_class=HTMLResponse)
async def send_back(decision_id: DbId, request: Request, user: PageUser, session: ReadSessionDep):
    """The signer returns the draft to the standing body, with a reason (required)."""
    page = f"/decisions/{decision_id}"
    if user is None:
        return login_redirect(request, page)
    form, refused = await _command_form(request, user)
    if refused is not None:
        return refused
    try:
        body = SendBackCreate.model_validate({"reason": str(form.get("reason") or "")})
    except ValidationError as exc:
        errors = validation_errors(request, exc, aliases={"reason": "send_back_reason"})
        return await _decision_with_errors(request, user, session, decision_id, errors, 422)
    try:
        temporal = await temporal_client(request.app.state.thidua)
        await service.send_back(
            session, temporal=temporal, principal=user, decision_id=decision_id, body=body
        )
    except DomainError as exc:
        if exc.status_code == 403:
            return domain_error_page(request, user, exc)
        field = "send_back_reason" if field_of(exc) == "reason" else "send_back"
        errors = {field: message_of(request, exc)}
        return await _decision_with_errors(
            request, user, session, decision_id, errors, exc.status_code
        )
    return redirect_with_flash(request, page, "sent_back")


@router.post("/decisions/{decision_id}/resubmit", response_class=HTMLResponse)
async def resubmit(decision_id: DbId, request: Request, user: PageUser, session: ReadSessionDep):
    """The standing body submits the corrected draft for signature again."""
    page = f"/decisions/{decision_id}"
    if user is None:
        return login_redirect(request, page)
    form, refused = await _command_form(request, user)
    if refused is not None:
        return refused
    try:
        body = ResubmitCreate.model_validate({"note": str(form.get("note") or "")})
    except ValidationError as exc:
        errors = validation_errors(request, exc, aliases={"note": "resubmit_note"})
        return await _decision_with_errors(request, user, session, decision_id, errors, 422)
    try:
        temporal = await temporal_client(request.app.state.thidua)
        await service.resubmit(
            session, temporal=temporal, principal=user, decision_id=decision_id, body=body
        )
    except DomainError as exc:
        if exc.status_code == 403:
            return domain_error_page(request, user, exc)
        errors = {"resubmit": message_of(request, exc)}
        return await _decision_with_errors(
            request, user, session, decision_id, errors, exc.status_code
        )
    return redirect_with_flash(request, page, "draft_resubmitted")


@router.post("/decisions/{decision_id}/draft", response_class=HTMLResponse)
async def edit_draft(decision_id: DbId, request: Request, user: PageUser, session: ReadSessionDep):
    """The standing body edits its draft ("Sửa dự thảo"): title, legal grounds, proposer
    line, recipients, order of awardees, reason; the preview and the .docx show it."""
    page = f"/decisions/{decision_id}"
    if user is None:
        return login_redirect(request, page)
    form, refused = await _command_form(request, user)
    if refused is not None:
        return refused
    row = await queries.decision_row(session, decision_id=decision_id)
    items = list(row.items) if row is not None else []
    try:
        body, order_errors = _draft_body(form, items)
    except ValidationError as exc:
        errors = validation_errors(
            request, exc, aliases={name: f"draft_{name}" for name in DRAFT_FIELDS}
        )
        return await _draft_with_errors(request, user, session, decision_id, errors, form)
    if body is None:
        t = translator(request_language(request))
        errors = {field: t("field_number") for field in order_errors}
        return await _draft_with_errors(request, user, session, decision_id, errors, form)
    try:
        temporal = await temporal_client(request.app.state.thidua)
        await service.edit_draft(
            session, temporal=temporal, principal=user, decision_id=decision_id, body=body
        )
    except DomainError as exc:
        if exc.status_code == 403:
            return domain_error_page(request, user, exc)
        field = field_of(exc)
        key = f"draft_{field}" if field in DRAFT_FIELDS else "draft"
        errors = {key: message_of(request, exc)}
        return await _draft_with_errors(
            request, user, session, decision_id, errors, form, exc.status_code
        )
    return redirect_with_flash(request, page, "decision_draft_saved")


DRAFT_FIELDS = (
    "title",
    "legal_grounds",
    "proposer_text",
    "recipients",
    "item_order",
    "reason_text",
)


async def _draft_with_errors(
    request: Request, user: Principal, session, decision_id: int, errors: dict, form, status=422
) -> HTMLResponse:
    """The decision page again, the form showing what was typed, the errors by the fields."""
    context = await _decision_context(session, request.app.state.thidua, user, decision_id)
    context["errors"] = errors
    if context.get("draft_form") is not None:
        context["draft_form"] = DraftFields(
            title=str(form.get("title") or ""),
            legal_grounds=str(form.get("legal_grounds") or "").splitlines(),
            proposer_text=str(form.get("proposer_text") or ""),
            recipients=str(form.get("recipients") or "").splitlines(),
            reason_text=str(form.get("reason_text") or ""),
        )
        context["typed_order"] = {
            key.removeprefix("order_"): str(value)
            for key, value in form.items()
            if key.startswith("order_")
        }
    return render(request, "pages/decision.html", context, user=user, status_code=status)


@router.post("/decisions/{decision_id}/remove-item", response_class=HTMLResponse)
async def remove_item(decision_id: DbId, request: Request, user: PageUser, session: ReadSessionDep):
    """The standing body takes one nomination out of its draft, with a reason."""
    page = f"/decisions/{decision_id}"
    if user is None:
        return login_redirect(request, page)
    form, refused = await _command_form(request, user)
    if refused is not None:
        return refused
    raw = str(form.get("nomination_id") or "")
    field = f"remove_reason_{raw}" if raw.isdigit() else "remove"
    try:
        body = RemoveItemCreate.model_validate(
            {"nomination_id": raw, "reason": str(form.get("reason") or "")}
        )
    except ValidationError as exc:
        found = validation_errors(request, exc)
        message = found.get("reason") or next(iter(found.values()))
        return await _decision_with_errors(
            request, user, session, decision_id, {field: message}, 422
        )
    try:
        temporal = await temporal_client(request.app.state.thidua)
        await service.remove_item(
            session, temporal=temporal, principal=user, decision_id=decision_id, body=body
        )
    except DomainError as exc:
        if exc.status_code == 403:
            return domain_error_page(request, user, exc)
        errors = {field: message_of(request, exc)}
        return await _decision_with_errors(
            request, user, session, decision_id, errors, exc.status_code
        )
    return redirect_with_flash(request, page, "removed_from_draft")


@router.post("/decisions/{decision_id}/cancel", response_class=HTMLResponse)
async def cancel(decision_id: DbId, request: Request, user: PageUser, session: ReadSessionDep):
    """The standing body cancels its draft, with a reason: its nominations wait again."""
    page = f"/decisions/{decision_id}"
    if user is None:
        return login_redirect(request, page)
    form, refused = await _command_form(request, user)
    if refused is not None:
        return refused
    try:
        body = CancelCreate.model_validate({"reason": str(form.get("reason") or "")})
    except ValidationError as exc:
        errors = validation_errors(request, exc, aliases={"reason": "cancel_reason"})
        return await _decision_with_errors(request, user, session, decision_id, errors, 422)
    try:
        temporal = await temporal_client(request.app.state.thidua)
        await service.cancel(
            session, temporal=temporal, principal=user, decision_id=decision_id, body=body
        )
    except DomainError as exc:
        if exc.status_code == 403:
            return domain_error_page(request, user, exc)
        field = "cancel_reason" if field_of(exc) == "reason" else "cancel"
        errors = {field: message_of(request, exc)}
        return await _decision_with_errors(
            request, user, session, decision_id, errors, exc.status_code
        )
    return redirect_with_flash(request, page, "draft_cancelled")

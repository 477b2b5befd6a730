"""Decision pages: the standing body drafts a decision (or a submission to the next
level) from the nominations awaiting one and sees its PDF preview; the chairman or the
delegated vice-chairman signs from the signing queue with one action; the chairman may
delegate signing to a vice-chairman. A draft whose nominations are still confirming their
places (seconds) is shown as being prepared, and the page reloads itself until it can be
signed."""

from __future__ import annotations

from math import ceil

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from pydantic import ValidationError

from domain.vocabulary import DecisionKind, DecisionStatus, Role, SignerCapacity, Stage
from models.schemas.common import DbId
from models.schemas.decisions import DecisionCreate, DelegateCreate
from workflows.decision_types import ASSEMBLY_RETRY_AFTER_SECONDS
from workflows.decision_types import may_sign as designated_signer

from ..deps import ReadSessionDep, SessionDep, StateDep
from ..errors import DomainError, Forbidden, NotReady
from ..principal import Principal
from ..queries import authorities as authority_queries
from ..queries import decisions as queries
from ..queries import nominations as nomination_queries
from ..services import decisions as service
from ..services.awards import award_names
from ..services.document_audience import draft_audience, may_read
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
        "may_delegate": awaiting and is_chairman,
        "may_preview": may_read(user, draft_audience(decision)),
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
    }


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
    return redirect_with_flash(request, page, "signed", number=result.number_text)


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

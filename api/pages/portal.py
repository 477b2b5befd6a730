"""The public portal (no login): the nominations posted for comment with a form to object
(name and contact required, rate-limited per address), the issued decisions with their
awardees and links to verify them on /xac-minh, and apart from them the signed
submissions (tờ trình), each as "forwarded to <the next level>"."""

from __future__ import annotations

import secrets
from math import ceil
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from pydantic import ValidationError

from models.audit import latest_seal
from models.schemas.common import DbId
from models.schemas.nominations import ObjectionCreate

from ..deps import ReadSessionDep, StateDep
from ..errors import DomainError, InvalidInput, TooManyRequests
from ..queries.exemplars import replicating_exemplars
from ..services import objections
from ..services.awards import award_names
from ..services.public import (
    chosen_ward,
    current_notices,
    forwarded_submissions,
    issued_decisions,
    portal_wards,
)
from .common import (
    PageUser,
    field_of,
    message_of,
    redirect_with_flash,
    render,
    temporal_client,
    text,
    validation_errors,
    whole_number,
)

router = APIRouter(include_in_schema=False)

PUBLIC_CSRF_COOKIE = "thidua_public_csrf"
DECISIONS_PER_PAGE = 10
NOTICES_SHOWN = 100  # ending soonest first
FORWARDED_SHOWN = 20  # newest first


async def portal_page(
    request: Request,
    user,
    session,
    state,
    *,
    page: int = 1,
    ward_choice: str | None = None,
    errors: dict[int, dict[str, str]] | None = None,
    values: dict[int, dict[str, str]] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    # A deployment of many wards: the resident chooses one (?phuong=<code or id>).
    wards = await portal_wards(session)
    ward = chosen_ward(wards, ward_choice) if len(wards) > 1 else None
    authority_id = ward.authority_id if ward else None
    notices = await current_notices(
        session, state, limit=NOTICES_SHOWN, ward_authority_id=authority_id
    )
    total, decisions = await issued_decisions(
        session, page=page, page_size=DECISIONS_PER_PAGE, authority_id=authority_id
    )
    token = request.cookies.get(PUBLIC_CSRF_COOKIE) or secrets.token_urlsafe(24)
    listed = {n.nomination_id for n in notices}
    # An error about a notice no longer posted has no form to stand beside: shown on top.
    unplaced = [
        message
        for nomination_id, fields in (errors or {}).items()
        if nomination_id not in listed
        for message in fields.values()
    ]
    response = render(
        request,
        "pages/portal.html",
        {
            "notices": notices,
            "decisions": decisions,
            "total": total,
            # Submissions are no awards: apart, as "forwarded to <the next level>".
            "forwarded": await forwarded_submissions(
                session, limit=FORWARDED_SHOWN, authority_id=authority_id
            ),
            "deployment_name": state.settings.deployment_name,
            "wards": wards if len(wards) > 1 else [],
            "ward": ward,
            "page": page,
            "pages": max(ceil(total / DECISIONS_PER_PAGE), 1),
            "public_csrf": token,
            "errors": errors or {},
            "values": values or {},
            "names": award_names(state),
            "exemplars": await replicating_exemplars(session, limit=20),
            "unplaced_errors": unplaced,
            "audit_seal": await latest_seal(session),
        },
        user=user,
        status_code=status_code,
    )
    response.set_cookie(
        PUBLIC_CSRF_COOKIE, token, httponly=True, samesite="strict", max_age=3600 * 8
    )
    return response


@router.get("/cong-khai", response_class=HTMLResponse)
async def portal(
    request: Request,
    user: PageUser,
    session: ReadSessionDep,
    state: StateDep,
    page: str = "1",
    phuong: str = "",
):
    return await portal_page(
        request,
        user,
        session,
        state,
        page=whole_number(page, 1, low=1, high=100_000),
        ward_choice=phuong[:64],
    )


@router.post("/cong-khai/y-kien/{nomination_id}", response_class=HTMLResponse)
async def object_to(
    nomination_id: DbId, request: Request, user: PageUser, session: ReadSessionDep, state: StateDep
):
    """Lodge an objection. The session is a reader one: ``lodge`` commits the rate-limit
    count and then waits for the workflow, whose activity writes the objection; a writer
    transaction held meanwhile would block that write on SQLite."""
    form = await request.form()
    values: dict[str, Any] = {
        k: str(form.get(k) or "") for k in ("objector_name", "objector_contact", "reason")
    }
    cookie = request.cookies.get(PUBLIC_CSRF_COOKIE)
    token = str(form.get("public_csrf") or "")
    if not cookie or not secrets.compare_digest(cookie, token):
        return await portal_page(
            request,
            user,
            session,
            state,
            errors={nomination_id: {"form": text(request, "csrf_failed")}},
            values={nomination_id: values},
            status_code=403,
        )
    try:
        body = ObjectionCreate.model_validate(values)
    except ValidationError as exc:
        return await portal_page(
            request,
            user,
            session,
            state,
            errors={nomination_id: validation_errors(request, exc)},
            values={nomination_id: values},
            status_code=422,
        )
    try:
        temporal = await temporal_client(state)
        await objections.lodge(
            session,
            temporal,
            client_address=request.client.host if request.client else "unknown",
            nomination_id=nomination_id,
            body=body,
            now=state.clock.now(),
        )
    except TooManyRequests as exc:
        limited = await portal_page(
            request,
            user,
            session,
            state,
            errors={nomination_id: {"form": message_of(request, exc)}},
            values={nomination_id: values},
            status_code=429,
        )
        limited.headers["Retry-After"] = str(exc.extra["retry_after"])
        return limited
    except InvalidInput as exc:
        return await portal_page(
            request,
            user,
            session,
            state,
            errors={nomination_id: {field_of(exc): message_of(request, exc)}},
            values={nomination_id: values},
            status_code=422,
        )
    except DomainError as exc:
        return await portal_page(
            request,
            user,
            session,
            state,
            errors={nomination_id: {"form": message_of(request, exc)}},
            values={nomination_id: values},
            status_code=exc.status_code,
        )
    return redirect_with_flash(request, f"/cong-khai#notice-{nomination_id}", "objection_lodged")

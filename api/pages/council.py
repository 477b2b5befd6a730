"""Council pages: the sessions (convene one with an agenda of nominations awaiting the
council, follow who has voted, close), and each member's ballot sheet: one form for the
whole agenda, recused items shown and not votable, a written opinion when absent, and
afterwards a receipt that never shows the choices."""

from __future__ import annotations

from datetime import datetime, timedelta
from math import ceil
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from pydantic import ValidationError

from domain.calendar import VIETNAM_TZ
from domain.vn_dates import datetime_field, parse_vn_datetime
from domain.vocabulary import BallotMode, Choice, ItemResult, Role, SessionStatus, Stage
from models.schemas.common import DbId
from models.schemas.council import BallotCreate, BallotSheetRead, CloseCreate, SessionCreate

from ..deps import ReadSessionDep, SessionDep, StateDep
from ..errors import DomainError, InvalidInput
from ..principal import Principal
from ..queries import authorities as authority_queries
from ..queries import council as queries
from ..queries import nominations as nomination_queries
from ..services import council as council_service
from ..services import quota as quota_service
from ..services.awards import award_names
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
AGENDA_LIMIT = 200  # nominations offered for one agenda, earliest deadline first


def default_closing(now: datetime) -> str:
    """Three days from now at 17:00, Vietnam time (for the convene form, as the field
    shows it: dd/mm/yyyy hh:mm)."""
    day = now.astimezone(VIETNAM_TZ) + timedelta(days=3)
    return datetime_field(day.replace(hour=17, minute=0, second=0, microsecond=0))


def parse_local(value: str) -> datetime | None:
    """The closing field (dd/mm/yyyy hh:mm in Vietnam time, ISO accepted) → an aware
    datetime (None if malformed)."""
    return parse_vn_datetime(value)


# ---- the list and convening ------------------------------------------------------------------


async def sessions_page(
    request: Request,
    user: Principal,
    session,
    state,
    *,
    page: int = 1,
    errors: dict | None = None,
    values: dict | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    total, rows = await queries.sessions_followed(
        session, principal=user, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE
    )
    standing = user.authority_ids(Role.STANDING_OFFICER)
    awaiting = (
        await nomination_queries.nominations_where(
            session,
            condition=nomination_queries.at_authorities(standing, Stage.AWAITING_COUNCIL),
            award_names=award_names(state),
            limit=AGENDA_LIMIT,
            now=state.clock.now(),
        )
        if standing
        else []
    )
    authorities = await authority_queries.authorities_by_id(
        session, authority_ids={r.authority_id for r in rows} | standing
    )
    # Awards the city capped: the candidates of a unit in the order they take the seats.
    quota_groups = await quota_service.quota_groups(
        session, state.catalogue, [n.id for n in awaiting]
    )
    return render(
        request,
        "pages/sessions.html",
        {
            "rows": rows,
            "total": total,
            "page": page,
            "pages": max(ceil(total / PAGE_SIZE), 1),
            "awaiting": awaiting,
            "can_convene": bool(standing),
            "authorities": authorities,
            "quota_groups": quota_groups,
            "standing": sorted(standing),
            "values": values
            or {
                "title": f"Phiên họp xét khen thưởng năm {state.clock.today().year}",
                "closes_at": default_closing(state.clock.now()),
                "nomination_ids": [str(n.id) for n in awaiting],
            },
            "errors": errors or {},
        },
        user=user,
        status_code=status_code,
    )


@router.get("/council-sessions", response_class=HTMLResponse)
async def sessions(
    request: Request, user: PageUser, session: ReadSessionDep, state: StateDep, page: str = "1"
):
    if user is None:
        return login_redirect(request)
    return await sessions_page(
        request, user, session, state, page=whole_number(page, 1, low=1, high=10_000)
    )


@router.post("/council-sessions", response_class=HTMLResponse)
async def convene(request: Request, user: PageUser, session: SessionDep, state: StateDep):
    if user is None:
        return login_redirect(request, "/council-sessions")
    form = await request.form()
    if not form_csrf_ok(request, str(form.get("csrf_token") or "")):
        return csrf_refused(request, user)
    values = {
        "title": str(form.get("title") or ""),
        "closes_at": str(form.get("closes_at") or ""),
        "nomination_ids": [str(v) for v in form.getlist("nomination_ids")],
        "authority_id": str(form.get("authority_id") or ""),
    }
    errors: dict[str, str] = {}
    closes_at = parse_local(values["closes_at"]) if values["closes_at"] else None
    if closes_at is None:
        errors["closes_at"] = text(
            request, "field_datetime_vn" if values["closes_at"] else "field_required"
        )
    ids = [int(v) for v in values["nomination_ids"] if v.isdigit()]
    body = {
        "title": values["title"],
        "nomination_ids": ids,
        "closes_at": closes_at,
        "authority_id": int(values["authority_id"]) if values["authority_id"].isdigit() else None,
    }
    data = None
    try:
        data = SessionCreate.model_validate(body)
    except ValidationError as exc:
        errors = {**validation_errors(request, exc), **errors}
    if errors or data is None:
        if "nomination_ids" in errors:
            errors["nomination_ids"] = text(request, "field_choose")
        return await sessions_page(
            request, user, session, state, errors=errors, values=values, status_code=422
        )
    try:
        temporal = await temporal_client(state)
        row = await council_service.open_session(
            session,
            temporal=temporal,
            principal=user,
            data=data,
            catalogue=state.catalogue,
            settings=state.settings,
            now=state.clock.now(),
        )
    except DomainError as exc:
        await session.rollback()
        if exc.status_code == 403:
            return domain_error_page(request, user, exc)
        return await sessions_page(
            request,
            user,
            session,
            state,
            errors={field_of(exc): message_of(request, exc)},
            values=values,
            status_code=exc.status_code,
        )
    await session.commit()
    return redirect_with_flash(request, f"/council-sessions/{row.id}", "convened")


# ---- one session -----------------------------------------------------------------------------


@router.get("/council-sessions/{session_id}", response_class=HTMLResponse)
async def session_view(
    session_id: DbId, request: Request, user: PageUser, session: ReadSessionDep, state: StateDep
):
    if user is None:
        return login_redirect(request)
    return await _session_page(request, user, session, state, session_id)


async def _session_page(
    request,
    user,
    session,
    state,
    session_id: DbId,
    *,
    errors: dict | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    try:
        row = await council_service.followed_session(session, principal=user, session_id=session_id)
    except DomainError as exc:
        return domain_error_page(request, user, exc)
    read = await council_service.read_session(session, session_row=row, catalogue=state.catalogue)
    authority = await authority_queries.authority_by_id(session, authority_id=row.authority_id)
    member_id = user.actor.member_id_in(row.council_id)
    # Awards the city capped: before the vote, ranked by the tie preference; once closed,
    # the items that passed, by votes in favour first.
    if row.status == SessionStatus.OPEN:
        ranked_ids = [item.nomination_id for item in read.items if not item.withdrawn]
        votes = None
    else:
        ranked_ids = [item.nomination_id for item in read.items if item.result == ItemResult.PASSED]
        votes = {item.nomination_id: item.agree for item in read.items}
    quota_groups = await quota_service.quota_groups(
        session, state.catalogue, ranked_ids, votes_in_favour=votes
    )
    return render(
        request,
        "pages/session.html",
        {
            "s": read,
            "authority": authority,
            "member_id": member_id,
            "quota_groups": quota_groups,
            "voted": sum(1 for member in read.members if member.has_voted),
            "can_close": row.status == SessionStatus.OPEN
            and (row.authority_id in user.authority_ids(Role.STANDING_OFFICER)),
            "errors": errors or {},
        },
        user=user,
        status_code=status_code,
    )


@router.post("/council-sessions/{session_id}/close", response_class=HTMLResponse)
async def close(
    session_id: DbId, request: Request, user: PageUser, session: ReadSessionDep, state: StateDep
):
    page = f"/council-sessions/{session_id}"
    if user is None:
        return login_redirect(request, page)
    form = await request.form()
    if not form_csrf_ok(request, str(form.get("csrf_token") or "")):
        return csrf_refused(request, user)
    try:
        temporal = await temporal_client(state)
        await council_service.close_session(
            session,
            temporal=temporal,
            principal=user,
            session_id=session_id,
            body=CloseCreate(reason=str(form.get("reason") or "")[:2000]),
        )
    except DomainError as exc:
        if exc.status_code == 403:
            return domain_error_page(request, user, exc)
        return await _session_page(
            request,
            user,
            session,
            state,
            session_id,
            errors={"form": message_of(request, exc)},
            status_code=exc.status_code,
        )
    return redirect_with_flash(request, page, "session_closed")


# ---- the ballot sheet ------------------------------------------------------------------------


async def _ballot_sheet(session, state, user: Principal, session_id: DbId) -> BallotSheetRead:
    """The member's sheet, for a session the page may show this person."""
    await council_service.followed_session(session, principal=user, session_id=session_id)
    return await council_service.ballot_sheet(
        session, principal=user, session_id=session_id, catalogue=state.catalogue
    )


async def _ballot_page(
    request,
    user,
    session,
    state,
    session_id: DbId,
    *,
    errors: dict | None = None,
    values: dict | None = None,
    status_code: int = 200,
    agree_all: bool = False,
) -> HTMLResponse:
    """The sheet; ``agree_all`` marks Agree on every item the member votes on (and keeps
    the rest of ``values``): a year-end agenda of thirty items is agreed in one press, then
    changed where the member disagrees, and sent with the one final submit."""
    try:
        sheet = await _ballot_sheet(session, state, user, session_id)
    except DomainError as exc:
        return domain_error_page(request, user, exc)
    recused = set(sheet.recused_nomination_ids)
    values = dict(values or {"mode": BallotMode.IN_PERSON.value})
    agreed = 0
    if agree_all:
        for item in sheet.items:
            if item.nomination_id not in recused:
                values[f"choice-{item.nomination_id}"] = Choice.AGREE.value
                agreed += 1
    receipt = (
        await queries.receipt_of(session, session_id=session_id, member_id=sheet.member_id)
        if sheet.has_voted
        else None
    )
    return render(
        request,
        "pages/ballot.html",
        {
            "sheet": sheet,
            "receipt": receipt,
            "recused": recused,
            "errors": errors or {},
            "values": values,
            "agreed_all": agreed,
        },
        user=user,
        status_code=status_code,
    )


@router.get("/council-sessions/{session_id}/ballot", response_class=HTMLResponse)
async def ballot(
    session_id: DbId,
    request: Request,
    user: PageUser,
    session: ReadSessionDep,
    state: StateDep,
    preselect: Annotated[str, Query(alias="all")] = "",
):
    """The sheet; ``?all=agree`` opens it with Agree marked on every item (nothing sent)."""
    if user is None:
        return login_redirect(request)
    return await _ballot_page(
        request, user, session, state, session_id, agree_all=preselect == Choice.AGREE.value
    )


@router.post("/council-sessions/{session_id}/ballot", response_class=HTMLResponse)
async def cast(
    session_id: DbId, request: Request, user: PageUser, session: ReadSessionDep, state: StateDep
):
    page = f"/council-sessions/{session_id}/ballot"
    if user is None:
        return login_redirect(request, page)
    form = await request.form()
    if not form_csrf_ok(request, str(form.get("csrf_token") or "")):
        return csrf_refused(request, user)
    try:
        sheet = await _ballot_sheet(session, state, user, session_id)
    except DomainError as exc:
        return domain_error_page(request, user, exc)
    recused = set(sheet.recused_nomination_ids)
    values: dict[str, Any] = {
        "mode": str(form.get("mode") or ""),
        "written_opinion": str(form.get("written_opinion") or ""),
    }
    if form.get("action") == "agree_all":
        # "Đồng ý tất cả" fills the sheet in, it does not cast it: the member still checks
        # it and presses the one final submit.
        return await _ballot_page(
            request, user, session, state, session_id, values=values, agree_all=True
        )
    errors: dict[str, str] = {}
    choices: dict[str, str] = {}
    valid = {c.value for c in Choice}
    for item in sheet.items:
        if item.nomination_id in recused:
            continue
        name = f"choice-{item.nomination_id}"
        choice = str(form.get(name) or "")
        values[name] = choice
        if choice in valid:
            choices[str(item.nomination_id)] = choice
        else:
            errors[name] = text(request, "choice_required")
    if values["mode"] not in {m.value for m in BallotMode}:
        errors["mode"] = text(request, "field_choose")
    if errors:
        return await _ballot_page(
            request, user, session, state, session_id, errors=errors, values=values, status_code=422
        )
    try:
        body = BallotCreate(
            mode=BallotMode(values["mode"]),
            choices=choices,
            written_opinion=values["written_opinion"][:2000],
        )
        temporal = await temporal_client(state)
        await council_service.cast_ballot(
            session, temporal=temporal, principal=user, session_id=session_id, body=body
        )
    except InvalidInput as exc:
        field = field_of(exc)
        raw = str(exc.extra.get("field") or "")
        if raw.startswith("choices."):
            field = "choice-" + raw.split(".", 1)[1]
        return await _ballot_page(
            request,
            user,
            session,
            state,
            session_id,
            errors={field: message_of(request, exc)},
            values=values,
            status_code=422,
        )
    except DomainError as exc:
        if exc.status_code == 403:
            return domain_error_page(request, user, exc)
        return await _ballot_page(
            request,
            user,
            session,
            state,
            session_id,
            errors={"form": message_of(request, exc)},
            values=values,
            status_code=exc.status_code,
        )
    return redirect_with_flash(request, page, "ballot_cast")

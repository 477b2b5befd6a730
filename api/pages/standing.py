"""The standing body's pages (ward, city and central alike, driven by the authorities the
person is a standing officer of): incoming dossiers, public notices with their
objections, and the deadlines board (which chairmen see too)."""

from __future__ import annotations

from typing import Any, cast

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from domain.vocabulary import Level, Role, Stage
from models.schemas.nominations import NominationRead

from ..deps import ReadSessionDep, StateDep
from ..errors import Forbidden
from ..principal import Principal
from ..queries import authorities as authority_queries
from ..queries import nominations as queries
from ..services.awards import award_names
from ..services.boards import deadlines_board
from ..services.exports.links import deadlines_link
from ..services.objectors import known_objectors
from .common import PageUser, domain_error_page, login_redirect, render, whole_number

router = APIRouter(include_in_schema=False)

LIST_LIMIT = 50  # per section, earliest deadline first; the full lists are on /nominations
LATER_STAGES = (
    Stage.PUBLIC_NOTICE,
    Stage.AWAITING_COUNCIL,
    Stage.IN_COUNCIL,
    Stage.AWAITING_DECISION,
    Stage.AWAITING_SUBMISSION,
    Stage.SIGNING,
)


def _standing(user: Principal) -> set[int]:
    authorities = user.authority_ids(Role.STANDING_OFFICER) | user.admin_authority_ids
    if not authorities and not user.is_admin:
        raise Forbidden()
    return authorities


@router.get("/dossiers", response_class=HTMLResponse)
async def dossiers(request: Request, user: PageUser, session: ReadSessionDep, state: StateDep):
    """Incoming dossiers to check for completeness, those returned to their unit, and
    those further along at this body."""
    if user is None:
        return login_redirect(request)
    try:
        authorities = _standing(user)
    except Forbidden as exc:
        return domain_error_page(request, user, exc)
    names = award_names(state)
    counts = await queries.stage_counts(session, condition=queries.at_authorities(authorities))
    context = {
        "incoming": await queries.nominations_where(
            session,
            condition=queries.at_authorities(authorities, Stage.RECEPTION),
            award_names=names,
            limit=LIST_LIMIT,
            now=state.clock.now(),
        ),
        "returned": await queries.nominations_where(
            session,
            condition=queries.at_authorities(authorities, Stage.RETURNED),
            award_names=names,
            limit=LIST_LIMIT,
            now=state.clock.now(),
        ),
        "later": await queries.nominations_where(
            session,
            condition=queries.at_authorities(authorities, *LATER_STAGES),
            award_names=names,
            limit=LIST_LIMIT,
            now=state.clock.now(),
        ),
        "incoming_total": counts.get(Stage.RECEPTION.value, 0),
        "returned_total": counts.get(Stage.RETURNED.value, 0),
        "later_total": sum(counts.get(stage.value, 0) for stage in LATER_STAGES),
        "limit": LIST_LIMIT,
        "authorities": await authority_queries.authorities_by_id(
            session, authority_ids=authorities
        ),
    }
    # Nominations whose proposer named themself or their household: flagged in the lists.
    context["flagged"] = await queries.self_proposed_ids(
        session,
        nomination_ids=[
            n.id
            for key in ("incoming", "returned", "later")
            for n in cast(list[NominationRead], context[key])
        ],
    )
    return render(request, "pages/dossiers.html", context, user=user)


async def notices_page(
    request: Request,
    user: Principal,
    session,
    state,
    *,
    errors: dict[str, dict[str, str]] | None = None,
    values: dict[str, Any] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    try:
        authorities = _standing(user)
    except Forbidden as exc:
        return domain_error_page(request, user, exc)
    posted = await queries.nominations_where(
        session,
        condition=queries.at_authorities(authorities, Stage.PUBLIC_NOTICE),
        award_names=award_names(state),
        limit=100,
        now=state.clock.now(),
    )
    by_nomination: dict[int, list] = {}
    pending = await queries.pending_objections(session, authority_ids=authorities)
    for objection, nomination in pending:
        by_nomination.setdefault(nomination.id, []).append(objection)
    until = await queries.notice_until(session, nomination_ids=[n.id for n in posted])
    return render(
        request,
        "pages/notices.html",
        {
            "posted": posted,
            "objections": by_nomination,
            "known": await known_objectors(session, principal=user, objections=pending),
            "until": until,
            "errors": errors or {},
            "values": values or {},
        },
        user=user,
        status_code=status_code,
    )


@router.get("/notices", response_class=HTMLResponse)
async def notices(request: Request, user: PageUser, session: ReadSessionDep, state: StateDep):
    """Nominations posted for public comment at this body, with the objections waiting
    to be resolved (each resolved here with a reason)."""
    if user is None:
        return login_redirect(request)
    return await notices_page(request, user, session, state)


@router.get("/deadlines", response_class=HTMLResponse)
async def deadlines(
    request: Request,
    user: PageUser,
    session: ReadSessionDep,
    state: StateDep,
    within: str = "3",
    level: str = "",
):
    """Overdue and soon-due nominations, per level and authority (the JSON board)."""
    if user is None:
        return login_redirect(request)
    days = whole_number(within, 3, low=0, high=30)
    chosen = Level(level) if level in {lv.value for lv in Level} else None
    board = await deadlines_board(
        session, state, user, within_working_days=days, level=chosen, limit=300
    )
    return render(
        request,
        "pages/deadlines.html",
        {
            "board": board,
            "xlsx_url": deadlines_link(days, chosen),
            "within": days,
            "level": level,
            "levels": [lv.value for lv in Level],
        },
        user=user,
    )

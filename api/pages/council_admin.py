"""The councils page of the administration, "Hội đồng Thi đua - Khen thưởng": each
council of the authorities one administers with its members (council role, title, term,
serving or left, whom a member replaces), and the forms to set up a council, edit it, add
a member, edit one, end a membership and replace a member mid-term. A mistake is shown
next to its field, in the form it came from.

Everything goes through ``api/services/council_admin.py``, as the JSON API does."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.ext.asyncio import AsyncSession

from domain.vocabulary import CouncilRole
from models.schemas.common import DbId
from models.schemas.council_admin import (
    CouncilCreate,
    CouncilMemberCreate,
    CouncilMemberEnd,
    CouncilMemberReplace,
    CouncilMemberUpdate,
    CouncilUpdate,
)

from ..deps import ClockDep, ReadSessionDep, SessionDep
from ..errors import DomainError
from ..principal import Principal
from ..services import council_admin
from .admin_forms import Action, parsed, submit
from .common import PageUser, domain_error_page, login_redirect, render
from .council_history_texts import done_message, labels

router = APIRouter(include_in_schema=False)

COUNCILS_PAGE = "/admin/councils"


async def _page(
    request: Request,
    session: AsyncSession,
    user: Principal,
    *,
    errors: dict[str, str] | None = None,
    form_key: str = "",
    form: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    councils = await council_admin.list_councils(session, user)
    return render(
        request,
        "pages/admin_councils.html",
        {
            "L": labels(request),
            "done": "" if errors else done_message(request),
            "councils": councils,
            "names": {m.id: u.full_name for view in councils for m, u in view.members},
            "authorities": await council_admin.authorities_without_council(session, user),
            "users": await council_admin.member_choices(session, user),
            "roles": list(CouncilRole),
            "errors": errors or {},
            "form_key": form_key,
            "form": form or {},
        },
        user=user,
        status_code=status_code,
    )


@router.get(COUNCILS_PAGE, response_class=HTMLResponse)
async def councils_page(request: Request, user: PageUser, session: ReadSessionDep):
    if user is None:
        return login_redirect(request)
    try:
        return await _page(request, session, user)
    except DomainError as exc:
        return domain_error_page(request, user, exc)


async def _act(
    request: Request,
    user: Principal | None,
    session: AsyncSession,
    *,
    form_key: str,
    action: Action,
    done: str,
) -> Response:
    async def page(**values: Any) -> HTMLResponse:
        assert user is not None
        return await _page(request, session, user, **values)

    return await submit(
        request,
        user,
        session,
        back=COUNCILS_PAGE,
        form_key=form_key,
        action=action,
        page=page,
        done=done,
    )


@router.post(COUNCILS_PAGE, response_class=HTMLResponse)
async def create_council(request: Request, user: PageUser, session: SessionDep, clock: ClockDep):
    async def action(form: dict[str, str]) -> None:
        assert user is not None
        values = parsed(CouncilCreate, form, ("authority_id", "name", "rules_note"))
        await council_admin.create_council(session, user, **values, now=clock.now())

    return await _act(
        request, user, session, form_key="new-council", action=action, done="council_created"
    )


@router.post(COUNCILS_PAGE + "/{council_id}", response_class=HTMLResponse)
async def update_council(
    request: Request, council_id: DbId, user: PageUser, session: SessionDep, clock: ClockDep
):
    async def action(form: dict[str, str]) -> None:
        assert user is not None
        values = parsed(
            CouncilUpdate,
            form,
            ("name", "rules_note"),
            keep_empty=("name", "rules_note"),
            only_sent=True,
        )
        await council_admin.update_council(
            session, user, council_id=council_id, values=values, now=clock.now()
        )

    return await _act(
        request,
        user,
        session,
        form_key=f"council-{council_id}",
        action=action,
        done="council_updated",
    )


@router.post(COUNCILS_PAGE + "/{council_id}/members", response_class=HTMLResponse)
async def add_member(
    request: Request, council_id: DbId, user: PageUser, session: SessionDep, clock: ClockDep
):
    async def action(form: dict[str, str]) -> None:
        assert user is not None
        values = parsed(
            CouncilMemberCreate,
            form,
            ("user_id", "council_role", "title", "term_start", "term_end"),
            optional=("term_end",),
        )
        await council_admin.add_member(
            session, user, council_id=council_id, **values, now=clock.now()
        )

    return await _act(
        request, user, session, form_key=f"add-{council_id}", action=action, done="member_added"
    )


@router.post(COUNCILS_PAGE + "/{council_id}/members/{member_id}", response_class=HTMLResponse)
async def update_member(
    request: Request,
    council_id: DbId,
    member_id: DbId,
    user: PageUser,
    session: SessionDep,
    clock: ClockDep,
):
    async def action(form: dict[str, str]) -> None:
        assert user is not None
        values = parsed(
            CouncilMemberUpdate,
            form,
            ("council_role", "title", "term_start", "term_end"),
            optional=("term_end",),
            keep_empty=("title",),
            only_sent=True,
        )
        await council_admin.update_member(
            session,
            user,
            council_id=council_id,
            member_id=member_id,
            values=values,
            now=clock.now(),
        )

    return await _act(
        request, user, session, form_key=f"edit-{member_id}", action=action, done="member_updated"
    )


@router.post(COUNCILS_PAGE + "/{council_id}/members/{member_id}/end", response_class=HTMLResponse)
async def end_membership(
    request: Request,
    council_id: DbId,
    member_id: DbId,
    user: PageUser,
    session: SessionDep,
    clock: ClockDep,
):
    async def action(form: dict[str, str]) -> None:
        assert user is not None
        values = parsed(CouncilMemberEnd, form, ("term_end",))
        await council_admin.end_membership(
            session,
            user,
            council_id=council_id,
            member_id=member_id,
            term_end=values["term_end"],
            now=clock.now(),
        )

    return await _act(
        request, user, session, form_key=f"end-{member_id}", action=action, done="member_ended"
    )


@router.post(
    COUNCILS_PAGE + "/{council_id}/members/{member_id}/replace", response_class=HTMLResponse
)
async def replace_member(
    request: Request,
    council_id: DbId,
    member_id: DbId,
    user: PageUser,
    session: SessionDep,
    clock: ClockDep,
):
    async def action(form: dict[str, str]) -> None:
        assert user is not None
        values = parsed(
            CouncilMemberReplace,
            form,
            ("user_id", "starts_on", "council_role", "title", "term_end"),
            optional=("council_role", "term_end"),
        )
        await council_admin.replace_member(
            session,
            user,
            council_id=council_id,
            member_id=member_id,
            **values,
            now=clock.now(),
        )

    return await _act(
        request,
        user,
        session,
        form_key=f"replace-{member_id}",
        action=action,
        done="member_replaced",
    )

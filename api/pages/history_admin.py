"""The history page of the administration, "Lịch sử khen thưởng, xếp loại, sáng kiến":
find a person, collective or household one administers by name, then see and edit their
yearly ratings, the awards they received before the engine (each with its decision:
number, date, deciding authority; revoked with a reason and basis, never deleted) and a
person's initiatives with their recognition level. A mistake is shown next to its field,
in the form it came from.

Everything goes through ``api/services/history_admin.py``, as the JSON API does."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.ext.asyncio import AsyncSession

from domain.text import control_character
from domain.vocabulary import InitiativeScope, NomineeKind, Rating
from models.schemas.common import DbId
from models.schemas.history_admin import (
    AwardRecordCreate,
    AwardRecordRevoke,
    AwardRecordUpdate,
    InitiativeCreate,
    InitiativeUpdate,
    RatingCreate,
    RatingUpdate,
)

from ..deps import ClockDep, ReadSessionDep, SessionDep
from ..errors import DomainError, InvalidInput
from ..i18n import request_language
from ..principal import Principal
from ..services import history_admin
from ..services.admin_scope import require_administrator
from .admin_forms import Action, parsed, submit
from .common import PageUser, domain_error_page, login_redirect, render
from .council_history_texts import done_message, labels

router = APIRouter(include_in_schema=False)

HISTORY_PAGE = "/admin/history"
KINDS = {kind.value: kind for kind in NomineeKind}
RATING_FORM = ("year", "rating", "member_count", "women_count", "members_with_title")
COUNTS = ("member_count", "women_count", "members_with_title")
AWARD_FORM = ("award_code", "year", "decision_number", "decision_date", "deciding_authority")
INITIATIVE_FORM = (
    "title",
    "year",
    "scope",
    "recognised_by",
    "decision_number",
    "decision_date",
)


def _subject_page(kind: NomineeKind, subject_id: int) -> str:
    return f"{HISTORY_PAGE}/{kind.value}/{subject_id}"


@router.get(HISTORY_PAGE, response_class=HTMLResponse)
async def search_page(request: Request, user: PageUser, session: ReadSessionDep):
    """The search: a name (accents optional) and, if wanted, a kind."""
    if user is None:
        return login_redirect(request)
    query = request.query_params.get("q", "")[:100]
    kind = KINDS.get(request.query_params.get("kind", ""))
    if control_character(query) is not None:
        query = ""
    try:
        require_administrator(user)
        found = (
            await history_admin.search_subjects(session, user, query=query, kind=kind)
            if query.strip()
            else None
        )
    except DomainError as exc:
        return domain_error_page(request, user, exc)
    return render(
        request,
        "pages/admin_history_search.html",
        {"L": labels(request), "q": query, "kind": kind.value if kind else "", "found": found},
        user=user,
    )


async def _page(
    request: Request,
    session: AsyncSession,
    user: Principal,
    kind: NomineeKind,
    subject_id: int,
    *,
    errors: dict[str, str] | None = None,
    form_key: str = "",
    form: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    history = await history_admin.subject_history(session, user, kind, subject_id)
    awards = await history_admin.award_choices(session, user, kind)
    lang_en = request_language(request) == "en"
    return render(
        request,
        "pages/admin_history.html",
        {
            "L": labels(request),
            "done": "" if errors else done_message(request),
            "h": history,
            "kind": kind.value,
            "base": _subject_page(kind, subject_id),
            "award_options": [(a.code, a.name_en if lang_en else a.name_vi) for a in awards],
            "ratings": [r.value for r in Rating],
            "scopes": [s.value for s in InitiativeScope],
            "errors": errors or {},
            "form_key": form_key,
            "form": form or {},
        },
        user=user,
        status_code=status_code,
    )


def _kind(value: str) -> NomineeKind | None:
    return KINDS.get(value)


@router.get(HISTORY_PAGE + "/{kind}/{subject_id}", response_class=HTMLResponse)
async def subject_page(
    request: Request, kind: str, subject_id: DbId, user: PageUser, session: ReadSessionDep
):
    if user is None:
        return login_redirect(request)
    subject_kind = _kind(kind)
    try:
        if subject_kind is None:
            raise InvalidInput("kind", "Không có loại này", "No such kind")
        return await _page(request, session, user, subject_kind, subject_id)
    except DomainError as exc:
        return domain_error_page(request, user, exc)


async def _act(
    request: Request,
    user: Principal | None,
    session: AsyncSession,
    kind: str,
    subject_id: int,
    *,
    form_key: str,
    action: Action,
    done: str,
) -> Response:
    subject_kind = _kind(kind)
    if subject_kind is None:
        return domain_error_page(
            request, user, InvalidInput("kind", "Không có loại này", "No such kind")
        )

    async def page(**values: Any) -> HTMLResponse:
        assert user is not None and subject_kind is not None
        return await _page(request, session, user, subject_kind, subject_id, **values)

    return await submit(
        request,
        user,
        session,
        back=_subject_page(subject_kind, subject_id),
        form_key=form_key,
        action=action,
        page=page,
        done=done,
    )


# ---- yearly ratings ----------------------------------------------------------------------


@router.post(HISTORY_PAGE + "/{kind}/{subject_id}/ratings", response_class=HTMLResponse)
async def create_rating(
    request: Request,
    kind: str,
    subject_id: DbId,
    user: PageUser,
    session: SessionDep,
    clock: ClockDep,
):
    async def action(form: dict[str, str]) -> None:
        assert user is not None
        body = RatingCreate(**parsed(RatingCreate, form, RATING_FORM, optional=COUNTS))
        await history_admin.create_rating(
            session, user, kind=KINDS[kind], subject_id=subject_id, body=body, now=clock.now()
        )

    return await _act(
        request,
        user,
        session,
        kind,
        subject_id,
        form_key="add-rating",
        action=action,
        done="rating_created",
    )


@router.post(HISTORY_PAGE + "/{kind}/{subject_id}/ratings/{rating_id}", response_class=HTMLResponse)
async def update_rating(
    request: Request,
    kind: str,
    subject_id: DbId,
    rating_id: DbId,
    user: PageUser,
    session: SessionDep,
    clock: ClockDep,
):
    async def action(form: dict[str, str]) -> None:
        assert user is not None
        values = parsed(RatingUpdate, form, RATING_FORM, optional=COUNTS, only_sent=True)
        await history_admin.update_rating(
            session, user, rating_id=rating_id, values=values, now=clock.now()
        )

    return await _act(
        request,
        user,
        session,
        kind,
        subject_id,
        form_key=f"rating-{rating_id}",
        action=action,
        done="rating_updated",
    )


@router.post(
    HISTORY_PAGE + "/{kind}/{subject_id}/ratings/{rating_id}/delete",
    response_class=HTMLResponse,
)
async def delete_rating(
    request: Request,
    kind: str,
    subject_id: DbId,
    rating_id: DbId,
    user: PageUser,
    session: SessionDep,
    clock: ClockDep,
):
    async def action(form: dict[str, str]) -> None:
        assert user is not None
        await history_admin.delete_rating(session, user, rating_id=rating_id, now=clock.now())

    return await _act(
        request,
        user,
        session,
        kind,
        subject_id,
        form_key=f"rating-{rating_id}",
        action=action,
        done="rating_deleted",
    )


# ---- award records -----------------------------------------------------------------------


@router.post(HISTORY_PAGE + "/{kind}/{subject_id}/awards", response_class=HTMLResponse)
async def create_award_record(
    request: Request,
    kind: str,
    subject_id: DbId,
    user: PageUser,
    session: SessionDep,
    clock: ClockDep,
):
    async def action(form: dict[str, str]) -> None:
        assert user is not None
        body = AwardRecordCreate(**parsed(AwardRecordCreate, form, AWARD_FORM))
        await history_admin.create_award_record(
            session, user, kind=KINDS[kind], subject_id=subject_id, body=body, now=clock.now()
        )

    return await _act(
        request,
        user,
        session,
        kind,
        subject_id,
        form_key="add-award",
        action=action,
        done="award_created",
    )


@router.post(HISTORY_PAGE + "/{kind}/{subject_id}/awards/{record_id}", response_class=HTMLResponse)
async def update_award_record(
    request: Request,
    kind: str,
    subject_id: DbId,
    record_id: DbId,
    user: PageUser,
    session: SessionDep,
    clock: ClockDep,
):
    async def action(form: dict[str, str]) -> None:
        assert user is not None
        values = parsed(
            AwardRecordUpdate,
            form,
            AWARD_FORM,
            keep_empty=("decision_number", "deciding_authority"),
            only_sent=True,
        )
        await history_admin.update_award_record(
            session, user, record_id=record_id, values=values, now=clock.now()
        )

    return await _act(
        request,
        user,
        session,
        kind,
        subject_id,
        form_key=f"award-{record_id}",
        action=action,
        done="award_updated",
    )


@router.post(
    HISTORY_PAGE + "/{kind}/{subject_id}/awards/{record_id}/revoke",
    response_class=HTMLResponse,
)
async def revoke_award_record(
    request: Request,
    kind: str,
    subject_id: DbId,
    record_id: DbId,
    user: PageUser,
    session: SessionDep,
    clock: ClockDep,
):
    async def action(form: dict[str, str]) -> None:
        assert user is not None
        body = AwardRecordRevoke(**parsed(AwardRecordRevoke, form, ("reason", "basis")))
        await history_admin.revoke_award_record(
            session,
            user,
            record_id=record_id,
            reason=body.reason,
            basis=body.basis,
            now=clock.now(),
        )

    return await _act(
        request,
        user,
        session,
        kind,
        subject_id,
        form_key=f"revoke-{record_id}",
        action=action,
        done="award_revoked",
    )


# ---- initiatives -------------------------------------------------------------------------


def _initiative_fields(form: dict[str, str]) -> dict[str, str]:
    # A checkbox is sent only when ticked.
    return {**form, "is_research": "true" if form.get("is_research") == "on" else "false"}


@router.post(HISTORY_PAGE + "/{kind}/{subject_id}/initiatives", response_class=HTMLResponse)
async def create_initiative(
    request: Request,
    kind: str,
    subject_id: DbId,
    user: PageUser,
    session: SessionDep,
    clock: ClockDep,
):
    async def action(form: dict[str, str]) -> None:
        assert user is not None
        if kind != NomineeKind.INDIVIDUAL.value:
            raise InvalidInput("form", "Chỉ cá nhân có sáng kiến", "Only people have initiatives")
        fields = (*INITIATIVE_FORM, "is_research")
        body = InitiativeCreate(**parsed(InitiativeCreate, _initiative_fields(form), fields))
        await history_admin.create_initiative(
            session, user, person_id=subject_id, body=body, now=clock.now()
        )

    return await _act(
        request,
        user,
        session,
        kind,
        subject_id,
        form_key="add-initiative",
        action=action,
        done="initiative_created",
    )


@router.post(
    HISTORY_PAGE + "/{kind}/{subject_id}/initiatives/{initiative_id}",
    response_class=HTMLResponse,
)
async def update_initiative(
    request: Request,
    kind: str,
    subject_id: DbId,
    initiative_id: DbId,
    user: PageUser,
    session: SessionDep,
    clock: ClockDep,
):
    async def action(form: dict[str, str]) -> None:
        assert user is not None
        values = parsed(
            InitiativeUpdate,
            _initiative_fields(form),
            (*INITIATIVE_FORM, "is_research"),
            keep_empty=("title", "recognised_by", "decision_number"),
            only_sent=True,
        )
        await history_admin.update_initiative(
            session, user, initiative_id=initiative_id, values=values, now=clock.now()
        )

    return await _act(
        request,
        user,
        session,
        kind,
        subject_id,
        form_key=f"initiative-{initiative_id}",
        action=action,
        done="initiative_updated",
    )

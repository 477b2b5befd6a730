"""Nomination pages: the list, starting one (with the eligibility check before saving),
the nomination page (dossier, stage, who must act, the viewer's actions, timeline,
documents), uploading dossier files, submitting, and every workflow command as a form.

Commands go through the same service as the JSON API (``api/services/nominations.py``):
the pages only turn form fields into the API's bodies and the API's refusals into
messages next to the field concerned.
"""

from __future__ import annotations

from math import ceil
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from starlette.datastructures import FormData, UploadFile

from domain.permissions import Command
from domain.vn_dates import parse_vn_datetime
from domain.vocabulary import Level, ObjectionStatus, ReplyChannel, Role, Stage
from models import Campaign
from models.schemas.common import DbId
from models.schemas.nominations import (
    AcceptCreate,
    ExtendCreate,
    NominationCreate,
    ObjectionReplyCreate,
    ReasonCreate,
    ReassignCreate,
    ResolveObjectionCreate,
    ResubmitCreate,
    ReturnCreate,
    RevokeCreate,
    SummaryUpdate,
)

from ..deps import ReadSessionDep, SessionDep, StateDep
from ..errors import DomainError, Forbidden, InvalidInput
from ..i18n import request_language
from ..principal import Principal
from ..queries import authorities as authority_queries
from ..queries import campaigns as campaign_queries
from ..queries import council as council_queries
from ..queries import decisions as decision_queries
from ..queries import nominations as queries
from ..queries import units as unit_queries
from ..services import nominations as service
from ..services import objections as objection_service
from ..services import pages_forms as forms
from ..services.awards import award_names
from ..services.eligibility import eligibility, review_verdict, unsaved_eligibility
from ..services.exports.links import nominations_link
from .campaign_forms import CHOICES_LIMIT
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
from .standing import notices_page

router = APIRouter(include_in_schema=False)

PAGE_SIZE = 50
NOMINEE_ALIASES = {
    "nominee": "nominee",
    "person_id": "nominee",
    "collective_id": "nominee",
    "household_id": "nominee",
}


def _enum(enum_class, value: str | None):
    try:
        return enum_class(value) if value else None
    except ValueError:
        return None


def _int(value: str | None) -> int | None:
    return int(value) if value and value.strip().isdigit() else None


# ---- the list ----------------------------------------------------------------------------


@router.get("/nominations", response_class=HTMLResponse)
async def nominations_list(
    request: Request,
    user: PageUser,
    session: ReadSessionDep,
    state: StateDep,
    stage: str = "",
    level: str = "",
    award_code: str = "",
    year: str = "",
    q: str = "",
    overdue: str = "",
    open_only: str = "",
    page: str = "1",
):
    if user is None:
        return login_redirect(request)
    page_number = whole_number(page, 1, low=1, high=100_000)
    filters = queries.NominationFilters(
        stage=_enum(Stage, stage),
        level=_enum(Level, level),
        award_code=award_code or None,
        year=_int(year),
        query=q[:100] or None,
        overdue=True if overdue else None,
        open_only=bool(open_only),
    )
    total, items = await queries.nominations_page(
        session,
        principal=user,
        filters=filters,
        page=page_number,
        page_size=PAGE_SIZE,
        award_names=award_names(state),
        now=state.clock.now(),
    )
    query = {
        k: v
        for k, v in dict(
            stage=stage,
            level=level,
            award_code=award_code,
            year=year,
            q=q,
            overdue=overdue,
            open_only=open_only,
        ).items()
        if v
    }
    return render(
        request,
        "pages/nominations.html",
        {
            "items": items,
            "total": total,
            "page": page_number,
            "pages": max(ceil(total / PAGE_SIZE), 1),
            "base": "/nominations?" + (urlencode(query) + "&" if query else ""),
            "filters": query,
            "xlsx_url": nominations_link(filters),
            "stages": [s.value for s in Stage],
            "levels": [lv.value for lv in Level],
            "awards": sorted(award_names(state).items(), key=lambda kv: kv[1]),
            "can_nominate": bool(user.unit_ids(Role.UNIT_OFFICER)),
            "flagged": await queries.self_proposed_ids(
                session, nomination_ids=[n.id for n in items]
            ),
        },
        user=user,
    )


# ---- starting a nomination -----------------------------------------------------------------


async def _new_form(
    request: Request,
    user: Principal,
    session,
    state,
    *,
    values: dict | None = None,
    errors: dict | None = None,
    verdict=None,
    status_code: int = 200,
) -> HTMLResponse:
    rule_set = state.catalogue.in_force(state.clock.today())
    units = user.unit_ids(Role.UNIT_OFFICER)
    unit_names = await unit_queries.unit_names(session, unit_ids=units)
    search = (values or {}).get("nominee_search", "")
    choices = await unit_queries.nominee_choices(
        session, unit_ids=units, limit=CHOICES_LIMIT, search=search
    )
    campaigns = await _open_campaigns(session, user)
    if values is None:
        values = {
            "year": str(state.clock.today().year),
            "attestations": [],
            # One campaign running for the unit: what it files most likely counts toward it.
            "campaign_id": str(campaigns[0].id) if len(campaigns) == 1 else "",
        }
    awards = [
        (
            code,
            award.name_vi if request_language(request) == "vi" else award.label_en,
            [k.value for k in award.recipients],
        )
        for code, award in rule_set.awards.items()
    ]
    return render(
        request,
        "pages/nomination_new.html",
        {
            "values": values,
            "errors": errors or {},
            "verdict": verdict,
            "units": sorted(unit_names.items()),
            "choices": choices.choices,
            "capped": choices.capped,
            "choices_limit": CHOICES_LIMIT,
            "campaigns": campaigns,
            "self_values": await _own_nominee_values(session, user),
            "awards": awards,
            "rule_set": rule_set,
            "attestations_by_award": forms.attestations_by_award(rule_set),
            "files_by_award": _files_by_award(rule_set, request_language(request)),
            "max_mb": state.settings.upload_max_bytes // (1024 * 1024),
        },
        user=user,
        status_code=status_code,
    )


def _files_by_award(rule_set, lang: str) -> dict[str, list[tuple[str, str]]]:
    """Per award, the dossier items it requires at the ward (where every nomination
    starts) as (code, name): the new-nomination form takes one file for each. Items with
    alternatives are attached on the nomination page, where the choice is offered."""
    files: dict[str, list[tuple[str, str]]] = {}
    for code in rule_set.awards:
        items = []
        for codes in forms.required_items(rule_set, code, Level.WARD):
            kind = rule_set.dossier_items.get(codes[0])
            if len(codes) == 1 and kind is not None:
                items.append((codes[0], kind.name_vi if lang == "vi" else kind.name_en))
        files[code] = items
    return files


def _chosen_files(form: FormData, item_codes: list[str]) -> dict[str, UploadFile]:
    """The files chosen in the new-nomination form, by dossier item (empty inputs and
    the inputs of other awards, which the browser may still send, are left out)."""
    chosen: dict[str, UploadFile] = {}
    for code in item_codes:
        for upload in form.getlist(f"file-{code}"):
            if isinstance(upload, UploadFile) and upload.filename:
                chosen[code] = upload
                break
    return chosen


async def _open_campaigns(session, user: Principal) -> list[Campaign]:
    """The campaigns running in the wards of this officer's units: a nomination filed
    under one counts toward its report."""
    authority_ids = set()
    for unit_id in user.unit_ids(Role.UNIT_OFFICER):
        authority = await authority_queries.ward_authority_of(session, unit_id=unit_id)
        if authority is not None:
            authority_ids.add(authority.id)
    return await campaign_queries.running_campaigns(session, authority_ids=authority_ids)


async def _own_nominee_values(session, user: Principal) -> set[str]:
    """The nominee choices that are this person or their household (the form warns)."""
    person_id, household_id = await queries.own_nominees(session, user_id=user.user_id)
    return {
        value
        for value in (
            f"individual:{person_id}" if person_id else "",
            f"household:{household_id}" if household_id else "",
        )
        if value
    }


@router.get("/nominations/new", response_class=HTMLResponse)
async def new_nomination(
    request: Request, user: PageUser, session: ReadSessionDep, state: StateDep
):
    if user is None:
        return login_redirect(request)
    if not user.unit_ids(Role.UNIT_OFFICER):
        return domain_error_page(request, user, Forbidden())
    return await _new_form(request, user, session, state)


def _creation_body(form: FormData, user: Principal) -> tuple[dict, dict[str, Any]]:
    """The form's values (to show again) and the JSON body they make."""
    units = sorted(user.unit_ids(Role.UNIT_OFFICER))
    values: dict[str, Any] = {
        "proposing_unit_id": str(
            form.get("proposing_unit_id") or (units[0] if len(units) == 1 else "")
        ),
        "nominee": str(form.get("nominee") or ""),
        "nominee_search": str(form.get("nominee_search") or "").strip()[:100],
        "award_code": str(form.get("award_code") or ""),
        "year": str(form.get("year") or ""),
        "achievement_summary": str(form.get("achievement_summary") or ""),
        "attestations": [str(a) for a in form.getlist("attestations")],
        "campaign_id": str(form.get("campaign_id") or ""),
    }
    body: dict[str, Any] = {
        "award_code": values["award_code"],
        "year": values["year"] or None,
        "nominee": forms.parse_nominee(values["nominee"]),
        "proposing_unit_id": values["proposing_unit_id"] or None,
        "achievement_summary": values["achievement_summary"],
        "attestations": sorted(set(values["attestations"])),
        "campaign_id": values["campaign_id"] or None,
    }
    return values, body


@router.post("/nominations/new", response_class=HTMLResponse)
async def new_nomination_submit(
    request: Request, user: PageUser, session: SessionDep, state: StateDep
):
    if user is None:
        return login_redirect(request, "/nominations/new")
    form = await request.form()
    if not form_csrf_ok(request, str(form.get("csrf_token") or "")):
        return csrf_refused(request, user)
    if not user.unit_ids(Role.UNIT_OFFICER):
        return domain_error_page(request, user, Forbidden())
    values, body = _creation_body(form, user)
    if form.get("action") == "find":
        # «Tìm» by the nominee: the same form again, its list narrowed to the name typed
        # (a unit with more people or households than the list holds reaches them so).
        return await _new_form(request, user, session, state, values=values)
    errors: dict[str, str] = {}
    if body["nominee"] is None:
        errors["nominee"] = text(request, "field_choose")
        body.pop("nominee")
    if values["campaign_id"] and values["campaign_id"] not in {
        str(c.id) for c in await _open_campaigns(session, user)
    }:
        errors["campaign_id"] = text(request, "campaign_not_open")
        body["campaign_id"] = None
    try:
        data = NominationCreate.model_validate(body)
    except ValidationError as exc:
        errors = {**validation_errors(request, exc, NOMINEE_ALIASES), **errors}
        return await _new_form(
            request, user, session, state, values=values, errors=errors, status_code=422
        )
    if errors:
        return await _new_form(
            request, user, session, state, values=values, errors=errors, status_code=422
        )
    rule_set = state.catalogue.in_force(state.clock.today())
    if form.get("action") == "check":
        try:
            verdict = await unsaved_eligibility(session, rule_set=rule_set, data=data)
        except InvalidInput as exc:
            errors[field_of(exc, NOMINEE_ALIASES)] = message_of(request, exc)
            return await _new_form(
                request, user, session, state, values=values, errors=errors, status_code=422
            )
        return await _new_form(request, user, session, state, values=values, verdict=verdict)
    try:
        nomination = await service.create_nomination(
            session, principal=user, data=data, rule_set=rule_set, now=state.clock.now()
        )
    except InvalidInput as exc:
        errors[field_of(exc, NOMINEE_ALIASES)] = message_of(request, exc)
        await session.rollback()
        return await _new_form(
            request, user, session, state, values=values, errors=errors, status_code=422
        )
    except DomainError as exc:
        await session.rollback()
        return await _new_form(
            request,
            user,
            session,
            state,
            values=values,
            errors={"form": message_of(request, exc)},
            status_code=exc.status_code,
        )
    item_codes = [code for code, _ in _files_by_award(rule_set, "vi").get(data.award_code, [])]
    chosen = _chosen_files(form, item_codes)
    if chosen:
        upload_errors = await _attach_new_files(
            request, user, session, state, nomination.id, chosen
        )
        if upload_errors:
            await session.rollback()  # nothing half-written: no draft without its files
            return await _new_form(
                request, user, session, state, values=values, errors=upload_errors, status_code=422
            )
    await session.commit()
    if form.get("action") != "save_submit":
        return redirect_with_flash(request, f"/nominations/{nomination.id}", "draft_saved")
    # Submitted at once, through the same completeness question and checks as "Nộp hồ sơ".
    return await _submit(request, user, session, state, nomination.id, confirmed=False)


# ---- the nomination page -------------------------------------------------------------------


async def nomination_page(
    request: Request,
    user: Principal,
    session,
    state,
    nomination_id: DbId,
    *,
    errors: dict[str, dict[str, str]] | None = None,
    values: dict[str, Any] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    """The page of one nomination; ``errors`` are keyed by form (a command, ``upload``,
    ``submit``) then by field."""
    try:
        nomination = await service.readable_nomination(
            session, principal=user, nomination_id=nomination_id
        )
    except DomainError as exc:
        return domain_error_page(request, user, exc)
    detail = await service.nomination_detail(
        session,
        catalogue=state.catalogue,
        award_names=award_names(state),
        principal=user,
        nomination_id=nomination_id,
        now=state.clock.now(),
    )
    rule_set = state.catalogue.get(nomination.rule_set_id)
    award = rule_set.awards.get(nomination.award_code)
    requirements = _requirements(rule_set, nomination, detail)
    verdict = None
    if nomination.stage == Stage.DRAFT and "submit" in detail.allowed_actions:
        verdict = await _draft_verdict(session, state, nomination)
    else:  # the standing body sees the verdict the unit saw when it submitted
        verdict = await review_verdict(
            session, catalogue=state.catalogue, principal=user, nomination=nomination
        )
    timeline = (
        await service.history(session, principal=user, nomination_id=nomination_id, limit=500)
    ).events
    context: dict[str, Any] = {
        "n": detail,
        "award": award,
        "rule_set": rule_set,
        "dossier_types": rule_set.dossier_items,
        "upload_choices": _upload_choices(rule_set, requirements),
        # What a return may ask for: the items this award requires at this level.
        "returnable": service.returnable_items(rule_set, nomination),
        "requirements": requirements,
        # Pre-checked in the "return for supplement" form: what the level requires and lacks.
        "missing_codes": {r["codes"][0] for r in requirements if not r["present"]},
        "verdict": verdict,
        "verdict_under": rule_set
        if verdict is not None and nomination.stage != Stage.DRAFT
        else None,
        "timeline": timeline,
        "returned": _returned(detail, timeline),
        "certificates": (
            await decision_queries.issued_items_of(session, nomination_id=nomination.id)
        )
        if award is not None and award.certificate and nomination.stage == Stage.GRANTED
        else [],
        "council_session": await council_queries.session_of(session, nomination=nomination),
        "officers": [],
        "errors": errors or {},
        "values": values or {},
        "max_mb": state.settings.upload_max_bytes // (1024 * 1024),
        "can_upload": _can_upload(user, detail),
        "can_correct_summary": await service.summary_correctable(
            session, principal=user, nomination=nomination
        ),
    }
    if Command.REASSIGN.value in detail.allowed_actions:
        authority = await authority_queries.authority_by_id(
            session, authority_id=nomination.authority_id
        )
        assert authority is not None
        context["officers"] = await authority_queries.officers(
            session, role=Role.STANDING_OFFICER, unit_id=authority.standing_unit_id
        )
    return render(request, "pages/nomination.html", context, user=user, status_code=status_code)


def _requirements(rule_set, nomination, detail) -> list[dict[str, Any]]:
    """The dossier items the award requires at the nomination's level (each a list of
    alternatives), and whether one of them is attached."""
    present = {item.item_code for item in detail.dossier_items}
    return [
        {"codes": codes, "present": any(code in present for code in codes)}
        for codes in forms.required_items(rule_set, nomination.award_code, nomination.level)
    ]


def _upload_choices(rule_set, requirements) -> list[tuple[str, list[str]]]:
    """The upload form's dossier items in two groups: what the award requires at this
    level (alternatives included), then every other kind (an officer may still attach
    one the rules do not ask for)."""
    needed = [code for r in requirements for code in r["codes"] if code in rule_set.dossier_items]
    other = [code for code in rule_set.dossier_items if code not in needed]
    return [
        (key, codes) for key, codes in (("upload_needed", needed), ("upload_other", other)) if codes
    ]


def _returned(detail, timeline) -> dict[str, Any] | None:
    """Why a returned dossier came back, for the box at the top of its page: the latest
    return in its history (who, when, the reason, the missing items) and the deadline to
    resubmit."""
    if detail.stage != Stage.RETURNED:
        return None
    for event in reversed(timeline):
        if event.to_stage == Stage.RETURNED.value:
            listed = (event.changes or {}).get("missing_items") or ["", ""]
            codes = str(listed[-1] or "")
            return {
                "event": event,
                "missing": [code.strip() for code in codes.split(",") if code.strip()],
                "due": detail.stage_due_at,
            }
    return {"event": None, "missing": [], "due": detail.stage_due_at}


def _can_upload(user: Principal, detail) -> bool:
    if detail.stage == Stage.DRAFT:
        return "upload_dossier_item" in detail.allowed_actions
    return detail.stage == Stage.RETURNED and Command.RESUBMIT.value in detail.allowed_actions


async def _draft_verdict(session, state, nomination):
    rule_set = state.catalogue.in_force(state.clock.today())
    if nomination.award_code not in rule_set.awards:
        return None
    return await eligibility(session, rule_set=rule_set, nomination=nomination)


@router.get("/nominations/{nomination_id}", response_class=HTMLResponse)
async def nomination_view(
    nomination_id: DbId, request: Request, user: PageUser, session: ReadSessionDep, state: StateDep
):
    if user is None:
        return login_redirect(request)
    return await nomination_page(request, user, session, state, nomination_id)


# ---- dossier files, submit, delete ---------------------------------------------------------


@router.post("/nominations/{nomination_id}/files", response_class=HTMLResponse)
async def upload_file(
    nomination_id: DbId, request: Request, user: PageUser, session: SessionDep, state: StateDep
):
    back = f"/nominations/{nomination_id}"
    if user is None:
        return login_redirect(request, back)
    form = await request.form()
    if not form_csrf_ok(request, str(form.get("csrf_token") or "")):
        return csrf_refused(request, user)
    item_code = str(form.get("item_code") or "")
    title = str(form.get("title") or "").strip() or None
    upload = form.get("file")
    errors: dict[str, str] = {}
    if not item_code:
        errors["item_code"] = text(request, "field_choose")
    if not isinstance(upload, UploadFile) or not upload.filename:
        errors["file"] = text(request, "field_choose")
    if title and len(title) > 255:
        errors["title"] = text(request, "field_too_long", n=255)
    if not errors:
        try:
            await service.upload_dossier_item(
                session,
                principal=user,
                nomination_id=nomination_id,
                item_code=item_code,
                file=upload,
                title=title,
                catalogue=state.catalogue,
                settings=state.settings,
                now=state.clock.now(),
            )
        except InvalidInput as exc:
            errors[field_of(exc)] = message_of(request, exc)
        except DomainError as exc:
            if exc.status_code == 403:
                return domain_error_page(request, user, exc)
            errors["form"] = message_of(request, exc)
    if errors:
        await session.rollback()
        return await nomination_page(
            request,
            user,
            session,
            state,
            nomination_id,
            errors={"upload": errors},
            values={"upload": {"item_code": item_code, "title": title or ""}},
            status_code=422,
        )
    await session.commit()
    return redirect_with_flash(request, back + "#dossier", "uploaded", name=upload.filename)


@router.post("/nominations/{nomination_id}/files/{item_id}/delete", response_class=HTMLResponse)
async def delete_file(
    nomination_id: DbId,
    item_id: DbId,
    request: Request,
    user: PageUser,
    session: SessionDep,
    state: StateDep,
):
    """«Xóa» on a row of a draft's dossier: the file uploaded by mistake goes (audited)."""
    back = f"/nominations/{nomination_id}"
    if user is None:
        return login_redirect(request, back)
    form = await request.form()
    if not form_csrf_ok(request, str(form.get("csrf_token") or "")):
        return csrf_refused(request, user)
    name = ""
    try:
        item = next(
            (
                i
                for i in await queries.dossier_items(session, nomination_id=nomination_id)
                if i.id == item_id
            ),
            None,
        )
        name = (item.file_name or item.title) if item else ""
        await service.delete_dossier_item(
            session,
            principal=user,
            nomination_id=nomination_id,
            item_id=item_id,
            catalogue=state.catalogue,
            now=state.clock.now(),
        )
    except DomainError as exc:
        await session.rollback()
        if exc.status_code in (403, 404):
            return domain_error_page(request, user, exc)
        return await nomination_page(
            request,
            user,
            session,
            state,
            nomination_id,
            errors={f"item:{item_id}": {"form": message_of(request, exc)}},
            status_code=exc.status_code,
        )
    await session.commit()
    return redirect_with_flash(request, back + "#dossier", "dossier_item_deleted_flash", name=name)


@router.post("/nominations/{nomination_id}/files/{item_id}/replace", response_class=HTMLResponse)
async def replace_file(
    nomination_id: DbId,
    item_id: DbId,
    request: Request,
    user: PageUser,
    session: SessionDep,
    state: StateDep,
):
    """«Thay tệp» on a row of the dossier: a new file takes the old one's place (kept as an
    earlier version once the dossier was submitted)."""
    back = f"/nominations/{nomination_id}"
    if user is None:
        return login_redirect(request, back)
    form = await request.form()
    if not form_csrf_ok(request, str(form.get("csrf_token") or "")):
        return csrf_refused(request, user)
    upload = form.get("file")
    errors: dict[str, str] = {}
    if not isinstance(upload, UploadFile) or not upload.filename:
        errors["file"] = text(request, "field_choose")
    else:
        try:
            await service.replace_dossier_item(
                session,
                principal=user,
                nomination_id=nomination_id,
                item_id=item_id,
                file=upload,
                title=None,
                catalogue=state.catalogue,
                settings=state.settings,
                now=state.clock.now(),
            )
        except InvalidInput as exc:
            errors[field_of(exc)] = message_of(request, exc)
        except DomainError as exc:
            if exc.status_code in (403, 404):
                await session.rollback()
                return domain_error_page(request, user, exc)
            errors["form"] = message_of(request, exc)
    if errors or not isinstance(upload, UploadFile):
        await session.rollback()
        return await nomination_page(
            request,
            user,
            session,
            state,
            nomination_id,
            errors={f"item:{item_id}": errors},
            status_code=422,
        )
    await session.commit()
    return redirect_with_flash(
        request, back + "#dossier", "dossier_item_replaced_flash", name=upload.filename
    )


@router.post("/nominations/{nomination_id}/submit", response_class=HTMLResponse)
async def submit_draft(
    nomination_id: DbId, request: Request, user: PageUser, session: SessionDep, state: StateDep
):
    back = f"/nominations/{nomination_id}"
    if user is None:
        return login_redirect(request, back)
    form = await request.form()
    if not form_csrf_ok(request, str(form.get("csrf_token") or "")):
        return csrf_refused(request, user)
    return await _submit(
        request,
        user,
        session,
        state,
        nomination_id,
        confirmed=form.get("confirm_incomplete") == "yes",
    )


async def _attach_new_files(
    request: Request,
    user: Principal,
    session,
    state,
    nomination_id: DbId,
    chosen: dict[str, UploadFile],
) -> dict[str, str]:
    """Attach the files chosen in the new-nomination form to the draft just saved; the
    errors by form field (``file-<item>``), empty when every file was taken."""
    errors: dict[str, str] = {}
    for code, upload in chosen.items():
        try:
            await service.upload_dossier_item(
                session,
                principal=user,
                nomination_id=nomination_id,
                item_code=code,
                file=upload,
                title=None,
                catalogue=state.catalogue,
                settings=state.settings,
                now=state.clock.now(),
            )
        except DomainError as exc:
            errors[f"file-{code}"] = message_of(request, exc)
    return errors


async def _submit(
    request: Request,
    user: Principal,
    session,
    state,
    nomination_id: DbId,
    *,
    confirmed: bool,
) -> Response:
    """Submit a draft: an incomplete dossier is asked about first (unless ``confirmed``),
    then the service checks eligibility and completeness and starts the workflow."""
    back = f"/nominations/{nomination_id}"
    if not confirmed:
        question = await _incomplete_question(request, user, session, state, nomination_id)
        if question is not None:
            return question
    try:
        temporal = await temporal_client(state)
        await service.submit_draft(
            session,
            temporal=temporal,
            principal=user,
            nomination_id=nomination_id,
            catalogue=state.catalogue,
            settings=state.settings,
            now=state.clock.now(),
        )
    except DomainError as exc:
        await session.rollback()
        if exc.status_code == 403:
            return domain_error_page(request, user, exc)
        return await nomination_page(
            request,
            user,
            session,
            state,
            nomination_id,
            errors={"submit": {"form": message_of(request, exc)}},
            status_code=exc.status_code,
        )
    await session.commit()
    return redirect_with_flash(request, back, "submitted")


async def _incomplete_question(
    request: Request, user: Principal, session, state, nomination_id: DbId
) -> HTMLResponse | None:
    """Before an incomplete dossier is submitted, a page naming what it still lacks (the
    award's required items at its level, none of whose alternatives is attached) and
    asking whether to submit it anyway; None when nothing is missing."""
    try:
        nomination = await service.visible_nomination(
            session, principal=user, nomination_id=nomination_id
        )
    except DomainError as exc:
        return domain_error_page(request, user, exc)
    detail = await service.nomination_detail(
        session,
        catalogue=state.catalogue,
        award_names=award_names(state),
        principal=user,
        nomination_id=nomination_id,
        now=state.clock.now(),
    )
    if "submit" not in detail.allowed_actions:
        return None  # the service refuses it with its own message
    rule_set = state.catalogue.get(nomination.rule_set_id)
    missing = [r for r in _requirements(rule_set, nomination, detail) if not r["present"]]
    if not missing:
        return None
    verdict = await _draft_verdict(session, state, nomination)
    if verdict is not None and not verdict.eligible:
        return None  # refused first for that, with the reasons
    return render(
        request,
        "pages/submit_confirm.html",
        {"n": detail, "missing": missing, "dossier_types": rule_set.dossier_items},
        user=user,
    )


@router.post("/nominations/{nomination_id}/delete", response_class=HTMLResponse)
async def delete_draft(
    nomination_id: DbId, request: Request, user: PageUser, session: SessionDep, state: StateDep
):
    if user is None:
        return login_redirect(request, f"/nominations/{nomination_id}")
    form = await request.form()
    if not form_csrf_ok(request, str(form.get("csrf_token") or "")):
        return csrf_refused(request, user)
    try:
        await service.delete_draft(session, principal=user, nomination_id=nomination_id)
    except DomainError as exc:
        await session.rollback()
        return domain_error_page(request, user, exc)
    await session.commit()
    return redirect_with_flash(request, "/nominations", "draft_deleted")


# ---- workflow commands ---------------------------------------------------------------------


def _command_body(command: Command, form: FormData):
    """The JSON API's body for a command, from the form's fields (pydantic validates)."""
    reason = str(form.get("reason") or "")
    if command == Command.ACCEPT_DOSSIER:
        return AcceptCreate.model_validate({"note": str(form.get("note") or "")})
    if command == Command.RETURN_FOR_SUPPLEMENT:
        return ReturnCreate.model_validate(
            {"missing_items": [str(v) for v in form.getlist("missing_items")], "reason": reason}
        )
    if command == Command.RESUBMIT:
        return ResubmitCreate.model_validate(
            {
                "added_items": [str(v) for v in form.getlist("added_items")],
                "note": str(form.get("note") or ""),
            }
        )
    if command in (Command.REJECT, Command.WITHDRAW, Command.REFUSE):
        return ReasonCreate.model_validate({"reason": reason})
    if command == Command.EXTEND_DEADLINE:
        return ExtendCreate.model_validate(
            {"working_days": str(form.get("working_days") or "").strip() or None, "reason": reason}
        )
    if command == Command.REASSIGN:
        return ReassignCreate.model_validate(
            {"to_user_id": str(form.get("to_user_id") or "") or None, "reason": reason}
        )
    if command == Command.RESOLVE_OBJECTION:
        outcome = str(form.get("outcome") or "")
        return ResolveObjectionCreate.model_validate(
            {
                "outcome": outcome
                if outcome in (ObjectionStatus.DISMISSED, ObjectionStatus.UPHELD)
                else None,
                "reason": reason,
            }
        )
    if command == Command.REVOKE:
        body = {"reason": reason}
        if str(form.get("legal_basis") or "").strip():
            body["legal_basis"] = str(form.get("legal_basis"))
        return RevokeCreate.model_validate(body)
    raise Forbidden()


async def _run(
    command: Command, nomination_id: DbId, body, form: FormData, user, session, state, temporal
):
    if command == Command.REVOKE:
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
    key = str(form.get("objection_key") or "")
    if command == Command.RESOLVE_OBJECTION and not key:
        raise InvalidInput("objection_key", "Chọn ý kiến phản ánh", "choose the objection")
    return await service.run_command(
        session,
        temporal=temporal,
        catalogue=state.catalogue,
        principal=user,
        nomination_id=nomination_id,
        command=command,
        body=body,
        objection_key=key,
    )


COMMAND_FIELD_ALIASES = {"body": "form", "stage": "form"}


@router.post("/nominations/{nomination_id}/do/{command}", response_class=HTMLResponse)
async def run_command(
    nomination_id: DbId,
    command: str,
    request: Request,
    user: PageUser,
    session: ReadSessionDep,
    state: StateDep,
) -> Response:
    page = f"/nominations/{nomination_id}"
    if user is None:
        return login_redirect(request, page)
    form = await request.form()
    if not form_csrf_ok(request, str(form.get("csrf_token") or "")):
        return csrf_refused(request, user)
    back = str(form.get("back") or "")
    if not back.startswith("/") or back.startswith("//"):
        back = page
    try:
        chosen = Command(command)
    except ValueError:
        return domain_error_page(request, user, Forbidden())
    form_key = chosen.value
    if chosen == Command.RESOLVE_OBJECTION:
        form_key = f"{chosen.value}:{form.get('objection_key') or ''}"
    submitted = {
        k: (form.getlist(k) if k in ("missing_items", "added_items") else str(v))
        for k, v in form.items()
        if k != "csrf_token"
    }
    try:
        body = _command_body(chosen, form)
    except ValidationError as exc:
        return await _command_failed(
            request,
            user,
            session,
            state,
            nomination_id,
            back,
            form_key,
            validation_errors(request, exc),
            submitted,
            422,
        )
    try:
        temporal = await temporal_client(state)
        await _run(chosen, nomination_id, body, form, user, session, state, temporal)
    except DomainError as exc:
        if exc.status_code == 403:
            return domain_error_page(request, user, exc)
        field = field_of(exc, COMMAND_FIELD_ALIASES)
        message = message_of(request, exc)
        missing = exc.extra.get("missing")
        if missing:
            message = _missing_message(request, state, nomination_id, missing)
        return await _command_failed(
            request,
            user,
            session,
            state,
            nomination_id,
            back,
            form_key,
            {field: message},
            submitted,
            exc.status_code,
        )
    label = text(request, f"command_{chosen.value}")
    return redirect_with_flash(request, back, "action_done", action=label)


async def _command_failed(
    request,
    user,
    session,
    state,
    nomination_id,
    back,
    form_key,
    errors: dict[str, str],
    submitted: dict,
    status_code: int,
):
    """Show the form again with the errors next to its fields: on the nomination page,
    or on the list page the form was sent from (objections are resolved from /notices)."""
    if back.startswith("/notices"):
        return await notices_page(
            request,
            user,
            session,
            state,
            errors={f"{nomination_id}:{form_key}": errors},
            values={f"{nomination_id}:{form_key}": submitted},
            status_code=status_code,
        )
    return await nomination_page(
        request,
        user,
        session,
        state,
        nomination_id,
        errors={form_key: errors},
        values={form_key: submitted},
        status_code=status_code,
    )


def _missing_message(request: Request, state, nomination_id: DbId, missing: list[str]) -> str:
    """The dossier items a refused acceptance names, by their names in the catalogue."""
    lang = request_language(request)
    names = []
    for entry in missing:
        alternatives = []
        for code in str(entry).split(" | "):
            item = _dossier_type(state, code)
            alternatives.append((item.name_vi if lang == "vi" else item.name_en) if item else code)
        names.append(text(request, "or_join").join(alternatives))
    return text(request, "dossier_missing", items="; ".join(names))


def _dossier_type(state, code: str):
    for rule_set in state.catalogue.rule_sets:
        if code in rule_set.dossier_items:
            return rule_set.dossier_items[code]
    return None


# ---- how an objector was answered ----------------------------------------------------------


@router.post(
    "/nominations/{nomination_id}/objections/{objection_key}/reply", response_class=HTMLResponse
)
async def record_objection_reply(
    nomination_id: DbId,
    objection_key: str,
    request: Request,
    user: PageUser,
    session: SessionDep,
    state: StateDep,
):
    """The standing body records how it answered the objector (the form below the
    objection on the nomination page); errors next to the fields."""
    back = f"/nominations/{nomination_id}"
    if user is None:
        return login_redirect(request, back)
    form = await request.form()
    if not form_csrf_ok(request, str(form.get("csrf_token") or "")):
        return csrf_refused(request, user)
    form_key = f"reply:{objection_key[:64]}"
    submitted = {
        "channel": str(form.get("channel") or ""),
        "note": str(form.get("note") or ""),
        "replied_at": str(form.get("replied_at") or "").strip(),
    }
    errors: dict[str, str] = {}
    replied_at = parse_vn_datetime(submitted["replied_at"]) if submitted["replied_at"] else None
    if submitted["replied_at"] and replied_at is None:
        errors["replied_at"] = text(request, "field_datetime_vn")
    if submitted["channel"] not in {c.value for c in ReplyChannel}:
        errors["channel"] = text(request, "field_choose")
    body = None
    if not errors:
        try:
            body = ObjectionReplyCreate(
                channel=ReplyChannel(submitted["channel"]),
                note=submitted["note"],
                replied_at=replied_at,
            )
        except ValidationError as exc:
            errors = validation_errors(request, exc)
    if body is not None and not errors:
        try:
            await objection_service.record_reply(
                session,
                principal=user,
                nomination_id=nomination_id,
                objection_key=objection_key,
                body=body,
                now=state.clock.now(),
            )
        except InvalidInput as exc:
            errors[field_of(exc)] = message_of(request, exc)
        except DomainError as exc:
            if exc.status_code in (403, 404):
                return domain_error_page(request, user, exc)
            errors["form"] = message_of(request, exc)
    if errors:
        await session.rollback()
        return await nomination_page(
            request,
            user,
            session,
            state,
            nomination_id,
            errors={form_key: errors},
            values={form_key: submitted},
            status_code=422,
        )
    return redirect_with_flash(request, f"{back}#objections", "reply_recorded")


# ---- the standing body corrects the achievement summary -----------------------------------


@router.post("/nominations/{nomination_id}/summary", response_class=HTMLResponse)
async def correct_summary(
    nomination_id: DbId, request: Request, user: PageUser, session: SessionDep, state: StateDep
):
    """The standing body corrects the text the certificate prints (the folded form in the
    actions of the nomination page); errors next to the field."""
    back = f"/nominations/{nomination_id}"
    if user is None:
        return login_redirect(request, back)
    form = await request.form()
    if not form_csrf_ok(request, str(form.get("csrf_token") or "")):
        return csrf_refused(request, user)
    submitted = {"achievement_summary": str(form.get("achievement_summary") or "")}
    errors: dict[str, str] = {}
    try:
        await service.correct_summary(
            session,
            principal=user,
            nomination_id=nomination_id,
            body=SummaryUpdate.model_validate(submitted),
            now=state.clock.now(),
        )
    except ValidationError as exc:
        errors = validation_errors(request, exc)
    except InvalidInput as exc:
        errors[field_of(exc)] = message_of(request, exc)
    except DomainError as exc:
        if exc.status_code in (403, 404):
            return domain_error_page(request, user, exc)
        errors["form"] = message_of(request, exc)
    if errors:
        await session.rollback()
        return await nomination_page(
            request,
            user,
            session,
            state,
            nomination_id,
            errors={"summary": errors},
            values={"summary": submitted},
            status_code=422 if "form" not in errors else 409,
        )
    await session.commit()
    return redirect_with_flash(request, back, "summary_corrected")

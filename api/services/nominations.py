"""Nominations: a draft and its dossier, submitting (which starts the approval workflow),
every later command of that workflow, revocation, and what one nomination looks like to
a person (its detail with the actions this person may take, its history).

The JSON routes (``api/routes/nominations.py``) and the pages (``api/pages/nominations.py``)
both call these functions, so they never disagree. Nothing here commits except
``submit``: the workflow must find the committed row, so it commits before starting it
(and puts the draft back if the start fails).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import UploadFile
from temporalio.client import Client, WorkflowFailureError
from temporalio.exceptions import ApplicationError, WorkflowAlreadyStartedError

from domain.calendar import WorkingCalendar, vietnam_date
from domain.catalogue import Catalogue
from domain.permissions import (
    Command,
    NominationContext,
    PermissionDenied,
    StageNotAllowed,
    allowed_commands,
    check,
    permitted,
)
from domain.rules import RuleSet
from domain.vocabulary import DocumentKind, Level, NomineeKind, ObjectionStatus, Role, Stage
from models import (
    AuditEvent,
    Campaign,
    Collective,
    Document,
    DossierItem,
    Exemplar,
    Household,
    Initiative,
    Nomination,
    Person,
    User,
)
from models.audit import write_audit_event
from models.schemas.nominations import (
    AcceptCreate,
    AuditEventRead,
    CommandRead,
    DocumentLink,
    DossierItemRead,
    ExtendCreate,
    NominationCreate,
    NominationDetail,
    NominationHistory,
    ReasonCreate,
    ReassignCreate,
    ResolveObjectionCreate,
    ResubmitCreate,
    ReturnCreate,
    RevokeCreate,
    SummaryRead,
    SummaryUpdate,
)
from thidua.files import FileStore, sha256_hex
from thidua.settings import Settings
from workflows.contracts import Actor
from workflows.nomination import NominationWorkflow
from workflows.nomination_types import (
    CommandResult,
    ExtendCommand,
    ReasonCommand,
    ReassignCommand,
    ResolveObjectionCommand,
    ResubmitCommand,
    ReturnCommand,
    ReviewCommand,
    nomination_workflow_id,
)
from workflows.revocation import RevocationInput, RevocationWorkflow, revocation_workflow_id

from ..errors import Conflict, Forbidden, InvalidInput, NotFound, ServiceUnavailable, WrongStage
from ..principal import Principal
from ..queries import authorities as authority_queries
from ..queries import campaigns as campaign_queries
from ..queries import council as council_queries
from ..queries import decisions as decision_queries
from ..queries import nominations as queries
from ..temporal_calls import execute_update, refusal_to_http
from .access import can_see
from .document_audience import may_read, nomination_audience, readable
from .eligibility import eligibility
from .objectors import ObjectorScreen
from .plans import authority_chain, nomination_input

MAGIC_TYPES = {
    b"%PDF-": "application/pdf",
    b"\xff\xd8\xff": "image/jpeg",
    b"\x89PNG\r\n\x1a\n": "image/png",
}

SUBJECT_FIELD = {
    NomineeKind.INDIVIDUAL: "person_id",
    NomineeKind.COLLECTIVE: "collective_id",
    NomineeKind.HOUSEHOLD: "household_id",
}

# The bodies of the workflow's commands, one per command (``workflow_update``).
CommandBody = (
    AcceptCreate
    | ReturnCreate
    | ResubmitCreate
    | ReasonCreate
    | ExtendCreate
    | ReassignCreate
    | ResolveObjectionCreate
)


def sniff_content_type(data: bytes) -> str | None:
    """The type the bytes really are (never trust the client's header)."""
    for magic, content_type in MAGIC_TYPES.items():
        if data.startswith(magic):
            return content_type
    return None


# ---- who may see it, and what they may do ------------------------------------------------


async def visible_nomination(
    session: AsyncSession, *, principal: Principal, nomination_id: int
) -> Nomination:
    """The nomination if this person may see it. 403 otherwise — also when it does not
    exist, for anyone who could not see it if it did (no existence leaks)."""
    nomination = await session.get(Nomination, nomination_id)
    if nomination is None:
        # Only who sees every ward is told it does not exist: anyone else would learn
        # that another ward's number exists from the difference.
        if principal.sees_all:
            raise NotFound("Không tìm thấy đề nghị", "no such nomination")
        raise Forbidden()
    if not can_see(principal, nomination):
        raise Forbidden()
    return nomination


async def readable_nomination(
    session: AsyncSession, *, principal: Principal, nomination_id: int
) -> Nomination:
    """``visible_nomination``, and, to read only, a nomination on the agenda of a session of
    a council this person is a member of: a member votes on the dossier whatever role
    grants they hold (the objector stays hidden from them, ``objectors.py``; they may act
    on nothing: the commands go through ``visible_nomination``)."""
    try:
        return await visible_nomination(session, principal=principal, nomination_id=nomination_id)
    except Forbidden:
        councils = {council_id for council_id, _ in principal.council_memberships}
        nomination = await session.get(Nomination, nomination_id) if councils else None
        if nomination is not None and await council_queries.on_agenda_of(
            session, nomination_id=nomination.id, council_ids=councils
        ):
            return nomination
        raise


async def readable_nomination_ids(
    session: AsyncSession, *, principal: Principal, nomination_ids: Iterable[int]
) -> set[int]:
    """Of these nominations, those whose page this person may open (the rule of
    ``readable_nomination``, for a list at once): a page that names nominations, such as a
    decision's, links only to these."""
    nominations = await queries.nominations_by_id(session, nomination_ids=set(nomination_ids))
    readable = {id_ for id_, nomination in nominations.items() if can_see(principal, nomination)}
    councils = {council_id for council_id, _ in principal.council_memberships}
    if councils and len(readable) < len(nominations):
        readable |= await council_queries.on_agendas_of(
            session, nomination_ids=set(nominations) - readable, council_ids=councils
        )
    return readable


def decides(catalogue: Catalogue, nomination: Nomination) -> bool:
    """Whether the nomination's present level is the one that decides its award."""
    award = catalogue.get(nomination.rule_set_id).awards.get(nomination.award_code)
    return bool(award and award.deciding_level == nomination.level)


async def nomination_context(
    session: AsyncSession, *, nomination: Nomination, catalogue: Catalogue
) -> NominationContext:
    """The permission context of a nomination as the projection knows it (the same one
    the workflow builds from its own state)."""
    authority = await authority_queries.authority_by_id(
        session, authority_id=nomination.authority_id
    )
    assert authority is not None
    previous_standing = None
    if nomination.level != Level.WARD:
        previous_id = (
            nomination.origin_authority_id
            if nomination.level == Level.CITY
            else nomination.city_authority_id
        )
        previous = (
            await authority_queries.authority_by_id(session, authority_id=previous_id)
            if previous_id
            else None
        )
        previous_standing = previous.standing_unit_id if previous else None
    return NominationContext(
        stage=nomination.stage,
        level=nomination.level,
        authority_unit_id=authority.unit_id,
        standing_unit_id=authority.standing_unit_id,
        proposing_unit_id=nomination.proposing_unit_id,
        previous_standing_unit_id=previous_standing,
        returned_at_this_level=await queries.returned_at_level(
            session, nomination_id=nomination.id, level=nomination.level
        ),
        pending_objections=await queries.pending_objection_count(
            session, nomination_id=nomination.id
        ),
        decides=decides(catalogue, nomination),
    )


# ---- the draft -----------------------------------------------------------------------------


async def _nominee(session: AsyncSession, data: NominationCreate) -> tuple[str, int]:
    """(name, unit id) of the nominee, or a 422 naming the field."""
    ref = data.nominee
    if ref.kind == NomineeKind.INDIVIDUAL:
        person = await session.get(Person, ref.person_id)
        if person is None:
            raise InvalidInput("nominee.person_id", "Không có cá nhân này", "no such person")
        return person.full_name, person.unit_id
    if ref.kind == NomineeKind.COLLECTIVE:
        collective = await session.get(Collective, ref.collective_id)
        if collective is None:
            raise InvalidInput(
                "nominee.collective_id", "Không có tập thể này", "no such collective"
            )
        return collective.name, collective.unit_id
    household = await session.get(Household, ref.household_id)
    if household is None:
        raise InvalidInput("nominee.household_id", "Không có hộ gia đình này", "no such household")
    return f"Hộ gia đình ông/bà {household.head_name}", household.residential_group_id


async def create_nomination(
    session: AsyncSession,
    *,
    principal: Principal,
    data: NominationCreate,
    rule_set: RuleSet,
    now: datetime,
) -> Nomination:
    if not principal.actor.has(Role.UNIT_OFFICER, data.proposing_unit_id):
        raise Forbidden(
            "Chỉ cán bộ của đơn vị được lập đề nghị cho đơn vị mình",
            "only an officer of the proposing unit may nominate",
        )
    award = rule_set.awards.get(data.award_code)
    if award is None:
        raise InvalidInput(
            "award_code",
            f"Không có danh hiệu/hình thức '{data.award_code}' trong {rule_set.title}",
            f"unknown award '{data.award_code}' in rule set {rule_set.id}",
        )
    if data.nominee.kind not in award.recipients:
        raise InvalidInput(
            "nominee.kind",
            f"{award.name_vi} không xét cho đối tượng này",
            f"{award.code} is not awarded to a {data.nominee.kind.value}",
        )
    name, unit_id = await _nominee(session, data)
    if unit_id != data.proposing_unit_id:
        raise InvalidInput(
            f"nominee.{SUBJECT_FIELD[data.nominee.kind]}",
            "Đối tượng không thuộc đơn vị đề nghị",
            "the nominee does not belong to the proposing unit",
        )
    if data.initiative_id is not None:
        initiative = await session.get(Initiative, data.initiative_id)
        if initiative is None or initiative.person_id != data.nominee.person_id:
            raise InvalidInput(
                "initiative_id",
                "Sáng kiến không thuộc cá nhân được đề nghị",
                "the initiative is not the nominee's",
            )
    for index, item in enumerate(data.dossier_items):
        if item.item_code not in rule_set.dossier_items:
            raise InvalidInput(
                f"dossier_items.{index}.item_code",
                f"Không có thành phần hồ sơ '{item.item_code}'",
                f"unknown dossier item '{item.item_code}'",
            )
    if data.campaign_id is not None:
        campaign = await session.get(Campaign, data.campaign_id)
        ward = await authority_queries.ward_authority_of(session, unit_id=data.proposing_unit_id)
        # Only a campaign running in the proposing unit's own ward: another ward's (or a
        # closed) campaign would count this nomination in a report it does not belong to.
        if campaign is None or ward is None or campaign.authority_id != ward.id:
            raise InvalidInput("campaign_id", "Không có phong trào thi đua này", "no such campaign")
        if campaign.status != "running":
            raise InvalidInput(
                "campaign_id",
                "Phong trào thi đua này không đang diễn ra",
                "the campaign is not running",
            )
        if data.content_area_code is not None:
            area = await campaign_queries.content_area_id(
                session, campaign_id=campaign.id, code=data.content_area_code
            )
            if area is None:
                raise InvalidInput(
                    "content_area_code",
                    "Phong trào không có nội dung thi đua này",
                    "the campaign has no such content area",
                )
    elif data.content_area_code is not None:
        raise InvalidInput(
            "content_area_code",
            "Nội dung thi đua cần đi kèm phong trào",
            "a content area needs its campaign",
        )
    if data.exemplar_id is not None and await session.get(Exemplar, data.exemplar_id) is None:
        raise InvalidInput("exemplar_id", "Không có điển hình này", "no such exemplary model")
    authority = await authority_queries.ward_authority_of(session, unit_id=data.proposing_unit_id)
    if authority is None:
        raise InvalidInput(
            "proposing_unit_id", "Đơn vị không thuộc phường nào", "the unit belongs to no ward"
        )
    ref = data.nominee
    nomination = Nomination(
        award_code=award.code,
        rule_set_id=rule_set.id,
        year=data.year,
        subject_kind=ref.kind,
        person_id=ref.person_id,
        collective_id=ref.collective_id,
        household_id=ref.household_id,
        nominee_name=name,
        proposing_unit_id=data.proposing_unit_id,
        origin_authority_id=authority.id,
        authority_id=authority.id,
        level=Level.WARD,
        stage=Stage.DRAFT,
        submitted_by_user_id=principal.user_id,
        achievement_summary=data.achievement_summary,
        achievement_key=data.achievement_key,
        initiative_id=data.initiative_id,
        campaign_id=data.campaign_id,
        content_area_code=data.content_area_code,
        exemplar_id=data.exemplar_id,
        attestations=list(data.attestations),
        stage_entered_at=now,
    )
    session.add(nomination)
    await session.flush()
    for item in data.dossier_items:
        session.add(
            DossierItem(
                nomination_id=nomination.id,
                item_code=item.item_code,
                title=item.title or rule_set.dossier_items[item.item_code].name_vi,
                level=Level.WARD,
                uploaded_by_user_id=principal.user_id,
                uploaded_at=now,
            )
        )
    await session.flush()
    return nomination


def _dossier_item_read(item: DossierItem) -> DossierItemRead:
    return DossierItemRead(
        id=item.id,
        item_code=item.item_code,
        title=item.title,
        level=item.level,
        file_name=item.file_name,
        content_type=item.content_type,
        size_bytes=item.size_bytes,
        sha256=item.sha256,
        uploaded_at=item.uploaded_at,
        download_url=(
            f"/api/v1/nominations/{item.nomination_id}/dossier-items/{item.id}/file"
            if item.storage_key
            else None
        ),
        replaced_by_id=item.replaced_by_id,
        replaced_at=item.replaced_at,
    )


async def _dossier_editor(
    session: AsyncSession, *, principal: Principal, nomination_id: int, catalogue: Catalogue
) -> Nomination:
    """The nomination, if this person may change its dossier now: while drafting, the
    proposing unit's officer; while returned, whoever may resubmit it (the unit at the ward
    level, the previous level's standing body above). 403 for anyone else, 409 at any
    other stage."""
    nomination = await visible_nomination(session, principal=principal, nomination_id=nomination_id)
    submitter_ok = principal.actor.has(Role.UNIT_OFFICER, nomination.proposing_unit_id)
    if nomination.stage == Stage.RETURNED and nomination.level != Level.WARD:
        context = await nomination_context(session, nomination=nomination, catalogue=catalogue)
        submitter_ok = permitted(Command.RESUBMIT, principal.roles, context)
    if not submitter_ok:
        raise Forbidden()
    if nomination.stage not in (Stage.DRAFT, Stage.RETURNED):
        raise WrongStage(
            nomination.stage.value,
            "Chỉ bổ sung hồ sơ khi lập hoặc khi được trả lại",
            "files can be added while drafting or when returned",
        )
    return nomination


async def _checked_upload(file: UploadFile, settings: Settings) -> tuple[bytes, str]:
    """The uploaded bytes and their real type, or a 422 naming the file field."""
    data = await file.read(settings.upload_max_bytes + 1)
    if len(data) > settings.upload_max_bytes:
        raise InvalidInput(
            "file",
            f"Tệp quá lớn (tối đa {settings.upload_max_bytes // (1024 * 1024)} MB)",
            f"file too large (max {settings.upload_max_bytes} bytes)",
        )
    if not data:
        raise InvalidInput("file", "Tệp rỗng", "empty file")
    content_type = sniff_content_type(data)
    if content_type is None or content_type not in settings.allowed_upload_types:
        raise InvalidInput(
            "file", "Chỉ nhận tệp PDF, JPEG hoặc PNG", "only PDF, JPEG or PNG files are accepted"
        )
    return data, content_type


def _put_file(
    item: DossierItem,
    *,
    data: bytes,
    content_type: str,
    file_name: str | None,
    settings: Settings,
    user_id: int,
    now: datetime,
) -> None:
    """Store the bytes and point the item at them."""
    item.storage_key = FileStore(settings.files_dir).put(data)
    item.file_name = (file_name or "tep")[:255]
    item.content_type = content_type
    item.size_bytes = len(data)
    item.sha256 = sha256_hex(data)
    item.uploaded_by_user_id = user_id
    item.uploaded_at = now


async def _audit_dossier(
    session: AsyncSession,
    *,
    principal: Principal,
    nomination: Nomination,
    action: str,
    reason: str,
    changes: dict[str, Any],
    now: datetime,
) -> None:
    """An event of the nomination's timeline naming who changed its dossier, and how."""
    role = (
        Role.UNIT_OFFICER
        if principal.actor.has(Role.UNIT_OFFICER, nomination.proposing_unit_id)
        else Role.STANDING_OFFICER
    )
    await write_audit_event(
        session,
        event_key=f"nomination-{nomination.id}:{action}:{uuid.uuid4().hex}",
        subject_type="nomination",
        subject_id=nomination.id,
        nomination_id=nomination.id,
        action=action,
        occurred_at=now,
        actor_user_id=principal.user_id,
        actor_name=principal.full_name,
        actor_role=role.value,
        level=nomination.level,
        reason=reason,
        changes=changes,
    )


async def upload_dossier_item(
    session: AsyncSession,
    *,
    principal: Principal,
    nomination_id: int,
    item_code: str,
    file: UploadFile,
    title: str | None,
    catalogue: Catalogue,
    settings: Settings,
    now: datetime,
) -> DossierItemRead:
    """Attach a file (PDF, JPEG or PNG) to the dossier: while drafting, or while the
    dossier is returned for supplement.

    One file per item and level: an item declared without a file gets this one; while
    drafting, a second file of an item that has one is refused (409, replace or delete
    the first); while returned, it replaces the first, which is kept as an earlier
    version (``replace_dossier_item``)."""
    nomination = await _dossier_editor(
        session, principal=principal, nomination_id=nomination_id, catalogue=catalogue
    )
    rule_set = catalogue.get(nomination.rule_set_id)
    if item_code not in rule_set.dossier_items:
        raise InvalidInput(
            "item_code",
            f"Không có thành phần hồ sơ '{item_code}'",
            f"unknown dossier item '{item_code}'",
        )
    current = await queries.current_items_of(
        session, nomination_id=nomination.id, item_code=item_code, level=nomination.level
    )
    with_file = [item for item in current if item.storage_key]
    if with_file and nomination.stage == Stage.DRAFT:
        raise Conflict(
            f"Thành phần «{rule_set.dossier_items[item_code].name_vi}» đã có tệp "
            f"{with_file[-1].file_name}: dùng «Thay tệp» ở dòng đó, hoặc xóa tệp cũ trước",
            "this item already has a file: replace it, or delete it first",
            item_id=with_file[-1].id,
        )
    data, content_type = await _checked_upload(file, settings)
    if with_file:
        return await _replace(
            session,
            principal=principal,
            nomination=nomination,
            old=with_file[-1],
            data=data,
            content_type=content_type,
            file_name=file.filename,
            title=title,
            settings=settings,
            now=now,
        )
    declared = next((item for item in current if not item.storage_key), None)
    item = declared or DossierItem(
        nomination_id=nomination.id,
        item_code=item_code,
        title=title or rule_set.dossier_items[item_code].name_vi,
        level=nomination.level,
    )
    if declared is not None and title:
        declared.title = title
    _put_file(
        item,
        data=data,
        content_type=content_type,
        file_name=file.filename,
        settings=settings,
        user_id=principal.user_id,
        now=now,
    )
    if declared is None:
        session.add(item)
    await session.flush()
    return _dossier_item_read(item)


async def _current_item(
    session: AsyncSession, *, nomination: Nomination, item_id: int
) -> DossierItem:
    """A current item of this nomination's dossier (404 for any other id, an earlier
    version included)."""
    item = await session.get(DossierItem, item_id)
    if item is None or item.nomination_id != nomination.id or item.replaced_by_id is not None:
        raise NotFound("Không có thành phần hồ sơ này", "no such dossier item")
    return item


async def _replace(
    session: AsyncSession,
    *,
    principal: Principal,
    nomination: Nomination,
    old: DossierItem,
    data: bytes,
    content_type: str,
    file_name: str | None,
    title: str | None,
    settings: Settings,
    now: datetime,
) -> DossierItemRead:
    """The new file takes the old one's place. Submitted once (returned), the old one
    stays as an earlier version, still readable by the nomination's audience; in a draft
    nobody else has seen it, so it goes."""
    if not old.storage_key:  # a declaration without a file: the file fills it
        if title:
            old.title = title
        _put_file(
            old,
            data=data,
            content_type=content_type,
            file_name=file_name,
            settings=settings,
            user_id=principal.user_id,
            now=now,
        )
        await session.flush()
        return _dossier_item_read(old)
    new = DossierItem(
        nomination_id=nomination.id,
        item_code=old.item_code,
        title=title or old.title,
        level=old.level,
    )
    _put_file(
        new,
        data=data,
        content_type=content_type,
        file_name=file_name,
        settings=settings,
        user_id=principal.user_id,
        now=now,
    )
    session.add(new)
    await session.flush()
    old_name = old.file_name
    if nomination.stage == Stage.DRAFT:
        await session.delete(old)
    else:
        old.replaced_by_id = new.id
        old.replaced_at = now
    await _audit_dossier(
        session,
        principal=principal,
        nomination=nomination,
        action="dossier_item_replaced",
        reason=f"{new.title}: {old_name} → {new.file_name}",
        changes={
            "item_code": new.item_code,
            "file_name": [old_name, new.file_name],
            "sha256": [old.sha256, new.sha256],
            "kept_as_earlier_version": nomination.stage != Stage.DRAFT,
        },
        now=now,
    )
    await session.flush()
    return _dossier_item_read(new)


async def replace_dossier_item(
    session: AsyncSession,
    *,
    principal: Principal,
    nomination_id: int,
    item_id: int,
    file: UploadFile,
    title: str | None,
    catalogue: Catalogue,
    settings: Settings,
    now: datetime,
) -> DossierItemRead:
    """Replace one file of the dossier with a new one (``_replace``), by whoever may add
    files at this stage (``_dossier_editor``)."""
    nomination = await _dossier_editor(
        session, principal=principal, nomination_id=nomination_id, catalogue=catalogue
    )
    old = await _current_item(session, nomination=nomination, item_id=item_id)
    data, content_type = await _checked_upload(file, settings)
    return await _replace(
        session,
        principal=principal,
        nomination=nomination,
        old=old,
        data=data,
        content_type=content_type,
        file_name=file.filename,
        title=title,
        settings=settings,
        now=now,
    )


async def delete_dossier_item(
    session: AsyncSession,
    *,
    principal: Principal,
    nomination_id: int,
    item_id: int,
    catalogue: Catalogue,
    now: datetime,
) -> None:
    """Remove an item (a file uploaded by mistake) from a draft; once submitted, a file
    is replaced instead, never removed."""
    nomination = await _dossier_editor(
        session, principal=principal, nomination_id=nomination_id, catalogue=catalogue
    )
    if nomination.stage != Stage.DRAFT:
        raise WrongStage(
            nomination.stage.value,
            "Hồ sơ đã nộp: chỉ thay được tệp, không xóa",
            "a submitted dossier's files can be replaced, not deleted",
        )
    item = await _current_item(session, nomination=nomination, item_id=item_id)
    await _audit_dossier(
        session,
        principal=principal,
        nomination=nomination,
        action="dossier_item_deleted",
        reason=f"{item.title}: {item.file_name or '—'}",
        changes={
            "item_code": item.item_code,
            "file_name": [item.file_name, None],
            "sha256": [item.sha256, None],
        },
        now=now,
    )
    await session.delete(item)
    await session.flush()


async def dossier_file(
    session: AsyncSession,
    *,
    principal: Principal,
    nomination_id: int,
    item_id: int,
    settings: Settings,
) -> tuple[DossierItem, bytes]:
    """A file of the dossier, with its bytes, for its audience (``document_audience``), and
    for the members of a council that has it on an agenda (``readable_nomination``)."""
    nomination = await readable_nomination(
        session, principal=principal, nomination_id=nomination_id
    )
    # A council member let in by the agenda alone reads the dossier they vote on.
    member_reader = not can_see(principal, nomination)
    item = await session.get(DossierItem, item_id)
    if (
        item is None
        or item.nomination_id != nomination_id
        or not item.storage_key
        or not (member_reader or may_read(principal, nomination_audience(nomination)))
    ):
        raise NotFound("Không có tệp này", "no such file")
    return item, FileStore(settings.files_dir).get(item.storage_key)


async def delete_draft(session: AsyncSession, *, principal: Principal, nomination_id: int) -> None:
    """Discard a draft that was never submitted (a submitted one is withdrawn instead)."""
    nomination = await visible_nomination(session, principal=principal, nomination_id=nomination_id)
    if not principal.actor.has(Role.UNIT_OFFICER, nomination.proposing_unit_id):
        raise Forbidden()
    if nomination.stage != Stage.DRAFT:
        raise WrongStage(
            nomination.stage.value, "Chỉ xóa được bản nháp", "only drafts can be deleted"
        )
    if nomination.exemplar_id is not None:
        raise Conflict(
            "Bản nháp được lập từ một điển hình tiên tiến: hãy giữ lại hoặc rút sau khi nộp",
            "this draft comes from an exemplary model and is kept with it",
        )
    await session.delete(nomination)


# ---- submitting: the start of the approval workflow ----------------------------------------


async def submit_draft(
    session: AsyncSession,
    *,
    temporal: Client,
    principal: Principal,
    nomination_id: int,
    catalogue: Catalogue,
    settings: Settings,
    now: datetime,
) -> Nomination:
    """The proposing unit's officer submits a draft (see ``submit``)."""
    nomination = await visible_nomination(session, principal=principal, nomination_id=nomination_id)
    if not principal.actor.has(Role.UNIT_OFFICER, nomination.proposing_unit_id):
        raise Forbidden()
    await submit(
        session,
        temporal=temporal,
        principal=principal,
        nomination=nomination,
        catalogue=catalogue,
        settings=settings,
        now=now,
    )
    return nomination


async def submit(
    session: AsyncSession,
    *,
    temporal: Client,
    principal: Principal,
    nomination: Nomination,
    catalogue: Catalogue,
    settings: Settings,
    now: datetime,
) -> None:
    """Check eligibility under the rule set in force, and start the approval workflow.

    Commits: the workflow must find the submitted row. If Temporal cannot start it, the
    draft is put back (and committed) and the person is told to try again."""
    if nomination.stage != Stage.DRAFT:
        raise WrongStage(nomination.stage.value, "Đề nghị đã được nộp", "already submitted")
    today = vietnam_date(now)
    rule_set = catalogue.in_force(today)
    if nomination.award_code not in rule_set.awards:
        raise InvalidInput(
            "award_code",
            "Danh hiệu không còn trong bộ quy định hiện hành",
            "the award is not in the rule set in force",
        )
    verdict = await eligibility(session, rule_set=rule_set, nomination=nomination)
    if not verdict.eligible:
        failed = [r for r in verdict.reasons if not r.met]
        raise InvalidInput(
            "eligibility",
            "Chưa đủ điều kiện: " + "; ".join(r.message_vi for r in failed),
            "not eligible: " + "; ".join(r.message_en for r in failed),
        )
    items = await queries.dossier_item_codes(session, nomination_id=nomination.id)
    workflow_input = await nomination_input(
        session,
        nomination=nomination,
        rule_set=rule_set,
        submitted_by=principal.actor,
        dossier_items=items,
        settings=settings,
        today=today,
    )
    nomination.rule_set_id = rule_set.id
    nomination.workflow_id = nomination_workflow_id(nomination.id)
    nomination.stage = Stage.RECEPTION
    nomination.stage_entered_at = now
    # What the workflow's first change will say, so that the page right after submitting
    # already shows who must act and by when (the workflow then writes the same values).
    first_level = workflow_input.levels[0]
    nomination.waiting_on_role = Role.STANDING_OFFICER
    nomination.waiting_on_unit_id = first_level.standing_unit_id
    nomination.stage_due_at = WorkingCalendar(workflow_input.calendar).due_moment(
        nomination.stage_entered_at, first_level.completeness_check
    )
    await session.commit()  # the workflow must find the committed row
    try:
        await temporal.start_workflow(
            NominationWorkflow.run,
            workflow_input,
            id=nomination.workflow_id,
            task_queue=settings.task_queue,
        )
    except WorkflowAlreadyStartedError:
        raise Conflict("Đề nghị đã được nộp", "the nomination was already submitted") from None
    except Exception as exc:
        nomination.stage = Stage.DRAFT
        nomination.workflow_id = ""
        await session.commit()
        raise ServiceUnavailable(
            "Không nộp được đề nghị: máy chủ quy trình chưa sẵn sàng",
            f"could not start the workflow: {exc}",
        ) from exc


# ---- the workflow's commands ---------------------------------------------------------------

# The commands that carry only a reason, and their updates.
REASON_UPDATES = {
    Command.REJECT: NominationWorkflow.reject,
    Command.WITHDRAW: NominationWorkflow.withdraw,
    Command.REFUSE: NominationWorkflow.refuse,
}


def workflow_update(
    command: Command,
    actor: Actor,
    body: CommandBody,
    *,
    objection_key: str = "",
    target: User | None = None,
) -> tuple[Any, Any]:
    """The workflow's update for a command and its argument, built from the command's
    body (403 for a command the workflow has no update for)."""
    if command == Command.ACCEPT_DOSSIER and isinstance(body, AcceptCreate):
        return NominationWorkflow.accept_dossier, ReviewCommand(actor, body.note)
    if command == Command.RETURN_FOR_SUPPLEMENT and isinstance(body, ReturnCreate):
        return NominationWorkflow.return_for_supplement, ReturnCommand(
            actor, list(body.missing_items), body.reason
        )
    if command == Command.RESUBMIT and isinstance(body, ResubmitCreate):
        return NominationWorkflow.resubmit, ResubmitCommand(
            actor, list(body.added_items), body.note
        )
    if command in REASON_UPDATES and isinstance(body, ReasonCreate):
        return REASON_UPDATES[command], ReasonCommand(actor, body.reason)
    if command == Command.EXTEND_DEADLINE and isinstance(body, ExtendCreate):
        return NominationWorkflow.extend_deadline, ExtendCommand(
            actor, body.working_days, body.reason
        )
    if command == Command.REASSIGN and isinstance(body, ReassignCreate) and target is not None:
        return NominationWorkflow.reassign, ReassignCommand(
            actor, target.id, target.full_name, body.reason
        )
    if command == Command.RESOLVE_OBJECTION and isinstance(body, ResolveObjectionCreate):
        return NominationWorkflow.resolve_objection, ResolveObjectionCommand(
            actor, objection_key, ObjectionStatus(body.outcome), body.reason
        )
    raise Forbidden()


def returnable_items(rule_set: RuleSet, nomination: Nomination) -> list[str]:
    """The dossier items a standing body may ask for when it returns a dossier: those the
    award requires of the nominee at the nomination's level (every alternative of a
    group), in the catalogue's order; every item type only when the rule set has no step
    for it."""
    award = rule_set.awards.get(nomination.award_code)
    try:
        rule = award.level_rule(nomination.level) if award is not None else None
    except KeyError:
        rule = None
    if rule is None:
        return list(rule_set.dossier_items)
    required = set(rule.required_dossier) | {code for g in rule.required_any_of for code in g}
    return [code for code in rule_set.dossier_items if code in required]


def _check_returned_items(rule_set: RuleSet, nomination: Nomination, items: list[str]) -> None:
    allowed = returnable_items(rule_set, nomination)
    foreign = [code for code in items if code not in allowed]
    if foreign:
        raise InvalidInput(
            "missing_items",
            "Thành phần hồ sơ không áp dụng cho đề nghị này: " + ", ".join(foreign),
            "dossier items that do not apply to this nomination: " + ", ".join(foreign),
        )


async def run_command(
    session: AsyncSession,
    *,
    temporal: Client,
    catalogue: Catalogue,
    principal: Principal,
    nomination_id: int,
    command: Command,
    body: CommandBody,
    objection_key: str = "",
) -> CommandRead:
    """One command of the approval workflow: pre-checked against the permissions as the
    projection knows them, then sent as the workflow's update (whose validator has the
    last word)."""
    target = None
    if isinstance(body, ReassignCreate):
        target = await authority_queries.officer_by_id(session, user_id=body.to_user_id)
        if target is None or not target.is_active:
            raise InvalidInput("to_user_id", "Không có cán bộ này", "no such officer")
    update, argument = workflow_update(
        command, principal.actor, body, objection_key=objection_key, target=target
    )
    nomination = await visible_nomination(session, principal=principal, nomination_id=nomination_id)
    if nomination.stage == Stage.DRAFT:
        raise WrongStage(
            Stage.DRAFT.value, "Đề nghị chưa được nộp", "the nomination is not submitted"
        )
    context = await nomination_context(session, nomination=nomination, catalogue=catalogue)
    if not permitted(command, principal.roles, context):
        raise Forbidden()
    if isinstance(body, ReturnCreate):
        _check_returned_items(
            catalogue.get(nomination.rule_set_id), nomination, list(body.missing_items)
        )
    handle = temporal.get_workflow_handle(nomination.workflow_id)
    result: CommandResult = await execute_update(
        handle, update, argument, current_stage=nomination.stage.value
    )
    return CommandRead(
        nomination_id=nomination.id,
        stage=result.stage,
        level=result.level,
        stage_due_at=result.stage_due_at,
        objection_key=result.objection_key,
    )


# While the nomination is with its standing body, up to the decision (or submission) draft.
SUMMARY_CORRECTABLE = (
    Stage.RECEPTION,
    Stage.PUBLIC_NOTICE,
    Stage.AWAITING_COUNCIL,
    Stage.IN_COUNCIL,
    Stage.AWAITING_DECISION,
    Stage.AWAITING_SUBMISSION,
)


async def summary_correctable(
    session: AsyncSession, *, principal: Principal, nomination: Nomination
) -> bool:
    """Whether this person may correct the nomination's achievement summary now: a
    standing officer of the body that holds it, before any decision draft names it."""
    return (
        nomination.authority_id in principal.authority_ids(Role.STANDING_OFFICER)
        and nomination.stage in SUMMARY_CORRECTABLE
        and not await decision_queries.in_open_draft(session, nomination_id=nomination.id)
    )


async def correct_summary(
    session: AsyncSession,
    *,
    principal: Principal,
    nomination_id: int,
    body: SummaryUpdate,
    now: datetime,
) -> SummaryRead:
    """The standing body corrects the achievement summary, which the certificate prints
    word for word: while the nomination is with it and before it is put into a decision
    or submission draft (409 after). Audited with who corrected it and the text before
    and after; the draft and the certificate then use the corrected text."""
    nomination = await visible_nomination(session, principal=principal, nomination_id=nomination_id)
    if nomination.authority_id not in principal.authority_ids(Role.STANDING_OFFICER):
        raise Forbidden()
    if not await summary_correctable(session, principal=principal, nomination=nomination):
        raise WrongStage(
            nomination.stage.value,
            "Chỉ sửa tóm tắt thành tích khi hồ sơ đang ở cơ quan thường trực, "
            "trước khi đưa vào dự thảo quyết định",
            "the summary is corrected while the standing body holds the nomination, "
            "before it is put into a decision draft",
        )
    before = nomination.achievement_summary or ""
    after = body.achievement_summary
    if after == before:
        return SummaryRead(nomination_id=nomination.id, achievement_summary=after, changed=False)
    nomination.achievement_summary = after
    await write_audit_event(
        session,
        event_key=f"nomination-{nomination.id}:summary_corrected:{uuid.uuid4().hex}",
        subject_type="nomination",
        subject_id=nomination.id,
        nomination_id=nomination.id,
        action="summary_corrected",
        occurred_at=now,
        actor_user_id=principal.user_id,
        actor_name=principal.full_name,
        actor_role=Role.STANDING_OFFICER.value,
        level=nomination.level,
        changes={"achievement_summary": [before, after]},
    )
    return SummaryRead(nomination_id=nomination.id, achievement_summary=after, changed=True)


async def revoke(
    session: AsyncSession,
    *,
    temporal: Client,
    catalogue: Catalogue,
    award_names: dict[str, str],
    task_queue: str,
    principal: Principal,
    nomination_id: int,
    body: RevokeCreate,
) -> CommandRead:
    """Revoke a granted award (Law 06/2022 Art. 93) with its own workflow: it leaves the
    person's history."""
    nomination = await visible_nomination(session, principal=principal, nomination_id=nomination_id)
    context = await nomination_context(session, nomination=nomination, catalogue=catalogue)
    try:
        check(Command.REVOKE, principal.roles, context)
    except PermissionDenied:
        raise Forbidden() from None
    except StageNotAllowed:
        raise WrongStage(
            nomination.stage.value,
            "Chỉ hủy được khen thưởng đã quyết định",
            "only a granted award can be revoked",
        ) from None
    chain = await authority_chain(session, nomination.origin_authority_id)
    deciding = chain[nomination.level]
    try:
        await temporal.execute_workflow(
            RevocationWorkflow.run,
            RevocationInput(
                nomination_id=nomination.id,
                actor=principal.actor,
                reason=body.reason,
                legal_basis=body.legal_basis,
                deciding_authority_unit_id=deciding.unit_id,
                proposing_unit_id=nomination.proposing_unit_id,
                nominee_name=nomination.nominee_name,
                award_name=award_names.get(nomination.award_code, nomination.award_code),
                decision_number=nomination.decision_number,
            ),
            id=revocation_workflow_id(nomination.id),
            task_queue=task_queue,
        )
    except WorkflowAlreadyStartedError:
        raise Conflict("Khen thưởng này đã bị hủy", "this award was already revoked") from None
    except WorkflowFailureError as failure:
        cause = failure.cause
        if isinstance(cause, ApplicationError):
            raise refusal_to_http(cause, current_stage=nomination.stage.value) from None
        raise
    return CommandRead(
        nomination_id=nomination.id, stage=Stage.REVOKED, level=nomination.level, stage_due_at=None
    )


# ---- reading one nomination ----------------------------------------------------------------


def _document_link(document: Document) -> DocumentLink:
    return DocumentLink(
        id=document.id,
        kind=document.kind.value,
        title=document.title,
        number_text=document.number_text,
        sha256=document.sha256,
        signed=document.signed,
        url=f"/api/v1/documents/{document.id}/pdf",
        # The public notice's Word copy (issue 17), rendered again from what the PDF was.
        docx_url=(
            f"/api/v1/documents/{document.id}/notice.docx"
            if document.kind == DocumentKind.PUBLIC_NOTICE
            else None
        ),
    )


async def nomination_detail(
    session: AsyncSession,
    *,
    catalogue: Catalogue,
    award_names: dict[str, str],
    principal: Principal,
    nomination_id: int,
    now: datetime,
) -> NominationDetail:
    """One nomination (the caller checked that this person may see it): stage, due
    moment, who must act, the actions this person may take, the dossier, objections and
    documents."""
    row = await queries.nomination_row(session, nomination_id=nomination_id)
    assert row is not None
    nomination = row[0]
    allowed: list[str] = []
    if nomination.stage == Stage.DRAFT:
        if principal.actor.has(Role.UNIT_OFFICER, nomination.proposing_unit_id):
            allowed = ["submit", "upload_dossier_item", "delete"]
    else:
        context = await nomination_context(session, nomination=nomination, catalogue=catalogue)
        allowed = [c.value for c in allowed_commands(principal.roles, context)]
    items = await queries.dossier_items(session, nomination_id=nomination.id)
    objections = await queries.objections(session, nomination_id=nomination.id)
    screen = ObjectorScreen(session, principal)
    documents = await readable(
        session,
        principal,
        await queries.documents(
            session, nomination_id=nomination.id, decision_id=nomination.decision_id
        ),
        now=now,
    )
    base = queries.to_read(row, award_names, now)
    return NominationDetail(
        **base.model_dump(),
        allowed_actions=allowed,
        dossier_items=[_dossier_item_read(i) for i in items],
        earlier_dossier_items=[
            _dossier_item_read(i)
            for i in await queries.earlier_dossier_items(session, nomination_id=nomination.id)
        ],
        self_proposed=bool(
            await queries.self_proposed_ids(session, nomination_ids=[nomination.id])
        ),
        objections=[await screen.objection_read(o, nomination) for o in objections],
        documents=[_document_link(d) for d in documents],
    )


def _event_read(event: AuditEvent, *, withhold_actor: bool = False) -> AuditEventRead:
    return AuditEventRead(
        id=event.id,
        action=event.action,
        occurred_at=event.occurred_at,
        actor_name="" if withhold_actor else event.actor_name,
        actor_role=event.actor_role,
        actor_withheld=withhold_actor,
        level=event.level,
        from_stage=event.from_stage,
        to_stage=event.to_stage,
        reason=event.reason,
        changes=event.changes or {},
    )


async def history(
    session: AsyncSession, *, principal: Principal, nomination_id: int, limit: int | None = None
) -> NominationHistory:
    """Who did what, when and why: the nomination's audit trail as a timeline (an
    objector's name only for those who may know it, ``objectors.py``)."""
    await readable_nomination(session, principal=principal, nomination_id=nomination_id)
    events = await queries.history(session, nomination_id=nomination_id, limit=limit)
    screen = ObjectorScreen(session, principal)
    return NominationHistory(
        nomination_id=nomination_id,
        events=[_event_read(e, withhold_actor=await screen.hides_actor(e)) for e in events],
    )

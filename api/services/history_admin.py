"""An administrator's histories of the people, collectives and households they
administer: the yearly ratings (xếp loại), the award history from before the engine
(lịch sử khen thưởng), each record with the decision that granted it, and the
initiatives (sáng kiến) of a person with their recognition level and decision.

A record the engine wrote itself (its nomination and decision are the engine's) is not
edited here; an imported record is corrected, or revoked with a reason and a basis as the
engine revokes (the row stays, marked), never deleted. A subject outside one's scope
answers like a missing one (404). Every change is audited with who acted and the old and
new values."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import Enum
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from domain.calendar import VIETNAM_TZ
from domain.eligibility import RATING_VI
from domain.text import fold
from domain.vocabulary import NomineeKind, Role
from models import AwardRecord, AwardType, EvaluationResult, Initiative
from models.audit import write_audit_event
from models.schemas.catalogue import SUBJECT_ID_FIELD
from models.schemas.history_admin import (
    AwardRecordCreate,
    HistoryAwardRead,
    HistoryInitiativeRead,
    InitiativeCreate,
    RatingCreate,
    RatingRead,
    SubjectHistoryRead,
    SubjectMatchRead,
)
from models.schemas.registry import SubjectRead

from ..errors import Conflict, InvalidInput, NotFound
from ..principal import Principal
from ..queries import history_admin as queries
from ..queries import registry as registry_queries
from .admin_scope import administered_unit_ids, in_scope, require_administrator
from .award_history import initiative_read
from .subjects import SUBJECT_VI

SEARCH_LIMIT = 50
RATING_FIELDS = ("year", "rating", "member_count", "women_count", "members_with_title")
AWARD_FIELDS = ("award_code", "year", "decision_number", "decision_date", "deciding_authority")
INITIATIVE_FIELDS = (
    "title",
    "year",
    "scope",
    "is_research",
    "recognised_by",
    "decision_number",
    "decision_date",
)
# Fields an update may set back to null (every other one keeps its value when null).
_NULLABLE = {"member_count", "women_count", "members_with_title"}


def _today(now: datetime) -> date:
    return now.astimezone(VIETNAM_TZ).date()


def _json(value: object) -> object:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    return value


async def _audit(
    session: AsyncSession,
    principal: Principal,
    *,
    subject_type: str,
    subject_id: int,
    action: str,
    now: datetime,
    changes: dict[str, list[object]],
    reason: str = "",
) -> None:
    await write_audit_event(
        session,
        event_key=f"{subject_type}:{subject_id}:{action}:{uuid.uuid4().hex}",
        subject_type=subject_type,
        subject_id=subject_id,
        action=action,
        occurred_at=now,
        actor_user_id=principal.user_id,
        actor_name=principal.full_name,
        actor_role=Role.ADMIN.value,
        reason=reason,
        changes={key: [_json(old), _json(new)] for key, (old, new) in changes.items()},
    )


def _apply(row: object, fields: tuple[str, ...], values: dict[str, Any]) -> dict[str, list[object]]:
    """Set the fields given (None keeps a value unless the field may be null); returns
    {field: [old, new]} of what changed. Nothing is set on the row yet when a check
    fails afterwards: the caller checks the returned values first."""
    changes: dict[str, list[object]] = {}
    for key in fields:
        if key not in values or (values[key] is None and key not in _NULLABLE):
            continue
        old = getattr(row, key)
        if old != values[key]:
            changes[key] = [old, values[key]]
    return changes


def _new_values(row: object, fields: tuple[str, ...], changes: dict[str, list[object]]) -> dict:
    return {key: (changes[key][1] if key in changes else getattr(row, key)) for key in fields}


# ---- subjects ------------------------------------------------------------------------------


async def _subject(
    session: AsyncSession, principal: Principal, kind: NomineeKind, subject_id: int
) -> SubjectRead:
    """The subject if ``principal`` administers its unit; 404 otherwise, as if missing."""
    scope = await administered_unit_ids(session, principal)
    row = await registry_queries.subject_row(session, kind=kind, subject_id=subject_id)
    if row is None or not in_scope(scope, row[1]):
        raise NotFound(
            f"Không tìm thấy {SUBJECT_VI[kind]} mã {subject_id}", f"no {kind.value} {subject_id}"
        )
    name, unit_id, unit_name = row
    return SubjectRead(kind=kind, id=subject_id, name=name, unit_id=unit_id, unit_name=unit_name)


def _subject_id(row: AwardRecord | EvaluationResult) -> int:
    value = getattr(row, SUBJECT_ID_FIELD[row.subject_kind])
    assert isinstance(value, int)  # one of the three is set, the one of its kind
    return value


async def search_subjects(
    session: AsyncSession, principal: Principal, *, query: str, kind: NomineeKind | None
) -> list[SubjectMatchRead]:
    """The people, collectives and households one administers whose name holds ``query``
    (without regard to accents or case), by name; at most ``SEARCH_LIMIT``."""
    scope = await administered_unit_ids(session, principal)
    wanted = fold(" ".join(query.split()))
    found = [
        SubjectMatchRead(kind=k, id=i, name=name, unit_name=unit_name)
        for k, i, name, unit_name in await queries.subjects_named(
            session, unit_ids=scope, kind=kind, phrase=wanted, limit=SEARCH_LIMIT
        )
    ]
    found.sort(key=lambda m: (fold(m.name), m.kind.value, m.id))
    return found[:SEARCH_LIMIT]


async def subject_history(
    session: AsyncSession, principal: Principal, kind: NomineeKind, subject_id: int
) -> SubjectHistoryRead:
    """Ratings, award records (revoked ones marked) and, for people, initiatives, newest
    first."""
    subject = await _subject(session, principal, kind, subject_id)
    records = await registry_queries.award_records(session, kind=kind, subject_id=subject_id)
    ratings = await registry_queries.evaluations(session, kind=kind, subject_id=subject_id)
    initiatives = (
        await registry_queries.initiatives_of_person(session, person_id=subject_id)
        if kind == NomineeKind.INDIVIDUAL
        else []
    )
    return SubjectHistoryRead(
        subject=subject,
        ratings=[_rating_read(r) for r in ratings],
        awards=[_award_read(record, name_vi, name_en) for record, name_vi, name_en in records],
        initiatives=[_initiative_read(*row) for row in initiatives],
    )


async def award_choices(
    session: AsyncSession, principal: Principal, kind: NomineeKind
) -> list[AwardType]:
    """The catalogue's award types a subject of this kind may hold (the pages' pickers)."""
    await administered_unit_ids(session, principal)
    return [
        award
        for award in await queries.award_types(session)
        if not award.recipients or kind.value in award.recipients
    ]


# ---- yearly ratings --------------------------------------------------------------------------


def _rating_read(row: EvaluationResult) -> RatingRead:
    return RatingRead(
        id=row.id,
        kind=row.subject_kind,
        subject_id=_subject_id(row),
        year=row.year,
        rating=row.rating,
        rating_vi=RATING_VI[row.rating],
        member_count=row.member_count,
        women_count=row.women_count,
        members_with_title=row.members_with_title,
    )


def _check_rating(kind: NomineeKind, values: dict[str, Any], *, now: datetime) -> None:
    if kind == NomineeKind.HOUSEHOLD:
        raise InvalidInput(
            "kind",
            "Hộ gia đình không được xếp loại hằng năm",
            "Households have no yearly rating",
        )
    if values["year"] > _today(now).year:
        raise InvalidInput("year", "Năm xếp loại chưa đến", "That year has not come yet")
    counts = ("member_count", "women_count", "members_with_title")
    if kind == NomineeKind.INDIVIDUAL:
        for key in counts:
            if values.get(key) is not None:
                raise InvalidInput(
                    key,
                    "Chỉ tập thể mới có số thành viên",
                    "Only a collective has member counts",
                )
        return
    members = values.get("member_count")
    for key in ("women_count", "members_with_title"):
        if values.get(key) is not None and members is not None and values[key] > members:
            raise InvalidInput(
                key,
                "Không được lớn hơn tổng số thành viên",
                "Cannot be more than the number of members",
            )


async def _no_rating_in(
    session: AsyncSession, kind: NomineeKind, subject_id: int, year: int, except_id: int | None
) -> None:
    existing = await queries.evaluation_of_year(
        session, kind=kind, subject_id=subject_id, year=year
    )
    if existing is not None and existing.id != except_id:
        raise Conflict(
            f"Đã có xếp loại năm {year}: hãy sửa xếp loại đó",
            f"A rating for {year} is already recorded: edit it instead",
            field="year",
        )


async def create_rating(
    session: AsyncSession,
    principal: Principal,
    *,
    kind: NomineeKind,
    subject_id: int,
    body: RatingCreate,
    now: datetime,
) -> RatingRead:
    """The rating of a person or a collective for a year (one per year: 409 naming
    ``year``). Member counts: collectives only."""
    await _subject(session, principal, kind, subject_id)
    values = body.model_dump()
    _check_rating(kind, values, now=now)
    await _no_rating_in(session, kind, subject_id, body.year, None)
    row = EvaluationResult(subject_kind=kind, **{SUBJECT_ID_FIELD[kind]: subject_id}, **values)
    session.add(row)
    await session.flush()
    await _audit(
        session,
        principal,
        subject_type="evaluation_result",
        subject_id=row.id,
        action="rating_created",
        now=now,
        changes={
            "subject_kind": [None, kind],
            "subject_id": [None, subject_id],
            **{key: [None, values[key]] for key in RATING_FIELDS},
        },
    )
    return _rating_read(row)


async def _rating(session: AsyncSession, principal: Principal, rating_id: int) -> EvaluationResult:
    require_administrator(principal)  # before the look-up: a 403 never tells what exists
    row = await queries.evaluation_by_id(session, evaluation_id=rating_id)
    if row is None:
        raise NotFound("Không tìm thấy xếp loại", "No such rating")
    try:
        await _subject(session, principal, row.subject_kind, _subject_id(row))
    except NotFound:
        raise NotFound("Không tìm thấy xếp loại", "No such rating") from None
    return row


async def update_rating(
    session: AsyncSession,
    principal: Principal,
    *,
    rating_id: int,
    values: dict[str, Any],
    now: datetime,
) -> RatingRead:
    """Change a rating (only the keys given; a count may be set to None)."""
    row = await _rating(session, principal, rating_id)
    changes = _apply(row, RATING_FIELDS, values)
    if not changes:
        return _rating_read(row)
    new = _new_values(row, RATING_FIELDS, changes)
    _check_rating(row.subject_kind, new, now=now)
    if "year" in changes:
        await _no_rating_in(session, row.subject_kind, _subject_id(row), new["year"], row.id)
    for key, (_, value) in changes.items():
        setattr(row, key, value)
    await session.flush()
    await _audit(
        session,
        principal,
        subject_type="evaluation_result",
        subject_id=row.id,
        action="rating_updated",
        now=now,
        changes=changes,
    )
    return _rating_read(row)


async def delete_rating(
    session: AsyncSession, principal: Principal, *, rating_id: int, now: datetime
) -> None:
    """Delete a rating entered by mistake (its values stay in the audit trail)."""
    row = await _rating(session, principal, rating_id)
    changes: dict[str, list[object]] = {
        "subject_kind": [row.subject_kind, None],
        "subject_id": [_subject_id(row), None],
        **{key: [getattr(row, key), None] for key in RATING_FIELDS},
    }
    await session.delete(row)
    await session.flush()
    await _audit(
        session,
        principal,
        subject_type="evaluation_result",
        subject_id=rating_id,
        action="rating_deleted",
        now=now,
        changes=changes,
    )


# ---- award records ---------------------------------------------------------------------------


def _award_read(record: AwardRecord, name_vi: str | None, name_en: str | None) -> HistoryAwardRead:
    return HistoryAwardRead(
        id=record.id,
        award_code=record.award_code,
        award_name_vi=name_vi or record.award_code,
        award_name_en=name_en or record.award_code,
        year=record.year,
        kind=record.kind,
        decision_number=record.decision_number,
        decision_date=record.decision_date,
        deciding_authority=record.deciding_authority,
        decision_id=record.decision_id,
        nomination_id=record.nomination_id,
        achievement_key=record.achievement_key,
        revoked=record.revoked_at is not None,
        revoked_at=record.revoked_at,
        revocation_reason=record.revocation_reason,
        revocation_basis=record.revocation_basis,
        editable=_engine_wrote(record) is False and record.revoked_at is None,
    )


def _engine_wrote(record: AwardRecord) -> bool:
    return record.nomination_id is not None or record.decision_id is not None


async def _award_type(session: AsyncSession, code: str, kind: NomineeKind) -> AwardType:
    award = await queries.award_type(session, code=code)
    if award is None:
        raise InvalidInput(
            "award_code",
            f"Không có danh hiệu, hình thức khen thưởng mã {code} trong danh mục",
            f"No award {code} in the catalogue",
        )
    if award.recipients and kind.value not in award.recipients:
        raise InvalidInput(
            "award_code",
            f"{award.name_vi} không dành cho {SUBJECT_VI[kind]}",
            f"{award.name_en} is not awarded to a {kind.value}",
        )
    return award


def _check_decision(year: int, decision_date: date, *, now: datetime) -> None:
    if decision_date > _today(now):
        raise InvalidInput(
            "decision_date",
            "Ngày quyết định không được sau ngày hôm nay",
            "The decision cannot be dated after today",
        )
    if decision_date.year < year:
        raise InvalidInput(
            "decision_date",
            f"Quyết định khen thưởng cho thành tích năm {year} không thể ban hành trước năm đó",
            f"An award for {year} cannot be decided before that year",
        )


async def create_award_record(
    session: AsyncSession,
    principal: Principal,
    *,
    kind: NomineeKind,
    subject_id: int,
    body: AwardRecordCreate,
    now: datetime,
) -> HistoryAwardRead:
    """A record from before the engine, with the decision that granted it. An award not in
    the catalogue (or not for this kind of subject): 422 naming ``award_code``; the same
    award, year and decision already recorded: 409."""
    await _subject(session, principal, kind, subject_id)
    award = await _award_type(session, body.award_code, kind)
    _check_decision(body.year, body.decision_date, now=now)
    if await queries.same_award_record(
        session,
        kind=kind,
        subject_id=subject_id,
        award_code=award.code,
        year=body.year,
        decision_number=body.decision_number,
    ):
        raise Conflict(
            "Bản ghi khen thưởng này đã có (cùng danh hiệu, năm và số quyết định)",
            "This award is already recorded (same award, year and decision)",
            field="decision_number",
        )
    record = AwardRecord(
        subject_kind=kind,
        **{SUBJECT_ID_FIELD[kind]: subject_id},
        award_code=award.code,
        kind=award.kind,
        year=body.year,
        decision_number=body.decision_number,
        decision_date=body.decision_date,
        deciding_authority=body.deciding_authority,
    )
    session.add(record)
    await session.flush()
    await _audit(
        session,
        principal,
        subject_type="award_record",
        subject_id=record.id,
        action="award_record_created",
        now=now,
        changes={
            "subject_kind": [None, kind],
            "subject_id": [None, subject_id],
            **{key: [None, getattr(record, key)] for key in AWARD_FIELDS},
        },
    )
    return _award_read(record, award.name_vi, award.name_en)


async def _imported_record(
    session: AsyncSession, principal: Principal, record_id: int
) -> AwardRecord:
    """An award record one administers that was not written by the engine (409) and is
    not revoked (409)."""
    require_administrator(principal)  # before the look-up: a 403 never tells what exists
    record = await queries.award_record_by_id(session, record_id=record_id)
    missing = NotFound("Không tìm thấy bản ghi khen thưởng", "No such award record")
    if record is None:
        raise missing
    try:
        await _subject(session, principal, record.subject_kind, _subject_id(record))
    except NotFound:
        raise missing from None
    if _engine_wrote(record):
        raise Conflict(
            "Bản ghi này do hệ thống ghi khi ban hành quyết định khen thưởng: không sửa ở "
            "đây (thu hồi theo quy trình thu hồi quyết định)",
            "The engine wrote this record when it issued the decision: it is not edited here "
            "(revoke it through the decision's revocation)",
        )
    if record.revoked_at is not None:
        raise Conflict("Bản ghi khen thưởng này đã bị thu hồi", "This award record is revoked")
    return record


async def update_award_record(
    session: AsyncSession,
    principal: Principal,
    *,
    record_id: int,
    values: dict[str, Any],
    now: datetime,
) -> HistoryAwardRead:
    """Correct an imported record (only the keys given)."""
    record = await _imported_record(session, principal, record_id)
    changes = _apply(record, AWARD_FIELDS, values)
    if "award_code" in changes:
        award = await _award_type(session, str(changes["award_code"][1]), record.subject_kind)
    else:
        found = await queries.award_type(session, code=record.award_code)
        assert found is not None  # a foreign key
        award = found
    if not changes:
        return _award_read(record, award.name_vi, award.name_en)
    new = _new_values(record, AWARD_FIELDS, changes)
    if new["decision_date"] is not None:
        _check_decision(new["year"], new["decision_date"], now=now)
    if award.kind != record.kind:
        changes["kind"] = [record.kind, award.kind]
    for key, (_, value) in changes.items():
        setattr(record, key, value)
    await session.flush()
    await _audit(
        session,
        principal,
        subject_type="award_record",
        subject_id=record.id,
        action="award_record_updated",
        now=now,
        changes=changes,
    )
    return _award_read(record, award.name_vi, award.name_en)


async def revoke_award_record(
    session: AsyncSession,
    principal: Principal,
    *,
    record_id: int,
    reason: str,
    basis: str,
    now: datetime,
) -> HistoryAwardRead:
    """Revoke an imported record as the engine revokes: the row stays, marked with when,
    why and on what basis; it no longer grounds awards."""
    record = await _imported_record(session, principal, record_id)
    changes: dict[str, list[object]] = {
        "revoked_at": [None, now.isoformat()],
        "revocation_reason": [record.revocation_reason, reason],
        "revocation_basis": [record.revocation_basis, basis],
    }
    record.revoked_at = now
    record.revocation_reason = reason
    record.revocation_basis = basis
    await session.flush()
    await _audit(
        session,
        principal,
        subject_type="award_record",
        subject_id=record.id,
        action="award_record_revoked",
        now=now,
        changes=changes,
        reason=reason,
    )
    award = await queries.award_type(session, code=record.award_code)
    return _award_read(record, award.name_vi if award else None, award.name_en if award else None)


# ---- initiatives -----------------------------------------------------------------------------


def _initiative_read(
    item: Initiative, person_name: str, grounded_revoked_at: datetime | None
) -> HistoryInitiativeRead:
    return HistoryInitiativeRead(
        **initiative_read(item, person_name, grounded_revoked_at).model_dump(),
        decision_number=item.decision_number,
        decision_date=item.decision_date,
    )


async def _initiative_row(session: AsyncSession, item: Initiative) -> HistoryInitiativeRead:
    for row in await registry_queries.initiatives_of_person(session, person_id=item.person_id):
        if row[0].id == item.id:
            return _initiative_read(*row)
    raise AssertionError("an initiative just written is read back")


def _check_initiative(values: dict[str, Any], *, now: datetime) -> None:
    if values["year"] > _today(now).year:
        raise InvalidInput("year", "Năm này chưa đến", "That year has not come yet")
    decided = values.get("decision_date")
    if decided is not None and decided > _today(now):
        raise InvalidInput(
            "decision_date",
            "Ngày quyết định không được sau ngày hôm nay",
            "The decision cannot be dated after today",
        )
    if decided is not None and decided.year < values["year"]:
        raise InvalidInput(
            "decision_date",
            "Ngày công nhận không thể trước năm của sáng kiến",
            "The recognition cannot predate the initiative's year",
        )


async def _decision_free(
    session: AsyncSession, values: dict[str, Any], except_id: int | None
) -> None:
    """One decision recognises each of its initiatives once (its list names them by title)."""
    existing = await queries.initiative_by_decision(
        session,
        decision_number=values["decision_number"],
        recognised_by=values["recognised_by"],
        title=values["title"],
    )
    if existing is not None and existing.id != except_id:
        raise Conflict(
            f"Quyết định số {values['decision_number']} của {values['recognised_by']} đã công "
            "nhận sáng kiến này",
            f"Decision {values['decision_number']} already recognised this initiative",
            field="title",
        )


async def create_initiative(
    session: AsyncSession,
    principal: Principal,
    *,
    person_id: int,
    body: InitiativeCreate,
    now: datetime,
) -> HistoryInitiativeRead:
    """A recognised initiative (or research project) of a person, with its recognition
    level and decision. The same title in the same decision of the same issuer twice: 409
    naming ``title``."""
    await _subject(session, principal, NomineeKind.INDIVIDUAL, person_id)
    values = body.model_dump()
    _check_initiative(values, now=now)
    await _decision_free(session, values, None)
    item = Initiative(person_id=person_id, **values)
    session.add(item)
    await session.flush()
    await _audit(
        session,
        principal,
        subject_type="initiative",
        subject_id=item.id,
        action="initiative_created",
        now=now,
        changes={
            "person_id": [None, person_id],
            **{key: [None, values[key]] for key in INITIATIVE_FIELDS},
        },
    )
    return await _initiative_row(session, item)


async def update_initiative(
    session: AsyncSession,
    principal: Principal,
    *,
    initiative_id: int,
    values: dict[str, Any],
    now: datetime,
) -> HistoryInitiativeRead:
    """Correct an initiative (only the keys given)."""
    require_administrator(principal)  # before the look-up: a 403 never tells what exists
    item = await queries.initiative_by_id(session, initiative_id=initiative_id)
    missing = NotFound("Không tìm thấy sáng kiến", "No such initiative")
    if item is None:
        raise missing
    try:
        await _subject(session, principal, NomineeKind.INDIVIDUAL, item.person_id)
    except NotFound:
        raise missing from None
    changes = _apply(item, INITIATIVE_FIELDS, values)
    if not changes:
        return await _initiative_row(session, item)
    new = _new_values(item, INITIATIVE_FIELDS, changes)
    _check_initiative(new, now=now)
    if {"decision_number", "recognised_by", "title"} & changes.keys():
        await _decision_free(session, new, item.id)
    for key, (_, value) in changes.items():
        setattr(item, key, value)
    await session.flush()
    await _audit(
        session,
        principal,
        subject_type="initiative",
        subject_id=item.id,
        action="initiative_updated",
        now=now,
        changes=changes,
    )
    return await _initiative_row(session, item)

"""The registry as the forms and the eligibility check read it: units, people,
collectives, households and initiatives, and the award history of a subject.

Who may see what (one rule for lookups, histories and eligibility checks of stored
subjects): a unit officer sees the subjects of their own units; the standing officers,
chairman, vice-chairmen, council members and auditors of a ward authority see every unit
of that ward (the ward's people's committee and the units below it, i.e. the units whose
``ward_authority_of`` is that authority); administrators see all. Asking for a subject
one may not see gives 403 whether it exists or not; an administrator gets 404 for one
that does not exist.
"""

from __future__ import annotations

import unicodedata

from sqlalchemy import ColumnElement, Select, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from domain.eligibility import RATING_VI, Candidate
from domain.vocabulary import Level, NomineeKind, Role
from models import (
    Authority,
    AwardRecord,
    AwardType,
    Collective,
    EvaluationResult,
    Household,
    Initiative,
    Nomination,
    Person,
    Unit,
)
from models.schemas.catalogue import SUBJECT_ID_FIELD
from models.schemas.registry import (
    AwardHistory,
    AwardRecordRead,
    CollectiveRead,
    EvaluationRead,
    HouseholdPage,
    HouseholdRead,
    InitiativeRead,
    PersonPage,
    PersonRead,
    SubjectRead,
    UnitRead,
)
from thidua.catalogue_store import load_candidate

from ..errors import Forbidden, InvalidInput, NotFound
from ..principal import Principal
from .access import AUTHORITY_ROLES

SUBJECT_VI = {
    NomineeKind.INDIVIDUAL: "cá nhân",
    NomineeKind.COLLECTIVE: "tập thể",
    NomineeKind.HOUSEHOLD: "hộ gia đình",
}

# ---------------------------------------------------------------------------------------
# Visibility


async def visible_unit_ids(session: AsyncSession, principal: Principal) -> frozenset[int] | None:
    """The units whose people, collectives and households ``principal`` may see; None
    for an administrator (everything)."""
    if principal.is_admin:
        return None
    visible = set(principal.unit_ids(Role.UNIT_OFFICER))
    authority_ids = principal.authority_ids(*AUTHORITY_ROLES)
    if authority_ids:
        ward_units = select(Authority.unit_id).where(
            Authority.id.in_(authority_ids), Authority.level == Level.WARD
        )
        tree = select(Unit.id).where(Unit.id.in_(ward_units)).cte("ward_units", recursive=True)
        tree = tree.union_all(select(Unit.id).join(tree, Unit.parent_id == tree.c.id))
        visible.update((await session.execute(select(tree.c.id))).scalars())
        # City and central reviewers: the units whose nominations reached them, so that
        # they can read a forwarded nominee's history.
        forwarded = (
            select(Nomination.proposing_unit_id)
            .where(
                or_(
                    Nomination.city_authority_id.in_(authority_ids),
                    Nomination.central_authority_id.in_(authority_ids),
                )
            )
            .distinct()
        )
        visible.update((await session.execute(forwarded)).scalars())
    return frozenset(visible)


def _in_units(column: ColumnElement[int], units: frozenset[int] | None) -> ColumnElement[bool]:
    return true() if units is None else column.in_(units)


async def _unit_scope(
    session: AsyncSession, principal: Principal, unit_id: int | None
) -> frozenset[int] | None:
    """The units a lookup may list: the visible ones, narrowed to ``unit_id`` when given
    (403 for a unit one may not see)."""
    visible = await visible_unit_ids(session, principal)
    if unit_id is None:
        return visible
    if visible is not None and unit_id not in visible:
        raise Forbidden("Bạn không có quyền xem đơn vị này", "You may not see this unit")
    return frozenset({unit_id})


async def _subject(session: AsyncSession, kind: NomineeKind, subject_id: int) -> SubjectRead | None:
    if kind == NomineeKind.INDIVIDUAL:
        statement = (
            select(Person.full_name, Unit.id, Unit.name)
            .join(Unit, Unit.id == Person.unit_id)
            .where(Person.id == subject_id)
        )
    elif kind == NomineeKind.COLLECTIVE:
        statement = (
            select(Collective.name, Unit.id, Unit.name)
            .join(Unit, Unit.id == Collective.unit_id)
            .where(Collective.id == subject_id)
        )
    else:
        statement = (
            select(Household.head_name, Unit.id, Unit.name)
            .join(Unit, Unit.id == Household.residential_group_id)
            .where(Household.id == subject_id)
        )
    row = (await session.execute(statement)).one_or_none()
    if row is None:
        return None
    name, unit_id, unit_name = row
    return SubjectRead(kind=kind, id=subject_id, name=name, unit_id=unit_id, unit_name=unit_name)


async def visible_subject(
    session: AsyncSession,
    principal: Principal,
    kind: NomineeKind,
    subject_id: int,
    *,
    field: str | None = None,
) -> SubjectRead:
    """The subject if ``principal`` may see it. Otherwise 403, also when it does not
    exist (no existence leaks); an administrator is told it does not exist: 404, or a
    422 naming ``field`` when the id came in a request body."""
    subject = await _subject(session, kind, subject_id)
    visible = await visible_unit_ids(session, principal)
    if subject is None:
        if visible is None:
            what_vi = SUBJECT_VI[kind]
            if field:
                raise InvalidInput(
                    field, f"Không có {what_vi} mã {subject_id}", f"no {kind.value} {subject_id}"
                )
            raise NotFound(
                f"Không tìm thấy {what_vi} mã {subject_id}", f"no {kind.value} {subject_id}"
            )
        raise Forbidden()
    if visible is not None and subject.unit_id not in visible:
        raise Forbidden()
    return subject


async def visible_candidate(
    session: AsyncSession, principal: Principal, kind: NomineeKind, subject_id: int, *, year: int
) -> Candidate:
    """The eligibility input of a stored subject ``principal`` may see (see
    ``visible_subject``; a missing one is named as ``subject.<id field>``)."""
    await visible_subject(
        session, principal, kind, subject_id, field=f"subject.{SUBJECT_ID_FIELD[kind]}"
    )
    return await load_candidate(session, kind=kind, subject_id=subject_id, year=year)


# ---------------------------------------------------------------------------------------
# Histories


def _subject_filter(model: type, kind: NomineeKind, subject_id: int) -> ColumnElement[bool]:
    column = getattr(model, SUBJECT_ID_FIELD[kind])
    return (model.subject_kind == kind) & (column == subject_id)


def _initiatives_statement() -> Select:
    grounded = aliased(AwardRecord)
    return (
        select(Initiative, Person.full_name, grounded.revoked_at)
        .join(Person, Person.id == Initiative.person_id)
        .outerjoin(grounded, grounded.id == Initiative.grounded_award_id)
        .order_by(Initiative.year.desc(), Initiative.id.desc())
    )


def _initiative_read(
    item: Initiative, person_name: str, grounded_revoked_at: object
) -> InitiativeRead:
    return InitiativeRead(
        id=item.id,
        person_id=item.person_id,
        person_name=person_name,
        title=item.title,
        year=item.year,
        scope=item.scope,
        is_research=item.is_research,
        recognised_by=item.recognised_by,
        grounded_award_id=item.grounded_award_id,
        # Used while the award it grounded stands (the same rule as the eligibility input)
        used=item.grounded_award_id is not None and grounded_revoked_at is None,
    )


async def award_history(
    session: AsyncSession, principal: Principal, kind: NomineeKind, subject_id: int
) -> AwardHistory:
    """Awards (revoked ones marked), evaluations and, for people, initiatives of a subject
    ``principal`` may see, newest first."""
    subject = await visible_subject(session, principal, kind, subject_id)
    records = (
        await session.execute(
            select(AwardRecord, AwardType.name_vi, AwardType.name_en)
            .outerjoin(AwardType, AwardType.code == AwardRecord.award_code)
            .where(_subject_filter(AwardRecord, kind, subject_id))
            .order_by(
                AwardRecord.year.desc(),
                AwardRecord.decision_date.desc().nulls_last(),
                AwardRecord.id.desc(),
            )
        )
    ).all()
    evaluations = (
        (
            await session.execute(
                select(EvaluationResult)
                .where(_subject_filter(EvaluationResult, kind, subject_id))
                .order_by(EvaluationResult.year.desc(), EvaluationResult.id.desc())
            )
        )
        .scalars()
        .all()
    )
    initiatives = []
    if kind == NomineeKind.INDIVIDUAL:
        rows = await session.execute(
            _initiatives_statement().where(Initiative.person_id == subject_id)
        )
        initiatives = [_initiative_read(*row) for row in rows.all()]
    return AwardHistory(
        subject=subject,
        awards=[
            AwardRecordRead(
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
            )
            for record, name_vi, name_en in records
        ],
        evaluations=[
            EvaluationRead(
                year=evaluation.year,
                rating=evaluation.rating,
                rating_vi=RATING_VI[evaluation.rating],
                member_count=evaluation.member_count,
                women_count=evaluation.women_count,
                members_with_title=evaluation.members_with_title,
            )
            for evaluation in evaluations
        ],
        initiatives=initiatives,
    )


# ---------------------------------------------------------------------------------------
# Lookups for forms


def fold(text: str) -> str:
    """Lower case without diacritics, so that "nguyen thi hoa" finds "Nguyễn Thị Hoa"."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def name_order(name: str) -> tuple[str, str]:
    """Vietnamese lists go by the given name (the last word), then the whole name."""
    folded = fold(name)
    return (folded.split()[-1] if folded.split() else "", folded)


async def _page_of_ids(
    session: AsyncSession, statement: Select, query: str | None, *, page: int, page_size: int
) -> tuple[int, list[int]]:
    """(total, ids of the page) for a statement selecting (id, name, searchable text).
    Matching folds accents and ordering follows the given name, in Python: SQLite and
    PostgreSQL can do neither alike in SQL, and one ward's people fit in memory many
    times over."""
    rows = (await session.execute(statement)).all()
    words = fold(query or "").split()
    matching = [
        (name_order(name), row_id)
        for row_id, name, text in rows
        if all(word in fold(text) for word in words)
    ]
    matching.sort()
    return len(matching), [
        row_id for _, row_id in matching[(page - 1) * page_size : page * page_size]
    ]


async def list_people(
    session: AsyncSession,
    principal: Principal,
    *,
    unit_id: int | None,
    query: str | None,
    page: int,
    page_size: int,
) -> PersonPage:
    units = await _unit_scope(session, principal, unit_id)
    ids_statement = select(Person.id, Person.full_name, Person.full_name.label("searchable")).where(
        _in_units(Person.unit_id, units)
    )
    total, ids = await _page_of_ids(session, ids_statement, query, page=page, page_size=page_size)
    rows = (
        (
            await session.execute(
                select(Person, Unit.name)
                .join(Unit, Unit.id == Person.unit_id)
                .where(Person.id.in_(ids))
            )
        ).all()
        if ids
        else []
    )
    by_id = {person.id: (person, unit_name) for person, unit_name in rows}
    return PersonPage(
        total=total,
        page=page,
        page_size=page_size,
        items=[
            PersonRead(
                id=person.id,
                full_name=person.full_name,
                gender=person.gender,
                birth_year=person.birth_year,
                position=person.position,
                unit_id=person.unit_id,
                unit_name=unit_name,
                household_id=person.household_id,
                is_official=person.is_official,
            )
            for person, unit_name in (by_id[i] for i in ids)
        ],
    )


async def list_households(
    session: AsyncSession,
    principal: Principal,
    *,
    unit_id: int | None,
    query: str | None,
    page: int,
    page_size: int,
) -> HouseholdPage:
    units = await _unit_scope(session, principal, unit_id)
    ids_statement = select(
        Household.id, Household.head_name, Household.head_name + " " + Household.address
    ).where(_in_units(Household.residential_group_id, units))
    total, ids = await _page_of_ids(session, ids_statement, query, page=page, page_size=page_size)
    rows = (
        (
            await session.execute(
                select(Household, Unit.name)
                .join(Unit, Unit.id == Household.residential_group_id)
                .where(Household.id.in_(ids))
            )
        ).all()
        if ids
        else []
    )
    by_id = {household.id: (household, group_name) for household, group_name in rows}
    return HouseholdPage(
        total=total,
        page=page,
        page_size=page_size,
        items=[
            HouseholdRead(
                id=household.id,
                head_name=household.head_name,
                address=household.address,
                residential_group_id=household.residential_group_id,
                residential_group_name=group_name,
            )
            for household, group_name in (by_id[i] for i in ids)
        ],
    )


async def list_collectives(
    session: AsyncSession, principal: Principal, *, unit_id: int | None
) -> list[CollectiveRead]:
    units = await _unit_scope(session, principal, unit_id)
    rows = await session.execute(
        select(Collective, Unit.code, Unit.kind)
        .join(Unit, Unit.id == Collective.unit_id)
        .where(_in_units(Collective.unit_id, units))
        .order_by(Collective.name, Collective.id)
    )
    return [
        CollectiveRead(
            id=collective.id,
            name=collective.name,
            unit_id=collective.unit_id,
            unit_code=code,
            unit_kind=kind,
        )
        for collective, code, kind in rows.all()
    ]


async def list_units(
    session: AsyncSession, principal: Principal, *, level: Level | None, parent_id: int | None
) -> list[UnitRead]:
    visible = await visible_unit_ids(session, principal)
    statement = select(Unit).where(_in_units(Unit.id, visible))
    if level is not None:
        statement = statement.where(Unit.level == level)
    if parent_id is not None:
        statement = statement.where(Unit.parent_id == parent_id)
    units = (await session.execute(statement)).scalars().all()
    # Ward first, then upward; within a level by code
    return [
        UnitRead.model_validate(unit)
        for unit in sorted(units, key=lambda u: (u.level.rank, u.code))
    ]


async def list_initiatives(
    session: AsyncSession, principal: Principal, *, person_id: int | None
) -> list[InitiativeRead]:
    statement = _initiatives_statement()
    if person_id is not None:
        await visible_subject(session, principal, NomineeKind.INDIVIDUAL, person_id)
        statement = statement.where(Initiative.person_id == person_id)
    else:
        statement = statement.where(
            _in_units(Person.unit_id, await visible_unit_ids(session, principal))
        )
    return [_initiative_read(*row) for row in (await session.execute(statement)).all()]

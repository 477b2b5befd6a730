"""Reads and bulk moves of the registry's administration: units by code, people by
citizen ID, the open nominations of a subject, and the references a merge moves from a
duplicate to the record that is kept.

``unit_ids`` narrows a read to those units; None reads every unit (the deployment's
administrators)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, func, select, true, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from domain.text import fold
from domain.vocabulary import TERMINAL_STAGES, Level, NomineeKind
from models import (
    Authority,
    AwardRecord,
    AwardType,
    Collective,
    DisciplineRecord,
    EvaluationResult,
    Exemplar,
    Household,
    Initiative,
    Nomination,
    PendingMatter,
    Person,
    Registration,
    RoleGrant,
    Unit,
    User,
)
from models.schemas.catalogue import SUBJECT_ID_FIELD

from .registry import households_matching, paged_ids, people_matching


def _in_units(column, unit_ids: Collection[int] | None) -> ColumnElement[bool]:
    return true() if unit_ids is None else column.in_(unit_ids)


# ---- units -------------------------------------------------------------------------------


async def unit_by_id(session: AsyncSession, *, unit_id: int) -> Unit | None:
    return await session.get(Unit, unit_id)


async def unit_with_code(
    session: AsyncSession, *, code: str, other_than: int | None = None
) -> Unit | None:
    """The unit holding this code, compared without case ("TK-VP" is "tk-vp")."""
    statement = select(Unit).where(func.lower(Unit.code) == code.lower())
    if other_than is not None:
        statement = statement.where(Unit.id != other_than)
    return (await session.execute(statement.limit(1))).scalar_one_or_none()


async def unit_with_official_code(
    session: AsyncSession, *, official_code: str, other_than: int | None = None
) -> Unit | None:
    statement = select(Unit).where(Unit.official_code == official_code)
    if other_than is not None:
        statement = statement.where(Unit.id != other_than)
    return (await session.execute(statement.limit(1))).scalar_one_or_none()


async def units_in(session: AsyncSession, *, unit_ids: Collection[int] | None) -> list[Unit]:
    """These units (every unit for None), in no order."""
    return list((await session.execute(select(Unit).where(_in_units(Unit.id, unit_ids)))).scalars())


# ---- people ------------------------------------------------------------------------------


async def person_by_id(session: AsyncSession, *, person_id: int) -> Person | None:
    return await session.get(Person, person_id)


async def lock_records(
    session: AsyncSession,
    *,
    model: type[Person] | type[Household] | type[Collective],
    ids: Collection[int],
) -> None:
    """Lock these rows (SELECT … FOR UPDATE) until the transaction ends, one at a time in
    ascending id, and read them afresh: a writer that locked one of them first has
    committed by then, and what it wrote is what the caller sees (``session.get`` returns
    the refreshed rows). Every writer of several rows of one table locks them in that one
    order, so no two wait for each other. SQLite: no row locks (writers hold the
    database's write lock from BEGIN)."""
    for record_id in sorted(set(ids)):
        await session.execute(
            select(model)
            .where(model.id == record_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )


async def person_with_citizen_id(
    session: AsyncSession, *, citizen_id: str, other_than: int | None = None
) -> Person | None:
    statement = select(Person).where(Person.citizen_id == citizen_id)
    if other_than is not None:
        statement = statement.where(Person.id != other_than)
    return (await session.execute(statement.limit(1))).scalar_one_or_none()


async def people_page(
    session: AsyncSession,
    *,
    unit_ids: Collection[int] | None,
    query: str | None,
    citizen_id: str | None,
    page: int,
    page_size: int,
) -> tuple[int, list[tuple[Person, str]]]:
    """(total, (person, unit name) of one page) of the people of these units who were not
    merged away, by given name: the one with ``citizen_id`` when it is given, else those
    whose name holds every word of ``query`` (``registry.people_matching``)."""
    statement = people_matching(unit_ids, None if citizen_id else query)
    if citizen_id:
        statement = statement.where(Person.citizen_id == citizen_id)
    total, ids = await paged_ids(session, statement, page=page, page_size=page_size)
    if not ids:
        return total, []
    rows = await session.execute(
        select(Person, Unit.name).join(Unit, Unit.id == Person.unit_id).where(Person.id.in_(ids))
    )
    by_id = {person.id: (person, unit_name) for person, unit_name in rows.all()}
    return total, [by_id[i] for i in ids]


# ---- households and collectives ----------------------------------------------------


async def household_by_id(session: AsyncSession, *, household_id: int) -> Household | None:
    return await session.get(Household, household_id)


async def households_page(
    session: AsyncSession,
    *,
    unit_ids: Collection[int] | None,
    query: str | None,
    page: int,
    page_size: int,
) -> tuple[int, list[tuple[Household, str, int]]]:
    """(total, (household, residential group's name, how many people live in it) of one
    page) of the households of these residential groups that were not merged away and
    match ``query`` (``registry.households_matching``), by the head's given name."""
    total, ids = await paged_ids(
        session, households_matching(unit_ids, query), page=page, page_size=page_size
    )
    if not ids:
        return total, []
    members = (
        select(Person.household_id, func.count(Person.id).label("n"))
        .where(Person.merged_into_id.is_(None), Person.household_id.in_(ids))
        .group_by(Person.household_id)
        .subquery()
    )
    rows = await session.execute(
        select(Household, Unit.name, func.coalesce(members.c.n, 0))
        .join(Unit, Unit.id == Household.residential_group_id)
        .outerjoin(members, members.c.household_id == Household.id)
        .where(Household.id.in_(ids))
    )
    by_id = {household.id: (household, name, int(count)) for household, name, count in rows}
    return total, [by_id[i] for i in ids]


async def household_member_count(session: AsyncSession, *, household_id: int) -> int:
    return int(
        await session.scalar(
            select(func.count(Person.id)).where(
                Person.household_id == household_id, Person.merged_into_id.is_(None)
            )
        )
        or 0
    )


async def collective_by_id(session: AsyncSession, *, collective_id: int) -> Collective | None:
    return await session.get(Collective, collective_id)


async def collective_of_unit(session: AsyncSession, *, unit_id: int) -> Collective | None:
    return (
        await session.execute(select(Collective).where(Collective.unit_id == unit_id))
    ).scalar_one_or_none()


async def collectives_in_units(
    session: AsyncSession, *, unit_ids: Collection[int] | None, query: str | None = None
) -> list[tuple[Collective, Unit]]:
    """(collective, its unit) of these units' collectives not merged away, by name; with
    ``query``, those where every word of it is in the collective's name, the unit's name
    (both with or without diacritics, in any case) or the unit's code.

    Units keep no folded name (``models.organisation``), so the words are matched here,
    against ``domain.text.fold`` of each name, as the folded columns hold them: a unit has
    one collective at most and the list is not paged, so the rows read are the rows the
    list shows without a query."""
    words = fold(query or "").split()
    rows = await session.execute(
        select(Collective, Unit)
        .join(Unit, Unit.id == Collective.unit_id)
        .where(_in_units(Collective.unit_id, unit_ids), Collective.merged_into_id.is_(None))
        .order_by(Collective.name, Collective.id)
    )
    return [
        (collective, unit)
        for collective, unit in rows.all()
        if all(
            word in collective.name_folded or word in fold(unit.name) or word in unit.code.lower()
            for word in words
        )
    ]


# ---- merging -----------------------------------------------------------------------------


@dataclass(frozen=True)
class OpenNomination:
    id: int
    award_name: str
    year: int


async def open_nominations(
    session: AsyncSession, *, kind: NomineeKind, subject_ids: Collection[int]
) -> list[OpenNomination]:
    """The nominations of these subjects still under way (drafts included)."""
    column = getattr(Nomination, SUBJECT_ID_FIELD[kind])
    rows = await session.execute(
        select(
            Nomination.id, func.coalesce(AwardType.name_vi, Nomination.award_code), Nomination.year
        )
        .outerjoin(AwardType, AwardType.code == Nomination.award_code)
        .where(
            Nomination.subject_kind == kind,
            column.in_(list(subject_ids)),
            Nomination.stage.not_in(list(TERMINAL_STAGES)),
        )
        .order_by(Nomination.id)
    )
    return [OpenNomination(row_id, name, year) for row_id, name, year in rows.all()]


_SUBJECT_TABLES = {
    "award_records": AwardRecord,
    "evaluation_results": EvaluationResult,
    "discipline_records": DisciplineRecord,
    "pending_matters": PendingMatter,
    "nominations": Nomination,
}


async def _move(session: AsyncSession, model, column_name: str, old: int, new: int) -> int:
    column = getattr(model, column_name)
    result = await session.execute(
        update(model).where(column == old).values({column_name: new}),
        execution_options={"synchronize_session": False},
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def move_subject_references(
    session: AsyncSession, *, kind: NomineeKind, old: int, new: int
) -> dict[str, int]:
    """Points everything naming subject ``old`` at ``new`` instead: award records,
    evaluations, discipline and pending matters, (closed) nominations and exemplars, and
    for a person their initiatives, campaign registrations (those that would not repeat
    one of the kept person's), accounts and the units they head; for a household its
    members. Returns how many rows of each kind moved."""
    column_name = SUBJECT_ID_FIELD[kind]
    moved = {
        name: await _move(session, model, column_name, old, new)
        for name, model in _SUBJECT_TABLES.items()
    }
    moved["exemplars"] = await _move(session, Exemplar, column_name, old, new)
    if kind == NomineeKind.INDIVIDUAL:
        moved["initiatives"] = await _move(session, Initiative, "person_id", old, new)
        moved["registrations"] = await _move_registrations(session, old=old, new=new)
        moved["users"] = await _move(session, User, "person_id", old, new)
        moved["headed_units"] = await _move(session, Unit, "head_person_id", old, new)
    elif kind == NomineeKind.HOUSEHOLD:
        moved["members"] = await _move(session, Person, "household_id", old, new)
    return {name: count for name, count in moved.items() if count}


async def _move_registrations(session: AsyncSession, *, old: int, new: int) -> int:
    """The duplicate's campaign registrations, except those the kept person already has
    for the same campaign, year and unit (those stay with the duplicate, as history). A
    registration's key names its person (``…:p<id>``): it follows."""
    kept = aliased(Registration)
    already = (
        select(kept.id)
        .where(
            kept.person_id == new,
            kept.campaign_id == Registration.campaign_id,
            kept.year == Registration.year,
            kept.unit_id == Registration.unit_id,
        )
        .exists()
    )
    rows = (
        await session.execute(
            select(Registration.id, Registration.registration_key).where(
                and_(Registration.person_id == old, ~already)
            )
        )
    ).all()
    suffix = f":p{old}"
    for row_id, key in rows:
        new_key = key[: -len(suffix)] + f":p{new}" if key.endswith(suffix) else key
        await session.execute(
            update(Registration)
            .where(Registration.id == row_id)
            .values(person_id=new, registration_key=new_key),
            execution_options={"synchronize_session": False},
        )
    return len(rows)


async def authority_of_unit(session: AsyncSession, *, unit_id: int) -> Authority | None:
    """The deciding body whose unit this is, if any."""
    return (
        await session.execute(select(Authority).where(Authority.unit_id == unit_id))
    ).scalar_one_or_none()


async def highest_child_rank(session: AsyncSession, *, unit_id: int) -> int:
    """The highest level rank among the unit's direct children (-1 with none)."""
    levels = (await session.execute(select(Unit.level).where(Unit.parent_id == unit_id))).scalars()
    return max((level.rank for level in levels), default=-1)


async def set_grant_levels(session: AsyncSession, *, unit_id: int, level: Level) -> None:
    """The role grants in a unit carry its level: they follow a change of it."""
    await session.execute(
        update(RoleGrant).where(RoleGrant.unit_id == unit_id).values(level=level),
        execution_options={"synchronize_session": False},
    )

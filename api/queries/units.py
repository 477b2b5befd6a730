"""Reads of units and of the people, collectives and households that belong to them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Collective, Household, Person, Unit

from .search import contains_words


async def unit_names(session: AsyncSession, *, unit_ids: Iterable[int]) -> dict[int, str]:
    ids = sorted(set(unit_ids))
    if not ids:
        return {}
    rows = (await session.execute(select(Unit.id, Unit.name).where(Unit.id.in_(ids)))).all()
    return {unit_id: name for unit_id, name in rows}


@dataclass
class NomineeChoice:
    value: str  # "individual:12", "collective:3", "household:5"
    label: str
    kind: str


@dataclass
class NomineeChoices:
    choices: list[NomineeChoice]
    # The kinds ("individual", "household") with more matches than the list holds: the
    # form says so, and offers the search that reaches the others.
    capped: list[str]


async def nominee_choices(
    session: AsyncSession, *, unit_ids: Iterable[int], limit: int, search: str = ""
) -> NomineeChoices:
    """Whom these units may nominate: their people, collectives and households (not the
    duplicates merged into another record) whose name holds every word of ``search``
    (with or without diacritics, ``search.contains_words``); at most ``limit`` people and
    ``limit`` households, first by name, and which of them had more."""
    ids = sorted(set(unit_ids))
    if not ids:
        return NomineeChoices([], [])
    choices: list[NomineeChoice] = []
    capped: list[str] = []
    people = list(
        (
            await session.execute(
                select(Person)
                .where(
                    Person.unit_id.in_(ids),
                    Person.merged_into_id.is_(None),
                    contains_words(Person.name_folded, search),
                )
                .order_by(Person.full_name, Person.id)
                .limit(limit + 1)
            )
        ).scalars()
    )
    if len(people) > limit:
        capped.append("individual")
    for person in people[:limit]:
        label = person.full_name + (f" — {person.position}" if person.position else "")
        choices.append(NomineeChoice(f"individual:{person.id}", label, "individual"))
    for collective in (
        await session.execute(
            select(Collective).where(
                Collective.unit_id.in_(ids),
                Collective.merged_into_id.is_(None),
                contains_words(Collective.name_folded, search),
            )
        )
    ).scalars():
        choices.append(NomineeChoice(f"collective:{collective.id}", collective.name, "collective"))
    households = list(
        (
            await session.execute(
                select(Household)
                .where(
                    Household.residential_group_id.in_(ids),
                    Household.merged_into_id.is_(None),
                    contains_words(Household.search_folded, search),
                )
                .order_by(Household.head_name, Household.id)
                .limit(limit + 1)
            )
        ).scalars()
    )
    if len(households) > limit:
        capped.append("household")
    for household in households[:limit]:
        label = f"Hộ ông/bà {household.head_name}" + (
            f" — {household.address}" if household.address else ""
        )
        choices.append(NomineeChoice(f"household:{household.id}", label, "household"))
    return NomineeChoices(choices, capped)


async def units_under(session: AsyncSession, *, root_ids: Iterable[int]) -> set[int]:
    """``root_ids`` and every unit below them (a ward: its offices, organisations and
    residential groups; a city: its wards and theirs), one recursive query on both
    databases."""
    roots = sorted(set(root_ids))
    if not roots:
        return set()
    tree = select(Unit.id).where(Unit.id.in_(roots)).cte("tree", recursive=True)
    tree = tree.union(select(Unit.id).join(tree, Unit.parent_id == tree.c.id))
    return set((await session.execute(select(tree.c.id))).scalars())

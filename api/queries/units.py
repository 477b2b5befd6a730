"""Reads of units and of the people, collectives and households that belong to them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Collective, Household, Person, Unit


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


async def nominee_choices(session: AsyncSession, *, unit_ids: Iterable[int]) -> list[NomineeChoice]:
    """Whom these units may nominate: their people, collectives and households (not the
    duplicates merged into another record)."""
    ids = sorted(set(unit_ids))
    if not ids:
        return []
    choices: list[NomineeChoice] = []
    people = (
        await session.execute(
            select(Person)
            .where(Person.unit_id.in_(ids), Person.merged_into_id.is_(None))
            .order_by(Person.full_name)
            .limit(2000)
        )
    ).scalars()
    for person in people:
        label = person.full_name + (f" — {person.position}" if person.position else "")
        choices.append(NomineeChoice(f"individual:{person.id}", label, "individual"))
    for collective in (
        await session.execute(
            select(Collective).where(
                Collective.unit_id.in_(ids), Collective.merged_into_id.is_(None)
            )
        )
    ).scalars():
        choices.append(NomineeChoice(f"collective:{collective.id}", collective.name, "collective"))
    for household in (
        await session.execute(
            select(Household)
            .where(Household.residential_group_id.in_(ids), Household.merged_into_id.is_(None))
            .order_by(Household.head_name)
            .limit(2000)
        )
    ).scalars():
        label = f"Hộ ông/bà {household.head_name}" + (
            f" — {household.address}" if household.address else ""
        )
        choices.append(NomineeChoice(f"household:{household.id}", label, "household"))
    return choices


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

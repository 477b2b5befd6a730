"""Reads for the administration of histories: one yearly rating, award record or
initiative by id, the rows a new one would duplicate, the catalogue's award types, and
the people, collectives and households of the administered units by name.

``unit_ids`` narrows a read to those units; None reads every unit (a deployment
administrator's view: see ``api.services.admin_scope``)."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import ColumnElement, SQLColumnExpression, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from domain.vocabulary import NomineeKind
from models import (
    AwardRecord,
    AwardType,
    Collective,
    EvaluationResult,
    Household,
    Initiative,
    Person,
    Unit,
)
from models.schemas.catalogue import SUBJECT_ID_FIELD

from .search import LIKE_ESCAPE, escape_like

# (kind, id, name, unit name) of a subject a search found
SubjectMatch = tuple[NomineeKind, int, str, str]


def _in_units(
    column: SQLColumnExpression[int], unit_ids: Collection[int] | None
) -> ColumnElement[bool]:
    return true() if unit_ids is None else column.in_(unit_ids)


def _of_subject(
    model: type[AwardRecord] | type[EvaluationResult], kind: NomineeKind, subject_id: int
) -> ColumnElement[bool]:
    column = getattr(model, SUBJECT_ID_FIELD[kind])
    return (model.subject_kind == kind) & (column == subject_id)


# ---- the catalogue -----------------------------------------------------------------------


async def award_type(session: AsyncSession, *, code: str) -> AwardType | None:
    return await session.get(AwardType, code)


async def award_types(session: AsyncSession) -> list[AwardType]:
    """Every award type of the catalogue, by Vietnamese name (the pages' pickers)."""
    rows = await session.execute(select(AwardType).order_by(AwardType.name_vi, AwardType.code))
    return list(rows.scalars())


# ---- yearly ratings ----------------------------------------------------------------------


async def evaluation_by_id(session: AsyncSession, *, evaluation_id: int) -> EvaluationResult | None:
    return await session.get(EvaluationResult, evaluation_id)


async def evaluation_of_year(
    session: AsyncSession, *, kind: NomineeKind, subject_id: int, year: int
) -> EvaluationResult | None:
    """The subject's rating of that year, if one is recorded."""
    return (
        (
            await session.execute(
                select(EvaluationResult)
                .where(
                    _of_subject(EvaluationResult, kind, subject_id), EvaluationResult.year == year
                )
                .order_by(EvaluationResult.id)
            )
        )
        .scalars()
        .first()
    )


# ---- award records -------------------------------------------------------------------------


async def award_record_by_id(session: AsyncSession, *, record_id: int) -> AwardRecord | None:
    return await session.get(AwardRecord, record_id)


async def same_award_record(
    session: AsyncSession,
    *,
    kind: NomineeKind,
    subject_id: int,
    award_code: str,
    year: int,
    decision_number: str,
) -> AwardRecord | None:
    """A standing record of the same award, year and decision for the subject."""
    return (
        (
            await session.execute(
                select(AwardRecord)
                .where(
                    _of_subject(AwardRecord, kind, subject_id),
                    AwardRecord.award_code == award_code,
                    AwardRecord.year == year,
                    AwardRecord.decision_number == decision_number,
                    AwardRecord.revoked_at.is_(None),
                )
                .order_by(AwardRecord.id)
            )
        )
        .scalars()
        .first()
    )


# ---- initiatives ---------------------------------------------------------------------------


async def initiative_by_id(session: AsyncSession, *, initiative_id: int) -> Initiative | None:
    return await session.get(Initiative, initiative_id)


async def initiative_by_decision(
    session: AsyncSession, *, decision_number: str, recognised_by: str, title: str
) -> Initiative | None:
    """The initiative of this title recognised by this decision of this issuer (their
    natural key: one decision often recognises a list of initiatives)."""
    return (
        (
            await session.execute(
                select(Initiative)
                .where(
                    Initiative.decision_number == decision_number,
                    Initiative.recognised_by == recognised_by,
                    Initiative.title == title,
                )
                .order_by(Initiative.id)
            )
        )
        .scalars()
        .first()
    )


# ---- subjects by name ----------------------------------------------------------------------


async def subjects_named(
    session: AsyncSession,
    *,
    unit_ids: Collection[int] | None,
    kind: NomineeKind | None,
    phrase: str,
    limit: int,
) -> list[SubjectMatch]:
    """People, collectives and households of these units (merged duplicates left out),
    with their unit's name, whose folded name holds ``phrase`` (folded, ``%`` and ``_``
    as characters): of each kind (or of ``kind``) the first ``limit`` by folded name,
    then id."""
    pattern = f"%{escape_like(phrase)}%"
    found: list[SubjectMatch] = []
    for of_kind, model, row_id, name, folded_name, unit_id in (
        (
            NomineeKind.INDIVIDUAL,
            Person,
            Person.id,
            Person.full_name,
            Person.name_folded,
            Person.unit_id,
        ),
        (
            NomineeKind.COLLECTIVE,
            Collective,
            Collective.id,
            Collective.name,
            Collective.name_folded,
            Collective.unit_id,
        ),
        (
            NomineeKind.HOUSEHOLD,
            Household,
            Household.id,
            Household.head_name,
            Household.name_folded,
            Household.residential_group_id,
        ),
    ):
        if kind is not None and of_kind != kind:
            continue
        rows = await session.execute(
            select(row_id, name, Unit.name)
            .join(Unit, Unit.id == unit_id)
            .where(
                _in_units(unit_id, unit_ids),
                model.merged_into_id.is_(None),
                folded_name.like(pattern, escape=LIKE_ESCAPE),
            )
            .order_by(folded_name, row_id)
            .limit(limit)
        )
        found += [(of_kind, i, n, unit_name) for i, n, unit_name in rows.all()]
    return found

"""Reads of the Excel import's history and council sheets: the award types a row may
name, and the stored ratings, award records, initiatives and council members a row's
natural key may match."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.vocabulary import NomineeKind
from models import (
    Authority,
    AwardRecord,
    AwardType,
    Council,
    CouncilMember,
    EvaluationResult,
    Initiative,
)

_SUBJECT_COLUMN = {
    NomineeKind.INDIVIDUAL: "person_id",
    NomineeKind.COLLECTIVE: "collective_id",
    NomineeKind.HOUSEHOLD: "household_id",
}


async def award_types(session: AsyncSession) -> list[AwardType]:
    """Every award type the catalogue mirrors (a few dozen)."""
    return list((await session.execute(select(AwardType).order_by(AwardType.code))).scalars())


async def evaluations_of(
    session: AsyncSession, *, kind: NomineeKind, subject_id: int, year: int
) -> list[EvaluationResult]:
    """A subject's yearly evaluations of ``year`` (one, unless entered twice)."""
    column = getattr(EvaluationResult, _SUBJECT_COLUMN[kind])
    return list(
        (
            await session.execute(
                select(EvaluationResult)
                .where(
                    EvaluationResult.subject_kind == kind,
                    column == subject_id,
                    EvaluationResult.year == year,
                )
                .order_by(EvaluationResult.id)
            )
        ).scalars()
    )


async def award_records_of(
    session: AsyncSession, *, kind: NomineeKind, subject_id: int, award_code: str, year: int
) -> list[AwardRecord]:
    """A subject's records of one award for one year, revoked ones included: the caller
    compares the decision number and the issuer."""
    column = getattr(AwardRecord, _SUBJECT_COLUMN[kind])
    return list(
        (
            await session.execute(
                select(AwardRecord)
                .where(
                    AwardRecord.subject_kind == kind,
                    column == subject_id,
                    AwardRecord.award_code == award_code,
                    AwardRecord.year == year,
                )
                .order_by(AwardRecord.id)
            )
        ).scalars()
    )


async def recognised_initiatives(session: AsyncSession) -> list[Initiative]:
    """The initiatives stored with their recognition decision's number (a ward's few
    hundred): the caller compares numbers and issuers ignoring case, which SQLite's
    ``lower`` does not do beyond ASCII ("QĐ")."""
    return list(
        (
            await session.execute(
                select(Initiative).where(Initiative.decision_number != "").order_by(Initiative.id)
            )
        ).scalars()
    )


async def council_of_unit(session: AsyncSession, *, unit_id: int) -> Council | None:
    """The council of the authority whose people's committee is ``unit_id``."""
    return (
        await session.execute(
            select(Council)
            .join(Authority, Authority.id == Council.authority_id)
            .where(Authority.unit_id == unit_id)
        )
    ).scalar_one_or_none()


async def council_member(
    session: AsyncSession, *, council_id: int, user_id: int
) -> CouncilMember | None:
    return (
        await session.execute(
            select(CouncilMember).where(
                CouncilMember.council_id == council_id, CouncilMember.user_id == user_id
            )
        )
    ).scalar_one_or_none()

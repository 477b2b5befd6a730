"""The award history of a person, collective or household: awards (revoked ones
marked), yearly evaluations and, for people, recognised initiatives, newest first."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from domain.eligibility import RATING_VI
from domain.vocabulary import NomineeKind
from models import Initiative
from models.schemas.registry import (
    AwardHistory,
    AwardRecordRead,
    EvaluationRead,
    InitiativeRead,
)

from ..principal import Principal
from ..queries import registry as queries
from .subjects import visible_subject


def initiative_read(
    item: Initiative, person_name: str, grounded_revoked_at: datetime | None
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
    records = await queries.award_records(session, kind=kind, subject_id=subject_id)
    evaluations = await queries.evaluations(session, kind=kind, subject_id=subject_id)
    initiatives = []
    if kind == NomineeKind.INDIVIDUAL:
        initiatives = [
            initiative_read(*row)
            for row in await queries.initiatives_of_person(session, person_id=subject_id)
        ]
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

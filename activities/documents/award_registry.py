"""The award history (sổ khen thưởng): one award record per awardee of an issued
decision, and the initiative each award grounds. Written in the transaction that issues
the decision."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Authority, AwardRecord, AwardType, Decision, DecisionItem, Initiative, Nomination

from .types import DocumentError, RuleSetLookup


async def record_awards(
    session: AsyncSession, decision: Decision, *, get_rule_set: RuleSetLookup
) -> None:
    """One award record per awardee (idempotent), and the initiative each grounds.
    Raises ``DocumentError("UnknownAward")`` for an award neither the rule set nor the
    award types know."""
    authority = await session.get(Authority, decision.authority_id)
    assert authority is not None
    rows = (
        await session.execute(
            select(DecisionItem, Nomination)
            .join(Nomination, Nomination.id == DecisionItem.nomination_id)
            .where(DecisionItem.decision_id == decision.id)
            .order_by(DecisionItem.position, DecisionItem.id)
        )
    ).all()
    recorded = set(
        (
            await session.execute(
                select(AwardRecord.nomination_id).where(AwardRecord.decision_id == decision.id)
            )
        ).scalars()
    )
    award_kinds = {
        a.code: a.kind
        for a in (
            await session.execute(
                select(AwardType).where(AwardType.code.in_({i.award_code for i, _ in rows}))
            )
        ).scalars()
    }
    for item, nomination in rows:
        if nomination.id in recorded:
            continue
        kind = award_kinds.get(item.award_code)
        try:
            rule = get_rule_set(nomination.rule_set_id).awards.get(item.award_code)
        except LookupError:
            rule = None
        if rule is not None:
            kind = rule.kind
        if kind is None:
            raise DocumentError(
                "UnknownAward",
                f"Không rõ loại hình khen thưởng của {item.award_code}",
                f"Unknown award {item.award_code}",
            )
        record = AwardRecord(
            subject_kind=nomination.subject_kind,
            person_id=nomination.person_id,
            collective_id=nomination.collective_id,
            household_id=nomination.household_id,
            award_code=item.award_code,
            kind=kind,
            year=nomination.year,
            decision_number=decision.number_text,
            decision_date=decision.issued_on,
            deciding_authority=authority.name,
            nomination_id=nomination.id,
            decision_id=decision.id,
            achievement_key=nomination.achievement_key,
        )
        session.add(record)
        await session.flush()
        if nomination.initiative_id is not None:
            initiative = await session.get(Initiative, nomination.initiative_id)
            if initiative is not None and initiative.grounded_award_id is None:
                initiative.grounded_award_id = record.id

"""Capped quotas on the standing body's agenda pages.

Where the city override caps an award (``awards.<code>.quota``), the nominations of one
unit for that award and year share its seats. This groups the nominations on an agenda
by (rule set, award, unit, year), counts the seats, and ranks each group with
``domain.eligibility.explain_quota_ranking``: votes in favour once the council has voted,
then the tie preference of Decree 152 Art. 4 (women and collectives with ≥ 70% women
alike), then the earlier submission, each with the reason it comes before the next.
Without a quota (the default), there is nothing to show.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from domain.catalogue import Catalogue
from domain.eligibility import RankedContender, explain_quota_ranking
from domain.rules import UnknownRuleSet
from models import Nomination
from thidua.catalogue_store import load_quota_contenders, load_quota_context

from ..queries import nominations as nomination_queries


@dataclass(frozen=True)
class QuotaRow:
    nomination_id: int
    nominee_name: str
    ranked: RankedContender
    score: int | None  # votes in favour, once the council has voted


@dataclass(frozen=True)
class QuotaGroup:
    award_code: str
    award_name: str
    unit_name: str
    year: int
    share: str  # "50%"
    of_award_name: str  # the base title: "Lao động tiên tiến"
    pool: int
    granted: int
    seats: int  # left for the candidates below
    article: str  # where the quota is set
    tie_article: str  # where the tie preference is set (the rule set's tie_break article)
    rows: tuple[QuotaRow, ...]


async def quota_groups(
    session: AsyncSession,
    catalogue: Catalogue,
    nomination_ids: Sequence[int],
    *,
    votes_in_favour: Mapping[int, int] | None = None,
) -> list[QuotaGroup]:
    """The capped groups among ``nomination_ids``, each ranked for its seats. Pass
    ``votes_in_favour`` (nomination id → votes) once the council has voted; before, the
    candidates have no score and only the preference and the submission order rank them."""
    if not nomination_ids:
        return []
    rows = await nomination_queries.with_unit_names(session, nomination_ids=nomination_ids)
    groups: dict[tuple[str, str, int, int], list[Nomination]] = {}
    unit_names: dict[int, str] = {}
    for nomination, unit_name in rows:
        try:
            award = catalogue.get(nomination.rule_set_id).awards.get(nomination.award_code)
        except UnknownRuleSet:
            continue
        if award is None or award.quota is None:
            continue
        unit_names[nomination.proposing_unit_id] = unit_name
        key = (
            nomination.rule_set_id,
            nomination.award_code,
            nomination.proposing_unit_id,
            nomination.year,
        )
        groups.setdefault(key, []).append(nomination)

    scored = votes_in_favour is not None
    votes = votes_in_favour or {}
    result = []
    for (rule_set_id, award_code, unit_id, year), members in sorted(groups.items()):
        rule_set = catalogue.get(rule_set_id)
        award = rule_set.awards[award_code]
        quota = award.quota
        assert quota is not None
        context = await load_quota_context(
            session, quota=quota, award_code=award_code, unit_id=unit_id, year=year
        )
        seats = max(quota.seats(context.pool) - context.already_granted, 0)
        contenders = await load_quota_contenders(
            session,
            members,
            scores={n.id: float(votes.get(n.id, 0)) for n in members} if scored else None,
        )
        ranked = explain_quota_ranking(
            [contenders[n.id] for n in members],
            seats,
            women_share=rule_set.women_preference_share,
            article=rule_set.article("tie_break"),
            score_vi="phiếu đồng ý" if scored else "",
            score_en="votes in favour" if scored else "",
        )
        share = quota.max_share
        result.append(
            QuotaGroup(
                award_code=award_code,
                award_name=award.name_vi,
                unit_name=unit_names[unit_id],
                year=year,
                share=f"{share.numerator * 100 // share.denominator}%",
                of_award_name=rule_set.awards[quota.of_award].name_vi,
                pool=context.pool,
                granted=context.already_granted,
                seats=seats,
                article=quota.article,
                tie_article=rule_set.article("tie_break"),
                rows=tuple(
                    QuotaRow(
                        nomination_id=int(entry.contender.key),
                        nominee_name=entry.contender.label,
                        ranked=entry,
                        score=votes.get(int(entry.contender.key), 0) if scored else None,
                    )
                    for entry in ranked
                ),
            )
        )
    return result

"""The inputs the long workflows start with, built in one place each.

A nomination and its rule set become the plan its workflow carries: one step per level
with that level's authority, council and time limits, plus the working-day calendar. The
workflow never reads the rule set or the calendar itself. A campaign becomes its plan:
the yearly cycle's dates, its content areas and milestones (``campaign_input``, for a
launch from the API and for ``thidua up``)."""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from domain.holiday_source import build_calendar_data
from domain.rules import AwardRule, RuleSet
from domain.vocabulary import Level
from models import Authority, Campaign, Nomination
from thidua.settings import Settings
from workflows.campaign_types import CampaignInput, ContentAreaPlan, CycleDates, MilestonePlan
from workflows.contracts import Actor
from workflows.nomination_types import LevelPlan, NominationInput

from ..errors import InvalidInput
from ..queries import campaigns as campaign_queries
from ..queries import council as council_queries

# A nomination lasts months, rarely more than two years: its calendar covers this year
# and the next two (holidays are known that far ahead; later days count weekends only).
CALENDAR_YEARS_AHEAD = 2


def calendar_data(settings: Settings, today: date):
    return build_calendar_data(
        today.year,
        today.year + CALENDAR_YEARS_AHEAD,
        extra_days_off=settings.calendar_extra_holidays,
        extra_working_days=settings.calendar_extra_working_days,
    )


async def authority_chain(session: AsyncSession, origin_id: int) -> dict[Level, Authority]:
    chain: dict[Level, Authority] = {}
    authority = await session.get(Authority, origin_id)
    while authority is not None:
        chain[authority.level] = authority
        authority = (
            await session.get(Authority, authority.parent_authority_id)
            if authority.parent_authority_id
            else None
        )
    return chain


async def level_plans(
    session: AsyncSession, award: AwardRule, origin_authority_id: int
) -> list[LevelPlan]:
    chain = await authority_chain(session, origin_authority_id)
    plans = []
    for rule in award.chain:
        authority = chain.get(rule.level)
        if authority is None:
            raise InvalidInput(
                "award_code",
                f"Không có cơ quan cấp {rule.level.value} để xét {award.name_vi}",
                f"no {rule.level.value} authority above this ward handles {award.code}",
            )
        council = await council_queries.council_of(session, authority_id=authority.id)
        council_id = council.id if council is not None else None
        if council_id is None and rule.council.vote.value != "none":
            raise InvalidInput(
                "award_code",
                f"{authority.name} chưa có Hội đồng Thi đua - Khen thưởng",
                f"{authority.name} has no council",
            )
        plans.append(
            LevelPlan(
                level=rule.level,
                authority_id=authority.id,
                authority_name=authority.name,
                authority_unit_id=authority.unit_id,
                standing_unit_id=authority.standing_unit_id,
                council_id=council_id,
                completeness_check=rule.completeness_check,
                resubmission=rule.resubmission,
                public_notice=rule.public_notice,
                vote=rule.council.vote,
                threshold=rule.council.threshold,
                quorum=rule.council.quorum,
                processing=rule.processing,
                signature=rule.signature,
                required_items=list(rule.required_dossier),
                required_any_of=[list(group) for group in rule.required_any_of],
                decides=rule.level == award.deciding_level,
            )
        )
    return plans


async def nomination_input(
    session: AsyncSession,
    *,
    nomination: Nomination,
    rule_set: RuleSet,
    submitted_by: Actor,
    dossier_items: list[str],
    settings: Settings,
    today: date,
) -> NominationInput:
    award = rule_set.awards[nomination.award_code]
    return NominationInput(
        nomination_id=nomination.id,
        award_code=award.code,
        award_name=award.name_vi,
        rule_set_id=rule_set.id,
        nominee_name=nomination.nominee_name,
        proposing_unit_id=nomination.proposing_unit_id,
        submitted_by=submitted_by,
        dossier_items=sorted(set(dossier_items)),
        levels=await level_plans(session, award, nomination.origin_authority_id),
        calendar=calendar_data(settings, today),
        reminder_working_days=list(rule_set.reminder_working_days),
        deadline_extensions=rule_set.deadline_extensions,
    )


async def campaign_input(
    session: AsyncSession, *, campaign: Campaign, launched_by: Actor
) -> CampaignInput:
    """The plan a campaign's workflow carries: its ward's authority, the yearly cycle's
    dates, its content areas and milestones."""
    authority = await session.get(Authority, campaign.authority_id)
    assert authority is not None
    areas = await campaign_queries.content_areas(session, campaign_id=campaign.id)
    milestones = await campaign_queries.milestones(session, campaign_id=campaign.id)
    return CampaignInput(
        campaign_id=campaign.id,
        code=campaign.code,
        name=campaign.name,
        authority_id=authority.id,
        authority_unit_id=authority.unit_id,
        standing_unit_id=authority.standing_unit_id,
        start_year=campaign.start_year,
        end_year=campaign.end_year,
        cycle=CycleDates(
            registration_opens=campaign.registration_opens,
            registration_due=campaign.registration_due,
            household_review_due=campaign.household_review_due,
            dossiers_due=campaign.dossiers_due,
        ),
        content_areas=[ContentAreaPlan(a.code, a.title, a.description) for a in areas],
        milestones=[
            MilestonePlan(
                code=m.code,
                title=m.title,
                due_on=m.due_on,
                stage_position=m.stage_position,
                reached_at=m.reached_at,
            )
            for m in milestones
        ],
        launched_by=launched_by,
    )

"""The eligibility verdict of a nomination: the candidate's record, the titles proposed
for the same nominee and year, and the seats left under a quota, checked by the domain's
rules. Submitting asks it of a saved draft; the form asks it before anything is saved."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from domain.catalogue import Catalogue
from domain.eligibility import EligibilityRequest, Verdict, check_eligibility
from domain.rules import RuleSet
from domain.vocabulary import Role, Stage
from models import Nomination
from models.schemas.nominations import NominationCreate
from thidua.catalogue_store import CandidateNotFound, load_candidate, load_quota_context

from ..errors import InvalidInput
from ..principal import Principal
from ..queries import nominations as nomination_queries


async def eligibility(
    session: AsyncSession, *, rule_set: RuleSet, nomination: Nomination
) -> Verdict:
    subject_id = nomination.person_id or nomination.collective_id or nomination.household_id or 0
    candidate = await load_candidate(
        session, kind=nomination.subject_kind, subject_id=subject_id, year=nomination.year
    )
    same_batch = await nomination_queries.batch_titles(session, nomination=nomination)
    # A quota the city set on the award: refused only when the unit has no seat left; the
    # candidates who share the seats are ranked on the standing body's agenda pages.
    award = rule_set.awards.get(nomination.award_code)
    quota = (
        await load_quota_context(
            session,
            quota=award.quota,
            award_code=award.code,
            unit_id=nomination.proposing_unit_id,
            year=nomination.year,
        )
        if award is not None and award.quota is not None
        else None
    )
    return check_eligibility(
        EligibilityRequest(
            candidate=candidate,
            award_code=nomination.award_code,
            year=nomination.year,
            initiative_id=nomination.initiative_id,
            achievement_key=nomination.achievement_key,
            batch_titles=tuple(same_batch),
            attestations=tuple(nomination.attestations or ()),
            quota=quota,
        ),
        rule_set,
    )


async def unsaved_eligibility(
    session: AsyncSession, *, rule_set: RuleSet, data: NominationCreate
) -> Verdict:
    """The eligibility verdict of a nomination as it would be created from ``data``,
    without writing anything (the same check ``submit`` makes)."""
    if data.award_code not in rule_set.awards:
        raise InvalidInput(
            "award_code",
            f"Không có danh hiệu/hình thức '{data.award_code}'",
            f"unknown award '{data.award_code}'",
        )
    ref = data.nominee
    transient = Nomination(
        award_code=data.award_code,
        rule_set_id=rule_set.id,
        year=data.year,
        subject_kind=ref.kind,
        person_id=ref.person_id,
        collective_id=ref.collective_id,
        household_id=ref.household_id,
        nominee_name="",
        proposing_unit_id=data.proposing_unit_id,
        stage=Stage.DRAFT,
        achievement_key=data.achievement_key,
        initiative_id=data.initiative_id,
        attestations=list(data.attestations),
    )
    try:
        return await eligibility(session, rule_set=rule_set, nomination=transient)
    except CandidateNotFound as exc:
        raise InvalidInput("nominee", exc.message_vi, exc.message_en) from None


async def review_verdict(
    session: AsyncSession, *, catalogue: Catalogue, principal: Principal, nomination: Nomination
) -> Verdict | None:
    """The verdict the unit saw when it submitted, checked again under the rule set the
    nomination was submitted under, for the standing body that now holds it (its standing
    officers and administrators); ``None`` for anyone else, for a draft or a closed one."""
    if nomination.stage == Stage.DRAFT or nomination.stage.is_terminal:
        return None
    reviewers = principal.authority_ids(Role.STANDING_OFFICER) | principal.admin_authority_ids
    if nomination.authority_id not in reviewers and not principal.deployment_admin:
        return None
    rule_set = catalogue.get(nomination.rule_set_id)
    if nomination.award_code not in rule_set.awards:
        return None
    try:
        return await eligibility(session, rule_set=rule_set, nomination=nomination)
    except CandidateNotFound:
        return None

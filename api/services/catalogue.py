"""The award catalogue as the API reads it: the rule set in force on a day, one award
of it, and the eligibility check of a candidate (stored or inline) for an award."""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from domain.eligibility import EligibilityRequest, QuotaContext, check_eligibility
from domain.rules import RuleSet, UnknownAward, UnknownRuleSet
from models.schemas.catalogue import (
    AwardDetail,
    EligibilityCheck,
    VerdictRead,
    award_read,
    verdict_read,
)

from ..errors import InvalidInput, NotFound
from ..principal import Principal
from ..state import AppState
from .subjects import visible_candidate


def rule_set_on(state: AppState, on: date | None, *, field: str = "on") -> RuleSet:
    """The rule set in force on ``on`` (today in Asia/Ho_Chi_Minh by default); a 422
    naming ``field`` when none is."""
    try:
        return state.catalogue.in_force(on or state.clock.today())
    except UnknownRuleSet as exc:
        raise InvalidInput(field, exc.message_vi, exc.message_en) from None


def award_in_force(state: AppState, code: str, *, on: date | None) -> AwardDetail:
    """One award of the rule set in force on ``on`` (404 for an award it does not have)."""
    rule_set = rule_set_on(state, on)
    try:
        award = rule_set.award(code)
    except UnknownAward as exc:
        raise NotFound(exc.message_vi, exc.message_en) from None
    return AwardDetail(
        **award_read(award, rule_set).model_dump(),
        rule_set_id=rule_set.id,
        rule_set_title=rule_set.title,
        base_salary_vnd=rule_set.base_salary_vnd,
    )


async def check(
    session: AsyncSession, state: AppState, principal: Principal, body: EligibilityCheck
) -> VerdictRead:
    """The verdict on ``body``'s candidate (a stored subject ``principal`` may see, or an
    inline one) for its award, with every reason. Nothing is written."""
    if (body.subject is None) == (body.candidate is None):
        raise InvalidInput(
            "subject" if body.subject is None else "candidate",
            "Cần đúng một trong hai: subject (cá nhân, tập thể, hộ gia đình có trong hệ thống) "
            "hoặc candidate (hồ sơ nhập trực tiếp để thử)",
            "give exactly one of subject (stored) or candidate (inline, for a what-if check)",
        )
    rule_set = _chosen_rule_set(state, body)
    try:
        award = rule_set.award(body.award_code)
    except UnknownAward as exc:
        raise InvalidInput("award_code", exc.message_vi, exc.message_en) from None
    for index, code in enumerate(body.batch_titles):
        if code not in rule_set.awards:
            raise InvalidInput(
                f"batch_titles[{index}]",
                f"Bộ quy tắc {rule_set.id} không có danh hiệu '{code}'",
                f"rule set {rule_set.id} has no award '{code}'",
            )
    if body.subject is not None:
        candidate = await visible_candidate(
            session, principal, body.subject.kind, body.subject.subject_id, year=body.year
        )
    else:
        assert body.candidate is not None
        known = set(state.catalogue.award_codes)
        for index, held in enumerate(body.candidate.awards):
            if held.award_code not in known:
                raise InvalidInput(
                    f"candidate.awards[{index}].award_code",
                    f"Không có danh hiệu/hình thức '{held.award_code}' trong danh mục",
                    f"no award '{held.award_code}' in the catalogue",
                )
        candidate = body.candidate.to_domain()
    verdict = check_eligibility(
        EligibilityRequest(
            candidate=candidate,
            award_code=award.code,
            year=body.year,
            kind=body.kind,
            initiative_id=body.initiative_id,
            achievement_key=body.achievement_key,
            batch_titles=tuple(body.batch_titles),
            attestations=tuple(body.attestations),
            quota=QuotaContext(pool=body.quota.pool, already_granted=body.quota.already_granted)
            if body.quota
            else None,
        ),
        rule_set,
    )
    return verdict_read(verdict, award, candidate)


def _chosen_rule_set(state: AppState, body: EligibilityCheck) -> RuleSet:
    if body.rule_set_id is None:
        return rule_set_on(state, body.on)
    if body.on is not None:
        raise InvalidInput(
            "rule_set_id",
            "Chỉ cho biết một trong hai: on (ngày) hoặc rule_set_id (bộ quy tắc)",
            "give on (a date) or rule_set_id, not both",
        )
    try:
        return state.catalogue.get(body.rule_set_id)
    except UnknownRuleSet as exc:
        raise InvalidInput("rule_set_id", exc.message_vi, exc.message_en) from None

"""The award catalogue (the rule sets in force and their awards) and the eligibility
check: is a candidate eligible for an award, with every reason.

The catalogue is public law and readable without signing in; the eligibility check
needs a user, and for a stored person, collective or household one who may see it.
"""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter

from domain.eligibility import EligibilityRequest, QuotaContext, check_eligibility
from domain.rules import RuleSet, UnknownAward, UnknownRuleSet
from models.schemas.catalogue import (
    AwardDetail,
    DossierItemTypeRead,
    EligibilityCheck,
    RuleSetRead,
    RuleSetSummary,
    VerdictRead,
    award_read,
    dossier_item_read,
    rule_set_read,
    rule_set_summary,
    verdict_read,
)

from ..deps import CurrentUser, ReadSessionDep, StateDep
from ..errors import Forbidden, InvalidInput, NotFound, Unauthorized, error_responses
from ..services.registry import visible_candidate
from ..state import AppState

router = APIRouter(prefix="/api/v1", tags=["catalogue"])


def rule_set_on(state: AppState, on: date | None, *, field: str = "on") -> RuleSet:
    """The rule set in force on ``on`` (today in Asia/Ho_Chi_Minh by default); a 422
    naming ``field`` when none is."""
    try:
        return state.catalogue.in_force(on or state.clock.today())
    except UnknownRuleSet as exc:
        raise InvalidInput(field, exc.message_vi, exc.message_en) from None


@router.get("/catalogue/rule-sets", response_model=list[RuleSetSummary])
async def list_rule_sets(state: StateDep) -> list[RuleSetSummary]:
    """Every rule set, oldest first, with its dates and the city override applied."""
    return [rule_set_summary(rule_set) for rule_set in state.catalogue.rule_sets]


@router.get("/catalogue/dossier-items", response_model=list[DossierItemTypeRead])
async def list_dossier_items(state: StateDep) -> list[DossierItemTypeRead]:
    """The dossier item types the rule sets may require."""
    items = state.catalogue.dossier_items
    return [dossier_item_read(code, items) for code in items]


@router.get(
    "/catalogue",
    response_model=RuleSetRead,
    responses=error_responses(InvalidInput),
)
async def rule_set_in_force(state: StateDep, on: date | None = None) -> RuleSetRead:
    """The rule set in force on ``on`` (default: today in Vietnam) with all its awards:
    recipients, deciding level, the chain of levels (time limits, public notice, council
    vote, required dossier), cash, legal basis, criteria and quota."""
    return rule_set_read(rule_set_on(state, on))


@router.get(
    "/catalogue/awards/{code}",
    response_model=AwardDetail,
    responses=error_responses(InvalidInput, NotFound),
)
async def award_in_force(code: str, state: StateDep, on: date | None = None) -> AwardDetail:
    """One award of the rule set in force on ``on`` (default: today)."""
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


@router.post(
    "/eligibility/check",
    response_model=VerdictRead,
    responses=error_responses(Unauthorized, Forbidden, InvalidInput),
)
async def check(
    body: EligibilityCheck, user: CurrentUser, session: ReadSessionDep, state: StateDep
) -> VerdictRead:
    """Is the candidate eligible for the award in the achievement year, and why (or why
    not)? The candidate is a stored ``subject`` (its award history, evaluations and
    initiatives are read from the database) or an inline ``candidate`` for a what-if
    check; exactly one of the two. The rule set is the one in force ``on`` a date
    (default today) or the one named by ``rule_set_id``. Nothing is written."""
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
            session, user, body.subject.kind, body.subject.subject_id, year=body.year
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

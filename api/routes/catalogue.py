"""The award catalogue (the rule sets in force and their awards) and the eligibility
check: is a candidate eligible for an award, with every reason.

The catalogue is public law and readable without signing in; the eligibility check
needs a user, and for a stored person, collective or household one who may see it.
"""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter

from models.schemas.catalogue import (
    AwardDetail,
    DossierItemTypeRead,
    EligibilityCheck,
    RuleSetRead,
    RuleSetSummary,
    VerdictRead,
    dossier_item_read,
    rule_set_read,
    rule_set_summary,
)

from ..deps import CurrentUser, ReadSessionDep, StateDep
from ..errors import Forbidden, InvalidInput, NotFound, Unauthorized, error_responses
from ..services import catalogue as service

router = APIRouter(prefix="/api/v1", tags=["catalogue"])


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
    return rule_set_read(service.rule_set_on(state, on))


@router.get(
    "/catalogue/awards/{code}",
    response_model=AwardDetail,
    responses=error_responses(InvalidInput, NotFound),
)
async def award_in_force(code: str, state: StateDep, on: date | None = None) -> AwardDetail:
    """One award of the rule set in force on ``on`` (default: today)."""
    return service.award_in_force(state, code, on=on)


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
    return await service.check(session, state, user, body)

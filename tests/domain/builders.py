"""Short builders for eligibility inputs, so that each test case reads like the facts
it describes ("CSTĐCS 2024, 2025 and 2026; a city-level initiative in 2025")."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from domain.eligibility import (
    Candidate,
    CollectiveYear,
    DisciplineFact,
    EligibilityRequest,
    HeldAward,
    HouseholdFacts,
    InitiativeFact,
    PendingMatterFact,
    QuotaContext,
    YearRating,
)
from domain.vocabulary import (
    AwardKind,
    DisciplineLevel,
    Gender,
    InitiativeScope,
    NomineeKind,
    Rating,
)


def held(
    code: str,
    year: int,
    kind: AwardKind = AwardKind.MERIT,
    *,
    key: str | None = None,
    revoked: bool = False,
    ref: str = "",
) -> HeldAward:
    return HeldAward(
        award_code=code,
        year=year,
        kind=kind,
        achievement_key=key,
        revoked=revoked,
        decision_ref=ref,
    )


def titles(code: str, *years: int) -> tuple[HeldAward, ...]:
    return tuple(held(code, year) for year in years)


def ratings(rating: str, *years: int) -> tuple[YearRating, ...]:
    return tuple(YearRating(year=year, rating=Rating(rating)) for year in years)


def initiative(
    id: int,
    year: int,
    scope: str = "base",
    *,
    research: bool = False,
    used: bool = False,
    title: str = "",
    grounded: tuple[str, int, str] | None = None,
) -> InitiativeFact:
    """``grounded``: (award code, year, decision) of the award it already grounded (used)."""
    code, grounded_year, ref = grounded if grounded else ("", None, "")
    return InitiativeFact(
        id=id,
        year=year,
        scope=InitiativeScope(scope),
        is_research=research,
        used=used or grounded is not None,
        title=title or f"Sáng kiến {id}",
        grounded_award=code,
        grounded_year=grounded_year,
        grounded_ref=ref,
    )


def pending(
    kind: str = "complaint", description: str = "Đơn khiếu nại đang xác minh"
) -> PendingMatterFact:
    return PendingMatterFact(kind=kind, description=description, opened_on="2026-10-01")


def person(
    name: str = "Nguyễn Thị Lan",
    gender: Gender = Gender.FEMALE,
    *,
    awards: Iterable[HeldAward] = (),
    evaluations: Iterable[YearRating] = (),
    initiatives: Iterable[InitiativeFact] = (),
    discipline: Mapping[int, str] | None = None,
    pending_matters: Iterable[PendingMatterFact] = (),
) -> Candidate:
    return Candidate(
        kind=NomineeKind.INDIVIDUAL,
        name=name,
        gender=gender,
        awards=tuple(awards),
        evaluations=tuple(evaluations),
        initiatives=tuple(initiatives),
        discipline=tuple(
            DisciplineFact(year, DisciplineLevel(level))
            for year, level in (discipline or {}).items()
        ),
        pending_matters=tuple(pending_matters),
    )


def members(
    year: int,
    count: int,
    *,
    women: int = 0,
    ldtt: int = 0,
    cstdcs: int = 0,
    completed: int | None = None,
    worst: str | None = None,
) -> CollectiveYear:
    member_titles = {code: n for code, n in (("ldtt", ldtt), ("cstdcs", cstdcs)) if n}
    return CollectiveYear(
        year=year,
        members=count,
        women=women,
        member_titles=member_titles,
        members_completed_duties=completed,
        worst_member_discipline=DisciplineLevel(worst) if worst else None,
    )


def collective(
    name: str = "Văn phòng HĐND và UBND phường",
    *,
    awards: Iterable[HeldAward] = (),
    evaluations: Iterable[YearRating] = (),
    years: Iterable[CollectiveYear] = (),
    pending_matters: Iterable[PendingMatterFact] = (),
) -> Candidate:
    return Candidate(
        kind=NomineeKind.COLLECTIVE,
        name=name,
        awards=tuple(awards),
        evaluations=tuple(evaluations),
        collective_years=tuple(years),
        pending_matters=tuple(pending_matters),
    )


def household(name: str = "Hộ ông Trần Văn Minh", *, awards: Iterable[HeldAward] = ()) -> Candidate:
    return Candidate(
        kind=NomineeKind.HOUSEHOLD,
        name=name,
        awards=tuple(awards),
        household=HouseholdFacts(
            residential_group="Tổ dân phố số 3", address="Số 12, đường Hoa Phượng"
        ),
    )


def request(
    candidate: Candidate,
    award: str,
    year: int = 2026,
    *,
    kind: AwardKind | None = None,
    initiative_id: int | None = None,
    key: str | None = None,
    batch: Iterable[str] = (),
    attested: Iterable[str] = (),
    quota: QuotaContext | None = None,
) -> EligibilityRequest:
    return EligibilityRequest(
        candidate=candidate,
        award_code=award,
        year=year,
        kind=kind,
        initiative_id=initiative_id,
        achievement_key=key,
        batch_titles=tuple(batch),
        attestations=tuple(attested),
        quota=quota,
    )

"""Where the catalogue meets the database: mirror the award types into ``award_types``
and build an eligibility ``Candidate`` from a person's, collective's or household's
history. Queries are explicit (no lazy loading); nothing here commits.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from domain.catalogue import Catalogue, load_catalogue
from domain.eligibility import (
    Candidate,
    CollectiveYear,
    DisciplineFact,
    HeldAward,
    HouseholdFacts,
    InitiativeFact,
    PendingMatterFact,
    QuotaContender,
    QuotaContext,
    YearRating,
)
from domain.rules import AwardRule, Quota
from domain.vocabulary import (
    TERMINAL_STAGES,
    AwardKind,
    DisciplineLevel,
    Gender,
    NomineeKind,
    Rating,
)
from models import (
    AuditEvent,
    AwardRecord,
    AwardType,
    Collective,
    DisciplineRecord,
    EvaluationResult,
    Household,
    Initiative,
    Nomination,
    PendingMatter,
    Person,
    Unit,
)


class CandidateNotFound(LookupError):
    def __init__(self, kind: NomineeKind, subject_id: int) -> None:
        self.kind = kind
        self.subject_id = subject_id
        what_vi = {"individual": "cá nhân", "collective": "tập thể", "household": "hộ gia đình"}[
            kind.value
        ]
        self.message_vi = f"Không tìm thấy {what_vi} có mã {subject_id}"
        self.message_en = f"no {kind.value} with id {subject_id}"
        super().__init__(self.message_en)


@lru_cache
def get_catalogue(catalogue_dir: str, override: str) -> Catalogue:
    """The catalogue of a process, loaded once (``override`` "" for none). Raises
    ``CatalogueError`` on a malformed file: the engine must not start on it."""
    return load_catalogue(Path(catalogue_dir), override or None)


# ---------------------------------------------------------------------------------------
# Award types


def _award_type_values(award: AwardRule) -> dict[str, object]:
    return {
        "name_vi": award.name_vi,
        "name_en": award.name_en,
        "category": award.category,
        "kind": award.kind,
        "deciding_level": award.deciding_level,
        "recipients": [kind.value for kind in award.recipients],
    }


async def sync_award_types(session: AsyncSession, catalogue: Catalogue) -> int:
    """Insert or update one ``AwardType`` row per award code of any rule set; where rule
    sets differ, the newest one's values win. Rows of codes no longer in the catalogue
    stay (old records point at them). Returns how many rows were inserted or changed, so
    a second call returns 0."""
    newest: dict[str, AwardRule] = {}
    for rule_set in sorted(catalogue.rule_sets, key=lambda r: r.effective_from):
        newest.update(rule_set.awards)
    existing = {row.code: row for row in (await session.execute(select(AwardType))).scalars()}
    changed = 0
    for code, award in newest.items():
        values = _award_type_values(award)
        row = existing.get(code)
        if row is None:
            session.add(AwardType(code=code, **values))
            changed += 1
        elif any(getattr(row, key) != value for key, value in values.items()):
            for key, value in values.items():
                setattr(row, key, value)
            changed += 1
    await session.flush()
    return changed


# ---------------------------------------------------------------------------------------
# Candidates


def _subject_filter(model: type, kind: NomineeKind, subject_id: int) -> ColumnElement[bool]:
    column = {
        NomineeKind.INDIVIDUAL: model.person_id,
        NomineeKind.COLLECTIVE: model.collective_id,
        NomineeKind.HOUSEHOLD: model.household_id,
    }[kind]
    return (model.subject_kind == kind) & (column == subject_id)


def _decision_ref(record: AwardRecord) -> str:
    parts = []
    if record.decision_number:
        parts.append(f"QĐ số {record.decision_number}")
    if record.decision_date:
        parts.append(f"ngày {record.decision_date.strftime('%d/%m/%Y')}")
    if record.deciding_authority:
        parts.append(f"của {record.deciding_authority}")
    return " ".join(parts)


async def _held_awards(
    session: AsyncSession, kind: NomineeKind, subject_id: int
) -> tuple[HeldAward, ...]:
    rows = await session.execute(
        select(AwardRecord)
        .where(_subject_filter(AwardRecord, kind, subject_id), AwardRecord.revoked_at.is_(None))
        .order_by(AwardRecord.year, AwardRecord.id)
    )
    return tuple(
        HeldAward(
            award_code=record.award_code,
            year=record.year,
            kind=record.kind,
            achievement_key=record.achievement_key,
            decision_ref=_decision_ref(record),
        )
        for record in rows.scalars()
    )


async def _initiatives(session: AsyncSession, person_id: int) -> tuple[InitiativeFact, ...]:
    # An initiative is used once it grounds an award that still stands; a revoked award
    # frees nothing automatically but is shown as not standing.
    grounded = aliased(AwardRecord)
    rows = await session.execute(
        select(Initiative, grounded)
        .outerjoin(grounded, grounded.id == Initiative.grounded_award_id)
        .where(Initiative.person_id == person_id)
        .order_by(Initiative.year, Initiative.id)
    )
    facts = []
    for item, award in rows.all():
        # The award it grounded is named so that a refusal can say which (NĐ 152 Art. 4;
        # Công văn 5007/BNV-TĐKT: an initiative grounds one award only).
        standing = award if award is not None and award.revoked_at is None else None
        facts.append(
            InitiativeFact(
                id=item.id,
                year=item.year,
                scope=item.scope,
                is_research=item.is_research,
                title=item.title,
                used=standing is not None,
                grounded_award=standing.award_code if standing else "",
                grounded_year=standing.year if standing else None,
                grounded_ref=_decision_ref(standing) if standing else "",
            )
        )
    return tuple(facts)


async def _collective_years(
    session: AsyncSession,
    collective: Collective,
    year: int,
    evaluations: Sequence[EvaluationResult],
) -> tuple[CollectiveYear, ...]:
    """Member figures per year: the counts the unit recorded on the collective's yearly
    evaluation where present, else counted from the people of the collective's unit."""
    members = (
        await session.execute(
            select(Person.id, Person.gender).where(Person.unit_id == collective.unit_id)
        )
    ).all()
    member_ids = select(Person.id).where(Person.unit_id == collective.unit_id).scalar_subquery()

    titles: dict[int, dict[str, int]] = defaultdict(dict)
    title_rows = await session.execute(
        select(
            AwardRecord.year,
            AwardRecord.award_code,
            func.count(func.distinct(AwardRecord.person_id)),
        )
        .where(
            AwardRecord.subject_kind == NomineeKind.INDIVIDUAL,
            AwardRecord.person_id.in_(member_ids),
            AwardRecord.revoked_at.is_(None),
        )
        .group_by(AwardRecord.year, AwardRecord.award_code)
    )
    for row_year, code, count in title_rows.all():
        titles[row_year][code] = count

    completed: dict[int, int] = defaultdict(int)
    evaluated_years: set[int] = set()
    rating_rows = await session.execute(
        select(EvaluationResult.year, EvaluationResult.rating, func.count())
        .where(
            EvaluationResult.subject_kind == NomineeKind.INDIVIDUAL,
            EvaluationResult.person_id.in_(member_ids),
        )
        .group_by(EvaluationResult.year, EvaluationResult.rating)
    )
    for row_year, rating, count in rating_rows.all():
        evaluated_years.add(row_year)
        if rating.rank >= Rating.COMPLETED.rank:
            completed[row_year] += count

    worst: dict[int, DisciplineLevel] = {}
    discipline_rows = await session.execute(
        select(DisciplineRecord.year, DisciplineRecord.level).where(
            DisciplineRecord.subject_kind == NomineeKind.INDIVIDUAL,
            DisciplineRecord.person_id.in_(member_ids),
        )
    )
    for row_year, level in discipline_rows.all():
        if row_year not in worst or level.rank > worst[row_year].rank:
            worst[row_year] = level

    recorded = {evaluation.year: evaluation for evaluation in evaluations}
    facts = []
    for fact_year in sorted({year, *recorded}):
        evaluation = recorded.get(fact_year)
        member_titles = dict(titles.get(fact_year, {}))
        if evaluation is not None and evaluation.members_with_title is not None:
            member_titles["ldtt"] = evaluation.members_with_title
        facts.append(
            CollectiveYear(
                year=fact_year,
                members=(
                    evaluation.member_count
                    if evaluation is not None and evaluation.member_count is not None
                    else len(members)
                ),
                women=(
                    evaluation.women_count
                    if evaluation is not None and evaluation.women_count is not None
                    else sum(1 for _, gender in members if gender == Gender.FEMALE)
                ),
                member_titles=member_titles,
                members_completed_duties=completed[fact_year]
                if fact_year in evaluated_years
                else None,
                worst_member_discipline=worst.get(fact_year),
            )
        )
    return tuple(facts)


async def load_candidate(
    session: AsyncSession, *, kind: NomineeKind, subject_id: int, year: int
) -> Candidate:
    """The eligibility input for a person, collective or household: their standing award
    records (revoked ones are left out), yearly evaluations, initiatives, discipline, open
    pending matters, and for a collective its member figures for ``year``.

    Raises ``CandidateNotFound`` when there is no such subject."""
    name: str
    gender: Gender | None = None
    collective: Collective | None = None
    household_facts: HouseholdFacts | None = None
    if kind == NomineeKind.INDIVIDUAL:
        person = await session.get(Person, subject_id)
        if person is None:
            raise CandidateNotFound(kind, subject_id)
        name, gender = person.full_name, person.gender
    elif kind == NomineeKind.COLLECTIVE:
        collective = await session.get(Collective, subject_id)
        if collective is None:
            raise CandidateNotFound(kind, subject_id)
        name = collective.name
    else:
        row = (
            await session.execute(
                select(Household, Unit.name)
                .join(Unit, Unit.id == Household.residential_group_id)
                .where(Household.id == subject_id)
            )
        ).first()
        if row is None:
            raise CandidateNotFound(kind, subject_id)
        household, group_name = row
        name = household.head_name
        household_facts = HouseholdFacts(residential_group=group_name, address=household.address)

    evaluations = (
        (
            await session.execute(
                select(EvaluationResult)
                .where(_subject_filter(EvaluationResult, kind, subject_id))
                .order_by(EvaluationResult.year)
            )
        )
        .scalars()
        .all()
    )
    discipline = (
        await session.execute(
            select(DisciplineRecord.year, DisciplineRecord.level)
            .where(_subject_filter(DisciplineRecord, kind, subject_id))
            .order_by(DisciplineRecord.year)
        )
    ).all()
    pending = (
        (
            await session.execute(
                select(PendingMatter)
                .where(
                    _subject_filter(PendingMatter, kind, subject_id),
                    PendingMatter.closed_on.is_(None),
                )
                .order_by(PendingMatter.opened_on, PendingMatter.id)
            )
        )
        .scalars()
        .all()
    )
    return Candidate(
        kind=kind,
        name=name,
        gender=gender,
        subject_id=subject_id,
        awards=await _held_awards(session, kind, subject_id),
        evaluations=tuple(YearRating(year=e.year, rating=e.rating) for e in evaluations),
        initiatives=await _initiatives(session, subject_id)
        if kind == NomineeKind.INDIVIDUAL
        else (),
        discipline=tuple(
            DisciplineFact(year=row_year, level=level) for row_year, level in discipline
        ),
        pending_matters=tuple(
            PendingMatterFact(
                kind=m.kind, description=m.description, opened_on=m.opened_on.isoformat()
            )
            for m in pending
        ),
        collective_years=(
            await _collective_years(session, collective, year, evaluations)
            if collective is not None
            else ()
        ),
        household=household_facts,
    )


# ---------------------------------------------------------------------------------------
# Capped quotas (a city override may set one per award)


async def load_quota_context(
    session: AsyncSession, *, quota: Quota, award_code: str, unit_id: int, year: int
) -> QuotaContext:
    """The numbers a capped award needs for one unit and year: the pool (the unit's people
    holding ``quota.of_award`` that year as a standing merit award, or proposed for it in
    a nomination still open: titles proposed in the same batch count, as for eligibility)
    and the seats taken (the unit's people already granted ``award_code`` that year)."""
    people = select(Person.id).where(Person.unit_id == unit_id).scalar_subquery()
    holders = select(AwardRecord.person_id).where(
        AwardRecord.subject_kind == NomineeKind.INDIVIDUAL,
        AwardRecord.person_id.in_(people),
        AwardRecord.award_code == quota.of_award,
        AwardRecord.year == year,
        AwardRecord.kind.not_in([AwardKind.SUDDEN, AwardKind.CAMPAIGN]),
        AwardRecord.revoked_at.is_(None),
    )
    proposed = select(Nomination.person_id).where(
        Nomination.subject_kind == NomineeKind.INDIVIDUAL,
        Nomination.person_id.in_(people),
        Nomination.award_code == quota.of_award,
        Nomination.year == year,
        Nomination.stage.not_in(list(TERMINAL_STAGES)),
    )
    pool_ids = set((await session.execute(holders)).scalars()) | set(
        (await session.execute(proposed)).scalars()
    )
    granted = (
        await session.execute(
            select(func.count(func.distinct(AwardRecord.person_id))).where(
                AwardRecord.subject_kind == NomineeKind.INDIVIDUAL,
                AwardRecord.person_id.in_(people),
                AwardRecord.award_code == award_code,
                AwardRecord.year == year,
                AwardRecord.revoked_at.is_(None),
            )
        )
    ).scalar_one()
    return QuotaContext(pool=len(pool_ids), already_granted=granted)


async def load_quota_contenders(
    session: AsyncSession,
    nominations: Sequence[Nomination],
    *,
    scores: dict[int, float] | None = None,
) -> dict[int, QuotaContender]:
    """Nominations as contenders for a capped award (keyed by nomination id): what the tie
    preference needs (an individual's gender; a collective's members and women in the
    nomination's year, as recorded on its yearly evaluation or else counted from its
    unit's people) and when the dossier was first submitted (the order inside a tier)."""
    ids = [n.id for n in nominations]
    person_ids = [n.person_id for n in nominations if n.person_id is not None]
    genders = (
        dict(
            (
                await session.execute(
                    select(Person.id, Person.gender).where(Person.id.in_(person_ids))
                )
            ).all()
        )
        if person_ids
        else {}
    )
    women: dict[int, tuple[int, int]] = {}  # nomination id → (members, women)
    collective_nominations = [n for n in nominations if n.collective_id is not None]
    if collective_nominations:
        collective_ids = {n.collective_id for n in collective_nominations}
        units = dict(
            (
                await session.execute(
                    select(Collective.id, Collective.unit_id).where(
                        Collective.id.in_(collective_ids)
                    )
                )
            ).all()
        )
        recorded = {
            (row.collective_id, row.year): row
            for row in (
                await session.execute(
                    select(EvaluationResult).where(
                        EvaluationResult.subject_kind == NomineeKind.COLLECTIVE,
                        EvaluationResult.collective_id.in_(collective_ids),
                    )
                )
            ).scalars()
        }
        counted: dict[int, dict[Gender | None, int]] = defaultdict(lambda: defaultdict(int))
        for unit_id, gender, count in (
            await session.execute(
                select(Person.unit_id, Person.gender, func.count())
                .where(Person.unit_id.in_(set(units.values())))
                .group_by(Person.unit_id, Person.gender)
            )
        ).all():
            counted[unit_id][gender] += count
        for n in collective_nominations:
            evaluation = recorded.get((n.collective_id, n.year))
            by_gender = counted[units.get(n.collective_id, -1)]
            members = (
                evaluation.member_count
                if evaluation is not None and evaluation.member_count is not None
                else sum(by_gender.values())
            )
            count_women = (
                evaluation.women_count
                if evaluation is not None and evaluation.women_count is not None
                else by_gender.get(Gender.FEMALE, 0)
            )
            women[n.id] = (members, count_women)
    submitted = (
        dict(
            (
                await session.execute(
                    select(AuditEvent.nomination_id, func.min(AuditEvent.occurred_at))
                    .where(AuditEvent.nomination_id.in_(ids), AuditEvent.action == "submitted")
                    .group_by(AuditEvent.nomination_id)
                )
            ).all()
        )
        if ids
        else {}
    )
    contenders = {}
    for n in nominations:
        moment = submitted.get(n.id)
        members, count_women = women.get(n.id, (0, 0))
        contenders[n.id] = QuotaContender(
            key=str(n.id),
            kind=n.subject_kind,
            score=(scores or {}).get(n.id, 0.0),
            gender=genders.get(n.person_id) if n.person_id is not None else None,
            members=members,
            women=count_women,
            name=n.nominee_name,
            submitted=_utc_iso(moment) if moment is not None else "",
        )
    return contenders


def _utc_iso(moment: datetime) -> str:
    """ISO text in UTC (SQLite hands back naive UTC datetimes), so that moments compare."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat()

"""Reads of exemplary models (điển hình tiên tiến): the published ones, a campaign's list
and counts by step, one model's adoptions, timeline and pending assessments, and who
and what a model may be about or be looked after by."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.vocabulary import CouncilRole, ExemplarStage, Level, Role, UnitKind
from models import (
    AuditEvent,
    Authority,
    Campaign,
    Collective,
    Council,
    CouncilMember,
    Exemplar,
    ExemplarAdoption,
    ExemplarAssessment,
    Household,
    Person,
    RoleGrant,
    Unit,
    User,
)

from .search import contains_words


@dataclass
class PublicExemplar:
    id: int
    title: str
    description: str
    published_at: datetime | None
    adoptions: int


async def replicating_exemplars(session: AsyncSession, *, limit: int = 20) -> list[PublicExemplar]:
    """Exemplary models published for replication (nhân rộng), newest first, with how
    many units have adopted each."""
    rows = (
        (
            await session.execute(
                select(Exemplar)
                .where(
                    Exemplar.stage == ExemplarStage.REPLICATING, Exemplar.published_at.is_not(None)
                )
                .order_by(Exemplar.published_at.desc())
                .limit(limit)
            )
        )
        .scalars()
        .all()
    )
    counts: dict[int, int] = {}
    if rows:
        counts = {
            exemplar_id: count
            for exemplar_id, count in (
                await session.execute(
                    select(ExemplarAdoption.exemplar_id, func.count())
                    .where(ExemplarAdoption.exemplar_id.in_([r.id for r in rows]))
                    .group_by(ExemplarAdoption.exemplar_id)
                )
            ).all()
        }
    return [
        PublicExemplar(r.id, r.title, r.description, r.published_at, counts.get(r.id, 0))
        for r in rows
    ]


async def to_publish(
    session: AsyncSession, *, unit_ids: Collection[int], limit: int = 20
) -> list[Exemplar]:
    """Summarized models waiting for one of ``unit_ids`` to publish them: the ward's
    public service centre publishes (its first public service unit, as the exemplar
    workflow's input names it), oldest first."""
    centres = (
        select(Unit.parent_id, func.min(Unit.id).label("centre_id"))
        .where(Unit.kind == UnitKind.PUBLIC_SERVICE, Unit.level == Level.WARD)
        .group_by(Unit.parent_id)
        .subquery()
    )
    rows = await session.execute(
        select(Exemplar)
        .join(Campaign, Campaign.id == Exemplar.campaign_id)
        .join(Authority, Authority.id == Campaign.authority_id)
        .join(centres, centres.c.parent_id == Authority.unit_id)
        .where(
            Exemplar.stage == ExemplarStage.SUMMARIZED,
            centres.c.centre_id.in_(list(unit_ids)),
        )
        .order_by(Exemplar.id)
        .limit(limit)
    )
    return list(rows.scalars())


# ---- a campaign's exemplars ---------------------------------------------------------------


@dataclass(frozen=True)
class ExemplarRow:
    """A model of a list with what its row shows beside it: the proposing unit's name, the
    name of whom it is about (the one of its ``*_id`` that is set; None where the record
    is gone) and how many units adopted it."""

    exemplar: Exemplar
    proposing_unit_name: str
    person_name: str | None
    household_head_name: str | None
    collective_name: str | None
    adoptions: int


async def exemplars_page(
    session: AsyncSession,
    *,
    campaign_id: int,
    stage: ExemplarStage | None,
    unit_id: int | None,
    page: int,
    page_size: int,
) -> tuple[int, list[ExemplarRow]]:
    """How many of the campaign's exemplars match, and one page of them (as proposed):
    two statements whatever the page size (the count, then the page joined to its unit,
    subject and adoption count), so that a 5,000-row export costs what a page does."""
    conditions = [Exemplar.campaign_id == campaign_id]
    if stage is not None:
        conditions.append(Exemplar.stage == stage)
    if unit_id is not None:
        conditions.append(Exemplar.proposing_unit_id == unit_id)
    total = (await session.execute(select(func.count()).where(*conditions))).scalar_one()
    adopted = (
        select(ExemplarAdoption.exemplar_id, func.count().label("n"))
        .join(Exemplar, Exemplar.id == ExemplarAdoption.exemplar_id)
        .where(*conditions)
        .group_by(ExemplarAdoption.exemplar_id)
        .subquery("adopted")
    )
    rows = await session.execute(
        select(
            Exemplar,
            Unit.name,
            Person.full_name,
            Household.head_name,
            Collective.name,
            func.coalesce(adopted.c.n, 0),
        )
        .outerjoin(Unit, Unit.id == Exemplar.proposing_unit_id)
        .outerjoin(Person, Person.id == Exemplar.person_id)
        .outerjoin(Household, Household.id == Exemplar.household_id)
        .outerjoin(Collective, Collective.id == Exemplar.collective_id)
        .outerjoin(adopted, adopted.c.exemplar_id == Exemplar.id)
        .where(*conditions)
        .order_by(Exemplar.id)
        .offset((page - 1) * page_size)
        .limit(page_size)
    )
    return total, [
        ExemplarRow(exemplar, unit_name or "", person, head, collective, int(adoptions))
        for exemplar, unit_name, person, head, collective, adoptions in rows.all()
    ]


async def stage_counts(session: AsyncSession, *, campaign_id: int) -> dict[str, int]:
    """How many of the campaign's exemplars are at each step (every step, 0 included)."""
    rows = await session.execute(
        select(Exemplar.stage, func.count())
        .where(Exemplar.campaign_id == campaign_id)
        .group_by(Exemplar.stage)
    )
    counts = {stage.value: 0 for stage in ExemplarStage}
    for stage, count in rows.all():
        counts[ExemplarStage(stage).value] = count
    return counts


# ---- one exemplar -------------------------------------------------------------------------


async def adoption_count(session: AsyncSession, *, exemplar_id: int) -> int:
    return (
        await session.execute(
            select(func.count()).where(ExemplarAdoption.exemplar_id == exemplar_id)
        )
    ).scalar_one()


async def adoptions(
    session: AsyncSession, *, exemplar_id: int
) -> list[tuple[ExemplarAdoption, str]]:
    """The units' adoption reports with the unit's name, as recorded."""
    rows = await session.execute(
        select(ExemplarAdoption, Unit.name)
        .join(Unit, Unit.id == ExemplarAdoption.unit_id)
        .where(ExemplarAdoption.exemplar_id == exemplar_id)
        .order_by(ExemplarAdoption.recorded_at)
    )
    return [(adoption, name) for adoption, name in rows.all()]


async def adopting_unit_ids(session: AsyncSession, *, exemplar_id: int) -> set[int]:
    rows = await session.execute(
        select(ExemplarAdoption.unit_id).where(ExemplarAdoption.exemplar_id == exemplar_id)
    )
    return set(rows.scalars())


async def pending_assessments(session: AsyncSession, *, exemplar_id: int) -> list[str]:
    """Milestones that asked this exemplar for an assessment not given yet (the request is
    an audit event of the exemplar's workflow)."""
    requests = await session.execute(
        select(AuditEvent).where(
            AuditEvent.subject_type == "exemplar",
            AuditEvent.subject_id == exemplar_id,
            AuditEvent.action == "assessment_requested",
        )
    )
    asked = [(event.changes or {}).get("milestone", ["", ""])[1] for event in requests.scalars()]
    done = set(
        (
            await session.execute(
                select(ExemplarAssessment.milestone_code).where(
                    ExemplarAssessment.exemplar_id == exemplar_id
                )
            )
        ).scalars()
    )
    return [code for code in asked if code and code not in done]


async def timeline(
    session: AsyncSession, *, exemplar_id: int, limit: int = 500
) -> list[AuditEvent]:
    """What happened to the model, in order (its workflow's audit events)."""
    rows = await session.execute(
        select(AuditEvent)
        .where(AuditEvent.subject_type == "exemplar", AuditEvent.subject_id == exemplar_id)
        .order_by(AuditEvent.occurred_at, AuditEvent.id)
        .limit(limit)
    )
    return list(rows.scalars())


# ---- who and what a model is about, who looks after it -------------------------------------


@dataclass
class SubjectCandidates:
    """What an exemplar proposed within some units may be about."""

    units: dict[int, Unit]
    people: list[Person]  # by name, at most ``limit``
    collectives: list[Collective]  # by name
    households: list[Household]  # by the head's name, at most ``limit``
    # The kinds ("individual", "household") with more matches than ``limit``: the form
    # says so, and offers the search that reaches the others.
    capped: list[str] = field(default_factory=list)


async def subject_candidates(
    session: AsyncSession, *, unit_ids: Collection[int], limit: int, search: str = ""
) -> SubjectCandidates:
    """The people, collectives and households of these units (not the duplicates merged
    into another record) whose name holds every word of ``search`` (with or without
    diacritics, ``search.contains_words``); at most ``limit`` people and ``limit``
    households, and which of them had more."""
    if not unit_ids:
        return SubjectCandidates({}, [], [], [])
    units = {
        u.id: u
        for u in (await session.execute(select(Unit).where(Unit.id.in_(unit_ids)))).scalars()
    }
    people = await session.execute(
        select(Person)
        .where(
            Person.unit_id.in_(unit_ids),
            Person.merged_into_id.is_(None),
            contains_words(Person.name_folded, search),
        )
        .order_by(Person.full_name, Person.id)
        .limit(limit + 1)
    )
    collectives = await session.execute(
        select(Collective)
        .where(
            Collective.unit_id.in_(unit_ids),
            Collective.merged_into_id.is_(None),
            contains_words(Collective.name_folded, search),
        )
        .order_by(Collective.name)
    )
    households = await session.execute(
        select(Household)
        .where(
            Household.residential_group_id.in_(unit_ids),
            Household.merged_into_id.is_(None),
            contains_words(Household.search_folded, search),
        )
        .order_by(Household.head_name, Household.id)
        .limit(limit + 1)
    )
    found_people, found_households = list(people.scalars()), list(households.scalars())
    capped = [
        kind
        for kind, found in (("individual", found_people), ("household", found_households))
        if len(found) > limit
    ]
    return SubjectCandidates(
        units,
        found_people[:limit],
        list(collectives.scalars()),
        found_households[:limit],
        capped,
    )


async def collective_of_unit(session: AsyncSession, *, unit_id: int) -> Collective | None:
    """The collective a unit (a residential group) is nominated as."""
    return (
        await session.execute(select(Collective).where(Collective.unit_id == unit_id))
    ).scalar_one_or_none()


async def responsible_officers(
    session: AsyncSession, *, proposing_unit_id: int, standing_unit_id: int
) -> list[User]:
    """Who may be made responsible for nurturing a model: the proposing unit's officers and
    the standing body's (active users, by name)."""
    rows = await session.execute(
        select(User)
        .join(RoleGrant, RoleGrant.user_id == User.id)
        .where(
            User.is_active.is_(True),
            ((RoleGrant.role == Role.UNIT_OFFICER) & (RoleGrant.unit_id == proposing_unit_id))
            | ((RoleGrant.role == Role.STANDING_OFFICER) & (RoleGrant.unit_id == standing_unit_id)),
        )
        .distinct()
        .order_by(User.full_name)
    )
    return list(rows.scalars())


async def escalation_user_id(session: AsyncSession, *, authority: Authority) -> int | None:
    """Whom a model's overdue follow-up escalates to: the user who heads the authority's
    standing body (the standing unit's head), else the council's standing member (ủy viên
    thường trực, the council's secretary)."""
    standing = await session.get(Unit, authority.standing_unit_id)
    if standing is not None and standing.head_person_id is not None:
        user_id = (
            (
                await session.execute(
                    select(User.id).where(
                        User.person_id == standing.head_person_id, User.is_active.is_(True)
                    )
                )
            )
            .scalars()
            .first()
        )
        if user_id is not None:
            return user_id
    return (
        (
            await session.execute(
                select(CouncilMember.user_id)
                .join(Council, Council.id == CouncilMember.council_id)
                .where(
                    Council.authority_id == authority.id,
                    CouncilMember.active.is_(True),
                    CouncilMember.council_role == CouncilRole.SECRETARY,
                )
            )
        )
        .scalars()
        .first()
    )

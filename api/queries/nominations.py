"""Reads of nominations, off the projection tables the workflows write.

Rows come with their proposing unit, their authority and the unit who must act, joined in
one query (``nomination_rows``) and turned into ``NominationRead`` (``to_read``). Every
list is paged or limited, and the filters follow the indexes of the table
(``nominations(authority_id, stage)``, ``nominations(stage, stage_due_at)``, the list
indexes of ``models.nominations``, ``audit_events(nomination_id)``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Row, Select, Subquery, and_, false, func, or_, select, true, union
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement

from domain.vocabulary import TERMINAL_STAGES, Level, ObjectionStatus, Role, Stage
from models import (
    AuditEvent,
    Authority,
    Document,
    DossierItem,
    Nomination,
    Objection,
    Person,
    Unit,
    User,
)
from models.schemas.nominations import NominationRead

from ..principal import Principal
from ..services.access import visibility_paths, visible_nominations
from .search import contains_words, selective

OPEN_STAGES = [s for s in Stage if s not in TERMINAL_STAGES and s != Stage.DRAFT]

ProposingUnit = aliased(Unit)
WaitingUnit = aliased(Unit)
Named = aliased(Nomination)  # the nominations whose name matches a search

# The order of the lists: soonest due first, no due moment last, newest first among equal
# (the list indexes of ``models.nominations`` are in this order).
LIST_ORDER = (Nomination.list_due_at, Nomination.id.desc())


# ---- rows and their read model ---------------------------------------------------------


def nomination_rows() -> Select:
    """Nominations with the names of their proposing unit, authority and waiting unit."""
    return (
        select(Nomination, ProposingUnit.name, Authority.name, WaitingUnit.name)
        .join(ProposingUnit, ProposingUnit.id == Nomination.proposing_unit_id)
        .join(Authority, Authority.id == Nomination.authority_id)
        .outerjoin(WaitingUnit, WaitingUnit.id == Nomination.waiting_on_unit_id)
    )


def to_read(row: Sequence[Any], award_names: dict[str, str], now: datetime) -> NominationRead:
    """One row of ``nomination_rows`` as the API shows it."""
    nomination, unit_name, authority_name, waiting_name = row
    overdue = bool(
        nomination.stage_due_at
        and nomination.stage_due_at < now
        and nomination.stage not in TERMINAL_STAGES
    )
    return NominationRead(
        id=nomination.id,
        workflow_id=nomination.workflow_id,
        award_code=nomination.award_code,
        award_name=award_names.get(nomination.award_code, nomination.award_code),
        rule_set_id=nomination.rule_set_id,
        year=nomination.year,
        nominee_kind=nomination.subject_kind,
        nominee_name=nomination.nominee_name,
        proposing_unit_id=nomination.proposing_unit_id,
        proposing_unit_name=unit_name,
        level=nomination.level,
        authority_id=nomination.authority_id,
        authority_name=authority_name,
        stage=nomination.stage,
        stage_entered_at=nomination.stage_entered_at,
        stage_due_at=nomination.stage_due_at,
        level_due_at=nomination.level_due_at,
        overdue=overdue,
        escalated=nomination.escalated,
        waiting_on_role=nomination.waiting_on_role,
        waiting_on_unit_id=nomination.waiting_on_unit_id,
        waiting_on_unit_name=waiting_name,
        council_session_id=nomination.council_session_id,
        decision_id=nomination.decision_id,
        decision_number=nomination.decision_number,
        outcome_reason=nomination.outcome_reason,
        achievement_summary=nomination.achievement_summary,
        created_at=nomination.created_at,
        closed_at=nomination.closed_at,
    )


async def nomination_row(session: AsyncSession, *, nomination_id: int) -> Row[Any] | None:
    return (
        await session.execute(nomination_rows().where(Nomination.id == nomination_id))
    ).one_or_none()


async def nominations_by_id(
    session: AsyncSession, *, nomination_ids: Iterable[int]
) -> dict[int, Nomination]:
    ids = list(nomination_ids)
    if not ids:
        return {}
    rows = (await session.execute(select(Nomination).where(Nomination.id.in_(ids)))).scalars()
    return {n.id: n for n in rows}


async def with_unit_names(
    session: AsyncSession, *, nomination_ids: Iterable[int]
) -> list[tuple[Nomination, str]]:
    """The nominations and the names of their proposing units, by id."""
    rows = (
        await session.execute(
            select(Nomination, Unit.name)
            .join(Unit, Unit.id == Nomination.proposing_unit_id)
            .where(Nomination.id.in_(list(nomination_ids)))
            .order_by(Nomination.id)
        )
    ).all()
    return [(nomination, unit_name) for nomination, unit_name in rows]


# ---- the filtered list -----------------------------------------------------------------


@dataclass
class NominationFilters:
    unit_id: int | None = None
    award_code: str | None = None
    level: Level | None = None
    stage: Stage | None = None
    overdue: bool | None = None
    year: int | None = None
    authority_id: int | None = None
    query: str | None = None
    open_only: bool = False


def by_name(query: str | None, *, sqlite: bool, in_list_order: bool = False) -> ColumnElement[bool]:
    """The nomination's name holds every word of ``query`` with or without diacritics
    (``contains_words`` over ``nominee_name_folded``); true without words.

    PostgreSQL tests the words as they are: its trigram index serves them. SQLite cannot
    seek a substring in an index; it finds the ids of the matching names first by scanning
    the folded name's index (a fraction of the table) instead of testing every row it
    walks in list order (hundreds of milliseconds at 100,000 nominations when few or none
    match). ``in_list_order`` (a page read off a list index): ``id + 0`` keeps SQLite
    reading the list index and keeping the matches, instead of fetching each match by id
    and sorting them all. Not for a search of short words only ("a": most names match),
    whose matches are found sooner row by row; nor on PostgreSQL, where that form of the
    query is the slow one (it plans the ids of a CTE without statistics)."""
    if not (query and query.strip()):
        return true()
    if not (sqlite and selective(query)):
        return contains_words(Nomination.nominee_name_folded, query)
    named = select(Named.id).where(contains_words(Named.nominee_name_folded, query)).cte("named")
    return (Nomination.id + 0 if in_list_order else Nomination.id).in_(select(named.c.id))


def _filtered(statement: Select, filters: NominationFilters, now: datetime) -> Select:
    """The filters but the name (``by_name``: the count and the page use it each their
    way)."""
    conditions: list[ColumnElement[bool]] = []
    if filters.unit_id is not None:
        conditions.append(Nomination.proposing_unit_id == filters.unit_id)
    if filters.award_code:
        conditions.append(Nomination.award_code == filters.award_code)
    if filters.level is not None:
        conditions.append(Nomination.level == filters.level)
    if filters.stage is not None:
        conditions.append(Nomination.stage == filters.stage)
    if filters.year is not None:
        conditions.append(Nomination.year == filters.year)
    if filters.authority_id is not None:
        conditions.append(Nomination.authority_id == filters.authority_id)
    if filters.open_only:
        conditions.append(Nomination.stage.not_in(list(TERMINAL_STAGES)))
    if filters.overdue is True:
        conditions += [
            Nomination.stage_due_at < now,
            Nomination.stage.not_in(list(TERMINAL_STAGES)),
        ]
    elif filters.overdue is False:
        conditions.append(or_(Nomination.stage_due_at.is_(None), Nomination.stage_due_at >= now))
    return statement.where(and_(*conditions)) if conditions else statement


def _page_keys(
    principal: Principal,
    filters: NominationFilters,
    now: datetime,
    *,
    offset: int,
    limit: int,
    sqlite: bool,
) -> Subquery:
    """The ids and sort keys of one page of the list.

    Each way the person sees nominations (``visibility_paths``) is read off its own index
    in list order and stops at the end of the page; the page is cut from the union of
    these (a nomination seen two ways counts once). Sorting the whole visible set instead
    costs hundreds of milliseconds at 100,000 nominations."""
    named = by_name(filters.query, sqlite=sqlite, in_list_order=True)  # one for every path
    paths = [
        _filtered(
            select(Nomination.id, Nomination.list_due_at).where(path, named), filters, now
        ).order_by(*LIST_ORDER)
        for path in visibility_paths(principal) or [false()]
    ]
    return _first_in_list_order(paths, offset=offset, limit=limit)


def _first_in_list_order(paths: list[Select], *, offset: int, limit: int) -> Subquery:
    """Rows ``offset`` to ``offset + limit`` in list order of the union of ``paths`` (each
    a select of ``Nomination.id, Nomination.list_due_at`` in ``LIST_ORDER``): each path
    stops at ``offset + limit`` rows, a nomination on two paths counts once."""
    if len(paths) == 1:
        return paths[0].offset(offset).limit(limit).subquery("page")
    seen = union(*(select(path.limit(offset + limit).subquery()) for path in paths)).subquery()
    return (
        select(seen)
        .order_by(seen.c.list_due_at, seen.c.id.desc())
        .offset(offset)
        .limit(limit)
        .subquery("page")
    )


async def nominations_page(
    session: AsyncSession,
    *,
    principal: Principal,
    filters: NominationFilters,
    page: int,
    page_size: int,
    award_names: dict[str, str],
    now: datetime,
) -> tuple[int, list[NominationRead]]:
    """The nominations this person may see, filtered: their count and one page, most
    urgent first."""
    sqlite = session.get_bind().dialect.name == "sqlite"
    counted = _filtered(
        select(func.count())
        .select_from(Nomination)
        .where(visible_nominations(principal), by_name(filters.query, sqlite=sqlite)),
        filters,
        now,
    )
    total = (await session.execute(counted)).scalar_one()
    # Units and authorities are joined to the page's rows only.
    keys = _page_keys(
        principal,
        filters,
        now,
        offset=(page - 1) * page_size,
        limit=page_size,
        sqlite=sqlite,
    )
    statement = (
        nomination_rows()
        .join(keys, keys.c.id == Nomination.id)
        .order_by(keys.c.list_due_at, keys.c.id.desc())
    )
    rows = (await session.execute(statement)).all()
    return total, [to_read(row, award_names, now) for row in rows]


# ---- the lists of the home and standing-body pages -------------------------------------


def waiting_on_me(principal: Principal) -> ColumnElement[bool]:
    """Nominations whose next step is one of this person's offices (the projection's
    ``waiting_on_role`` at ``waiting_on_unit_id``)."""
    pairs = {(r.role, r.unit_id) for r in principal.roles if r.role != Role.AUDITOR}
    if not pairs:
        return false()
    return and_(
        Nomination.stage.in_(OPEN_STAGES),
        or_(
            *[
                and_(Nomination.waiting_on_role == role, Nomination.waiting_on_unit_id == unit_id)
                for role, unit_id in sorted(pairs)
            ]
        ),
    )


def at_authorities(authority_ids: set[int], *stages: Stage) -> ColumnElement[bool]:
    """Nominations now at one of these authorities (at one of these stages, if given)."""
    if not authority_ids:
        return false()
    condition: ColumnElement[bool] = Nomination.authority_id.in_(sorted(authority_ids))
    if stages:
        condition = and_(condition, Nomination.stage.in_(list(stages)))
    return condition


def of_units(unit_ids: set[int]) -> ColumnElement[bool]:
    """Nominations proposed by one of these units."""
    return Nomination.proposing_unit_id.in_(sorted(unit_ids))


async def nominations_where(
    session: AsyncSession,
    *,
    condition: ColumnElement[bool],
    award_names: dict[str, str],
    now: datetime,
    limit: int = 50,
    newest_first: bool = False,
) -> list[NominationRead]:
    order = (
        (Nomination.id.desc(),)
        if newest_first
        else (Nomination.list_due_at, Nomination.id)  # soonest due first, none last
    )
    rows = (
        await session.execute(nomination_rows().where(condition).order_by(*order).limit(limit))
    ).all()
    return [to_read(row, award_names, now) for row in rows]


async def stage_counts(session: AsyncSession, *, condition: ColumnElement[bool]) -> dict[str, int]:
    rows = (
        await session.execute(
            select(Nomination.stage, func.count()).where(condition).group_by(Nomination.stage)
        )
    ).all()
    return {stage.value: count for stage, count in rows}


async def overdue_count(
    session: AsyncSession, *, condition: ColumnElement[bool], now: datetime
) -> int:
    return (
        await session.execute(
            select(func.count())
            .select_from(Nomination)
            .where(
                condition,
                Nomination.stage.in_(OPEN_STAGES),
                Nomination.stage_due_at < now,
            )
        )
    ).scalar_one()


async def due_by(
    session: AsyncSession,
    *,
    principal: Principal,
    moment: datetime,
    level: Level | None,
    limit: int,
    award_names: dict[str, str],
    now: datetime,
) -> list[NominationRead]:
    """The open nominations this person may see that fall due by ``moment`` (overdue
    ones included), earliest first (newest first among equal, as the lists).

    As the list pages (``_page_keys``): each way the person sees nominations is read off
    its list index in order (``list_due_at <= moment`` is "has a due moment, by
    ``moment``": no due moment sorts last) and stops at ``limit``. Filtering the open
    stages on ``nominations(stage, stage_due_at)`` instead reads every nomination due by
    then and sorts them (40 ms on SQLite at 100,000 nominations, against under 1)."""
    conditions = [
        Nomination.stage.not_in(list(TERMINAL_STAGES)),
        Nomination.list_due_at <= moment,
    ]
    if level is not None:
        conditions.append(Nomination.level == level)
    paths = [
        select(Nomination.id, Nomination.list_due_at).where(path, *conditions).order_by(*LIST_ORDER)
        for path in visibility_paths(principal) or [false()]
    ]
    keys = _first_in_list_order(paths, offset=0, limit=limit)
    rows = (
        await session.execute(
            nomination_rows()
            .join(keys, keys.c.id == Nomination.id)
            .order_by(keys.c.list_due_at, keys.c.id.desc())
        )
    ).all()
    return [to_read(row, award_names, now) for row in rows]


async def pending_objections(
    session: AsyncSession, *, authority_ids: set[int]
) -> list[tuple[Objection, Nomination]]:
    """Objections waiting to be resolved on the public notices of these authorities."""
    if not authority_ids:
        return []
    rows = (
        await session.execute(
            select(Objection, Nomination)
            .join(Nomination, Nomination.id == Objection.nomination_id)
            .where(
                Nomination.authority_id.in_(sorted(authority_ids)),
                Nomination.stage == Stage.PUBLIC_NOTICE,
                Objection.status == ObjectionStatus.PENDING,
            )
            .order_by(Objection.lodged_at)
            .limit(200)
        )
    ).all()
    return [(objection, nomination) for objection, nomination in rows]


async def notice_until(session: AsyncSession, *, nomination_ids: list[int]) -> dict[int, datetime]:
    """When the public notice of each nomination ends."""
    if not nomination_ids:
        return {}
    rows = (
        await session.execute(
            select(Nomination.id, Nomination.public_notice_until).where(
                Nomination.id.in_(nomination_ids)
            )
        )
    ).all()
    return {nomination_id: until for nomination_id, until in rows if until is not None}


# ---- one nomination: dossier, objections, documents, history --------------------------


# The dossier is its current items: a file replaced while the dossier was returned stays
# as an earlier version (``replaced_by_id`` set) and counts nowhere but in its history.
CURRENT_ITEM = DossierItem.replaced_by_id.is_(None)


async def dossier_items(session: AsyncSession, *, nomination_id: int) -> list[DossierItem]:
    """The current items of the dossier (no earlier versions)."""
    rows = await session.execute(
        select(DossierItem)
        .where(DossierItem.nomination_id == nomination_id, CURRENT_ITEM)
        .order_by(DossierItem.id)
    )
    return list(rows.scalars())


async def earlier_dossier_items(session: AsyncSession, *, nomination_id: int) -> list[DossierItem]:
    """The files replaced by a later version, oldest first."""
    rows = await session.execute(
        select(DossierItem)
        .where(DossierItem.nomination_id == nomination_id, DossierItem.replaced_by_id.is_not(None))
        .order_by(DossierItem.id)
    )
    return list(rows.scalars())


async def dossier_item_codes(session: AsyncSession, *, nomination_id: int) -> list[str]:
    """The item codes of the current dossier (what completeness is checked against)."""
    rows = await session.execute(
        select(DossierItem.item_code).where(
            DossierItem.nomination_id == nomination_id, CURRENT_ITEM
        )
    )
    return list(rows.scalars())


async def current_items_of(
    session: AsyncSession, *, nomination_id: int, item_code: str, level: Level
) -> list[DossierItem]:
    """The current items of one kind at one level (a file, or a declaration without one)."""
    rows = await session.execute(
        select(DossierItem)
        .where(
            DossierItem.nomination_id == nomination_id,
            DossierItem.item_code == item_code,
            DossierItem.level == level,
            CURRENT_ITEM,
        )
        .order_by(DossierItem.id)
    )
    return list(rows.scalars())


# ---- proposing oneself ---------------------------------------------------------------


def _proposed_own() -> Select:
    """Nominations whose proposer (the account that drafted them) named the person the
    account is, or that person's household."""
    proposer = aliased(User)
    own = aliased(Person)
    return (
        select(Nomination.id)
        .join(proposer, proposer.id == Nomination.submitted_by_user_id)
        .join(own, own.id == proposer.person_id)
        .where(
            or_(
                Nomination.person_id == own.id,
                and_(
                    Nomination.household_id.is_not(None),
                    Nomination.household_id == own.household_id,
                ),
            )
        )
    )


async def self_proposed_ids(session: AsyncSession, *, nomination_ids: Iterable[int]) -> set[int]:
    """Which of these nominations their proposer made for themself or their household."""
    ids = sorted(set(nomination_ids))
    if not ids:
        return set()
    rows = await session.execute(_proposed_own().where(Nomination.id.in_(ids)))
    return set(rows.scalars())


async def own_nominees(session: AsyncSession, *, user_id: int) -> tuple[int | None, int | None]:
    """(person id, household id) of the person this account is, if it is linked to one."""
    row = (
        await session.execute(
            select(Person.id, Person.household_id)
            .join(User, User.person_id == Person.id)
            .where(User.id == user_id)
        )
    ).first()
    return (row[0], row[1]) if row else (None, None)


async def objections(session: AsyncSession, *, nomination_id: int) -> list[Objection]:
    rows = await session.execute(
        select(Objection)
        .where(Objection.nomination_id == nomination_id)
        .order_by(Objection.lodged_at)
    )
    return list(rows.scalars())


async def objection_by_key(
    session: AsyncSession, *, nomination_id: int, objection_key: str
) -> Objection | None:
    return (
        await session.execute(
            select(Objection).where(
                Objection.nomination_id == nomination_id,
                Objection.objection_key == objection_key,
            )
        )
    ).scalar_one_or_none()


async def pending_objection_count(session: AsyncSession, *, nomination_id: int) -> int:
    return (
        await session.execute(
            select(func.count()).where(
                and_(
                    Objection.nomination_id == nomination_id,
                    Objection.status == ObjectionStatus.PENDING,
                )
            )
        )
    ).scalar_one()


async def documents(
    session: AsyncSession, *, nomination_id: int, decision_id: int | None
) -> list[Document]:
    """The nomination's own documents and those of the decision that settled it."""
    rows = await session.execute(
        select(Document)
        .where(
            or_(
                Document.nomination_id == nomination_id,
                and_(Document.decision_id.is_not(None), Document.decision_id == decision_id),
            )
        )
        .order_by(Document.id)
    )
    return list(rows.scalars())


async def history(
    session: AsyncSession, *, nomination_id: int, limit: int | None = None
) -> list[AuditEvent]:
    """The nomination's audit trail, oldest first."""
    statement = (
        select(AuditEvent)
        .where(AuditEvent.nomination_id == nomination_id)
        .order_by(AuditEvent.occurred_at, AuditEvent.id)
    )
    if limit is not None:
        statement = statement.limit(limit)
    return list((await session.execute(statement)).scalars())


async def returned_at_level(session: AsyncSession, *, nomination_id: int, level: Level) -> bool:
    """Whether the dossier was already returned for supplement at this level (once only)."""
    returned = (
        await session.execute(
            select(func.count()).where(
                AuditEvent.nomination_id == nomination_id,
                AuditEvent.action == "returned_for_supplement",
                AuditEvent.level == level,
            )
        )
    ).scalar_one()
    return returned > 0


async def batch_titles(session: AsyncSession, *, nomination: Nomination) -> list[str]:
    """The award codes of the nominee's other open nominations of the same year (one
    achievement, one award)."""
    rows = await session.execute(
        select(Nomination.award_code).where(
            Nomination.id != nomination.id,
            Nomination.subject_kind == nomination.subject_kind,
            Nomination.person_id == nomination.person_id,
            Nomination.collective_id == nomination.collective_id,
            Nomination.household_id == nomination.household_id,
            Nomination.year == nomination.year,
            Nomination.stage.not_in(list(TERMINAL_STAGES)),
        )
    )
    return list(rows.scalars())

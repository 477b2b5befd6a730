"""Reads of the audit trail of nominations: one page of it, filtered, or all of it as a
stream for the export (never more than the person may see)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Select, and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement

from domain.calendar import VIETNAM_TZ
from domain.vocabulary import Level, Stage
from models import AuditEvent, Nomination

from ..principal import Principal
from ..services.access import visible_nominations
from .search import contains_words, selective

Named = aliased(Nomination)  # the nominations whose name matches a search


@dataclass
class AuditFilters:
    q: str = ""  # every word in the nominee name, with or without diacritics
    nomination_id: int | None = None
    action: str = ""
    level: Level | None = None
    stage: Stage | None = None
    award_code: str = ""
    unit_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None


def _audit_condition(
    principal: Principal, filters: AuditFilters, *, ids_first: bool = False
) -> ColumnElement[bool]:
    """``ids_first``: the name search as the events of the matching nominations, read by
    ``audit_events(nomination_id)`` (a page of the trail: otherwise a rare name walks
    every event newest first), unless its words are all short ("a": most events match,
    found sooner row by row); the export, read in id order, tests each row."""
    conditions = [AuditEvent.nomination_id.is_not(None), visible_nominations(principal)]
    if filters.nomination_id is not None:
        conditions.append(AuditEvent.nomination_id == filters.nomination_id)
    if filters.action:
        conditions.append(AuditEvent.action == filters.action)
    if filters.level is not None:
        conditions.append(AuditEvent.level == filters.level)
    if filters.stage is not None:
        conditions.append(Nomination.stage == filters.stage)
    if filters.award_code:
        conditions.append(Nomination.award_code == filters.award_code)
    if filters.unit_id is not None:
        conditions.append(Nomination.proposing_unit_id == filters.unit_id)
    if filters.q.strip():
        conditions.append(
            AuditEvent.nomination_id.in_(
                select(Named.id).where(contains_words(Named.nominee_name_folded, filters.q))
            )
            if ids_first and selective(filters.q)
            else contains_words(Nomination.nominee_name_folded, filters.q)
        )
    if filters.date_from is not None:
        start = datetime.combine(filters.date_from, time(0, 0), tzinfo=VIETNAM_TZ)
        conditions.append(AuditEvent.occurred_at >= start.astimezone(UTC))
    if filters.date_to is not None:
        end = datetime.combine(filters.date_to + timedelta(days=1), time(0, 0), tzinfo=VIETNAM_TZ)
        conditions.append(AuditEvent.occurred_at < end.astimezone(UTC))
    return and_(*conditions)


def _audit_select(principal: Principal, filters: AuditFilters, *, ids_first: bool) -> Select:
    return (
        select(AuditEvent, Nomination.nominee_name, Nomination.award_code)
        .join(Nomination, Nomination.id == AuditEvent.nomination_id)
        .where(_audit_condition(principal, filters, ids_first=ids_first))
    )


# These two take the person and the filters by position, as their callers (the audit page
# and its CSV export) pass them: the one exception to this package's keyword-only style.
async def audit_page(
    session: AsyncSession,
    principal: Principal,
    filters: AuditFilters,
    *,
    page: int,
    page_size: int,
) -> tuple[int, list[tuple[AuditEvent, str, str]]]:
    counted = (
        select(func.count())
        .select_from(AuditEvent)
        .join(Nomination, Nomination.id == AuditEvent.nomination_id)
        .where(_audit_condition(principal, filters, ids_first=True))
    )
    total = (await session.execute(counted)).scalar_one()
    rows = (
        await session.execute(
            _audit_select(principal, filters, ids_first=True)
            .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
            .offset((page - 1) * page_size)
            .limit(page_size)
        )
    ).all()
    return total, [(event, nominee, award_code) for event, nominee, award_code in rows]


async def audit_stream(
    session: AsyncSession, principal: Principal, filters: AuditFilters, *, batch: int = 1000
) -> AsyncIterator[tuple[AuditEvent, str, str]]:
    """Every matching event, oldest first, in batches keyed on the id (no OFFSET scans)."""
    last_id = 0
    while True:
        rows = (
            await session.execute(
                _audit_select(principal, filters, ids_first=False)
                .where(AuditEvent.id > last_id)
                .order_by(AuditEvent.id)
                .limit(batch)
            )
        ).all()
        if not rows:
            return
        for event, nominee, award_code in rows:
            yield event, nominee, award_code
        last_id = rows[-1][0].id

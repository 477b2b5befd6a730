"""The nominations list read off its indexes (``api.queries.nominations.nominations_page``)
gives every person the same rows, total and order as sorting what they may see: soonest
due first, no due moment last, newest first among equal — page after page, with filters."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from api.principal import load_principal
from api.queries.nominations import NominationFilters, nominations_page
from api.services.access import can_see
from domain.vocabulary import TERMINAL_STAGES, Level, NomineeKind, Stage
from models import Authority, AwardType, Nomination, Person, Unit, User
from models.nominations import NO_DUE_MOMENT, list_due_key
from tests.clock import fixed_clock

PAGE_SIZE = 7
STAGES = [Stage.RECEPTION, Stage.AWAITING_COUNCIL, Stage.GRANTED, Stage.RETURNED]


async def _add_nominations(session) -> None:
    """Nominations of two units, some gone on to the city, with due moments shared by
    several (ties), and none for the closed ones."""
    units = {u.code: u.id for u in (await session.execute(select(Unit))).scalars()}
    authorities = {a.level: a.id for a in (await session.execute(select(Authority))).scalars()}
    award = (await session.execute(select(AwardType.code).limit(1))).scalar_one()
    person = (await session.execute(select(Person.id).limit(1))).scalar_one()
    submitter = (await session.execute(select(User.id).limit(1))).scalar_one()
    start = datetime(2026, 3, 2, 9, tzinfo=UTC)
    for number in range(40):
        stage = STAGES[number % len(STAGES)]
        city = number % 5 == 0
        session.add(
            Nomination(
                award_code=award,
                rule_set_id="test",
                year=2026,
                subject_kind=NomineeKind.INDIVIDUAL,
                person_id=person,
                nominee_name=f"Nguyễn Thị {'Hoa' if number % 3 else 'Lan'} {number}",
                proposing_unit_id=units["tk-van-phong" if number % 2 else "tk-tdp-1"],
                origin_authority_id=authorities[Level.WARD],
                city_authority_id=authorities[Level.CITY] if city else None,
                level=Level.CITY if city else Level.WARD,
                authority_id=authorities[Level.CITY if city else Level.WARD],
                submitted_by_user_id=submitter,
                stage=stage,
                stage_due_at=None
                if stage in TERMINAL_STAGES
                else start + timedelta(days=number % 4),
            )
        )
    await session.flush()


def _expected(nominations: list[Nomination], principal, filters: NominationFilters) -> list[int]:
    chosen = [
        n
        for n in nominations
        if can_see(principal, n)
        and (filters.stage is None or n.stage == filters.stage)
        and (not filters.open_only or n.stage not in TERMINAL_STAGES)
        and (not filters.query or filters.query.lower() in n.nominee_name.lower())
    ]
    chosen.sort(key=lambda n: (n.stage_due_at is None, n.stage_due_at or NO_DUE_MOMENT, -n.id))
    return [n.id for n in chosen]


@pytest.mark.parametrize(
    "username", ["thuongtruc", "thanhpho", "canbo.vanphong", "quantri", "trunguong"]
)
@pytest.mark.parametrize(
    "filters",
    [
        NominationFilters(),
        NominationFilters(stage=Stage.AWAITING_COUNCIL),
        NominationFilters(query="hoa", open_only=True),
    ],
    ids=["all", "one stage", "search + open only"],
)
async def test_list_pages_are_in_list_order_with_the_full_total(session, username, filters):
    await _add_nominations(session)
    user_id = (await session.execute(select(User.id).where(User.username == username))).scalar_one()
    principal = await load_principal(session, user_id)
    nominations = list((await session.execute(select(Nomination))).scalars())
    expected = _expected(nominations, principal, filters)

    listed: list[int] = []
    page = 1
    while True:
        total, items = await nominations_page(
            session,
            principal=principal,
            filters=filters,
            page=page,
            page_size=PAGE_SIZE,
            award_names={},
            now=fixed_clock().now(),
        )
        assert total == len(expected)
        listed += [item.id for item in items]
        if len(items) < PAGE_SIZE:
            break
        page += 1
    assert listed == expected


async def test_list_due_at_follows_the_due_moment(session):
    await _add_nominations(session)
    nomination = (
        await session.execute(
            select(Nomination).where(Nomination.stage_due_at.is_not(None)).limit(1)
        )
    ).scalar_one()
    due = datetime(2027, 1, 5, 8, tzinfo=UTC)
    nomination.stage_due_at = due  # the ORM keeps the sort key in step
    await session.flush()
    assert (await _list_due_at(session, nomination.id)) == due
    nomination.stage_due_at = None
    await session.flush()
    assert (await _list_due_at(session, nomination.id)) == NO_DUE_MOMENT
    # Bulk writes (the projection's) name it themselves.
    await session.execute(
        update(Nomination)
        .where(Nomination.id == nomination.id)
        .values(stage_due_at=due, list_due_at=list_due_key(due))
    )
    assert (await _list_due_at(session, nomination.id)) == due


async def _list_due_at(session, nomination_id: int) -> datetime:
    return (
        await session.execute(select(Nomination.list_due_at).where(Nomination.id == nomination_id))
    ).scalar_one()

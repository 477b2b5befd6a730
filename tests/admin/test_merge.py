"""Merging duplicates: the duplicate's award record (and its account, its initiative…)
moves to the person kept, the duplicate leaves the lists and look-ups, and the merge is
audited on both records; refused while either has a nomination under way (named in the
message), and refused into itself or from another ward.

On SQLite and PostgreSQL, the databases built from the migrations."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from api.errors import Conflict
from api.principal import load_principal
from api.services.registry_merge import merge
from domain.vocabulary import NomineeKind, Stage
from models import AwardRecord, Campaign, Person, Registration, User
from tests.accounts_app import accounts_app
from tests.admin.registry_world import (
    add_award_record,
    add_nomination,
    add_person,
    build_world,
    events,
)
from thidua.db import transaction

pytestmark = [pytest.mark.postgres]

PEOPLE = "/api/v1/admin/people"
NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
# Long enough for a merge that is not blocked to get on with its statements.
SETTLE = 0.5


@pytest.fixture
async def app(empty_database_url, tmp_path):
    async for made in accounts_app(empty_database_url, tmp_path):
        yield made


async def test_a_duplicate_person_is_merged_with_their_award_record(app):
    world = await build_world(app)
    admin = app.bearer(world.users["qt.thachkhoi"])
    office = world.units["tk-vh"]
    kept = await add_person(app, office, "Nguyễn Thị Hoa")
    duplicate = await add_person(
        app, office, "Nguyễn Thị Hoa", citizen_id="031185004567", birth_date=date(1985, 3, 8)
    )
    record = await add_award_record(app, duplicate, 2024)
    async with app.state.writer() as session, session.begin():
        user = await session.get(User, world.users["canbo"])
        user.person_id = duplicate
    # A closed nomination of the duplicate does not stop the merge (it moves too).
    await add_nomination(app, world, duplicate, stage=Stage.GRANTED)
    # Their pledge for 2026: its key names the person, and follows.
    async with app.state.writer() as session, session.begin():
        campaign = Campaign(
            code="tk-2026",
            authority_id=world.authorities["tk"],
            name="Phong trào thi đua năm 2026",
            theme="Thi đua yêu nước",
            start_year=2026,
            end_year=2026,
        )
        session.add(campaign)
        await session.flush()
        pledge = Registration(
            registration_key=f"{campaign.id}:2026:u{office}:p{duplicate}",
            campaign_id=campaign.id,
            year=2026,
            unit_id=office,
            person_id=duplicate,
            registered_by_user_id=world.users["canbo"],
        )
        session.add(pledge)
        await session.flush()
        pledge_id, campaign_id = pledge.id, campaign.id

    merged = await app.http.post(
        f"{PEOPLE}/{kept}/merge", json={"duplicate_id": duplicate}, headers=admin
    )
    assert merged.status_code == 200, merged.text
    assert merged.json()["moved"] == {
        "award_records": 1,
        "nominations": 1,
        "registrations": 1,
        "users": 1,
    }
    async with app.state.reader() as session:
        moved = await session.get(AwardRecord, record)
        assert moved.person_id == kept
        people = {p.id: p for p in (await session.execute(select(Person))).scalars()}
        account = await session.get(User, world.users["canbo"])
        moved_pledge = await session.get(Registration, pledge_id)
    assert moved_pledge.person_id == kept
    assert moved_pledge.registration_key == f"{campaign_id}:2026:u{office}:p{kept}"
    assert account.person_id == kept
    assert people[duplicate].merged_into_id == kept
    # What the kept record lacked, it took from the duplicate.
    assert people[kept].citizen_id == "031185004567" and people[kept].birth_year == 1985
    assert people[duplicate].citizen_id is None

    # Gone from the lists and the look-ups; its history is the kept person's.
    listed = await app.http.get(PEOPLE, headers=admin)
    assert [p["id"] for p in listed.json()["items"]] == [kept]
    looked_up = await app.http.get("/api/v1/people", headers=app.bearer(world.users["thuongtruc"]))
    assert [p["id"] for p in looked_up.json()["items"]] == [kept]
    history = await app.http.get(
        f"/api/v1/people/{kept}/awards", headers=app.bearer(world.users["thuongtruc"])
    )
    assert [a["id"] for a in history.json()["awards"]] == [record]

    [kept_event] = await events(app, "person", kept)
    assert kept_event.action == "person_merged" and kept_event.actor_name == "Lê Văn Khôi"
    assert kept_event.changes["merged_from"] == [None, {"id": duplicate, "name": "Nguyễn Thị Hoa"}]
    assert kept_event.changes["moved_award_records"] == [0, 1]
    [away] = await events(app, "person", duplicate)
    assert away.action == "person_merged_away" and away.changes == {"merged_into_id": [None, kept]}

    # Merging it again, or a record into itself: 422 naming the field.
    again = await app.http.post(
        f"{PEOPLE}/{kept}/merge", json={"duplicate_id": duplicate}, headers=admin
    )
    assert again.status_code == 422 and again.json()["field"] == "body.duplicate_id"
    itself = await app.http.post(
        f"{PEOPLE}/{kept}/merge", json={"duplicate_id": kept}, headers=admin
    )
    assert itself.status_code == 422 and itself.json()["field"] == "body.duplicate_id"


async def test_no_merge_while_a_nomination_is_under_way(app):
    world = await build_world(app)
    admin = app.bearer(world.users["qt.thachkhoi"])
    office = world.units["tk-vh"]
    kept = await add_person(app, office, "Trần Văn Nam")
    duplicate = await add_person(app, office, "Trần Văn Nam")
    record = await add_award_record(app, duplicate, 2024)
    nomination = await add_nomination(app, world, kept, stage=Stage.PUBLIC_NOTICE)

    refused = await app.http.post(
        f"{PEOPLE}/{kept}/merge", json={"duplicate_id": duplicate}, headers=admin
    )
    assert refused.status_code == 409, refused.text
    assert f"đề nghị số {nomination}" in refused.json()["detail"]
    assert "Lao động tiên tiến" in refused.json()["detail"]
    assert refused.json()["nomination_ids"] == [nomination]
    # Nothing written.
    async with app.state.reader() as session:
        assert (await session.get(AwardRecord, record)).person_id == duplicate
        assert (await session.get(Person, duplicate)).merged_into_id is None
    assert await events(app, "person", kept) == []
    # The other way round too.
    reverse = await app.http.post(
        f"{PEOPLE}/{duplicate}/merge", json={"duplicate_id": kept}, headers=admin
    )
    assert reverse.status_code == 409


async def test_no_merge_across_wards(app):
    world = await build_world(app)
    admin = app.bearer(world.users["qt.thachkhoi"])
    mine = await add_person(app, world.units["tk-vh"], "Lê Thị Lan")
    theirs = await add_person(app, world.units["tm-vh"], "Lê Thị Lan")
    into_theirs = await app.http.post(
        f"{PEOPLE}/{theirs}/merge", json={"duplicate_id": mine}, headers=admin
    )
    assert into_theirs.status_code == 404
    from_theirs = await app.http.post(
        f"{PEOPLE}/{mine}/merge", json={"duplicate_id": theirs}, headers=admin
    )
    assert from_theirs.status_code == 422 and from_theirs.json()["field"] == "body.duplicate_id"


async def test_a_duplicate_household_brings_its_members(app):
    world = await build_world(app)
    admin = app.bearer(world.users["qt.thachkhoi"])
    group = world.units["tk-to1"]
    made = []
    for address in ("Số 5 ngõ 3", "số 5, ngõ 3"):
        response = await app.http.post(
            "/api/v1/admin/households",
            json={"head_name": "Vũ Văn Hải", "address": address, "residential_group_id": group},
            headers=admin,
        )
        made.append(response.json()["id"])
    member = await app.http.post(
        PEOPLE,
        json={
            "full_name": "Vũ Thị Mai",
            "gender": "female",
            "unit_id": group,
            "household_id": made[1],
        },
        headers=admin,
    )
    assert member.status_code == 201, member.text
    merged = await app.http.post(
        f"/api/v1/admin/households/{made[0]}/merge", json={"duplicate_id": made[1]}, headers=admin
    )
    assert merged.status_code == 200 and merged.json()["moved"] == {"members": 1}
    listed = await app.http.get("/api/v1/admin/households", headers=admin)
    [household] = listed.json()["items"]
    assert household["id"] == made[0] and household["member_count"] == 1


async def test_two_records_merged_into_each_other_at_once_leave_no_cycle(app):
    """A into B and B into A at the same moment: the second merge waits for the first to
    commit (both rows are locked before the checks), then finds its kept record merged
    away and is refused; each record is not left merged into the other."""
    world = await build_world(app)
    office = world.units["tk-vh"]
    a = await add_person(app, office, "Đỗ Thị Thu")
    b = await add_person(app, office, "Đỗ Thị Thu")
    async with app.state.reader() as session:
        principal = await load_principal(session, world.users["qt.thachkhoi"])
    assert principal is not None
    first_merged = asyncio.Event()
    commit_first = asyncio.Event()

    async def a_into_b() -> None:
        async with transaction(app.state.writer) as session:
            await merge(
                session, principal, NomineeKind.INDIVIDUAL, kept_id=b, duplicate_id=a, now=NOW
            )
            first_merged.set()
            await commit_first.wait()

    async def b_into_a() -> None:
        async with transaction(app.state.writer) as session:
            await merge(
                session, principal, NomineeKind.INDIVIDUAL, kept_id=a, duplicate_id=b, now=NOW
            )

    first = asyncio.create_task(a_into_b())
    await asyncio.wait_for(first_merged.wait(), timeout=30)
    second = asyncio.create_task(b_into_a())
    await asyncio.sleep(SETTLE)
    # Checked nothing yet: it waits for the first merge's row locks (on SQLite for the
    # database's write lock).
    assert not second.done()
    commit_first.set()
    await asyncio.wait_for(first, timeout=30)
    with pytest.raises(Conflict) as refused:
        await asyncio.wait_for(second, timeout=30)
    assert refused.value.status_code == 409
    assert "đã được gộp vào hồ sơ khác" in refused.value.detail

    async with app.state.reader() as session:
        assert (await session.get(Person, a)).merged_into_id == b
        assert (await session.get(Person, b)).merged_into_id is None
    assert [e.action for e in await events(app, "person", b)] == ["person_merged"]
    assert [e.action for e in await events(app, "person", a)] == ["person_merged_away"]


async def test_two_merge_requests_the_other_way_round_at_once(app):
    """The same race through the API, the two requests let loose together: exactly one is
    merged (200), the other refused (409), and no record points at the other."""
    world = await build_world(app)
    admin = app.bearer(world.users["qt.thachkhoi"])
    office = world.units["tk-vh"]
    a = await add_person(app, office, "Phan Văn Đức")
    b = await add_person(app, office, "Phan Văn Đức")
    responses = await asyncio.wait_for(
        asyncio.gather(
            app.http.post(f"{PEOPLE}/{b}/merge", json={"duplicate_id": a}, headers=admin),
            app.http.post(f"{PEOPLE}/{a}/merge", json={"duplicate_id": b}, headers=admin),
        ),
        timeout=60,
    )
    assert sorted(r.status_code for r in responses) == [200, 409], [r.text for r in responses]
    async with app.state.reader() as session:
        pointers = {p: (await session.get(Person, p)).merged_into_id for p in (a, b)}
    assert pointers in ({a: b, b: None}, {a: None, b: a}), pointers

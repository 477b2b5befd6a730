"""A ward's council through the JSON API: members added with their council role, title
and term, one of them replaced mid-term (the member replaced ends the day before, the new
one may vote at once), one chairman at a time, a deactivated account leaving the council;
a ward's administrator confined to their own ward's council; every change audited with
the old and new values.

On SQLite and PostgreSQL, the databases built from the migrations."""

from __future__ import annotations

import pytest

from api.principal import load_principal
from tests.accounts_app import accounts_app
from tests.admin.council_history_world import build_world, events

pytestmark = [pytest.mark.postgres]

COUNCILS = "/api/v1/admin/councils"


@pytest.fixture
async def app(empty_database_url, tmp_path):
    async for made in accounts_app(empty_database_url, tmp_path):
        yield made


async def memberships(app, user_id: int) -> tuple[tuple[int, int], ...]:
    async with app.state.reader() as session:
        principal = await load_principal(session, user_id)
        assert principal is not None
        return principal.council_memberships


def member_of(council: dict, user_id: int) -> dict:
    [member] = [m for m in council["members"] if m["user_id"] == user_id]
    return member


async def test_members_are_added_and_one_is_replaced_mid_term(app):
    world = await build_world(app)
    admin = app.bearer(world.users["qt.thachkhoi"])
    council_id = world.councils["tk"]
    members = f"{COUNCILS}/{council_id}/members"

    listed = await app.http.get(COUNCILS, headers=admin)
    assert listed.status_code == 200
    assert [c["id"] for c in listed.json()] == [council_id]  # not Tứ Minh's

    chair = await app.http.post(
        members,
        json={
            "user_id": world.users["chutich"],
            "council_role": "chair",
            "title": "Chủ tịch UBND phường",
            "term_start": "2026-07-01",
            "term_end": "2031-06-30",
        },
        headers=admin,
    )
    assert chair.status_code == 201, chair.text
    added = await app.http.post(
        members,
        json={
            "user_id": world.users["uyvien"],
            "council_role": "member",
            "title": "  Chủ tịch Ủy ban MTTQ   phường ",
            "term_start": "2026-07-01",
            "term_end": "2031-06-30",
        },
        headers=admin,
    )
    assert added.status_code == 201, added.text
    old = member_of(added.json(), world.users["uyvien"])
    assert old["title"] == "Chủ tịch Ủy ban MTTQ phường" and old["active"] is True
    assert await memberships(app, world.users["uyvien"]) == ((council_id, old["id"]),)
    assert await memberships(app, world.users["uyvien.moi"]) == ()

    replaced = await app.http.post(
        f"{members}/{old['id']}/replace",
        json={
            "user_id": world.users["uyvien.moi"],
            "starts_on": "2027-03-01",
            "title": "Phó Chủ tịch Ủy ban MTTQ phường",
        },
        headers=admin,
    )
    assert replaced.status_code == 201, replaced.text
    council = replaced.json()
    ended = member_of(council, world.users["uyvien"])
    new = member_of(council, world.users["uyvien.moi"])
    assert ended["active"] is False and ended["term_end"] == "2027-02-28"
    assert new["active"] is True and new["replaces_member_id"] == old["id"]
    assert (new["council_role"], new["term_start"], new["term_end"]) == (
        "member",
        "2027-03-01",
        "2031-06-30",
    )
    # The active members are listed first; the past one stays, with their term.
    assert [m["active"] for m in council["members"]] == [True, True, False]
    # The new member's sign-in carries the membership at once; the old one's no longer.
    assert await memberships(app, world.users["uyvien.moi"]) == ((council_id, new["id"]),)
    assert await memberships(app, world.users["uyvien"]) == ()

    # Ending a membership already ended: 409.
    again = await app.http.post(
        f"{members}/{old['id']}/end", json={"term_end": "2027-03-10"}, headers=admin
    )
    assert again.status_code == 409

    trail = await events(app, "council", council_id)
    assert [e.action for e in trail] == [
        "council_member_added",
        "council_member_added",
        "council_member_ended",
        "council_member_replaced",
    ]
    assert all(e.actor_name == "Lê Văn Khôi" for e in trail)
    assert trail[1].changes["title"] == [None, "Chủ tịch Ủy ban MTTQ phường"]
    assert trail[2].changes["active"] == [True, False]
    assert trail[2].changes["term_end"] == ["2031-06-30", "2027-02-28"]
    assert trail[2].reason == "replaced"
    assert trail[3].changes["replaces_member_id"] == [None, old["id"]]
    assert trail[3].changes["user_id"] == [None, world.users["uyvien.moi"]]


async def test_one_chairman_at_a_time(app):
    world = await build_world(app)
    admin = app.bearer(world.users["quantri"])
    members = f"{COUNCILS}/{world.councils['tk']}/members"

    def member(username: str, role: str) -> dict:
        return {
            "user_id": world.users[username],
            "council_role": role,
            "term_start": "2026-07-01",
        }

    first = await app.http.post(members, json=member("chutich", "chair"), headers=admin)
    assert first.status_code == 201
    chair_id = member_of(first.json(), world.users["chutich"])["id"]
    second = await app.http.post(members, json=member("phochutich", "chair"), headers=admin)
    assert second.status_code == 409 and second.json()["field"] == "council_role"
    vice = await app.http.post(members, json=member("phochutich", "vice_chair"), headers=admin)
    assert vice.status_code == 201
    vice_id = member_of(vice.json(), world.users["phochutich"])["id"]
    promoted = await app.http.patch(
        f"{members}/{vice_id}", json={"council_role": "chair"}, headers=admin
    )
    assert promoted.status_code == 409 and promoted.json()["field"] == "council_role"

    # Once the chairman leaves, the vice-chairman may become chairman.
    ended = await app.http.post(
        f"{members}/{chair_id}/end", json={"term_end": "2027-03-14"}, headers=admin
    )
    assert ended.status_code == 200, ended.text
    promoted = await app.http.patch(
        f"{members}/{vice_id}", json={"council_role": "chair"}, headers=admin
    )
    assert promoted.status_code == 200, promoted.text
    assert member_of(promoted.json(), world.users["phochutich"])["council_role"] == "chair"
    trail = await events(app, "council", world.councils["tk"])
    assert trail[-1].action == "council_member_updated"
    assert trail[-1].changes["council_role"] == ["vice_chair", "chair"]


async def test_deactivating_an_account_ends_its_council_membership(app):
    world = await build_world(app)
    admin = app.bearer(world.users["quantri"])
    council_id = world.councils["tk"]
    added = await app.http.post(
        f"{COUNCILS}/{council_id}/members",
        json={
            "user_id": world.users["uyvien"],
            "council_role": "secretary",
            "term_start": "2026-07-01",
            "term_end": "2031-06-30",
        },
        headers=admin,
    )
    assert added.status_code == 201

    off = await app.http.post(f"/api/v1/users/{world.users['uyvien']}/deactivate", headers=admin)
    assert off.status_code == 200, off.text
    council = (await app.http.get(f"{COUNCILS}/{council_id}", headers=admin)).json()
    member = member_of(council, world.users["uyvien"])
    # The application's day in Vietnam (the fixed clock: 15 March 2027).
    assert member["active"] is False and member["term_end"] == "2027-03-15"
    [ending] = [e for e in await events(app, "council", council_id) if e.reason]
    assert ending.action == "council_member_ended" and ending.reason == "user_deactivated"
    assert ending.changes["active"] == [True, False]
    assert ending.changes["term_end"] == ["2031-06-30", "2027-03-15"]
    assert ending.actor_name == "Trần Thị Quản"

    # A deactivated account cannot be made a member.
    again = await app.http.post(
        f"{COUNCILS}/{council_id}/members",
        json={
            "user_id": world.users["uyvien"],
            "council_role": "member",
            "term_start": "2027-04-01",
        },
        headers=admin,
    )
    assert again.status_code == 422 and again.json()["field"] == "user_id"


async def test_a_ward_administrator_sees_only_their_wards_council(app):
    world = await build_world(app)
    other = app.bearer(world.users["qt.tuminh"])
    council_id = world.councils["tk"]

    listed = await app.http.get(COUNCILS, headers=other)
    assert [c["id"] for c in listed.json()] == [world.councils["tm"]]
    assert (await app.http.get(f"{COUNCILS}/{council_id}", headers=other)).status_code == 404
    refused = await app.http.post(
        f"{COUNCILS}/{council_id}/members",
        json={
            "user_id": world.users["uyvien"],
            "council_role": "member",
            "term_start": "2027-01-01",
        },
        headers=other,
    )
    assert refused.status_code == 404
    renamed = await app.http.patch(f"{COUNCILS}/{council_id}", json={"name": "X"}, headers=other)
    assert renamed.status_code == 404
    assert await events(app, "council", council_id) == []
    # Someone who administers nothing: 403.
    member = app.bearer(world.users["uyvien"])
    assert (await app.http.get(COUNCILS, headers=member)).status_code == 403


async def test_mistakes_are_refused_with_the_field_named(app):
    world = await build_world(app)
    admin = app.bearer(world.users["qt.thachkhoi"])
    council_id = world.councils["tk"]
    members = f"{COUNCILS}/{council_id}/members"

    backwards = await app.http.post(
        members,
        json={
            "user_id": world.users["uyvien"],
            "council_role": "member",
            "term_start": "2027-01-01",
            "term_end": "2026-01-01",
        },
        headers=admin,
    )
    assert backwards.status_code == 422 and backwards.json()["field"] == "term_end"
    unknown = await app.http.post(
        members,
        json={"user_id": 999999, "council_role": "member", "term_start": "2027-01-01"},
        headers=admin,
    )
    assert unknown.status_code == 422 and unknown.json()["field"] == "user_id"
    body = {"user_id": world.users["uyvien"], "council_role": "member", "term_start": "2027-01-01"}
    assert (await app.http.post(members, json=body, headers=admin)).status_code == 201
    twice = await app.http.post(members, json=body, headers=admin)
    assert twice.status_code == 409 and twice.json()["field"] == "user_id"
    no_council = await app.http.post(
        COUNCILS,
        json={"authority_id": world.authorities["tk"], "name": "Hội đồng thứ hai"},
        headers=admin,
    )
    assert no_council.status_code == 409 and no_council.json()["field"] == "authority_id"
    other_ward = await app.http.post(
        COUNCILS, json={"authority_id": world.authorities["tm"], "name": "Hội đồng"}, headers=admin
    )
    assert other_ward.status_code == 422 and other_ward.json()["field"] == "authority_id"

    renamed = await app.http.patch(
        f"{COUNCILS}/{council_id}",
        json={"name": "Hội đồng Thi đua - Khen thưởng phường Thạch Khôi (nhiệm kỳ 2026-2031)"},
        headers=admin,
    )
    assert renamed.status_code == 200
    [event] = [e for e in await events(app, "council", council_id) if e.action == "council_updated"]
    assert event.changes == {
        "name": [
            "Hội đồng Thi đua - Khen thưởng phường Thạch Khôi",
            "Hội đồng Thi đua - Khen thưởng phường Thạch Khôi (nhiệm kỳ 2026-2031)",
        ]
    }

"""An administrator's units in the JSON API: the tree (city → wards → their offices and
residential groups), a new unit under a parent (its level the parent's), renamed, given
an official code and address, moved; never under itself or its own unit; codes unique; a
ward's administrator works inside their ward only. Every change audited with the old and
new values.

On SQLite and PostgreSQL, the databases built from the migrations."""

from __future__ import annotations

import pytest

from tests.accounts_app import accounts_app
from tests.admin.registry_world import build_world, events

pytestmark = [pytest.mark.postgres]

UNITS = "/api/v1/admin/units"


@pytest.fixture
async def app(empty_database_url, tmp_path):
    async for made in accounts_app(empty_database_url, tmp_path):
        yield made


async def test_units_are_created_edited_and_moved_with_an_audit_of_each_change(app):
    world = await build_world(app)
    admin = app.bearer(world.users["quantri"])

    tree = await app.http.get(UNITS, headers=admin)
    assert tree.status_code == 200, tree.text
    rows = [(row["code"], row["depth"]) for row in tree.json()]
    # The city, then each ward followed by its own units (offices before groups).
    assert rows[0] == ("hp", 0)
    tk = rows.index(("tk", 1))
    assert rows[tk + 1 : tk + 3] == [("tk-vh", 2), ("tk-to1", 2)]

    created = await app.http.post(
        UNITS,
        json={
            "code": "tk-mttq",
            "name": "Ủy ban MTTQ Việt Nam phường Thạch Khôi",
            "kind": "organisation",
            "parent_id": world.units["tk"],
            "address": "Số 2 Lê Lợi",
        },
        headers=admin,
    )
    assert created.status_code == 201, created.text
    unit = created.json()
    assert unit["level"] == "ward" and unit["parent_id"] == world.units["tk"]
    [event] = await events(app, "unit", unit["id"])
    assert event.action == "unit_created" and event.actor_name == "Trần Thị Quản"
    assert event.changes["code"] == [None, "tk-mttq"]

    # Renamed, given an official code: the audit names both values of each field.
    edited = await app.http.patch(
        f"{UNITS}/{unit['id']}",
        json={"name": "Ủy ban Mặt trận Tổ quốc phường Thạch Khôi", "official_code": "11002-MT"},
        headers=admin,
    )
    assert edited.status_code == 200, edited.text
    last = (await events(app, "unit", unit["id"]))[-1]
    assert last.action == "unit_updated"
    assert last.changes == {
        "name": [
            "Ủy ban MTTQ Việt Nam phường Thạch Khôi",
            "Ủy ban Mặt trận Tổ quốc phường Thạch Khôi",
        ],
        "official_code": [None, "11002-MT"],
    }

    # Moved to the other ward.
    moved = await app.http.patch(
        f"{UNITS}/{unit['id']}", json={"parent_id": world.units["tm"]}, headers=admin
    )
    assert moved.status_code == 200 and moved.json()["parent_id"] == world.units["tm"]
    last = (await events(app, "unit", unit["id"]))[-1]
    assert last.action == "unit_moved"
    assert last.changes == {"parent_id": [world.units["tk"], world.units["tm"]]}

    # Codes are unique: 409 naming the field (a code compares without case).
    taken = await app.http.post(
        UNITS,
        json={
            "code": "TK-VH",
            "name": "Trùng mã",
            "kind": "office",
            "parent_id": world.units["tk"],
        },
        headers=admin,
    )
    assert taken.status_code == 409 and taken.json()["field"] == "body.code"
    same_official = await app.http.patch(
        f"{UNITS}/{world.units['tk-vh']}", json={"official_code": "11002-MT"}, headers=admin
    )
    assert same_official.status_code == 409
    assert same_official.json()["field"] == "body.official_code"
    no_code = await app.http.post(
        UNITS,
        json={"name": "Không mã", "kind": "office", "parent_id": world.units["tk"]},
        headers=admin,
    )
    assert no_code.status_code == 422 and no_code.json()["field"] == "body.code"
    control = await app.http.post(
        UNITS,
        json={"code": "tk-x", "name": "Tổ\x07 2", "kind": "office", "parent_id": world.units["tk"]},
        headers=admin,
    )
    assert control.status_code == 422 and control.json()["field"] == "body.name"
    # A top unit names its level.
    top = await app.http.post(
        UNITS, json={"code": "bnv", "name": "Bộ Nội vụ", "kind": "government"}, headers=admin
    )
    assert top.status_code == 422 and top.json()["field"] == "body.level"


async def test_a_unit_never_moves_under_itself_or_its_own_units(app):
    world = await build_world(app)
    admin = app.bearer(world.users["quantri"])
    ward = f"{UNITS}/{world.units['tk']}"
    for target in ("tk", "tk-to1"):
        cycle = await app.http.patch(ward, json={"parent_id": world.units[target]}, headers=admin)
        assert cycle.status_code == 422, target
        assert cycle.json()["field"] == "body.parent_id"
        assert "chính nó" in cycle.json()["detail"]
    assert [e.action for e in await events(app, "unit", world.units["tk"])] == []
    # A ward is not put above the city's level by a move under an office of its level.
    office_up = await app.http.patch(
        f"{UNITS}/{world.units['tk-vh']}", json={"level": "city"}, headers=admin
    )
    assert office_up.status_code == 422 and office_up.json()["field"] == "body.level"


async def test_a_ward_administrator_works_inside_their_ward_only(app):
    world = await build_world(app)
    ward_admin = app.bearer(world.users["qt.thachkhoi"])

    tree = await app.http.get(UNITS, headers=ward_admin)
    assert {row["code"] for row in tree.json()} == {"tk", "tk-vh", "tk-to1"}

    # Another ward's unit answers like a missing one.
    elsewhere = await app.http.patch(
        f"{UNITS}/{world.units['tm-vh']}", json={"name": "Đổi tên"}, headers=ward_admin
    )
    missing = await app.http.patch(f"{UNITS}/999999", json={"name": "Đổi tên"}, headers=ward_admin)
    assert elsewhere.status_code == missing.status_code == 404
    assert elsewhere.json() == missing.json()
    outside = await app.http.post(
        UNITS,
        json={
            "code": "tm-to9",
            "name": "Tổ 9",
            "kind": "residential_group",
            "parent_id": world.units["tm"],
        },
        headers=ward_admin,
    )
    assert outside.status_code == 422 and outside.json()["field"] == "body.parent_id"
    top = await app.http.post(
        UNITS,
        json={"code": "x", "name": "Cấp trên", "kind": "government", "level": "central"},
        headers=ward_admin,
    )
    assert top.status_code == 422 and top.json()["field"] == "body.parent_id"
    # Nor move one of their units out of the ward.
    away = await app.http.patch(
        f"{UNITS}/{world.units['tk-to1']}",
        json={"parent_id": world.units["tm"]},
        headers=ward_admin,
    )
    assert away.status_code == 422 and away.json()["field"] == "body.parent_id"

    # Inside: a new residential group, at the ward's level.
    inside = await app.http.post(
        UNITS,
        json={
            "code": "tk-to2",
            "name": "Tổ dân phố số 2",
            "kind": "residential_group",
            "parent_id": world.units["tk"],
        },
        headers=ward_admin,
    )
    assert inside.status_code == 201 and inside.json()["level"] == "ward"
    [event] = await events(app, "unit", inside.json()["id"])
    assert event.actor_name == "Lê Văn Khôi"

    # Someone who administers nothing: 403.
    officer = await app.http.get(UNITS, headers=app.bearer(world.users["canbo"]))
    assert officer.status_code == 403

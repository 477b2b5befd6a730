"""An administrator's people, households and collectives in the JSON API: created and
edited with a field-level 422 for each mistake (a citizen ID that is not 12 digits, one
already registered, a control character, a date of birth in the future), the birth year
following the date of birth; a household in a residential group only; one collective per
unit; another ward's records answer like missing ones. Every change audited with the old
and new values, the personal data masked in the trail.

On SQLite and PostgreSQL, the databases built from the migrations."""

from __future__ import annotations

import pytest

from tests.accounts_app import accounts_app
from tests.admin.registry_world import add_person, build_world, events

pytestmark = [pytest.mark.postgres]

PEOPLE = "/api/v1/admin/people"


@pytest.fixture
async def app(empty_database_url, tmp_path):
    async for made in accounts_app(empty_database_url, tmp_path):
        yield made


async def test_a_person_is_created_and_edited_with_field_level_refusals(app):
    world = await build_world(app)
    admin = app.bearer(world.users["qt.thachkhoi"])
    office = world.units["tk-vh"]
    person = {
        "full_name": "  Nguyễn Thị   Hoa ",
        "gender": "female",
        "birth_date": "1985-03-08",
        "citizen_id": "031 185 004 567",
        "position": "Chuyên viên",
        "unit_id": office,
    }
    created = await app.http.post(PEOPLE, json=person, headers=admin)
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["birth_year"] == 1985 and body["citizen_id"] == "031185004567"
    assert body["identifiers_masked"] is False
    [event] = await events(app, "person", body["id"])
    assert event.action == "person_created" and event.actor_name == "Lê Văn Khôi"
    # The trail names the personal data without writing it out.
    assert event.changes["citizen_id"] == [None, "*********567"]
    assert "1985-03-08" not in str(event.changes)

    def refused(response, field: str, status: int = 422) -> str:
        assert response.status_code == status, response.text
        assert response.json()["field"] == f"body.{field}", response.json()
        return response.json()["detail"]

    short = await app.http.post(PEOPLE, json={**person, "citizen_id": "12345"}, headers=admin)
    assert "12 chữ số" in refused(short, "citizen_id")
    letters = await app.http.post(
        PEOPLE, json={**person, "citizen_id": "03118500456A"}, headers=admin
    )
    refused(letters, "citizen_id")
    twice = await app.http.post(PEOPLE, json=person, headers=admin)
    assert "gộp" in refused(twice, "citizen_id", 409)
    control = await app.http.post(
        PEOPLE, json={**person, "citizen_id": None, "full_name": "Nguyễn\x1bThị"}, headers=admin
    )
    refused(control, "full_name")
    future = await app.http.post(
        PEOPLE, json={**person, "citizen_id": None, "birth_date": "2100-01-01"}, headers=admin
    )
    refused(future, "birth_date")
    other_ward = await app.http.post(
        PEOPLE, json={**person, "citizen_id": None, "unit_id": world.units["tm-vh"]}, headers=admin
    )
    refused(other_ward, "unit_id")

    # Edited: the new date gives the year; the trail has the old and new values.
    url = f"{PEOPLE}/{body['id']}"
    edited = await app.http.patch(
        url, json={"birth_date": "1986-03-08", "position": "Phó Trưởng phòng"}, headers=admin
    )
    assert edited.status_code == 200, edited.text
    assert edited.json()["birth_year"] == 1986
    last = (await events(app, "person", body["id"]))[-1]
    assert last.action == "person_updated"
    assert last.changes["position"] == ["Chuyên viên", "Phó Trưởng phòng"]
    assert last.changes["birth_year"] == [1985, 1986]
    assert last.changes["birth_date"] == ["(dữ liệu cá nhân)", "(dữ liệu cá nhân)"]
    # Another person cannot take the same citizen ID.
    other = await add_person(app, office, "Trần Văn Nam")
    taken = await app.http.patch(
        f"{PEOPLE}/{other}", json={"citizen_id": "031185004567"}, headers=admin
    )
    refused(taken, "citizen_id", 409)
    cleared_name = await app.http.patch(
        f"{PEOPLE}/{other}", json={"full_name": None}, headers=admin
    )
    refused(cleared_name, "full_name")
    contradiction = await app.http.patch(url, json={"birth_year": 1990}, headers=admin)
    refused(contradiction, "birth_year")

    # Another ward's administrator: like a missing person.
    elsewhere = await app.http.get(url, headers=app.bearer(world.users["qt.tuminh"]))
    assert elsewhere.status_code == 404
    # The list: searched without diacritics, identifiers masked.
    found = await app.http.get(PEOPLE, params={"q": "hoa nguyen"}, headers=admin)
    [item] = found.json()["items"]
    assert item["citizen_id"] == "*********567" and item["birth_date"] is None
    assert item["identifiers_masked"] is True
    by_id = await app.http.get(PEOPLE, params={"q": "031185004567"}, headers=admin)
    assert [i["id"] for i in by_id.json()["items"]] == [body["id"]]


async def test_households_and_collectives(app):
    world = await build_world(app)
    admin = app.bearer(world.users["qt.thachkhoi"])
    group = world.units["tk-to1"]
    household = await app.http.post(
        "/api/v1/admin/households",
        json={"head_name": "Vũ Văn Hải", "address": "Số 5 ngõ 3", "residential_group_id": group},
        headers=admin,
    )
    assert household.status_code == 201, household.text
    assert household.json()["residential_group_name"] == "Tổ dân phố số 1 phường Thạch Khôi"
    not_a_group = await app.http.post(
        "/api/v1/admin/households",
        json={"head_name": "Vũ Văn Hải", "residential_group_id": world.units["tk-vh"]},
        headers=admin,
    )
    assert not_a_group.status_code == 422
    assert not_a_group.json()["field"] == "body.residential_group_id"
    assert "không phải là tổ dân phố" in not_a_group.json()["detail"]
    moved = await app.http.patch(
        f"/api/v1/admin/households/{household.json()['id']}",
        json={"address": "Số 7 ngõ 3"},
        headers=admin,
    )
    assert moved.status_code == 200
    [_, event] = await events(app, "household", household.json()["id"])
    assert event.changes == {"address": ["Số 5 ngõ 3", "Số 7 ngõ 3"]}

    collective = await app.http.post(
        "/api/v1/admin/collectives",
        json={"unit_id": world.units["tk-vh"], "name": "Phòng Văn hóa - Xã hội"},
        headers=admin,
    )
    assert collective.status_code == 201, collective.text
    second = await app.http.post(
        "/api/v1/admin/collectives",
        json={"unit_id": world.units["tk-vh"], "name": "Lần hai"},
        headers=admin,
    )
    assert second.status_code == 409 and second.json()["field"] == "body.unit_id"
    renamed = await app.http.patch(
        f"/api/v1/admin/collectives/{collective.json()['id']}",
        json={"name": "Phòng Văn hóa và Xã hội"},
        headers=admin,
    )
    assert renamed.status_code == 200
    [_, event] = await events(app, "collective", collective.json()["id"])
    assert event.changes == {"name": ["Phòng Văn hóa - Xã hội", "Phòng Văn hóa và Xã hội"]}
    listed = await app.http.get(
        "/api/v1/admin/collectives", headers=app.bearer(world.users["qt.tuminh"])
    )
    assert listed.json() == []

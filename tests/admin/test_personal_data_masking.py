"""Personal data (Decree 13/2023): a person's citizen ID and date of birth are read in
full only by the administrators of their unit and the standing officers of their ward;
a unit officer or a council member who may see the person gets them masked (the last
three digits, the birth year). Lists are always masked. Every read of a person's record
is audited, naming the reader and whether they saw the identifiers.

On SQLite and PostgreSQL, the databases built from the migrations."""

from __future__ import annotations

from datetime import date

import pytest

from tests.accounts_app import accounts_app
from tests.admin.registry_world import add_person, build_world, events

pytestmark = [pytest.mark.postgres]


@pytest.fixture
async def app(empty_database_url, tmp_path):
    async for made in accounts_app(empty_database_url, tmp_path):
        yield made


async def test_identifiers_in_full_for_those_who_need_them_masked_for_others(app):
    world = await build_world(app)
    person = await add_person(
        app,
        world.units["tk-vh"],
        "Nguyễn Thị Hoa",
        citizen_id="031185004567",
        birth_date=date(1985, 3, 8),
    )
    full = {"citizen_id": "031185004567", "birth_date": "1985-03-08", "identifiers_masked": False}
    masked = {"citizen_id": "*********567", "birth_date": None, "identifiers_masked": True}

    def identifiers(response) -> dict:
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["birth_year"] == 1985  # the year is never hidden
        return {key: body[key] for key in full}

    for username in ("quantri", "qt.thachkhoi"):
        read = await app.http.get(
            f"/api/v1/admin/people/{person}", headers=app.bearer(world.users[username])
        )
        assert identifiers(read) == full, username
    for username, expected in (
        ("thuongtruc", full),
        ("canbo", masked),
        ("hoidong", masked),
    ):
        read = await app.http.get(
            f"/api/v1/people/{person}", headers=app.bearer(world.users[username])
        )
        assert identifiers(read) == expected, username

    # Another ward's administrator does not see the person at all.
    other = await app.http.get(
        f"/api/v1/admin/people/{person}", headers=app.bearer(world.users["qt.tuminh"])
    )
    assert other.status_code == 404
    # A list is masked, even for an administrator.
    listed = await app.http.get("/api/v1/people", headers=app.bearer(world.users["thuongtruc"]))
    [item] = listed.json()["items"]
    assert item["citizen_id"] == "*********567" and item["birth_date"] is None

    reads = [
        (e.actor_name, e.action, e.changes["identifiers"])
        for e in await events(app, "person", person)
    ]
    assert reads == [
        ("Trần Thị Quản", "personal_data_read", "full"),
        ("Lê Văn Khôi", "personal_data_read", "full"),
        ("Nguyễn Thị Thường", "personal_data_read", "full"),
        ("Hoàng Văn Bộ", "person_record_read", "masked"),
        ("Đỗ Văn Đồng", "person_record_read", "masked"),
    ]
    # No identifier is ever written into the trail.
    assert "031185004567" not in str([e.changes for e in await events(app, "person", person)])

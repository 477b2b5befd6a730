"""The deciding bodies a new ward needs, through the JSON API: the city's people's
committee, then the ward's under it, their document headers proposed from the names, a
council made with each; the mistakes an administrator can make refused with the field
named and nothing written; a ward's administrator confined to their ward; every change
audited with the old and new values.

On SQLite and PostgreSQL, the databases built from the migrations."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from domain.vocabulary import Level, Role, UnitKind
from models import AuditEvent, Council, RoleGrant, Unit
from tests.accounts_app import accounts_app

pytestmark = [pytest.mark.postgres]

AUTHORITIES = "/api/v1/admin/authorities"


@pytest.fixture
async def app(empty_database_url, tmp_path):
    async for made in accounts_app(empty_database_url, tmp_path):
        yield made


async def add_units(app) -> dict[str, int]:
    """A city with its home affairs department, and two wards with their offices."""
    ids: dict[str, int] = {}
    specs = [
        (
            "ubnd-hp",
            "Ủy ban nhân dân thành phố Hải Phòng",
            UnitKind.PEOPLES_COMMITTEE,
            Level.CITY,
            None,
        ),
        ("so-noi-vu", "Sở Nội vụ thành phố Hải Phòng", UnitKind.DEPARTMENT, Level.CITY, "ubnd-hp"),
        (
            "ubnd-a",
            "Ủy ban nhân dân phường Thạch Khôi",
            UnitKind.PEOPLES_COMMITTEE,
            Level.WARD,
            "ubnd-hp",
        ),
        ("a-vhxh", "Phòng Văn hóa - Xã hội", UnitKind.OFFICE, Level.WARD, "ubnd-a"),
        (
            "ubnd-b",
            "Ủy ban nhân dân phường Tân Hưng",
            UnitKind.PEOPLES_COMMITTEE,
            Level.WARD,
            "ubnd-hp",
        ),
        ("b-vhxh", "Phòng Văn hóa - Xã hội phường Tân Hưng", UnitKind.OFFICE, Level.WARD, "ubnd-b"),
    ]
    async with app.state.writer() as session, session.begin():
        for code, name, kind, level, parent in specs:
            unit = Unit(
                code=code,
                name=name,
                kind=kind,
                level=level,
                parent_id=ids[parent] if parent else None,
            )
            session.add(unit)
            await session.flush()
            ids[code] = unit.id
    return ids


async def test_a_city_and_its_ward_get_their_deciding_bodies_and_councils(app):
    units = await add_units(app)
    admin_id = await app.add_user("quantri", "Quan-tri-vien-2027", deployment_admin=True)
    admin = app.bearer(admin_id)

    city = await app.http.post(
        AUTHORITIES,
        json={"unit_id": units["ubnd-hp"], "standing_unit_id": units["so-noi-vu"]},
        headers=admin,
    )
    assert city.status_code == 201, city.text
    assert city.json()["header_lines"] == ["ỦY BAN NHÂN DÂN", "THÀNH PHỐ HẢI PHÒNG"]
    assert city.json()["level"] == "city"

    ward = await app.http.post(
        AUTHORITIES,
        json={
            "unit_id": units["ubnd-a"],
            "standing_unit_id": units["a-vhxh"],
            "parent_authority_id": city.json()["id"],
        },
        headers=admin,
    )
    assert ward.status_code == 201, ward.text
    body = ward.json()
    assert body["header_lines"] == ["ỦY BAN NHÂN DÂN", "PHƯỜNG THẠCH KHÔI"]
    assert body["place_name"] == "Thạch Khôi"
    assert body["head_title"] == "CHỦ TỊCH ỦY BAN NHÂN DÂN PHƯỜNG THẠCH KHÔI"
    assert body["parent_authority_id"] == city.json()["id"]
    async with app.state.reader() as session:
        council = await session.get(Council, body["council_id"])
        assert council is not None and council.name.endswith("Phường Thạch Khôi")

    again = await app.http.post(
        AUTHORITIES,
        json={"unit_id": units["ubnd-a"], "standing_unit_id": units["a-vhxh"]},
        headers=admin,
    )
    assert again.status_code == 409

    renamed = await app.http.patch(
        f"{AUTHORITIES}/{body['id']}", json={"decision_code": "QĐ-CT"}, headers=admin
    )
    assert renamed.status_code == 200 and renamed.json()["decision_code"] == "QĐ-CT"
    async with app.state.reader() as session:
        events = (
            (
                await session.execute(
                    select(AuditEvent)
                    .where(
                        AuditEvent.subject_type == "authority", AuditEvent.subject_id == body["id"]
                    )
                    .order_by(AuditEvent.id)
                )
            )
            .scalars()
            .all()
        )
    assert [e.action for e in events] == ["authority_created", "authority_updated"]
    assert events[1].changes == {"decision_code": ["QĐ-UBND", "QĐ-CT"]}
    assert events[1].actor_user_id == admin_id


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"unit_id": "a-vhxh"}, "unit_id"),  # an office does not decide awards
        ({"standing_unit_id": "b-vhxh"}, "standing_unit_id"),  # another ward's office
        ({"parent_authority_id": "self-level"}, "parent_authority_id"),  # not higher
        ({"header_lines": ["ỦY BAN\x07"]}, "header_lines"),
    ],
)
async def test_mistakes_are_refused_with_the_field_named_and_nothing_written(app, change, field):
    units = await add_units(app)
    admin = app.bearer(await app.add_user("quantri", "Quan-tri-vien-2027", deployment_admin=True))
    other = await app.http.post(
        AUTHORITIES,
        json={"unit_id": units["ubnd-b"], "standing_unit_id": units["b-vhxh"]},
        headers=admin,
    )
    body = {"unit_id": units["ubnd-a"], "standing_unit_id": units["a-vhxh"]}
    for key, value in change.items():
        if value == "self-level":
            body[key] = other.json()["id"]  # a ward body cannot forward to a ward body
        elif isinstance(value, str):
            body[key] = units[value]
        else:
            body[key] = value
    refused = await app.http.post(AUTHORITIES, json=body, headers=admin)
    assert refused.status_code == 422, refused.text
    assert field in str(refused.json())
    listed = await app.http.get(AUTHORITIES, headers=admin)
    assert [a["unit_code"] for a in listed.json()] == ["ubnd-b"]


async def test_a_ward_administrator_sees_and_edits_only_their_ward(app):
    units = await add_units(app)
    admin = app.bearer(await app.add_user("quantri", "Quan-tri-vien-2027", deployment_admin=True))
    made = {}
    for ward, office in (("ubnd-a", "a-vhxh"), ("ubnd-b", "b-vhxh")):
        response = await app.http.post(
            AUTHORITIES,
            json={"unit_id": units[ward], "standing_unit_id": units[office]},
            headers=admin,
        )
        made[ward] = response.json()["id"]
    ward_admin_id = await app.add_user("quantri.a", "Quan-tri-phuong-2027")
    async with app.state.writer() as session, session.begin():
        session.add(
            RoleGrant(
                user_id=ward_admin_id, role=Role.ADMIN, unit_id=units["ubnd-a"], level=Level.WARD
            )
        )
    ward_admin = app.bearer(ward_admin_id)

    listed = await app.http.get(AUTHORITIES, headers=ward_admin)
    assert [a["unit_code"] for a in listed.json()] == ["ubnd-a"]
    foreign = await app.http.patch(
        f"{AUTHORITIES}/{made['ubnd-b']}", json={"place_name": "Khác"}, headers=ward_admin
    )
    missing = await app.http.patch(
        f"{AUTHORITIES}/999999", json={"place_name": "Khác"}, headers=ward_admin
    )
    assert foreign.status_code == missing.status_code == 404
    assert foreign.json() == missing.json()
    own = await app.http.patch(
        f"{AUTHORITIES}/{made['ubnd-a']}", json={"place_name": "Thạch Khôi"}, headers=ward_admin
    )
    assert own.status_code == 200

    officer = app.bearer(await app.add_user("canbo", "Can-bo-don-vi-2027"))
    assert (await app.http.get(AUTHORITIES, headers=officer)).status_code == 403

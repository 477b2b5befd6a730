"""The registry's pickers and admin lists find a name typed with or without diacritics and
in any case ("Nguyen Van A", "NGUYỄN VĂN A", "nguyễn văn a" all find "Nguyễn Văn A"),
words in any order, ``%`` and ``_`` as characters, and list by given name, on SQLite and
PostgreSQL, in SQL off the folded columns (``people.name_folded``,
``households.search_folded``, ``collectives.name_folded``: ``models.organisation``);
whoever writes a name keeps them in step, and migration 0009 folds the rows already
there."""

from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import insert, select, text

from domain.vocabulary import Gender
from models import Collective, Household, Person
from tests.accounts_app import accounts_app
from tests.admin.registry_world import add_person, build_world
from thidua.migrate import alembic_config

pytestmark = [pytest.mark.postgres]

SPELLINGS = ("Nguyen Van A", "NGUYỄN VĂN A", "nguyễn văn a", "  a   VAN nguyen ")


@pytest.fixture
async def app(empty_database_url, tmp_path):
    async for made in accounts_app(empty_database_url, tmp_path):
        yield made


async def _registry(app, world) -> dict[str, int]:
    """People of Thạch Khôi's office (one of them written with a Core INSERT, as the
    benchmark's world builder does, one renamed through the ORM), households and
    collectives."""
    office, group = world.units["tk-vh"], world.units["tk-to1"]
    ids = {
        name: await add_person(app, office, name)
        for name in ("Nguyễn Văn A", "Trần Thị Bích", "Lê Văn Bảo", "Tổ 100%_Ấp", "Đỗ Văn Cư")
    }
    async with app.state.writer() as session, session.begin():
        [ids["Phạm Thị Ánh"]] = (
            await session.execute(
                insert(Person).returning(Person.id),
                [{"full_name": "Phạm Thị Ánh", "gender": Gender.FEMALE, "unit_id": office}],
            )
        ).scalars()
        renamed = await session.get(Person, ids.pop("Đỗ Văn Cư"))
        assert renamed is not None
        renamed.full_name = "Đỗ Văn Đạt"
        ids["Đỗ Văn Đạt"] = renamed.id
        for head, address in (
            ("Nguyễn Văn A", "Số 5 ngõ Đông"),
            ("Bùi Thị Ba", "Số 7 phố Nguyễn Trãi"),
        ):
            household = Household(head_name=head, address=address, residential_group_id=group)
            session.add(household)
            await session.flush()
            ids[f"household {head}"] = household.id
        collective = Collective(unit_id=office, name="Phòng Văn hóa - Xã hội")
        session.add(collective)
        await session.flush()
        ids["collective"] = collective.id
    return ids


async def test_pickers_and_admin_lists_fold_names_and_go_by_given_name(app):
    world = await build_world(app)
    ids = await _registry(app, world)
    officer = app.bearer(world.users["thuongtruc"])
    admin = app.bearer(world.users["qt.thachkhoi"])
    other_ward = app.bearer(world.users["qt.tuminh"])

    async def names(path: str, headers, q: str | None = None, **params) -> list[str]:
        query = {**params, **({"q": q} if q is not None else {})}
        response = await app.http.get(path, params=query, headers=headers)
        assert response.status_code == 200, response.text
        body = response.json()
        items = body["items"] if isinstance(body, dict) else body
        if isinstance(body, dict) and params.get("page") is None:
            assert body["total"] == len(items)
        return [item.get("full_name") or item.get("head_name") or item["name"] for item in items]

    for path, headers in (("/api/v1/people", officer), ("/api/v1/admin/people", admin)):
        # By given name (100%_ap, a, anh, bao, bich, dat), whatever the family name.
        assert await names(path, headers) == [
            "Tổ 100%_Ấp",
            "Nguyễn Văn A",
            "Phạm Thị Ánh",
            "Lê Văn Bảo",
            "Trần Thị Bích",
            "Đỗ Văn Đạt",
        ]
        for q in SPELLINGS:
            assert await names(path, headers, q) == ["Nguyễn Văn A"], q
        assert await names(path, headers, "ANH") == ["Phạm Thị Ánh"]
        assert await names(path, headers, "đạt") == ["Đỗ Văn Đạt"]  # renamed by the ORM
        assert await names(path, headers, "cu") == []
        assert await names(path, headers, "van") == ["Nguyễn Văn A", "Lê Văn Bảo", "Đỗ Văn Đạt"]
        assert await names(path, headers, "%") == ["Tổ 100%_Ấp"]
        assert await names(path, headers, "0%_ap") == ["Tổ 100%_Ấp"]
        assert await names(path, headers, "T_ 1") == []
        # Page by page, in the same order; the total counts every match.
        response = await app.http.get(
            path, params={"q": "van", "page": 2, "page_size": 2}, headers=headers
        )
        body = response.json()
        assert body["total"] == 3 and [p["full_name"] for p in body["items"]] == ["Đỗ Văn Đạt"]
    # Another ward's administrator finds none of them.
    assert await names("/api/v1/admin/people", other_ward, "nguyen van a") == []

    for path, headers in (("/api/v1/households", officer), ("/api/v1/admin/households", admin)):
        assert await names(path, headers) == ["Nguyễn Văn A", "Bùi Thị Ba"]  # a, ba
        for q in SPELLINGS:
            assert await names(path, headers, q) == ["Nguyễn Văn A"], q
        # The address is searched too.
        assert await names(path, headers, "nguyen") == ["Nguyễn Văn A", "Bùi Thị Ba"]
        assert await names(path, headers, "NGÕ ĐÔNG") == ["Nguyễn Văn A"]
        assert await names(path, headers, "trai nguyen") == ["Bùi Thị Ba"]

    collectives = "/api/v1/admin/collectives"
    for q in ("van hoa", "VĂN HÓA xã", "phòng văn hóa", "tk-vh"):
        assert await names(collectives, admin, q) == ["Phòng Văn hóa - Xã hội"], q
    assert await names(collectives, admin, "hoa van xa tk") == ["Phòng Văn hóa - Xã hội"]
    assert await names(collectives, admin, "y te") == []
    # The unit's name too ("Phòng Văn hóa - Xã hội phường Thạch Khôi"), typed without
    # diacritics or in capitals, its words mixed with the collective's own.
    for q in ("thach khoi", "THẠCH KHÔI", "phuong thach khoi", "khoi van hoa"):
        assert await names(collectives, admin, q) == ["Phòng Văn hóa - Xã hội"], q
    assert await names(collectives, admin, "tu minh") == []
    assert await names(collectives, other_ward, "thach khoi") == []

    history = "/api/v1/admin/history/subjects"
    for q in ("nguyen van a", "NGUYỄN VĂN A", "nguyễn văn a"):
        found = (await app.http.get(history, params={"q": q}, headers=admin)).json()
        assert sorted((s["kind"], s["id"]) for s in found) == sorted(
            [("household", ids["household Nguyễn Văn A"]), ("individual", ids["Nguyễn Văn A"])]
        ), q


def _downgrade_then_upgrade(connection) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    command.downgrade(config, "0008")
    connection.execute(
        text("UPDATE people SET full_name = 'NGUYỄN VĂN Đức' WHERE full_name = 'Trần Thị Bích'")
    )
    command.upgrade(config, "head")


async def test_the_migration_folds_the_registry_already_there(app):
    world = await build_world(app)
    await _registry(app, world)
    async with app.engine.begin() as connection:
        await connection.run_sync(_downgrade_then_upgrade)
    async with app.engine.connect() as connection:
        people = dict(
            (
                await connection.execute(
                    select(Person.full_name, Person.name_folded + "|" + Person.given_name_folded)
                )
            ).all()
        )
        households = (
            await connection.execute(
                select(
                    Household.name_folded, Household.search_folded, Household.given_name_folded
                ).order_by(Household.id)
            )
        ).all()
        collectives = (await connection.execute(select(Collective.name_folded))).scalars().all()
    assert people["NGUYỄN VĂN Đức"] == "nguyen van duc|duc"
    assert people["Phạm Thị Ánh"] == "pham thi anh|anh"
    assert people["Tổ 100%_Ấp"] == "to 100%_ap|100%_ap"
    assert [tuple(row) for row in households] == [
        ("nguyen van a", "nguyen van a so 5 ngo dong", "a"),
        ("bui thi ba", "bui thi ba so 7 pho nguyen trai", "ba"),
    ]
    assert collectives == ["phong van hoa - xa hoi"]

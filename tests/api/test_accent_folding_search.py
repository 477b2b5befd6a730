"""Officials type names without diacritics and in any case: the nominations list (JSON API
and page) and the auditor's trail find "Nguyễn Văn A" from "Nguyen Van A", "NGUYỄN VĂN
A" or "nguyễn văn a", and "ĐỖ THỊ HOA" from "đỗ thị hoa", on SQLite and on PostgreSQL
(``nominations.nominee_name_folded``, ``api.queries.search.contains_words``); ``%``
and ``_`` stay characters; the migration folds the names already there."""

from __future__ import annotations

import re

import pytest
from alembic import command
from sqlalchemy import select, text, update

from domain.vocabulary import Level, NomineeKind
from models import Authority, AwardType, Nomination, Unit, User
from models import Person as PersonRow
from models.nominations import nominee_name_values
from tests.pages.conftest import Person
from thidua.db import create_engine, create_session_factory
from thidua.migrate import alembic_config

pytestmark = [pytest.mark.postgres]


async def _api(harness, q: str) -> list[str]:
    response = await harness.get("thuongtruc", "/api/v1/nominations", params={"q": q})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["total"] == len(body["items"])
    return sorted(item["nominee_name"] for item in body["items"])


async def _page(reader: Person, q: str) -> set[int]:
    page = await reader.get("/nominations", params={"q": q})
    assert page.status_code == 200, page.text
    return {int(i) for i in re.findall(r'data-nomination="(\d+)"', page.text)}


async def _audit(auditor: Person, q: str) -> set[int]:
    page = await auditor.get("/audit", params={"q": q})
    assert page.status_code == 200, page.text
    return {int(i) for i in re.findall(r'href="/nominations/(\d+)#timeline"', page.text)}


async def test_names_are_found_with_or_without_diacritics_in_any_case(harness):
    first = (await harness.nominate())["id"]  # Nguyễn Thị Hoa, written by the API
    second = (await harness.nominate(person="Đặng Thị Thủy"))["id"]
    # As the API wrote them: folded on the way in.
    assert await _api(harness, "NGUYEN THI HOA") == ["Nguyễn Thị Hoa"]
    assert await _api(harness, "dang thi thuy") == ["Đặng Thị Thủy"]

    async with harness.factory() as session, session.begin():
        # A bulk UPDATE names both columns ...
        await session.execute(
            update(Nomination)
            .where(Nomination.id == first)
            .values(**nominee_name_values("Nguyễn Văn A"))
        )
        # ... and the ORM keeps the folded one in step by itself.
        renamed = await session.get(Nomination, second)
        assert renamed is not None
        renamed.nominee_name = "ĐỖ THỊ HOA"
        # A third nomination written through the ORM, whose name holds "%" and "_".
        template = {
            column: getattr(renamed, column)
            for column in (
                "award_code",
                "rule_set_id",
                "year",
                "subject_kind",
                "person_id",
                "proposing_unit_id",
                "origin_authority_id",
                "authority_id",
                "submitted_by_user_id",
                "level",
                "stage",
            )
        }
        third = Nomination(**template, nominee_name="Tổ 100%_Ấp")
        session.add(third)
        await session.flush()
        third_id = third.id

    for q in ("Nguyen Van A", "NGUYỄN VĂN A", "nguyễn văn a", "  nguyen   VAN  a "):
        assert await _api(harness, q) == ["Nguyễn Văn A"], q
    for q in ("đỗ thị hoa", "do thi hoa", "ĐỖ THỊ HOA", "Đỗ Thị Hoa"):
        assert await _api(harness, q) == ["ĐỖ THỊ HOA"], q
    assert await _api(harness, "thi hoa") == ["ĐỖ THỊ HOA"]
    assert await _api(harness, "đỗ") == ["ĐỖ THỊ HOA"]  # short words only: matched row by row
    # Every word must be there, in any order (as the registry pickers match).
    assert await _api(harness, "a van") == ["Nguyễn Văn A"]
    assert await _api(harness, "nguyen hoa") == []
    assert await _api(harness, "") == ["Nguyễn Văn A", "Tổ 100%_Ấp", "ĐỖ THỊ HOA"]
    # "%" and "_" are characters, not wildcards, folded or not.
    assert await _api(harness, "%") == ["Tổ 100%_Ấp"]
    assert await _api(harness, "0%_ap") == ["Tổ 100%_Ấp"]
    assert await _api(harness, "_") == ["Tổ 100%_Ấp"]
    assert await _api(harness, "T_ 1") == []
    assert await _api(harness, "nguy%n") == []

    reader = Person(harness, "thuongtruc")
    auditor = Person(harness, "kiemtra")
    try:
        for q in ("Nguyen Van A", "NGUYỄN VĂN A", "nguyễn văn a"):
            assert await _page(reader, q) == {first}, q
            assert await _audit(auditor, q) == {first}, q
        for q in ("đỗ thị hoa", "ĐỖ THỊ HOA"):
            assert await _page(reader, q) == {second}, q
            assert await _audit(auditor, q) == {second}, q
        assert await _page(reader, "100%_ap") == {third_id}
        assert await _page(reader, "T_ 1") == set()
        assert await _audit(auditor, "%") == set()  # the third has no audit event
        assert await _audit(auditor, "do thi") == {second}
        assert await _audit(auditor, "ĐỖ") == {second}
        assert await _page(reader, "ĐỖ") == {second}
    finally:
        await reader.aclose()
        await auditor.aclose()


def _downgrade_then_upgrade(connection) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    command.downgrade(config, "0005")
    connection.execute(text("UPDATE nominations SET nominee_name = 'NGUYỄN VĂN Đức'"))
    command.upgrade(config, "head")


async def test_the_migration_folds_the_names_already_there(database_url):
    engine = create_engine(database_url, pool_size=1)
    try:
        async with create_session_factory(engine)() as session, session.begin():
            ids = {
                "award_code": (await session.execute(select(AwardType.code).limit(1))).scalar_one(),
                "person_id": (await session.execute(select(PersonRow.id).limit(1))).scalar_one(),
                "submitted_by_user_id": (
                    await session.execute(select(User.id).limit(1))
                ).scalar_one(),
            }
            unit = (
                await session.execute(select(Unit).where(Unit.code == "tk-van-phong"))
            ).scalar_one()
            ward = (
                await session.execute(select(Authority.id).where(Authority.level == Level.WARD))
            ).scalar_one()
            for _ in range(3):
                session.add(
                    Nomination(
                        **ids,
                        rule_set_id="test",
                        year=2026,
                        subject_kind=NomineeKind.INDIVIDUAL,
                        nominee_name="Nguyễn Thị Hoa",
                        proposing_unit_id=unit.id,
                        origin_authority_id=ward,
                        authority_id=ward,
                    )
                )
        async with engine.begin() as connection:
            await connection.run_sync(_downgrade_then_upgrade)
        async with engine.connect() as connection:
            folded = (await connection.execute(select(Nomination.nominee_name_folded))).scalars()
            assert list(folded) == ["nguyen van duc"] * 3
    finally:
        await engine.dispose()

"""The people sheet's optional "Năm sinh" column: a person known only by their year of
birth (the demo ward's people, many older registers) imports with that year; a year that
is not a year, lies in the future or disagrees with the date of birth is a problem of its
cell; a file without the column imports as before.

On SQLite and PostgreSQL, the databases built from the migrations."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from domain.vocabulary import UnitKind
from models import Person
from tests.accounts_app import accounts_app
from tests.imports.workbooks import PEOPLE_HEADERS, add_unit, post_import, problems, workbook

pytestmark = [pytest.mark.postgres]

HEADERS = [*PEOPLE_HEADERS, "Năm sinh"]


@pytest.fixture
async def app(empty_database_url, tmp_path):
    async for made in accounts_app(empty_database_url, tmp_path):
        yield made


async def admin(app) -> dict[str, str]:
    user_id = await app.add_user(
        "quantri", "Quan-tri-vien-2027", full_name="Trần Thị Quản", deployment_admin=True
    )
    return app.bearer(user_id)


def person(name: str, born: object = None, year: object = None) -> list[object]:
    return [name, "Nam", born, None, "Tổ viên", "TDP-01", None, None, None, year]


async def people(app) -> dict[str, tuple[date | None, int | None]]:
    async with app.state.reader() as session:
        found = (await session.execute(select(Person))).scalars()
        return {p.full_name: (p.birth_date, p.birth_year) for p in found}


async def test_a_year_of_birth_alone_imports_and_again_changes_nothing(app):
    headers = await admin(app)
    ward = await add_unit(app, "UBND-PHUONG", "Phường", kind=UnitKind.PEOPLES_COMMITTEE)
    await add_unit(
        app, "TDP-01", "Tổ dân phố Số 1", parent_id=ward, kind=UnitKind.RESIDENTIAL_GROUP
    )
    data = workbook(
        {
            "Cá nhân": [
                HEADERS,
                person("Bùi Văn Khải", year=1965),
                person("Lê Văn Nam", born=date(1979, 9, 2), year=1979),  # both, agreeing
                person("Trần Văn Bình"),  # neither
            ]
        }
    )
    applied = await post_import(app, headers, data, apply=True)
    assert applied.status_code == 200, applied.text
    assert applied.json()["created"] == 3
    assert await people(app) == {
        "Bùi Văn Khải": (None, 1965),
        "Lê Văn Nam": (date(1979, 9, 2), 1979),
        "Trần Văn Bình": (None, None),
    }
    again = await post_import(app, headers, data, apply=True)
    assert again.status_code == 200, again.text
    assert (again.json()["created"], again.json()["updated"]) == (0, 0)

    # A file without the column keeps the stored year.
    without = workbook({"Cá nhân": [PEOPLE_HEADERS, person("Bùi Văn Khải")[:-1]]})
    kept = await post_import(app, headers, without, apply=True)
    assert kept.status_code == 200, kept.text
    assert (kept.json()["unchanged"], kept.json()["updated"]) == (1, 0)
    assert (await people(app))["Bùi Văn Khải"] == (None, 1965)


async def test_a_wrong_year_of_birth_is_a_problem_of_its_cell(app):
    headers = await admin(app)
    ward = await add_unit(app, "UBND-PHUONG", "Phường", kind=UnitKind.PEOPLES_COMMITTEE)
    await add_unit(
        app, "TDP-01", "Tổ dân phố Số 1", parent_id=ward, kind=UnitKind.RESIDENTIAL_GROUP
    )
    data = workbook(
        {
            "Cá nhân": [
                HEADERS,
                person("Một", year="năm 65"),
                person("Hai", year=2100),  # not born yet
                person("Ba", born=date(1979, 9, 2), year=1980),  # disagrees with the date
                person("Bốn", year=1965),
            ]
        }
    )
    refused = await post_import(app, headers, data, apply=True)
    assert refused.status_code == 422, refused.text
    assert problems(refused) == {
        ("Cá nhân", 2, "Năm sinh"),
        ("Cá nhân", 3, "Năm sinh"),
        ("Cá nhân", 4, "Năm sinh"),
    }
    messages = [p["message"] for p in refused.json()["report"]["problems"]]
    assert "Khác với năm của ngày sinh (1979)" in messages
    assert await people(app) == {}  # nothing written, the good row included

"""``%`` and ``_`` typed in a search box are characters, not SQL LIKE wildcards: the
nominations list, the auditor's trail and its CSV, and the registry look-ups find what
was typed, on SQLite and on PostgreSQL (``api.queries.search``)."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import update

from api.queries.search import escape_like
from models import Nomination
from models.nominations import nominee_name_values
from tests.pages.conftest import Person


@pytest.mark.fast
def test_escape_like_escapes_the_wildcards_and_itself():
    assert escape_like("100%_a/b") == "100/%/_a//b"
    assert escape_like("Nguyễn Thị Hoa") == "Nguyễn Thị Hoa"


async def _names(harness, q: str) -> list[str]:
    response = await harness.get("thuongtruc", "/api/v1/nominations", params={"q": q})
    assert response.status_code == 200, response.text
    return sorted(item["nominee_name"] for item in response.json()["items"])


async def test_wildcards_in_a_search_are_characters(harness):
    hoa = (await harness.nominate())["id"]
    await harness.nominate(person="Đặng Thị Thủy")
    # A name holding both characters (a collective's name may: "Tổ 100%_A").
    async with harness.factory() as session, session.begin():
        await session.execute(
            update(Nomination)
            .where(Nomination.id == hoa)
            .values(**nominee_name_values("Tổ 100%_A"))
        )

    assert await _names(harness, "%") == ["Tổ 100%_A"]
    assert await _names(harness, "_") == ["Tổ 100%_A"]
    assert await _names(harness, "0%_a") == ["Tổ 100%_A"]  # and still ignoring case
    assert await _names(harness, "T_ 1") == []  # "_" is not "any one character"
    assert await _names(harness, "Thị Th") == ["Đặng Thị Thủy"]
    assert await _names(harness, "/") == []  # the escape character is a character too

    auditor = Person(harness, "kiemtra")
    try:
        for q, rows in (("%", 1), ("_", 1), ("T_ 1", 0)):
            page = await auditor.get("/audit", params={"q": q})
            assert page.text.count("data-event=") == rows, q
            export = await auditor.get("/audit/export.csv", params={"q": q})
            lines = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
            assert len(lines) - 1 == rows, (q, lines)
    finally:
        await auditor.aclose()

    for path in ("/api/v1/people", "/api/v1/households"):
        for q in ("%", "_"):
            found = await harness.get("thuongtruc", path, params={"q": q})
            assert found.status_code == 200 and found.json()["items"] == [], (path, q, found.text)

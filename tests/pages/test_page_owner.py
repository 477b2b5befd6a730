"""Whose pages these are comes from the units' data, never from code: a signed-in person
sees their own people's committee (and its address) in the title and the footer (a ward's officer the ward,
followed by its city; the city's officer the city); a visitor sees the deployment's name
(``THIDUA_DEPLOYMENT_NAME``), or none."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import update

from models import Unit

pytestmark = pytest.mark.parametrize("backend", ["sqlite", "postgresql"], indirect=True)


def title_and_footer(html: str) -> tuple[str, str]:
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    footer = re.search(r'<footer class="site-footer">(.*?)</footer>', html, re.S).group(1)
    return title, footer


async def test_each_person_sees_their_own_committee(harness, people):
    ward_officer = people("canbo.tdp1")  # a residential group's officer
    title, footer = title_and_footer((await ward_officer.get("/")).text)
    assert title.endswith(" · UBND phường Thạch Khôi")
    assert footer == "<p>Ủy ban nhân dân phường Thạch Khôi, thành phố Hải Phòng</p>"

    city_officer = people("thanhpho")  # the city's standing body (Sở Nội vụ)
    title, footer = title_and_footer((await city_officer.get("/")).text)
    assert title.endswith(" · UBND TP Hải Phòng")
    assert footer == "<p>Ủy ban nhân dân thành phố Hải Phòng</p>"
    assert "Thạch Khôi" not in footer


async def test_a_renamed_unit_is_shown_by_its_new_name(harness, people):
    async with harness.factory() as session:
        await session.execute(
            update(Unit)
            .where(Unit.code == "ubnd-thach-khoi")
            .values(
                name="Ủy ban nhân dân phường Hòa Bình",
                short_name="UBND phường Hòa Bình",
                address="Số 1 đường Hòa Bình",
            )
        )
        await session.commit()
    title, footer = title_and_footer((await people("thuongtruc").get("/")).text)
    assert title.endswith(" · UBND phường Hòa Bình")
    assert footer == (
        "<p>Ủy ban nhân dân phường Hòa Bình, thành phố Hải Phòng</p><p>Số 1 đường Hòa Bình</p>"
    )


async def test_a_visitor_sees_the_deployments_name(harness, people, monkeypatch):
    visitor = people(None)
    title, footer = title_and_footer((await visitor.get("/login")).text)
    assert "·" not in title and footer == ""  # no name set: none made up

    monkeypatch.setattr(
        harness.app.state.thidua.settings, "deployment_name", "Thi đua - Khen thưởng Hải Phòng"
    )
    for path in ("/login", "/cong-khai"):
        title, footer = title_and_footer((await visitor.get(path)).text)
        assert title.endswith(" · Thi đua - Khen thưởng Hải Phòng"), path
        assert footer == "<p>Thi đua - Khen thưởng Hải Phòng</p>", path

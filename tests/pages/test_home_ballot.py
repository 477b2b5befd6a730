"""A short agenda is voted on the member's home page (issue 16): the same sheet as the
ballot page (mode, a choice per item, the written opinion), sent to the same handler, so
a missing choice is refused on the ballot page next to the item; a long agenda keeps its
link only."""

from __future__ import annotations

import pytest

from .test_council_pages import awaiting_council

pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)


async def test_a_short_agenda_is_voted_from_the_home_page(harness, people):
    hoa = await awaiting_council(harness, person="Nguyễn Thị Hoa")
    session = await harness.convene([hoa])
    member = people("uyvien.xdd")
    home = await member.get("/")
    form = home.text.split(f'id="home-ballot-{session["id"]}"')[1].split("</form>")[0]
    assert '<input type="radio" name="mode" value="in_person" checked>' in form
    assert f'name="choice-{hoa}" value="agree">' in form  # nothing chosen for the member
    assert f'href="/nominations/{hoa}"' in form and 'name="written_opinion"' in form

    ballot = f"/council-sessions/{session['id']}/ballot"
    refused = await member.post(ballot, {"mode": "in_person"}, csrf_from="/")
    assert refused.status_code == 422
    assert f'id="choice-{hoa}-error">Chọn một ý kiến cho mục này</p>' in refused.text

    cast = await member.post(ballot, {"mode": "in_person", f"choice-{hoa}": "agree"}, csrf_from="/")
    assert cast.status_code == 303
    after = await member.get("/")
    assert f'id="home-ballot-{session["id"]}"' not in after.text  # voted: off the home page
    receipts = await harness.get("thuongtruc", f"/api/v1/council-sessions/{session['id']}")
    voted = [m for m in receipts.json()["members"] if m["has_voted"]]
    assert len(voted) == 1


async def test_a_long_agenda_keeps_its_own_page(harness, people):
    names = ["Nguyễn Thị Hoa", "Đặng Thị Thủy", "Nguyễn Thị Hoa", "Đặng Thị Thủy"]
    ids = [
        await awaiting_council(harness, person=name, year=2022 + i) for i, name in enumerate(names)
    ]
    session = await harness.convene(ids)
    home = await people("uyvien.xdd").get("/")
    assert f'href="/council-sessions/{session["id"]}/ballot"' in home.text
    assert f'id="home-ballot-{session["id"]}"' not in home.text

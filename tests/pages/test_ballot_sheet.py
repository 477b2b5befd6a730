"""The council member's ballot sheet as a year-end agenda needs it: each item links to the
nominee's dossier (which the member may read) and shows the achievement summary; "Đồng ý
tất cả" marks Agree on every item without casting anything, the member changes some and
casts the sheet with the one final submit; thresholds in the words officials use."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import delete

from domain.vocabulary import Role
from models import RoleGrant

from .test_council_pages import awaiting_council

pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)


async def test_dossier_links_agree_to_all_then_change_one(harness, people):
    hoa = await awaiting_council(harness, person="Nguyễn Thị Hoa")
    lan = await awaiting_council(harness, person="Đặng Thị Thủy")
    session = await harness.convene([hoa, lan])
    ballot = f"/council-sessions/{session['id']}/ballot"
    member = people("uyvien.xdd")

    sheet = await member.get(ballot)
    assert sheet.status_code == 200
    # Each item links to the nomination, which this council member may read, and shows
    # what was achieved; the threshold in words, never "> 1/2".
    for nomination_id in (hoa, lan):
        item = sheet.text.split(f'id="item-{nomination_id}"')[1].split("</fieldset>")[0]
        assert f'href="/nominations/{nomination_id}"' in item
        assert "<details" in item and "Hoàn thành xuất sắc nhiệm vụ năm 2026" in item
        assert "trên 50% tổng số thành viên Hội đồng" in item
        dossier = await member.get(f"/nominations/{nomination_id}")
        assert dossier.status_code == 200
    assert "&gt; 1/2" not in sheet.text and "> 1/2" not in sheet.text
    # The written opinion is marked as the absent member's (hidden by the style sheet
    # unless "in writing" is chosen).
    assert 'class="field written-opinion"' in sheet.text
    assert '<input type="radio" name="mode" value="in_person" checked>' in sheet.text

    session_page = await member.get(f"/council-sessions/{session['id']}")
    assert "trên 50% tổng số thành viên Hội đồng" in session_page.text
    assert "có mặt từ" in session_page.text and "&gt; 1/2" not in session_page.text
    assert "≥ 2/3" not in session_page.text

    # "Đồng ý tất cả": every item marked Agree, the mode kept, nothing cast.
    agreed = await member.post(
        ballot, {"mode": "written", "action": "agree_all", "written_opinion": ""}, csrf_from=ballot
    )
    assert agreed.status_code == 200
    assert 'id="agreed-all"' in agreed.text and "2 mục" in agreed.text
    for nomination_id in (hoa, lan):
        assert f'name="choice-{nomination_id}" value="agree" checked' in agreed.text
    assert '<input type="radio" name="mode" value="written" checked>' in agreed.text
    receipts = await harness.get("thuongtruc", f"/api/v1/council-sessions/{session['id']}")
    assert not any(m["has_voted"] for m in receipts.json()["members"])

    # The same by a link (?all=agree), then the member changes one item and casts.
    linked = await member.get(ballot, params={"all": "agree"})
    assert len(re.findall(r'value="agree" checked', linked.text)) == 2
    cast = await member.post(
        ballot,
        {
            "mode": "written",
            f"choice-{hoa}": "agree",
            f"choice-{lan}": "disagree",
            "written_opinion": "Đề nghị bổ sung minh chứng",
        },
        csrf_from=ballot,
    )
    assert cast.status_code == 303
    after = await harness.get("thuongtruc", f"/api/v1/council-sessions/{session['id']}")
    assert [m["mode"] for m in after.json()["members"] if m["has_voted"]] == ["written"]


async def test_a_member_reads_the_dossiers_on_the_agenda_whatever_their_grants(harness, people):
    """A council member is in the audience of the nominations on their council's agenda
    even without a council-member role grant (a member added to the council, not given
    the role): read only, and only those on the agenda."""
    on_agenda = await awaiting_council(harness, person="Nguyễn Thị Hoa")
    elsewhere = (await harness.nominate(person="Đặng Thị Thủy"))["id"]
    session = await harness.convene([on_agenda])
    async with harness.factory() as db, db.begin():
        await db.execute(
            delete(RoleGrant).where(
                RoleGrant.user_id == harness.ids.users["uyvien.mttq"],
                RoleGrant.role == Role.COUNCIL_MEMBER,
            )
        )
    member = people("uyvien.mttq")
    assert (await member.get(f"/council-sessions/{session['id']}")).status_code == 200
    page = await member.get(f"/nominations/{on_agenda}")
    assert page.status_code == 200 and "Nguyễn Thị Hoa" in page.text
    detail = await harness.get("uyvien.mttq", f"/api/v1/nominations/{on_agenda}")
    assert detail.status_code == 200 and detail.json()["allowed_actions"] == []
    history = await harness.get("uyvien.mttq", f"/api/v1/nominations/{on_agenda}/history")
    assert history.status_code == 200
    for item in detail.json()["dossier_items"]:
        if item.get("download_url"):
            assert (await harness.get("uyvien.mttq", item["download_url"])).status_code == 200
    # Not on the agenda: what a missing id answers; and no command goes through.
    assert (await member.get(f"/nominations/{elsewhere}")).status_code == 403
    refused = await harness.post(
        "uyvien.mttq", f"/api/v1/nominations/{on_agenda}/withdraw", {"reason": "Thử"}
    )
    assert refused.status_code == 403

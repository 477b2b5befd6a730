"""The standing body's pages: incoming dossiers, public notices with objections, the
deadlines board; the city officer sees the same pages for the city level."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from domain.vocabulary import Stage
from models import Nomination
from models.nominations import list_due_key

pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)


async def household_on_notice(harness) -> int:
    created = await harness.nominate(
        unit_user="canbo.tdp1",
        unit_code="tk-tdp-1",
        award_code="gd_van_hoa",
        person=None,
        household="Nguyễn Văn Tâm",
        items=["to_trinh", "danh_sach_ho_gia_dinh", "bien_ban_binh_xet"],
        attestations=["gdvh_standards"],
    )
    await harness.ok("thuongtruc", f"/api/v1/nominations/{created['id']}/accept", {"note": ""})
    await harness.wait_stage(created["id"], Stage.PUBLIC_NOTICE)
    return created["id"]


async def lodge_on_portal(resident, nomination_id: int, fields: dict):
    portal = await resident.get("/cong-khai")
    token = portal.text.split('name="public_csrf" value="')[1].split('"')[0]
    return await resident.http.post(
        f"/cong-khai/y-kien/{nomination_id}", data={**fields, "public_csrf": token}
    )


async def test_incoming_dossiers_for_the_standing_body_only(harness, people):
    incoming = (await harness.nominate())["id"]
    page = await people("thuongtruc").get("/dossiers")
    assert page.status_code == 200
    section = page.text.split('id="incoming"')[1].split("</section>")[0]
    assert f'data-nomination="{incoming}"' in section and "Nguyễn Thị Hoa" in section
    home = await people("thuongtruc").get("/")
    assert f'data-nomination="{incoming}"' in home.text  # what is mine to do
    # The city officer has nothing incoming from the ward yet; the unit officer may not look.
    city = await people("thanhpho").get("/dossiers")
    assert city.status_code == 200 and "Sở Nội vụ" not in city.text.split('id="incoming"')[1][:50]
    assert "Ủy ban nhân dân thành phố Hải Phòng" in city.text
    assert f'data-nomination="{incoming}"' not in city.text
    assert (await people("uyvien.mttq").get("/dossiers")).status_code == 403


async def test_objection_resolved_from_the_notices_page(harness, people):
    nomination_id = await household_on_notice(harness)
    lodged = await lodge_on_portal(
        people(None),
        nomination_id,
        {
            "objector_name": "Lê Văn An",
            "objector_contact": "0987 654 321",
            "reason": "Gia đình chưa tham gia các buổi sinh hoạt tổ dân phố.",
        },
    )
    assert lodged.status_code == 303
    standing = people("thuongtruc")
    page = await standing.get("/notices")
    assert "Lê Văn An" in page.text and "Gia đình chưa tham gia" in page.text
    card = f"/notices#nomination-{nomination_id}"
    refused = await standing.post(
        f"/nominations/{nomination_id}/do/resolve_objection",
        {
            "objection_key": page.text.split('name="objection_key" value="')[1].split('"')[0],
            "reason": "",
            "back": card,
        },
        csrf_from="/notices",
    )
    assert refused.status_code == 422
    assert "Vui lòng nhập trường này" in refused.text and "Lê Văn An" in refused.text
    key = page.text.split('name="objection_key" value="')[1].split('"')[0]
    assert (
        f'id="outcome-{key}-error"' in refused.text and f'id="reason-{key}-error"' in refused.text
    )
    done = await standing.post(
        f"/nominations/{nomination_id}/do/resolve_objection",
        {
            "objection_key": key,
            "outcome": "dismissed",
            "reason": "Đã xác minh, gia đình có tham gia",
            "back": card,
        },
        csrf_from="/notices",
    )
    assert done.status_code == 303 and done.headers["location"] == card
    after = await standing.get(f"/nominations/{nomination_id}")
    assert "Bác bỏ phản ánh: Đã xác minh" in after.text


async def test_deadlines_board_shows_overdue_per_level(harness, people):
    late = (await harness.nominate())["id"]
    soon = (await harness.nominate(person="Đặng Thị Thủy"))["id"]
    due = await harness.now() - timedelta(days=2)
    async with harness.factory() as session, session.begin():
        # A bulk UPDATE names the list key too (the board reads the list indexes).
        await session.execute(
            update(Nomination)
            .where(Nomination.id == late)
            .values(stage_due_at=due, list_due_at=list_due_key(due))
        )
    board = await people("thuongtruc").get("/deadlines")
    assert board.status_code == 200
    assert "Cấp phường — Ủy ban nhân dân phường Thạch Khôi" in board.text
    overdue, _, rest = board.text.partition("Sắp đến hạn (")
    assert f'data-nomination="{late}" class="is-overdue"' in overdue
    assert f'data-nomination="{soon}"' in rest
    assert "Quá hạn: 1" in board.text
    chairman = await people("chutich").get("/deadlines?level=ward&within=5")
    assert chairman.status_code == 200 and f'data-nomination="{late}"' in chairman.text
    city = await people("chutich").get("/deadlines?level=city")
    assert f'data-nomination="{late}"' not in city.text

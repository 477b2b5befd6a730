"""One Giấy khen from the unit's form to the public portal, through the pages only
(server-side, httpx): every step a person takes is a form post answered by a redirect."""

from __future__ import annotations

import asyncio
import re

from domain.vocabulary import Stage

from .files import tiny_pdf

# On both databases (the backend fixture is parametrized over SQLite and PostgreSQL).

ITEMS = ["to_trinh", "bao_cao_thanh_tich", "bien_ban_binh_xet"]


def location(response) -> str:
    assert response.status_code == 303, (response.status_code, response.text[:3000])
    return response.headers["location"]


async def test_giay_khen_through_the_pages(harness, people):
    unit = people("canbo.vanphong")
    hoa = harness.ids.people["Nguyễn Thị Hoa"]
    form = {
        "nominee": f"individual:{hoa}",
        "award_code": "giay_khen",
        "year": "2026",
        "achievement_summary": "Hoàn thành xuất sắc nhiệm vụ năm 2026",
        "attestations": ["exemplary", "movement_achievement"],
    }
    checked = await unit.post(
        "/nominations/new", {**form, "action": "check"}, csrf_from="/nominations/new"
    )
    assert checked.status_code == 200, checked.text[:3000]
    assert 'data-eligible="yes"' in checked.text, checked.text
    saved = await unit.post(
        "/nominations/new", {**form, "action": "save"}, csrf_from="/nominations/new"
    )
    page = location(saved)
    nomination_id = int(page.rsplit("/", 1)[1])
    for code in ITEMS:
        uploaded = await unit.post(
            f"/nominations/{nomination_id}/files",
            {"item_code": code},
            csrf_from=page,
            files={"file": (f"{code}.pdf", tiny_pdf(code), "application/pdf")},
        )
        location(uploaded)
    submitted = await unit.post(f"/nominations/{nomination_id}/submit", csrf_from=page)
    location(submitted)
    await harness.wait_stage(nomination_id, Stage.RECEPTION)

    standing = people("thuongtruc")
    accepted = await standing.post(
        f"/nominations/{nomination_id}/do/accept_dossier", {"note": "Đủ hồ sơ"}, csrf_from=page
    )
    location(accepted)
    await harness.wait_stage(nomination_id, Stage.AWAITING_COUNCIL)
    convened = await standing.post(
        "/council-sessions",
        {
            "title": "Phiên họp tháng 11",
            "closes_at": "",
            "nomination_ids": [str(nomination_id)],
        },
        csrf_from="/council-sessions",
    )
    assert convened.status_code == 422 and "closes_at-error" in convened.text
    sessions_page = await standing.get("/council-sessions")
    closes = re.search(r'name="closes_at" type="text" value="([^"]+)"', sessions_page.text).group(1)
    convened = await standing.post(
        "/council-sessions",
        {
            "title": "Phiên họp tháng 11",
            "closes_at": closes,
            "nomination_ids": [str(nomination_id)],
        },
        csrf_from="/council-sessions",
    )
    session_page = location(convened)
    session_id = int(session_page.rsplit("/", 1)[1])
    await harness.wait_stage(nomination_id, Stage.IN_COUNCIL)
    for member in ("chutich", "phochutich", "uyvien.mttq", "uyvien.xdd"):
        voter = people(member)
        ballot = f"/council-sessions/{session_id}/ballot"
        cast = await voter.post(
            ballot, {"mode": "in_person", f"choice-{nomination_id}": "agree"}, csrf_from=ballot
        )
        location(cast)
        receipt = await voter.get(ballot)
        assert (
            'id="receipt"' in receipt.text
            and "Đồng ý" not in receipt.text.split('id="receipt"')[1][:400]
        )
    closed = await standing.post(
        f"/council-sessions/{session_id}/close", {}, csrf_from=session_page
    )
    location(closed)
    await harness.wait_stage(nomination_id, Stage.AWAITING_DECISION)
    drafted = await standing.post(
        "/decisions",
        {"kind": "decision", "nomination_ids": [str(nomination_id)]},
        csrf_from="/decisions",
    )
    decision_page = location(drafted)
    decision_id = int(decision_page.rsplit("/", 1)[1])
    chairman = people("chutich")
    for _ in range(100):
        queue = await chairman.get("/signing")
        if 'id="sign-form"' in queue.text:
            break
        await asyncio.sleep(0.05)
    signed = await chairman.post(f"/decisions/{decision_id}/sign", {}, csrf_from="/signing")
    location(signed)
    # Signed, not yet issued: the clerk (văn thư) issues it from the issuing queue.
    clerk = people("vanthu")
    queue = await clerk.get("/issuing")
    assert queue.status_code == 200 and f"/decisions/{decision_id}/issue" in queue.text
    issued = await clerk.post(f"/decisions/{decision_id}/issue", {}, csrf_from="/issuing")
    location(issued)
    row = await harness.wait_stage(nomination_id, Stage.GRANTED)
    resident = people(None)
    portal = await resident.get("/cong-khai")
    assert row.decision_number in portal.text
    verify = await resident.get("/xac-minh", params={"number": row.decision_number})
    assert "Nguyễn Thị Hoa" in verify.text

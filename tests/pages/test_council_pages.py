"""Council pages: convening with errors next to the fields, the ballot sheet (one form,
recused items not votable, written opinion when absent), the receipt that never shows
the choices, following the votes, closing."""

from __future__ import annotations

import re

import pytest

from domain.vocabulary import Level, Role, Stage
from models import RoleGrant

pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)


async def awaiting_council(harness, **kwargs) -> int:
    nomination_id = (await harness.nominate(**kwargs))["id"]
    await harness.ok("thuongtruc", f"/api/v1/nominations/{nomination_id}/accept", {"note": ""})
    await harness.wait_stage(nomination_id, Stage.AWAITING_COUNCIL)
    return nomination_id


async def test_convene_errors_then_session(harness, people):
    first = await awaiting_council(harness)
    standing = people("thuongtruc")
    page = await standing.get("/council-sessions")
    assert f'name="nomination_ids" value="{first}" checked' in page.text
    refused = await standing.post(
        "/council-sessions",
        {"title": "", "closes_at": "2020-01-01T08:00", "nomination_ids": []},
        csrf_from="/council-sessions",
    )
    assert refused.status_code == 422
    assert 'id="title-error">Vui lòng nhập trường này</p>' in refused.text
    assert 'id="nomination_ids-error">Vui lòng chọn</p>' in refused.text
    past = await standing.post(
        "/council-sessions",
        {"title": "Phiên họp", "closes_at": "2020-01-01T08:00", "nomination_ids": [str(first)]},
        csrf_from="/council-sessions",
    )
    assert past.status_code == 422
    assert 'id="closes_at-error">Thời hạn bỏ phiếu phải từ 5 phút đến 60 ngày' in past.text
    closes = re.search(r'name="closes_at" type="text" value="([^"]+)"', page.text).group(1)
    made = await standing.post(
        "/council-sessions",
        {"title": "Phiên họp xét Giấy khen", "closes_at": closes, "nomination_ids": [str(first)]},
        csrf_from="/council-sessions",
    )
    assert made.status_code == 303
    session_page = await standing.get(made.headers["location"])
    assert "Đã triệu tập phiên họp" in session_page.text
    assert "0/5 thành viên đã bỏ phiếu" in session_page.text
    assert 'id="close-form"' in session_page.text
    member_view = await people("uyvien.mttq").get(made.headers["location"])
    assert member_view.status_code == 200 and 'id="close-form"' not in member_view.text
    assert (await people("canbo.vanphong").get(made.headers["location"])).status_code == 403


async def test_ballot_sheet_recusal_written_opinion_and_receipt(harness, people):
    # Vũ Thị Lan (uyvien.mttq) is nominated by her own organisation: she is recused.
    async with harness.factory() as session, session.begin():
        session.add(
            RoleGrant(
                user_id=harness.ids.users["canbo.vanphong"],
                role=Role.UNIT_OFFICER,
                unit_id=harness.ids.units["tk-mttq"],
                level=Level.WARD,
            )
        )
    own = await awaiting_council(harness, person="Vũ Thị Lan", unit_code="tk-mttq")
    other = await awaiting_council(harness, person="Nguyễn Thị Hoa")
    session = await harness.convene([own, other])
    ballot = f"/council-sessions/{session['id']}/ballot"
    lan = people("uyvien.mttq")
    home = await lan.get("/")
    assert ballot in home.text  # the ballot waits for her on her home page
    sheet = await lan.get(ballot)
    recused = sheet.text.split(f'id="item-{own}"')[1].split("</fieldset>")[0]
    assert "Không tham gia biểu quyết (có xung đột lợi ích)" in recused
    assert 'type="radio"' not in recused
    assert f'name="choice-{other}"' in sheet.text
    missing = await people("uyvien.xdd").post(ballot, {"mode": "in_person"}, csrf_from=ballot)
    assert missing.status_code == 422
    assert missing.text.count("Chọn một ý kiến cho mục này") == 2
    # A written opinion is an absent member's: a member present is told so, by the field.
    present = await people("uyvien.xdd").post(
        ballot,
        {
            "mode": "in_person",
            f"choice-{own}": "agree",
            f"choice-{other}": "agree",
            "written_opinion": "Đề nghị xem xét thêm thành tích",
        },
        csrf_from=ballot,
    )
    assert present.status_code == 422
    assert (
        'id="written_opinion-error">Ý kiến bằng văn bản dành cho thành viên vắng mặt'
        in present.text
    )
    # A choice slipped in for the recused item is not sent: the sheet only carries the
    # items she votes on (the workflow would refuse it).
    cast = await lan.post(
        ballot,
        {
            "mode": "written",
            f"choice-{other}": "disagree",
            f"choice-{own}": "agree",
            "written_opinion": "Vắng mặt, gửi ý kiến bằng văn bản",
        },
        csrf_from=ballot,
    )
    assert cast.status_code == 303
    receipt = await lan.get(ballot)
    shown = receipt.text.split('id="receipt"')[1].split("</section>")[0]
    assert "Bạn đã gửi phiếu lúc" in shown and "Bằng văn bản" in shown
    assert "Không đồng ý" not in receipt.text and 'type="radio"' not in receipt.text
    again = await lan.post(ballot, {"mode": "in_person", f"choice-{other}": "agree"}, csrf_from="/")
    assert again.status_code == 409  # one sheet per member
    assert "Thành viên đã bỏ phiếu cho phiên họp này" in again.text
    standing = await people("thuongtruc").get(f"/council-sessions/{session['id']}")
    voted = standing.text.split('id="members"')[1].split("</ul>")[0]
    assert voted.count('data-voted="yes"') == 1 and "Vũ Thị Lan" in voted
    assert "Bằng văn bản" in voted
    assert (await people("canbo.vanphong").get(ballot)).status_code == 403
    assert (await people("thuongtruc").get(ballot)).status_code == 403  # not a member


async def test_close_from_the_session_page(harness, people):
    nomination_id = await awaiting_council(harness)
    session = await harness.convene([nomination_id])
    for member in ("chutich", "phochutich", "uyvien.vhxh", "uyvien.mttq"):
        await harness.vote(session["id"], member, {nomination_id: "agree"})
    page = f"/council-sessions/{session['id']}"
    refused = await people("uyvien.mttq").post(f"{page}/close", {}, csrf_from=page)
    assert refused.status_code == 403
    closed = await people("thuongtruc").post(f"{page}/close", {}, csrf_from=page)
    assert closed.status_code == 303
    await harness.wait_stage(nomination_id, Stage.AWAITING_DECISION)
    after = await people("thuongtruc").get(page)
    assert 'data-status="closed"' in after.text and "Thông qua" in after.text
    assert "Đồng ý 4" in after.text

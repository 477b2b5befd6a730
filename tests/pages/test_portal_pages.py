"""The public portal, without an account: notices with the objection form (errors next to
the fields, a rate limit whose message is shown on the page), issued decisions."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from models import Objection

from .test_standing_pages import household_on_notice

pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)

GOOD = {
    "objector_name": "Trần Văn Bình",
    "objector_contact": "Số 7, Tổ dân phố số 1",
    "reason": "Gia đình chưa thực hiện đúng quy định về vệ sinh môi trường.",
}


async def post_objection(resident, nomination_id: int, fields: dict, token: str | None = None):
    if token is None:
        await resident.get("/cong-khai")
        token = resident.http.cookies.get("thidua_public_csrf")
    return await resident.http.post(
        f"/cong-khai/y-kien/{nomination_id}", data={**fields, "public_csrf": token}
    )


async def objections(harness, nomination_id: int) -> list[Objection]:
    async with harness.factory() as session:
        return list(
            (
                await session.execute(
                    select(Objection).where(Objection.nomination_id == nomination_id)
                )
            ).scalars()
        )


async def test_portal_lists_notices_and_takes_an_objection(harness, people):
    nomination_id = await household_on_notice(harness)
    resident = people(None)
    portal = await resident.get("/cong-khai")
    assert portal.status_code == 200 and '<html lang="vi">' in portal.text
    assert "Hộ gia đình ông/bà Nguyễn Văn Tâm" in portal.text and "Gia đình văn hóa" in portal.text
    assert "Chưa có quyết định nào được ban hành." in portal.text
    refused = await post_objection(
        resident, nomination_id, {"objector_name": "", "objector_contact": "12", "reason": "ngắn"}
    )
    assert refused.status_code == 422
    assert f'id="o{nomination_id}-objector_name-error">Vui lòng nhập trường này</p>' in refused.text
    assert f'id="o{nomination_id}-objector_contact-error">Cần ít nhất 5 ký tự</p>' in refused.text
    assert f'id="o{nomination_id}-reason-error">Cần ít nhất 10 ký tự</p>' in refused.text
    assert 'value="12"' in refused.text  # what was typed stays
    forged = await post_objection(resident, nomination_id, GOOD, token="forged")
    assert forged.status_code == 403 and "Biểu mẫu đã hết hạn" in forged.text
    assert await objections(harness, nomination_id) == []
    lodged = await post_objection(resident, nomination_id, GOOD)
    assert lodged.status_code == 303
    after = await resident.get(lodged.headers["location"])
    assert "Đã nhận ý kiến phản ánh của bạn" in after.text
    [saved] = await objections(harness, nomination_id)
    assert (
        saved.objector_name == "Trần Văn Bình"
        and saved.objector_contact == GOOD["objector_contact"]
    )


async def test_rate_limit_message_on_the_page(harness, people):
    """One contact has three objections on a notice; the fourth is refused on the page,
    saying so (the address-wide limit: tests/abuse/test_rate_limits.py)."""
    nomination_id = await household_on_notice(harness)
    resident = people(None)
    for _ in range(3):
        assert (await post_objection(resident, nomination_id, GOOD)).status_code == 303
    refused = await post_objection(resident, nomination_id, GOOD)
    assert refused.status_code == 409
    assert "Mỗi người gửi tối đa 3 ý kiến phản ánh cho một thông báo công khai" in refused.text
    assert f'id="objection-{nomination_id}-error"' in refused.text
    assert len(await objections(harness, nomination_id)) == 3


async def test_objection_after_the_notice_is_refused_on_the_page(harness, people):
    granted = (await harness.nominate())["id"]  # never publicly posted
    refused = await post_objection(people(None), granted, GOOD)
    assert refused.status_code == 409
    assert "Hết thời gian công khai" in refused.text

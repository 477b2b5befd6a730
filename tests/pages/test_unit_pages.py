"""The unit officer's pages: starting a nomination with the eligibility check, the
dossier upload with its limits, submitting, supplementing a returned dossier, withdrawing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from domain.vocabulary import Stage
from models import DossierItem, Nomination

from .files import tiny_pdf, tiny_png

pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)

ITEMS = ["to_trinh", "bao_cao_thanh_tich", "bien_ban_binh_xet"]


async def count_nominations(harness) -> int:
    async with harness.factory() as session:
        return (await session.execute(select(func.count()).select_from(Nomination))).scalar_one()


async def test_new_form_offers_only_the_units_own_nominees(harness, people):
    page = await people("canbo.vanphong").get("/nominations/new")
    assert page.status_code == 200
    assert "Nguyễn Thị Hoa" in page.text and "Đặng Thị Thủy" in page.text  # Văn phòng
    assert "Trần Văn Minh" not in page.text  # Phòng Kinh tế
    assert "Giấy khen của Chủ tịch Ủy ban nhân dân phường" in page.text
    assert (await people("thuongtruc").get("/nominations/new")).status_code == 403


async def test_eligibility_is_checked_before_saving_with_reasons(harness, people):
    unit = people("canbo.vanphong")
    hoa = harness.ids.people["Nguyễn Thị Hoa"]
    before = await count_nominations(harness)
    response = await unit.post(
        "/nominations/new",
        {
            "nominee": f"individual:{hoa}",
            "award_code": "giay_khen",
            "year": "2026",
            "action": "check",
        },
        csrf_from="/nominations/new",
    )
    assert response.status_code == 200
    assert 'data-eligible="no"' in response.text and "Chưa đủ điều kiện" in response.text
    assert 'data-code="exemplary"' in response.text
    assert "Chưa có xác nhận của đơn vị" in response.text  # the unmet reason, in Vietnamese
    assert await count_nominations(harness) == before  # a check writes nothing


async def test_form_errors_are_shown_next_to_the_field(harness, people):
    unit = people("canbo.vanphong")
    response = await unit.post(
        "/nominations/new",
        {"nominee": "", "award_code": "giay_khen", "year": "19", "action": "save"},
        csrf_from="/nominations/new",
    )
    assert response.status_code == 422
    assert 'id="nominee-error">Vui lòng chọn</p>' in response.text
    assert 'id="year-error">Giá trị nằm ngoài khoảng cho phép</p>' in response.text
    assert 'aria-describedby="nominee-error"' in response.text
    # A nominee of another unit is refused by the service, named on the same field.
    minh = harness.ids.people["Trần Văn Minh"]
    response = await unit.post(
        "/nominations/new",
        {
            "nominee": f"individual:{minh}",
            "award_code": "giay_khen",
            "year": "2026",
            "action": "save",
        },
        csrf_from="/nominations/new",
    )
    assert response.status_code == 422
    assert 'id="nominee-error">Đối tượng không thuộc đơn vị đề nghị</p>' in response.text


async def test_a_form_without_its_token_is_refused_and_writes_nothing(harness, people):
    unit = people("canbo.vanphong")
    hoa = harness.ids.people["Nguyễn Thị Hoa"]
    before = await count_nominations(harness)
    response = await unit.post(
        "/nominations/new",
        {
            "nominee": f"individual:{hoa}",
            "award_code": "giay_khen",
            "year": "2026",
            "action": "save",
            "csrf_token": "forged",
        },
    )
    assert response.status_code == 403
    assert "Biểu mẫu đã hết hạn" in response.text
    assert await count_nominations(harness) == before


async def _draft(unit, harness) -> int:
    hoa = harness.ids.people["Nguyễn Thị Hoa"]
    saved = await unit.post(
        "/nominations/new",
        {
            "nominee": f"individual:{hoa}",
            "award_code": "giay_khen",
            "year": "2026",
            "attestations": ["exemplary", "movement_achievement"],
            "action": "save",
        },
        csrf_from="/nominations/new",
    )
    assert saved.status_code == 303
    return int(saved.headers["location"].rsplit("/", 1)[1])


async def test_upload_limits_and_submit(harness, people):
    unit = people("canbo.vanphong")
    nomination_id = await _draft(unit, harness)
    page = f"/nominations/{nomination_id}"
    draft = await unit.get(page)
    assert "Đã lưu bản nháp" in draft.text  # the flash message, once
    assert "Đã lưu bản nháp" not in (await unit.get(page)).text
    assert 'data-eligible="yes"' in draft.text
    # A text file pretending to be a PDF is refused next to the file field.
    refused = await unit.post(
        f"{page}/files",
        {"item_code": "to_trinh"},
        csrf_from=page,
        files={"file": ("to_trinh.pdf", b"just text", "application/pdf")},
    )
    assert refused.status_code == 422
    assert 'id="upload-file-error">Chỉ nhận tệp PDF, JPEG hoặc PNG</p>' in refused.text
    # Larger than the limit: refused with the limit in MB.
    harness.settings.upload_max_bytes = 2 * 1024 * 1024
    big = b"%PDF-1.4\n" + b"0" * (2 * 1024 * 1024)
    refused = await unit.post(
        f"{page}/files",
        {"item_code": "to_trinh"},
        csrf_from=page,
        files={"file": ("big.pdf", big, "application/pdf")},
    )
    assert refused.status_code == 422 and "Tệp quá lớn (tối đa 2 MB)" in refused.text
    missing = await unit.post(f"{page}/files", {"item_code": ""}, csrf_from=page)
    assert 'id="upload-item_code-error">Vui lòng chọn</p>' in missing.text
    assert 'id="upload-file-error">Vui lòng chọn</p>' in missing.text
    for code in ITEMS:
        body = tiny_png() if code == "bien_ban_binh_xet" else tiny_pdf(code)
        name = f"{code}.png" if code == "bien_ban_binh_xet" else f"{code}.pdf"
        ok = await unit.post(
            f"{page}/files",
            {"item_code": code},
            csrf_from=page,
            files={"file": (name, body, "application/octet-stream")},
        )
        assert ok.status_code == 303, ok.text[:2000]
    async with harness.factory() as session:
        types = sorted(
            (
                await session.execute(
                    select(DossierItem.content_type).where(
                        DossierItem.nomination_id == nomination_id
                    )
                )
            ).scalars()
        )
    assert types == ["application/pdf", "application/pdf", "image/png"]  # sniffed, not declared
    submitted = await unit.post(f"{page}/submit", csrf_from=page)
    assert submitted.status_code == 303
    # The timeline's entry is the workflow's own record of the submission, written just after.
    await harness.wait_recorded(nomination_id)
    after = await unit.get(page)
    assert "Đã nộp hồ sơ đề nghị" in after.text and 'data-stage="reception"' in after.text
    assert "Cơ quan thường trực HĐTĐKT — Phòng Văn hóa - Xã hội" in after.text  # who acts
    assert 'data-action="submitted"' in after.text  # the timeline


async def test_an_ineligible_draft_cannot_be_submitted(harness, people):
    unit = people("canbo.vanphong")
    hoa = harness.ids.people["Nguyễn Thị Hoa"]
    saved = await unit.post(
        "/nominations/new",
        {
            "nominee": f"individual:{hoa}",
            "award_code": "giay_khen",
            "year": "2026",
            "action": "save",
        },
        csrf_from="/nominations/new",
    )
    page = saved.headers["location"]
    response = await unit.post(f"{page}/submit", csrf_from=page)
    assert response.status_code == 422
    assert "Chưa đủ điều kiện" in response.text
    assert 'data-stage="draft"' in response.text


async def test_returned_dossier_is_supplemented_and_resubmitted(harness, people):
    created = await harness.nominate(items=["to_trinh", "bao_cao_thanh_tich"])
    nomination_id = created["id"]
    page = f"/nominations/{nomination_id}"
    standing = people("thuongtruc")
    # Accepting an incomplete dossier is refused, naming the missing item.
    refused = await standing.post(f"{page}/do/accept_dossier", {}, csrf_from=page)
    assert refused.status_code == 409
    assert "Hồ sơ còn thiếu: Biên bản bình xét thi đua" in refused.text
    # Returning needs the missing items named.
    refused = await standing.post(
        f"{page}/do/return_for_supplement", {"reason": "Thiếu biên bản"}, csrf_from=page
    )
    assert refused.status_code == 422
    assert (
        'id="return_for_supplement-missing_items-error">Vui lòng nhập trường này</p>'
        in refused.text
    )
    returned = await standing.post(
        f"{page}/do/return_for_supplement",
        {"missing_items": ["bien_ban_binh_xet"], "reason": "Thiếu biên bản bình xét"},
        csrf_from=page,
    )
    assert returned.status_code == 303
    unit = people("canbo.vanphong")
    home = await unit.get("/")
    assert (
        f'data-nomination="{nomination_id}"'
        in home.text.split('id="tasks"')[1].split("</section>")[0]
    )
    view = await unit.get(page)
    assert 'id="upload-form"' in view.text and 'id="form-resubmit"' in view.text
    uploaded = await unit.post(
        f"{page}/files",
        {"item_code": "bien_ban_binh_xet"},
        csrf_from=page,
        files={"file": ("bb.pdf", tiny_pdf(), "application/pdf")},
    )
    assert uploaded.status_code == 303
    resubmitted = await unit.post(
        f"{page}/do/resubmit", {"added_items": ["bien_ban_binh_xet"]}, csrf_from=page
    )
    assert resubmitted.status_code == 303
    row = await harness.wait_stage(nomination_id, Stage.RECEPTION)
    assert row.stage == Stage.RECEPTION
    accepted = await standing.post(f"{page}/do/accept_dossier", {}, csrf_from=page)
    assert accepted.status_code == 303


async def test_withdraw_needs_a_reason_and_only_the_unit_may(harness, people):
    nomination_id = (await harness.nominate())["id"]
    page = f"/nominations/{nomination_id}"
    other = people("canbo.truonghoc")
    assert (await other.get(page)).status_code == 403
    unit = people("canbo.vanphong")
    refused = await unit.post(f"{page}/do/withdraw", {"reason": "  "}, csrf_from=page)
    assert refused.status_code == 422 and 'id="withdraw-reason-error"' in refused.text
    done = await unit.post(
        f"{page}/do/withdraw", {"reason": "Đơn vị rút để bổ sung năm sau"}, csrf_from=page
    )
    assert done.status_code == 303
    after = await unit.get(page)
    assert 'data-stage="withdrawn"' in after.text and "Đã thực hiện: Rút đề nghị" in after.text

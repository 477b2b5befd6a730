"""A draft decision as a Word file (issue 17), in a real browser: the standing body edits
the title and the legal grounds in "Sửa dự thảo", saves, and downloads "Tải bản Word
(.docx)"; the file opens with a .docx reader and says what was saved, in the Decree
30/2020 layout (the national title in the header block). The public notice of a
nomination downloads the same way from the nomination's page."""

from __future__ import annotations

import pytest
from docx import Document
from playwright.async_api import expect

from domain.vocabulary import DecisionStatus, Stage
from tests.abuse.test_document_audience import notice_document
from tests.browser.test_ward_daily_pages import Browsers
from tests.browser.test_whole_nomination import flash
from tests.pages.test_decision_pages import awaiting_decision, wait_status

pytestmark = [pytest.mark.browser, pytest.mark.parametrize("backend", ["sqlite"], indirect=True)]

TITLE = "Về việc tặng Giấy khen cho cá nhân tiêu biểu năm 2026"
GROUND = "Căn cứ Kế hoạch số 12/KH-UBND về phong trào thi đua năm 2026;"


async def test_the_standing_body_edits_and_downloads_the_draft_as_word(
    harness, live_server, chromium, tmp_path
):
    nomination_id = await awaiting_decision(harness)
    drafted = await harness.ok(
        "thuongtruc", "/api/v1/decisions", {"nomination_ids": [nomination_id]}, status=201
    )
    decision_id = drafted["id"]
    await wait_status(harness, decision_id, DecisionStatus.AWAITING_SIGNATURE)
    people = Browsers(chromium, live_server)
    try:
        standing = await people.page("thuongtruc")
        await standing.goto(f"/decisions/{decision_id}")
        form = standing.locator("#edit-draft-form")
        await form.get_by_label("Trích yếu (về việc)").fill(TITLE)
        grounds = form.get_by_label("Căn cứ (mỗi dòng một căn cứ)")
        await grounds.fill(f"{await grounds.input_value()}\n{GROUND}")
        await form.get_by_role("button", name="Lưu dự thảo").click()
        assert "Đã lưu dự thảo" in await flash(standing)

        async with standing.expect_download() as download_info:
            await standing.get_by_role("link", name="Tải bản Word (.docx)").click()
        download = await download_info.value
        assert download.suggested_filename.endswith(".docx")
        path = tmp_path / download.suggested_filename
        await download.save_as(path)
        await expect(standing.locator("#edit-draft-form")).to_be_visible()
    finally:
        await people.close()

    document = Document(str(path))
    texts = [p.text for p in document.paragraphs]
    assert TITLE in texts and GROUND in texts
    awardees = [cell.text for row in document.tables[2].rows for cell in row.cells]
    assert "Nguyễn Thị Hoa" in awardees
    header = document.tables[0].rows[0].cells[1].text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in header


async def test_the_standing_body_downloads_the_public_notice_as_word(
    harness, live_server, chromium, tmp_path
):
    household = (
        await harness.nominate(
            unit_user="canbo.tdp1",
            unit_code="tk-tdp-1",
            award_code="gd_van_hoa",
            person=None,
            household="Bùi Văn Khải",
            items=["to_trinh", "danh_sach_ho_gia_dinh", "bien_ban_binh_xet"],
            attestations=["gdvh_standards"],
        )
    )["id"]
    await harness.ok("thuongtruc", f"/api/v1/nominations/{household}/accept", {})
    await harness.wait_stage(household, Stage.PUBLIC_NOTICE)
    await notice_document(harness, household)  # issued in the background
    people = Browsers(chromium, live_server)
    try:
        standing = await people.page("thuongtruc")
        await standing.goto(f"/nominations/{household}")
        link = standing.locator("#documents").get_by_role("link", name="Tải bản Word (.docx)")
        async with standing.expect_download() as download_info:
            await link.click()
        download = await download_info.value
        assert download.suggested_filename.startswith("thong-bao-cong-khai-")
        path = tmp_path / download.suggested_filename
        await download.save_as(path)
    finally:
        await people.close()

    document = Document(str(path))
    texts = [p.text for p in document.paragraphs]
    assert "THÔNG BÁO" in texts
    nominees = [cell.text for row in document.tables[1].rows for cell in row.cells]
    assert any("Bùi Văn Khải" in text and "(hộ gia đình)" in text for text in nominees), nominees
    assert any(text.startswith("Thời gian công khai: từ ") for text in texts)

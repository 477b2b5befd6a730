"""The unit officer's new nomination and draft in a real browser (issue 16): the ward's
running campaign is already chosen (point 4), choosing oneself as nominee raises a warning
at once (point 12), and a file uploaded by mistake is removed from the draft with «Xóa»,
the removal in the timeline (point 3)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.async_api import expect

from tests.browser.test_whole_nomination import People, flash
from tests.campaigns.helpers import launch_campaign, this_year
from tests.pages.files import tiny_pdf

pytestmark = [pytest.mark.browser, pytest.mark.parametrize("backend", ["sqlite"], indirect=True)]


async def test_campaign_self_warning_and_a_file_removed(
    harness, live_server, chromium, checkpoint, tmp_path: Path
):
    campaign_id = await launch_campaign(harness, await this_year(harness))
    people = People(chromium, live_server)
    try:
        unit = await people.page("canbo.vanphong")
        await unit.goto("/nominations/new")
        campaign = unit.get_by_label(re.compile("^Phong trào thi đua"))
        await expect(campaign).to_have_value(str(campaign_id))
        nominee = unit.get_by_label("Đối tượng đề nghị")
        warning = unit.locator("#self-proposal-warning")
        await expect(warning).to_be_hidden()
        await nominee.select_option(f"individual:{harness.ids.people['Hoàng Văn Nam']}")
        await expect(warning).to_be_visible()
        await expect(warning).to_contain_text("chính mình")
        await nominee.select_option(f"individual:{harness.ids.people['Nguyễn Thị Hoa']}")
        await expect(warning).to_be_hidden()
        await unit.get_by_label("Danh hiệu, hình thức").select_option("giay_khen")
        criteria = unit.locator('fieldset[data-award="giay_khen"]')
        await criteria.get_by_role("checkbox", name=re.compile("^Gương mẫu chấp hành")).check()
        await criteria.get_by_role(
            "checkbox", name="Có thành tích được công nhận trong phong trào thi đua"
        ).check()
        await unit.get_by_role("button", name="Lưu bản nháp").click()
        assert "Đã lưu bản nháp" in await flash(unit)
        nomination_id = int(unit.url.rsplit("/", 1)[1])
        assert (await harness.nomination(nomination_id)).campaign_id == campaign_id

        wrong = tmp_path / "nham.pdf"
        wrong.write_bytes(tiny_pdf("nham"))
        form = unit.locator("#upload-form")
        await form.get_by_label("Thành phần hồ sơ").select_option("to_trinh")
        await form.get_by_label(re.compile("^Tệp")).set_input_files(str(wrong))
        await form.get_by_role("button", name="Tải lên").click()
        assert "nham.pdf" in await flash(unit)
        row = unit.locator('#dossier tr[data-item="to_trinh"]')
        await expect(row).to_contain_text("nham.pdf")
        await checkpoint(unit, "20-nomination-dossier-rows")
        await row.get_by_role("button", name="Xóa").click()  # the question is accepted
        assert "Đã xóa tệp nham.pdf khỏi hồ sơ" in await flash(unit)
        await expect(unit.locator('#dossier tr[data-item="to_trinh"]')).to_have_count(0)
        await expect(
            unit.locator('#timeline li[data-action="dossier_item_deleted"]')
        ).to_contain_text("Xóa tệp khỏi hồ sơ")
    finally:
        await people.close()

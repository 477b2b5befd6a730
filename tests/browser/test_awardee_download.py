"""The finance office's awardee list, downloaded from the decision page in a real browser
(issue 17): the button "Tải danh sách khen thưởng ... (Excel)" hands Chromium an .xlsx
whose amounts are numbers and whose total is their sum."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from domain.vocabulary import Stage
from tests.browser.test_ward_daily_pages import Browsers

pytestmark = [pytest.mark.browser, pytest.mark.parametrize("backend", ["sqlite"], indirect=True)]

WARD_MEMBERS = ("chutich", "phochutich", "uyvien.vhxh", "uyvien.mttq")


async def test_the_awardee_list_downloads_from_the_decision_page(harness, live_server, chromium):
    nominations = [
        (await harness.nominate(person=name))["id"] for name in ("Nguyễn Thị Hoa", "Đặng Thị Thủy")
    ]
    for nomination in nominations:
        await harness.ok("thuongtruc", f"/api/v1/nominations/{nomination}/accept", {})
        await harness.wait_stage(nomination, Stage.AWAITING_COUNCIL)
    session = await harness.convene(nominations)
    for member in WARD_MEMBERS:
        await harness.vote(session["id"], member, {n: "agree" for n in nominations})
    await harness.close_session(session["id"])
    for nomination in nominations:
        await harness.wait_stage(nomination, Stage.AWAITING_DECISION)
    draft = await harness.draft_decision(nominations)
    signed = await harness.sign(draft["id"])

    people = Browsers(chromium, live_server)
    try:
        page = await people.page("thuongtruc")
        await page.goto(f"/decisions/{draft['id']}")
        async with page.expect_download() as waiting:
            await page.locator("#awardees-xlsx").click()
        download = await waiting.value
        assert download.suggested_filename.startswith("danh-sach-khen-thuong-")
        assert download.suggested_filename.endswith(".xlsx")
        sheet = load_workbook(io.BytesIO((await download.path()).read_bytes())).active
    finally:
        await people.close()

    assert signed["number_text"] in sheet["A1"].value
    header = int(sheet.freeze_panes[1:]) - 1
    rows = list(sheet.iter_rows(min_row=header + 1, values_only=True))
    awardees, total = rows[:-1], rows[-1]
    assert sorted(r[1] for r in awardees) == ["Nguyễn Thị Hoa", "Đặng Thị Thủy"]
    assert all(isinstance(r[5], int) and r[5] > 0 for r in awardees)
    assert total[1] == "Tổng cộng" and total[5] == sum(r[5] for r in awardees)

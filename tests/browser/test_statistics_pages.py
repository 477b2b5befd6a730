"""The statistics page and the chairman's overview in a real browser (issue 17): the
SVG charts draw inline under the page's CSP (no script), the tables and the forms of
Circular 02/2023/TT-BNV read, the overview links each figure to its list. Screenshots
go to THIDUA_SCREENSHOTS when it names a folder (docs/screenshots)."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from playwright.async_api import expect

from domain.calendar import vietnam_date
from tests.browser.test_whole_nomination import PASSWORD
from tests.statistics.test_statistics import add_award, seed_2025

pytestmark = [pytest.mark.browser, pytest.mark.parametrize("backend", ["sqlite"], indirect=True)]


async def test_statistics_and_overview(harness, live_server, chromium, checkpoint):
    await seed_2025(harness)
    today = vietnam_date(await harness.now())  # the overview shows this year's awards
    for number, name, code in (
        ("1/QĐ-UBND", "Trần Văn Minh", "ldtt"),
        ("2/QĐ-UBND", "Lê Thị Hương", "ldtt"),
        ("3/QĐ-UBND", "Lê Thị Hương", "giay_khen"),
    ):
        person = harness.ids.people[name]
        await add_award(harness, "individual", person, code, today.year, number, today.isoformat())
    await harness.nominate()  # one dossier in reception, for the stage chart
    await harness.nominate(person="Đặng Thị Thủy")
    context = await chromium.new_context(
        base_url=live_server, locale="vi-VN", viewport={"width": 1280, "height": 900}
    )
    try:
        page = await context.new_page()
        await page.goto("/login")
        await page.get_by_label("Tên đăng nhập").fill("chutich")
        await page.get_by_label("Mật khẩu").fill(PASSWORD)
        await page.get_by_role("button", name="Đăng nhập").click()
        await page.get_by_role("link", name="Tổng quan").first.click()
        await expect(page.get_by_role("heading", level=1)).to_have_text("Tổng quan")
        await expect(page.locator("svg[role=img]")).to_have_count(3)
        await expect(page.get_by_role("link", name="Mở danh sách chờ ký")).to_be_visible()
        await checkpoint(page, "16-chairman-overview")
        await page.goto("/thong-ke?year=2025")
        await expect(page.get_by_role("heading", level=1)).to_contain_text("năm 2025")
        chart = page.locator("#chart-by-title-title")
        await expect(chart).to_have_count(1)
        box = await page.locator("svg.chart").first.bounding_box()
        assert box is not None and box["height"] > 100  # drawn, not blocked
        await expect(page.locator("#form-0603")).to_contain_text("Bằng khen")
        await checkpoint(page, "15-statistics")
        await _report_picture(harness)
    finally:
        await context.close()


async def _report_picture(harness) -> None:
    """With THIDUA_SCREENSHOTS: the first page of the statistics PDF as a PNG, drawn by
    pdftoppm (poppler-utils) where it is installed."""
    folder = os.environ.get("THIDUA_SCREENSHOTS")
    pdf = await harness.get("chutich", "/api/v1/statistics.pdf", params={"year": 2025})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    if not folder or shutil.which("pdftoppm") is None:
        return
    source = Path(folder) / "17-statistics-report.pdf"
    source.write_bytes(pdf.content)
    try:
        await asyncio.to_thread(
            subprocess.run,
            [
                "pdftoppm",
                "-png",
                "-r",
                "80",
                "-f",
                "1",
                "-l",
                "2",
                str(source),
                str(source.with_suffix("")),
            ],
            check=True,
            timeout=60,
        )
    finally:
        source.unlink()

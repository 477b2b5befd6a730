"""A new operator's first day, in a real browser (headless Chromium), as issue 15 ("Going
live") asks: a fresh deployment with no demo data (migrated, the catalogue's award types
only); the operator makes the first administrator from the command line (the service
``thidua admin create`` calls, whose one-time link it prints); the administrator chooses a
password through that link, signs in, downloads the full import template and imports the
units, deciding bodies, people, accounts, award history, initiatives and ratings from an
.xlsx file built on the template's own headers. A first file with planted mistakes is
refused: nothing is written, each mistake is listed by sheet, row and column. The corrected
file is applied and mails the new accounts their setup links (a real SMTP server). The
imported unit officer opens the mailed link, chooses a password, signs in and proposes a
Chiến sĩ thi đua thành phố whose eligibility rests on the imported CSTĐCS years and the
imported city-level initiative; the imported standing officer, after the same first
sign-in, accepts the dossier.

The moments come from the harness's clock (tests/clock.py): the nomination is for the
year before the moment's, with CSTĐCS in the three years up to it."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from playwright.async_api import Browser, BrowserContext, Page, expect
from sqlalchemy import func, select

from api.services import accounts
from domain.vocabulary import Stage
from models import AwardRecord, EvaluationResult, Initiative, Nomination, Person, Unit, User
from tests.conftest import _engine_harness
from tests.notices.conftest import MailCatcher, free_port
from tests.pages.files import tiny_pdf

pytestmark = [pytest.mark.browser, pytest.mark.parametrize("backend", ["sqlite"], indirect=True)]

ADMIN_PASSWORD = "Quan-tri-Hai-Long-2027"
OFFICER_PASSWORD = "Van-phong-An-Binh-2027"
STANDING_PASSWORD = "Thuong-truc-An-Binh-2027"
OFFICER_MAIL = "thu.le@anbinh.example.vn"
STANDING_MAIL = "minh.pham@anbinh.example.vn"
CITY = "Ủy ban nhân dân thành phố Hải Long"
WARD = "Ủy ban nhân dân phường An Bình"
CITIZEN_ID = "031186004321"
# The ward's required dossier for a CSTĐ thành phố (catalogue/nd152-2025.yaml, chain: ward).
DOSSIER = {
    "to_trinh": "To trinh",
    "bao_cao_thanh_tich": "Bao cao thanh tich",
    "bien_ban_binh_xet": "Bien ban binh xet",
    "xac_nhan_sang_kien": "Xac nhan sang kien",
}
SETUP_LINK = re.compile(r"https?://\S+/dat-mat-khau/\S+")


@pytest.fixture
def smtp_server():
    catcher = MailCatcher(port=free_port())
    catcher.start()
    yield catcher
    catcher.stop()


@pytest.fixture
async def empty_harness(empty_database_url, tmp_path, time_skipping_env, task_queue, moment):
    """The whole engine (worker, app, Temporal test server) over a deployment as
    ``thidua migrate`` leaves it: the catalogue's award types, no unit, no user."""
    async with _engine_harness(
        empty_database_url, tmp_path, time_skipping_env, task_queue, moment
    ) as made:
        yield made


@pytest.fixture
def harness(empty_harness, smtp_server):
    """This module's ``harness`` is the empty one (so ``live_server`` serves it), with mail
    switched on towards the test's SMTP server."""
    empty_harness.settings.mail_enabled = True
    empty_harness.settings.smtp_host = "127.0.0.1"
    empty_harness.settings.smtp_port = smtp_server.port
    return empty_harness


# ---- the workbook the administrator fills in --------------------------------------------


def template_headers(data: bytes) -> dict[str, list[str]]:
    """Each sheet of the downloaded template and its headers as written there (a required
    column's ending in " *"), the guide sheet aside."""
    book = load_workbook(io.BytesIO(data), read_only=True)
    headers = {}
    for sheet in book.worksheets:
        if sheet.title == "Hướng dẫn":
            continue
        first = next(sheet.iter_rows(min_row=1, max_row=1, values_only=True))
        headers[sheet.title] = [str(h) for h in first if h is not None]
    return headers


def names(headers: list[str]) -> list[str]:
    """The columns' names, without the "*" of a required one."""
    return [header.removesuffix(" *") for header in headers]


def fill(headers: dict[str, list[str]], sheets: dict[str, list[dict[str, object]]]) -> bytes:
    """A workbook of the template's sheets named in ``sheets``, the template's headers in
    row 1 and one row per record (each a header → value mapping; a header the template does
    not have is a mistake in the test)."""
    book = Workbook()
    first = book.active
    assert first is not None
    for index, (title, rows) in enumerate(sheets.items()):
        sheet = first if index == 0 else book.create_sheet()
        sheet.title = title
        columns = names(headers[title])
        sheet.append(headers[title])
        for row in rows:
            unknown = set(row) - set(columns)
            assert not unknown, f"{title}: no column {unknown}"
            sheet.append([row.get(column) for column in columns])
            for cell in sheet[sheet.max_row]:
                if isinstance(cell.value, str):
                    cell.number_format = "@"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def deployment_sheets(year: int, *, mistakes: bool) -> dict[str, list[dict[str, object]]]:
    """The city and one of its wards, their deciding bodies, two people of the ward's
    office, two accounts, and the office worker's record: CSTĐCS in ``year``-2…``year``,
    rated "Hoàn thành xuất sắc nhiệm vụ" in those years, a city-level initiative in
    ``year``. With ``mistakes``: a person in a unit that does not exist, a citizen ID of
    seven digits and an award the catalogue does not have."""
    units = [
        {
            "Mã đơn vị": "UBND-HL",
            "Tên đơn vị": CITY,
            "Tên viết tắt": "UBND thành phố",
            "Loại đơn vị": "Ủy ban nhân dân",
            "Cấp": "Cấp thành phố",
        },
        {
            "Mã đơn vị": "SNV-HL",
            "Tên đơn vị": "Sở Nội vụ thành phố Hải Long",
            "Loại đơn vị": "Sở, ngành",
            "Cấp": "Cấp thành phố",
            "Đơn vị cấp trên": "UBND-HL",
        },
        {
            "Mã đơn vị": "UBND-AB",
            "Mã hành chính": "31120",
            "Tên đơn vị": WARD,
            "Tên viết tắt": "UBND phường",
            "Loại đơn vị": "Ủy ban nhân dân",
            "Cấp": "Cấp phường",
            "Đơn vị cấp trên": "UBND-HL",
            "Địa chỉ": "Số 2 đường Lạch Tray",
        },
        {
            "Mã đơn vị": "VHXH-AB",
            "Tên đơn vị": "Phòng Văn hóa - Xã hội phường An Bình",
            "Loại đơn vị": "Phòng, ban chuyên môn",
            "Cấp": "Cấp phường",
            "Đơn vị cấp trên": "UBND-AB",
        },
        {
            "Mã đơn vị": "VP-AB",
            "Tên đơn vị": "Văn phòng HĐND và UBND phường An Bình",
            "Loại đơn vị": "Phòng, ban chuyên môn",
            "Cấp": "Cấp phường",
            "Đơn vị cấp trên": "UBND-AB",
        },
    ]
    authorities = [
        {
            "Ủy ban nhân dân": "UBND-HL",
            "Cơ quan thường trực": "SNV-HL",
            "Tiêu đề văn bản": "ỦY BAN NHÂN DÂN / THÀNH PHỐ HẢI LONG",
            "Địa danh": "Hải Long",
        },
        {
            "Ủy ban nhân dân": "UBND-AB",
            "Cơ quan thường trực": "VHXH-AB",
            "Cơ quan cấp trên": "UBND-HL",
            "Tiêu đề văn bản": "ỦY BAN NHÂN DÂN / PHƯỜNG AN BÌNH",
            "Địa danh": "An Bình",
        },
    ]
    people = [
        {
            "Họ và tên": "Lê Thị Thu",
            "Giới tính": "Nữ",
            "Ngày sinh": "12/05/1986",
            "Số định danh cá nhân": CITIZEN_ID,
            "Chức vụ": "Chuyên viên",
            "Đơn vị": "VP-AB",
            "Cán bộ, công chức, viên chức": "Có",
        },
        {
            "Họ và tên": "Trần Văn Nam",
            "Giới tính": "Nam",
            "Chức vụ": "Chánh Văn phòng",
            "Đơn vị": "VP-KHONG-CO" if mistakes else "VP-AB",
            "Cán bộ, công chức, viên chức": "Có",
        },
        {
            "Họ và tên": "Phạm Thị Lan",
            "Giới tính": "Nữ",
            "Số định danh cá nhân": "0311860" if mistakes else "031186009876",
            "Chức vụ": "Chuyên viên",
            "Đơn vị": "VP-AB",
        },
    ]
    users = [
        {
            "Tên đăng nhập": "canbo.vp.anbinh",
            "Họ và tên": "Lê Thị Thu",
            "Thư điện tử": OFFICER_MAIL,
            "Vai trò": "Cán bộ đơn vị",
            "Đơn vị": "VP-AB",
        },
        {
            "Tên đăng nhập": "thuongtruc.anbinh",
            "Họ và tên": "Phạm Văn Minh",
            "Thư điện tử": STANDING_MAIL,
            "Vai trò": "Cơ quan thường trực HĐTĐKT",
            "Đơn vị": "VHXH-AB",
        },
    ]
    thu = {"Đối tượng": "Cá nhân", "Số định danh cá nhân": CITIZEN_ID, "Họ và tên": "Lê Thị Thu"}
    ratings = [
        {**thu, "Đơn vị": "VP-AB", "Năm": y, "Xếp loại": "Hoàn thành xuất sắc nhiệm vụ"}
        for y in range(year - 2, year + 1)
    ]
    awards: list[dict[str, object]] = [
        {
            **thu,
            "Đơn vị": "VP-AB",
            "Danh hiệu, hình thức khen thưởng": "Chiến sĩ thi đua cơ sở",
            "Năm": y,
            "Số quyết định": f"{100 + y % 100}/QĐ-UBND",
            "Ngày quyết định": f"20/12/{y}",
            "Cơ quan ban hành": WARD,
        }
        for y in range(year - 2, year + 1)
    ]
    awards.append(
        {
            **thu,
            "Đơn vị": "VP-AB",
            "Danh hiệu, hình thức khen thưởng": (
                "Chiến sĩ thi đua toàn vũ trụ" if mistakes else "Lao động tiên tiến"
            ),
            "Năm": year,
            "Số quyết định": f"{200 + year % 100}/QĐ-UBND",
            "Ngày quyết định": f"20/12/{year}",
            "Cơ quan ban hành": WARD,
        }
    )
    initiatives = [
        {
            "Số định danh cá nhân": CITIZEN_ID,
            "Họ và tên": "Lê Thị Thu",
            "Đơn vị": "VP-AB",
            "Tên sáng kiến, đề tài": "Số hóa hồ sơ một cửa của phường",
            "Năm công nhận": year,
            "Phạm vi ảnh hưởng": "Thành phố",
            "Cơ quan công nhận": CITY,
            "Số quyết định công nhận": f"45/QĐ-UBND-{year}",
            "Ngày quyết định": f"10/11/{year}",
        }
    ]
    return {
        "Đơn vị": units,
        "Cơ quan quyết định": authorities,
        "Cá nhân": people,
        "Tài khoản": users,
        "Xếp loại": ratings,
        "Khen thưởng đã có": awards,
        "Sáng kiến": initiatives,
    }


# ---- people in the browser -------------------------------------------------------------


class Browsers:
    """One browser context (cookie jar) per person."""

    def __init__(self, browser: Browser, base_url: str) -> None:
        self.browser = browser
        self.base_url = base_url
        self.contexts: list[BrowserContext] = []

    async def page(self) -> Page:
        context = await self.browser.new_context(
            base_url=self.base_url,
            locale="vi-VN",
            viewport={"width": 1280, "height": 900},
            accept_downloads=True,
        )
        context.set_default_timeout(15_000)
        self.contexts.append(context)
        page = await context.new_page()
        page.on("dialog", lambda dialog: dialog.accept())
        return page

    async def close(self) -> None:
        for context in self.contexts:
            await context.close()


async def flash(page: Page) -> str:
    await expect(page.locator("#flash")).to_be_visible()
    return await page.locator("#flash").inner_text()


async def first_sign_in(
    page: Page, link: str, username: str, password: str, shoot, name: str
) -> None:
    """A new account's first time: the one-time link, a password of one's own (twice), then
    the login form with it."""
    await page.goto(link)
    await expect(page.get_by_role("heading", level=1)).to_have_text("Đặt mật khẩu")
    await expect(page.locator("#account")).to_contain_text(username)
    await shoot(page, name)
    await page.get_by_label("Mật khẩu mới", exact=True).fill(password)
    await page.get_by_label("Nhập lại mật khẩu mới").fill(password)
    await page.get_by_role("button", name="Lưu mật khẩu").click()
    assert "Đã đặt mật khẩu" in await flash(page)
    await expect(page).to_have_url(re.compile(r"/login"))
    await page.get_by_label("Tên đăng nhập").fill(username)
    await page.get_by_label("Mật khẩu").fill(password)
    await page.get_by_role("button", name="Đăng nhập").click()
    await expect(page.get_by_role("heading", level=1)).to_contain_text("Xin chào")


async def counts(harness) -> dict[str, int]:
    async with harness.factory() as session:
        return {
            model.__name__: (
                await session.execute(select(func.count()).select_from(model))
            ).scalar_one()
            for model in (Unit, Person, User, AwardRecord, EvaluationResult, Initiative)
        }


async def must_change_password(harness) -> dict[str, bool]:
    """The imported accounts: whether each must still choose its password."""
    async with harness.factory() as session:
        users = await session.execute(select(User).where(User.deployment_admin.is_(False)))
        return {user.username: user.must_change_password for user in users.scalars()}


async def test_a_new_operator_goes_live(
    harness, live_server, chromium, checkpoint, smtp_server, tmp_path
):
    harness.settings.public_base_url = live_server  # the links mailed and printed
    browsers = Browsers(chromium, live_server)
    try:
        await _run(harness, browsers, checkpoint, smtp_server, tmp_path)
    finally:
        await browsers.close()


async def _run(harness, browsers: Browsers, shoot, mail: MailCatcher, tmp_path: Path) -> None:
    now = await harness.now()
    year = now.year - 1  # the nomination's year; CSTĐCS in year-2 … year
    assert await counts(harness) == dict.fromkeys(
        ("Unit", "Person", "User", "AwardRecord", "EvaluationResult", "Initiative"), 0
    )

    # ---- the operator: `thidua admin create` prints the one-time link ----------------------
    async with harness.factory() as session, session.begin():
        _, link = await accounts.create_administrator(
            session,
            harness.settings,
            username="quantri.hailong",
            full_name="Đỗ Thị Quản",
            email=None,
            operator="thidua admin create",
            now=now,
        )
    admin = await browsers.page()
    await first_sign_in(
        admin, link.url, "quantri.hailong", ADMIN_PASSWORD, shoot, "new-operator-01-setup"
    )
    await admin.get_by_role("link", name="Quản trị").first.click()
    await expect(admin.get_by_role("heading", level=1)).to_have_text("Quản trị")
    await shoot(admin, "new-operator-02-admin")
    await admin.locator("#admin-sections").get_by_role("link", name="Nhập dữ liệu từ Excel").click()
    await expect(admin.get_by_role("heading", level=1)).to_have_text("Nhập dữ liệu từ Excel")
    await shoot(admin, "new-operator-03-imports")

    # ---- the full template, downloaded from the page ----------------------------------------
    async with admin.expect_download() as download_info:
        await admin.get_by_role("link", name="Tải mẫu đầy đủ (mọi danh sách)").click()
    download = await download_info.value
    template_path = tmp_path / download.suggested_filename
    await download.save_as(template_path)
    assert template_path.suffix == ".xlsx"
    template = template_path.read_bytes()
    headers = template_headers(template)
    assert "Hướng dẫn" in load_workbook(io.BytesIO(template), read_only=True).sheetnames
    people_headers = headers["Cá nhân"]
    assert {"Họ và tên *", "Giới tính *", "Đơn vị *"} <= set(people_headers)
    assert {"Ngày sinh", "Số định danh cá nhân", "Cán bộ, công chức, viên chức"} <= set(
        people_headers
    )
    assert {"Tên đăng nhập *", "Họ và tên *", "Thư điện tử", "Vai trò", "Đơn vị"} <= set(
        headers["Tài khoản"]
    )
    assert "Danh hiệu, hình thức khen thưởng *" in headers["Khen thưởng đã có"]
    assert {"Đơn vị", "Cơ quan quyết định", "Xếp loại", "Sáng kiến"} <= set(headers)

    # ---- a file with mistakes: nothing written, each mistake shown -------------------------
    wrong = tmp_path / "du-lieu-an-binh.xlsx"
    wrong.write_bytes(fill(headers, deployment_sheets(year, mistakes=True)))
    form = admin.locator("#import-form")
    await form.get_by_label("Tệp Excel (.xlsx)").set_input_files(str(wrong))
    await form.get_by_role("button", name="Nhập vào hệ thống").click()
    refused = admin.locator("#import-refused")
    await expect(refused).to_contain_text("du-lieu-an-binh.xlsx")
    await expect(refused).to_contain_text("chưa ghi gì vào hệ thống")
    problems = admin.locator("#import-problems tbody tr")
    listed = {
        tuple(cell.strip() for cell in row[:3])
        for row in [
            await problems.nth(i).locator("td").all_inner_texts()
            for i in range(await problems.count())
        ]
    }
    assert listed == {
        ("Cá nhân", "3", "Đơn vị"),
        ("Cá nhân", "4", "Số định danh cá nhân"),
        ("Khen thưởng đã có", "5", "Danh hiệu, hình thức khen thưởng"),
    }, listed
    await expect(refused).to_contain_text("3 lỗi")
    await shoot(admin, "new-operator-04-import-refused")
    assert await counts(harness) == {
        "Unit": 0,
        "Person": 0,
        "User": 1,  # the administrator
        "AwardRecord": 0,
        "EvaluationResult": 0,
        "Initiative": 0,
    }
    assert mail.received == []

    # ---- the corrected file: applied, counts shown, setup links mailed ---------------------
    right = tmp_path / "du-lieu-an-binh-da-sua.xlsx"
    right.write_bytes(fill(headers, deployment_sheets(year, mistakes=False)))
    form = admin.locator("#import-form")
    await form.get_by_label("Tệp Excel (.xlsx)").set_input_files(str(right))
    await form.get_by_role("button", name="Nhập vào hệ thống").click()
    await expect(admin.locator("#import-applied")).to_contain_text("du-lieu-an-binh-da-sua.xlsx")
    table = admin.locator("#import-counts")
    for kind, created in {
        "units": 5,
        "authorities": 2,
        "people": 3,
        "users": 2,
        "ratings": 3,
        "awards": 4,
        "initiatives": 1,
    }.items():
        await expect(table.locator(f'tr[data-kind="{kind}"] .created')).to_have_text(str(created))
    await expect(admin.locator("#import-result")).to_contain_text("t***@anbinh.example.vn")
    await shoot(admin, "new-operator-05-import-applied")
    assert await counts(harness) == {
        "Unit": 5,
        "Person": 3,
        "User": 3,
        "AwardRecord": 4,
        "EvaluationResult": 3,
        "Initiative": 1,
    }

    # The new accounts have no password anyone knows: each must choose one first.
    assert await must_change_password(harness) == {
        "canbo.vp.anbinh": True,
        "thuongtruc.anbinh": True,
    }

    # ---- the unit officer: the mailed link, a password of her own, the nomination ----------
    [officer_mail] = mail.to(OFFICER_MAIL)
    assert officer_mail.message["Subject"].startswith("Tài khoản mới: chọn mật khẩu")
    assert officer_mail.text.startswith("Kính gửi Lê Thị Thu,")
    officer_link = SETUP_LINK.search(officer_mail.text).group(0)
    officer = await browsers.page()
    await first_sign_in(
        officer, officer_link, "canbo.vp.anbinh", OFFICER_PASSWORD, shoot, "new-operator-06-setup"
    )
    assert (await must_change_password(harness))["canbo.vp.anbinh"] is False
    await officer.get_by_role("link", name="Lập đề nghị mới").first.click()
    await expect(officer.get_by_role("heading", level=1)).to_have_text(re.compile("đề nghị"))
    nominee = officer.locator("#nominee option", has_text="Lê Thị Thu")
    await officer.get_by_label("Đối tượng đề nghị").select_option(
        await nominee.get_attribute("value")
    )
    await officer.get_by_label("Danh hiệu, hình thức").select_option("cstd_thanh_pho")
    await officer.get_by_label("Năm thành tích").fill(str(year))
    await officer.get_by_role("button", name="Kiểm tra điều kiện").click()
    verdict = officer.locator("#eligibility")
    await expect(verdict).to_contain_text("Đủ điều kiện đề nghị")
    # The verdict rests on the imported history: the three CSTĐCS years and the initiative.
    titles = verdict.locator("li.met", has_text="Chiến sĩ thi đua cơ sở")
    await expect(titles.first).to_contain_text(re.compile(r"3 năm liên tục"))
    for y in range(year - 2, year + 1):
        await expect(titles.first).to_contain_text(str(y))
    await expect(verdict.locator("li.met", has_text="Số hóa hồ sơ một cửa").first).to_be_visible()
    await expect(verdict.locator("li.unmet")).to_have_count(0)
    await shoot(officer, "new-operator-07-eligibility")
    await officer.get_by_role("button", name="Lưu bản nháp").click()
    assert "Đã lưu bản nháp" in await flash(officer)
    nomination_id = int(officer.url.rsplit("/", 1)[1])
    for code, title in DOSSIER.items():
        path = tmp_path / f"{code}.pdf"
        path.write_bytes(tiny_pdf(title))
        upload = officer.locator("#upload-form")
        await upload.get_by_label("Thành phần hồ sơ").select_option(code)
        await upload.get_by_label(re.compile("^Tệp")).set_input_files(str(path))
        await upload.get_by_role("button", name="Tải lên").click()
        assert f"{code}.pdf" in await flash(officer)
    await expect(officer.locator(".requirements li.unmet")).to_have_count(0)
    await officer.get_by_role("button", name="Nộp hồ sơ").click()
    assert "Đã nộp" in await flash(officer)
    await expect(officer.locator("#stage")).to_have_attribute("data-stage", "reception")
    await shoot(officer, "new-operator-08-submitted")

    # ---- the standing officer: first sign-in, then the completeness check ------------------
    [standing_mail] = mail.to(STANDING_MAIL)
    standing_link = SETUP_LINK.search(standing_mail.text).group(0)
    standing = await browsers.page()
    await first_sign_in(
        standing,
        standing_link,
        "thuongtruc.anbinh",
        STANDING_PASSWORD,
        shoot,
        "new-operator-09-setup",
    )
    await expect(standing.locator("#tasks")).to_contain_text("Lê Thị Thu")
    await standing.goto("/dossiers")
    await standing.locator("#incoming").get_by_role("link", name="Lê Thị Thu").click()
    await shoot(standing, "new-operator-10-dossier")
    await standing.get_by_role("button", name="Tiếp nhận hồ sơ (đủ thành phần)").click()
    assert "Tiếp nhận hồ sơ" in await flash(standing)
    row = await harness.wait_stage(nomination_id, Stage.AWAITING_COUNCIL)
    assert row.award_code == "cstd_thanh_pho" and row.year == year
    await standing.goto(f"/nominations/{nomination_id}")
    await expect(standing.locator("#timeline li[data-action='accepted']")).to_be_visible()
    async with harness.factory() as session:
        stored = await session.get(Nomination, nomination_id)
        assert stored is not None and stored.stage == Stage.AWAITING_COUNCIL

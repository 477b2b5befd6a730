"""The templates an office downloads (Vietnamese headers, one example row that itself
imports cleanly, a guide sheet with the natural keys), the setup links mailed to the new
accounts of an applied import (never on a dry run), and the page "Nhập dữ liệu từ Excel".

On SQLite and PostgreSQL, the databases built from the migrations."""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook

from domain.vocabulary import Level, UnitKind
from tests.accounts_app import accounts_app
from tests.imports.workbooks import (
    IMPORTS,
    PEOPLE_HEADERS,
    USER_HEADERS,
    add_unit,
    post_import,
    workbook,
)
from tests.notices.conftest import MailCatcher, free_port

pytestmark = [pytest.mark.postgres]

REGISTRY_KINDS = ("units", "households", "people", "collectives", "users")
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
async def app(empty_database_url, tmp_path):
    async for made in accounts_app(empty_database_url, tmp_path):
        yield made


async def admin(app) -> tuple[int, dict[str, str]]:
    user_id = await app.add_user(
        "quantri", "Quan-tri-vien-2027", full_name="Trần Thị Quản", deployment_admin=True
    )
    return user_id, app.bearer(user_id)


async def test_each_template_opens_with_its_headers_and_its_example_imports_cleanly(app):
    _, headers = await admin(app)
    ward = await add_unit(
        app, "UBND-PHUONG", "Ủy ban nhân dân phường", kind=UnitKind.PEOPLES_COMMITTEE
    )
    await add_unit(
        app, "TDP-01", "Tổ dân phố Số 1", parent_id=ward, kind=UnitKind.RESIDENTIAL_GROUP
    )

    listed = await app.http.get(f"{IMPORTS}/templates", headers=headers)
    assert listed.status_code == 200, listed.text
    kinds = {item["kind"]: item for item in listed.json()["items"]}
    assert set(REGISTRY_KINDS) <= kinds.keys()
    people = kinds["people"]
    assert people["title"] == "Cá nhân" and "Số định danh cá nhân" in people["natural_key"]
    assert people["template_url"] == f"{IMPORTS}/templates/people.xlsx"
    assert {"key": "full_name", "header": "Họ và tên", "required": True}.items() <= people[
        "columns"
    ][0].items()

    for kind in REGISTRY_KINDS:
        download = await app.http.get(kinds[kind]["template_url"], headers=headers)
        assert download.status_code == 200, (kind, download.text)
        assert download.headers["content-type"].startswith(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        book = load_workbook(io.BytesIO(download.content))
        assert book.sheetnames == [kinds[kind]["title"], "Hướng dẫn"]
        sheet = book[kinds[kind]["title"]]
        header_row = [cell.value for cell in sheet[1]]
        assert header_row == [
            c["header"] + (" *" if c["required"] else "") for c in kinds[kind]["columns"]
        ]
        assert sheet["A1"].font.bold
        assert any(cell.value not in (None, "") for cell in sheet[2])  # the example row
        guide = " ".join(
            str(cell.value) for row in book["Hướng dẫn"].iter_rows() for cell in row if cell.value
        )
        assert kinds[kind]["natural_key"] in guide

        # The template as downloaded, its example row untouched: a clean dry run.
        dry = await post_import(app, headers, download.content, apply=False)
        assert dry.status_code == 200, (kind, dry.text)
        assert dry.json()["problems"] == [], (kind, dry.json()["problems"])
        assert dry.json()["sheets"][0]["rows"] == 1

    people_book = load_workbook(
        io.BytesIO(
            (await app.http.get(f"{IMPORTS}/templates/people.xlsx", headers=headers)).content
        )
    )
    born = people_book["Cá nhân"]["C2"]
    assert born.is_date and born.number_format == "DD/MM/YYYY"  # an Excel date

    every = await app.http.get(f"{IMPORTS}/templates/all.xlsx", headers=headers)
    names = load_workbook(io.BytesIO(every.content)).sheetnames
    assert names[-1] == "Hướng dẫn" and {"Đơn vị", "Cá nhân", "Tài khoản"} <= set(names)
    dry = await post_import(app, headers, every.content, apply=False)
    assert dry.status_code == 200, dry.text
    registry_titles = {kinds[kind]["title"] for kind in REGISTRY_KINDS}
    assert [p for p in dry.json()["problems"] if p["sheet"] in registry_titles] == []
    missing = await app.http.get(f"{IMPORTS}/templates/khong-co.xlsx", headers=headers)
    assert missing.status_code == 404


async def test_new_accounts_get_their_setup_link_only_when_the_import_is_applied(app):
    catcher = MailCatcher(free_port())
    catcher.start()
    app.settings.mail_enabled, app.settings.smtp_port = True, catcher.port
    try:
        _, headers = await admin(app)
        await add_unit(app, "VP", "Văn phòng", level=Level.WARD)
        data = workbook(
            {
                "Tài khoản": [
                    USER_HEADERS,
                    ["hoa.nt", "Nguyễn Thị Hoa", "hoa@example.vn", "Cán bộ đơn vị", "VP"],
                    ["binh.tv", "Trần Văn Bình", None, "Cán bộ đơn vị", "VP"],
                ]
            }
        )
        dry = await post_import(app, headers, data, apply=False)
        assert dry.status_code == 200 and dry.json()["setup_links_mailed_to"] == []
        assert catcher.to("hoa@example.vn") == []

        applied = await post_import(app, headers, data, apply=True)
        assert applied.status_code == 200, applied.text
        assert applied.json()["setup_links_mailed_to"] == ["h***@example.vn"]
        [mail] = catcher.to("hoa@example.vn")
        assert mail.message["Subject"].startswith("Tài khoản mới: chọn mật khẩu")
        assert "dat-mat-khau" not in applied.text

        again = await post_import(app, headers, data, apply=True)
        assert (
            again.json()["setup_links_mailed_to"] == [] and len(catcher.to("hoa@example.vn")) == 1
        )
    finally:
        catcher.stop()


async def test_the_page_checks_a_file_and_shows_its_problems(app):
    user_id, _ = await admin(app)
    await add_unit(app, "VP", "Văn phòng")
    browser = app.client()
    try:
        app.sign_in_page(browser, user_id)
        page = await browser.get("/admin/imports")
        assert page.status_code == 200, page.text
        assert "Nhập dữ liệu từ Excel" in page.text
        assert "Kiểm tra (không ghi)" in page.text and "Nhập vào hệ thống" in page.text
        assert "/api/v1/imports/templates/people.xlsx" in page.text
        token = TOKEN.search(page.text).group(1)
        template = await browser.get("/api/v1/imports/templates/people.xlsx")
        assert template.status_code == 200  # the page's download link works with its cookie

        mistakes = workbook(
            {
                "Cá nhân": [
                    PEOPLE_HEADERS,
                    ["Nguyễn Thị Hoa", "Nữ", "31/02/1990", None, None, "VP", None, None, None],
                ]
            }
        )
        applied = await browser.post(
            "/admin/imports",
            data={"csrf_token": token, "action": "apply"},
            files={"file": ("danh-sach.xlsx", mistakes, "application/octet-stream")},
        )
        assert applied.status_code == 422, applied.text
        assert "chưa ghi gì vào hệ thống" in applied.text
        problems = applied.text.split('id="import-problems"')[1].split("</table>")[0]
        assert '<td data-label="Trang tính">Cá nhân</td>' in problems
        assert '<td data-label="Dòng">2</td>' in problems
        assert '<td data-label="Cột">Ngày sinh</td>' in problems
        assert "không phải là ngày hợp lệ" in problems

        good = workbook(
            {
                "Cá nhân": [
                    PEOPLE_HEADERS,
                    ["Nguyễn Thị Hoa", "Nữ", None, None, None, "VP", None, None, None],
                ]
            }
        )
        checked = await browser.post(
            "/admin/imports",
            data={"csrf_token": token, "action": "check"},
            files={"file": ("danh-sach.xlsx", good, "application/octet-stream")},
        )
        assert checked.status_code == 200 and 'id="import-checked"' in checked.text
        # Nothing was written: the counts say what applying would do.
        assert '<td data-label="Sẽ thêm mới" class="created">1</td>' in checked.text

        not_excel = await browser.post(
            "/admin/imports",
            data={"csrf_token": token, "action": "apply"},
            files={"file": ("danh-sach.csv", b"a;b\n", "text/csv")},
        )
        assert not_excel.status_code == 422 and "Excel (.xlsx)" in not_excel.text

        forged = await browser.post(
            "/admin/imports",
            data={"csrf_token": "sai", "action": "apply"},
            files={"file": ("danh-sach.xlsx", good, "application/octet-stream")},
        )
        assert forged.status_code == 403
    finally:
        await browser.aclose()

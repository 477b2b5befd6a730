"""The password pages, as a person uses them: "Đổi mật khẩu" from the header (the current
password required, every mistake shown next to its field, the other sessions ended), the
forced change that every page leads to until it is done, and a link that no longer works.

On SQLite and PostgreSQL, the databases built from the migrations."""

from __future__ import annotations

import re

import pytest

from api.deps import SESSION_COOKIE
from tests.accounts_app import accounts_app

pytestmark = [pytest.mark.postgres]

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
PASSWORD = "Tam-thoi-2027!"
NEW_PASSWORD = "Mat-khau-rieng-2027"


@pytest.fixture
async def app(empty_database_url, tmp_path):
    async for made in accounts_app(empty_database_url, tmp_path):
        yield made


async def csrf(http, path: str = "/doi-mat-khau") -> str:
    page = await http.get(path)
    assert page.status_code == 200, page.status_code
    match = TOKEN.search(page.text)
    assert match, page.text[:500]
    return match.group(1)


def field_error(html: str, field: str) -> str:
    match = re.search(rf'<p class="field-error" id="{field}-error">([^<]+)</p>', html)
    assert match, f"no error next to {field}"
    return match.group(1)


async def test_changing_ones_password_from_the_header(app):
    user_id = await app.add_user("canbo.vanphong2", PASSWORD, full_name="Hoàng Văn Nam")
    browser = app.client()
    stolen_copy = app.client()
    try:
        app.sign_in_page(browser, user_id)
        stolen_copy.cookies.set(
            SESSION_COOKIE, browser.cookies[SESSION_COOKIE], domain="testserver.local"
        )
        home = await browser.get("/")
        assert home.status_code == 200
        assert '<a href="/doi-mat-khau">Đổi mật khẩu</a>' in home.text

        token = await csrf(browser)
        form = {"csrf_token": token, "current_password": "sai-mat-khau-1"}
        wrong = await browser.post(
            "/doi-mat-khau",
            data={**form, "new_password": NEW_PASSWORD, "new_password_again": NEW_PASSWORD},
        )
        assert wrong.status_code == 422
        assert field_error(wrong.text, "current_password") == "Mật khẩu hiện tại không đúng"

        form["current_password"] = PASSWORD
        differ = await browser.post(
            "/doi-mat-khau",
            data={**form, "new_password": NEW_PASSWORD, "new_password_again": NEW_PASSWORD + "x"},
        )
        assert differ.status_code == 422
        assert "không khớp" in field_error(differ.text, "new_password_again")
        short = await browser.post(
            "/doi-mat-khau", data={**form, "new_password": "ngan", "new_password_again": "ngan"}
        )
        assert short.status_code == 422
        assert field_error(short.text, "new_password") == "Mật khẩu phải có ít nhất 10 ký tự"
        with_name = "canbo.vanphong2-2027"
        named = await browser.post(
            "/doi-mat-khau",
            data={**form, "new_password": with_name, "new_password_again": with_name},
        )
        assert "tên đăng nhập" in field_error(named.text, "new_password")

        done = await browser.post(
            "/doi-mat-khau",
            data={**form, "new_password": NEW_PASSWORD, "new_password_again": NEW_PASSWORD},
        )
        assert done.status_code == 303 and done.headers["location"] == "/"
        after = await browser.get("/")
        assert after.status_code == 200 and "Đã đổi mật khẩu" in after.text
        # The other sessions ended with the change (a copied cookie, another device).
        elsewhere = await stolen_copy.get("/")
        assert elsewhere.status_code == 303 and elsewhere.headers["location"].startswith("/login")
        signed_in = await app.http.post(
            "/api/v1/auth/token", data={"username": "canbo.vanphong2", "password": NEW_PASSWORD}
        )
        assert signed_in.status_code == 200
    finally:
        await browser.aclose()
        await stolen_copy.aclose()
    [event] = await app.audit(user_id)
    assert event.action == "password_changed" and event.actor_name == "Hoàng Văn Nam"


async def test_a_forced_change_comes_before_every_page(app):
    user_id = await app.add_user("canbo.moi", PASSWORD, must_change_password=True)
    browser = app.client()
    try:
        app.sign_in_page(browser, user_id)
        for path in ("/", "/nominations", "/campaigns", "/audit", "/cong-khai"):
            response = await browser.get(path)
            assert response.status_code == 303, path
            assert response.headers["location"] == "/doi-mat-khau", path
        page = await browser.get("/doi-mat-khau")
        assert page.status_code == 200
        assert "Mật khẩu của bạn do người khác đặt" in page.text
        # A form of another page is not accepted either.
        posted = await browser.post("/nominations/new", data={"csrf_token": await csrf(browser)})
        assert posted.status_code == 303 and posted.headers["location"] == "/doi-mat-khau"

        done = await browser.post(
            "/doi-mat-khau",
            data={
                "csrf_token": await csrf(browser),
                "current_password": PASSWORD,
                "new_password": NEW_PASSWORD,
                "new_password_again": NEW_PASSWORD,
            },
        )
        assert done.status_code == 303
        home = await browser.get("/")
        assert home.status_code == 200 and "Mật khẩu của bạn do người khác đặt" not in home.text
    finally:
        await browser.aclose()
    assert not (await app.user("canbo.moi")).must_change_password


async def test_a_link_that_no_longer_works_says_so_in_vietnamese(app):
    page = await app.http.get("/dat-mat-khau/not-a-real-link")
    assert page.status_code == 410
    assert page.headers["content-type"].startswith("text/html")
    assert "Liên kết đặt mật khẩu không còn hiệu lực" in page.text
    assert "<form" not in page.text.split("<main", 1)[1]
    english = await app.http.get("/dat-mat-khau/not-a-real-link?lang=en")
    assert "This password link no longer works" in english.text

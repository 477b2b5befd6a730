"""Signing in, an expired session sending the person back to where they were, the
language switch, and refusals rendered as pages (never JSON)."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import pytest

from api.deps import SESSION_COOKIE

pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)


async def test_login_then_home_in_vietnamese(harness, people):
    person = people(None)
    form = await person.get("/login?next=/nominations")
    token = re.search(r'name="login_csrf" value="([^"]+)"', form.text).group(1)
    response = await person.http.post(
        "/login",
        data={
            "username": "canbo.vanphong",
            "password": "thidua2026",
            "next": "/nominations",
            "login_csrf": token,
        },
    )
    assert response.status_code == 303 and response.headers["location"] == "/nominations"
    home = await person.get("/")
    assert '<html lang="vi">' in home.text
    assert "Xin chào, Hoàng Văn Nam" in home.text and "Việc cần làm" in home.text
    assert "Lập đề nghị mới" in home.text


async def test_expired_session_goes_to_login_and_back(harness, people):
    person = people(None)
    person.http.cookies.set(SESSION_COOKIE, "expired-or-forged")
    response = await person.get("/nominations?stage=reception")
    assert response.status_code == 303
    target = urlparse(response.headers["location"])
    assert target.path == "/login"
    query = parse_qs(target.query)
    assert query["next"] == ["/nominations?stage=reception"] and query["expired"] == ["1"]
    login = await person.get(response.headers["location"])
    assert "Phiên làm việc đã hết hạn" in login.text
    assert 'name="next" value="/nominations?stage=reception"' in login.text


async def test_a_form_sent_after_expiry_returns_to_its_page(harness, people):
    person = people(None)
    person.http.cookies.set(SESSION_COOKIE, "expired")
    response = await person.http.post("/nominations/5/do/accept_dossier", data={"csrf_token": "x"})
    assert response.status_code == 303
    assert parse_qs(urlparse(response.headers["location"]).query)["next"] == ["/nominations/5"]


async def test_anonymous_visitor_is_sent_to_login_without_expiry_notice(harness, people):
    response = await people(None).get("/signing")
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/signing"


async def test_english_on_request_and_remembered(harness, people):
    person = people("thuongtruc")
    page = await person.get("/dossiers?lang=en")
    assert '<html lang="en">' in page.text and "Incoming dossiers" in page.text
    assert person.http.cookies.get("thidua_lang") == "en"
    again = await person.get("/deadlines")
    assert "Deadlines board" in again.text
    back = await person.get("/deadlines?lang=vi")
    assert "Bảng theo dõi hạn xử lý" in back.text


async def test_refusals_are_pages_in_vietnamese(harness, people):
    unit = people("canbo.vanphong")
    for path in ("/dossiers", "/audit", "/signing", "/notices"):
        response = await unit.get(path)
        assert response.status_code == 403, path
        assert response.headers["content-type"].startswith("text/html")
        assert "Bạn không có quyền thực hiện thao tác này" in response.text


async def test_logout_needs_the_form_token(harness, people):
    person = people("chutich")
    refused = await person.http.post("/logout", data={"csrf_token": "forged"})
    assert refused.status_code == 303
    assert (await person.get("/")).status_code == 200  # still signed in
    await person.post("/logout", csrf_from="/")
    assert (await person.get("/")).status_code == 303


async def test_logout_ends_the_session_everywhere_and_a_new_login_works(harness, people):
    """The cookie is signed, not stored: after logout a copy of it (another tab or device,
    or a stolen one) must stop working, for the pages and for the JSON API."""
    person = people(None)
    form = await person.get("/login")
    token = re.search(r'name="login_csrf" value="([^"]+)"', form.text).group(1)
    signed_in = await person.http.post(
        "/login",
        data={"username": "chutich", "password": "thidua2026", "next": "/", "login_csrf": token},
    )
    assert signed_in.status_code == 303
    copied = person.http.cookies.get(SESSION_COOKIE)
    other_device = people(None)
    other_device.http.cookies.set(SESSION_COOKIE, copied)
    assert (await other_device.get("/signing")).status_code == 200
    assert (await other_device.get("/api/v1/me")).status_code == 200

    await person.post("/logout", csrf_from="/")
    assert (await person.get("/")).status_code == 303
    assert (await other_device.get("/signing")).status_code == 303
    assert (await other_device.get("/api/v1/me")).status_code == 401
    async with harness.factory() as db:
        from models import User

        assert (await db.get(User, harness.ids.users["chutich"])).signed_out_at is not None

    form = await person.get("/login")
    token = re.search(r'name="login_csrf" value="([^"]+)"', form.text).group(1)
    again = await person.http.post(
        "/login",
        data={
            "username": "chutich",
            "password": "thidua2026",
            "next": "/signing",
            "login_csrf": token,
        },
    )
    assert again.status_code == 303
    assert (await person.get("/signing")).status_code == 200


async def test_hand_edited_query_strings_still_answer_pages(harness, people):
    standing = people("thuongtruc")
    for path in (
        "/nominations?page=abc&stage=nonsense&year=x",
        "/deadlines?within=-4&level=moon",
        "/council-sessions?page=0",
        "/decisions?page=9999999",
        "/audit?page=x",
    ):
        person = people("kiemtra") if path.startswith("/audit") else standing
        response = await person.get(path)
        assert response.status_code == 200, path
        assert response.headers["content-type"].startswith("text/html"), path
    assert (await people(None).get("/cong-khai?page=-1")).status_code == 200


async def test_signing_out_ends_the_bearer_tokens_too(harness, people):
    """A bearer token issued before the person signed out on the pages stops working (401,
    as an expired one); one issued after works, even within the same second."""
    person = people("chutich")
    issued = await harness.http.post(
        "/api/v1/auth/token", data={"username": "chutich", "password": "thidua2026"}
    )
    before = {"Authorization": f"Bearer {issued.json()['access_token']}"}
    assert (await harness.http.get("/api/v1/me", headers=before)).status_code == 200

    await person.post("/logout", csrf_from="/")
    refused = await harness.http.get("/api/v1/me", headers=before)
    assert refused.status_code == 401 and refused.json()["error"] == "unauthorized"
    command = await harness.http.post("/api/v1/decisions/1/sign", headers=before)
    assert command.status_code == 401  # a command as well as a read

    again = await harness.http.post(
        "/api/v1/auth/token", data={"username": "chutich", "password": "thidua2026"}
    )
    after = {"Authorization": f"Bearer {again.json()['access_token']}"}
    assert (await harness.http.get("/api/v1/me", headers=after)).status_code == 200
    # Another person's tokens are untouched.
    assert (await harness.get("phochutich", "/api/v1/me")).status_code == 200

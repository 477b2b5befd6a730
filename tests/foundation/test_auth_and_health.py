"""Who is who: tokens, page login with CSRF, 401 vs 403, rate limits; and /health."""

from __future__ import annotations

import re

import httpx

from api.app import create_app
from api.state import AppState, make_templates
from tests.clock import fixed_clock
from tests.conftest import make_settings
from thidua.db import create_engine, create_session_factory
from thidua.seed import DEMO_PASSWORD


async def test_a_token_for_the_right_password_and_401_for_a_wrong_one(harness):
    good = await harness.http.post(
        "/api/v1/auth/token", data={"username": "thuongtruc", "password": DEMO_PASSWORD}
    )
    assert good.status_code == 200
    token = good.json()["access_token"]
    me = await harness.http.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200 and me.json()["full_name"] == "Ngô Thị Mai"
    assert {r["role"] for r in me.json()["roles"]} == {"standing_officer"}

    bad = await harness.http.post(
        "/api/v1/auth/token", data={"username": "thuongtruc", "password": "wrong"}
    )
    unknown = await harness.http.post(
        "/api/v1/auth/token", data={"username": "nobody", "password": "wrong"}
    )
    assert bad.status_code == unknown.status_code == 401
    assert bad.json() == unknown.json()  # never says whether the user exists


async def test_missing_or_forged_tokens_are_401(harness):
    assert (await harness.http.get("/api/v1/nominations")).status_code == 401
    forged = await harness.http.get(
        "/api/v1/nominations", headers={"Authorization": "Bearer not.a.token"}
    )
    assert forged.status_code == 401


async def test_a_nomination_of_another_unit_is_403_whether_or_not_it_exists(harness):
    created = await harness.nominate(submit=False)
    other_unit = await harness.get("canbo.tdp1", f"/api/v1/nominations/{created['id']}")
    missing = await harness.get("canbo.tdp1", "/api/v1/nominations/999999")
    assert other_unit.status_code == missing.status_code == 403
    assert other_unit.json() == missing.json()
    # The ward's auditor too (they may see every nomination of the ward, not another
    # ward's: the difference would tell that another ward's number exists); only the
    # deployment's administrator, who sees every ward, learns that it does not exist.
    assert (await harness.get("kiemtra", "/api/v1/nominations/999999")).status_code == 403
    assert (await harness.get("quantri", "/api/v1/nominations/999999")).status_code == 404


async def test_logins_are_rate_limited(harness):
    """Five wrong passwords for one account from one address, then it waits (the whole
    policy: tests/abuse/test_rate_limits.py)."""
    statuses = []
    for _ in range(7):
        response = await harness.http.post(
            "/api/v1/auth/token", data={"username": "phochutich", "password": "guess"}
        )
        statuses.append(response.status_code)
    assert statuses[:5] == [401] * 5
    assert statuses[5:] == [429, 429]
    assert "Retry-After" in response.headers


async def test_page_login_sets_a_session_and_forms_need_the_csrf_token(harness):
    http = harness.http
    form = await http.get("/login?next=/")
    token = re.search(r'name="login_csrf" value="([^"]+)"', form.text).group(1)
    refused = await http.post(
        "/login",
        data={
            "username": "thuongtruc",
            "password": DEMO_PASSWORD,
            "login_csrf": "forged",
            "next": "/",
        },
    )
    assert refused.status_code == 400 and "Biểu mẫu đã hết hạn" in refused.text
    token = re.search(r'name="login_csrf" value="([^"]+)"', refused.text).group(1)  # a fresh one
    logged_in = await http.post(
        "/login",
        data={
            "username": "thuongtruc",
            "password": DEMO_PASSWORD,
            "login_csrf": token,
            "next": "/",
        },
    )
    assert logged_in.status_code == 303 and "thidua_session" in logged_in.cookies
    http.cookies.set("thidua_session", logged_in.cookies["thidua_session"])
    home = await http.get("/")
    assert home.status_code == 200 and "Ngô Thị Mai" in home.text
    # The cookie alone does not authorise an unsafe JSON request: the CSRF header must come too.
    without_header = await http.post("/api/v1/council-sessions", json={})
    assert without_header.status_code == 403
    http.cookies.clear()


async def test_a_redirect_after_login_never_leaves_the_site(harness):
    form = await harness.http.get("/login?next=https://evil.example/")
    assert 'value="/"' in form.text and "evil.example" not in form.text


async def test_health_is_200_when_database_and_temporal_answer(harness):
    response = await harness.http.get("/health")
    assert response.status_code == 200
    assert response.json()["database"] == "ok" and response.json()["temporal"] == "ok"


async def test_health_is_503_naming_temporal_when_it_is_down(database_url, tmp_path):
    settings = make_settings(database_url, tmp_path, temporal_address="127.0.0.1:1")
    engine = create_engine(database_url)
    state = AppState(
        settings=settings,
        engine=engine,
        writer=create_session_factory(engine),
        reader=create_session_factory(engine, writer=False),
        templates=make_templates(),
        clock=fixed_clock(),
    )
    app = create_app(settings, state=state)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://t"
    ) as http:
        response = await http.get("/health")
    await engine.dispose()
    assert response.status_code == 503
    body = response.json()
    assert body["database"] == "ok" and body["temporal"].startswith("unreachable")


async def test_the_openapi_document_lists_the_commands(harness):
    spec = (await harness.http.get("/openapi.json")).json()
    for path in (
        "/api/v1/nominations",
        "/api/v1/nominations/{nomination_id}/accept",
        "/api/v1/council-sessions/{session_id}/ballot",
        "/api/v1/decisions/{decision_id}/sign",
        "/health",
    ):
        assert path in spec["paths"]

"""Guessing passwords and flooding the public objection form are rate-limited: past the
limit the answer is 429 with a Retry-After header, for the JSON API and the pages alike,
whatever the password or the client address (per-user buckets) — and only for the one
who exceeded it."""

from __future__ import annotations

import asyncio
import re
import time

import httpx
import pytest

from api.services.objections import OBJECTIONS_PER_HOUR
from api.services.users import LOGIN_ATTEMPTS_PER_WINDOW, LOGIN_WINDOW_SECONDS
from thidua.seed import DEMO_PASSWORD

pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)

HOUSEHOLD = dict(
    unit_user="canbo.tdp1",
    unit_code="tk-tdp-1",
    award_code="gd_van_hoa",
    items=["to_trinh", "danh_sach_ho_gia_dinh", "bien_ban_binh_xet"],
)
OBJECTION = {
    "objector_name": "Trần Văn Bình",
    "objector_contact": "0912 345 678, TDP 1",
    "reason": "Gia đình chưa chấp hành quy định về vệ sinh môi trường của tổ dân phố",
}


async def not_near_a_window_edge(window_seconds: int, needed: float = 15.0) -> None:
    """The limits count in fixed windows: start a burst where it cannot straddle two."""
    left = window_seconds - time.time() % window_seconds
    if left < needed:
        await asyncio.sleep(left + 0.5)


def client_from(harness, address: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=harness.app, client=(address, 40000)),
        base_url="http://testserver",
        timeout=60,
    )


def assert_retry_after(response: httpx.Response, window_seconds: int) -> None:
    assert response.status_code == 429, response.text[:300]
    retry_after = int(response.headers["Retry-After"])
    assert 1 <= retry_after <= window_seconds


async def test_login_is_rate_limited_per_address_and_per_user(harness):
    await not_near_a_window_edge(LOGIN_WINDOW_SECONDS)
    async with (
        client_from(harness, "203.0.113.7") as attacker,
        client_from(harness, "198.51.100.9") as elsewhere,
        client_from(harness, "192.0.2.44") as colleague,
    ):
        for attempt in range(LOGIN_ATTEMPTS_PER_WINDOW):
            wrong = await attacker.post(
                "/api/v1/auth/token", data={"username": "chutich", "password": f"sai-{attempt}"}
            )
            assert wrong.status_code == 401, (attempt, wrong.text)
        limited = await attacker.post(
            "/api/v1/auth/token", data={"username": "chutich", "password": DEMO_PASSWORD}
        )
        assert_retry_after(limited, LOGIN_WINDOW_SECONDS)  # even the right password now
        assert "access_token" not in limited.text
        assert "thử lại sau" in limited.json()["detail"]

        # Another address guessing the same account meets the per-user limit.
        moved = await elsewhere.post(
            "/api/v1/auth/token", data={"username": "chutich", "password": DEMO_PASSWORD}
        )
        assert_retry_after(moved, LOGIN_WINDOW_SECONDS)
        # The same address guessing another account meets the per-address limit.
        other = await attacker.post(
            "/api/v1/auth/token", data={"username": "phochutich", "password": DEMO_PASSWORD}
        )
        assert_retry_after(other, LOGIN_WINDOW_SECONDS)
        # Someone else, elsewhere, signs in as usual.
        fine = await colleague.post(
            "/api/v1/auth/token", data={"username": "thuongtruc", "password": DEMO_PASSWORD}
        )
        assert fine.status_code == 200 and fine.json()["access_token"]

        # The login page shares the limit: 429, said on the page, with Retry-After.
        form = await attacker.get("/login")
        token = re.search(r'name="login_csrf" value="([^"]+)"', form.text).group(1)
        page = await attacker.post(
            "/login",
            data={
                "username": "chutich",
                "password": DEMO_PASSWORD,
                "login_csrf": token,
                "next": "/",
            },
        )
        assert_retry_after(page, LOGIN_WINDOW_SECONDS)
        assert "thidua_session" not in page.headers.get("set-cookie", "")


async def test_the_public_objection_form_is_rate_limited_per_address(harness):
    nomination_id = (await harness.nominate(household="Bùi Văn Khải", **HOUSEHOLD))["id"]
    accepted = await harness.ok("thuongtruc", f"/api/v1/nominations/{nomination_id}/accept", {})
    assert accepted["stage"] == "public_notice"
    await not_near_a_window_edge(3600, needed=30)
    path = f"/api/v1/public/notices/{nomination_id}/objections"
    async with (
        client_from(harness, "203.0.113.50") as flooder,
        client_from(harness, "198.51.100.60") as neighbour,
    ):
        for attempt in range(OBJECTIONS_PER_HOUR):
            lodged = await flooder.post(
                path, json={**OBJECTION, "reason": f"{OBJECTION['reason']} ({attempt})"}
            )
            assert lodged.status_code == 201, lodged.text
        flooded = await flooder.post(path, json=OBJECTION)
        assert_retry_after(flooded, 3600)

        # The portal page's form: the same budget, a 429 page with Retry-After.
        portal = await flooder.get("/cong-khai")
        token = re.search(r'name="public_csrf" value="([^"]+)"', portal.text).group(1)
        page = await flooder.post(
            f"/cong-khai/y-kien/{nomination_id}", data={**OBJECTION, "public_csrf": token}
        )
        assert_retry_after(page, 3600)

        # A neighbour at another address is heard.
        heard = await neighbour.post(path, json=OBJECTION)
        assert heard.status_code == 201, heard.text

    detail = (await harness.get("thuongtruc", f"/api/v1/nominations/{nomination_id}")).json()
    assert len(detail["objections"]) == OBJECTIONS_PER_HOUR + 1  # none of the refused ones

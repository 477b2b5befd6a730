"""The sign-in policy does not lock out an office, and it stops a guesser; the public
objection form hears a neighbourhood behind one address, and stops a flood.

- Sign-in (JSON and page alike): a success is never counted and clears its account's
  failures from its address; 5 failures at one account from one address in 15 minutes
  pause that pair 15 minutes (the refusal says until when, in Vietnam time, and never
  blames the password given); 20 failures at one account from everywhere in an hour pause
  the account an hour, or until an administrator unlocks it (audited).
- The client address is the one a trusted proxy forwards, never one anyone else claims.
- Objections: 10 an hour from one address, 3 per notice from one contact.

Every moment is one the test chose (a ``FixedClock``), on both databases.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import httpx
import pytest
from sqlalchemy import func, select
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from api.services import sign_in_limits
from api.services.objections import OBJECTIONS_PER_ADDRESS, OBJECTIONS_PER_CONTACT
from domain.calendar import VIETNAM_TZ
from models import AuditEvent, RateLimitHit, User
from tests.clock import fixed_clock
from tests.conftest import make_settings
from tests.harness import Harness
from thidua.cli import uvicorn_config
from thidua.db import create_engine
from thidua.ratelimit import LONGEST_WINDOW
from thidua.seed import DEMO_PASSWORD
from thidua.settings import Settings

pytestmark = pytest.mark.parametrize("backend", ["sqlite", "postgresql"], indirect=True)

OFFICE = "203.0.113.10"  # the ward office's one NAT address
# A working Monday in Vietnam, 09:00: the council meets at 09:30.
MORNING = datetime(2027, 3, 15, 9, 0, tzinfo=VIETNAM_TZ)
TOKEN = "/api/v1/auth/token"

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


# ---- the application, without Temporal, at a moment the test chooses -----------------


@pytest.fixture
async def office(database_url, tmp_path) -> AsyncIterator[Harness]:
    """The app on the seeded database at ``MORNING`` (a ``FixedClock``), with 30 more
    accounts (office01..office30, the demo password): signing in needs no Temporal."""
    engine = create_engine(database_url, pool_size=5)
    harness = Harness(
        make_settings(database_url, tmp_path),
        engine,
        SimpleNamespace(client=None),
        "",
        clock=fixed_clock(MORNING),
    )
    async with harness.factory() as session, session.begin():
        demo = (await session.execute(select(User).where(User.username == "chutich"))).scalar_one()
        for n in range(1, 31):
            session.add(
                User(
                    username=f"office{n:02}",
                    full_name=f"Cán bộ {n:02}",
                    password_hash=demo.password_hash,
                )
            )
    await harness.load_ids()
    try:
        yield harness
    finally:
        await harness.aclose()
        await engine.dispose()


def client_from(harness, address: str, app=None) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app or harness.app, client=(address, 40000)),
        base_url="http://testserver",
        timeout=60,
    )


async def sign_in(http: httpx.AsyncClient, username: str, password: str = DEMO_PASSWORD):
    return await http.post(TOKEN, data={"username": username, "password": password})


def paused(response: httpx.Response, *, until: datetime, now: datetime) -> str:
    """The refusal of a paused sign-in: 429, Retry-After to the second, the moment in the
    body; its message, which must not blame the password."""
    assert response.status_code == 429, response.text[:300]
    assert int(response.headers["Retry-After"]) == int((until - now).total_seconds())
    body = response.json()
    assert datetime.fromisoformat(body["retry_at"]) == until
    assert "access_token" not in body
    detail = body["detail"]
    assert "không đúng" not in detail and "Mật khẩu vừa nhập chưa được kiểm tra" in detail
    return detail


# ---- signing in ------------------------------------------------------------------------


async def test_an_office_behind_one_address_signs_in_while_one_guess_is_paused(office):
    clock = office.clock
    async with client_from(office, OFFICE) as http, client_from(office, "198.51.100.9") as home:
        # 30 people sign in from the office within a minute: none is counted.
        for n in range(1, 31):
            response = await sign_in(http, f"office{n:02}")
            assert response.status_code == 200, (n, response.text)
            clock.advance(timedelta(seconds=2))
        # One of them mistypes five times within 15 minutes: each a plain 401.
        for _ in range(sign_in_limits.PAIR_FAILURES):
            clock.advance(timedelta(seconds=10))
            assert (await sign_in(http, "office07", "thidua2025")).status_code == 401
        fifth = clock.now()
        # The sixth, within 15 minutes, is not even checked (the right password neither):
        # it says until when, in Vietnam time.
        clock.advance(timedelta(seconds=10))
        until = fifth + sign_in_limits.PAIR_WAIT
        detail = paused(await sign_in(http, "office07", "sai"), until=until, now=clock.now())
        shown = (until + timedelta(seconds=60 - until.second)).astimezone(VIETNAM_TZ)
        assert f"thử lại từ {shown:%H:%M %d/%m/%Y} (giờ Việt Nam)" in detail, detail
        paused(await sign_in(http, "office07"), until=until, now=clock.now())
        # The 29 others keep signing in from the same address, and office07 from home.
        for n in range(1, 31):
            if n != 7:
                assert (await sign_in(http, f"office{n:02}")).status_code == 200, n
        assert (await sign_in(home, "office07")).status_code == 200
        # A second before the wait is over, still paused; then the right password works.
        clock.set(until - timedelta(seconds=1))
        paused(await sign_in(http, "office07"), until=until, now=clock.now())
        clock.set(until)
        assert (await sign_in(http, "office07")).status_code == 200


async def test_a_success_clears_the_count_of_its_address(office):
    clock = office.clock
    async with client_from(office, OFFICE) as http:
        for _ in range(sign_in_limits.PAIR_FAILURES - 1):
            assert (await sign_in(http, "office03", "sai")).status_code == 401
            clock.advance(timedelta(seconds=20))
        assert (await sign_in(http, "office03")).status_code == 200
        # Five more mistakes before a pause, not one.
        for _ in range(sign_in_limits.PAIR_FAILURES):
            clock.advance(timedelta(seconds=20))
            assert (await sign_in(http, "office03", "sai")).status_code == 401
        clock.advance(timedelta(seconds=20))
        assert (await sign_in(http, "office03")).status_code == 429
        # A name nobody holds is counted like any other (the answers do not tell them apart).
        for _ in range(sign_in_limits.PAIR_FAILURES):
            assert (await sign_in(http, "khong.co.ai", "sai")).status_code == 401
        assert (await sign_in(http, "khong.co.ai", "sai")).status_code == 429


async def test_the_login_page_keeps_the_same_policy(office):
    clock = office.clock
    async with client_from(office, OFFICE) as http:

        async def page_sign_in(password: str) -> httpx.Response:
            form = await http.get("/login")
            token = re.search(r'name="login_csrf" value="([^"]+)"', form.text).group(1)
            return await http.post(
                "/login",
                data={"username": "office11", "password": password, "login_csrf": token},
            )

        for _ in range(sign_in_limits.PAIR_FAILURES):
            refused = await page_sign_in("sai")
            assert refused.status_code == 400 and "không đúng" in refused.text
        until = clock.now() + sign_in_limits.PAIR_WAIT
        clock.advance(timedelta(minutes=3))
        page = await page_sign_in(DEMO_PASSWORD)
        assert page.status_code == 429
        assert int(page.headers["Retry-After"]) == 12 * 60
        assert f"thử lại từ {until.astimezone(VIETNAM_TZ):%H:%M %d/%m/%Y} (giờ Việt Nam)" in (
            page.text
        )
        assert "Mật khẩu vừa nhập chưa được kiểm tra" in page.text
        assert "không đúng" not in page.text
        assert "thidua_session" not in page.headers.get("set-cookie", "")
        # The JSON API answers the same pair the same way.
        assert (await sign_in(http, "office11")).status_code == 429
        clock.set(until)
        signed_in = await page_sign_in(DEMO_PASSWORD)
        assert signed_in.status_code == 303 and "thidua_session" in signed_in.headers["set-cookie"]


async def test_failures_from_many_addresses_pause_the_account_until_an_administrator_unlocks(
    office,
):
    clock = office.clock
    start = clock.now()
    # 20 failures from 10 addresses within the hour: no pair reaches its own limit.
    for n in range(sign_in_limits.ACCOUNT_FAILURES):
        async with client_from(office, f"198.51.100.{n // 2 + 1}") as guesser:
            assert (await sign_in(guesser, "office20", "sai")).status_code == 401, n
        clock.advance(timedelta(minutes=2))
    last = start + timedelta(minutes=2 * (sign_in_limits.ACCOUNT_FAILURES - 1))
    until = last + sign_in_limits.ACCOUNT_WAIT
    async with client_from(office, OFFICE) as http:
        detail = paused(await sign_in(http, "office20"), until=until, now=clock.now())
        assert "đề nghị quản trị hệ thống mở khóa" in detail
        # Other accounts are untouched.
        assert (await sign_in(http, "office21")).status_code == 200

        # Only an administrator unlocks it.
        path = f"/api/v1/users/{office.ids.users['office20']}/sign-in-unlock"
        refused = await http.post(path, headers=office.headers("thuongtruc"))
        assert refused.status_code == 403
        unlocked = await http.post(path, headers=office.headers("quantri"))
        assert unlocked.status_code == 200, unlocked.text
        body = unlocked.json()
        assert body["username"] == "office20"
        assert body["failed_attempts_cleared"] == sign_in_limits.ACCOUNT_FAILURES
        assert datetime.fromisoformat(body["was_paused_until"]) == until
        assert (await sign_in(http, "office20")).status_code == 200
        missing = await http.post(
            "/api/v1/users/999999/sign-in-unlock", headers=office.headers("quantri")
        )
        assert missing.status_code == 404

    async with office.factory() as session:
        [event] = (
            await session.execute(select(AuditEvent).where(AuditEvent.action == "sign_in_unlocked"))
        ).scalars()
    assert event.subject_type == "user" and event.subject_id == office.ids.users["office20"]
    assert event.actor_user_id == office.ids.users["quantri"] and event.actor_role == "admin"
    assert event.occurred_at == clock.now()
    assert event.changes["failed_sign_ins_last_hour"] == ["20", "0"]
    assert datetime.fromisoformat(event.changes["sign_in_paused_until"][0]) == until


async def test_without_an_administrator_the_account_waits_an_hour(office):
    clock = office.clock
    for n in range(sign_in_limits.ACCOUNT_FAILURES):
        async with client_from(office, f"192.0.2.{n + 1}") as guesser:
            assert (await sign_in(guesser, "office22", "sai")).status_code == 401
    until = clock.now() + sign_in_limits.ACCOUNT_WAIT
    async with client_from(office, OFFICE) as http:
        clock.advance(timedelta(minutes=59, seconds=59))
        paused(await sign_in(http, "office22"), until=until, now=clock.now())
        clock.set(until)
        assert (await sign_in(http, "office22")).status_code == 200


async def test_old_counts_are_deleted_as_new_ones_are_written(office):
    clock = office.clock
    async with client_from(office, OFFICE) as http:
        for n in range(1, 4):
            assert (await sign_in(http, f"office{n:02}", "sai")).status_code == 401

        async def rows_older_than_an_hour() -> int:
            async with office.factory() as session:
                older = RateLimitHit.window_start < clock.now() - LONGEST_WINDOW
                query = select(func.count()).select_from(RateLimitHit).where(older)
                return (await session.execute(query)).scalar_one()

        clock.advance(LONGEST_WINDOW + timedelta(minutes=1))
        assert await rows_older_than_an_hour() > 0
        assert (await sign_in(http, "office04", "sai")).status_code == 401  # a new row
        assert await rows_older_than_an_hour() == 0


# ---- the client address behind a proxy -----------------------------------------------------


def test_the_trusted_proxies_setting_reaches_uvicorn(backend):
    config = uvicorn_config(Settings(trusted_proxies="172.16.0.0/12, 10.0.0.5"), app=None)
    assert config.proxy_headers and config.forwarded_allow_ips == ["172.16.0.0/12", "10.0.0.5"]
    nobody = uvicorn_config(Settings(trusted_proxies=""), app=None)
    assert not nobody.proxy_headers and nobody.forwarded_allow_ips == []
    assert Settings().trusted_proxy_list == ["127.0.0.1", "::1"]  # uvicorn's own default
    for wrong in ("*", "proxy.example", "10.0.0.300"):
        with pytest.raises(ValueError, match="not an IP address or network"):
            Settings(trusted_proxies=wrong)


async def test_a_forwarded_address_counts_only_from_a_trusted_proxy(office):
    settings = office.settings.model_copy(update={"trusted_proxies": "172.18.0.0/16"})
    config = uvicorn_config(settings, office.app)
    config.load()  # what `thidua api` serves: the app behind uvicorn's proxy middleware
    served = config.loaded_app
    assert isinstance(served, ProxyHeadersMiddleware)
    alice = {"X-Forwarded-For": "198.51.100.77"}
    async with (
        client_from(office, "172.18.0.1", app=served) as proxy,
        client_from(office, "203.0.113.99", app=served) as forger,
    ):
        # Through the proxy, Alice's address is the one counted...
        for _ in range(sign_in_limits.PAIR_FAILURES):
            wrong = await proxy.post(
                TOKEN, data={"username": "office09", "password": "sai"}, headers=alice
            )
            assert wrong.status_code == 401
        again = await proxy.post(
            TOKEN, data={"username": "office09", "password": "sai"}, headers=alice
        )
        assert again.status_code == 429
        # ...not the proxy's: a colleague behind the same proxy signs in as office09.
        colleague = await proxy.post(
            TOKEN,
            data={"username": "office09", "password": DEMO_PASSWORD},
            headers={"X-Forwarded-For": "198.51.100.78"},
        )
        assert colleague.status_code == 200
        # Anyone else claiming to be forwarded for Alice is counted at their own address.
        forged = await forger.post(
            TOKEN, data={"username": "office09", "password": DEMO_PASSWORD}, headers=alice
        )
        assert forged.status_code == 200


# ---- the public objection form (needs the engine: a nomination on public notice) ---------


async def test_objections_are_limited_per_address_and_per_contact(harness):
    nomination_id = (await harness.nominate(household="Bùi Văn Khải", **HOUSEHOLD))["id"]
    accepted = await harness.ok("thuongtruc", f"/api/v1/nominations/{nomination_id}/accept", {})
    assert accepted["stage"] == "public_notice"
    # The limit counts by the hour: start a minute into the next one (the test server's
    # time, which is the application's).
    now = await harness.now()
    hour = now.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    await harness.move_to(hour + timedelta(hours=1, minutes=1))
    path = f"/api/v1/public/notices/{nomination_id}/objections"

    def from_(address: str) -> httpx.AsyncClient:
        transport = httpx.ASGITransport(app=harness.app, client=(address, 40000))
        return httpx.AsyncClient(
            transport=transport,
            base_url="http://testserver",
            timeout=60,
            event_hooks={"request": [harness._sync_clock]},
        )

    async with (
        from_("100.64.0.1") as neighbourhood,  # a carrier-NAT address
        from_("198.51.100.60") as elsewhere,
        from_("198.51.100.61") as elsewhere_again,
    ):
        # Ten neighbours behind one address are heard...
        for n in range(OBJECTIONS_PER_ADDRESS):
            lodged = await neighbourhood.post(
                path, json={**OBJECTION, "objector_contact": f"09{n:08}, TDP 1"}
            )
            assert lodged.status_code == 201, (n, lodged.text)
        # ...the eleventh within the hour waits, on the JSON API and on the portal page.
        flooded = await neighbourhood.post(path, json=OBJECTION)
        assert flooded.status_code == 429
        assert 1 <= int(flooded.headers["Retry-After"]) <= 3600
        portal = await neighbourhood.get("/cong-khai")
        token = re.search(r'name="public_csrf" value="([^"]+)"', portal.text).group(1)
        page = await neighbourhood.post(
            f"/cong-khai/y-kien/{nomination_id}", data={**OBJECTION, "public_csrf": token}
        )
        assert page.status_code == 429 and "Retry-After" in page.headers

        # One contact has three objections on a notice, however it writes its number.
        for contact in ("0912 345 678", "0912.345.678", "0912345678"):
            lodged = await elsewhere.post(path, json={**OBJECTION, "objector_contact": contact})
            assert lodged.status_code == 201, lodged.text
        fourth = await elsewhere_again.post(
            path, json={**OBJECTION, "objector_contact": "0912-345-678"}
        )
        assert fourth.status_code == 409
        assert f"tối đa {OBJECTIONS_PER_CONTACT} ý kiến" in fourth.json()["detail"]
        # Another person at that address is heard.
        heard = await elsewhere_again.post(
            path, json={**OBJECTION, "objector_contact": "0987 654 321"}
        )
        assert heard.status_code == 201, heard.text

    detail = (await harness.get("thuongtruc", f"/api/v1/nominations/{nomination_id}")).json()
    assert len(detail["objections"]) == OBJECTIONS_PER_ADDRESS + OBJECTIONS_PER_CONTACT + 1

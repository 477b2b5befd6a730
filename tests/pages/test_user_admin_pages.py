"""The administration pages, as an administrator uses them: "Quản trị" in the header,
"Người dùng" with every account's roles and whether it may sign in; a new account and a
role given through the forms, a mistake shown next to its field, an account deactivated
(its owner can no longer sign in) and one unlocked after too many failed sign-ins. A
ward's administrator sees and manages their own ward's accounts only.

On SQLite and PostgreSQL, the databases built from the migrations."""

from __future__ import annotations

import re
from dataclasses import dataclass

import httpx
import pytest
from sqlalchemy import select

from api.services import sign_in_limits
from domain.vocabulary import Level, Role, UnitKind
from models import AuditEvent, RoleGrant, Unit
from tests.accounts_app import AccountsApp, accounts_app

pytestmark = [pytest.mark.postgres]

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
PASSWORD = "Mat-khau-rieng-2027"


@pytest.fixture
async def app(empty_database_url, tmp_path):
    async for made in accounts_app(empty_database_url, tmp_path):
        yield made


@dataclass
class Wards:
    city: int
    ward_a: int
    office_a: int
    ward_b: int
    office_b: int


async def add_unit(
    app: AccountsApp, code: str, name: str, kind: UnitKind, level: Level, parent: int | None
) -> int:
    async with app.state.writer() as session, session.begin():
        unit = Unit(code=code, name=name, kind=kind, level=level, parent_id=parent)
        session.add(unit)
        await session.flush()
        return unit.id


async def two_wards(app: AccountsApp) -> Wards:
    committee = UnitKind.PEOPLES_COMMITTEE
    city = await add_unit(
        app, "ubnd-tp", "Ủy ban nhân dân thành phố Hải Phòng", committee, Level.CITY, None
    )
    ward_a = await add_unit(
        app, "ubnd-a", "Ủy ban nhân dân phường Thạch Khôi", committee, Level.WARD, city
    )
    office_a = await add_unit(
        app, "a-vp", "Văn phòng phường Thạch Khôi", UnitKind.OFFICE, Level.WARD, ward_a
    )
    ward_b = await add_unit(
        app, "ubnd-b", "Ủy ban nhân dân phường Lê Thanh Nghị", committee, Level.WARD, city
    )
    office_b = await add_unit(
        app, "b-vp", "Văn phòng phường Lê Thanh Nghị", UnitKind.OFFICE, Level.WARD, ward_b
    )
    return Wards(city, ward_a, office_a, ward_b, office_b)


async def grant(app: AccountsApp, user_id: int, role: Role, unit_id: int) -> None:
    async with app.state.writer() as session, session.begin():
        unit = await session.get(Unit, unit_id)
        assert unit is not None
        session.add(RoleGrant(user_id=user_id, role=role, unit_id=unit_id, level=unit.level))


async def csrf(http: httpx.AsyncClient, path: str) -> str:
    page = await http.get(path)
    assert page.status_code == 200, (path, page.status_code, page.text[:300])
    match = TOKEN.search(page.text)
    assert match, page.text[:500]
    return match.group(1)


def field_error(html: str, field: str) -> str:
    match = re.search(rf'<p class="field-error" id="{field}-error">([^<]+)</p>', html)
    assert match, f"no error next to {field}"
    return match.group(1)


async def page_sign_in(app: AccountsApp, username: str, password: str = PASSWORD):
    """The login page, as a person fills it in (a fresh browser)."""
    async with app.client() as browser:
        form = await browser.get("/login")
        token = re.search(r'name="login_csrf" value="([^"]+)"', form.text)
        assert token, form.text[:300]
        return await browser.post(
            "/login",
            data={
                "username": username,
                "password": password,
                "next": "/",
                "login_csrf": token.group(1),
            },
        )


async def test_an_administrator_creates_a_user_and_gives_a_role_through_the_pages(app):
    wards = await two_wards(app)
    admin_id = await app.add_user(
        "quantri", PASSWORD, full_name="Trần Thị Quản", deployment_admin=True
    )
    browser = app.client()
    try:
        app.sign_in_page(browser, admin_id)
        home = await browser.get("/")
        assert '<a href="/admin">Quản trị</a>' in home.text
        index = await browser.get("/admin")
        assert index.status_code == 200
        for href, label in (
            ("/admin/users", "Người dùng"),
            ("/admin/units", "Đơn vị"),
            ("/admin/people", "Cá nhân"),
            ("/admin/households", "Hộ gia đình"),
            ("/admin/collectives", "Tập thể"),
            ("/admin/councils", "Hội đồng"),
            ("/admin/history", "Lịch sử khen thưởng"),
            ("/admin/imports", "Nhập dữ liệu từ Excel"),
        ):
            assert f'<a href="{href}">{label}</a>' in index.text

        token = await csrf(browser, "/admin/users")
        created = await browser.post(
            "/admin/users",
            data={"csrf_token": token, "username": "canbo.moi", "full_name": "  Lê Thị  Mới "},
        )
        assert created.status_code == 303
        page_path = created.headers["location"]
        assert page_path.startswith("/admin/users/")
        page = await browser.get(page_path)
        # No address: the operator issues the link (never shown here).
        assert "thidua admin link --username canbo.moi" in page.text
        assert "Lê Thị Mới" in page.text and "Chưa có vai trò" in page.text

        given = await browser.post(
            f"{page_path}/roles",
            data={
                "csrf_token": await csrf(browser, page_path),
                "role": "unit_officer",
                "unit_id": str(wards.office_a),
            },
        )
        assert given.status_code == 303
        page = await browser.get(page_path)
        assert "Đã giao vai trò" in page.text
        assert "Cán bộ đơn vị — Văn phòng phường Thạch Khôi" in page.text
        listed = await browser.get("/admin/users")
        row = re.search(r'<tr data-user="canbo.moi">.*?</tr>', listed.text, re.S)
        assert row and "Văn phòng phường Thạch Khôi" in row.group(0)
        assert "Đang hoạt động" in row.group(0)
    finally:
        await browser.aclose()

    new = await app.user("canbo.moi")
    events = await app.audit(new.id)
    assert [e.action for e in events] == ["user_created", "role_granted"]
    assert events[1].actor_user_id == admin_id
    assert events[1].changes["role_grant"][1]["unit_code"] == "a-vp"


async def test_a_mistake_is_shown_next_to_its_field(app):
    await two_wards(app)
    admin_id = await app.add_user("quantri", PASSWORD, deployment_admin=True)
    browser = app.client()
    try:
        app.sign_in_page(browser, admin_id)
        token = await csrf(browser, "/admin/users")
        bad = await browser.post(
            "/admin/users",
            data={"csrf_token": token, "username": "Lê Mới", "full_name": "Lê Thị Mới"},
        )
        assert bad.status_code == 422
        assert "Tên đăng nhập gồm 3–64 chữ cái không dấu" in field_error(bad.text, "username")
        assert 'value="Lê Thị Mới"' in bad.text  # what was typed stays
        missing = await browser.post(
            "/admin/users", data={"csrf_token": token, "username": "canbo.moi"}
        )
        assert missing.status_code == 422
        assert field_error(missing.text, "full_name") == "Vui lòng nhập trường này"
        taken = await browser.post(
            "/admin/users",
            data={"csrf_token": token, "username": "quantri", "full_name": "Người khác"},
        )
        assert taken.status_code == 422
        assert "đã tồn tại" in field_error(taken.text, "username")
        bad_mail = await browser.post(
            "/admin/users",
            data={
                "csrf_token": token,
                "username": "canbo.moi",
                "full_name": "Lê Thị Mới",
                "email": "khong-phai-dia-chi",
            },
        )
        assert field_error(bad_mail.text, "email") == "Địa chỉ thư điện tử không hợp lệ"

        # A role without a unit, and a unit that does not exist.
        user_id = await app.add_user("canbo.moi", PASSWORD)
        path = f"/admin/users/{user_id}"
        no_unit = await browser.post(
            f"{path}/roles", data={"csrf_token": token, "role": "auditor", "unit_id": ""}
        )
        assert no_unit.status_code == 422
        assert field_error(no_unit.text, "unit_id") == "Vui lòng chọn"
        ghost = await browser.post(
            f"{path}/roles", data={"csrf_token": token, "role": "auditor", "unit_id": "987654"}
        )
        assert ghost.status_code == 422
        assert field_error(ghost.text, "unit_id") == "Không có đơn vị này"
        for hand_typed in ("3000000000", "²", "1" * 5000):  # a hand-edited form, never a 500
            odd = await browser.post(
                f"{path}/roles",
                data={"csrf_token": token, "role": "auditor", "unit_id": hand_typed},
            )
            assert odd.status_code == 422
            assert field_error(odd.text, "unit_id") == "Vui lòng chọn"
        wrong_role = await browser.post(
            f"{path}/roles", data={"csrf_token": token, "role": "vua", "unit_id": "1"}
        )
        assert field_error(wrong_role.text, "role") == "Vui lòng chọn"
    finally:
        await browser.aclose()
    assert [e.action for e in await app.audit(user_id)] == []  # nothing half-written


async def test_a_deactivated_account_cannot_sign_in_until_reactivated(app):
    wards = await two_wards(app)
    admin_id = await app.add_user("quantri", PASSWORD, deployment_admin=True)
    leaver = await app.add_user("uyvien.xdd", PASSWORD, full_name="Đỗ Minh Tuấn")
    await grant(app, leaver, Role.COUNCIL_MEMBER, wards.ward_a)
    assert (await page_sign_in(app, "uyvien.xdd")).status_code == 303

    browser = app.client()
    try:
        app.sign_in_page(browser, admin_id)
        path = f"/admin/users/{leaver}"
        done = await browser.post(
            f"{path}/deactivate", data={"csrf_token": await csrf(browser, path)}
        )
        assert done.status_code == 303
        page = await browser.get(path)
        assert "Đã khóa tài khoản" in page.text and 'id="reactivate"' in page.text
        refused = await page_sign_in(app, "uyvien.xdd")
        assert refused.status_code == 400 and "thidua_session" not in refused.headers.get(
            "set-cookie", ""
        )

        again = await browser.post(
            f"{path}/reactivate", data={"csrf_token": await csrf(browser, path)}
        )
        assert again.status_code == 303
        assert (await page_sign_in(app, "uyvien.xdd")).status_code == 303
    finally:
        await browser.aclose()
    actions = [e.action for e in await app.audit(leaver)]
    assert actions == ["user_deactivated", "user_reactivated"]


async def test_an_account_paused_after_failed_sign_ins_is_unlocked_from_its_page(app):
    wards = await two_wards(app)
    admin_id = await app.add_user("quantri", PASSWORD, deployment_admin=True)
    officer = await app.add_user("canbo.a", PASSWORD, full_name="Hoàng Văn Nam")
    await grant(app, officer, Role.UNIT_OFFICER, wards.office_a)
    # Guesses from many addresses: no address reaches its own limit, the account does.
    for n in range(sign_in_limits.ACCOUNT_FAILURES):
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app.app, client=(f"198.51.100.{n + 1}", 40000)),
            base_url="http://testserver.local",
        ) as guesser:
            wrong = await guesser.post(
                "/api/v1/auth/token", data={"username": "canbo.a", "password": "sai"}
            )
            assert wrong.status_code == 401, n
    assert (await page_sign_in(app, "canbo.a")).status_code == 429

    browser = app.client()
    try:
        app.sign_in_page(browser, admin_id)
        listed = await browser.get("/admin/users")
        row = re.search(r'<tr data-user="canbo.a">.*?</tr>', listed.text, re.S)
        assert row and "Tạm dừng đăng nhập đến" in row.group(0)
        path = f"/admin/users/{officer}"
        unlocked = await browser.post(
            f"{path}/unlock", data={"csrf_token": await csrf(browser, path)}
        )
        assert unlocked.status_code == 303
        page = await browser.get(path)
        assert "Đã mở khóa đăng nhập" in page.text and "Đang hoạt động" in page.text
    finally:
        await browser.aclose()
    assert (await page_sign_in(app, "canbo.a")).status_code == 303
    async with app.state.reader() as session:
        [event] = (
            await session.execute(select(AuditEvent).where(AuditEvent.action == "sign_in_unlocked"))
        ).scalars()
    assert event.subject_id == officer and event.actor_user_id == admin_id


async def test_a_ward_administrator_sees_and_manages_only_their_wards_accounts(app):
    wards = await two_wards(app)
    await app.add_user("quantri", PASSWORD, deployment_admin=True)
    ward_admin = await app.add_user("quantri.a", PASSWORD, full_name="Quản trị phường A")
    await grant(app, ward_admin, Role.ADMIN, wards.ward_a)
    officer_a = await app.add_user("canbo.a", PASSWORD, full_name="Cán bộ phường A")
    await grant(app, officer_a, Role.UNIT_OFFICER, wards.office_a)
    officer_b = await app.add_user("canbo.b", PASSWORD, full_name="Cán bộ phường B")
    await grant(app, officer_b, Role.UNIT_OFFICER, wards.office_b)
    plain = await app.add_user("canbo.thuong", PASSWORD)
    await grant(app, plain, Role.UNIT_OFFICER, wards.office_a)

    browser = app.client()
    try:
        app.sign_in_page(browser, ward_admin)
        listed = await browser.get("/admin/users")
        assert listed.status_code == 200
        shown = set(re.findall(r'<tr data-user="([^"]+)">', listed.text))
        assert shown == {"quantri.a", "canbo.a", "canbo.thuong"}
        # Another ward's account answers like a missing one; so does its unit.
        assert (await browser.get(f"/admin/users/{officer_b}")).status_code == 404
        path = f"/admin/users/{officer_a}"
        token = await csrf(browser, path)
        page = await browser.get(path)
        assert "Văn phòng phường Lê Thanh Nghị" not in page.text  # not offered
        assert "Văn phòng phường Thạch Khôi" in page.text
        other_unit = await browser.post(
            f"{path}/roles",
            data={"csrf_token": token, "role": "auditor", "unit_id": str(wards.office_b)},
        )
        assert other_unit.status_code == 422
        assert field_error(other_unit.text, "unit_id") == "Không có đơn vị này"
        assert (
            await browser.post(f"/admin/users/{officer_b}/deactivate", data={"csrf_token": token})
        ).status_code == 404
        # Within the ward: done.
        given = await browser.post(
            f"{path}/roles",
            data={"csrf_token": token, "role": "auditor", "unit_id": str(wards.office_a)},
        )
        assert given.status_code == 303
        # A new account with its first role: in the ward, not in the other one.
        new_user = {"csrf_token": token, "username": "canbo.moi", "full_name": "Lê Thị Mới"}
        elsewhere = await browser.post(
            "/admin/users",
            data={**new_user, "role": "unit_officer", "unit_id": str(wards.office_b)},
        )
        assert elsewhere.status_code == 422
        assert field_error(elsewhere.text, "unit_id") == "Không có đơn vị này"
        no_role = await browser.post(
            "/admin/users", data={**new_user, "unit_id": str(wards.office_a)}
        )
        assert field_error(no_role.text, "role") == "Vui lòng chọn"
        created = await browser.post(
            "/admin/users",
            data={**new_user, "role": "unit_officer", "unit_id": str(wards.office_a)},
        )
        assert created.status_code == 303
        page = await browser.get(created.headers["location"])
        assert "Cán bộ đơn vị — Văn phòng phường Thạch Khôi" in page.text

        # The JSON API answers the same.
        headers = app.bearer(ward_admin)
        users = await app.http.get("/api/v1/users", headers=headers)
        assert {u["username"] for u in users.json()} == {
            "quantri.a",
            "canbo.a",
            "canbo.thuong",
            "canbo.moi",
        }
        assert (
            await app.http.post(f"/api/v1/users/{officer_b}/deactivate", headers=headers)
        ).status_code == 404
        assert (
            await app.http.post(f"/api/v1/users/{officer_b}/sign-in-unlock", headers=headers)
        ).status_code == 404
    finally:
        await browser.aclose()

    # Someone without an administrator role: no link, and the pages refuse.
    officer = app.client()
    try:
        app.sign_in_page(officer, officer_a)
        assert 'href="/admin"' not in (await officer.get("/")).text
        assert (await officer.get("/admin")).status_code == 403
        assert (await officer.get("/admin/users")).status_code == 403
    finally:
        await officer.aclose()

"""An administrator's users in the JSON API: a new account gets no password, its owner a
one-time link by mail (read back from a real SMTP server; the administrator sees where it
went, never the link) and chooses one; role grants scoped to a unit are given and taken
away; only an administrator may (403), and every change is audited with who acted and the
old and new values.

On SQLite and PostgreSQL, the databases built from the migrations."""

from __future__ import annotations

import re
from urllib.parse import urlparse

import pytest

from domain.vocabulary import Level, Role, UnitKind
from models import RoleGrant, Unit
from tests.accounts_app import accounts_app
from tests.notices.conftest import MailCatcher, free_port

pytestmark = [pytest.mark.postgres]

LINK = re.compile(r"https://thidua\.example\.vn/dat-mat-khau/\S+")
USERS = "/api/v1/users"


@pytest.fixture
async def app(empty_database_url, tmp_path):
    async for made in accounts_app(empty_database_url, tmp_path):
        yield made


async def add_unit(app, code: str, name: str, parent_id: int | None = None) -> int:
    async with app.state.writer() as session, session.begin():
        unit = Unit(
            code=code, name=name, kind=UnitKind.OFFICE, level=Level.WARD, parent_id=parent_id
        )
        session.add(unit)
        await session.flush()
        return unit.id


async def test_an_administrator_creates_a_user_who_sets_up_and_signs_in(app):
    catcher = MailCatcher(free_port())
    catcher.start()
    app.settings.mail_enabled, app.settings.smtp_port = True, catcher.port
    try:
        admin_id = await app.add_user(
            "quantri", "Quan-tri-vien-2027", full_name="Trần Thị Quản", deployment_admin=True
        )
        admin = app.bearer(admin_id)
        office = await add_unit(app, "tk-van-phong", "Văn phòng HĐND và UBND phường")

        created = await app.http.post(
            USERS,
            json={
                "username": "canbo.moi",
                "full_name": "  Lê Thị   Mới ",
                "email": "moi.le@thachkhoi.example.vn",
            },
            headers=admin,
        )
        assert created.status_code == 201, created.text
        body = created.json()
        new_id = body["user"]["id"]
        assert body["user"]["full_name"] == "Lê Thị Mới"
        assert body["user"]["must_change_password"] is True and body["user"]["roles"] == []
        assert body["setup_link_sent_to"] == "m***@thachkhoi.example.vn"
        assert "dat-mat-khau" not in created.text  # the administrator never sees the link

        [mail] = catcher.to("moi.le@thachkhoi.example.vn")
        assert mail.text.startswith("Kính gửi Lê Thị Mới,")
        # A new account's own words: choose a first password, not "reset" one never chosen.
        assert mail.message["Subject"].startswith("Tài khoản mới: chọn mật khẩu")
        assert "đã tạo cho đồng chí tài khoản canbo.moi" in mail.text
        assert "đặt lại" not in mail.text + mail.html
        link = LINK.search(mail.text).group(0)

        # Without an address: the operator issues the link.
        bare = await app.http.post(
            USERS, json={"username": "canbo.khongthu", "full_name": "Phạm Văn Không"}, headers=admin
        )
        assert bare.status_code == 201 and bare.json()["setup_link_sent_to"] is None
        assert "thidua admin link --username canbo.khongthu" in bare.json()["next_step"]
        assert len(catcher.received) == 1

        # Twice the same username: 409 naming the field; bad input: 422 naming it.
        again = await app.http.post(
            USERS, json={"username": "canbo.moi", "full_name": "Ai Khác"}, headers=admin
        )
        assert again.status_code == 409 and again.json()["field"] == "username"
        control = await app.http.post(
            USERS, json={"username": "canbo.x", "full_name": "Lê\x07Thị"}, headers=admin
        )
        assert control.status_code == 422 and "full_name" in control.text
        bad_name = await app.http.post(
            USERS, json={"username": "có dấu", "full_name": "Lê Thị"}, headers=admin
        )
        assert bad_name.status_code == 422 and bad_name.json()["field"] == "username"

        # A role in a unit; not in a unit that does not exist, nor twice.
        roles = f"{USERS}/{new_id}/roles"
        granted = await app.http.post(
            roles, json={"role": "unit_officer", "unit_id": office}, headers=admin
        )
        assert granted.status_code == 201, granted.text
        [grant] = granted.json()["roles"]
        assert grant["role"] == "unit_officer" and grant["unit_code"] == "tk-van-phong"
        assert grant["unit_name"] == "Văn phòng HĐND và UBND phường" and grant["level"] == "ward"
        twice = await app.http.post(
            roles, json={"role": "unit_officer", "unit_id": office}, headers=admin
        )
        assert twice.status_code == 409
        no_unit = await app.http.post(
            roles, json={"role": "auditor", "unit_id": 999999}, headers=admin
        )
        assert no_unit.status_code == 422 and no_unit.json()["field"] == "body.unit_id"
        no_role = await app.http.post(
            roles, json={"role": "emperor", "unit_id": office}, headers=admin
        )
        assert no_role.status_code == 422 and "role" in no_role.text
        missing = await app.http.post(
            f"{USERS}/999999/roles", json={"role": "auditor", "unit_id": office}, headers=admin
        )
        assert missing.status_code == 404
        auditor = await app.http.post(
            roles, json={"role": "auditor", "unit_id": office}, headers=admin
        )
        auditor_grant = next(g for g in auditor.json()["roles"] if g["role"] == "auditor")
        revoked = await app.http.delete(f"{roles}/{auditor_grant['id']}", headers=admin)
        assert revoked.status_code == 200
        assert [g["role"] for g in revoked.json()["roles"]] == ["unit_officer"]
        assert (
            await app.http.delete(f"{roles}/{auditor_grant['id']}", headers=admin)
        ).status_code == 404

        listed = await app.http.get(USERS, headers=admin)
        assert listed.status_code == 200
        by_name = {u["username"]: u for u in listed.json()}
        assert set(by_name) == {"quantri", "canbo.moi", "canbo.khongthu"}
        assert [g["unit_code"] for g in by_name["canbo.moi"]["roles"]] == ["tk-van-phong"]
        assert by_name["canbo.moi"]["email"] == "moi.le@thachkhoi.example.vn"

        # The owner chooses a password with the mailed link and signs in with the role.
        chosen = "Mat-khau-cua-Moi-2027"
        done = await app.http.post(
            urlparse(link).path, data={"new_password": chosen, "new_password_again": chosen}
        )
        assert done.status_code == 303
        signed_in = await app.http.post(
            "/api/v1/auth/token", data={"username": "canbo.moi", "password": chosen}
        )
        assert signed_in.status_code == 200
        mine = {"Authorization": f"Bearer {signed_in.json()['access_token']}"}
        me = await app.http.get("/api/v1/me", headers=mine)
        assert me.status_code == 200, me.text
        assert [(r["role"], r["unit_id"]) for r in me.json()["roles"]] == [("unit_officer", office)]

        # Everyone else: 403, nothing written.
        for method, path, json in (
            ("GET", USERS, None),
            ("POST", USERS, {"username": "ke.gian", "full_name": "Kẻ Gian"}),
            ("POST", roles, {"role": "admin", "unit_id": office}),
            ("DELETE", f"{roles}/{grant['id']}", None),
        ):
            refused = await app.http.request(method, path, json=json, headers=mine)
            assert refused.status_code == 403, (method, path, refused.text)
    finally:
        app.settings.mail_enabled = False
        catcher.stop()

    events = await app.audit(new_id)
    assert [e.action for e in events] == [
        "user_created",
        "setup_link_mailed",
        "role_granted",
        "role_granted",
        "role_revoked",
        "password_set_by_link",
    ]
    assert all(e.actor_user_id == admin_id for e in events[:5])
    assert all(e.actor_name == "Trần Thị Quản" and e.actor_role == "admin" for e in events[:5])
    assert events[0].changes["username"] == ["", "canbo.moi"]
    assert events[0].changes["must_change_password"] == [False, True]
    assert events[1].changes["sent_to"] == ["", "m***@thachkhoi.example.vn"]
    assert events[2].changes["role_grant"][0] is None
    assert events[2].changes["role_grant"][1]["role"] == "unit_officer"
    assert events[4].changes["role_grant"][0]["role"] == "auditor"
    assert events[4].changes["role_grant"][1] is None
    assert all(link not in repr(e.changes) for e in events)


async def test_an_administrator_keeps_their_last_administrator_grant(app):
    office = await add_unit(app, "tk-ubnd", "Ủy ban nhân dân phường")
    admin_id = await app.add_user("quantri", "Quan-tri-vien-2027", full_name="Trần Thị Quản")
    async with app.state.writer() as session, session.begin():
        session.add(RoleGrant(user_id=admin_id, role=Role.ADMIN, unit_id=office, level=Level.WARD))
    admin = app.bearer(admin_id)
    [me] = [u for u in (await app.http.get(USERS, headers=admin)).json() if u["id"] == admin_id]
    [grant] = me["roles"]
    path = f"{USERS}/{admin_id}/roles/{grant['id']}"
    refused = await app.http.delete(path, headers=admin)
    assert refused.status_code == 409
    assert (await app.http.get(USERS, headers=admin)).status_code == 200  # still an admin

    # With a second administrator grant (in the subtree it administers), the first may go.
    other = await add_unit(app, "tk-vp", "Văn phòng", parent_id=office)
    assert (
        await app.http.post(
            f"{USERS}/{admin_id}/roles", json={"role": "admin", "unit_id": other}, headers=admin
        )
    ).status_code == 201
    assert (await app.http.delete(path, headers=admin)).status_code == 200

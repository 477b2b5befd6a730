"""First start: a production deployment begins with no account and no demo password; the
operator's `thidua admin create` makes the first administrator and prints a one-time link
(used once, then refused; expired after a day); a password chosen by someone else is
changed at the first login before anything else; an administrator deactivates an account
without deleting its history, or has a reset link mailed to its owner (read back from a
real SMTP server; the administrator never sees it). Every change is in the audit trail, naming who acted.

On SQLite and PostgreSQL, the databases built from the migrations."""

from __future__ import annotations

import asyncio
import base64
import os
import re
import secrets
import sqlite3
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlparse

import pytest

from api.services import accounts
from tests.accounts_app import SECRET_KEY, accounts_app
from tests.clock import machine_now
from tests.notices.conftest import MailCatcher, free_port
from thidua.security import verify_password

pytestmark = [pytest.mark.postgres]

THIDUA = str(Path(sys.executable).parent / "thidua")
LINK = re.compile(r"https://thidua\.example\.vn/dat-mat-khau/\S+")
OFFICER_PASSWORD = "Tam-thoi-2027!"  # chosen by whoever made the account


@pytest.fixture
async def app(empty_database_url, tmp_path):
    async for made in accounts_app(empty_database_url, tmp_path):
        yield made


def production_env(database_url: str, data_dir: Path) -> dict[str, str]:
    """A production deployment's configuration: its own secrets, no demo data."""
    return {
        "THIDUA_ENVIRONMENT": "production",
        "THIDUA_DATABASE_URL": database_url,
        "THIDUA_DATA_DIR": str(data_dir),
        "THIDUA_SECRET_KEY": SECRET_KEY,
        "THIDUA_PAYLOAD_ENCRYPTION_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
        "THIDUA_SIGNING_KEY_PASSPHRASE": secrets.token_urlsafe(24),
        "THIDUA_PUBLIC_BASE_URL": "https://thidua.example.vn",
        "THIDUA_SEED_DEMO": "false",
        "THIDUA_LOG_LEVEL": "WARNING",
    }


async def thidua(env: dict[str, str], cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return await asyncio.to_thread(
        subprocess.run,
        [THIDUA, *args],
        env={**os.environ, **env},
        cwd=cwd,  # no .env of the repository
        capture_output=True,
        text=True,
        timeout=120,
    )


def one_error_line(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("thidua: error:")]
    assert len(lines) == 1, result.stderr
    return lines[0]


async def token(app, username: str, password: str):
    return await app.http.post(
        "/api/v1/auth/token", data={"username": username, "password": password}
    )


async def test_the_first_administrator_from_the_command_line(app, empty_database_url, tmp_path):
    # The command runs on the machine's clock; the application's is set to the same moment.
    app.clock.set(machine_now())
    env = production_env(empty_database_url, tmp_path)
    created = await thidua(
        env,
        tmp_path,
        "admin",
        "create",
        "--username",
        "quantri.phuong",
        "--full-name",
        "Trần Thị Quản",
        "--email",
        "quantri@thachkhoi.example.vn",
    )
    assert created.returncode == 0, created.stderr
    assert "administrator quantri.phuong (Trần Thị Quản) created" in created.stdout
    link = LINK.search(created.stdout)
    assert link, created.stdout
    path = urlparse(link.group(0)).path

    # Twice for the same name: one clear line, a non-zero status, nothing changed.
    again = await thidua(
        env, tmp_path, "admin", "create", "--username", "quantri.phuong", "--full-name", "X"
    )
    line = one_error_line(again)
    assert "quantri.phuong already exists" in line and "thidua admin link" in line

    # No password works before the administrator chooses one (nor the demo one).
    assert (await token(app, "quantri.phuong", "thidua2026")).status_code == 401

    # The link's page: in Vietnamese, the account named, the rules next to the field.
    page = await app.http.get(path)
    assert page.status_code == 200 and "quantri.phuong" in page.text
    assert "Đặt mật khẩu" in page.text
    short = await app.http.post(path, data={"new_password": "ngan", "new_password_again": "ngan"})
    assert short.status_code == 422
    assert 'id="new_password-error">Mật khẩu phải có ít nhất 10 ký tự<' in short.text
    demo = await app.http.post(
        path, data={"new_password": "thidua2026", "new_password_again": "thidua2026"}
    )
    assert demo.status_code == 422 and "quá dễ đoán" in demo.text
    chosen = "Phuong-Thach-Khoi-2027"
    done = await app.http.post(path, data={"new_password": chosen, "new_password_again": chosen})
    assert done.status_code == 303 and done.headers["location"] == "/login"

    # Used once: the same link is refused, to read and to use.
    assert (await app.http.get(path)).status_code == 410
    reused = await app.http.post(
        path,
        data={"new_password": "Mot-mat-khau-khac-9", "new_password_again": "Mot-mat-khau-khac-9"},
    )
    assert reused.status_code == 410 and "không còn hiệu lực" in reused.text

    signed_in = await token(app, "quantri.phuong", chosen)
    assert signed_in.status_code == 200
    headers = {"Authorization": f"Bearer {signed_in.json()['access_token']}"}
    me = await app.http.get("/api/v1/me", headers=headers)
    assert me.status_code == 200 and me.json()["full_name"] == "Trần Thị Quản"
    # An administrator of the deployment: told that an account does not exist (not 403).
    missing = await app.http.post("/api/v1/users/999999/deactivate", headers=headers)
    assert missing.status_code == 404

    admin = await app.user("quantri.phuong")
    assert admin.deployment_admin and not admin.must_change_password
    events = await app.audit(admin.id)
    assert [e.action for e in events] == [
        "administrator_created",
        "password_link_issued",
        "password_set_by_link",
    ]
    operator, link_issued, chosen_event = events
    assert operator.actor_user_id is None and operator.actor_role == "operator"
    assert "server operator" in operator.actor_name
    assert operator.changes["username"] == ["", "quantri.phuong"]
    assert link_issued.actor_name == operator.actor_name
    assert chosen_event.actor_user_id == admin.id and chosen_event.actor_name == "Trần Thị Quản"
    assert all(chosen not in repr(e.changes) for e in events)


async def test_production_has_no_demo_data_and_says_how_to_begin(tmp_path):
    # A database file that does not exist yet, as on a new server.
    database = tmp_path / "new-deployment.sqlite3"
    env = production_env(f"sqlite:///{database}", tmp_path)
    migrated = await thidua(env, tmp_path, "migrate")
    assert migrated.returncode == 0, migrated.stderr
    assert "no account exists yet" in migrated.stdout and "thidua admin create" in migrated.stdout
    # No data, but the catalogue's award types, which an imported award history names.
    with sqlite3.connect(database) as connection:
        assert connection.execute("SELECT count(*) FROM units").fetchone() == (0,)
        codes = {code for (code,) in connection.execute("SELECT code FROM award_types")}
    assert {"cstdcs", "cstd_thanh_pho", "gd_van_hoa"} <= codes
    seeded = await thidua({**env, "THIDUA_SEED_DEMO": "true"}, tmp_path, "seed")
    line = one_error_line(seeded)
    assert "not added in production" in line and "thidua admin create" in line


async def test_a_setup_link_expires_after_a_day(app):
    async with app.state.writer() as session, session.begin():
        _, link = await accounts.create_administrator(
            session,
            app.settings,
            username="quantri.thanhpho",
            full_name="Phạm Văn Thành",
            email=None,
            operator="test",
            now=app.clock.now(),
        )
    path = urlparse(link.url).path
    app.clock.advance(timedelta(hours=23, minutes=59))
    assert (await app.http.get(path)).status_code == 200
    app.clock.advance(timedelta(minutes=2))
    late = await app.http.get(path)
    assert late.status_code == 410 and "hết hạn" in late.text
    forged = await app.http.get(path[:-3] + "abc")
    assert forged.status_code == 410


async def test_a_forced_change_at_first_login(app):
    officer_id = await app.add_user(
        "canbo.moi", OFFICER_PASSWORD, full_name="Lê Thị Mới", must_change_password=True
    )
    signed_in = await token(app, "canbo.moi", OFFICER_PASSWORD)
    assert signed_in.status_code == 200
    old = {"Authorization": f"Bearer {signed_in.json()['access_token']}"}

    for path in ("/api/v1/me", "/api/v1/nominations", "/api/v1/inbox"):
        refused = await app.http.get(path, headers=old)
        assert refused.status_code == 403, path
        assert refused.json()["error"] == "password_change_required"
    change = "/api/v1/auth/password"
    wrong = await app.http.post(
        change,
        json={"current_password": "khong-dung-1", "new_password": "Mat-khau-rieng-2027"},
        headers=old,
    )
    assert wrong.status_code == 422
    assert wrong.json()["field"] == "current_password"
    assert "Mật khẩu hiện tại không đúng" in wrong.json()["detail"]
    weak = await app.http.post(
        change, json={"current_password": OFFICER_PASSWORD, "new_password": "ngan"}, headers=old
    )
    assert weak.status_code == 422 and weak.json()["field"] == "new_password"
    same = await app.http.post(
        change,
        json={"current_password": OFFICER_PASSWORD, "new_password": OFFICER_PASSWORD},
        headers=old,
    )
    assert same.status_code == 422 and same.json()["field"] == "new_password"
    assert (await app.user("canbo.moi")).must_change_password  # nothing written yet

    done = await app.http.post(
        change,
        json={"current_password": OFFICER_PASSWORD, "new_password": "Mat-khau-rieng-2027"},
        headers=old,
    )
    assert done.status_code == 200, done.text
    new = {"Authorization": f"Bearer {done.json()['access_token']}"}
    assert (await app.http.get("/api/v1/me", headers=old)).status_code == 401  # ended
    assert (await app.http.get("/api/v1/me", headers=new)).status_code == 200
    assert (await token(app, "canbo.moi", OFFICER_PASSWORD)).status_code == 401
    assert (await token(app, "canbo.moi", "Mat-khau-rieng-2027")).status_code == 200
    assert not (await app.user("canbo.moi")).must_change_password
    [event] = await app.audit(officer_id)
    assert event.action == "password_changed" and event.actor_user_id == officer_id
    assert event.changes == {"must_change_password": [True, False]}


async def test_wrong_current_passwords_count_as_failed_sign_ins(app):
    """A session left open on a shared computer cannot be used to guess the password
    faster than the sign-in page allows: the change endpoint counts the same failures."""
    await app.add_user("canbo.moi", OFFICER_PASSWORD, full_name="Lê Thị Mới")
    signed_in = await token(app, "canbo.moi", OFFICER_PASSWORD)
    headers = {"Authorization": f"Bearer {signed_in.json()['access_token']}"}
    change = "/api/v1/auth/password"
    for guess in range(5):
        wrong = await app.http.post(
            change,
            json={"current_password": f"doan-sai-{guess}", "new_password": "Mat-khau-rieng-2027"},
            headers=headers,
        )
        assert wrong.status_code == 422 and wrong.json()["field"] == "current_password"
    right = {"current_password": OFFICER_PASSWORD, "new_password": "Mat-khau-rieng-2027"}
    paused = await app.http.post(change, json=right, headers=headers)
    assert paused.status_code == 429 and "Retry-After" in paused.headers
    assert (await token(app, "canbo.moi", OFFICER_PASSWORD)).status_code == 429  # same pair
    assert verify_password(OFFICER_PASSWORD, (await app.user("canbo.moi")).password_hash)

    app.clock.advance(timedelta(minutes=15, seconds=1))
    done = await app.http.post(change, json=right, headers=headers)
    assert done.status_code == 200, done.text


async def test_deactivation_keeps_the_history_and_ends_the_sessions(app):
    admin_id = await app.add_user(
        "quantri", "Quan-tri-vien-2027", full_name="Trần Thị Quản", deployment_admin=True
    )
    officer_id = await app.add_user("canbo.nghi", OFFICER_PASSWORD, full_name="Lê Văn Nghỉ")
    admin = app.bearer(admin_id)
    officer = {
        "Authorization": "Bearer "
        + (await token(app, "canbo.nghi", OFFICER_PASSWORD)).json()["access_token"]
    }
    page = app.client()
    app.sign_in_page(page, officer_id)
    try:
        assert (await page.get("/")).status_code == 200

        # Only an administrator; never oneself.
        by_officer = await app.http.post(f"/api/v1/users/{admin_id}/deactivate", headers=officer)
        assert by_officer.status_code == 403
        oneself = await app.http.post(f"/api/v1/users/{admin_id}/deactivate", headers=admin)
        assert oneself.status_code == 409

        done = await app.http.post(f"/api/v1/users/{officer_id}/deactivate", headers=admin)
        assert done.status_code == 200
        assert done.json() == {
            "id": officer_id,
            "username": "canbo.nghi",
            "full_name": "Lê Văn Nghỉ",
            "is_active": False,
            "must_change_password": False,
        }
        twice = await app.http.post(f"/api/v1/users/{officer_id}/deactivate", headers=admin)
        assert twice.status_code == 200 and twice.json()["is_active"] is False

        # Their token, their page session and their password stop working at once.
        assert (await app.http.get("/api/v1/me", headers=officer)).status_code == 401
        home = await page.get("/")
        assert home.status_code == 303 and home.headers["location"].startswith("/login")
        assert (await token(app, "canbo.nghi", OFFICER_PASSWORD)).status_code == 401

        back = await app.http.post(f"/api/v1/users/{officer_id}/reactivate", headers=admin)
        assert back.status_code == 200 and back.json()["is_active"] is True
        # Sessions from before stay ended; signing in again works.
        assert (await app.http.get("/api/v1/me", headers=officer)).status_code == 401
        assert (await token(app, "canbo.nghi", OFFICER_PASSWORD)).status_code == 200
    finally:
        await page.aclose()

    events = await app.audit(officer_id)
    assert [e.action for e in events] == ["user_deactivated", "user_reactivated"]
    assert all(e.actor_user_id == admin_id and e.actor_name == "Trần Thị Quản" for e in events)
    assert events[0].changes == {"is_active": [True, False]}
    assert (await app.user("canbo.nghi")).id == officer_id  # nothing deleted


async def test_an_administrator_has_a_reset_link_mailed_to_the_owner(app):
    catcher = MailCatcher(free_port())
    catcher.start()
    app.settings.mail_enabled, app.settings.smtp_port = True, catcher.port
    try:
        admin = app.bearer(
            await app.add_user(
                "quantri", "Quan-tri-vien-2027", full_name="Trần Thị Quản", deployment_admin=True
            )
        )
        owner_id = await app.add_user(
            "uyvien.quen",
            OFFICER_PASSWORD,
            full_name="Đỗ Minh Tuấn",
            email="tuan.do@thachkhoi.example.vn",
        )
        no_mail_id = await app.add_user("canbo.khongthu", OFFICER_PASSWORD)
        reset = f"/api/v1/users/{owner_id}/password-reset"

        by_owner = await app.http.post(reset, headers=app.bearer(owner_id))
        assert by_owner.status_code == 403 and not catcher.received
        no_address = await app.http.post(
            f"/api/v1/users/{no_mail_id}/password-reset", headers=admin
        )
        assert no_address.status_code == 409 and "thidua admin link" in no_address.json()["detail"]

        sent = await app.http.post(reset, headers=admin)
        assert sent.status_code == 202, sent.text
        assert sent.json()["user_id"] == owner_id
        assert sent.json()["sent_to"] == "t***@thachkhoi.example.vn"
        assert "dat-mat-khau" not in sent.text  # the administrator never sees the link

        [mail] = catcher.to("tuan.do@thachkhoi.example.vn")
        assert mail.message["Subject"] == (
            "Liên kết đặt lại mật khẩu - Hệ thống Thi đua - Khen thưởng"
        )
        assert mail.text.startswith("Kính gửi Đỗ Minh Tuấn,")
        assert "Trần Thị Quản đã cấp cho tài khoản uyvien.quen" in mail.text
        link = LINK.search(mail.text).group(0)
        assert f'href="{link}"' in mail.html
        path = urlparse(link).path

        # The current password works until the owner chooses a new one with the link.
        assert (await token(app, "uyvien.quen", OFFICER_PASSWORD)).status_code == 200
        chosen = "Mat-khau-moi-cua-Tuan"
        done = await app.http.post(
            path, data={"new_password": chosen, "new_password_again": chosen}
        )
        assert done.status_code == 303
        assert (await token(app, "uyvien.quen", OFFICER_PASSWORD)).status_code == 401
        assert (await token(app, "uyvien.quen", chosen)).status_code == 200
        assert (await app.http.get(path)).status_code == 410

        app.settings.mail_enabled = False
        off = await app.http.post(reset, headers=admin)
        # Mail switched off: the operator's route, as for an account without an address.
        assert off.status_code == 409 and "thidua admin link" in off.json()["detail"]
        assert len(catcher.received) == 1
    finally:
        app.settings.mail_enabled = False
        catcher.stop()

    events = await app.audit(owner_id)
    assert [e.action for e in events] == ["password_reset_mailed", "password_set_by_link"]
    assert events[0].actor_name == "Trần Thị Quản"
    assert events[0].changes["sent_to"] == ["", "t***@thachkhoi.example.vn"]
    assert events[1].actor_user_id == owner_id
    assert all(link not in repr(e.changes) for e in events)

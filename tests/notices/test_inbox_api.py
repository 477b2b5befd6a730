"""The inbox API and the administrators' list of failed notices, over HTTP (ASGI)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from temporalio.exceptions import ApplicationError

from activities.notices import NoticeActivities
from api.app import build_state, create_app
from domain.vocabulary import Role
from tests.clock import fixed_clock
from thidua.security import create_access_token
from workflows.contracts import FailedNoticesInput, NoticeRequest, Recipient

from .factories import make_unit, make_user


@pytest.fixture
async def api(notice_settings) -> AsyncIterator[httpx.AsyncClient]:
    state = build_state(notice_settings)
    state.clock = fixed_clock()
    app = create_app(notice_settings, state=state)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client
    await state.engine.dispose()


def bearer(settings, user_id: int) -> dict[str, str]:
    token, _ = create_access_token(settings.secret_key, user_id, 30)
    return {"Authorization": f"Bearer {token}"}


async def notify(notices: NoticeActivities, key: str, kind: str, user_id: int, **context: str):
    await notices.send_notices(
        NoticeRequest(key=key, kind=kind, recipients=[Recipient(user_id=user_id)], context=context)
    )


async def test_a_user_lists_reads_and_clears_their_inbox(api, db, notices, notice_settings):
    lan = await make_user(db, "Nguyễn Thị Lan")
    await notify(
        notices,
        "n-12:received",
        "dossier_received",
        lan,
        nominee="Nguyễn Thị Lan",
        link="/nominations/12",
    )
    await notify(
        notices,
        "n-12:public",
        "public_notice_posted",
        lan,
        nominee="Nguyễn Thị Lan",
        due="17:00 05/01/2027",
    )
    await notify(
        notices,
        "n-12:granted",
        "granted",
        lan,
        nominee="Nguyễn Thị Lan",
        decision_number="12/QĐ-UBND",
    )
    auth = bearer(notice_settings, lan)

    page = (await api.get("/api/v1/inbox", headers=auth)).json()
    assert (page["total"], page["unread"]) == (3, 3)
    assert [item["kind"] for item in page["items"]] == [
        "granted",
        "public_notice_posted",
        "dossier_received",
    ]
    assert page["items"][0]["subject"] == "Quyết định khen thưởng số 12/QĐ-UBND: Nguyễn Thị Lan"
    assert page["items"][2]["link"] == "/nominations/12"
    assert "Kính gửi" not in page["items"][0]["body_text"]  # the inbox shows the message only

    first = page["items"][2]["id"]
    read = await api.post(f"/api/v1/inbox/{first}/read", headers=auth)
    assert read.status_code == 200 and read.json()["read_at"] is not None
    again = await api.post(f"/api/v1/inbox/{first}/read", headers=auth)
    assert again.json()["read_at"] == read.json()["read_at"]  # the first reading time stays

    unread = (await api.get("/api/v1/inbox", params={"unread_only": True}, headers=auth)).json()
    assert (unread["total"], unread["unread"]) == (2, 2)
    assert first not in [item["id"] for item in unread["items"]]

    second_page = (
        await api.get("/api/v1/inbox", params={"page": 2, "page_size": 2}, headers=auth)
    ).json()
    assert [item["id"] for item in second_page["items"]] == [first]

    cleared = await api.post("/api/v1/inbox/read-all", headers=auth)
    assert cleared.json() == {"marked": 2, "unread": 0}
    assert (await api.get("/api/v1/inbox", headers=auth)).json()["unread"] == 0


async def test_nobody_learns_whether_another_users_notice_exists(api, db, notices, notice_settings):
    lan = await make_user(db, "Nguyễn Thị Lan")
    binh = await make_user(db, "Trần Văn Bình")
    await notify(notices, "n-13:refused", "refused", binh, nominee="Trần Văn Bình")
    binh_notice = (await api.get("/api/v1/inbox", headers=bearer(notice_settings, binh))).json()[
        "items"
    ][0]

    someone_elses = await api.post(
        f"/api/v1/inbox/{binh_notice['id']}/read", headers=bearer(notice_settings, lan)
    )
    nonexistent = await api.post("/api/v1/inbox/987654/read", headers=bearer(notice_settings, lan))

    assert someone_elses.status_code == nonexistent.status_code == 403
    assert someone_elses.json() == nonexistent.json()
    assert "Không có thông báo này trong hộp thư của bạn" in someone_elses.json()["detail"]
    assert (await api.get("/api/v1/inbox", headers=bearer(notice_settings, binh))).json()[
        "unread"
    ] == 1
    # Lan's read-all does not touch Bình's notices either.
    await api.post("/api/v1/inbox/read-all", headers=bearer(notice_settings, lan))
    assert (await api.get("/api/v1/inbox", headers=bearer(notice_settings, binh))).json()[
        "unread"
    ] == 1


async def test_without_a_valid_token_the_inbox_answers_401(api, db, notice_settings):
    lan = await make_user(db, "Nguyễn Thị Lan")
    assert (await api.get("/api/v1/inbox")).status_code == 401
    assert (await api.post("/api/v1/inbox/read-all")).status_code == 401
    forged = {"Authorization": "Bearer not-a-token"}
    response = await api.get("/api/v1/inbox", headers=forged)
    assert response.status_code == 401 and response.json()["error"] == "unauthorized"
    inactive = await make_user(db, "Hoàng Văn Cũ", active=False)
    assert (
        await api.get("/api/v1/inbox", headers=bearer(notice_settings, inactive))
    ).status_code == 401
    bad_page = await api.get(
        "/api/v1/inbox", params={"page_size": 0}, headers=bearer(notice_settings, lan)
    )
    assert bad_page.status_code == 422 and bad_page.json()["field"] == "query.page_size"


async def test_administrators_see_the_notices_that_finally_failed(
    api, db, notices, notice_settings, smtp_server
):
    office = await make_unit(db, "Ủy ban nhân dân phường Thạch Khôi")
    admin = await make_user(db, "Quản trị hệ thống", roles=((Role.ADMIN, office),))
    # A person of the ward the administrator administers (a ward's administrator reads the
    # failed mails of their own ward's accounts only).
    lan = await make_user(
        db,
        "Nguyễn Thị Lan",
        email="lan@thachkhoi.example.vn",
        roles=((Role.UNIT_OFFICER, office),),
    )
    smtp_server.stop()
    request = NoticeRequest(
        key="n-14:escalation",
        kind="escalation",
        recipients=[Recipient(user_id=lan)],
        context={"task": "kiểm tra hồ sơ"},
    )
    with pytest.raises(ApplicationError, match="server unavailable"):
        await notices.send_notices(request)
    await notices.mark_notices_failed(FailedNoticesInput(request.key, "gave up after 55 attempts"))

    refused = await api.get("/api/v1/admin/notices/failed", headers=bearer(notice_settings, lan))
    assert refused.status_code == 403

    listed = await api.get("/api/v1/admin/notices/failed", headers=bearer(notice_settings, admin))
    assert listed.status_code == 200
    body = listed.json()
    assert body["total"] == 1
    [failed] = body["items"]
    assert failed["notice_key"] == f"n-14:escalation:u{lan}"
    assert (failed["full_name"], failed["email_to"]) == (
        "Nguyễn Thị Lan",
        "lan@thachkhoi.example.vn",
    )
    assert failed["last_error"] == "gave up after 55 attempts" and failed["attempts"] == 1
    assert failed["subject"] == "Quá hạn xử lý: kiểm tra hồ sơ"
    # The recipient still has the notice in the inbox.
    inbox = (await api.get("/api/v1/inbox", headers=bearer(notice_settings, lan))).json()
    assert inbox["total"] == 1

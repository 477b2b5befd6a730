"""The inbox page (issue 16): a person opens only their own notices; opening one marks it
read and follows its link only when it is a path of this application; the forms need
their CSRF token."""

from __future__ import annotations

import pytest

from models import Notice

pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)


async def _notice(harness, username: str, key: str, link: str) -> int:
    async with harness.factory() as session, session.begin():
        notice = Notice(
            notice_key=key,
            user_id=harness.ids.users[username],
            kind="test",
            subject=f"Thông báo {key}",
            body_text="",
            link=link,
            created_at=await harness.now(),
        )
        session.add(notice)
        await session.flush()
        return notice.id


async def _read_at(harness, notice_id: int):
    async with harness.factory() as session:
        return (await session.get(Notice, notice_id)).read_at


async def test_only_ones_own_notices_and_only_local_links(harness, people):
    mine = await _notice(harness, "canbo.vanphong", "inbox-mine", "//elsewhere.example/x")
    other = await _notice(harness, "thuongtruc", "inbox-other", "/nominations")
    unit = people("canbo.vanphong")

    listed = await unit.get("/inbox")
    assert listed.status_code == 200 and "Thông báo inbox-mine" in listed.text
    assert "Thông báo inbox-other" not in listed.text

    refused = await unit.post(f"/inbox/{other}/open", {"follow": "yes"}, csrf_from="/inbox")
    assert refused.status_code == 403
    assert await _read_at(harness, other) is None

    no_token = await unit.post(f"/inbox/{mine}/open", {"follow": "yes"}, csrf=False)
    assert no_token.status_code == 403
    assert await _read_at(harness, mine) is None

    opened = await unit.post(f"/inbox/{mine}/open", {"follow": "yes"}, csrf_from="/inbox")
    assert opened.status_code == 303 and opened.headers["location"] == "/inbox"
    assert await _read_at(harness, mine) is not None

    missing = await unit.post("/inbox/999999/open", {}, csrf_from="/inbox")
    assert missing.status_code == 403  # as someone else's: ids cannot be probed

"""The notice activity's idempotency key, run as Temporal runs it (``ActivityEnvironment``)
on SQLite with mail turned off: one inbox entry per request key and person, whether a
person is named or reached through a role, however often the request is retried."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest
from temporalio.testing import ActivityEnvironment

from activities.notices import NoticeActivities
from domain.vocabulary import NoticeDelivery, Role
from thidua.clock import FixedClock
from thidua.mailer import Mailer
from workflows.contracts import NoticeRequest, Recipient

from ..conftest import make_settings
from .conftest import notices_of
from .factories import make_unit, make_user

pytestmark = [pytest.mark.fast, pytest.mark.parametrize("backend", ["sqlite"], indirect=True)]


def attempt(number: int) -> ActivityEnvironment:
    env = ActivityEnvironment()
    env.info = dataclasses.replace(env.info, activity_type="send_notices", attempt=number)
    return env


def escalation(key: str, recipients: list[Recipient]) -> NoticeRequest:
    return NoticeRequest(
        key=key,
        kind="escalation",
        recipients=recipients,
        nomination_id=None,
        context={
            "task": "kiểm tra hồ sơ",
            "due": "17:00 08/01/2027",
            "nominee": "Nguyễn Thị Hoa",
            "link": "/nominations/12",
        },
    )


async def test_a_request_reaches_each_person_once_per_key_however_often_it_is_retried(
    db, empty_database_url, tmp_path
):
    office = await make_unit(db, "Phòng Văn hóa - Xã hội")
    lan = await make_user(
        db,
        "Nguyễn Thị Lan",
        email="lan@thachkhoi.example.vn",
        roles=((Role.STANDING_OFFICER, office),),
    )
    nam = await make_user(db, "Đỗ Văn Nam", roles=((Role.STANDING_OFFICER, office),))
    await make_user(db, "Hoàng Văn Cũ", active=False, roles=((Role.STANDING_OFFICER, office),))
    settings = make_settings(empty_database_url, tmp_path)  # mail turned off: inbox only
    notices = NoticeActivities(
        db, settings, Mailer(settings), clock=FixedClock(datetime(2027, 1, 8, 10, 1, tzinfo=UTC))
    )
    # Lan is reached twice: by name, and as a standing officer.
    request = escalation(
        "nomination-12:4:escalation",
        [Recipient(role=Role.STANDING_OFFICER, unit_id=office), Recipient(user_id=lan)],
    )

    first = await attempt(1).run(notices.send_notices, request)
    retried = await attempt(2).run(notices.send_notices, request)
    later = await attempt(1).run(
        notices.send_notices, escalation("nomination-12:9:escalation", [Recipient(user_id=lan)])
    )

    assert (first.inbox_created, first.mailed, first.skipped_duplicates) == (2, 0, 0)
    assert (retried.inbox_created, retried.skipped_duplicates) == (0, 2)
    assert later.inbox_created == 1
    rows = await notices_of(db, "nomination-12:4:escalation")
    assert [(r.notice_key, r.delivery) for r in rows] == [
        (f"nomination-12:4:escalation:u{user}", NoticeDelivery.NONE) for user in sorted([lan, nam])
    ]
    assert all(r.subject for r in rows)

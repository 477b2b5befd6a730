"""Notices through real Temporal (time-skipping test server): a mail server that goes down
while sending is retried with back-off, and each notice arrives exactly once when it comes
back; a server that never comes back ends in failed notices, not in a failed workflow."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

from temporalio.worker import Worker

from activities.notices import NOTICE_RETRY_POLICY, NoticeActivities
from domain.vocabulary import NoticeDelivery
from tests.clock import fixed_clock
from thidua.mailer import Mailer
from workflows.contracts import NoticeRequest, Recipient

from .conftest import MailCatcher, notices_of
from .factories import make_user
from .notice_workflows import NotifyInput, NotifyWorkflow

ADDRESSES = ["lan@thachkhoi.example.vn", "binh@thachkhoi.example.vn", "ha@thachkhoi.example.vn"]


async def eventually(check: Callable[[], Awaitable[bool]], *, within: float = 30.0) -> None:
    deadline = time.monotonic() + within
    while not await check():
        assert time.monotonic() < deadline, "condition not reached in time"
        await asyncio.sleep(0.1)


def stopping_mailer(settings, smtp_server: MailCatcher) -> Mailer:
    class ServerDiesAfterFirstMail(Mailer):
        """Fault injection: the mail server goes down right after accepting the first mail."""

        died = False

        async def send(self, *args, **kwargs) -> None:
            await super().send(*args, **kwargs)
            if not self.died:
                self.died = True
                await asyncio.to_thread(smtp_server.stop)

    return ServerDiesAfterFirstMail(settings)


async def test_mail_server_outage_during_sending_delivers_each_notice_once_after_restart(
    time_skipping_env, task_queue, db, notice_settings, smtp_server
):
    users = [
        await make_user(db, name, email=address)
        for name, address in zip(
            ["Nguyễn Thị Lan", "Trần Văn Bình", "Lê Thu Hà"], ADDRESSES, strict=True
        )
    ]
    request = NoticeRequest(
        key="nomination-12:granted",
        kind="granted",
        recipients=[Recipient(user_id=u) for u in users],
        context={
            "nominee": "Nguyễn Thị Lan",
            "award": "Lao động tiên tiến",
            "decision_number": "12/QĐ-UBND",
            "link": "/nominations/12",
        },
    )
    notices = NoticeActivities(
        db, notice_settings, stopping_mailer(notice_settings, smtp_server), clock=fixed_clock()
    )
    client = time_skipping_env.client

    async with Worker(
        client,
        task_queue=task_queue,
        workflows=[NotifyWorkflow],
        activities=[notices.send_notices, notices.mark_notices_failed],
    ):
        handle = await client.start_workflow(
            NotifyWorkflow.run,
            NotifyInput(request, retry_interval_seconds=1, maximum_attempts=30),
            id=f"notify-{task_queue}",
            task_queue=task_queue,
        )

        async def retried_twice() -> bool:
            rows = await notices_of(db, request.key)
            waiting = [r for r in rows if r.delivery == NoticeDelivery.PENDING]
            return len(rows) == 3 and len(waiting) == 2 and all(r.attempts >= 2 for r in waiting)

        await eventually(retried_twice)
        # While the server is down: one mail delivered, the inbox complete, nothing else sent.
        assert [m.envelope_to for m in smtp_server.received] == [[ADDRESSES[0]]]
        assert not smtp_server.running

        smtp_server.start()  # the mail server is back, on the same port
        outcome = await asyncio.wait_for(handle.result(), timeout=60)

    assert outcome.failed == 0 and outcome.result is not None
    assert outcome.result.mailed == 2 and outcome.result.skipped_duplicates == 3
    assert sorted(m.envelope_to[0] for m in smtp_server.received) == sorted(ADDRESSES)
    assert {m.message["Subject"] for m in smtp_server.received} == {
        "Quyết định khen thưởng số 12/QĐ-UBND: Nguyễn Thị Lan"
    }
    rows = await notices_of(db, request.key)
    assert all(r.delivery == NoticeDelivery.SENT and r.sent_at is not None for r in rows)
    assert rows[0].attempts == 1 and all(r.attempts >= 3 for r in rows[1:])


async def test_a_mail_server_down_for_a_day_ends_in_failed_notices_not_a_failed_workflow(
    time_skipping_env, task_queue, db, notice_settings, smtp_server
):
    lan = await make_user(db, "Nguyễn Thị Lan", email=ADDRESSES[0])
    no_mail = await make_user(db, "Đỗ Văn Nam")
    smtp_server.stop()
    request = NoticeRequest(
        key="nomination-14:escalation",
        kind="escalation",
        recipients=[Recipient(user_id=lan), Recipient(user_id=no_mail)],
        context={"task": "kiểm tra hồ sơ", "due": "17:00 05/01/2027"},
    )
    notices = NoticeActivities(db, notice_settings, Mailer(notice_settings), clock=fixed_clock())
    client = time_skipping_env.client

    async with Worker(
        client,
        task_queue=task_queue,
        workflows=[NotifyWorkflow],
        activities=[notices.send_notices, notices.mark_notices_failed],
    ):
        # The production retry policy: the time-skipping server jumps over its back-off.
        outcome = await asyncio.wait_for(
            client.execute_workflow(
                NotifyWorkflow.run,
                NotifyInput(request),
                id=f"notify-{task_queue}",
                task_queue=task_queue,
            ),
            timeout=120,
        )

    assert outcome.failed == 1
    assert "server unavailable" in outcome.error
    # NOTICE_RETRY_POLICY keeps trying for about a day before giving up.
    assert 20 * 3600 < outcome.elapsed_seconds < 30 * 3600
    rows = {r.user_id: r for r in await notices_of(db, request.key)}
    assert rows[lan].delivery == NoticeDelivery.FAILED
    assert rows[lan].attempts == NOTICE_RETRY_POLICY.maximum_attempts
    assert "server unavailable" in rows[lan].last_error
    assert rows[no_mail].delivery == NoticeDelivery.NONE
    assert smtp_server.received == []

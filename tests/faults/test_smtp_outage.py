"""The mail server down during a whole nomination, then back.

End to end (the notice engineer tested the activity alone): a real SMTP server
(aiosmtpd) on a port where nothing listens at first; the nomination goes from submission
to a signed decision without waiting for it, every inbox entry is there at once and its
mail pending; when the server comes up, the retries deliver every mail exactly once.
The Temporal test server skips the retry waits (10 s, 20 s, ...) instead of sleeping.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import timedelta

from sqlalchemy import select

from domain.vocabulary import NoticeDelivery, Stage
from models import Notice
from thidua.mailer import message_id_for

from ..conftest import make_settings
from ..notices.conftest import MailCatcher, free_port
from .conftest import (
    accepted_nomination,
    assembled,
    assert_nothing_lost_or_doubled,
    new_task_queue,
    outcome_of,
    through_council,
)


async def notices_by_delivery(harness) -> Counter:
    async with harness.factory() as session:
        return Counter(n.delivery for n in (await session.execute(select(Notice))).scalars())


async def test_mail_server_down_then_back_delivers_every_mail_once(
    database_url, tmp_path, time_skipping_env
):
    mail = MailCatcher(port=free_port())  # not started: connections are refused
    settings = make_settings(
        database_url,
        tmp_path,
        task_queue=new_task_queue(),
        mail_enabled=True,
        smtp_host="127.0.0.1",
        smtp_port=mail.port,
    )
    try:
        async with assembled(settings, time_skipping_env) as harness:
            nomination_id = await accepted_nomination(harness)
            await through_council(harness, [nomination_id])
            await harness.wait_stage(nomination_id, Stage.AWAITING_DECISION)
            decision = await harness.draft_decision([nomination_id])
            signed = await harness.sign(decision["id"])
            await harness.wait_stage(nomination_id, Stage.GRANTED)  # not held by the mail

            granted = await harness.notices("canbo.vanphong", "granted")
            assert len(granted) == 1 and granted[0].delivery == NoticeDelivery.PENDING
            await asyncio.sleep(0.5)  # the first attempts of the last notices have failed
            before = await notices_by_delivery(harness)
            assert before[NoticeDelivery.SENT] == 0 and before[NoticeDelivery.PENDING] > 0, before
            async with harness.factory() as session:
                failing = (
                    (
                        await session.execute(
                            select(Notice).where(
                                Notice.delivery == NoticeDelivery.PENDING, Notice.attempts > 0
                            )
                        )
                    )
                    .scalars()
                    .all()
                )
            assert failing and all(n.last_error for n in failing)

            mail.start()
            expected = before[NoticeDelivery.PENDING]
            for _ in range(40):  # each step lets the test server pass the next retry wait
                if len(mail.received) >= expected:
                    break
                await harness.env.sleep(timedelta(minutes=1))
                await asyncio.sleep(0.1)
            for workflow_id in (
                (await harness.nomination(nomination_id)).workflow_id,
                f"decision-{decision['id']}",
                f"council-session-{(await harness.nomination(nomination_id)).council_session_id}",
            ):
                await asyncio.wait_for(harness.client.get_workflow_handle(workflow_id).result(), 60)

            async with harness.factory() as session:
                notices = (await session.execute(select(Notice))).scalars().all()
            mailed = [n for n in notices if n.email_to]
            assert mailed and all(n.delivery == NoticeDelivery.SENT for n in mailed), Counter(
                n.delivery for n in mailed
            )
            message_ids = Counter(m.message["Message-ID"] for m in mail.received)
            assert max(message_ids.values()) == 1, message_ids.most_common(2)  # none twice
            assert set(message_ids) == {
                message_id_for(n.notice_key, settings.mail_from) for n in mailed
            }  # none lost
            to_unit = mail.to("vanphong@thachkhoi.example.vn")
            assert sum(signed["number_text"] in m.text for m in to_unit) == 1

            outcome = await outcome_of(harness, [nomination_id], [decision["id"]])
            assert_nothing_lost_or_doubled(outcome, nominations=1, decisions=1)
    finally:
        mail.stop()

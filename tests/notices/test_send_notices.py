"""send_notices against a real SMTP server (aiosmtpd) and a real database (both backends)."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select, update
from temporalio.exceptions import ApplicationError

from activities.notices import NoticeActivities
from domain.vocabulary import NoticeDelivery, Role
from models import Notice
from tests.clock import fixed_clock
from thidua.mailer import Mailer, message_id_for
from workflows.contracts import FailedNoticesInput, NoticeRequest, Recipient

from .conftest import PUBLIC_BASE_URL, notices_of
from .factories import make_unit, make_user

LAN = "lan.nguyen@thachkhoi.example.vn"
BINH = "binh.tran@thachkhoi.example.vn"


def returned_request(key: str, recipients: list[Recipient]) -> NoticeRequest:
    return NoticeRequest(
        key=key,
        kind="returned_for_supplement",
        recipients=recipients,
        context={
            "nominee": "Nguyễn Thị Lan",
            "award": "Chiến sĩ thi đua cơ sở",
            "authority": "Ủy ban nhân dân phường Thạch Khôi",
            "reason": "Thiếu biên bản họp bình xét của đơn vị",
            "missing_items": "Biên bản bình xét\nBáo cáo thành tích (Mẫu 05)",
            "due": "17:00 05/01/2027",
            "link": "/nominations/12",
        },
    )


async def test_mail_carries_vietnamese_subject_both_parts_and_a_stable_message_id(
    db, notices: NoticeActivities, smtp_server, notice_settings
):
    lan = await make_user(db, "Nguyễn Thị Lan", email=LAN)
    binh = await make_user(db, "Trần Văn Bình", email=BINH)
    request = returned_request(
        "nomination-12:returned:1", [Recipient(user_id=lan), Recipient(user_id=binh)]
    )

    result = await notices.send_notices(request)

    assert (result.inbox_created, result.mailed, result.skipped_duplicates) == (2, 2, 0)
    assert sorted(m.envelope_to[0] for m in smtp_server.received) == sorted([LAN, BINH])
    mail = smtp_server.to(LAN)[0]
    message = mail.message
    assert message["Subject"] == "Yêu cầu bổ sung hồ sơ: Nguyễn Thị Lan (hạn 17:00 05/01/2027)"
    # On the wire the header is RFC 2047 encoded-words (ASCII); decoded, it is the above.
    raw_headers = mail.raw.split(b"\r\n\r\n", 1)[0]
    assert b"Subject: =?utf-8?" in raw_headers and raw_headers.isascii()
    assert mail.envelope_from == "thidua@thachkhoi.example.vn"
    assert message.get_content_type() == "multipart/alternative"
    assert message["To"].addresses[0].display_name == "Nguyễn Thị Lan"
    assert message["From"].addresses[0].display_name == "Hệ thống Thi đua - Khen thưởng"
    assert message["Auto-Submitted"] == "auto-generated"
    assert "Kính gửi Nguyễn Thị Lan," in mail.text
    assert "- Báo cáo thành tích (Mẫu 05)" in mail.text
    assert "nộp lại hồ sơ trước 17:00 05/01/2027." in mail.text
    assert f"Bổ sung hồ sơ: {PUBLIC_BASE_URL}/nominations/12" in mail.text
    assert "<li>Biên bản bình xét</li>" in mail.html
    assert f'href="{PUBLIC_BASE_URL}/nominations/12"' in mail.html
    assert "<p>" not in mail.text and "<li>" not in mail.text  # the text part is plain

    expected_id = message_id_for(f"{request.key}:u{lan}", notice_settings.mail_from)
    assert message["Message-ID"] == expected_id
    assert expected_id.endswith("@thachkhoi.example.vn>")
    assert smtp_server.to(BINH)[0].message["Message-ID"] != expected_id

    # A send repeated after a lost commit (simulated: the row put back to pending) carries
    # the same Message-ID, so the receiving side can recognise the duplicate.
    async with db() as session, session.begin():
        await session.execute(
            update(Notice).where(Notice.user_id == lan).values(delivery=NoticeDelivery.PENDING)
        )
    await notices.send_notices(request)
    assert [m.message["Message-ID"] for m in smtp_server.to(LAN)] == [expected_id, expected_id]

    rows = {row.user_id: row for row in await notices_of(db, request.key)}
    assert rows[binh].delivery == NoticeDelivery.SENT and rows[binh].attempts == 1
    assert rows[binh].sent_at is not None
    assert rows[binh].subject == "Yêu cầu bổ sung hồ sơ: Nguyễn Thị Lan (hạn 17:00 05/01/2027)"
    assert rows[binh].body_text.startswith("Hồ sơ đề nghị khen thưởng “Chiến sĩ thi đua cơ sở”")
    assert rows[binh].link == "/nominations/12"


async def test_html_part_escapes_what_people_typed_and_text_part_keeps_it(
    db, notices: NoticeActivities, smtp_server
):
    lan = await make_user(db, "Nguyễn Thị Lan", email=LAN)
    request = NoticeRequest(
        key="nomination-13:refused",
        kind="refused",
        recipients=[Recipient(user_id=lan)],
        context={
            "nominee": "Tổ dân phố <b>số 3</b>",
            "reason": 'Không đạt "tỷ lệ" & tiêu chí',
            "link": "javascript:alert(1)",
        },
    )
    await notices.send_notices(request)

    mail = smtp_server.to(LAN)[0]
    assert "Tổ dân phố &lt;b&gt;số 3&lt;/b&gt;" in mail.html
    assert "&amp; tiêu chí" in mail.html and "<b>số 3</b>" not in mail.html
    assert "Tổ dân phố <b>số 3</b>" in mail.text
    assert "javascript:" not in mail.html and "javascript:" not in mail.text


async def test_sending_twice_creates_one_inbox_row_and_one_mail_per_person(
    db, notices: NoticeActivities, smtp_server
):
    unit = await make_unit(db, "Phòng Văn hóa - Xã hội")
    members = [
        await make_user(
            db, name, email=f"member{i}@thachkhoi.example.vn", roles=((Role.COUNCIL_MEMBER, unit),)
        )
        for i, name in enumerate(["Phạm Minh Đức", "Lê Thu Hà", "Vũ Quốc Khánh"])
    ]
    request = NoticeRequest(
        key="session-4:ballot-open",
        kind="ballot_open",
        recipients=[Recipient(role=Role.COUNCIL_MEMBER, unit_id=unit)],
        context={
            "session_title": "Phiên họp Hội đồng ngày 20/12/2026",
            "item_count": "5",
            "due": "17:00 22/12/2026",
            "link": "/sessions/4/ballot",
        },
    )

    first = await notices.send_notices(request)
    second = await notices.send_notices(request)

    assert (first.inbox_created, first.mailed) == (3, 3)
    assert (second.inbox_created, second.mailed, second.skipped_duplicates) == (0, 0, 3)
    assert len(await notices_of(db, request.key)) == 3
    assert sorted(address for m in smtp_server.received for address in m.envelope_to) == sorted(
        f"member{i}@thachkhoi.example.vn" for i in range(3)
    )
    assert (
        smtp_server.received[0].message["Subject"]
        == "Mời bỏ phiếu: Phiên họp Hội đồng ngày 20/12/2026"
    )
    assert "với 5 hồ sơ cần biểu quyết" in smtp_server.received[0].text
    assert {row.user_id for row in await notices_of(db, request.key)} == set(members)


async def test_role_and_unit_resolve_to_the_active_holders_once_each(
    db, notices: NoticeActivities, smtp_server
):
    office = await make_unit(db, "Phòng Văn hóa - Xã hội")
    school = await make_unit(db, "Trường Tiểu học Thạch Khôi")
    officer = await make_user(
        db, "Nguyễn Thị Lan", email=LAN, roles=((Role.STANDING_OFFICER, office),)
    )
    no_mail = await make_user(db, "Đỗ Văn Nam", roles=((Role.STANDING_OFFICER, office),))
    await make_user(
        db,
        "Hoàng Văn Cũ",
        email="cu@thachkhoi.example.vn",
        active=False,
        roles=((Role.STANDING_OFFICER, office),),
    )
    await make_user(db, "Trần Văn Bình", email=BINH, roles=((Role.STANDING_OFFICER, school),))
    await make_user(
        db, "Lý Thị Mai", email="mai@thachkhoi.example.vn", roles=((Role.UNIT_OFFICER, office),)
    )

    result = await notices.send_notices(
        NoticeRequest(
            key="nomination-20:submitted",
            kind="dossier_submitted",
            recipients=[
                Recipient(role=Role.STANDING_OFFICER, unit_id=office),
                Recipient(user_id=officer),
            ],
            context={"unit": "Trường Tiểu học Thạch Khôi", "nominee": "Nguyễn Văn An"},
        )
    )

    rows = await notices_of(db, "nomination-20:submitted")
    assert [row.user_id for row in rows] == sorted([officer, no_mail])
    assert {row.user_id: row.delivery for row in rows} == {
        officer: NoticeDelivery.SENT,
        no_mail: NoticeDelivery.NONE,
    }
    assert (result.inbox_created, result.mailed) == (2, 1)
    assert [m.envelope_to for m in smtp_server.received] == [[LAN]]


async def test_one_request_tells_each_reader_what_they_must_do(
    db, notices: NoticeActivities, smtp_server
):
    """A forwarding's notice goes to the proposing unit (which waits) and to the next
    level's standing body (which must receive the dossier): each reads its own part, in the
    inbox and in the mail alike."""
    school = await make_unit(db, "Trường Tiểu học Thạch Khôi")
    city_office = await make_unit(db, "Sở Nội vụ thành phố Hải Phòng")
    unit_officer = await make_user(
        db, "Lê Văn Hùng", email=BINH, roles=((Role.UNIT_OFFICER, school),)
    )
    city_officer = await make_user(
        db, "Nguyễn Văn Thành", email=LAN, roles=((Role.STANDING_OFFICER, city_office),)
    )
    request = NoticeRequest(
        key="decision-6:forwarded",
        kind="forwarded",
        recipients=[
            Recipient(role=Role.UNIT_OFFICER, unit_id=school),
            Recipient(role=Role.STANDING_OFFICER, unit_id=city_office),
        ],
        context={"decision_number": "05/TTr-UBND", "document": "Về việc đề nghị khen thưởng"},
    )

    await notices.send_notices(request)

    rows = {row.user_id: row for row in await notices_of(db, request.key)}
    assert "Không cần thao tác thêm" in rows[unit_officer].body_text
    assert "Đề nghị" not in rows[unit_officer].body_text
    assert "Đề nghị cơ quan thường trực tiếp nhận" in rows[city_officer].body_text
    assert "Tờ trình số 05/TTr-UBND" in rows[city_officer].subject
    assert "Không cần thao tác thêm" in smtp_server.to(BINH)[0].text
    assert "Đề nghị cơ quan thường trực tiếp nhận" in smtp_server.to(LAN)[0].text


async def test_smtp_down_raises_keeps_inbox_rows_and_the_retry_sends_each_mail_once(
    db, notice_settings, smtp_server
):
    lan = await make_user(db, "Nguyễn Thị Lan", email=LAN)
    binh = await make_user(db, "Trần Văn Bình", email=BINH)
    ha = await make_user(db, "Lê Thu Hà", email="ha.le@thachkhoi.example.vn")

    class ServerDiesAfterFirstMail(Mailer):
        """Fault injection: the mail server goes down right after accepting the first mail."""

        died = False

        async def send(self, *args, **kwargs) -> None:
            await super().send(*args, **kwargs)
            if not self.died:
                self.died = True
                await asyncio.to_thread(smtp_server.stop)

    notices = NoticeActivities(
        db, notice_settings, ServerDiesAfterFirstMail(notice_settings), clock=fixed_clock()
    )
    request = returned_request(
        "nomination-12:returned:2", [Recipient(user_id=u) for u in (lan, binh, ha)]
    )

    with pytest.raises(ApplicationError) as failure:
        await notices.send_notices(request)
    assert failure.value.type == "MailServerUnavailable" and not failure.value.non_retryable

    rows = {row.user_id: row for row in await notices_of(db, request.key)}
    assert len(rows) == 3  # every inbox row exists although mail failed
    assert rows[lan].delivery == NoticeDelivery.SENT
    for user in (binh, ha):
        assert rows[user].delivery == NoticeDelivery.PENDING
        assert rows[user].attempts == 1 and rows[user].sent_at is None
        assert f"SMTP 127.0.0.1:{smtp_server.port} server unavailable" in rows[user].last_error
    assert [m.envelope_to for m in smtp_server.received] == [[LAN]]

    smtp_server.start()  # a new server on the same port
    result = await notices.send_notices(request)

    assert (result.inbox_created, result.mailed, result.skipped_duplicates) == (0, 2, 3)
    assert sorted(m.envelope_to[0] for m in smtp_server.received) == sorted(
        [LAN, BINH, "ha.le@thachkhoi.example.vn"]
    )
    rows = {row.user_id: row for row in await notices_of(db, request.key)}
    assert all(row.delivery == NoticeDelivery.SENT for row in rows.values())
    assert rows[binh].attempts == 2 and rows[binh].last_error == ""


async def test_a_refused_address_fails_alone_and_the_others_are_sent(
    db, notices: NoticeActivities, smtp_server
):
    smtp_server.refused_recipients.add("khong.ton.tai@thachkhoi.example.vn")
    gone = await make_user(db, "Người Đã Chuyển", email="khong.ton.tai@thachkhoi.example.vn")
    lan = await make_user(db, "Nguyễn Thị Lan", email=LAN)

    result = await notices.send_notices(
        NoticeRequest(
            key="nomination-30:granted",
            kind="granted",
            recipients=[Recipient(user_id=gone), Recipient(user_id=lan)],
            context={"decision_number": "12/QĐ-UBND", "nominee": "Nguyễn Thị Lan"},
        )
    )

    assert result.mailed == 1
    rows = {row.user_id: row for row in await notices_of(db, "nomination-30:granted")}
    assert rows[gone].delivery == NoticeDelivery.FAILED
    assert "recipient refused (550)" in rows[gone].last_error
    assert rows[lan].delivery == NoticeDelivery.SENT
    assert smtp_server.to(LAN)[0].message["Subject"] == (
        "Quyết định khen thưởng số 12/QĐ-UBND: Nguyễn Thị Lan"
    )


async def test_given_up_notices_become_failed_with_the_error(
    db, notices: NoticeActivities, smtp_server
):
    lan = await make_user(db, "Nguyễn Thị Lan", email=LAN)
    no_mail = await make_user(db, "Đỗ Văn Nam")
    smtp_server.stop()
    request = returned_request(
        "nomination-40:returned", [Recipient(user_id=lan), Recipient(user_id=no_mail)]
    )
    with pytest.raises(ApplicationError):
        await notices.send_notices(request)

    count = await notices.mark_notices_failed(FailedNoticesInput(request.key, "retries exhausted"))

    assert count == 1
    rows = {row.user_id: row for row in await notices_of(db, request.key)}
    assert rows[lan].delivery == NoticeDelivery.FAILED
    assert rows[lan].last_error == "retries exhausted"
    assert rows[no_mail].delivery == NoticeDelivery.NONE  # inbox only, nothing failed
    # Another request whose key merely starts alike is untouched.
    assert await notices.mark_notices_failed(FailedNoticesInput("nomination-4", "x")) == 0


async def test_mail_disabled_fills_the_inbox_only(db, empty_database_url, tmp_path, smtp_server):
    from ..conftest import make_settings

    settings = make_settings(
        empty_database_url, tmp_path, mail_enabled=False, smtp_port=smtp_server.port
    )
    notices = NoticeActivities(db, settings, Mailer(settings), clock=fixed_clock())
    lan = await make_user(db, "Nguyễn Thị Lan", email=LAN)

    result = await notices.send_notices(
        NoticeRequest(
            key="nomination-50:received",
            kind="dossier_received",
            recipients=[Recipient(user_id=lan)],
        )
    )

    assert (result.inbox_created, result.mailed) == (1, 0)
    [row] = await notices_of(db, "nomination-50:received")
    assert row.delivery == NoticeDelivery.NONE and row.email_to == LAN
    assert smtp_server.received == []


@pytest.mark.parametrize(
    "request_",
    [
        NoticeRequest(key="k1", kind="no_such_kind", recipients=[Recipient(user_id=1)]),
        NoticeRequest(key="k2", kind="../base", recipients=[Recipient(user_id=1)]),
        NoticeRequest(key="k3", kind="granted", recipients=[Recipient()]),
        NoticeRequest(key="k4", kind="granted", recipients=[Recipient(role=Role.ADMIN)]),
        NoticeRequest(key="", kind="granted", recipients=[Recipient(user_id=1)]),
    ],
    ids=["unknown-kind", "path-in-kind", "empty-recipient", "role-without-unit", "empty-key"],
)
async def test_a_malformed_request_fails_for_good_and_writes_nothing(
    db, notices: NoticeActivities, request_: NoticeRequest
):
    await make_user(db, "Nguyễn Thị Lan", email=LAN)
    with pytest.raises(ApplicationError) as failure:
        await notices.send_notices(request_)
    assert failure.value.non_retryable and failure.value.type == "InvalidNoticeRequest"
    async with db() as session:
        assert (await session.execute(select(Notice))).first() is None

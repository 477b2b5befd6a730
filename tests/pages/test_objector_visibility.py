"""Who may know who objected (Decree 13/2023 on personal data; the Law on Denunciation's
protection of the denouncer as the model): a resident lodges an objection to a
household's nomination on the public portal, and every demo user reads every surface
while it is pending and after it was resolved and the household was granted its award.

The objector's name and contact reach the standing body of the authority handling the
objection and the auditor; never the unit that proposed the nominee, nor anyone else
(council members, chairmen, the administrator, other units, the city, the centre). The
others who may see the nomination learn that an objection was lodged and what it says;
the public portal, that it was lodged and how it was resolved; no mail, PDF or CSV
names the objector to anyone who may not know."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

from sqlalchemy import select

from domain.vocabulary import Stage
from models import AuditEvent, DecisionItem, Notice

from ..documents.pdftools import pdf_text
from .test_standing_pages import household_on_notice, lodge_on_portal

NAME = "Mạc Văn Khiếu"
CONTACT = "0912 777 313, ngõ 5 Tổ dân phố số 1"
REASON = "Gia đình chưa tham gia dọn vệ sinh chung của tổ dân phố."
RESOLUTION = "Đã xác minh: gia đình có tham gia đầy đủ."
# How the standing body answered the objector: the note may name the objector and their
# number, so the reply record is read only by those who may know the objector.
REPLY_NOTE = "Đã gọi ông Khiếu theo số 0912 777 313, giải thích kết quả xác minh."

# Who may know who objected; every other demo user (``harness.ids.users``) may not.
SEES_OBJECTOR = {
    "thuongtruc",  # the standing body of the ward: resolves the objection
    "uyvien.vhxh",  # a council member who is also a standing officer of the ward
    "kiemtra",  # the ward's auditor
}
# Among those who may not, the ones who may see the nomination itself (the others get
# what a missing id gets, and must not learn the objector from any other surface).
SEES_NOMINATION = {
    "canbo.tdp1",  # the officer of the unit that proposed the household
    "uyvien.mttq",  # council members
    "uyvien.xdd",
    "chutich",  # the chairman (and a council member)
    "phochutich",  # the vice-chairman (and a council member)
    "quantri",  # the system administrator: runs the system, resolves nothing
    *SEES_OBJECTOR,
}
AUDIT_READERS = {"kiemtra", "quantri"}
STANDING = {"thuongtruc", "uyvien.vhxh"}  # whose home and notices pages list objections


REPLY_SURFACES = {"the JSON detail", "the nomination page"}  # where the reply record shows


def shows(text: str, value: str) -> bool:
    return value in text


async def portal_shows(
    harness, resident, nomination_id: int, status: str, words: str, leaks, misses
) -> None:
    """The portal's notice of the nomination (JSON and page) says that an objection was
    lodged and where it stands (``status``, in words ``words``), and nothing else of it."""
    public = await harness.get(None, "/api/v1/public/notices")
    [notice] = [n for n in public.json()["items"] if n["nomination_id"] == nomination_id]
    objections = notice.get("objections")
    if [o.get("status") for o in objections or []] != [status]:
        misses.append(f"the portal's JSON gives the objections as {objections!r}, not {status}")
    elif set(objections[0]) != {"lodged_at", "status"}:
        leaks.append(f"the portal's JSON gives {sorted(objections[0])} of an objection")
    portal = await resident.get("/cong-khai")
    card = portal.text.split(f'id="notice-{nomination_id}"')[1].split("</article>")[0]
    if 'class="objections"' not in card or words not in card:
        misses.append(f"the portal page does not say the objection is {words!r}")
    for text in (public.text, portal.text):
        for value in (NAME, CONTACT, REASON, RESOLUTION):
            if shows(text, value):
                leaks.append(f"the public portal shows {value!r}")


async def read_every_surface(
    harness, people, nomination_id: int, phase: str, leaks, misses
) -> set[str]:
    """Every demo user reads every surface the objection may appear on; returns the kinds
    of the PDFs read."""
    read: set[str] = set()

    def expect(reader: str, surface: str, text: str, *, name: bool, contact: bool) -> None:
        # The reply record travels with the contact: whoever may not read the contact may
        # not read how the objector was answered either.
        for label, value, wanted in (
            ("name", NAME, name),
            ("contact", CONTACT, contact),
            ("reply note", REPLY_NOTE, contact and surface in REPLY_SURFACES),
        ):
            if shows(text, value) and not wanted:
                leaks.append(f"{phase}: {reader} sees the objector's {label} on {surface}")
            if wanted and not shows(text, value):
                misses.append(f"{phase}: {reader} does not see the objector's {label} on {surface}")

    pending = phase == "pending"
    for reader in harness.ids.users:
        sees = reader in SEES_OBJECTOR
        person = people(reader)

        detail = await harness.get(reader, f"/api/v1/nominations/{nomination_id}")
        history = await harness.get(reader, f"/api/v1/nominations/{nomination_id}/history")
        page = await person.get(f"/nominations/{nomination_id}")
        if reader in SEES_NOMINATION:
            assert detail.status_code == history.status_code == page.status_code == 200, reader
            [objection] = detail.json()["objections"]
            # Everyone who may see the nomination learns that an objection exists, what
            # it says and how it was resolved.
            assert objection["reason"] == REASON, reader
            assert objection["status"] == ("pending" if pending else "dismissed"), reader
            assert REASON in page.text, reader
            events = {e["action"] for e in history.json()["events"]}
            assert "objection_lodged" in events, reader
        else:
            # (Whether this answers 403 or, like a missing id, 404 is not this test's.)
            assert detail.status_code in (403, 404), (reader, detail.text)
            assert history.status_code in (403, 404), (reader, history.text)
        expect(reader, "the JSON detail", detail.text, name=sees, contact=sees)
        expect(reader, "the nomination page", page.text, name=sees, contact=sees)
        expect(reader, "the JSON timeline", history.text, name=sees, contact=False)

        # The standing body's lists of pending objections (home page and notices page).
        home = await person.get("/")
        notices = await person.get("/notices")
        listed = sees and pending and reader in STANDING
        expect(reader, "the home page", home.text, name=listed, contact=False)
        expect(
            reader,
            "the notices page",
            notices.text,
            name=listed,
            contact=listed,
        )

        # The audit trail, page and CSV.
        audit = await person.get("/audit", params={"nomination_id": nomination_id})
        export = await person.get("/audit/export.csv", params={"nomination_id": nomination_id})
        if reader in AUDIT_READERS:
            assert audit.status_code == 200 and export.status_code == 200, reader
            rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
            assert "Có ý kiến phản ánh" in {r[5] for r in rows[1:]}, reader
        else:
            assert audit.status_code == 403 and export.status_code == 403, reader
        audits = sees and reader in AUDIT_READERS
        expect(reader, "the audit page", audit.text, name=audits, contact=False)
        expect(reader, "the audit CSV", export.text, name=audits, contact=False)

        # Every document of the nomination this reader may open (the public notice; once
        # granted, the decision and the certificate), as the PDF says it.
        if detail.status_code == 200:
            for document in detail.json()["documents"]:
                pdf = await harness.get(reader, document["url"])
                assert pdf.status_code == 200, (reader, document)
                text = pdf_text(pdf.content)
                expect(reader, f"the {document['kind']} PDF", text, name=False, contact=False)
                read.add(document["kind"])
        for path in await certificates(harness, nomination_id):
            pdf = await harness.get(reader, path)
            if pdf.status_code == 200:
                text = pdf_text(pdf.content)
                expect(reader, "the certificate PDF", text, name=False, contact=False)
                read.add("certificate")
    return read


async def certificates(harness, nomination_id: int) -> list[str]:
    async with harness.factory() as session:
        items = (
            await session.execute(
                select(DecisionItem.id).where(DecisionItem.nomination_id == nomination_id)
            )
        ).scalars()
        return [f"/api/v1/decision-items/{item_id}/certificate.pdf" for item_id in items]


async def record_the_reply(harness, people, nomination_id: int) -> None:
    """The standing body records how it answered the objector (the portal promised a
    reply): from the nomination page, where only it has the form; a bad channel is told
    next to the field (page) and by name (JSON); nobody else may record it; the audit
    event names who recorded it, never the objector."""
    [objection] = (await harness.get("thuongtruc", f"/api/v1/nominations/{nomination_id}")).json()[
        "objections"
    ]
    key = objection["key"]
    assert objection["can_record_reply"] is True and objection["reply_channel"] is None
    api = f"/api/v1/nominations/{nomination_id}/objections/{key}/reply"
    bad = await harness.post("thuongtruc", api, {"channel": "pigeon", "note": "x"})
    assert bad.status_code == 422 and "channel" in bad.text, bad.text
    for refused in ("canbo.tdp1", "uyvien.mttq", "chutich", "kiemtra", "quantri"):
        attempt = await harness.post(refused, api, {"channel": "phone", "note": REPLY_NOTE})
        assert attempt.status_code == 403, (refused, attempt.text)
    missing = await harness.post(
        "thuongtruc",
        f"/api/v1/nominations/{nomination_id}/objections/nokey/reply",
        {"channel": "phone"},
    )
    assert missing.status_code == 404

    standing = people("thuongtruc")
    page = await standing.get(f"/nominations/{nomination_id}")
    assert f'id="reply-form-{key}"' in page.text and "Chưa ghi nhận việc trả lời" in page.text
    for other in ("canbo.tdp1", "uyvien.mttq", "kiemtra"):
        assert (
            f'id="reply-form-{key}"'
            not in (await people(other).get(f"/nominations/{nomination_id}")).text
        )
    form = f"/nominations/{nomination_id}/objections/{key}/reply"
    wrong = await standing.post(
        form,
        {"channel": "", "note": REPLY_NOTE, "replied_at": "32/13/2026"},
        csrf_from=f"/nominations/{nomination_id}",
    )
    assert wrong.status_code == 422
    assert (
        f'id="channel-{key}-error">' in wrong.text and f'id="replied-at-{key}-error">' in wrong.text
    )
    done = await standing.post(
        form,
        {"channel": "phone", "note": REPLY_NOTE, "replied_at": ""},
        csrf_from=f"/nominations/{nomination_id}",
    )
    assert done.status_code == 303, done.text
    shown = await standing.get(f"/nominations/{nomination_id}")
    record = shown.text.split(f'id="reply-{key}"')[1].split("</div>")[0]
    assert "Đã trả lời qua Điện thoại" in record and REPLY_NOTE in record
    assert re.search(r"người ghi nhận: \w", record), record
    [read] = (await harness.get("kiemtra", f"/api/v1/nominations/{nomination_id}")).json()[
        "objections"
    ]
    assert read["reply_channel"] == "phone" and read["reply_note"] == REPLY_NOTE
    assert read["replied_by_name"] and read["can_record_reply"] is False

    async with harness.factory() as session:
        [event] = (
            await session.execute(
                select(AuditEvent).where(
                    AuditEvent.nomination_id == nomination_id,
                    AuditEvent.action == "objection_reply_recorded",
                )
            )
        ).scalars()
    assert event.actor_user_id == harness.ids.users["thuongtruc"] and event.actor_name
    assert event.changes == {"objection_key": key, "reply_channel": "phone"}
    for value in (NAME, CONTACT, REPLY_NOTE, "0912 777 313"):
        assert value not in f"{event.reason} {event.changes} {event.actor_name}"


async def test_objector_is_known_only_to_the_standing_body_and_the_auditor(harness, people):
    nomination_id = await household_on_notice(harness)
    resident = people(None)
    lodged = await lodge_on_portal(
        resident,
        nomination_id,
        {"objector_name": NAME, "objector_contact": CONTACT, "reason": REASON},
    )
    assert lodged.status_code in (200, 303), lodged.text
    await harness.notices("thuongtruc", "objection_lodged")
    await record_the_reply(harness, people, nomination_id)

    leaks: list[str] = []
    misses: list[str] = []

    # While the objection is pending: the portal says one was lodged, nothing more.
    await portal_shows(harness, resident, nomination_id, "pending", "đang xem xét", leaks, misses)
    await read_every_surface(harness, people, nomination_id, "pending", leaks, misses)

    # The standing body dismisses the objection while the notice is still posted: the
    # portal says how it was resolved, still not by whom nor why.
    detail = (await harness.get("thuongtruc", f"/api/v1/nominations/{nomination_id}")).json()
    [objection] = detail["objections"]
    await harness.ok(
        "thuongtruc",
        f"/api/v1/nominations/{nomination_id}/objections/{objection['key']}/resolve",
        {"outcome": "dismissed", "reason": RESOLUTION},
    )
    await harness.notices("canbo.tdp1", "objection_resolved")
    await portal_shows(harness, resident, nomination_id, "dismissed", "đã bác bỏ", leaks, misses)

    # The notice period ends; the chairman grants the award (no council vote for a
    # household at the ward): the decision and the certificate are documents too.
    await harness.sleep(timedelta(days=12))
    await harness.wait_stage(nomination_id, Stage.AWAITING_DECISION)
    draft = await harness.draft_decision([nomination_id])
    await harness.sign(draft["id"])
    await harness.wait_stage(nomination_id, Stage.GRANTED)

    read = await read_every_surface(harness, people, nomination_id, "resolved", leaks, misses)
    assert read >= {"public_notice", "decision", "certificate"}, read

    # No mail (nor its inbox copy) names the objector, whoever it went to: a mail leaves
    # the system. The unit hears that the objection was resolved, and how.
    async with harness.factory() as session:
        notices = list((await session.execute(select(Notice))).scalars())
    assert {n.kind for n in notices} >= {"objection_lodged", "objection_resolved", "granted"}
    for notice in notices:
        for value in (NAME, CONTACT):
            if value in notice.subject or value in notice.body_text:
                leaks.append(f"the {notice.kind} mail to user {notice.user_id} names the objector")
    [resolved] = await harness.notices("canbo.tdp1", "objection_resolved")
    assert RESOLUTION in resolved.body_text

    assert leaks == [] and misses == [], "\n".join(leaks + misses)

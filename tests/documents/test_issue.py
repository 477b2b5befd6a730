"""Issuing: the decision becomes ISSUED with its signed document, every awardee gets an
award record (which grounds later awards), minutes and notices are stored once, and a
decision is never issued unsigned."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select
from temporalio.exceptions import ApplicationError

from activities.documents.types import IssueMinutesInput, PublicNoticeInput
from api.services.verification import VerificationStatus, verify_pdf
from domain.vocabulary import (
    AwardKind,
    DecisionStatus,
    DocumentKind,
    ItemResult,
    NomineeKind,
    SignerCapacity,
)
from models import AwardRecord, CouncilSession, Decision, Document, Initiative, SigningIdentity
from tests.clock import machine_now
from thidua.db import transaction
from thidua.files import FileStore, sha256_hex
from thidua.pki import ensure_dev_identities

from .factories import CSTDCS, add_closed_session, add_decision, add_nomination
from .helpers import SIGNED_AT, activities, issue, stored_pdf
from .pdftools import page_sizes, pdf_text


async def test_issuing_records_the_document_the_decision_and_the_awards(
    doc_factory, doc_settings, world
):
    async with transaction(doc_factory) as session:
        hoa = await add_nomination(
            session, world, name="Nguyễn Thị Hoa", award_code=CSTDCS, with_initiative=True
        )
        group = await add_nomination(session, world, name="Tổ dân phố số 3", collective=True)
        decision = await add_decision(session, world, [hoa, group])
    await ensure_dev_identities(doc_factory, doc_settings)

    issued = await issue(
        doc_factory, doc_settings, decision.id, world.vice_chairman, SignerCapacity.DEPUTY
    )

    assert issued.number_text == "01/QĐ-UBND"
    assert issued.issued_on.isoformat() == "2027-01-05"
    pdf = await stored_pdf(doc_factory, doc_settings, issued.document_id)
    assert sha256_hex(pdf) == issued.sha256
    async with doc_factory() as session:
        stored = await session.get(Decision, decision.id)
        assert stored.status == DecisionStatus.ISSUED
        assert stored.document_id == issued.document_id
        assert stored.signed_at == SIGNED_AT
        assert stored.signer_user_id == world.vice_chairman.id
        assert stored.signer_capacity == SignerCapacity.DEPUTY
        document = await session.get(Document, issued.document_id)
        assert document.document_key == f"decision-{decision.id}"
        assert document.kind == DocumentKind.DECISION and document.signed
        assert document.signer_name == "Nguyễn Thị Thanh Hương"
        assert "Ủy ban nhân dân phường Thạch Khôi" in document.signer_subject
        identity = (
            await session.execute(
                select(SigningIdentity).where(SigningIdentity.user_id == world.vice_chairman.id)
            )
        ).scalar_one()
        assert document.signer_certificate_sha256 == identity.certificate_sha256
        assert document.number_text == "01/QĐ-UBND" and document.size_bytes == len(pdf)

        records = {
            r.nomination_id: r
            for r in (
                await session.execute(
                    select(AwardRecord).where(AwardRecord.decision_id == decision.id)
                )
            ).scalars()
        }
        assert set(records) == {hoa.id, group.id}
        record = records[hoa.id]
        assert record.subject_kind == NomineeKind.INDIVIDUAL and record.person_id == hoa.person_id
        assert (record.award_code, record.kind, record.year) == (CSTDCS, AwardKind.MERIT, 2026)
        assert record.decision_number == "01/QĐ-UBND"
        assert record.decision_date.isoformat() == "2027-01-05"
        assert record.deciding_authority == "Ủy ban nhân dân phường Thạch Khôi"
        assert record.achievement_key == hoa.achievement_key
        assert records[group.id].collective_id == group.collective_id
        # The initiative grounded this award, and may ground no other.
        initiative = await session.get(Initiative, hoa.initiative_id)
        assert initiative.grounded_award_id == record.id

        assert (
            await verify_pdf(session, pdf, doc_settings, now=machine_now())
        ).status == VerificationStatus.AUTHENTIC


async def test_without_a_signing_identity_the_decision_is_not_issued_nor_numbered(
    doc_factory, doc_settings, world
):
    async with transaction(doc_factory) as session:
        decision = await add_decision(
            session, world, [await add_nomination(session, world, name="Nguyễn Thị Hoa")]
        )
    with pytest.raises(ApplicationError) as raised:
        await issue(doc_factory, doc_settings, decision.id, world.chairman)
    assert raised.value.type == "NoSigningIdentity"
    assert raised.value.non_retryable
    assert "Tăng Văn Quân" in str(raised.value) and "chứng thư số" in str(raised.value)
    async with doc_factory() as session:
        stored = await session.get(Decision, decision.id)
        assert stored.status == DecisionStatus.AWAITING_SIGNATURE
        assert stored.number is None and stored.number_text == ""
        assert await session.scalar(select(func.count()).select_from(Document)) == 0


async def test_a_vice_chairman_cannot_sign_as_chairman(doc_factory, doc_settings, world):
    async with transaction(doc_factory) as session:
        decision = await add_decision(
            session, world, [await add_nomination(session, world, name="Nguyễn Thị Hoa")]
        )
    await ensure_dev_identities(doc_factory, doc_settings)
    with pytest.raises(ApplicationError) as raised:
        await issue(
            doc_factory, doc_settings, decision.id, world.vice_chairman, SignerCapacity.CHAIRMAN
        )
    assert raised.value.type == "SignerNotEntitled" and raised.value.non_retryable


async def test_minutes_and_public_notice_are_stored_once_per_key(doc_factory, doc_settings, world):
    async with transaction(doc_factory) as session:
        hoa = await add_nomination(session, world, name="Nguyễn Thị Hoa", award_code=CSTDCS)
        council_session = await add_closed_session(
            session, world, [(hoa, (5, 0, 0), ItemResult.PASSED)]
        )
    documents = activities(doc_factory, doc_settings)

    minutes = await documents.issue_minutes(IssueMinutesInput(council_session.id))
    assert await documents.issue_minutes(IssueMinutesInput(council_session.id)) == minutes
    notice_input = PublicNoticeInput(
        authority_id=world.authority.id,
        nomination_ids=[hoa.id],
        starts_at=datetime(2026, 12, 1, 1, tzinfo=UTC),
        ends_at=datetime(2026, 12, 14, 10, tzinfo=UTC),
        key=f"nomination-{hoa.id}-ward",
    )
    notice = await documents.issue_public_notice(notice_input)
    assert await documents.issue_public_notice(notice_input) == notice

    async with doc_factory() as session:
        assert await session.scalar(select(func.count()).select_from(Document)) == 2
        stored_session = await session.get(CouncilSession, council_session.id)
        assert stored_session.minutes_document_id == minutes.document_id
        minutes_row = await session.get(Document, minutes.document_id)
        assert (
            minutes_row.kind == DocumentKind.MINUTES
            and minutes_row.document_key == f"minutes-{council_session.id}"
        )
        notice_row = await session.get(Document, notice.document_id)
        assert notice_row.kind == DocumentKind.PUBLIC_NOTICE and notice_row.nomination_id == hoa.id
    files = FileStore(doc_settings.files_dir)
    assert sha256_hex(files.get(minutes_row.storage_key)) == minutes.sha256


async def test_minutes_of_an_open_session_are_refused(doc_factory, doc_settings, world):
    async with transaction(doc_factory) as session:
        hoa = await add_nomination(session, world, name="Nguyễn Thị Hoa")
        council_session = await add_closed_session(
            session, world, [(hoa, (0, 0, 0), ItemResult.PENDING)]
        )
        council_session.status = "open"
    with pytest.raises(ApplicationError) as raised:
        await activities(doc_factory, doc_settings).issue_minutes(
            IssueMinutesInput(council_session.id)
        )
    assert raised.value.type == "CouncilSessionOpen" and raised.value.non_retryable


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
async def test_a_year_end_decision_with_500_awardees_renders_and_signs(
    doc_factory, doc_settings, world
):
    family = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô"]
    given = [
        "Thị Hoa",
        "Văn Dũng",
        "Thị Thu Hường",
        "Quốc Việt",
        "Thị Ngọc Ánh",
        "Đức Thắng",
        "Thị Lý",
    ]
    async with transaction(doc_factory) as session:
        nominations = [
            await add_nomination(
                session, world, name=f"{family[i % 10]} {given[i % 7]} ({i + 1:03d})"
            )
            for i in range(500)
        ]
        decision = await add_decision(session, world, nominations)
    await ensure_dev_identities(doc_factory, doc_settings)

    started = time.perf_counter()
    issued = await issue(doc_factory, doc_settings, decision.id, world.chairman)
    elapsed = time.perf_counter() - started
    print(f"\n500 awardees: numbered, rendered, signed and recorded in {elapsed:.2f} s")

    pdf = await stored_pdf(doc_factory, doc_settings, issued.document_id)
    pages = page_sizes(pdf)
    text = pdf_text(pdf)
    print(f"500 awardees: {len(pages)} pages, {len(pdf) / 1024:.0f} KiB")
    assert "Nguyễn Thị Hoa (001)" in text and "Ngô Thị Thu Hường (500)" in text
    assert "Tổng cộng (500) 585.000.000 đồng" in text
    assert "Bằng chữ: Năm trăm tám mươi lăm triệu đồng" in text
    # The table header repeats on every page of the list.
    assert text.count("Họ và tên / Tên tập thể") == len(pages) - 1
    assert elapsed < 120  # generous: the benchmark comes later
    async with doc_factory() as session:
        assert (
            await verify_pdf(session, pdf, doc_settings, now=machine_now())
        ).status == VerificationStatus.AUTHENTIC
        assert (
            await session.scalar(
                select(func.count())
                .select_from(AwardRecord)
                .where(AwardRecord.decision_id == decision.id)
            )
            == 500
        )

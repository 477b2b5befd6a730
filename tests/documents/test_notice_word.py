"""The public notice (thông báo công khai) as a Word file (.docx), read back with
python-docx: it says what the stored PDF says (the nominees, the period, the authority,
how to object, the portal), in the Decree 30/2020 layout, for the readers of the PDF
only; a notice issued before its input was kept is rendered from its nomination's audit
trail, or refused (409) when the trail does not tell its period."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import update

from activities.documents.types import PublicNoticeInput
from domain.vocabulary import Level, Stage
from models import AuditEvent, Document, User
from thidua.db import transaction

from .factories import CSTDCS, add_nomination
from .helpers import activities, stored_pdf
from .pdftools import pdf_text
from .test_api import bearer, client  # noqa: F401 - fixtures
from .test_word import DOCX, a4_in_times_new_roman, read

# The notice keeps its input on its row (migration 0010): both databases.
pytestmark = pytest.mark.parametrize("backend", ["sqlite", "postgresql"], indirect=True)

STARTS = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)  # 08:00 in Vietnam
ENDS = datetime(2026, 12, 14, 10, 0, tzinfo=UTC)  # 17:00 in Vietnam
PERIOD = "từ 08 giờ 00 ngày 01/12/2026 đến 17 giờ 00 ngày 14/12/2026"


async def notice(doc_factory, doc_settings, nomination_ids: list[int], world, key: str):
    return await activities(doc_factory, doc_settings).issue_public_notice(
        PublicNoticeInput(
            authority_id=world.authority.id,
            nomination_ids=nomination_ids,
            starts_at=STARTS,
            ends_at=ENDS,
            key=key,
        )
    )


async def test_the_public_notice_as_word_says_what_its_pdf_says(
    client,  # noqa: F811
    doc_factory,
    doc_settings,
    world,
):
    async with transaction(doc_factory) as session:
        nominations = [
            await add_nomination(session, world, name="Nguyễn Thị Hoa", award_code=CSTDCS),
            await add_nomination(session, world, name="Tổ dân phố số 5", collective=True),
        ]
        outsider = User(username="nguoingoai", full_name="Người Ngoài", password_hash="x")
        session.add(outsider)
    ref = await notice(doc_factory, doc_settings, [n.id for n in nominations], world, "year-end")
    async with doc_factory() as session:
        row = await session.get(Document, ref.document_id)
        assert row is not None and row.render_input == {
            "authority_id": world.authority.id,
            "nomination_ids": [n.id for n in nominations],
            "starts_at": STARTS.isoformat(),
            "ends_at": ENDS.isoformat(),
            "key": "year-end",
        }
    # Issued again (a retried activity): the same document, nothing rewritten.
    again = await notice(doc_factory, doc_settings, [n.id for n in nominations], world, "year-end")
    assert again.document_id == ref.document_id

    url = f"/api/v1/documents/{ref.document_id}/notice.docx"
    missing = await client.get("/api/v1/documents/987654321/notice.docx")
    assert missing.status_code == 404
    # Not a reader (not signed in, another unit's person): what a missing id answers.
    for headers in ({}, bearer(doc_settings, outsider.id)):
        refused = await client.get(url, headers=headers)
        assert (refused.status_code, refused.content) == (404, missing.content)
    response = await client.get(url, headers=bearer(doc_settings, world.chairman.id))
    assert response.status_code == 200 and response.headers["content-type"] == DOCX
    assert 'filename="thong-bao-cong-khai-' in response.headers["content-disposition"]

    document, paragraphs = read(response.content)
    a4_in_times_new_roman(document)
    header, listing, closing = document.tables
    issuer, nation = header.rows[0].cells
    assert issuer.text.startswith("ỦY BAN NHÂN DÂN\nPHƯỜNG THẠCH KHÔI")
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in nation.text
    assert "Độc lập - Tự do - Hạnh phúc" in nation.text
    assert "Thạch Khôi, ngày 01 tháng 12 năm 2026" in nation.text
    assert "THÔNG BÁO" in paragraphs
    rows = [[cell.text for cell in row.cells] for row in listing.rows[1:]]
    assert [r[1] for r in rows] == ["Nguyễn Thị Hoa (cá nhân)", "Tổ dân phố số 5 (tập thể)"]
    assert rows[0][3] == "Chiến sĩ thi đua cơ sở" and rows[0][4] == "2026"
    body = "\n".join(paragraphs)
    pdf = " ".join(pdf_text(await stored_pdf(doc_factory, doc_settings, ref.document_id)).split())
    for element in (
        PERIOD,
        world.authority.name,
        "Phòng Văn hóa - Xã hội (cơ quan thường trực Hội đồng Thi đua - Khen thưởng)",
        "https://thidua.thachkhoi.example.vn/cong-khai",
        "bằng văn bản, có chữ ký, ghi rõ họ và tên",
    ):
        assert element in body, f"the .docx misses {element!r}"
        assert element in pdf, f"the PDF misses {element!r}"
    recipients, signer = closing.rows[0].cells
    assert recipients.text.startswith("Nơi nhận:")
    assert signer.paragraphs[0].text == "CƠ QUAN THƯỜNG TRỰC"


async def test_a_notice_issued_before_its_input_was_kept(
    client,  # noqa: F811
    doc_factory,
    doc_settings,
    world,
):
    async with transaction(doc_factory) as session:
        traced = await add_nomination(session, world, name="Trần Văn Bình")
        untraced = await add_nomination(session, world, name="Lê Thị Mai")
    old = await notice(
        doc_factory, doc_settings, [traced.id], world, f"nomination-{traced.id}:notice:ward"
    )
    older = await notice(
        doc_factory, doc_settings, [untraced.id], world, f"nomination-{untraced.id}:notice:ward"
    )
    async with transaction(doc_factory) as session:
        # As before migration 0010: no input on the rows.
        await session.execute(
            update(Document)
            .where(Document.id.in_([old.document_id, older.document_id]))
            .values(render_input=None)
        )
        # The event that posted the nomination (the workflow writes it as it issues the
        # notice), with the period's end it recorded.
        session.add(
            AuditEvent(
                event_key=f"nomination-{traced.id}:7",
                subject_type="nomination",
                subject_id=traced.id,
                nomination_id=traced.id,
                actor_name="Phạm Thu Trang",
                action="accepted",
                level=Level.WARD,
                from_stage=Stage.RECEPTION.value,
                to_stage=Stage.PUBLIC_NOTICE.value,
                changes={"public_notice_until": ["", ENDS.isoformat()]},
                occurred_at=STARTS,
                chain_key=f"nomination:{traced.id}",
                chain_seq=1,
                prev_hash="",
                hash="0" * 64,
            )
        )
    headers = bearer(doc_settings, world.chairman.id)
    response = await client.get(f"/api/v1/documents/{old.document_id}/notice.docx", headers=headers)
    assert response.status_code == 200, response.text
    _, paragraphs = read(response.content)
    assert any(PERIOD in p for p in paragraphs)

    refused = await client.get(
        f"/api/v1/documents/{older.document_id}/notice.docx", headers=headers
    )
    assert refused.status_code == 409
    assert "dùng bản PDF đã lưu" in refused.text

"""Drafts and minutes as Word files (.docx), read back with python-docx: a submission
(tờ trình) to the next level and the minutes (biên bản) of a council session, in the
Decree 30/2020 layout (A4, Times New Roman, the header and closing blocks), for the
readers of the PDF only."""

from __future__ import annotations

import io

import pytest
from docx import Document

from domain.vocabulary import DecisionKind
from models import User
from thidua.db import transaction

from .factories import VIETNAMESE_NAMES, add_decision, add_nomination
from .test_api import bearer, client, issued  # noqa: F401 - fixtures

pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def read(data: bytes):
    document = Document(io.BytesIO(data))
    paragraphs = [p.text for p in document.paragraphs if p.text.strip()]
    return document, paragraphs


def a4_in_times_new_roman(document) -> None:
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    # Decree 30/2020, Appendix I: top and bottom 20-25 mm, left 30-35 mm, right 15-20 mm.
    margins = [round(m.mm) for m in (section.top_margin, section.bottom_margin)]
    assert all(20 <= m <= 25 for m in margins)
    assert 30 <= round(section.left_margin.mm) <= 35
    assert 15 <= round(section.right_margin.mm) <= 20
    assert document.styles["Normal"].font.name == "Times New Roman"
    assert 13 <= document.styles["Normal"].font.size.pt <= 14


async def test_a_submission_draft_as_word(client, doc_factory, doc_settings, world):  # noqa: F811
    async with transaction(doc_factory) as session:
        nominations = [
            await add_nomination(session, world, name=name) for name in VIETNAMESE_NAMES[:2]
        ]
        submission = await add_decision(
            session,
            world,
            nominations,
            kind=DecisionKind.SUBMISSION,
            title="Về việc đề nghị tặng Bằng khen của Chủ tịch UBND tỉnh",
        )
        outsider = User(username="nguoingoai", full_name="Người Ngoài", password_hash="x")
        session.add(outsider)
    url = f"/api/v1/decisions/{submission.id}/draft.docx"
    assert (await client.get(url)).status_code == 401
    assert (await client.get(url, headers=bearer(doc_settings, outsider.id))).status_code == 403
    response = await client.get(url, headers=bearer(doc_settings, world.chairman.id))
    assert response.status_code == 200 and response.headers["content-type"] == DOCX
    assert 'filename="du-thao-to-trinh-' in response.headers["content-disposition"]

    document, paragraphs = read(response.content)
    a4_in_times_new_roman(document)
    header, closing, listing = document.tables
    issuer, nation = header.rows[0].cells
    assert issuer.text.startswith("ỦY BAN NHÂN DÂN\nPHƯỜNG THẠCH KHÔI\n")
    assert "Số:" in issuer.text and "/TTr-UBND" in issuer.text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in nation.text
    assert "Độc lập - Tự do - Hạnh phúc" in nation.text
    assert "ngày" in nation.text and "tháng" in nation.text
    assert paragraphs[0].startswith("DỰ THẢO")
    assert "TỜ TRÌNH" in paragraphs
    assert "Về việc đề nghị tặng Bằng khen của Chủ tịch UBND tỉnh" in paragraphs
    assert any(p.startswith("Kính gửi:") for p in paragraphs)
    grounds = [p for p in document.paragraphs if p.text.startswith("Căn cứ")]
    assert grounds and all(run.italic for p in grounds for run in p.runs)
    recipients, signer = closing.rows[0].cells
    assert recipients.text.startswith("Nơi nhận:") and "- Như trên;" in recipients.text
    assert signer.paragraphs[0].runs[0].bold
    names = [cell.text for row in listing.rows for cell in row.cells]
    assert all(name in names for name in VIETNAMESE_NAMES[:2])


async def test_the_minutes_as_word(client, issued, doc_settings, world):  # noqa: F811
    url = f"/api/v1/documents/{issued['minutes'].document_id}/minutes.docx"
    assert (await client.get(url)).status_code == 401
    decision_url = f"/api/v1/documents/{issued['result'].document_id}/minutes.docx"
    headers = bearer(doc_settings, world.officer.id)
    assert (await client.get(decision_url, headers=headers)).status_code == 404
    response = await client.get(url, headers=headers)
    assert response.status_code == 200 and response.headers["content-type"] == DOCX

    document, paragraphs = read(response.content)
    a4_in_times_new_roman(document)
    assert "BIÊN BẢN" in paragraphs
    assert "HỘI ĐỒNG THI ĐUA - KHEN THƯỞNG" in document.tables[0].rows[0].cells[0].text
    members, tallies = document.tables[1], document.tables[2]
    assert len(members.rows) == len(world.members) + 1
    nominees = [row.cells[1].text for row in tallies.rows[1:]]
    assert nominees == list(VIETNAMESE_NAMES[:3])
    assert all(row.cells[8].text == "Đạt" for row in tallies.rows[1:])
    # One member answered in writing; the words are in the stored PDF only.
    assert any("xem bản biên bản lưu trữ (PDF)" in p for p in paragraphs)
    signatures = document.tables[3].rows[0].cells
    assert signatures[0].paragraphs[0].text == "THƯ KÝ"
    assert signatures[1].paragraphs[0].text == "CHỦ TỊCH HỘI ĐỒNG"

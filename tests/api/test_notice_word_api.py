"""GET /api/v1/documents/{id}/notice.docx through the real engine: the public notice the
nomination workflow issues when the standing body accepts a household's dossier comes as
Word, saying what the stored PDF says; a notice issued before its input was kept
(``documents.render_input`` empty, as before migration 0010) is rendered from the
nomination's audit trail with the same period."""

from __future__ import annotations

import io
import re

import pytest
from docx import Document
from sqlalchemy import update

from domain.vocabulary import Stage
from models import Document as StoredDocument
from tests.abuse.test_document_audience import notice_document
from tests.documents.pdftools import pdf_text

pytestmark = pytest.mark.parametrize("backend", ["sqlite", "postgresql"], indirect=True)

PERIOD = re.compile(r"từ (\d\d) giờ (\d\d) ngày (\S+) đến (\d\d giờ \d\d ngày \S+)\.")


def period_of(data: bytes) -> re.Match[str]:
    document = Document(io.BytesIO(data))
    for paragraph in document.paragraphs:
        if paragraph.text.startswith("Thời gian công khai:"):
            found = PERIOD.search(paragraph.text)
            assert found, paragraph.text
            return found
    raise AssertionError("no period in the notice")


async def test_the_notice_of_a_household_as_word_now_and_for_an_older_notice(harness):
    h = harness
    household = (
        await h.nominate(
            unit_user="canbo.tdp1",
            unit_code="tk-tdp-1",
            award_code="gd_van_hoa",
            person=None,
            household="Bùi Văn Khải",
            items=["to_trinh", "danh_sach_ho_gia_dinh", "bien_ban_binh_xet"],
            attestations=["gdvh_standards"],
        )
    )["id"]
    await h.ok("thuongtruc", f"/api/v1/nominations/{household}/accept", {})
    await h.wait_stage(household, Stage.PUBLIC_NOTICE)
    await notice_document(h, household)  # issued in the background
    detail = await h.get("thuongtruc", f"/api/v1/nominations/{household}")
    notices = [d for d in detail.json()["documents"] if d["kind"] == "public_notice"]
    assert len(notices) == 1, detail.json()["documents"]
    notice = notices[0]
    assert notice["docx_url"] == f"/api/v1/documents/{notice['id']}/notice.docx"

    response = await h.get("thuongtruc", notice["docx_url"])
    assert response.status_code == 200, response.text
    now = period_of(response.content)
    pdf = " ".join(pdf_text((await h.get("thuongtruc", notice["url"])).content).split())
    assert now.group(0) in pdf, "the Word copy's period is the PDF's"
    cells = [
        c.text
        for t in Document(io.BytesIO(response.content)).tables
        for r in t.rows
        for c in r.cells
    ]
    assert any("Bùi Văn Khải" in c for c in cells)

    # As before migration 0010: the row keeps no input; the audit trail tells the period.
    async with h.factory() as db, db.begin():
        await db.execute(
            update(StoredDocument)
            .where(StoredDocument.id == notice["id"])
            .values(render_input=None)
        )
    older = await h.get("thuongtruc", notice["docx_url"])
    assert older.status_code == 200, older.text
    derived = period_of(older.content)
    assert derived.group(3, 4) == now.group(3, 4), "same day, same end"
    start, derived_start = (int(m.group(1)) * 60 + int(m.group(2)) for m in (now, derived))
    assert 0 <= start - derived_start <= 1, "the start, to the minute"

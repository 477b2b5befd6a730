"""POST /api/v1/decisions/{id}/draft and GET /api/v1/decisions/{id}/draft.docx: the
standing body edits the draft (title, legal grounds, proposer line, recipients, order of
awardees, reason) and downloads it as Word in the Decree 30/2020 layout; the preview,
the .docx and the signed PDF say the same. 422 naming the field for bad input, 403 for
whoever may not, 409 once signed."""

from __future__ import annotations

import io

import pytest
from docx import Document

from domain.vocabulary import Stage
from tests.documents.pdftools import pdf_text

from .test_commands import MEMBERS, awaiting_decision, expect

pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)

DRAFTS = "/api/v1/decisions"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
TITLE = "Về việc tặng Giấy khen cho tập thể, cá nhân tiêu biểu năm 2026"
GROUNDS = [
    "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022;",
    "Căn cứ Kế hoạch số 12/KH-UBND về phong trào thi đua năm 2026;",
]
RECIPIENTS = ["Như Điều 3;", "Thường trực Đảng ủy;", "Lưu: VT, VP."]
REASON = "Xét thành tích xuất sắc trong phong trào thi đua năm 2026,"


def docx_paragraphs(data: bytes) -> tuple[list[str], list[str], list[list[str]]]:
    """The body's paragraphs, the italic ones, and the text of every table cell by table."""
    document = Document(io.BytesIO(data))
    paragraphs = [p.text for p in document.paragraphs if p.text.strip()]
    italic = [p.text for p in document.paragraphs if p.runs and all(r.italic for r in p.runs)]
    tables = [[cell.text for row in table.rows for cell in row.cells] for table in document.tables]
    return paragraphs, italic, tables


async def test_edit_the_draft_download_it_as_word_and_sign_what_was_edited(harness):
    hoa = await awaiting_decision(harness)
    dung = await harness.nominate(person="Đặng Thị Thủy")
    await harness.ok("thuongtruc", f"/api/v1/nominations/{dung['id']}/accept", {})
    session = await harness.convene([dung["id"]])
    for member in MEMBERS:
        await harness.vote(session["id"], member, {dung["id"]: "agree"})
    await harness.wait_stage(dung["id"], Stage.AWAITING_DECISION)
    decision = await expect(
        harness, "thuongtruc", DRAFTS, {"nomination_ids": [hoa, dung["id"]]}, 201
    )
    path = f"{DRAFTS}/{decision['id']}"
    order = [dung["id"], hoa]
    edits = {
        "title": TITLE,
        "legal_grounds": GROUNDS,
        "proposer_text": "Trưởng Ban Thi đua - Khen thưởng",
        "recipients": RECIPIENTS,
        "item_order": order,
        "reason_text": REASON,
    }

    # Refusals: the body's fields by pydantic, the order by the workflow, who by the role.
    await expect(harness, "thuongtruc", f"{path}/draft", {"title": ""}, 422, field="body.title")
    await expect(
        harness,
        "thuongtruc",
        f"{path}/draft",
        {"legal_grounds": ["a\x07b"]},
        422,
        field="body.legal_grounds.0",
    )
    await expect(harness, "canbo.vanphong", f"{path}/draft", edits, 403)
    await expect(harness, "chutich", f"{path}/draft", edits, 403)
    for _ in range(100):  # the draft is assembled when every nomination has joined
        response = await harness.post("thuongtruc", f"{path}/draft", {"item_order": [hoa]})
        if response.status_code != 409:
            break
    assert response.status_code == 422 and response.json()["field"] == "item_order"

    edited = await expect(harness, "thuongtruc", f"{path}/draft", edits, 200)
    assert edited["title"] == TITLE
    assert [i["nomination_id"] for i in sorted(edited["items"], key=lambda i: i["position"])] == (
        order
    )

    # The .docx: the Decree 30 header, the title, the italic legal grounds, the awardees
    # in the edited order, the recipients; for the people of the authority only.
    assert (await harness.get("canbo.vanphong", f"{path}/draft.docx")).status_code == 403
    response = await harness.get("chutich", f"{path}/draft.docx")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == DOCX
    assert response.headers["content-disposition"].startswith("attachment;")
    paragraphs, italic, tables = docx_paragraphs(response.content)
    header, closing, awardees = tables
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in header[1]
    assert "Độc lập - Tự do - Hạnh phúc" in header[1]
    assert "Số:" in header[0] and "/QĐ-" in header[0]
    assert "DỰ THẢO" in paragraphs[0]
    assert "QUYẾT ĐỊNH" in paragraphs and TITLE in paragraphs
    for ground in GROUNDS:
        assert ground in italic
    assert "Theo đề nghị của Trưởng Ban Thi đua - Khen thưởng." in italic
    assert REASON in italic
    assert "Nơi nhận:" in closing[0]
    for line in RECIPIENTS:
        assert f"- {line}" in closing[0]
    names = [text for text in awardees if text in ("Nguyễn Thị Hoa", "Đặng Thị Thủy")]
    assert names == ["Đặng Thị Thủy", "Nguyễn Thị Hoa"]

    # The preview shows the same edits.
    preview = pdf_text((await harness.get("chutich", f"{path}/preview.pdf")).content)
    assert GROUNDS[1] in preview and REASON in preview

    signed = await harness.sign(decision["id"])
    text = pdf_text(
        (await harness.get("chutich", f"/api/v1/documents/{signed['document_id']}/pdf")).content
    )
    assert "DỰ THẢO" not in text
    assert TITLE in text
    for ground in GROUNDS:
        assert ground in text
    assert "Lưu: VT, VP." in text
    assert text.index("Đặng Thị Thủy") < text.index("Nguyễn Thị Hoa")

    await expect(harness, "thuongtruc", f"{path}/draft", {"title": "Muộn"}, 409, stage="issued")

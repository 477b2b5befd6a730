"""The "Sửa dự thảo" form on the decision page: the standing body sees the draft's title,
legal grounds, proposer line, recipients, order of awardees and reason as the document
says them now, edits them (a message next to a wrong field), and the preview and the
Word file say what was saved; others see the "Tải bản Word" link but not the form."""

from __future__ import annotations

import io

import pytest
from docx import Document

from domain.vocabulary import DecisionStatus
from tests.pages.test_decision_pages import awaiting_decision, wait_status

pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)

GROUND = "Căn cứ Kế hoạch số 12/KH-UBND về phong trào thi đua năm 2026;"


async def test_the_standing_body_edits_the_draft_on_its_page(harness, people):
    hoa = await awaiting_decision(harness)
    thuy = await awaiting_decision(harness, "Đặng Thị Thủy")
    standing, chairman = people("thuongtruc"), people("chutich")
    drafted = await standing.post(
        "/decisions",
        {"kind": "decision", "nomination_ids": [str(hoa), str(thuy)]},
        csrf_from="/decisions",
    )
    page = drafted.headers["location"]
    decision_id = int(page.rsplit("/", 1)[1])
    await wait_status(harness, decision_id, DecisionStatus.AWAITING_SIGNATURE)

    view = (await standing.get(page)).text
    assert 'id="edit-draft-form"' in view and "Sửa dự thảo" in view
    assert "Căn cứ Luật Thi đua, khen thưởng" in view  # the generated grounds, prefilled
    assert f'href="/api/v1/decisions/{decision_id}/draft.docx"' in view
    assert "Tải bản Word (.docx)" in view
    signer_view = (await chairman.get(page)).text
    assert 'id="edit-draft-form"' not in signer_view and "Tải bản Word (.docx)" in signer_view

    form = {
        "title": "Về việc tặng Giấy khen năm 2026",
        "legal_grounds": f"Căn cứ Luật Thi đua, khen thưởng năm 2022;\n\n{GROUND}\n",
        "proposer_text": "Trưởng Ban Thi đua - Khen thưởng",
        "recipients": "Như Điều 3;\nLưu: VT, VP.",
        f"order_{hoa}": "2",
        f"order_{thuy}": "1",
        "reason_text": "",
    }
    refused = await standing.post(
        f"/decisions/{decision_id}/draft", {**form, "title": " "}, csrf_from=page
    )
    assert refused.status_code == 422
    assert 'id="draft_title-error"' in refused.text and GROUND in refused.text
    refused = await standing.post(
        f"/decisions/{decision_id}/draft", {**form, f"order_{hoa}": "hai"}, csrf_from=page
    )
    assert refused.status_code == 422 and f'id="order_{hoa}-error"' in refused.text

    saved = await standing.post(f"/decisions/{decision_id}/draft", form, csrf_from=page)
    assert saved.status_code == 303 and saved.headers["location"] == page
    view = (await standing.get(page)).text
    assert "Đã lưu dự thảo" in view and GROUND in view
    assert view.index("Đặng Thị Thủy") < view.index("Nguyễn Thị Hoa")

    response = await chairman.get(f"/api/v1/decisions/{decision_id}/draft.docx")
    assert response.status_code == 200
    document = Document(io.BytesIO(response.content))
    texts = [p.text for p in document.paragraphs]
    assert "Về việc tặng Giấy khen năm 2026" in texts and GROUND in texts
    closing = document.tables[1].rows[0].cells[0].text
    assert "- Lưu: VT, VP." in closing and "Cổng thông tin" not in closing

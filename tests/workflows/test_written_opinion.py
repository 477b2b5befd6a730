"""An absent member's written opinion (ý kiến bằng văn bản), from the ballot sheet to the
minutes (biên bản): under the member's name, apart from the tallies, never beside a
choice. End to end through the API, the workflows and the document activity, on SQLite
and PostgreSQL."""

from __future__ import annotations

import io

import pypdf

from domain.vocabulary import Stage
from models import CouncilSession, User
from tests.documents.pdftools import pdf_text

CHOICE_LABELS = ("Đồng ý", "Không đồng ý", "Không biểu quyết", "Agree", "Disagree", "Abstain")
OPINION = (
    "Vắng mặt vì đi công tác tại thành phố; qua hồ sơ, đồng chí Hoa có nhiều sáng kiến trong "
    "công tác cải cách hành chính của phường."
)


async def test_an_absent_members_written_opinion_is_in_the_minutes(harness):
    # CSTĐCS, by secret ballot; it needs LĐTT the same year, proposed with it.
    await harness.nominate(award_code="ldtt", person="Nguyễn Thị Hoa")
    hoa = (await harness.nominate(award_code="cstdcs", person="Nguyễn Thị Hoa"))["id"]
    await harness.ok("thuongtruc", f"/api/v1/nominations/{hoa}/accept", {"note": ""})
    await harness.wait_stage(hoa, Stage.AWAITING_COUNCIL)
    session = await harness.convene([hoa])
    ballot = f"/api/v1/council-sessions/{session['id']}/ballot"

    # A member present at the session has no written opinion to send.
    refused = await harness.post(
        "chutich",
        ballot,
        {"mode": "in_person", "choices": {str(hoa): "agree"}, "written_opinion": OPINION},
    )
    assert refused.status_code == 422, refused.text
    assert "written_opinion" in refused.text
    cast = await harness.post(
        "uyvien.mttq",
        ballot,
        {"mode": "written", "choices": {str(hoa): "disagree"}, "written_opinion": OPINION},
    )
    assert cast.status_code == 201, cast.text
    for member in ("chutich", "phochutich", "uyvien.vhxh", "uyvien.xdd"):
        await harness.vote(session["id"], member, {hoa: "agree"})
    await harness.wait_stage(hoa, Stage.AWAITING_DECISION)

    async with harness.factory() as db:
        minutes_id = (await db.get(CouncilSession, session["id"])).minutes_document_id
        absent = (await db.get(User, harness.ids.users["uyvien.mttq"])).full_name
    assert minutes_id, "the minutes are issued before the nomination hears the result"
    response = await harness.get("thuongtruc", f"/api/v1/documents/{minutes_id}/pdf")
    assert response.status_code == 200
    text = pdf_text(response.content)

    assert f"Ý kiến bằng văn bản của thành viên vắng mặt: - {absent}: “{OPINION}”" in text
    # In the attendance part, before the tallies; and no line of the minutes puts the
    # member's name beside a choice.
    assert text.index(OPINION) < text.index("II. Kết quả biểu quyết")
    lines = "\n".join(
        page.extract_text() or "" for page in pypdf.PdfReader(io.BytesIO(response.content)).pages
    ).splitlines()
    assert not [line for line in lines if absent in line and any(c in line for c in CHOICE_LABELS)]

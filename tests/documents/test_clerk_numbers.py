"""Decree 30/2020 Art. 15-16: the clerk (văn thư) gives a document its number and date
when issuing it. The signer signs a decision whose number and date are blank form fields;
the clerk's update fills them, in the document's own font, under the organisation's
signature, and the signer's signature stays valid (form filling is permitted)."""

from __future__ import annotations

import io
import subprocess
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from PIL import Image
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import async_validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from sqlalchemy import select, update
from temporalio.exceptions import ApplicationError

from activities.documents.types import IssueDecisionInput, IssueSignedInput
from activities.issue_fields import (
    ANNEX_DATE_FIELD,
    ANNEX_NUMBER_FIELD,
    DATE_FIELD,
    ISSUE_FIELDS,
    NUMBER_FIELD,
)
from api.services.verification import VerificationStatus, verify_pdf
from domain.vocabulary import DecisionStatus, Level, Role, SignerCapacity
from models import (
    AwardRecord,
    Decision,
    Document,
    DocumentCounter,
    RoleGrant,
    SigningIdentity,
    User,
)
from tests.clock import machine_now
from thidua.db import transaction
from thidua.pki import ensure_dev_identities, trust_roots

from .factories import add_decision, add_nomination
from .helpers import activities, issue, stored_pdf
from .pdftools import field_appearance_fonts, field_values, pdf_text

# The chairman signs on the last afternoon of 2026 (16:00 in Vietnam); the clerk issues
# on the first working Monday of 2027 (09:00 in Vietnam).
SIGNED_AT = datetime(2026, 12, 31, 9, 0, tzinfo=UTC)
ISSUED_AT = datetime(2027, 1, 4, 2, 0, tzinfo=UTC)


async def _clerk(doc_factory, world) -> User:
    async with transaction(doc_factory) as session:
        clerk = User(username="vanthu", full_name="Phạm Thị Lan", password_hash="x")
        session.add(clerk)
        await session.flush()
        session.add(
            RoleGrant(user_id=clerk.id, role=Role.CLERK, unit_id=world.ward.id, level=Level.WARD)
        )
    return clerk


async def _decision(doc_factory, world, name: str) -> Decision:
    async with transaction(doc_factory) as session:
        return await add_decision(session, world, [await add_nomination(session, world, name=name)])


def _sign_input(decision_id: int, signer: User) -> IssueDecisionInput:
    return IssueDecisionInput(
        decision_id=decision_id,
        signer_user_id=signer.id,
        capacity=SignerCapacity.CHAIRMAN,
        signed_at=SIGNED_AT,
        clerk_numbers=True,
    )


async def test_the_clerk_numbers_and_dates_what_the_chairman_signed_blank(
    doc_factory, doc_settings, world, tmp_path
):
    clerk = await _clerk(doc_factory, world)
    await ensure_dev_identities(doc_factory, doc_settings)
    documents = activities(doc_factory, doc_settings)
    # A decision numbered at its signature in 2026 (before the clerk's numbering): 2026's
    # series has begun.
    earlier = await _decision(doc_factory, world, "Trần Văn Dũng")
    numbered_2026 = await issue(
        doc_factory, doc_settings, earlier.id, world.chairman, signed_at=SIGNED_AT
    )
    assert numbered_2026.number_text == "01/QĐ-UBND"

    decision = await _decision(doc_factory, world, "Nguyễn Thị Hoa")
    signed = await documents.sign_decision(_sign_input(decision.id, world.chairman))

    # Signed without a number or a date: nothing of the series is spent.
    assert (signed.number_text, signed.issued_on) == ("", None)
    async with doc_factory() as session:
        stored = await session.get(Decision, decision.id)
        document = await session.get(Document, signed.document_id)
    assert stored.status == DecisionStatus.SIGNED
    assert (stored.number, stored.number_text, stored.issued_on) == (None, "", None)
    assert document.number_text == "" and document.title.startswith("Quyết định Về việc")
    blank = await stored_pdf(doc_factory, doc_settings, signed.document_id)
    assert field_values(blank) == dict.fromkeys(ISSUE_FIELDS, "")
    text = pdf_text(blank)
    assert "Số: /QĐ-UBND" in text and "Thạch Khôi, Cộng" not in text
    assert "(Kèm theo Quyết định số /QĐ-UBND ngày của" in text

    issued = await documents.issue_signed_decision(
        IssueSignedInput(decision_id=decision.id, clerk_user_id=clerk.id, issued_at=ISSUED_AT)
    )

    # The first number of 2027, dated the day the clerk issued it.
    assert (issued.number_text, issued.issued_on) == ("01/QĐ-UBND", date(2027, 1, 4))
    pdf = await stored_pdf(doc_factory, doc_settings, issued.document_id)
    assert field_values(pdf) == {
        NUMBER_FIELD: "01",
        DATE_FIELD: "ngày 04 tháng 01 năm 2027",
        ANNEX_NUMBER_FIELD: "01",
        ANNEX_DATE_FIELD: "04/01/2027",
    }
    # Typeset in the document's font, italic where the line is (Vietnamese letters).
    assert field_appearance_fonts(pdf, DATE_FIELD) == {"Liberation-Serif-Italic"}
    assert field_appearance_fonts(pdf, NUMBER_FIELD) == {"Liberation-Serif"}
    # What a reader sees: the blanks of the signed document are written in now.
    assert _ink(blank, tmp_path, "blank") == {name: False for name in ISSUE_FIELDS}
    assert _ink(pdf, tmp_path, "issued") == {name: True for name in ISSUE_FIELDS}

    async with doc_factory() as session:
        stored = await session.get(Decision, decision.id)
        document = await session.get(Document, issued.document_id)
        record = (
            await session.execute(select(AwardRecord).where(AwardRecord.decision_id == decision.id))
        ).scalar_one()
        counters = {
            c.year: c.last_number
            for c in (await session.execute(select(DocumentCounter))).scalars()
        }
        report = await verify_pdf(session, pdf, doc_settings, now=machine_now())
    assert stored.status == DecisionStatus.ISSUED
    assert (stored.number, stored.year, stored.issued_on) == (1, 2027, date(2027, 1, 4))
    assert stored.signed_at == SIGNED_AT  # the signer's moment stays the signer's
    assert document.number_text == "01/QĐ-UBND"
    assert document.title.startswith("Quyết định số 01/QĐ-UBND Về việc")
    assert (record.decision_number, record.decision_date) == ("01/QĐ-UBND", date(2027, 1, 4))
    assert counters == {2026: 1, 2027: 1}
    assert report.status == VerificationStatus.AUTHENTIC

    # The signer's signature is intact: what followed it is form filling and a signature.
    person, organisation = PdfFileReader(io.BytesIO(pdf)).embedded_signatures
    context = ValidationContext(
        trust_roots=[_asn1(c) for c in trust_roots(doc_settings)], allow_fetching=False
    )
    person_status = await async_validate_pdf_signature(person, context)
    organisation_status = await async_validate_pdf_signature(organisation, context)
    assert person_status.intact and person_status.valid
    assert person_status.modification_level == ModificationLevel.FORM_FILLING
    assert organisation_status.intact and organisation_status.valid
    # Only the long-term validation data (B-LT) came after the organisation's signature.
    assert organisation_status.modification_level == ModificationLevel.LTA_UPDATES

    # Issuing again (a retry) answers the same and spends no other number.
    again = await documents.issue_signed_decision(
        IssueSignedInput(decision_id=decision.id, clerk_user_id=clerk.id, issued_at=ISSUED_AT)
    )
    assert again == issued
    async with doc_factory() as session:
        assert (
            await session.execute(
                select(DocumentCounter.last_number).where(DocumentCounter.year == 2027)
            )
        ).scalar_one() == 1


async def test_a_submission_gets_its_own_series_number_from_the_clerk(
    doc_factory, doc_settings, world
):
    from domain.vocabulary import DecisionKind

    clerk = await _clerk(doc_factory, world)
    await ensure_dev_identities(doc_factory, doc_settings)
    async with transaction(doc_factory) as session:
        submission = await add_decision(
            session,
            world,
            [await add_nomination(session, world, name="Lê Thị Thu Hường")],
            kind=DecisionKind.SUBMISSION,
        )
    documents = activities(doc_factory, doc_settings)
    await documents.sign_decision(_sign_input(submission.id, world.chairman))
    issued = await documents.issue_signed_decision(
        IssueSignedInput(decision_id=submission.id, clerk_user_id=clerk.id, issued_at=ISSUED_AT)
    )
    assert issued.number_text.startswith("01/TTr-")
    pdf = await stored_pdf(doc_factory, doc_settings, issued.document_id)
    values = field_values(pdf)
    assert values[NUMBER_FIELD] == values[ANNEX_NUMBER_FIELD] == "01"
    assert values[ANNEX_DATE_FIELD] == "04/01/2027"
    assert f"Số: /{issued.number_text.partition('/')[2]}" in pdf_text(pdf)


async def test_without_the_organisations_key_no_number_is_spent(doc_factory, doc_settings, world):
    clerk = await _clerk(doc_factory, world)
    await ensure_dev_identities(doc_factory, doc_settings)
    decision = await _decision(doc_factory, world, "Nguyễn Thị Hoa")
    documents = activities(doc_factory, doc_settings)
    await documents.sign_decision(_sign_input(decision.id, world.chairman))
    async with transaction(doc_factory) as session:
        await session.execute(
            update(SigningIdentity).where(SigningIdentity.user_id.is_(None)).values(active=False)
        )

    with pytest.raises(ApplicationError) as raised:
        await documents.issue_signed_decision(
            IssueSignedInput(decision_id=decision.id, clerk_user_id=clerk.id, issued_at=ISSUED_AT)
        )
    assert raised.value.type == "NoSigningIdentity" and raised.value.non_retryable
    async with doc_factory() as session:
        stored = await session.get(Decision, decision.id)
        spent = (await session.execute(select(DocumentCounter))).scalars().all()
    assert stored.status == DecisionStatus.SIGNED and stored.number is None
    assert spent == []


def _asn1(certificate):
    from asn1crypto import x509 as asn1_x509
    from cryptography.hazmat.primitives import serialization

    return asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))


def _ink(pdf: bytes, folder: Path, name: str) -> dict[str, bool]:
    """Whether each of the clerk's fields shows anything once the PDF is drawn (poppler's
    pdftoppm draws the form fields' appearances, as a viewer and a printer do)."""
    path = folder / f"{name}.pdf"
    path.write_bytes(pdf)
    boxes = _field_boxes(pdf)
    inked: dict[str, bool] = {}
    dpi = 100
    for page in sorted({page for page, _ in boxes.values()}):
        prefix = folder / f"{name}-{page}"
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                str(dpi),
                "-f",
                str(page + 1),
                "-l",
                str(page + 1),
                "-singlefile",
                str(path),
                str(prefix),
            ],
            check=True,
        )
        image = Image.open(f"{prefix}.png").convert("L")
        scale = dpi / 72
        for field, (field_page, (x1, y1, x2, y2)) in boxes.items():
            if field_page != page:
                continue
            top = image.height - y2 * scale
            crop = image.crop(
                (int(x1 * scale), int(top), int(x2 * scale), int(top + (y2 - y1) * scale))
            )
            inked[field] = crop.getextrema()[0] < 128  # some dark pixel
    return inked


def _field_boxes(pdf: bytes) -> dict[str, tuple[int, tuple[float, float, float, float]]]:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    boxes = {}
    for index, page in enumerate(reader.pages):
        for annot in page.get("/Annots", []) or []:
            widget = annot.get_object()
            name = str(widget.get("/T", ""))
            if name in ISSUE_FIELDS:
                boxes[name] = (index, tuple(float(v) for v in widget["/Rect"]))
    return boxes

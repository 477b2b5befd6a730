"""Public verification: upload a PDF, or give a decision number, and learn whether it is
an authentic, unmodified decision of this engine, who signed it and when."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, File, Query, Request, UploadFile
from pydantic import BaseModel

from models.schemas.common import DB_INT_MAX

from ..deps import ReadSessionDep, SettingsDep, StateDep
from ..errors import InvalidInput, TooManyRequests, error_responses
from ..services.verification import (
    DecisionLookup,
    SignatureView,
    VerificationReport,
    VerificationStatus,
    issuers_of,
    limit_verifications,
    lookup_decisions,
    parse_number,
    read_pdf_upload,
    verify_pdf,
)

router = APIRouter(prefix="/api/v1", tags=["verification"])


class VerificationRead(BaseModel):
    status: VerificationStatus
    message: str  # Vietnamese / English
    message_vi: str
    message_en: str
    sha256: str
    signed: bool
    intact: bool | None
    trusted: bool | None
    covers_whole_file: bool | None
    signer_name: str
    signer_subject: str
    signing_time: datetime | None  # the timestamped time when the signature has one
    level: str  # PAdES baseline level: B-B, B-T, B-LT, B-LTA ("" unsigned)
    timestamp_time: datetime | None  # RFC 3161 signature timestamp
    signer_reported_time: datetime | None
    validated_at: datetime | None  # the moment the certificates were checked at
    document_id: int | None
    document_title: str
    document_url: str
    decision_id: int | None
    number_text: str
    issued_on: date | None
    authority_name: str
    problems: list[str]
    # Every signature in order: a document issued by a clerk carries the signer's, then
    # the organisation's (Decree 30/2020); each validated on its own.
    signatures: list[SignatureView] = []

    @classmethod
    def of(cls, report: VerificationReport) -> VerificationRead:
        return cls(message=f"{report.message_vi} / {report.message_en}", **vars(report))


class AwardeeRead(BaseModel):
    name: str
    description: str
    award_name: str


class DecisionLookupRead(BaseModel):
    decision_id: int
    kind: str
    number_text: str
    year: int
    issued_on: date | None
    authority_id: int
    authority_name: str
    title: str
    signer_name: str
    signed_at: datetime | None
    awardees: list[AwardeeRead]
    document_id: int | None
    document_url: str
    sha256: str
    verify_url: str

    @classmethod
    def of(cls, found: DecisionLookup) -> DecisionLookupRead:
        values = vars(found) | {
            "kind": found.kind.value,
            "awardees": [AwardeeRead(**vars(a)) for a in found.awardees],
        }
        return cls(**values)


class IssuerRead(BaseModel):
    authority_id: int
    authority_name: str


class DecisionLookupPage(BaseModel):
    found: bool
    decisions: list[DecisionLookupRead]
    # The issuers of the decisions found: more than one, and the number alone does not
    # name one decision (ask again with ``authority_id``).
    issuers: list[IssuerRead] = []


@router.post(
    "/verify",
    response_model=VerificationRead,
    responses=error_responses(InvalidInput, TooManyRequests),
)
async def verify_upload(
    request: Request,
    state: StateDep,
    session: ReadSessionDep,
    settings: SettingsDep,
    file: Annotated[UploadFile, File(description="The PDF to verify")],
) -> VerificationRead:
    """Verify an uploaded PDF: ``authentic``, ``tampered``, ``untrusted``,
    ``unregistered`` or ``unsigned``, with the signer, the signing time and, when it is
    a document of this engine, its number, authority and download address."""
    await limit_verifications(
        state.writer,
        client=request.client.host if request.client else "unknown",
        now=state.clock.now(),
    )
    data = await read_pdf_upload(file, settings)
    report = await verify_pdf(session, data, settings, now=state.clock.now())
    if report.status == VerificationStatus.NOT_A_PDF:
        raise InvalidInput(
            "file", "Tệp PDF bị hỏng, không đọc được", "The PDF is damaged and cannot be read"
        )
    return VerificationRead.of(report)


@router.get("/verify", response_model=DecisionLookupPage, responses=error_responses(InvalidInput))
async def verify_number(
    session: ReadSessionDep,
    number: Annotated[str, Query(min_length=1, max_length=64, description="e.g. 12/QĐ-UBND")],
    year: Annotated[int | None, Query(ge=1945, le=2100)] = None,
    authority_id: Annotated[
        int | None, Query(ge=1, le=DB_INT_MAX, description="the issuing authority")
    ] = None,
) -> DecisionLookupPage:
    """Look an issued decision up by its number, year and issuer: numbers restart each
    year and every body numbers its own (the ward's and the city's first decisions of a
    year are both 01/QĐ-UBND). Without ``authority_id``, every issuer's decision with the
    number is returned, each naming its issuer (``issuers`` lists them)."""
    if parse_number(number) is None:
        raise InvalidInput(
            "number",
            "Số văn bản không đúng dạng, ví dụ: 12/QĐ-UBND",
            "Not a document number, e.g. 12/QĐ-UBND",
        )
    found = await lookup_decisions(session, number, year, authority_id)
    return DecisionLookupPage(
        found=bool(found),
        decisions=[DecisionLookupRead.of(f) for f in found],
        issuers=[IssuerRead(authority_id=i, authority_name=name) for i, name in issuers_of(found)],
    )

"""Public verification: upload a PDF, or give a decision number, and learn whether it is
an authentic, unmodified decision of this engine, who signed it and when."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, File, Query, Request, UploadFile
from pydantic import BaseModel

from activities.verification import (
    PDF_MAGIC,
    DecisionLookup,
    VerificationReport,
    VerificationStatus,
    lookup_decisions,
    parse_number,
    verify_pdf,
)
from thidua.ratelimit import consume
from thidua.settings import Settings

from ..deps import ReadSessionDep, SettingsDep, StateDep
from ..errors import InvalidInput, TooManyRequests, error_responses
from ..state import AppState

router = APIRouter(prefix="/api/v1", tags=["verification"])

# Checking a signature costs real CPU: a client gets this many per minute.
VERIFY_PER_MINUTE = 30
UPLOAD_CHUNK = 256 * 1024


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
    signing_time: datetime | None
    document_id: int | None
    document_title: str
    document_url: str
    decision_id: int | None
    number_text: str
    issued_on: date | None
    authority_name: str
    problems: list[str]

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
    authority_name: str
    title: str
    signer_name: str
    signed_at: datetime | None
    awardees: list[AwardeeRead]
    document_id: int | None
    document_url: str
    sha256: str

    @classmethod
    def of(cls, found: DecisionLookup) -> DecisionLookupRead:
        values = vars(found) | {
            "kind": found.kind.value,
            "awardees": [AwardeeRead(**vars(a)) for a in found.awardees],
        }
        return cls(**values)


class DecisionLookupPage(BaseModel):
    found: bool
    decisions: list[DecisionLookupRead]


async def limit_verifications(state: AppState, request: Request) -> None:
    """Count the request against the client's budget, in its own short transaction (the
    verification itself only reads)."""
    client = request.client.host if request.client else "unknown"
    async with state.writer() as session, session.begin():
        wait = await consume(
            session, f"verify:{client}", limit=VERIFY_PER_MINUTE, window_seconds=60
        )
    if wait is not None:
        raise TooManyRequests(wait)


async def read_pdf_upload(upload: UploadFile, settings: Settings, field: str = "file") -> bytes:
    """The uploaded bytes, refusing with a 422 naming ``field`` what is no PDF, empty or
    larger than ``settings.upload_max_bytes``."""
    limit = settings.upload_max_bytes
    chunks: list[bytes] = []
    size = 0
    while chunk := await upload.read(UPLOAD_CHUNK):
        size += len(chunk)
        if size > limit:
            megabytes = limit / (1024 * 1024)
            raise InvalidInput(
                field,
                f"Tệp vượt quá dung lượng cho phép ({megabytes:g} MB)",
                f"The file is larger than the {megabytes:g} MB allowed",
            )
        chunks.append(chunk)
    data = b"".join(chunks)
    if not data:
        raise InvalidInput(field, "Chưa chọn tệp, hoặc tệp rỗng", "No file, or an empty file")
    if PDF_MAGIC not in data[:1024]:
        raise InvalidInput(
            field, "Tệp tải lên không phải là tệp PDF", "The uploaded file is not a PDF"
        )
    return data


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
    await limit_verifications(state, request)
    data = await read_pdf_upload(file, settings)
    report = await verify_pdf(session, data, settings)
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
) -> DecisionLookupPage:
    """Look an issued decision up by its number (and year: numbers restart each year)."""
    if parse_number(number) is None:
        raise InvalidInput(
            "number",
            "Số văn bản không đúng dạng, ví dụ: 12/QĐ-UBND",
            "Not a document number, e.g. 12/QĐ-UBND",
        )
    found = await lookup_decisions(session, number, year)
    return DecisionLookupPage(
        found=bool(found), decisions=[DecisionLookupRead.of(f) for f in found]
    )

"""The public verification page /xac-minh: upload a PDF or enter a decision number.

No account is needed; nothing is written (bar the rate-limit counter), so the forms need
no CSRF token. Results are in Vietnamese first, English with ``?lang=en``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Query, Request, UploadFile
from fastapi.responses import HTMLResponse

from domain.calendar import format_vn_date

from ..deps import OptionalUser, ReadSessionDep, SettingsDep, StateDep
from ..errors import InvalidInput, TooManyRequests
from ..i18n import request_language
from ..services.verification import (
    VerificationStatus,
    describe_time,
    limit_verifications,
    lookup_decisions,
    parse_number,
    read_pdf_upload,
    verify_pdf,
)
from .common import render

router = APIRouter(include_in_schema=False)

TEMPLATE = "pages/verification.html"

TEXTS: dict[str, dict[str, str]] = {
    "title": {"vi": "Xác minh văn bản", "en": "Verify a document"},
    "intro": {
        "vi": "Kiểm tra một quyết định khen thưởng có đúng là văn bản do cơ quan có thẩm quyền "
        "ban hành, có chữ ký số hợp lệ và chưa bị sửa đổi.",
        "en": "Check that an award decision was issued by the competent authority, carries a "
        "valid digital signature and has not been altered.",
    },
    "upload_heading": {"vi": "Tải lên tệp PDF", "en": "Upload a PDF"},
    "upload_label": {"vi": "Tệp văn bản (PDF)", "en": "Document file (PDF)"},
    "upload_button": {"vi": "Kiểm tra tệp", "en": "Check the file"},
    "number_heading": {"vi": "Tra cứu theo số quyết định", "en": "Look up by decision number"},
    "number_label": {
        "vi": "Số quyết định (ví dụ 12/QĐ-UBND)",
        "en": "Decision number (e.g. 12/QĐ-UBND)",
    },
    "year_label": {"vi": "Năm ban hành (không bắt buộc)", "en": "Year (optional)"},
    "number_button": {"vi": "Tra cứu", "en": "Look up"},
    "result": {"vi": "Kết quả", "en": "Result"},
    "signer": {"vi": "Người ký", "en": "Signed by"},
    "signing_time": {"vi": "Thời điểm ký", "en": "Signed at"},
    "number": {"vi": "Số văn bản", "en": "Number"},
    "issued_on": {"vi": "Ngày ban hành", "en": "Issued on"},
    "authority": {"vi": "Cơ quan ban hành", "en": "Issuing authority"},
    "document": {"vi": "Văn bản", "en": "Document"},
    "download": {"vi": "Tải bản gốc đã ký (PDF)", "en": "Download the signed original (PDF)"},
    "fingerprint": {"vi": "Mã băm SHA-256 của tệp", "en": "SHA-256 of the file"},
    "awardees": {"vi": "Tập thể, cá nhân được khen thưởng", "en": "Awardees"},
    "award": {"vi": "Danh hiệu, hình thức", "en": "Award"},
    "name": {"vi": "Tên", "en": "Name"},
    "not_found": {
        "vi": "Không tìm thấy quyết định đã ban hành nào có số này.",
        "en": "No issued decision has this number.",
    },
    "status_authentic": {"vi": "XÁC THỰC", "en": "AUTHENTIC"},
    "status_tampered": {"vi": "ĐÃ BỊ SỬA ĐỔI", "en": "TAMPERED"},
    "status_untrusted": {"vi": "KHÔNG XÁC NHẬN ĐƯỢC NGƯỜI KÝ", "en": "UNTRUSTED SIGNER"},
    "status_unregistered": {"vi": "KHÔNG CÓ TRONG SỔ VĂN BẢN", "en": "NOT ISSUED HERE"},
    "status_unsigned": {"vi": "KHÔNG CÓ CHỮ KÝ SỐ", "en": "NOT SIGNED"},
    "status_not_a_pdf": {"vi": "KHÔNG PHẢI TỆP PDF", "en": "NOT A PDF"},
}


def _texts(lang: str):
    def vt(key: str) -> str:
        entry = TEXTS[key]
        return entry.get(lang) or entry["vi"]

    return vt


def _page(request: Request, user, status_code: int = 200, **values) -> HTMLResponse:
    context = {
        "vt": _texts(request_language(request)),
        "report": None,
        "lookup": None,
        "errors": {},
        "number": "",
        "year": "",
        "vn_date": lambda day: format_vn_date(day) if day else "",
        "vn_time": describe_time,
        **values,
    }
    return render(request, TEMPLATE, context, user=user, status_code=status_code)


@router.get("/xac-minh", response_class=HTMLResponse)
async def verification_page(
    request: Request,
    session: ReadSessionDep,
    user: OptionalUser,
    number: Annotated[str, Query(max_length=64)] = "",
    year: Annotated[str, Query(max_length=8)] = "",
) -> HTMLResponse:
    """The forms; with ``?number=…`` also the decisions found (a link can be shared)."""
    if not number.strip():
        return _page(request, user)
    errors: dict[str, str] = {}
    lang = request_language(request)
    year_value: int | None = None
    if year.strip():
        if year.strip().isdigit() and 1945 <= int(year) <= 2100:
            year_value = int(year)
        else:
            errors["year"] = "Năm không hợp lệ" if lang == "vi" else "Not a valid year"
    if parse_number(number) is None:
        errors["number"] = (
            "Số văn bản không đúng dạng, ví dụ: 12/QĐ-UBND"
            if lang == "vi"
            else "Not a document number, e.g. 12/QĐ-UBND"
        )
    if errors:
        return _page(request, user, 422, errors=errors, number=number, year=year)
    found = await lookup_decisions(session, number, year_value)
    return _page(request, user, lookup=found, number=number, year=year)


@router.post("/xac-minh", response_class=HTMLResponse)
async def verification_upload(
    request: Request,
    state: StateDep,
    session: ReadSessionDep,
    settings: SettingsDep,
    user: OptionalUser,
    file: Annotated[UploadFile | None, File()] = None,
) -> HTMLResponse:
    lang = request_language(request)
    try:
        await limit_verifications(
            state.writer, client=request.client.host if request.client else "unknown"
        )
        if file is None:
            raise InvalidInput("file", "Chưa chọn tệp", "No file chosen")
        data = await read_pdf_upload(file, settings)
    except TooManyRequests as exc:
        return _page(
            request, user, 429, errors={"file": exc.message_vi if lang == "vi" else exc.message_en}
        )
    except InvalidInput as exc:
        return _page(
            request, user, 422, errors={"file": exc.message_vi if lang == "vi" else exc.message_en}
        )
    report = await verify_pdf(session, data, settings)
    if report.status == VerificationStatus.NOT_A_PDF:
        message = "Tệp PDF bị hỏng, không đọc được" if lang == "vi" else "The PDF is damaged"
        return _page(request, user, 422, errors={"file": message})
    return _page(request, user, report=report)

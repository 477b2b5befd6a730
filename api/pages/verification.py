"""The public verification page /xac-minh: upload a PDF or enter a decision number (with
its year and issuer: a number alone may name decisions of several authorities).

No account is needed; nothing is written (bar the rate-limit counter), so the forms need
no CSRF token. Results are in Vietnamese first, English with ``?lang=en``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Query, Request, UploadFile
from fastapi.responses import HTMLResponse
from sqlalchemy.ext.asyncio import AsyncSession

from domain.calendar import format_vn_date
from models.schemas.common import DB_INT_MAX

from ..deps import OptionalUser, ReadSessionDep, SettingsDep, StateDep
from ..errors import InvalidInput, TooManyRequests
from ..i18n import request_language
from ..services.public import verify_url
from ..services.verification import (
    VerificationStatus,
    describe_time,
    issuers_of,
    issuing_authorities,
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
    "issuer_label": {
        "vi": "Cơ quan ban hành (không bắt buộc)",
        "en": "Issuing authority (optional)",
    },
    "any_issuer": {"vi": "Mọi cơ quan", "en": "Any authority"},
    "several_issuers": {
        "vi": "Số này là số của quyết định của nhiều cơ quan: mỗi cơ quan đánh số quyết định "
        "của mình từ 01 mỗi năm. Chọn cơ quan đã ban hành văn bản cần xác minh:",
        "en": "Several authorities issued a decision with this number: each numbers its own "
        "decisions from 01 every year. Choose the authority that issued yours:",
    },
    "this_decision": {"vi": "Đường dẫn riêng của quyết định này", "en": "Link to this decision"},
    "number_button": {"vi": "Tra cứu", "en": "Look up"},
    "result": {"vi": "Kết quả", "en": "Result"},
    "signer": {"vi": "Người ký", "en": "Signed by"},
    "signing_time": {"vi": "Thời điểm ký", "en": "Signed at"},
    "timestamped": {"vi": "theo dấu thời gian", "en": "timestamped"},
    "self_reported": {"vi": "theo máy người ký khai", "en": "as stated by the signer"},
    "level": {"vi": "Mức chữ ký (PAdES)", "en": "Signature level (PAdES)"},
    "level_B-B": {"vi": "B-B: không có dấu thời gian", "en": "B-B: no timestamp"},
    "level_B-T": {"vi": "B-T: có dấu thời gian", "en": "B-T: timestamped"},
    "level_B-LT": {
        "vi": "B-LT: dài hạn, có dấu thời gian và thông tin thu hồi chứng thư",
        "en": "B-LT: long-term, timestamped with revocation data",
    },
    "level_B-LTA": {
        "vi": "B-LTA: lưu trữ dài hạn, có dấu thời gian văn bản",
        "en": "B-LTA: long-term archival, with a document timestamp",
    },
    "signatures": {"vi": "Các chữ ký số trong văn bản", "en": "The signatures in the file"},
    "signature_of": {"vi": "Chữ ký của", "en": "Signature of"},
    "field_ChuKySo": {"vi": "Người có thẩm quyền", "en": "The competent person"},
    "field_ChuKySoCoQuan": {
        "vi": "Cơ quan, tổ chức (văn thư ký phát hành)",
        "en": "The organisation (applied by the clerk)",
    },
    "organisation": {"vi": "Cơ quan, tổ chức", "en": "Organisation"},
    "signature_state": {"vi": "Kiểm tra", "en": "Check"},
    "signature_ok": {
        "vi": "Hợp lệ, nguyên vẹn, chứng thư được tin cậy",
        "en": "Valid, intact, trusted certificate",
    },
    "signature_bad": {"vi": "Không hợp lệ", "en": "Not valid"},
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
    "status_expired": {"vi": "KHÔNG XÁC MINH ĐƯỢC", "en": "CANNOT BE VERIFIED"},
    "status_revoked": {"vi": "CHỨNG THƯ SỐ ĐÃ BỊ THU HỒI", "en": "CERTIFICATE REVOKED"},
    "status_not_a_pdf": {"vi": "KHÔNG PHẢI TỆP PDF", "en": "NOT A PDF"},
}


def _texts(lang: str):
    def vt(key: str) -> str:
        entry = TEXTS[key]
        return entry.get(lang) or entry["vi"]

    return vt


async def _page(
    request: Request, session: AsyncSession, user, status_code: int = 200, **values
) -> HTMLResponse:
    context = {
        "vt": _texts(request_language(request)),
        "report": None,
        "lookup": None,
        "issuers": [],
        "errors": {},
        "number": "",
        "year": "",
        "authority_id": "",
        "authorities": await issuing_authorities(session),
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
    authority_id: Annotated[str, Query(max_length=12)] = "",
) -> HTMLResponse:
    """The forms; with ``?number=…`` also the decisions found (a link can be shared).
    A number names one decision only with its year and issuer (``authority_id``): when
    decisions of several issuers carry it, the page says so and links each one alone."""
    if not number.strip():
        return await _page(request, session, user)
    errors: dict[str, str] = {}
    lang = request_language(request)
    year_value: int | None = None
    if year.strip():
        if year.strip().isdigit() and 1945 <= int(year) <= 2100:
            year_value = int(year)
        else:
            errors["year"] = "Năm không hợp lệ" if lang == "vi" else "Not a valid year"
    issuer: int | None = None
    if authority_id.strip():
        if authority_id.strip().isdigit() and 1 <= int(authority_id) <= DB_INT_MAX:
            issuer = int(authority_id)
        else:
            errors["authority_id"] = (
                "Cơ quan ban hành không hợp lệ" if lang == "vi" else "Not a valid issuer"
            )
    if parse_number(number) is None:
        errors["number"] = (
            "Số văn bản không đúng dạng, ví dụ: 12/QĐ-UBND"
            if lang == "vi"
            else "Not a document number, e.g. 12/QĐ-UBND"
        )
    if errors:
        return await _page(
            request,
            session,
            user,
            422,
            errors=errors,
            number=number,
            year=year,
            authority_id=authority_id,
        )
    found = await lookup_decisions(session, number, year_value, issuer)
    return await _page(
        request,
        session,
        user,
        lookup=found,
        issuers=[
            (name, verify_url(number_text=number, year=year_value, authority_id=issuer_id))
            for issuer_id, name in issuers_of(found)
        ],
        number=number,
        year=year,
        authority_id=authority_id,
    )


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
            state.writer,
            client=request.client.host if request.client else "unknown",
            now=state.clock.now(),
        )
        if file is None:
            raise InvalidInput("file", "Chưa chọn tệp", "No file chosen")
        data = await read_pdf_upload(file, settings)
    except TooManyRequests as exc:
        return await _page(
            request,
            session,
            user,
            429,
            errors={"file": exc.message_vi if lang == "vi" else exc.message_en},
        )
    except InvalidInput as exc:
        return await _page(
            request,
            session,
            user,
            422,
            errors={"file": exc.message_vi if lang == "vi" else exc.message_en},
        )
    report = await verify_pdf(session, data, settings, now=state.clock.now())
    if report.status == VerificationStatus.NOT_A_PDF:
        message = "Tệp PDF bị hỏng, không đọc được" if lang == "vi" else "The PDF is damaged"
        return await _page(request, session, user, 422, errors={"file": message})
    return await _page(request, session, user, report=report)

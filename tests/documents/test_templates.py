"""Every document template rendered with Vietnamese data: the text read back from the
PDF holds the elements Decree 30/2020 requires, pages are A4, the only font is
Liberation Serif (Times New Roman metrics) and diacritics survive."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from activities.documents.certificate import render_certificate_pdf
from activities.documents.decision import render_decision_pdf
from activities.documents.renderer import document_font_problem
from activities.documents.report import ReportSection, ReportTable, render_report_pdf
from activities.documents.types import IssueMinutesInput, PublicNoticeInput
from api.services.verification import lookup_decision
from domain.vocabulary import DecisionKind, ItemResult, SignerCapacity
from models import DecisionItem
from thidua.db import transaction
from thidua.pki import ensure_dev_identities

from .factories import (
    CSTDCS,
    LDTT,
    VIETNAMESE_NAMES,
    add_closed_session,
    add_decision,
    add_nomination,
    rule_set_lookup,
)
from .helpers import activities, issue, stored_pdf
from .pdftools import font_names, is_a4, page_sizes, pdf_text

# Rendering reads the database but does not depend on its kind: SQLite is enough here.
SQLITE = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)

NATIONAL_TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"


def assert_document_basics(pdf: bytes, *, landscape: bool = False) -> str:
    sizes = page_sizes(pdf)
    assert sizes and all(is_a4(size, landscape=landscape) for size in sizes), sizes
    fonts = font_names(pdf)
    assert fonts, "no font embedded"
    # Every glyph comes from Liberation Serif: no fallback font was needed for a
    # Vietnamese letter (an old Liberation without Vietnamese falls back to DejaVu).
    assert all(name.startswith("Liberation-Serif") for name in fonts), fonts
    return pdf_text(pdf)


async def _year_end_decision(doc_factory, world, *, kind=DecisionKind.DECISION, title=None):
    async with transaction(doc_factory) as session:
        nominations = [
            await add_nomination(session, world, name=name) for name in VIETNAMESE_NAMES[:4]
        ]
        nominations.append(
            await add_nomination(session, world, name="Tổ dân phố số 3", collective=True)
        )
        nominations.append(await add_nomination(session, world, name="Vũ Thị Lan", award_code=LDTT))
        await add_closed_session(
            session, world, [(n, (5, 0, 0), ItemResult.PASSED) for n in nominations]
        )
        extra = {"title": title} if title else {}
        return await add_decision(session, world, nominations, kind=kind, **extra)


@SQLITE
async def test_issued_decision_signed_by_a_deputy_has_every_decree_30_element(
    doc_factory, doc_settings, world
):
    decision = await _year_end_decision(doc_factory, world)
    await ensure_dev_identities(doc_factory, doc_settings)
    issued = await issue(
        doc_factory, doc_settings, decision.id, world.vice_chairman, SignerCapacity.DEPUTY
    )
    text = assert_document_basics(await stored_pdf(doc_factory, doc_settings, issued.document_id))

    for element in (
        NATIONAL_TITLE,
        MOTTO,
        "ỦY BAN NHÂN DÂN PHƯỜNG THẠCH KHÔI",
        "Số: 01/QĐ-UBND",
        "Thạch Khôi, ngày 05 tháng 01 năm 2027",
        "QUYẾT ĐỊNH Về việc tặng Giấy khen cho các tập thể, cá nhân",
        "CHỦ TỊCH ỦY BAN NHÂN DÂN PHƯỜNG THẠCH KHÔI",
        "Căn cứ Luật Tổ chức chính quyền địa phương số 72/2025/QH15;",
        "Căn cứ Luật Thi đua, khen thưởng số 06/2022/QH15 ngày 15 tháng 6 năm 2022;",
        "Căn cứ Biên bản họp Hội đồng Thi đua - Khen thưởng phường Thạch Khôi ngày 18/12/2026;",
        "Theo đề nghị của Trưởng phòng Văn hóa - Xã hội phường.",
        "QUYẾT ĐỊNH:",
        "Điều 1.",
        "Tặng Giấy khen của Chủ tịch Ủy ban nhân dân phường cho 04 cá nhân, 01 tập thể",
        "Công nhận danh hiệu “Lao động tiên tiến” cho 01 cá nhân",
        "Điều 2.",
        "mỗi cá nhân 0,5 lần mức lương cơ sở (1.170.000 đồng)",
        "Tổng số tiền thưởng: 7.722.000 đồng (Bằng chữ: Bảy triệu bảy trăm hai mươi hai nghìn đồng)",
        "Quỹ thi đua, khen thưởng",
        "Điều 3. Quyết định này có hiệu lực kể từ ngày ký.",
        "Trưởng phòng Văn hóa - Xã hội",
        "các tập thể, cá nhân có tên tại Điều 1",
        "Nơi nhận:",
        "- Như Điều 3;",
        "- Lưu: VT, VHXH.",
        "KT. CHỦ TỊCH PHÓ CHỦ TỊCH Nguyễn Thị Thanh Hương",
        "DANH SÁCH",
        "(Kèm theo Quyết định số 01/QĐ-UBND ngày 05/01/2027 của Chủ tịch Ủy ban nhân dân phường Thạch Khôi)",
        "Nguyễn Thị Hoa Giáo viên, Trường Tiểu học Thạch Khôi 1.170.000 đồng",
        "Tổ dân phố số 3 Tổ dân phố số 3 2.340.000 đồng",
        "Vũ Thị Lan Giáo viên, Trường Tiểu học Thạch Khôi 702.000 đồng",
        "Tổng cộng (6) 7.722.000 đồng",
    ):
        assert element in text, f"missing: {element!r}"
    assert "DỰ THẢO" not in text
    # The legal bases are italic, the signer block and title bold: the PDF uses those faces.
    assert {"Liberation-Serif-Italic", "Liberation-Serif-Bold"} <= font_names(
        await stored_pdf(doc_factory, doc_settings, issued.document_id)
    )


@SQLITE
async def test_a_decision_signed_by_the_chairman_says_chu_tich_alone(
    doc_factory, doc_settings, world
):
    decision = await _year_end_decision(doc_factory, world)
    await ensure_dev_identities(doc_factory, doc_settings)
    issued = await issue(
        doc_factory, doc_settings, decision.id, world.chairman, SignerCapacity.CHAIRMAN
    )
    text = assert_document_basics(await stored_pdf(doc_factory, doc_settings, issued.document_id))
    assert "CHỦ TỊCH Tăng Văn Quân" in text
    assert "KT. CHỦ TỊCH" not in text and "PHÓ CHỦ TỊCH" not in text


@SQLITE
async def test_the_signing_page_preview_is_marked_draft_and_leaves_number_and_date_blank(
    doc_factory, world
):
    decision = await _year_end_decision(doc_factory, world)
    async with doc_factory() as session:
        pdf = await render_decision_pdf(
            session, decision.id, draft=True, get_rule_set=rule_set_lookup, today=date(2027, 1, 5)
        )
    text = assert_document_basics(pdf)
    assert "DỰ THẢO" in text
    assert "Số: /QĐ-UBND" in text
    assert "Thạch Khôi, ngày tháng năm" in text
    assert "Nguyễn Thị Hoa" in text and "1.170.000 đồng" in text


@SQLITE
async def test_submission_to_the_city(doc_factory, doc_settings, world):
    decision = await _year_end_decision(
        doc_factory,
        world,
        kind=DecisionKind.SUBMISSION,
        title="Về việc đề nghị tặng Bằng khen của Chủ tịch Ủy ban nhân dân thành phố",
    )
    await ensure_dev_identities(doc_factory, doc_settings)
    issued = await issue(doc_factory, doc_settings, decision.id, world.chairman)
    assert issued.number_text == "01/TTr-UBND"
    text = assert_document_basics(await stored_pdf(doc_factory, doc_settings, issued.document_id))
    for element in (
        NATIONAL_TITLE,
        MOTTO,
        "Số: 01/TTr-UBND",
        "Thạch Khôi, ngày 05 tháng 01 năm 2027",
        "TỜ TRÌNH Về việc đề nghị tặng Bằng khen",
        "Kính gửi: Chủ tịch Ủy ban nhân dân thành phố Hải Phòng",
        "Căn cứ Luật Thi đua, khen thưởng số 06/2022/QH15",
        "Ủy ban nhân dân phường Thạch Khôi kính trình",
        "TM. ỦY BAN NHÂN DÂN CHỦ TỊCH Tăng Văn Quân",
        "- Như trên;",
        "Sở Nội vụ thành phố Hải Phòng",
        "(Kèm theo Tờ trình số 01/TTr-UBND ngày 05/01/2027",
        "Lê Thị Thu Hường",
        "Lao động tiên tiến",
    ):
        assert element in text, f"missing: {element!r}"
    # A submission is correspondence, not a decision: the public lookup does not list it.
    async with doc_factory() as session:
        assert await lookup_decision(session, "01/TTr-UBND", 2027) is None


@SQLITE
async def test_council_minutes_record_tallies_never_individual_votes(
    doc_factory, doc_settings, world
):
    async with transaction(doc_factory) as session:
        hoa = await add_nomination(session, world, name="Nguyễn Thị Hoa", award_code=CSTDCS)
        dung = await add_nomination(session, world, name="Trần Văn Dũng", award_code=CSTDCS)
        lan = await add_nomination(session, world, name="Vũ Thị Lan", award_code=LDTT)
        council_session = await add_closed_session(
            session,
            world,
            [
                (hoa, (5, 0, 0), ItemResult.PASSED),
                (dung, (3, 1, 1), ItemResult.FAILED),
                (lan, (4, 1, 0), ItemResult.PASSED),
            ],
        )
    ref = await activities(doc_factory, doc_settings).issue_minutes(
        IssueMinutesInput(council_session.id)
    )
    text = assert_document_basics(await stored_pdf(doc_factory, doc_settings, ref.document_id))
    for element in (
        NATIONAL_TITLE,
        MOTTO,
        "HỘI ĐỒNG THI ĐUA - KHEN THƯỞNG",
        "BIÊN BẢN",
        "Họp Hội đồng Thi đua - Khen thưởng phường Thạch Khôi",
        "Thời gian: 08 giờ 30 ngày 18/12/2026",
        "Tổng số thành viên Hội đồng: 5. Có mặt: 4; gửi ý kiến bằng văn bản: 1",
        "Tăng Văn Quân Chủ tịch Hội đồng",
        "Lê Minh Đức Ủy viên thường trực (Thư ký)",
        "Ý kiến bằng văn bản",
        "Nguyễn Thị Hoa Chiến sĩ thi đua cơ sở (bỏ phiếu kín) 5 0 0 100,0%",
        "Từ 80% trở lên Đạt",
        "Trần Văn Dũng Chiến sĩ thi đua cơ sở (bỏ phiếu kín) 3 1 1 60,0%",
        "Không đạt",
        "Vũ Thị Lan Lao động tiên tiến 4 1 0 80,0% Trên 50% Đạt",
        "không ghi ý kiến của từng thành viên",
        "đề nghị khen thưởng 2/3 trường hợp",
        "THƯ KÝ",
        "CHỦ TỊCH HỘI ĐỒNG",
    ):
        assert element in text, f"missing: {element!r}"


@SQLITE
async def test_public_notice_names_the_nominees_the_period_and_how_to_object(
    doc_factory, doc_settings, world
):
    async with transaction(doc_factory) as session:
        nominations = [
            await add_nomination(session, world, name="Nguyễn Thị Hoa", award_code=CSTDCS),
            await add_nomination(session, world, name="Tổ dân phố số 5", collective=True),
        ]
    ref = await activities(doc_factory, doc_settings).issue_public_notice(
        PublicNoticeInput(
            authority_id=world.authority.id,
            nomination_ids=[n.id for n in nominations],
            starts_at=datetime(2026, 12, 1, 1, 0, tzinfo=UTC),
            ends_at=datetime(2026, 12, 14, 10, 0, tzinfo=UTC),
            key="year-end-2026",
        )
    )
    text = assert_document_basics(await stored_pdf(doc_factory, doc_settings, ref.document_id))
    for element in (
        NATIONAL_TITLE,
        MOTTO,
        "THÔNG BÁO",
        "Công khai danh sách tập thể, cá nhân, hộ gia đình được đề nghị khen thưởng",
        "Nguyễn Thị Hoa (cá nhân) Trường Tiểu học Thạch Khôi Chiến sĩ thi đua cơ sở 2026",
        "Tổ dân phố số 5 (tập thể)",
        "từ 08 giờ 00 ngày 01/12/2026 đến 17 giờ 00 ngày 14/12/2026",
        "bằng văn bản, có chữ ký, ghi rõ họ và tên",
        "Phòng Văn hóa - Xã hội (cơ quan thường trực Hội đồng Thi đua - Khen thưởng)",
        "https://thidua.thachkhoi.example.vn/cong-khai",
        "Thạch Khôi, ngày 01 tháng 12 năm 2026",
    ):
        assert element in text, f"missing: {element!r}"


@SQLITE
async def test_giay_khen_certificate_of_one_awardee(doc_factory, doc_settings, world):
    decision = await _year_end_decision(doc_factory, world)
    await ensure_dev_identities(doc_factory, doc_settings)
    await issue(doc_factory, doc_settings, decision.id, world.vice_chairman, SignerCapacity.DEPUTY)
    async with doc_factory() as session:
        item = (
            await session.execute(
                DecisionItem.__table__.select().where(
                    DecisionItem.decision_id == decision.id,
                    DecisionItem.nominee_name == "Nguyễn Thị Hoa",
                )
            )
        ).one()
        pdf = await render_certificate_pdf(session, item.id, get_rule_set=rule_set_lookup)
    text = assert_document_basics(pdf, landscape=True)
    assert len(page_sizes(pdf)) == 1
    for element in (
        NATIONAL_TITLE,
        MOTTO,
        "CHỦ TỊCH ỦY BAN NHÂN DÂN PHƯỜNG THẠCH KHÔI",
        "TẶNG",
        "GIẤY KHEN",
        "Nguyễn Thị Hoa",
        "Giáo viên, Trường Tiểu học Thạch Khôi",
        "Đã có thành tích xuất sắc trong phong trào thi đua năm 2026",
        "Quyết định số 01/QĐ-UBND ngày 05/01/2027",
        "Số sổ vàng: 01.001/2027",
        "Thạch Khôi, ngày 05 tháng 01 năm 2027",
        "KT. CHỦ TỊCH PHÓ CHỦ TỊCH",
        "Nguyễn Thị Thanh Hương",
    ):
        assert element in text, f"missing: {element!r}"


@SQLITE
async def test_a_certificate_waits_for_the_decision_to_be_issued(doc_factory, world):
    from activities.documents.types import DocumentError

    decision = await _year_end_decision(doc_factory, world)
    async with doc_factory() as session:
        item_id = (
            (
                await session.execute(
                    DecisionItem.__table__.select().where(DecisionItem.decision_id == decision.id)
                )
            )
            .first()
            .id
        )
        with pytest.raises(DocumentError) as raised:
            await render_certificate_pdf(session, item_id)
    assert raised.value.code == "DecisionNotIssued"


async def test_report_renders_headings_paragraphs_and_tables():
    pdf = await render_report_pdf(
        "Báo cáo sơ kết phong trào thi đua",
        [
            ReportSection(
                heading="I. Kết quả thực hiện",
                paragraphs=[
                    "Các đơn vị đã đăng ký thi đua đầy đủ; phong trào được triển khai sâu rộng."
                ],
                tables=[
                    ReportTable(
                        columns=["Đơn vị", "Số điển hình", "Số khen thưởng"],
                        rows=[
                            ["Tổ dân phố số 1", "3", "12"],
                            ["Trường Tiểu học Thạch Khôi", "5", "27"],
                        ],
                        caption="Bảng 1. Điển hình tiên tiến",
                        numeric_columns=[1, 2],
                    )
                ],
            ),
            ReportSection(heading="II. Phương hướng", paragraphs=["Tiếp tục nhân rộng điển hình."]),
        ],
        subtitle="Giai đoạn 2026 - 2028",
        header_lines=["ỦY BAN NHÂN DÂN", "PHƯỜNG THẠCH KHÔI"],
        place_date="Thạch Khôi, ngày 15 tháng 12 năm 2028",
    )
    text = assert_document_basics(pdf)
    for element in (
        "BÁO CÁO SƠ KẾT PHONG TRÀO THI ĐUA",
        "Giai đoạn 2026 - 2028",
        "I. Kết quả thực hiện",
        "Bảng 1. Điển hình tiên tiến",
        "Trường Tiểu học Thạch Khôi 5 27",
        "II. Phương hướng",
        "Thạch Khôi, ngày 15 tháng 12 năm 2028",
    ):
        assert element in text, f"missing: {element!r}"


def test_this_machine_typesets_vietnamese_in_liberation_serif():
    """fonts-liberation2 (not the old fonts-liberation alone) must be installed."""
    assert document_font_problem() is None

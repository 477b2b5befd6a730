"""Drafts as Word files (.docx) in the layout of Decree 30/2020/NĐ-CP, built from the same
context the PDF templates get (``decision._decision_context``), so that what an office
reads and comments on in Word says what the signed PDF will say. The signed PDF remains
the record; the .docx is a working copy.

The layout: A4, margins 20 mm top and bottom, 30 mm left, 15 mm right; Times New Roman
13 pt (14 pt for the names of the document); the header block (issuing body left, the
national title and motto right, the number and the place and date under them) and the
closing block (nơi nhận left, the signer right) in borderless two-column tables; the
legal grounds (căn cứ) in italics.
"""

from __future__ import annotations

import io
from typing import Any

from docx import Document as new_document
from docx.document import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import _Cell
from docx.text.paragraph import Paragraph

from domain.numerals import vn_money

FONT = "Times New Roman"
BODY_PT = 13
TITLE_PT = 14
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]
DRAFT_BANNER = "DỰ THẢO - VĂN BẢN CHƯA KÝ, CHƯA CÓ GIÁ TRỊ PHÁP LÝ"

DOCX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _document(title: str, author: str) -> Document:
    document = new_document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    style = document.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(BODY_PT)
    # East Asian text falls back to another font unless told.
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
    style.paragraph_format.space_after = Pt(3)
    document.core_properties.title = title
    document.core_properties.author = author
    return document


def _para(
    container: Document | _Cell,
    text: str = "",
    *,
    bold: bool = False,
    italic: bool = False,
    size: int | None = None,
    align: WD_ALIGN_PARAGRAPH | None = None,
    indent: bool = False,
) -> Paragraph:
    paragraph = container.add_paragraph()
    if align is not None:
        paragraph.alignment = align
    if indent:
        paragraph.paragraph_format.first_line_indent = Mm(10)
    if text:
        run = paragraph.add_run(text)
        run.bold, run.italic = bold, italic
        if size:
            run.font.size = Pt(size)
    return paragraph


def _first_para(cell: _Cell, text: str, **kwargs: Any) -> Paragraph:
    """Write into the empty paragraph a new cell starts with."""
    paragraph = cell.paragraphs[0]
    align = kwargs.pop("align", None)
    if align is not None:
        paragraph.alignment = align
    run = paragraph.add_run(text)
    run.bold = kwargs.get("bold", False)
    run.italic = kwargs.get("italic", False)
    if kwargs.get("size"):
        run.font.size = Pt(kwargs["size"])
    return paragraph


def _two_columns(document: Document, left_mm: float, right_mm: float) -> tuple[_Cell, _Cell]:
    table = document.add_table(rows=1, cols=2)  # the default style has no borders
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    left, right = table.rows[0].cells
    left.width, right.width = Mm(left_mm), Mm(right_mm)
    return left, right


def _header(document: Document, context: dict[str, Any]) -> None:
    left, right = _two_columns(document, 70, 95)
    center = WD_ALIGN_PARAGRAPH.CENTER
    lines = list(context["header_lines"])
    for index, line in enumerate(lines):
        bold = index == len(lines) - 1  # the issuing body itself, under its parent
        if index == 0:
            _first_para(left, line, bold=bold, align=center, size=BODY_PT)
        else:
            _para(left, line, bold=bold, align=center)
    _para(left, "________", align=center)
    if context.get("number_line"):
        _para(left, context["number_line"], align=center)
    _first_para(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, align=center)
    _para(right, "Độc lập - Tự do - Hạnh phúc", bold=True, align=center, size=TITLE_PT)
    _para(right, "________________", align=center)
    if context.get("place_date"):
        _para(right, context["place_date"], italic=True, align=center, size=TITLE_PT)


def _closing(document: Document, context: dict[str, Any], *, collective: bool = False) -> None:
    left, right = _two_columns(document, 80, 85)
    _first_para(left, "Nơi nhận:", bold=True, italic=True, size=12)
    for line in context["recipient_lines"]:
        _para(left, f"- {line}", size=11)
    center = WD_ALIGN_PARAGRAPH.CENTER
    signer_lines = list(context["signer_lines"])
    if collective:
        signer_lines = [f"TM. {context['header_lines'][0]}", *signer_lines]
    for index, line in enumerate(signer_lines):
        if index == 0:
            _first_para(right, line, bold=True, align=center, size=TITLE_PT)
        else:
            _para(right, line, bold=True, align=center, size=TITLE_PT)
    for _ in range(4):  # room for the signature and the seal
        _para(right, "")
    _para(right, context.get("signer_name", ""), bold=True, align=center, size=TITLE_PT)


def _group_label(group: dict[str, Any]) -> str:
    return f"Danh hiệu “{group['name']}”" if group["is_title"] else group["name"]


def _attachment(document: Document, context: dict[str, Any], *, of: str) -> None:
    document.add_page_break()
    center = WD_ALIGN_PARAGRAPH.CENTER
    _para(document, "DANH SÁCH", bold=True, align=center, size=TITLE_PT)
    _para(document, "CÁC TẬP THỂ, CÁ NHÂN ĐƯỢC KHEN THƯỞNG", bold=True, align=center)
    _para(
        document,
        f"(Kèm theo {of} số {context['number_text']} ngày {context['date_short']} "
        f"của {context['decider']})",
        italic=True,
        align=center,
    )
    table = document.add_table(rows=1, cols=4)
    table.style = "Table Grid"
    for cell, text in zip(
        table.rows[0].cells,
        ("TT", "Họ và tên / Tên tập thể", "Chức vụ, đơn vị / Địa chỉ", "Tiền thưởng"),
        strict=True,
    ):
        _first_para(cell, text, bold=True, align=center)
    for index, group in enumerate(context["groups"]):
        numeral = ROMAN[index] if index < len(ROMAN) else str(index + 1)
        row = table.add_row().cells
        merged = row[0].merge(row[3])
        _first_para(
            merged, f"{numeral}. {_group_label(group)} ({group['count_phrase']})", bold=True
        )
        for number, awardee in enumerate(group["awardees"], start=1):
            cells = table.add_row().cells
            _first_para(cells[0], str(number), align=center)
            _first_para(cells[1], awardee.name)
            _first_para(cells[2], awardee.description)
            _first_para(
                cells[3],
                vn_money(awardee.amount) if awardee.amount else "",
                align=WD_ALIGN_PARAGRAPH.RIGHT,
            )
    if context["total"]:
        cells = table.add_row().cells
        merged = cells[0].merge(cells[2])
        _first_para(merged, f"Tổng cộng ({len(context['awardees'])})", bold=True, align=center)
        _first_para(cells[3], vn_money(context["total"]), bold=True, align=WD_ALIGN_PARAGRAPH.RIGHT)


def _bases(document: Document, context: dict[str, Any], *, proposer: bool) -> None:
    for basis in context["legal_bases"]:
        _para(document, basis, italic=True, indent=True)
    if proposer:
        _para(document, context["proposer_line"], italic=True, indent=True)
    if context.get("reason_text"):
        _para(document, context["reason_text"], italic=True, indent=True)


def _decision_body(document: Document, context: dict[str, Any]) -> None:
    center = WD_ALIGN_PARAGRAPH.CENTER
    _para(document, "QUYẾT ĐỊNH", bold=True, align=center, size=TITLE_PT)
    _para(document, context["title"], bold=True, align=center, size=TITLE_PT)
    _para(document, "________", align=center)
    _para(document, context["head_title"], bold=True, align=center, size=TITLE_PT)
    _bases(document, context, proposer=True)
    _para(document, "QUYẾT ĐỊNH:", bold=True, align=center, size=TITLE_PT)
    groups = context["groups"]

    def grant(group: dict[str, Any]) -> str:
        return (
            f"Công nhận danh hiệu “{group['name']}”"
            if group["is_title"]
            else f"Tặng {group['name']}"
        )

    def article(number: int, text: str) -> None:
        paragraph = _para(document, indent=True)
        paragraph.add_run(f"Điều {number}. ").bold = True
        paragraph.add_run(text)

    if len(groups) == 1:
        article(
            1,
            f"{grant(groups[0])} cho {groups[0]['count_phrase']} đã có thành tích trong phong "
            "trào thi đua, có tên tại danh sách kèm theo Quyết định này.",
        )
    else:
        article(
            1,
            f"Khen thưởng {context['counts_phrase']} đã có thành tích trong phong trào thi "
            "đua (có danh sách kèm theo Quyết định này), gồm:",
        )
        for index, group in enumerate(groups, start=1):
            _para(document, f"{index}. {grant(group)} cho {group['count_phrase']};", indent=True)
    if context["total"]:
        article(
            2,
            "Kèm theo danh hiệu, hình thức khen thưởng tại Điều 1 là tiền thưởng theo quy "
            f"định (mức lương cơ sở {vn_money(context['base_salary'])}):",
        )
        for group in groups:
            if group["cash_text"]:
                _para(document, f"- {_group_label(group)}: {group['cash_text']};", indent=True)
        _para(
            document,
            f"Tổng số tiền thưởng: {vn_money(context['total'])} (Bằng chữ: "
            f"{context['total_words']}), trích từ Quỹ thi đua, khen thưởng của "
            f"{context['fund_owner']}.",
            indent=True,
        )
    else:
        article(2, "Các tập thể, cá nhân tại Điều 1 được ghi nhận vào hồ sơ thi đua, khen thưởng.")
    article(
        3,
        f"Quyết định này có hiệu lực kể từ ngày ký. Chánh Văn phòng {context['authority'].name}, "
        f"{context['standing_unit_head']}, Thủ trưởng các cơ quan, đơn vị có liên quan và các "
        "tập thể, cá nhân có tên tại Điều 1 chịu trách nhiệm thi hành Quyết định này./.",
    )


def _submission_body(document: Document, context: dict[str, Any]) -> None:
    center = WD_ALIGN_PARAGRAPH.CENTER
    _para(document, "TỜ TRÌNH", bold=True, align=center, size=TITLE_PT)
    _para(document, context["title"], bold=True, align=center, size=TITLE_PT)
    _para(document, "________", align=center)
    to = context.get("recipient_authority")
    _para(
        document,
        f"Kính gửi: {to or 'Cấp có thẩm quyền khen thưởng'}.",
        align=center,
        size=TITLE_PT,
    )
    _bases(document, context, proposer=False)
    name = context["authority"].name
    level = to or "cấp có thẩm quyền"
    _para(
        document,
        f"{name} kính trình {level} xem xét, khen thưởng {context['counts_phrase']} đã có "
        "thành tích xuất sắc (có danh sách và hồ sơ kèm theo), cụ thể:",
        indent=True,
    )
    for index, group in enumerate(context["groups"], start=1):
        _para(document, f"{index}. {_group_label(group)}: {group['count_phrase']};", indent=True)
    council = context.get("council_name") or "Hội đồng Thi đua - Khen thưởng"
    _para(
        document,
        "Hồ sơ đề nghị gồm: tờ trình, danh sách, báo cáo thành tích của các tập thể, cá "
        f"nhân, biên bản họp {council} và các tài liệu chứng minh theo quy định.",
        indent=True,
    )
    _para(document, f"{name} kính trình {level} xem xét, quyết định./.", indent=True)


def decision_docx(context: dict[str, Any]) -> bytes:
    """A decision (quyết định) or a submission (tờ trình) as .docx, from the context its
    PDF template gets (``prepare_decision(...).context``)."""
    is_decision = context["kind"] == "decision"
    document = _document(context["document_title"], context["authority"].name)
    if context.get("draft"):
        _para(document, DRAFT_BANNER, bold=True, italic=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _header(document, context)
    if is_decision:
        _decision_body(document, context)
    else:
        _submission_body(document, context)
    _closing(
        document,
        context,
        collective=not is_decision and bool(context.get("collective_signature")),
    )
    _attachment(document, context, of="Quyết định" if is_decision else "Tờ trình")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _list_table(document: Document, headers: tuple[str, ...], rows: list[list[str]]) -> None:
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        _first_para(cell, text, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, size=12)
    for values in rows:
        for cell, text in zip(table.add_row().cells, values, strict=True):
            _first_para(cell, text, size=12)


def minutes_docx(context: dict[str, Any]) -> bytes:
    """The minutes (biên bản) of a closed council session as .docx, from the context its
    PDF template gets (``minutes.minutes_context``). The absent members' written opinions
    are in the context only when the caller has them (the council session workflow held
    them when the minutes were issued): without them, the file says that the stored PDF
    has them."""
    center = WD_ALIGN_PARAGRAPH.CENTER
    document = _document(context["document_title"], context["council_name"])
    _header(document, {**context, "number_line": ""})
    _para(document, "BIÊN BẢN", bold=True, align=center, size=TITLE_PT)
    _para(document, f"Họp {context['council_name']}", bold=True, align=center, size=TITLE_PT)
    _para(document, context["session_title"], italic=True, align=center)
    _para(document, "________", align=center)
    _para(
        document,
        f"Thời gian: {context['held_at']}; kết thúc nhận phiếu ngày {context['closed_at']}.",
        indent=True,
    )
    _para(
        document,
        f"Tổng số thành viên Hội đồng: {context['member_count']}. Có mặt: "
        f"{context['present']}; gửi ý kiến bằng văn bản: {context['written']}; vắng không có "
        f"ý kiến: {context['absent']}. Tỷ lệ tối thiểu để phiên họp hợp lệ: "
        f"{context['quorum']}% tổng số thành viên.",
        indent=True,
    )
    _para(
        document,
        "Phiên họp đủ điều kiện tiến hành theo quy chế hoạt động của Hội đồng."
        if context["quorate"]
        else "Phiên họp không đủ số thành viên tham dự theo quy chế: Hội đồng không xem xét, "
        "quyết định các nội dung dưới đây.",
        indent=True,
    )
    _para(
        document,
        f"Chủ trì: {context['chair'] or 'Chủ tịch Hội đồng'}. Thư ký: "
        f"{context['secretary'] or 'Ủy viên thường trực Hội đồng'}.",
        indent=True,
    )
    _para(document, "I. Thành phần Hội đồng", bold=True)
    _list_table(
        document,
        ("TT", "Họ và tên", "Chức vụ trong Hội đồng", "Chức vụ, đơn vị công tác", "Tham dự"),
        [
            [str(i), m["name"], m["role"], m["title"], m["attendance"]]
            for i, m in enumerate(context["members"], start=1)
        ],
    )
    if context["written_opinions"]:
        _para(document, "Ý kiến bằng văn bản của thành viên vắng mặt:", indent=True)
        for opinion in context["written_opinions"]:
            _para(document, f"- {opinion['name']}: “{opinion['text']}”", indent=True)
    elif context["written"]:
        _para(
            document,
            "Ý kiến bằng văn bản của thành viên vắng mặt: xem bản biên bản lưu trữ (PDF).",
            italic=True,
            indent=True,
        )
    _para(document, "II. Kết quả biểu quyết, bỏ phiếu", bold=True)
    _para(
        document,
        "Tỷ lệ đồng ý tính trên tổng số thành viên Hội đồng (kể cả thành viên gửi ý kiến "
        "bằng văn bản). Phiếu kín: biên bản chỉ ghi kết quả kiểm phiếu, không ghi ý kiến "
        "của từng thành viên.",
        italic=True,
    )
    _list_table(
        document,
        (
            "TT",
            "Tập thể, cá nhân",
            "Danh hiệu, hình thức",
            "Đồng ý",
            "Không đồng ý",
            "Không biểu quyết",
            "Tỷ lệ đồng ý",
            "Yêu cầu",
            "Kết quả",
        ),
        [
            [
                str(i),
                a["nominee"],
                a["award"] + (" (bỏ phiếu kín)" if a["secret"] else ""),
                str(a["agree"]),
                str(a["disagree"]),
                str(a["abstain"]),
                f"{a['share']}%",
                a["threshold"],
                a["result"],
            ]
            for i, a in enumerate(context["agenda"], start=1)
        ],
    )
    _para(document, "III. Kết luận", bold=True)
    if context["quorate"]:
        _para(
            document,
            f"Hội đồng thống nhất đề nghị khen thưởng {context['passed_count']}/"
            f"{len(context['agenda'])} trường hợp đạt yêu cầu nêu trên, giao cơ quan thường "
            f"trực Hội đồng hoàn thiện hồ sơ, trình {context['authority_name']} xem xét, "
            "quyết định.",
            indent=True,
        )
    else:
        _para(
            document,
            "Các trường hợp nêu trên được đưa ra phiên họp tiếp theo của Hội đồng.",
            indent=True,
        )
    _para(
        document,
        f"Biên bản được lập xong ngày {context['closed_at']}, thông qua các thành viên dự họp.",
        indent=True,
    )
    left, right = _two_columns(document, 80, 85)
    for cell, title, name in (
        (left, "THƯ KÝ", context["secretary"]),
        (right, "CHỦ TỊCH HỘI ĐỒNG", context["chair"]),
    ):
        _first_para(cell, title, bold=True, align=center, size=TITLE_PT)
        for _ in range(4):
            _para(cell, "")
        _para(cell, name, bold=True, align=center, size=TITLE_PT)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def public_notice_docx(context: dict[str, Any]) -> bytes:
    """The public notice (thông báo công khai) of nominations as .docx, from the context
    its PDF template gets (``public_notice.public_notice_context``): the nominees, the
    period, how to object and the portal; the stored PDF remains the record."""
    center = WD_ALIGN_PARAGRAPH.CENTER
    document = _document(context["document_title"], context["authority_name"])
    _header(document, {**context, "number_line": ""})
    _para(document, "THÔNG BÁO", bold=True, align=center, size=TITLE_PT)
    _para(
        document,
        "Công khai danh sách tập thể, cá nhân, hộ gia đình được đề nghị khen thưởng",
        bold=True,
        align=center,
        size=TITLE_PT,
    )
    _para(document, "________", align=center)
    _para(
        document,
        "Thực hiện nguyên tắc chính xác, công khai, minh bạch, công bằng trong công tác thi "
        "đua, khen thưởng (Điều 5 Luật Thi đua, khen thưởng số 06/2022/QH15), "
        f"{context['authority_name']} thông báo công khai danh sách các tập thể, cá nhân, "
        "hộ gia đình được đề nghị khen thưởng như sau:",
        indent=True,
    )
    _list_table(
        document,
        (
            "TT",
            "Tập thể, cá nhân, hộ gia đình",
            "Đơn vị đề nghị",
            "Danh hiệu, hình thức đề nghị",
            "Năm thành tích",
        ),
        [
            [
                str(n["position"]),
                f"{n['name']} ({n['kind']})",
                n["unit"],
                n["award"],
                str(n["year"]),
            ]
            for n in context["nominees"]
        ],
    )
    period = _para(document, indent=True)
    period.add_run("Thời gian công khai: ").bold = True
    period.add_run(f"từ {context['starts']} đến {context['ends']}.")
    how = _para(document, indent=True)
    how.add_run("Cách gửi ý kiến: ").bold = True
    how.add_run(
        "mọi ý kiến phản ánh (nếu có) phải bằng văn bản, có chữ ký, ghi rõ họ và tên, địa "
        "chỉ, số điện thoại liên hệ của người gửi, nêu rõ trường hợp và nội dung phản ánh, "
        f"gửi về {context['standing_unit_name']} (cơ quan thường trực Hội đồng Thi đua - "
        "Khen thưởng) trong thời gian công khai; hoặc gửi trực tuyến tại Cổng công khai: "
        f"{context['portal_url']}."
    )
    _para(
        document,
        "Ý kiến không ghi rõ họ tên, không có chữ ký, gửi sau thời hạn trên sẽ không được xem "
        "xét. Trường hợp có ý kiến phản ánh, việc khen thưởng được tạm dừng cho đến khi có "
        "kết luận.",
        indent=True,
    )
    left, right = _two_columns(document, 80, 85)
    _first_para(left, "Nơi nhận:", bold=True, italic=True, size=12)
    for line in (
        "Các tập thể, cá nhân có tên;",
        "Niêm yết tại trụ sở, Cổng thông tin điện tử;",
        f"Lưu: VT, {context['archive_code']}.",
    ):
        _para(left, f"- {line}", size=11)
    _first_para(right, "CƠ QUAN THƯỜNG TRỰC", bold=True, align=center, size=TITLE_PT)
    _para(right, "HỘI ĐỒNG THI ĐUA - KHEN THƯỞNG", bold=True, align=center, size=TITLE_PT)
    _para(right, context["standing_unit_name"], italic=True, align=center)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()

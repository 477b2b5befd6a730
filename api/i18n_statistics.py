"""Texts of the statistics page and the chairman's overview (issue 17). Merged into
``api.i18n.ALL_TEXTS``."""

from __future__ import annotations


def _pairs(**entries: tuple[str, str]) -> dict[str, dict[str, str]]:
    return {key: {"vi": vi, "en": en} for key, (vi, en) in entries.items()}


STATISTICS_TEXTS: dict[str, dict[str, str]] = _pairs(
    nav_statistics=("Thống kê", "Statistics"),
    nav_overview=("Tổng quan", "Overview"),
    statistics_title=("Thống kê thi đua, khen thưởng năm {year}", "Emulation and awards, {year}"),
    statistics_scope=("Phạm vi: {scope}", "Scope: {scope}"),
    statistics_year=("Năm", "Year"),
    statistics_show=("Xem", "Show"),
    statistics_year_invalid=(
        "Năm phải là số từ 2000 đến 2100",
        "The year must be a number from 2000 to 2100",
    ),
    download_pdf=("Tải báo cáo (PDF)", "Download the report (PDF)"),
    statistics_total=("Tổng số khen thưởng", "Awards in total"),
    statistics_individuals=("Khen thưởng cá nhân", "Individual awards"),
    statistics_women=(
        "Trong đó nữ: {n} ({share})",
        "Of which women: {n} ({share})",
    ),
    statistics_by_title=("Theo danh hiệu, hình thức", "By title or form"),
    statistics_award=("Danh hiệu, hình thức", "Title or form"),
    statistics_level=("Cấp quyết định", "Deciding level"),
    statistics_individual=("Cá nhân", "Individuals"),
    statistics_collective=("Tập thể", "Collectives"),
    statistics_household=("Hộ gia đình", "Households"),
    statistics_count=("Số lượng", "Count"),
    statistics_sum=("Tổng", "Total"),
    statistics_by_level=("Theo cấp", "By level"),
    statistics_by_kind=("Theo loại hình khen thưởng", "By kind of award"),
    statistics_by_subject=("Cá nhân, tập thể, hộ gia đình", "Individuals, collectives, households"),
    statistics_by_unit=("Theo đơn vị", "By unit"),
    statistics_by_year=("Theo năm", "By year"),
    statistics_dossiers=("Hồ sơ đề nghị khen thưởng", "Nomination dossiers"),
    statistics_decision_time=(
        "Thời gian từ khi nộp đến khi có kết quả",
        "Time from submission to outcome",
    ),
    statistics_median=("Trung vị: {days} ngày", "Median: {days} days"),
    statistics_none=("Chưa có số liệu.", "No figures yet."),
    statistics_forms=(
        "Biểu mẫu báo cáo theo Thông tư 02/2023/TT-BNV",
        "Report forms of Circular 02/2023/TT-BNV",
    ),
    statistics_form_code=("Mã số", "Code"),
    statistics_form_item=("Chỉ tiêu", "Item"),
    statistics_forms_note=(
        "Ô “—”: không có trong dữ liệu của hệ thống. Mẫu 0604, 0605 không thuộc phạm vi. "
        "Nguồn và giả định: docs/law-notes.md.",
        "Cells “—”: not in the engine's data. Forms 0604 and 0605 are out of scope. "
        "Sources and assumptions: docs/law-notes.md.",
    ),
    overview_title=("Tổng quan", "Overview"),
    overview_stages=("Hồ sơ đang xử lý theo bước", "Dossiers by stage"),
    overview_overdue=("Bước quá hạn theo cơ quan", "Overdue stages by body"),
    overview_overdue_total=("{n} bước quá hạn", "{n} overdue stages"),
    overview_to_sign=("Chờ ký", "Waiting for your signature"),
    overview_to_sign_count=(
        "{n} quyết định, tờ trình chờ đồng chí ký",
        "{n} decisions and submissions wait for your signature",
    ),
    overview_open_signing=("Mở danh sách chờ ký", "Open the signing queue"),
    overview_open_deadlines=("Mở bảng thời hạn", "Open the deadlines board"),
    overview_awards=("Khen thưởng năm {year} theo danh hiệu", "Awards of {year} by title"),
    overview_open_statistics=("Xem thống kê đầy đủ", "See the full statistics"),
)

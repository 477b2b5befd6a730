"""The year-end statistics as an .xlsx (one sheet per table, and one per form of
Circular 02/2023/TT-BNV) and as an unsigned PDF report with its charts, from the same
``services.statistics.Statistics`` the page shows."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from activities.documents.report import ReportSection, ReportTable, render_report_pdf
from domain.calendar import format_vn_long_date, vietnam_date

from ...principal import Principal
from ...queries import statistics as queries
from ..statistics import LEVEL_VI, FormTable, Statistics, scope_of, year_statistics
from .writer import Column, Kind, Table, workbook_of

NUMBER = Kind.NUMBER


def _form_sheet(form: FormTable, sheet: str) -> tuple[Table, list[list[object]]]:
    table = Table(
        sheet=sheet,
        columns=[Column("Chỉ tiêu"), Column("Mã số"), *[Column(c, NUMBER) for c in form.columns]],
        title=[f"Biểu số {form.code}: {form.title}", form.note],
    )
    rows: list[list[object]] = [
        [label, number, *["" if c is None else c for c in cells]]
        for label, number, cells in form.rows
    ]
    return table, rows


def statistics_workbook(stats: Statistics) -> bytes:
    heading = f"Thống kê thi đua, khen thưởng năm {stats.year} — {stats.scope_name}"
    by_title = Table(
        sheet="Theo danh hiệu",
        columns=[
            Column("Danh hiệu, hình thức"),
            Column("Cấp quyết định"),
            Column("Cá nhân", NUMBER),
            Column("Tập thể", NUMBER),
            Column("Hộ gia đình", NUMBER),
            Column("Tổng số", NUMBER),
        ],
        title=[heading],
        footer=[["Tổng cộng", "", "", "", "", stats.total]],
    )
    title_rows = [
        [r.name, LEVEL_VI[r.level], r.individuals, r.collectives, r.households, r.total]
        for r in stats.by_title
    ]
    summary = Table(
        sheet="Tổng hợp",
        columns=[Column("Nhóm"), Column("Chỉ tiêu"), Column("Số lượng", NUMBER)],
        title=[heading],
    )
    summary_rows: list[list[object]] = (
        [["Cấp quyết định", name, n] for name, n in stats.by_level]
        + [["Loại hình khen thưởng", name, n] for name, n in stats.by_kind]
        + [["Đối tượng", name, n] for name, n in stats.by_subject]
        + [["Đơn vị", name, n] for name, n in stats.by_unit]
        + [["Theo năm", str(y), n] for y, n in stats.by_year]
        + [
            ["Nữ trong khen thưởng cá nhân", "Số cá nhân nữ", stats.women],
            ["Nữ trong khen thưởng cá nhân", "Tỷ lệ", stats.women_share],
        ]
    )
    dossiers = Table(
        sheet="Hồ sơ",
        columns=[Column("Nhóm"), Column("Chỉ tiêu"), Column("Số lượng", NUMBER)],
        title=[heading],
    )
    dossier_rows: list[list[object]] = (
        [["Hồ sơ đang xử lý theo bước", name, n] for _, name, n in stats.stages]
        + [["Bước quá hạn theo cơ quan", name, n] for _, name, n in stats.overdue]
        + [["Thời gian đến khi có kết quả", label, n] for label, n in stats.decision_days]
    )
    sheets = [(by_title, title_rows), (summary, summary_rows), (dossiers, dossier_rows)]
    for form in stats.forms:
        sheets.append(_form_sheet(form, f"Mẫu {form.code[:4]}"))
    return workbook_of(sheets)


def report_sections(stats: Statistics) -> list[ReportSection]:
    def pairs(rows: list[tuple[str, int]], first: str, caption: str) -> ReportTable:
        return ReportTable(
            columns=[first, "Số lượng"],
            rows=[[name, str(n)] for name, n in rows],
            caption=caption,
            numeric_columns=[1],
        )

    sections = [
        ReportSection(
            heading="I. Tổng hợp khen thưởng",
            paragraphs=[
                f"Phạm vi: {stats.scope_name}.",
                f"Tổng số khen thưởng năm {stats.year}: {stats.total}; khen thưởng cá nhân: "
                f"{stats.individuals}, trong đó nữ: {stats.women} ({stats.women_share}).",
            ],
            charts=[stats.charts["by_year"], stats.charts["by_title"]],
            tables=[
                ReportTable(
                    columns=["Danh hiệu, hình thức", "Cấp", "Cá nhân", "Tập thể", "Hộ", "Tổng"],
                    rows=[
                        [
                            r.name,
                            LEVEL_VI[r.level],
                            str(r.individuals),
                            str(r.collectives),
                            str(r.households),
                            str(r.total),
                        ]
                        for r in stats.by_title
                    ],
                    caption="Bảng 1. Theo danh hiệu, hình thức khen thưởng",
                    numeric_columns=[2, 3, 4, 5],
                ),
                pairs(stats.by_level, "Cấp quyết định", "Bảng 2. Theo cấp"),
                pairs(stats.by_kind, "Loại hình", "Bảng 3. Theo loại hình khen thưởng"),
                pairs(stats.by_subject, "Đối tượng", "Bảng 4. Cá nhân, tập thể, hộ gia đình"),
                pairs(stats.by_unit, "Đơn vị", "Bảng 5. Theo đơn vị"),
            ],
        ),
        ReportSection(
            heading="II. Hồ sơ đề nghị khen thưởng",
            charts=[stats.charts["stages"], stats.charts["overdue"], stats.charts["decision_days"]],
        ),
    ]
    for index, form in enumerate(stats.forms, start=3):
        sections.append(
            ReportSection(
                heading=f"{['III', 'IV', 'V', 'VI'][index - 3]}. Biểu số {form.code}",
                paragraphs=[form.note],
                tables=[
                    ReportTable(
                        columns=["Chỉ tiêu", "Mã số", *form.columns],
                        rows=[
                            [label, number, *["—" if c is None else str(c) for c in cells]]
                            for label, number, cells in form.rows
                        ],
                        caption=form.title,
                        numeric_columns=list(range(2, 2 + len(form.columns))),
                    )
                ],
            )
        )
    return sections


async def statistics_pdf(stats: Statistics, *, header_lines: list[str], place_date: str) -> bytes:
    """The unsigned report: the same tables and charts as the page."""
    return await render_report_pdf(
        f"Báo cáo thống kê thi đua, khen thưởng năm {stats.year}",
        report_sections(stats),
        subtitle=stats.scope_name,
        header_lines=header_lines,
        place_date=place_date,
    )


async def statistics_report(
    session: AsyncSession, *, principal: Principal, year: int, now: datetime
) -> tuple[Statistics, bytes]:
    """The statistics of ``year`` as an unsigned PDF report with its charts, headed by
    the reader's authority (404 outside the audience)."""
    stats = await year_statistics(session, principal=principal, year=year, now=now)
    scope = await scope_of(session, principal)
    lines, place = await queries.report_heading(session, authority_ids=scope.authority_ids)
    place_date = format_vn_long_date(place, vietnam_date(now)) if place else ""
    return stats, await statistics_pdf(stats, header_lines=lines, place_date=place_date)

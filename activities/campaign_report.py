"""The campaign report as a document: its figures (``models/campaign_report.py``) set out
in sections, rendered to PDF and stored as a REPORT document, once per key.

Two callers: the ``milestone_report`` activity (the report a milestone asks for) and the
API, when the standing body asks for one (``POST /api/v1/campaigns/{id}/reports``). It
holds no activity; it sits with the renderer it needs.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from domain.calendar import VIETNAM_TZ, format_vn_long_date
from domain.charts import horizontal_bar_chart
from domain.vocabulary import DocumentKind, ExemplarStage
from models import Authority, Campaign, Document
from models.campaign_report import CampaignReport, FigureRow, gather_campaign_report
from thidua.db import SessionFactory, transaction
from thidua.files import FileStore, sha256_hex

from .documents.report import ReportSection, ReportTable, render_report_pdf

STAGE_NAMES_VI = {
    ExemplarStage.DISCOVERED: "Phát hiện",
    ExemplarStage.NURTURING: "Bồi dưỡng",
    ExemplarStage.SUMMARIZED: "Tổng kết",
    ExemplarStage.REPLICATING: "Nhân rộng",
    ExemplarStage.DROPPED: "Dừng theo dõi",
}


def report_sections(report: CampaignReport) -> list[ReportSection]:
    def figures(rows: list[FigureRow], first_column: str, caption: str) -> ReportTable:
        return ReportTable(
            columns=[
                "STT",
                first_column,
                "Đăng ký thi đua",
                "Đề nghị khen thưởng",
                "Được khen thưởng",
            ],
            rows=[
                [str(i), r.name, str(r.registrations), str(r.nominations), str(r.awards)]
                for i, r in enumerate(rows, start=1)
            ]
            + [
                [
                    "",
                    "Tổng cộng",
                    str(report.registrations),
                    str(report.nominations),
                    str(report.awards),
                ]
            ],
            caption=caption,
            numeric_columns=[2, 3, 4],
        )

    stages = ", ".join(
        f"{STAGE_NAMES_VI[ExemplarStage(stage)].lower()}: {count}"
        for stage, count in report.exemplars_by_stage.items()
    )
    return [
        ReportSection(
            heading="I. Thông tin chung",
            paragraphs=[
                f"Phong trào: {report.name}.",
                f"Chủ đề: “{report.theme}”.",
                f"Thời gian tổng hợp: từ năm {report.start_year} đến hết năm {report.through_year}.",
                f"Tổng số lượt đăng ký thi đua: {report.registrations}; số đề nghị khen thưởng: "
                f"{report.nominations}; số được khen thưởng: {report.awards}.",
            ],
        ),
        ReportSection(
            heading="II. Kết quả theo nội dung thi đua",
            paragraphs=[
                "Một bản đăng ký có thể nêu nhiều nội dung thi đua; dòng tổng cộng đếm "
                "mỗi bản đăng ký một lần."
            ],
            charts=[
                horizontal_bar_chart(
                    "Số được khen thưởng theo nội dung thi đua",
                    [(r.name, r.awards) for r in report.by_content_area],
                    chart_id="chart-campaign-awards",
                    width=640,
                    label_width=300,
                )
            ],
            tables=[
                figures(report.by_content_area, "Nội dung thi đua", "Bảng 1. Theo nội dung thi đua")
            ],
        ),
        ReportSection(
            heading="III. Kết quả theo đơn vị",
            tables=[figures(report.by_unit, "Đơn vị", "Bảng 2. Theo đơn vị")],
        ),
        ReportSection(
            heading="IV. Phát hiện, bồi dưỡng, tổng kết và nhân rộng điển hình tiên tiến",
            paragraphs=[
                f"Tổng số điển hình: {len(report.exemplars)} ({stages}).",
                f"Số lượt đơn vị nhân rộng mô hình: {report.adoptions}.",
            ],
            tables=[
                ReportTable(
                    columns=[
                        "STT",
                        "Điển hình tiên tiến",
                        "Đơn vị phát hiện",
                        "Bước",
                        "Đơn vị nhân rộng",
                    ],
                    rows=[
                        [str(i), e.title, e.unit_name, STAGE_NAMES_VI[e.stage], str(e.adoptions)]
                        for i, e in enumerate(report.exemplars, start=1)
                    ],
                    caption="Bảng 3. Điển hình tiên tiến",
                    numeric_columns=[4],
                )
            ]
            if report.exemplars
            else [],
        ),
    ]


@dataclass
class StoredReport:
    document_id: int
    sha256: str
    report: CampaignReport


async def store_campaign_report(
    factory: SessionFactory,
    files: FileStore,
    campaign_id: int,
    *,
    key: str,
    title: str,
    through_year: int | None,
    dated: datetime,
) -> StoredReport:
    """Gather, render and store the report as a REPORT document, once per ``key``."""
    async with factory() as session:
        existing = (
            await session.execute(select(Document).where(Document.document_key == key))
        ).scalar_one_or_none()
        report = await gather_campaign_report(session, campaign_id, through_year=through_year)
        if existing is not None:
            return StoredReport(existing.id, existing.sha256, report)
        campaign = await session.get(Campaign, campaign_id)
        assert campaign is not None
        authority = await session.get(Authority, campaign.authority_id)
        assert authority is not None
    pdf = await render_report_pdf(
        f"Báo cáo {title[:1].lower()}{title[1:]}",
        report_sections(report),
        subtitle=f"{campaign.name} (giai đoạn {campaign.start_year} - {campaign.end_year})",
        header_lines=list(authority.header_lines),
        place_date=format_vn_long_date(authority.place_name, dated.astimezone(VIETNAM_TZ).date()),
    )
    storage_key = await asyncio.to_thread(files.put, pdf)
    try:
        async with transaction(factory) as session:
            document = Document(
                kind=DocumentKind.REPORT,
                title=f"Báo cáo {title}"[:500],
                document_key=key,
                sha256=sha256_hex(pdf),
                size_bytes=len(pdf),
                content_type="application/pdf",
                storage_key=storage_key,
                authority_id=authority.id,
                campaign_id=campaign_id,
                created_at=dated,
            )
            session.add(document)
            await session.flush()
            return StoredReport(document.id, document.sha256, report)
    except IntegrityError:  # a concurrent attempt stored it first
        async with factory() as session:
            existing = (
                await session.execute(select(Document).where(Document.document_key == key))
            ).scalar_one()
            return StoredReport(existing.id, existing.sha256, report)

"""A report (báo cáo sơ kết / tổng kết …): generic headings, paragraphs and tables, A4
with the document layout (issue 6)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from .renderer import render_template_pdf


@dataclass
class ReportTable:
    columns: list[str]
    rows: list[list[str]]
    caption: str = ""
    # Indexes of columns holding numbers (right-aligned).
    numeric_columns: list[int] = field(default_factory=list)


@dataclass
class ReportSection:
    heading: str
    paragraphs: list[str] = field(default_factory=list)
    tables: list[ReportTable] = field(default_factory=list)
    # Charts as SVG text (``domain.charts``), drawn after the paragraphs as vectors.
    charts: list[str] = field(default_factory=list)


async def render_report_pdf(
    title: str,
    sections: list[ReportSection],
    *,
    subtitle: str = "",
    header_lines: list[str] | None = None,
    place_date: str = "",
) -> bytes:
    """A report (báo cáo sơ kết / tổng kết …): headings, paragraphs and tables, A4 with
    the document layout. ``header_lines`` are the issuing body's lines (optional)."""
    context = {
        "title": title,
        "subtitle": subtitle,
        "sections": sections,
        "header_lines": header_lines or [],
        "place_date": place_date,
        "document_title": title,
    }
    pdf, _ = await asyncio.to_thread(render_template_pdf, "report.html", context)
    return pdf

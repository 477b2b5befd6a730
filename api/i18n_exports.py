"""Texts of the .xlsx downloads (issue 17): the link every list and board carries.
Merged into ``api.i18n.ALL_TEXTS``."""

from __future__ import annotations


def _pairs(**entries: tuple[str, str]) -> dict[str, dict[str, str]]:
    return {key: {"vi": vi, "en": en} for key, (vi, en) in entries.items()}


EXPORT_TEXTS: dict[str, dict[str, str]] = _pairs(
    download_xlsx=("Tải Excel (.xlsx)", "Download Excel (.xlsx)"),
    download_xlsx_hint=(
        "Tải danh sách theo bộ lọc đang chọn",
        "Download the list with the filters chosen",
    ),
    download_results_xlsx=("Tải kết quả biểu quyết (Excel)", "Download the results (Excel)"),
    download_awardees_xlsx=(
        "Tải danh sách khen thưởng cho bộ phận tài chính (Excel)",
        "Download the awardee list for the finance office (Excel)",
    ),
)

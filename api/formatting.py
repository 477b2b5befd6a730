"""Vietnamese formats for pages, mails and documents: 05/01/2027, 1.234.567 đ."""

from __future__ import annotations

from datetime import date, datetime

from jinja2 import Environment

from domain.calendar import VIETNAM_TZ, format_vn_date, format_vn_long_date
from domain.numerals import vn_money, vn_number


def vn_date(value: date | datetime | None) -> str:
    return format_vn_date(value) if value else ""


def vn_datetime(value: datetime | None) -> str:
    if not value:
        return ""
    local = value.astimezone(VIETNAM_TZ)
    return local.strftime("%H:%M %d/%m/%Y")


def install_filters(env: Environment) -> None:
    env.filters["vn_number"] = vn_number
    env.filters["vn_money"] = vn_money
    env.filters["vn_date"] = vn_date
    env.filters["vn_datetime"] = vn_datetime
    env.filters["vn_long_date"] = format_vn_long_date

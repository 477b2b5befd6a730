"""Vietnamese formats for pages, mails and documents: 05/01/2027, 1.234.567 đ."""

from __future__ import annotations

from datetime import date, datetime

from jinja2 import Environment

from domain.calendar import VIETNAM_TZ, format_vn_date, format_vn_long_date
from domain.numerals import vn_money, vn_number
from domain.plan_reference import plan_number_missing
from domain.vn_dates import DATE_PATTERN, DATETIME_PATTERN, date_field


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
    env.filters["plan_number_missing"] = plan_number_missing
    # Date fields are text in Vietnamese order (dd/mm/yyyy), whatever the browser's language.
    env.filters["date_field"] = date_field
    env.globals["date_pattern"] = DATE_PATTERN
    env.globals["datetime_pattern"] = DATETIME_PATTERN

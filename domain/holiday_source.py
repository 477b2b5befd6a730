"""Builds ``CalendarData`` from the ``holidays`` package and the configured exceptions.

Not importable from workflows (it loads the holidays tables); activities and the API call
it and hand the result to workflows.
"""

from __future__ import annotations

from datetime import date

import holidays

from .calendar import CalendarData, WorkingCalendar


def _parse_dates(text: str | list[str] | None) -> list[date]:
    if not text:
        return []
    items = text.split(",") if isinstance(text, str) else text
    return [date.fromisoformat(item.strip()) for item in items if item.strip()]


def build_calendar_data(
    first_year: int,
    last_year: int,
    *,
    extra_days_off: str | list[str] | None = None,
    extra_working_days: str | list[str] | None = None,
) -> CalendarData:
    """Public holidays of Viet Nam (including Tết and the substituted days off) for the
    years, plus the exceptional days announced each year. Weekend days that the
    government declared working days (swaps) come from the holidays package where it
    knows them, and from ``extra_working_days``."""
    years = range(first_year, last_year + 1)
    vn = holidays.country_holidays("VN", years=years)
    days_off = {day for day in vn if first_year <= day.year <= last_year}
    days_off.update(_parse_dates(extra_days_off))
    working_weekend: set[date] = set(_parse_dates(extra_working_days))
    # Swapped weekend days (e.g. Saturday 22/8/2026, worked so that Monday 31/8 is off)
    # come from the package's structured data, ``weekend_workdays`` (documented "working
    # days moved to weekends"), never from the holiday names: those are translated from
    # the machine's locale (LANG=vi_VN gives "Ngày nghỉ (thay cho ngày 22/08/2026)").
    working_weekend.update(
        day for day in vn.weekend_workdays if first_year <= day.year <= last_year
    )
    weekday_days_off = sorted(d for d in days_off if d.weekday() < 5 and d not in working_weekend)
    return CalendarData(
        first_year=first_year,
        last_year=last_year,
        days_off=[d.isoformat() for d in weekday_days_off],
        working_weekend_days=sorted(d.isoformat() for d in working_weekend if d.weekday() >= 5),
    )


def calendar_for(
    start: date,
    years_ahead: int = 2,
    *,
    extra_days_off: str | list[str] | None = None,
    extra_working_days: str | list[str] | None = None,
) -> WorkingCalendar:
    return WorkingCalendar(
        build_calendar_data(
            start.year,
            start.year + years_ahead,
            extra_days_off=extra_days_off,
            extra_working_days=extra_working_days,
        )
    )


__all__ = ["build_calendar_data", "calendar_for"]

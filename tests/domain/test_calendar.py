"""The working-day calendar against the official 2026 and 2027 holiday lists (from the
``holidays`` package), and the deadline arithmetic the workflows rely on."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from domain.calendar import (
    VIETNAM_TZ,
    CalendarData,
    Duration,
    WorkingCalendar,
    format_vn_date,
    format_vn_long_date,
)
from domain.holiday_source import build_calendar_data, calendar_for

pytestmark = pytest.mark.fast


@pytest.fixture(scope="module")
def calendar() -> WorkingCalendar:
    return WorkingCalendar(build_calendar_data(2026, 2027))


def d(text: str) -> date:
    return date.fromisoformat(text)


def local(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=VIETNAM_TZ)


# -- the official lists ------------------------------------------------------------------

TET_2026 = ["2026-02-16", "2026-02-17", "2026-02-18", "2026-02-19", "2026-02-20"]
TET_2027_WEEKDAYS = ["2027-02-04", "2027-02-05", "2027-02-08", "2027-02-09", "2027-02-10"]
OTHER_DAYS_OFF = [
    "2026-01-01",  # New Year
    "2026-04-27",  # Hùng Kings: Sunday 26/4, observed Monday 27/4
    "2026-04-30",  # Reunification Day (Thursday)
    "2026-05-01",  # Labour Day (Friday)
    "2026-08-31",  # National Day bridge, swapped with Saturday 22/8
    "2026-09-01",
    "2026-09-02",
    "2027-01-01",
    "2027-04-16",  # Hùng Kings (Friday)
    "2027-04-30",
    "2027-05-03",  # Labour Day falls on Saturday 1/5: observed Monday 3/5
    "2027-09-02",
    "2027-09-03",
]


@pytest.mark.parametrize("day", TET_2026)
def test_tet_2026_is_16_to_20_february(calendar: WorkingCalendar, day: str) -> None:
    assert not calendar.is_working_day(d(day))


@pytest.mark.parametrize("day", TET_2027_WEEKDAYS)
def test_tet_2027_is_4_to_10_february(calendar: WorkingCalendar, day: str) -> None:
    assert not calendar.is_working_day(d(day))


@pytest.mark.parametrize("day", OTHER_DAYS_OFF)
def test_public_holidays_2026_2027(calendar: WorkingCalendar, day: str) -> None:
    assert not calendar.is_working_day(d(day))


@pytest.mark.parametrize(
    "day",
    [
        "2026-02-13",
        "2026-02-23",
        "2027-02-03",
        "2027-02-11",
        "2026-04-28",
        "2026-09-03",
        "2027-04-29",
    ],
)
def test_days_around_holidays_are_working_days(calendar: WorkingCalendar, day: str) -> None:
    assert calendar.is_working_day(d(day))


def test_tet_spans_exactly_the_official_days(calendar: WorkingCalendar) -> None:
    days_off_2026 = [
        day.isoformat()
        for day in (d("2026-02-10") + timedelta(days=i) for i in range(20))
        if not calendar.is_working_day(day) and day.weekday() < 5
    ]
    assert days_off_2026 == TET_2026
    days_off_2027 = [
        day.isoformat()
        for day in (d("2027-01-28") + timedelta(days=i) for i in range(25))
        if not calendar.is_working_day(day) and day.weekday() < 5
    ]
    assert days_off_2027 == TET_2027_WEEKDAYS


def test_swapped_saturday_22_august_2026_is_a_working_day(calendar: WorkingCalendar) -> None:
    assert d("2026-08-22").weekday() == 5
    assert calendar.is_working_day(d("2026-08-22"))
    assert "2026-08-22" in calendar.data.working_weekend_days
    assert not calendar.is_working_day(d("2026-08-29"))  # an ordinary Saturday


def test_configured_exceptional_days(calendar: WorkingCalendar) -> None:
    configured = calendar_for(
        d("2026-01-01"),
        1,
        extra_days_off="2026-03-09, 2026-03-10",
        extra_working_days=["2026-03-14"],
    )
    assert not configured.is_working_day(d("2026-03-09"))
    assert not configured.is_working_day(d("2026-03-10"))
    assert configured.is_working_day(d("2026-03-14"))  # a Saturday announced as working
    assert calendar.is_working_day(d("2026-03-09"))  # not in the default calendar


# -- counting ---------------------------------------------------------------------------


def test_add_working_days_across_tet_2026(calendar: WorkingCalendar) -> None:
    # Thursday 12/2: Friday 13/2 is the 1st, then Tết and its weekend, Monday 23/2 the 2nd
    assert calendar.add_working_days(d("2026-02-12"), 1) == d("2026-02-13")
    assert calendar.add_working_days(d("2026-02-12"), 2) == d("2026-02-23")
    assert calendar.add_working_days(d("2026-02-12"), 3) == d("2026-02-24")


def test_add_working_days_across_tet_2027(calendar: WorkingCalendar) -> None:
    assert calendar.add_working_days(d("2027-02-03"), 1) == d("2027-02-11")


def test_add_zero_working_days_is_today_or_the_next_working_day(calendar: WorkingCalendar) -> None:
    assert calendar.add_working_days(d("2026-03-02"), 0) == d("2026-03-02")
    assert calendar.add_working_days(d("2026-02-14"), 0) == d("2026-02-23")


def test_working_days_between(calendar: WorkingCalendar) -> None:
    assert calendar.working_days_between(d("2026-02-13"), d("2026-02-23")) == 1
    assert (
        calendar.working_days_between(d("2026-02-01"), d("2026-02-28")) == 15
    )  # 20 weekdays − 5 days of Tết
    assert calendar.working_days_between(d("2026-02-23"), d("2026-02-13")) == -1
    assert calendar.working_days_between(d("2026-03-02"), d("2026-03-02")) == 0


def test_add_and_between_agree(calendar: WorkingCalendar) -> None:
    start = d("2026-01-05")
    for count in (1, 5, 20, 60, 250):
        assert (
            calendar.working_days_between(start, calendar.add_working_days(start, count)) == count
        )


# -- deadlines --------------------------------------------------------------------------


def test_deadline_is_17_00_in_ho_chi_minh_city(calendar: WorkingCalendar) -> None:
    received = local("2026-12-01T09:00")
    due = calendar.due_moment(received, Duration(20, working=True))
    assert due == datetime(2026, 12, 29, 17, 0, tzinfo=VIETNAM_TZ)
    assert due.utcoffset() == timedelta(hours=7)
    assert due.astimezone(UTC) == datetime(2026, 12, 29, 10, 0, tzinfo=UTC)


def test_deadline_uses_the_local_date_of_a_utc_moment(calendar: WorkingCalendar) -> None:
    # 20:00 UTC on 30/11 is already 03:00 on 1/12 in Hà Nội
    received = datetime(2026, 11, 30, 20, 0, tzinfo=UTC)
    assert calendar.due_date(received, Duration(20)) == d("2026-12-29")


def test_calendar_day_period_ending_on_tet_rolls_to_the_next_working_day(
    calendar: WorkingCalendar,
) -> None:
    # "within 10 days" from Friday 6/2/2026 ends Monday 16/2: Tết, so Monday 23/2
    due = calendar.due_moment(local("2026-02-06T10:00"), Duration(10, working=False))
    assert due == datetime(2026, 2, 23, 17, 0, tzinfo=VIETNAM_TZ)


def test_calendar_day_period_ending_on_a_working_day_keeps_it(calendar: WorkingCalendar) -> None:
    assert calendar.due_date(local("2026-03-02T10:00"), Duration(10, working=False)) == d(
        "2026-03-12"
    )


def test_pause_and_resume_keep_the_remaining_working_days(calendar: WorkingCalendar) -> None:
    received = local("2026-03-02T09:00")  # Monday
    due = calendar.due_moment(received, Duration(20))
    assert due.date() == d("2026-03-30")
    # Returned to the unit on Monday 9/3: 15 working days were still left
    paused_at = local("2026-03-09T15:00")
    left = calendar.remaining_working_days(paused_at, due)
    assert left == 15
    # The unit resubmits on Friday 10/4; the clock resumes with 15 working days
    resumed = calendar.resume(local("2026-04-10T08:00"), left)
    assert resumed == datetime(
        2026, 5, 6, 17, 0, tzinfo=VIETNAM_TZ
    )  # skips 27/4, 30/4, 1/5 and weekends
    assert calendar.working_days_between(d("2026-04-10"), resumed.date()) == 15


def test_remaining_working_days_never_negative(calendar: WorkingCalendar) -> None:
    due = calendar.due_moment(local("2026-03-02T09:00"), Duration(2))
    assert calendar.remaining_working_days(local("2026-03-20T09:00"), due) == 0


def test_reminder_moments_skip_tet(calendar: WorkingCalendar) -> None:
    due = datetime(2026, 2, 24, 17, 0, tzinfo=VIETNAM_TZ)
    moments = calendar.reminder_moments(due, [3, 0])
    assert moments == [
        datetime(2026, 2, 12, 7, 30, tzinfo=VIETNAM_TZ),  # 3 working days before: 23, 13, 12
        datetime(2026, 2, 24, 7, 30, tzinfo=VIETNAM_TZ),  # the morning of the due day
    ]


def test_naive_moments_are_refused(calendar: WorkingCalendar) -> None:
    with pytest.raises(ValueError, match="time zone"):
        calendar.due_moment(datetime(2026, 3, 2, 9, 0), Duration(1))


def test_custom_working_hours() -> None:
    data = CalendarData(first_year=2026, last_year=2026, end_of_day="16:30", start_of_day="08:00")
    custom = WorkingCalendar(data)
    assert custom.end_of_working_day(d("2026-03-02")).timetz() == time(16, 30, tzinfo=VIETNAM_TZ)
    assert custom.start_of_working_day(d("2026-03-02")).hour == 8


def test_calendar_data_is_plain_strings_for_workflow_payloads() -> None:
    data = build_calendar_data(2026, 2026)
    assert all(isinstance(day, str) for day in data.days_off + data.working_weekend_days)
    assert WorkingCalendar(data).is_working_day(d("2026-08-22"))


# -- formatting (Decree 30/2020) ----------------------------------------------------------


def test_vietnamese_dates() -> None:
    assert format_vn_date(d("2027-01-05")) == "05/01/2027"
    assert (
        format_vn_date(datetime(2027, 1, 4, 20, 0, tzinfo=UTC)) == "05/01/2027"
    )  # 03:00 on 5/1 locally
    assert (
        format_vn_long_date("Thạch Khôi", d("2027-01-05"))
        == "Thạch Khôi, ngày 05 tháng 01 năm 2027"
    )
    assert (
        format_vn_long_date("Thạch Khôi", d("2027-03-15")) == "Thạch Khôi, ngày 15 tháng 3 năm 2027"
    )
    assert (
        format_vn_long_date("Thạch Khôi", d("2027-12-09"))
        == "Thạch Khôi, ngày 09 tháng 12 năm 2027"
    )

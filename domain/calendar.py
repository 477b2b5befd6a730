"""Vietnamese working-day arithmetic (pure, deterministic, importable from workflows).

A ``WorkingCalendar`` is built from ``CalendarData``: the public holidays that fall on
weekdays (from the ``holidays`` package, see ``domain.holiday_source``), the exceptional
days off and the swapped working Saturdays announced each year. Workflows receive the
data in their input, so a running nomination never reads a clock or a file.

Conventions (Civil Code Art. 144–148, and practice of the one-stop desks):
- "within N working days from X": the deadline is the end of the N-th working day after
  the day of X (the day of X itself does not count);
- "within N days": calendar days; a period whose last day is not a working day ends at
  the end of the next working day;
- a deadline is the end of the working day in Asia/Ho_Chi_Minh (17:00 by default).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone

# Vietnam has had no daylight-saving time since 1975: a fixed offset is exact and needs
# no tz database inside the workflow sandbox.
VIETNAM_TZ = timezone(timedelta(hours=7), "Asia/Ho_Chi_Minh")


@dataclass(frozen=True)
class Duration:
    days: int
    working: bool = True  # working days (ngày làm việc) or calendar days (ngày)

    def __str__(self) -> str:
        return f"{self.days} {'ngày làm việc' if self.working else 'ngày'}"


@dataclass
class CalendarData:
    """Serializable calendar input. Dates are ISO strings so the data travels through
    Temporal payloads unchanged."""

    first_year: int
    last_year: int
    days_off: list[str] = field(default_factory=list)  # holidays and announced days off
    working_weekend_days: list[str] = field(default_factory=list)  # swapped Saturdays
    end_of_day: str = "17:00"  # the end of the working day, local time
    start_of_day: str = "07:30"


class WorkingCalendar:
    def __init__(self, data: CalendarData) -> None:
        self.data = data
        self._days_off = frozenset(date.fromisoformat(d) for d in data.days_off)
        self._working_weekend = frozenset(date.fromisoformat(d) for d in data.working_weekend_days)
        hours, minutes = (int(p) for p in data.end_of_day.split(":"))
        self._end_of_day = time(hours, minutes)
        hours, minutes = (int(p) for p in data.start_of_day.split(":"))
        self._start_of_day = time(hours, minutes)

    # -- days ----------------------------------------------------------------------------

    def is_working_day(self, day: date) -> bool:
        if day in self._working_weekend:
            return True
        if day.weekday() >= 5:
            return False
        return day not in self._days_off

    def add_working_days(self, start: date, count: int) -> date:
        """The ``count``-th working day after ``start`` (``start`` itself not counted).
        ``count == 0`` gives ``start`` if it is a working day, else the next one."""
        day = start
        if count <= 0:
            while not self.is_working_day(day):
                day += timedelta(days=1)
            return day
        remaining = count
        while remaining:
            day += timedelta(days=1)
            if self.is_working_day(day):
                remaining -= 1
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Working days d with start < d <= end (negative when end is before start)."""
        if end < start:
            return -self.working_days_between(end, start)
        count = 0
        day = start
        while day < end:
            day += timedelta(days=1)
            if self.is_working_day(day):
                count += 1
        return count

    def next_working_day_on_or_after(self, day: date) -> date:
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    # -- moments --------------------------------------------------------------------------

    def local_date(self, moment: datetime) -> date:
        # A naive datetime would silently take the server's time zone.
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError(
                f"{moment.isoformat()} has no time zone: deadlines need aware datetimes"
            )
        return moment.astimezone(VIETNAM_TZ).date()

    def end_of_working_day(self, day: date) -> datetime:
        return datetime.combine(day, self._end_of_day, tzinfo=VIETNAM_TZ)

    def start_of_working_day(self, day: date) -> datetime:
        return datetime.combine(day, self._start_of_day, tzinfo=VIETNAM_TZ)

    def due_date(self, start: datetime, duration: Duration) -> date:
        day = self.local_date(start)
        if duration.working:
            return self.add_working_days(day, duration.days)
        return self.next_working_day_on_or_after(day + timedelta(days=duration.days))

    def due_moment(self, start: datetime, duration: Duration) -> datetime:
        """The deadline of a period that starts at ``start`` (aware datetime)."""
        return self.end_of_working_day(self.due_date(start, duration))

    def remaining_working_days(self, now: datetime, due: datetime) -> int:
        """Working days left before ``due``, counting the due day; used to pause a clock."""
        return max(self.working_days_between(self.local_date(now), self.local_date(due)), 0)

    def resume(self, now: datetime, remaining_working_days: int) -> datetime:
        """The new deadline of a clock that resumes at ``now`` with days left."""
        return self.due_moment(now, Duration(remaining_working_days, working=True))

    def reminder_moments(self, due: datetime, working_days_before: list[int]) -> list[datetime]:
        """Moments to remind before ``due``: the start of the working day N working days
        before the due day (0 = the morning of the due day)."""
        due_day = self.local_date(due)
        moments = []
        for before in sorted(set(working_days_before), reverse=True):
            day = due_day
            remaining = before
            while remaining > 0:
                day -= timedelta(days=1)
                if self.is_working_day(day):
                    remaining -= 1
            moments.append(self.start_of_working_day(day))
        return moments


def vietnam_date(moment: datetime) -> date:
    """The calendar day in Vietnam at ``moment`` (an aware datetime): "today in Vietnam"
    is ``vietnam_date(clock.now())``."""
    return moment.astimezone(VIETNAM_TZ).date()


def format_vn_date(day: date | datetime) -> str:
    """05/01/2027"""
    if isinstance(day, datetime):
        day = day.astimezone(VIETNAM_TZ).date()
    return day.strftime("%d/%m/%Y")


def format_vn_long_date(place: str, day: date) -> str:
    """Decree 30/2020: "Thạch Khôi, ngày 05 tháng 01 năm 2027". A leading zero for days
    below 10 and for months 1 and 2 only ("ngày 05 tháng 3 năm 2027")."""
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"

"""The application's one clock: "now" and "today in Vietnam".

The API (routes, pages, services) and the activities take the clock they are given; they
never read the machine's calendar themselves. ``thidua up``, ``thidua api`` and ``thidua
worker`` give them the machine clock (``SystemClock``); tests give them a clock they set:
``FixedClock`` where no workflow runs, and one that reads the Temporal time-skipping
server where workflows run (tests/clock.py), so that the API, the activities and the
workflows (``workflow.now()``) agree on the moment.

Workflows keep ``workflow.now()``; log timestamps and certificate validity keep the
machine clock.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Protocol

from domain.calendar import vietnam_date


class Clock(Protocol):
    def now(self) -> datetime:
        """The current moment, timezone-aware (UTC)."""
        ...

    def today(self) -> date:
        """The calendar day in Vietnam (UTC+7) at this moment."""
        ...


class SystemClock:
    """The machine's clock: what the engine runs on outside tests."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    def today(self) -> date:
        return vietnam_date(self.now())


class FixedClock:
    """A clock that stands still at the moment it is set to, and moves only when told."""

    def __init__(self, moment: datetime) -> None:
        self.set(moment)

    def set(self, moment: datetime) -> None:
        if moment.tzinfo is None:
            raise ValueError("FixedClock needs a timezone-aware moment")
        self._moment = moment.astimezone(UTC)

    def advance(self, delta: timedelta) -> None:
        self._moment += delta

    def now(self) -> datetime:
        return self._moment

    def today(self) -> date:
        return vietnam_date(self._moment)


SYSTEM_CLOCK = SystemClock()

__all__ = ["SYSTEM_CLOCK", "Clock", "FixedClock", "SystemClock"]

"""The clocks tests give the application, and the moments they choose.

Tests never read the calendar. Where no workflow runs, the application gets a
``FixedClock`` set to a moment the test chose. Where workflows run, it gets a
``ServerClock``: the time of the Temporal time-skipping server, which is what the
workflows see as ``workflow.now()``, so that the API, the pages, the activities and the
workflows agree. The server starts at the machine's time and only moves forward, so a
test that needs a particular day moves the server to the next such day
(``next_moment``); the date-sensitive tests run at each of ``MOMENTS``.
"""

from __future__ import annotations

import os
import time
from datetime import date, datetime, timedelta

import pytest

from domain.calendar import VIETNAM_TZ, vietnam_date

# The moments the date-sensitive tests run at, each the next one after the day the suite
# runs: a year's first working days (registration opens, last year's dossiers are being
# decided), the middle of the year, and the year's last day (the year-end burst).
MOMENTS = {
    "5-january": (1, 5),
    "1-july": (7, 1),
    "31-december": (12, 31),
}
# The default moment of every engine test: mid-year, far from a year's boundary.
DEFAULT_MOMENT = "1-july"
# A date-sensitive test runs at each of them (``pytestmark = AT_EVERY_MOMENT``); they run
# alone with ``-m dated``.
AT_EVERY_MOMENT = [pytest.mark.dated, pytest.mark.parametrize("moment", list(MOMENTS))]
MOMENT_HOUR = 9  # in Vietnam: offices are open


def next_moment(name: str, after: datetime) -> datetime:
    """The next ``name`` (a key of ``MOMENTS``) strictly after the day of ``after``, at
    09:00 in Vietnam. THIDUA_TEST_YEARS_AHEAD=N chooses it as if the suite ran N years
    later (the server only moves forward: that is always possible), to check today that
    the suite passes on a day of 2030."""
    month, day = MOMENTS[name]
    today = vietnam_date(after)
    ahead = int(os.environ.get("THIDUA_TEST_YEARS_AHEAD", "0") or 0)
    if ahead:
        try:
            today = today.replace(year=today.year + ahead)
        except ValueError:  # 29 February
            today = today.replace(year=today.year + ahead, day=28)
    candidate = date(today.year, month, day)
    if candidate <= today:
        candidate = date(today.year + 1, month, day)
    return datetime(candidate.year, month, day, MOMENT_HOUR, tzinfo=VIETNAM_TZ)


class ServerClock:
    """The time-skipping test server's clock, for the application.

    ``now()`` must be synchronous (the application reads it anywhere), while the server
    answers over gRPC: the clock reads the server at ``sync()`` and adds the time elapsed
    since (the server's clock runs at real speed between skips). ``sync()`` runs before
    every request the tests' HTTP clients send and after every skip (``sleep``,
    ``move_to``)."""

    def __init__(self, env) -> None:
        self._env = env
        self._at: datetime | None = None
        self._since = 0.0

    async def sync(self) -> None:
        self._at = await self._env.get_current_time()
        self._since = time.monotonic()

    def now(self) -> datetime:
        if self._at is None:
            raise RuntimeError("ServerClock.sync() was never awaited")
        return self._at + timedelta(seconds=time.monotonic() - self._since)

    def today(self) -> date:
        return vietnam_date(self.now())

    async def sleep(self, duration: timedelta) -> None:
        """Skip the server's time forward by ``duration`` (firing the timers on the way)."""
        await self._env.sleep(duration)
        await self.sync()

    async def move_to(self, moment: datetime) -> None:
        """Skip forward to ``moment``; a moment already passed is an error in the test."""
        await self.sync()
        now = self.now()
        if moment < now:
            raise AssertionError(
                f"the test server is at {now}, past {moment}: it only moves forward"
            )
        await self.sleep(moment - now)


# The moment of the tests where no workflow runs (a FixedClock): a working Monday morning.
FIXED_MOMENT = datetime(2027, 3, 15, 9, 0, tzinfo=VIETNAM_TZ)


def fixed_clock(moment: datetime = FIXED_MOMENT):
    from thidua.clock import FixedClock

    return FixedClock(moment)


def machine_now() -> datetime:
    """The machine's clock, for what keeps it (DEVELOPERS.md): the validity of certificates
    (pyHanko and the validator check them against it) and log timestamps. Nothing that
    the application decides by date reads it."""
    from datetime import UTC

    return datetime.now(UTC)

"""The working calendar does not depend on the machine's locale.

The ``holidays`` package translates its holiday names from the environment (LANGUAGE,
LC_ALL, LC_MESSAGES, LANG). The swapped working Saturday of 2026 (22/8, worked so that
Monday 31/8 is a day off around National Day) must be found under an English and a
Vietnamese locale alike, so the calendar is built in a fresh interpreter under each."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.fast

PROJECT_ROOT = Path(__file__).resolve().parents[2]

BUILD = """
import json
from domain.holiday_source import build_calendar_data
data = build_calendar_data(2026, 2027)
print(json.dumps({"days_off": data.days_off, "working_weekend_days": data.working_weekend_days}))
"""


def _calendar_under(lang: str) -> dict[str, list[str]]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")
    }
    env["LANG"] = lang
    done = subprocess.run(
        [sys.executable, "-c", BUILD],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(done.stdout)


@pytest.mark.parametrize("lang", ["en_US.UTF-8", "vi_VN.UTF-8"])
def test_the_national_day_swap_of_2026_under_any_locale(lang: str) -> None:
    data = _calendar_under(lang)
    assert "2026-08-22" in data["working_weekend_days"]  # Saturday, worked
    assert "2026-08-31" in data["days_off"]  # Monday, off in exchange
    # No other weekend day of 2026–2027 was declared a working day.
    assert data["working_weekend_days"] == ["2026-08-22"]


def test_both_locales_give_the_same_calendar() -> None:
    assert _calendar_under("en_US.UTF-8") == _calendar_under("vi_VN.UTF-8")

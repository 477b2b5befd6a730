"""Dates typed in the pages' fields, Vietnamese order whatever the browser's language
(issue 16), and a plan reference whose number is blank."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from domain.calendar import VIETNAM_TZ
from domain.plan_reference import plan_number_missing
from domain.vn_dates import date_field, datetime_field, parse_vn_date, parse_vn_datetime

pytestmark = pytest.mark.fast


def test_a_date_reads_day_first():
    assert parse_vn_date("05/01/2027") == date(2027, 1, 5)
    assert parse_vn_date(" 5/1/2027 ") == date(2027, 1, 5)
    assert parse_vn_date("2027-01-05") == date(2027, 1, 5)  # ISO is read too
    for wrong in ("12/31/2027", "31/02/2027", "05/01/27", "hôm nay", ""):
        assert parse_vn_date(wrong) is None, wrong
    assert date_field(date(2027, 1, 5)) == "05/01/2027"
    assert date_field("2027-01-05") == "05/01/2027"
    assert date_field("31/02/2027") == "31/02/2027"  # kept as typed, refused beside it


def test_a_moment_reads_day_first_and_24_hour_in_vietnam_time():
    five_pm = datetime(2026, 10, 12, 17, 0, tzinfo=VIETNAM_TZ)
    for typed in ("12/10/2026 17:00", "17:00 12/10/2026", "2026-10-12T17:00"):
        assert parse_vn_datetime(typed) == five_pm, typed
    for wrong in ("10/12/2026 5:00 PM", "12/10/2026 24:00", "12/10/2026", "17:00"):
        assert parse_vn_datetime(wrong) is None, wrong
    assert datetime_field(five_pm) == "12/10/2026 17:00"


def test_a_plan_reference_without_its_number():
    assert plan_number_missing("Kế hoạch số /KH-UBND năm 2026")
    assert plan_number_missing("Kế hoạch số .../KH-UBND")
    assert not plan_number_missing("Kế hoạch số 12/KH-UBND năm 2026")
    assert not plan_number_missing("")

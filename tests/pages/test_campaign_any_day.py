"""Campaign pages on any day (issue 12, item 4): a campaign launched on 5 January, 1 July or
31 December of its first year shows where that year stands, as its plan dates it.

At each moment the standing body launches, from its page, the seeded plan moved to start
this year. The expectation is computed from the moment and the campaign's own cycle dates
(registration opens, reminders before it is due, the household review and dossier notices
before theirs, the milestones): the steps dated before the launch are marked skipped, a
next step is always shown while the campaign runs (late in the year, the first step of the
next year), and registration is never shown as open after its deadline. Then the test
skips to the announced next step and reads the pages again: it happened, and the next one
is shown."""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from datetime import date, datetime, timedelta

import pytest

from domain.calendar import VIETNAM_TZ, vietnam_date
from tests.campaigns.helpers import plan_campaign, skip_to, this_year
from tests.clock import AT_EVERY_MOMENT
from workflows.campaign import STEP_HOUR
from workflows.campaign_types import CampaignInput

pytestmark = [*AT_EVERY_MOMENT, pytest.mark.parametrize("backend", ["sqlite"], indirect=True)]

# How far ahead of a due date the workflow reminds and gives notice (its input's defaults).
_INPUT = {f.name: f for f in fields(CampaignInput)}
REMINDER_DAYS = sorted(set(_INPUT["reminder_days_before"].default_factory()), reverse=True)
NOTICE_DAYS = _INPUT["review_notice_days_before"].default

# What a person reads: the steps' names and the states of the cycle's rows.
STEP_NAMES = {
    "registration_open": "Mở đăng ký thi đua",
    "registration_reminder": "Nhắc đơn vị chưa đăng ký",
    "household_review": "Thông báo bình xét hộ gia đình",
    "dossiers": "Thông báo nộp hồ sơ khen thưởng cuối năm",
    "milestone": "Sơ kết, tổng kết",
}
STATE_TEXTS = {
    "done": "Đã thực hiện",
    "skipped": "Đã qua trước khi phát động",
    "next": "Bước tiếp theo",
    "upcoming": "Sắp tới",
    "open": "Đang nhận đăng ký",
    "not_open": "Không nhận đăng ký",
    "late": "Đã quá hạn đăng ký — vẫn nhận đăng ký muộn",
    "notice_done": "Đã gửi thông báo",
    "notice_skipped": "Ngày thông báo đã qua trước khi phát động",
    "notice_next": "Thông báo là bước tiếp theo",
}


@dataclass
class Step:
    key: str  # as the workflow names it: "2027:registration_reminder:14"
    at: datetime
    title: str = ""  # a milestone's


def _day(year: int, month_day: str) -> date:
    month, day = (int(part) for part in month_day.split("-"))
    return date(year, month, day)


def _at(day: date) -> datetime:
    return datetime.combine(day, STEP_HOUR, tzinfo=VIETNAM_TZ)


def plan_steps(campaign: dict, year: int) -> list[Step]:
    """The steps of ``year`` as the campaign's plan dates them (its JSON: cycle dates and
    milestones), in order."""
    opens = _day(year, campaign["registration_opens"])
    due = _day(year, campaign["registration_due"])
    steps = [Step(f"{year}:registration_open", _at(opens))]
    steps += [
        Step(f"{year}:registration_reminder:{n}", _at(due - timedelta(days=n)))
        for n in REMINDER_DAYS
        if due - timedelta(days=n) > opens
    ]
    notice = timedelta(days=NOTICE_DAYS)
    steps.append(
        Step(f"{year}:household_review", _at(_day(year, campaign["household_review_due"]) - notice))
    )
    steps.append(Step(f"{year}:dossiers", _at(_day(year, campaign["dossiers_due"]) - notice)))
    steps += [
        Step(f"{year}:milestone:{m['code']}", _at(date.fromisoformat(m["due_on"])), m["title"])
        for m in campaign["milestones"]
        if date.fromisoformat(m["due_on"]).year == year and not m["reached_at"]
    ]
    return sorted(steps, key=lambda s: (s.at, s.key))


@dataclass
class Expected:
    year: int  # the cycle shown
    skipped: list[str]
    done: list[str]
    next: Step
    registration_year: int | None
    registration: str  # open | late | not_open

    def row_state(self, kind: str, prefix: str = "") -> str:
        key = f"{self.year}:{kind}"
        if key in self.skipped:
            return prefix + "skipped"
        if key in self.done:
            return prefix + "done"
        return prefix + "next" if self.next.key == key else "upcoming"

    @property
    def next_step_text(self) -> str:
        kind = self.next.key.split(":")[1]
        name = STEP_NAMES[kind] + (f": {self.next.title}" if kind == "milestone" else "")
        return f"{name} — {self.next.at.astimezone(VIETNAM_TZ):%H:%M %d/%m/%Y}"


def expected(campaign: dict, launched: datetime, now: datetime) -> Expected:
    """What a campaign of this plan, launched at ``launched``, shows at ``now`` (both in
    its first year or the next)."""
    year = max(campaign["start_year"], vietnam_date(now).year)
    steps = plan_steps(campaign, year)
    ahead = [s for s in steps if s.at > now] or plan_steps(campaign, year + 1)[:1]
    opens = steps[0]  # registration opens first
    today = vietnam_date(now)
    if opens.at > now:
        registration = "not_open"
    elif today > _day(year, campaign["registration_due"]):
        registration = "late"
    else:
        registration = "open"
    return Expected(
        year=year,
        skipped=[s.key for s in steps if s.at < launched],
        done=[s.key for s in steps if launched <= s.at <= now],
        next=ahead[0],
        registration_year=year if opens.at <= now else None,
        registration=registration,
    )


ROW = re.compile(
    r'<tr data-cycle="(?P<key>\w+)" data-state="(?P<state>\w*)">.*?'
    r'<td data-label="[^"]*">(?P<day>[^<]*)</td>\s*'
    r'<td data-label="[^"]*">(?:<span class="badge [^"]*">(?P<text>[^<]*)</span>|—)</td>',
    re.S,
)


def cycle_rows(page: str) -> dict[str, tuple[str, str, str]]:
    """The cycle table: row key → (state, date shown, state as read)."""
    return {m["key"]: (m["state"], m["day"], m["text"] or "") for m in ROW.finditer(page)}


async def check_pages(harness, standing, campaign_id: int, want: Expected) -> None:
    """The JSON API, the campaign page and the registrations page agree with ``want``."""
    detail = (await harness.get("thuongtruc", f"/api/v1/campaigns/{campaign_id}")).json()
    progress = detail["progress"]
    assert progress["year"] == want.year
    assert progress["skipped_steps"] == want.skipped
    assert progress["registration_year"] == want.registration_year
    assert progress["next_step"] == want.next.key
    assert datetime.fromisoformat(progress["next_step_at"]) == want.next.at

    page = (await standing.get(f"/campaigns/{campaign_id}")).text
    assert f"Chu kỳ thi đua năm {want.year}" in page
    shown = re.search(r'id="next-step">([^<]*)<', page)
    assert shown, "a running campaign always shows its next step"
    assert shown.group(1) == want.next_step_text
    rows = cycle_rows(page)
    day = {
        name: _day(want.year, detail[name]).strftime("%d/%m/%Y")
        for name in (
            "registration_opens",
            "registration_due",
            "household_review_due",
            "dossiers_due",
        )
    }
    states = {
        "registration_open": (want.row_state("registration_open"), day["registration_opens"]),
        "registration_due": (want.registration, day["registration_due"]),
        "household_review": (
            want.row_state("household_review", "notice_"),
            day["household_review_due"],
        ),
        "dossiers": (want.row_state("dossiers", "notice_"), day["dossiers_due"]),
    }
    assert {
        key: (state, shown_day, STATE_TEXTS[state]) for key, (state, shown_day) in states.items()
    } == rows

    registrations = (await standing.get(f"/campaigns/{campaign_id}/registrations")).text
    notice = re.search(r'id="registration-open"[^>]*>([^<]*)<', registrations).group(1)
    assert (
        notice
        == {
            "not_open": "Hiện chưa mở hoặc đã hết thời gian đăng ký thi đua.",
            "open": f"Đang nhận đăng ký thi đua năm {want.year}.",
            "late": f"Hạn đăng ký thi đua năm {want.year} ({day['registration_due']}) đã qua; "
            "đơn vị chưa đăng ký vẫn có thể đăng ký muộn.",
        }[want.registration]
    )


async def test_a_campaign_launched_on_any_day_shows_where_its_year_stands(harness, people):
    year = await this_year(harness)
    campaign_id = await plan_campaign(harness, year)
    page = f"/campaigns/{campaign_id}"
    standing = people("thuongtruc")

    launched_page = await standing.post(f"{page}/launch", csrf_from=page)
    assert launched_page.status_code == 303, launched_page.text[:2000]
    campaign = (await harness.get("thuongtruc", f"/api/v1/campaigns/{campaign_id}")).json()
    assert campaign["status"] == "running"
    launched = datetime.fromisoformat(campaign["launched_at"])
    assert vietnam_date(launched).year == year
    now = await harness.now()
    want = expected(campaign, launched, now)
    await check_pages(harness, standing, campaign_id, want)
    # Spelled out for the three moments: before registration opens nothing has passed; by
    # mid-year registration is past its deadline; on the last day the whole year has passed
    # and the next step is in the next year.
    if vietnam_date(now) < date(year, 1, 15):
        assert want.skipped == [] and want.registration == "not_open"
    else:
        assert f"{year}:registration_open" in want.skipped and want.registration == "late"
    if vietnam_date(now) == date(year, 12, 31):
        assert want.next.key == f"{year + 1}:registration_open"

    # The announced step happens when announced; then the next one is shown.
    await skip_to(harness, want.next.at + timedelta(hours=1))
    after = expected(campaign, launched, await harness.now())
    assert after.next.at > want.next.at
    await check_pages(harness, standing, campaign_id, after)

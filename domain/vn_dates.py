"""Dates and times as a Vietnamese official writes them in a form: 05/01/2027 and
12/10/2026 17:00 (day first, 24-hour), whatever the language of the browser. Pages show
date fields as text in these forms and read them back here; the JSON API keeps ISO 8601.
ISO is read too (a page sent by an older tab, a tool posting the form)."""

from __future__ import annotations

import re
from datetime import date, datetime

from .calendar import VIETNAM_TZ

DATE_FORMAT = "%d/%m/%Y"
DATETIME_FORMAT = "%d/%m/%Y %H:%M"
# What the fields' ``pattern`` attribute accepts (the server checks again).
DATE_PATTERN = r"\d{1,2}/\d{1,2}/\d{4}"
DATETIME_PATTERN = r"\d{1,2}/\d{1,2}/\d{4} \d{1,2}:\d{2}|\d{1,2}:\d{2} \d{1,2}/\d{1,2}/\d{4}"

_DAY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_ISO_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_TIME = re.compile(r"^(\d{1,2})[:hH](\d{2})$")


def parse_vn_date(text: str) -> date | None:
    """``dd/mm/yyyy`` (or ``yyyy-mm-dd``) → the date; None when it is not a real date."""
    value = text.strip()
    try:
        if found := _DAY.match(value):
            return date(int(found[3]), int(found[2]), int(found[1]))
        if found := _ISO_DAY.match(value):
            return date(int(found[1]), int(found[2]), int(found[3]))
    except ValueError:
        return None
    return None


def parse_vn_datetime(text: str) -> datetime | None:
    """``dd/mm/yyyy hh:mm``, ``hh:mm dd/mm/yyyy`` (or ISO ``yyyy-mm-ddThh:mm``), in
    Vietnam time → an aware datetime; None when malformed."""
    value = " ".join(text.replace("T", " ").split())
    parts = value.split(" ")
    if len(parts) != 2:
        return None
    first, second = parts
    if _TIME.match(first):
        first, second = second, first
    day = parse_vn_date(first)
    clock = _TIME.match(second)
    if day is None or clock is None:
        return None
    hour, minute = int(clock[1]), int(clock[2])
    if hour > 23 or minute > 59:
        return None
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=VIETNAM_TZ)


def date_field(value: date | datetime | str | None) -> str:
    """A date as a date field shows it (``dd/mm/yyyy``); text is kept as typed."""
    if value is None:
        return ""
    if isinstance(value, str):
        day = parse_vn_date(value)
        return day.strftime(DATE_FORMAT) if day else value
    return value.strftime(DATE_FORMAT)


def datetime_field(value: datetime | None) -> str:
    """A moment as a date-and-time field shows it, in Vietnam time (``dd/mm/yyyy hh:mm``)."""
    if value is None:
        return ""
    return value.astimezone(VIETNAM_TZ).strftime(DATETIME_FORMAT)

"""Working days (hari kerja): Monday–Friday minus libur nasional and cuti bersama (the
`holidays` package, Indonesia, categories public and government) corrected by HolidayOverride.

The package's calendar of a year is built once per process. The override table is read at
most once a minute per process (OVERRIDES_MAX_AGE): a change made in the administration screen
clears this process's copy at once (signals) and reaches the other gunicorn workers and the
task worker within the minute.
"""

import datetime
import time
from functools import lru_cache

import holidays

from .models import HolidayOverride

_CATEGORIES = ("public", "government")


@lru_cache(maxsize=16)
def _package_holidays(year: int) -> dict[datetime.date, str]:
    return dict(holidays.country_holidays("ID", years=year, categories=_CATEGORIES, language="id"))


OVERRIDES_MAX_AGE = 60.0  # seconds

_overrides_cache: dict[str, tuple[float, dict[datetime.date, tuple[str, str]]]] = {}


def _overrides() -> dict[datetime.date, tuple[str, str]]:
    cached = _overrides_cache.get("all")
    now = time.monotonic()
    if cached is None or now - cached[0] > OVERRIDES_MAX_AGE:
        table = {o.date: (o.kind, o.name) for o in HolidayOverride.objects.all()}
        _overrides_cache["all"] = (now, table)
        return table
    return cached[1]


def clear_cache() -> None:
    """Call after editing HolidayOverride (done by its post_save/post_delete signals)."""
    _overrides_cache.clear()


def holiday_name(day: datetime.date) -> str | None:
    """The holiday's name if `day` is a holiday (weekends aside), else None."""
    override = _overrides().get(day)
    if override is not None:
        kind, name = override
        return name if kind == HolidayOverride.Kind.HOLIDAY else None
    return _package_holidays(day.year).get(day)


def is_working_day(day: datetime.date) -> bool:
    override = _overrides().get(day)
    if override is not None:
        return override[0] == HolidayOverride.Kind.WORKING_DAY
    return day.weekday() < 5 and day not in _package_holidays(day.year)


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    """The date `days` working days after `start` (start itself not counted). 0 → start."""
    day = start
    remaining = days
    while remaining > 0:
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return day


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Working days after `start` up to and including `end` (0 if end ≤ start)."""
    count, day = 0, start
    while day < end:
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            count += 1
    return count


def working_day_ordinals(first: datetime.date, last: datetime.date) -> dict[datetime.date, int]:
    """For every day from `first` to `last`: the working days after `first` up to and including
    it. `ordinals[end] - ordinals[start]` is working_days_between(start, end) for any two days
    of the range (end after start), computed once for many pairs (the dashboard's figures)."""
    ordinals, count, day = {first: 0}, 0, first
    while day < last:
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            count += 1
        ordinals[day] = count
    return ordinals


def due_date(start: datetime.date, days: int, unit: str) -> datetime.date:
    if unit == "hari_kalender":
        return start + datetime.timedelta(days=days)
    return add_working_days(start, days)

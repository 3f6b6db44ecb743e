import datetime
import random

import pytest

from wbs.directory import workdays
from wbs.directory.models import HolidayOverride

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture(autouse=True)
def _fresh():
    workdays.clear_cache()
    yield
    workdays.clear_cache()


def test_2025_has_237_working_days():
    days = [D(2025, 1, 1) + datetime.timedelta(i) for i in range(365)]
    assert sum(workdays.is_working_day(d) for d in days) == 237


def test_2026_has_240_working_days():
    days = [D(2026, 1, 1) + datetime.timedelta(i) for i in range(365)]
    assert sum(workdays.is_working_day(d) for d in days) == 240


def test_cuti_bersama_is_not_a_working_day():
    assert not workdays.is_working_day(D(2025, 4, 2))  # Idul Fitri cuti bersama


def test_report_on_28_march_2025_is_verified_by_10_april():
    # 28 Mar is cuti bersama Nyepi; 31 Mar–7 Apr Idul Fitri and cuti bersama: 3 hari kerja
    # are 8, 9 and 10 April.
    assert workdays.add_working_days(D(2025, 3, 28), 3) == D(2025, 4, 10)


def test_ten_working_days_over_a_weekend():
    # 6 Jun Idul Adha and 9 Jun its cuti bersama are skipped.
    assert workdays.add_working_days(D(2025, 6, 2), 10) == D(2025, 6, 18)


def test_zero_days_is_the_same_day():
    assert workdays.add_working_days(D(2025, 5, 5), 0) == D(2025, 5, 5)


def test_working_days_between():
    assert workdays.working_days_between(D(2025, 3, 27), D(2025, 4, 10)) == 3


def test_override_adds_a_holiday():
    HolidayOverride.objects.create(date=D(2025, 7, 14), kind="libur", name="Libur daerah")
    assert not workdays.is_working_day(D(2025, 7, 14))


def test_override_cancels_a_holiday():
    HolidayOverride.objects.create(date=D(2025, 4, 7), kind="kerja", name="Batal cuti")
    assert workdays.is_working_day(D(2025, 4, 7))


def test_holiday_names_are_indonesian():
    assert "Idul Fitri" in workdays.holiday_name(D(2025, 3, 31))


def test_calendar_days_unit():
    assert workdays.due_date(D(2025, 3, 28), 3, "hari_kalender") == D(2025, 3, 31)


def test_override_saved_by_another_process_is_seen_within_a_minute(monkeypatch):
    """Another gunicorn worker (or the task worker) saved the override: no signal reaches this
    process, so its copy of the table must expire on its own."""
    clock = [1000.0]
    monkeypatch.setattr(workdays.time, "monotonic", lambda: clock[0])
    day = D(2025, 7, 15)
    assert workdays.is_working_day(day)  # the table is now cached in this process
    # bulk_create sends no post_save signal: as if written by another process.
    HolidayOverride.objects.bulk_create(
        [HolidayOverride(date=day, kind="libur", name="Libur daerah")]
    )
    clock[0] += 30
    assert workdays.is_working_day(day)  # still the cached table
    clock[0] += workdays.OVERRIDES_MAX_AGE
    assert not workdays.is_working_day(day)


@pytest.mark.django_db
def test_working_day_ordinals_agree_with_working_days_between():
    """The dashboard counts working days from one table of ordinals (issue 10 §4): it must give
    what the day-by-day count gives, for every pair in a range with holidays and weekends."""
    first, last = datetime.date(2025, 12, 15), datetime.date(2026, 4, 30)
    ordinals = workdays.working_day_ordinals(first, last)
    days = [first + datetime.timedelta(days=n) for n in range((last - first).days + 1)]
    pick = random.Random(7)
    for _ in range(400):
        start, end = sorted(pick.sample(days, 2))
        assert ordinals[end] - ordinals[start] == workdays.working_days_between(start, end)

"""Issue 12 §3: the first-answer clock (first message to the reporter, 30 hari kerja by default)
counts in the inbox's overdue flag and filter, the daily digest and the compliance figures,
like the stage clocks."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from wbs.cases import notifications
from wbs.cases.models import Status
from wbs.cases.tests.helpers import logged_in, put_in_state
from wbs.cases.tests.test_notifications import DUMMY
from wbs.directory import workdays
from wbs.intake.tests.factories import submit
from wbs.monitoring import dashboard, figures
from wbs.monitoring.figures import Filters

pytestmark = pytest.mark.django_db
S = Status
TODAY = timezone.localdate()
YESTERDAY = TODAY - datetime.timedelta(days=1)
FAR = TODAY + datetime.timedelta(days=90)
INBOX = reverse("cases:inbox")


def _report(status=S.VERIFIKASI, **fields):
    report, _ = submit()
    return put_in_state(report, status, stage_due_on=FAR, **fields)


def _row(page, report):
    start = page.index(report.registration_number)
    return page[page.rfind("<tr", 0, start) : page.index("</tr>", start)]


def test_a_new_report_carries_the_30_working_day_clock(staff):
    report, _ = submit()
    assert report.first_answer_due_on == workdays.add_working_days(report.received_on, 30)


def test_an_unanswered_report_past_the_first_answer_is_overdue_in_the_inbox(staff):
    late = _report(first_answer_due_on=YESTERDAY)
    answered = _report(first_answer_due_on=YESTERDAY, first_answered_on=YESTERDAY)
    closed = _report(S.SELESAI, first_answer_due_on=YESTERDAY)
    client = logged_in(staff["verifikator"])
    page = client.get(INBOX).content.decode()
    row = _row(page, late)
    assert 'class="overdue"' in row and "jawaban pertama terlambat" in row
    for other in (answered, closed):
        assert "jawaban pertama" not in _row(page, other)
        assert 'class="overdue"' not in _row(page, other)
    # The "overdue" filter finds it although its stage clock is far off.
    page = client.get(INBOX, {"due": "overdue"}).content.decode()
    assert late.registration_number in page
    assert answered.registration_number not in page and closed.registration_number not in page


def test_a_first_answer_due_soon_is_flagged_and_filtered(staff):
    soon = _report(first_answer_due_on=TODAY)
    client = logged_in(staff["verifikator"])
    row = _row(client.get(INBOX).content.decode(), soon)
    assert 'class="soon"' in row and "jawaban pertama paling lambat" in row
    assert soon.registration_number in client.get(INBOX, {"due": "soon"}).content.decode()


def test_the_daily_digest_counts_the_first_answer(staff, settings):
    settings.TASKS = DUMMY
    from django_tasks import task_backends

    backend = task_backends["default"]
    backend.clear()
    type(staff["verifikator"]).objects.filter(pk=staff["verifikator"].pk).update(
        email="verifikator@pemkot.example"
    )
    _report(first_answer_due_on=TODAY + datetime.timedelta(days=1))  # stage clock far off
    _report(first_answer_due_on=YESTERDAY, first_answered_on=YESTERDAY)  # answered: not due
    assert notifications.daily_digest() == 1
    [queued] = backend.results
    assert queued.kwargs["user_id"] == staff["verifikator"].pk
    assert queued.kwargs["values"] == {"jumlah": 1}


def test_the_compliance_figures_count_the_first_answer(staff):
    received = datetime.date(2025, 3, 3)  # a Monday
    due = workdays.add_working_days(received, 30)
    on_time = workdays.add_working_days(received, 4)
    for answered in (on_time, on_time, due + datetime.timedelta(days=7)):
        report, _ = submit()
        put_in_state(
            report,
            S.SELESAI,
            received_on=received,
            first_answer_due_on=due,
            first_answered_on=answered,
        )
    report, _ = submit()  # never answered, its deadline long past: late
    put_in_state(report, S.VERIFIKASI, received_on=received, first_answer_due_on=due)
    year = Filters(date_from=datetime.date(2025, 1, 1), date_to=datetime.date(2025, 12, 31))
    row = figures.first_answer_times(year, today=TODAY)
    assert (row["n"], row["timed"], row["on_time"]) == (3, 4, 2)
    assert row["compliance"] == 50.0 and row["median"] == 4
    stages = dashboard.build(year, suppress=False, threshold=3)["stages"]
    answer = next(r for r in stages if r["label"] == "Jawaban pertama kepada pelapor")
    assert answer["compliance_value"] == 50.0 and answer["n_value"] == 3

"""Content-free staff e-mail (security-checklist "Notification emails"): after a new report and
after each workflow move in NOTIFY, the people whose work waits get one fixed-template mail
with no registration number, title or name; a failing mail server never undoes the step and
the mail is retried; the daily digest carries a count only."""

import datetime

import pytest
from django.utils import timezone

from wbs.accounts import mail
from wbs.cases import notifications, workflow
from wbs.cases.models import Status
from wbs.cases.tests.helpers import (
    CHECKS,
    IDENTITY_NAME,
    TITLE,
    assign,
    confidential_report,
    keyring_of,
    put_in_state,
)
from wbs.directory.models import MessageTemplate, OrganisationProfile

pytestmark = pytest.mark.django_db

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
ACCUSED = "TERLAPOR-RAHASIA-2PD"


@pytest.fixture
def people(staff):
    for key, user in staff.items():
        type(user).objects.filter(pk=user.pk).update(email=f"{key}@pemkot.example")
        user.refresh_from_db()
    return staff


@pytest.fixture
def immediate(settings):
    settings.TASKS = IMMEDIATE


@pytest.fixture
def queue(settings):
    """The dummy task backend: tasks are recorded, not run."""
    settings.TASKS = DUMMY
    from django_tasks import task_backends

    backend = task_backends["default"]
    backend.clear()
    return backend


def fixed_staff_mail():
    app = OrganisationProfile.get().app_name
    return MessageTemplate.text("staff_work", aplikasi=app)


def new_report(**kwargs):
    return confidential_report(accused_name=ACCUSED, with_file=False, **kwargs)


def assert_content_free(mail, report):
    text = mail.subject + "\n" + mail.body
    for secret in (report.registration_number, TITLE, IDENTITY_NAME, ACCUSED, "Penelaah"):
        assert secret not in text


# --- a new report ----------------------------------------------------------------------------


def test_new_report_mails_the_verifikators(
    people, immediate, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        new_report()
    assert [m.to for m in mailoutbox] == [["verifikator@pemkot.example"]]


def test_new_report_mail_is_the_fixed_template(
    people, immediate, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report = new_report()
    [mail] = mailoutbox
    assert (mail.subject, mail.body) == fixed_staff_mail()
    assert_content_free(mail, report)


# --- workflow moves ---------------------------------------------------------------------------


def _forward(people, report):
    workflow.apply(
        report,
        "forward",
        actor=people["verifikator"],
        keyring=keyring_of(people["verifikator"]),
        data={**CHECKS, "handler": people["penelaah"], "reason": "Wilayah lain."},
    )


def test_forward_mails_the_handler_only(
    people, immediate, mailoutbox, django_capture_on_commit_callbacks
):
    report = put_in_state(new_report(), Status.VERIFIKASI)
    with django_capture_on_commit_callbacks(execute=True):
        _forward(people, report)
    [mail] = mailoutbox
    assert mail.to == ["penelaah@pemkot.example"]
    assert (mail.subject, mail.body) == fixed_staff_mail()
    assert_content_free(mail, report)


def test_submitted_telaahan_mails_the_inspektur(
    people, immediate, mailoutbox, django_capture_on_commit_callbacks
):
    from wbs.cases import services
    from wbs.cases.tests.helpers import REVIEW

    report = assign(new_report(), people["penelaah"], people)
    penelaah = people["penelaah"]
    services.save_review(keyring_of(penelaah), report, penelaah, REVIEW)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.apply(report, "submit_review", actor=penelaah, keyring=keyring_of(penelaah))
    assert [m.to for m in mailoutbox] == [["inspektur@pemkot.example"]]
    assert_content_free(mailoutbox[0], report)


def test_move_outside_notify_sends_nothing(
    people, immediate, mailoutbox, django_capture_on_commit_callbacks
):
    report = new_report()
    assert "start_verification" not in workflow.NOTIFY
    with django_capture_on_commit_callbacks(execute=True):
        workflow.apply(
            report,
            "start_verification",
            actor=people["verifikator"],
            keyring=keyring_of(people["verifikator"]),
        )
    assert mailoutbox == []


def test_staff_without_address_or_inactive_get_nothing(
    people, immediate, mailoutbox, django_capture_on_commit_callbacks
):
    user = people["verifikator"]
    type(user).objects.filter(pk=user.pk).update(is_active=False)
    with django_capture_on_commit_callbacks(execute=True):
        new_report()
    assert mailoutbox == []


def test_no_mail_before_the_commit(
    people, immediate, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        new_report()
    assert mailoutbox == [] and len(callbacks) >= 1


# --- a failing mail server ------------------------------------------------------------------------


def _broken(*args, **kwargs):
    raise ConnectionRefusedError("SMTP down")


def test_failing_mail_server_does_not_undo_the_step(
    people, immediate, monkeypatch, mailoutbox, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(mail, "send_mail", _broken)
    report = put_in_state(new_report(), Status.VERIFIKASI)
    with django_capture_on_commit_callbacks(execute=True):
        _forward(people, report)
    report.refresh_from_db()
    assert report.status == Status.DITELAAH and report.assignee_id == people["penelaah"].pk
    assert mailoutbox == []


def test_failing_mail_is_retried_later(
    people, queue, monkeypatch, django_capture_on_commit_callbacks
):
    report = put_in_state(new_report(), Status.VERIFIKASI)
    queue.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _forward(people, report)
    [first] = queue.results
    monkeypatch.setattr(mail, "send_mail", _broken)
    assert notifications.send_templated.call(**first.kwargs) == "retry"
    retry = queue.results[-1]
    assert len(queue.results) == 2 and retry.kwargs["attempt"] == 2
    assert retry.task.run_after > timezone.now()


def test_retries_stop_after_the_last_attempt(people, queue, monkeypatch):
    monkeypatch.setattr(mail, "send_mail", _broken)
    result = notifications.send_templated.call(
        user_id=people["verifikator"].pk,
        code="staff_work",
        values={},
        attempt=mail.MAX_ATTEMPTS,
    )
    assert result == "failed" and queue.results == []


def test_queue_down_does_not_undo_the_step(
    people, queue, monkeypatch, django_capture_on_commit_callbacks
):
    def down(*args, **kwargs):
        raise ConnectionError("queue down")

    monkeypatch.setattr(type(queue), "enqueue", down)
    report = put_in_state(new_report(), Status.VERIFIKASI)
    with django_capture_on_commit_callbacks(execute=True):
        _forward(people, report)
    report.refresh_from_db()
    assert report.status == Status.DITELAAH


# --- daily digest -------------------------------------------------------------------------------


@pytest.fixture
def overdue(people):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    later = timezone.localdate() + datetime.timedelta(days=60)
    return [
        put_in_state(new_report(), Status.DITERIMA, stage_due_on=yesterday),
        put_in_state(new_report(), Status.VERIFIKASI, stage_due_on=yesterday),
        put_in_state(new_report(), Status.VERIFIKASI, stage_due_on=later),
        put_in_state(new_report(), Status.MENUNGGU_PERSETUJUAN, stage_due_on=yesterday),
        put_in_state(
            new_report(), Status.PERLU_KELENGKAPAN, stage_due_on=yesterday, clock_paused=True
        ),
    ]


def test_daily_digest_queues_one_mail_per_handler_with_overdue_work(people, overdue, queue):
    assert notifications.daily_digest() == 2
    queued = {r.kwargs["user_id"]: r.kwargs for r in queue.results}
    assert set(queued) == {people["verifikator"].pk, people["inspektur"].pk}
    assert queued[people["verifikator"].pk]["values"] == {"jumlah": 2}
    assert queued[people["inspektur"].pk]["values"] == {"jumlah": 1}


def test_daily_digest_mail_carries_a_count_only(people, overdue, immediate, mailoutbox):
    notifications.daily_digest()
    mail = next(m for m in mailoutbox if m.to == ["verifikator@pemkot.example"])
    app = OrganisationProfile.get().app_name
    assert (mail.subject, mail.body) == MessageTemplate.text("staff_digest", aplikasi=app, jumlah=2)
    for report in overdue:
        assert_content_free(mail, report)


def test_daily_digest_counts_the_assigned_penelaah(people, queue):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    report = assign(new_report(), people["penelaah"], people)
    put_in_state(report, Status.DITELAAH, stage_due_on=yesterday)
    notifications.daily_digest()
    queued = {r.kwargs["user_id"]: r.kwargs["values"] for r in queue.results}
    assert queued.get(people["penelaah"].pk) == {"jumlah": 1}
    assert people["penelaah_other"].pk not in queued


def test_daily_digest_without_work_sends_nothing(people, queue):
    assert notifications.daily_digest() == 0
    assert queue.results == []

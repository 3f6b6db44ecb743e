"""Issue 12 §1: no reporter message goes unseen. A reporter's message or added evidence, in any
status (closed included), marks the report "pesan baru" until a handler who can read it opens
its page; the handlers get one content-free e-mail; the inbox has a queue, a badge and a
notice; the reporter is told honestly what a message on a closed report does."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from wbs.audit.models import AuditEvent
from wbs.cases import inbox
from wbs.cases.models import Report, Status
from wbs.cases.tests.helpers import (
    IDENTITY_NAME,
    TITLE,
    assign,
    checked_upload,
    put_in_state,
)
from wbs.intake import services as intake
from wbs.intake.tests.factories import submit
from wbs.vault import access

pytestmark = pytest.mark.django_db
S = Status
MESSAGE = "PESAN-PELAPOR-SUSULAN-6TR"
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def people(staff, settings):
    settings.TASKS = IMMEDIATE
    for key, user in staff.items():
        type(user).objects.filter(pk=user.pk).update(email=f"{key}@pemkot.example")
        user.refresh_from_db()
    return staff


def _report(**kwargs):
    report, receipt = submit(title=TITLE, **kwargs)
    return report, receipt.access_code


def _reporter_writes(code, body=MESSAGE):
    report, keyring = access.open_with_access_code(code)
    intake.add_reporter_message(keyring, report, body)
    report.refresh_from_db()
    return report


def _case(client, report):
    return client.get(reverse("cases:case", args=[report.registration_number]))


@pytest.mark.parametrize("status", [S.VERIFIKASI, S.DITELAAH, S.SELESAI, S.DITOLAK])
def test_a_reporter_message_marks_the_report_new_in_any_status(people, status):
    report, code = _report()
    put_in_state(report, status)
    report = _reporter_writes(code)
    assert report.reporter_news_on == timezone.localdate()
    assert report.status == status  # a closed report is not reopened by a message


def test_added_evidence_marks_the_report_new(people):
    report, code = _report()
    put_in_state(report, S.SELESAI)
    opened, keyring = access.open_with_access_code(code)
    intake.add_reporter_evidence(keyring, opened, [checked_upload()], note="")
    report.refresh_from_db()
    assert report.reporter_news_on == timezone.localdate()


def test_the_handlers_get_one_content_free_mail_per_mark(
    people, mailoutbox, django_capture_on_commit_callbacks
):
    report, code = _report(identity=None)
    assign(report, people["penelaah"], people, status=S.TINDAK_LANJUT)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _reporter_writes(code)
    with django_capture_on_commit_callbacks(execute=True):
        _reporter_writes(code, "Pesan kedua sebelum dibaca.")
    recipients = sorted(m.to[0] for m in mailoutbox)
    # The Verifikator and the assigned Penelaah; not the other Penelaah, Pembina, admin.
    assert recipients == ["penelaah@pemkot.example", "verifikator@pemkot.example"]
    for mail in mailoutbox:
        text = mail.subject + mail.body
        assert "pesan baru dari pelapor" in mail.subject.lower()
        for secret in (report.registration_number, TITLE, MESSAGE, IDENTITY_NAME):
            assert secret not in text


def test_opening_by_a_handler_clears_the_mark_and_is_audited(people, as_staff):
    report, code = _report()
    put_in_state(report, S.SELESAI)
    report = _reporter_writes(code)
    page = _case(as_staff("verifikator"), report).content.decode()
    assert "Pelapor mengirim pesan atau bukti" in page and "news-notice" in page
    assert "Laporan ini sudah ditutup" in page
    report.refresh_from_db()
    assert report.reporter_news_on is None
    assert AuditEvent.objects.filter(
        verb="case.reporter_news_seen", target_id=str(report.pk)
    ).exists()
    # Later openings show no notice.
    assert "news-notice" not in _case(as_staff("verifikator"), report).content.decode()


def test_someone_who_does_not_answer_the_reporter_leaves_the_mark(people, as_staff):
    report, code = _report()
    report = _reporter_writes(code)
    page = _case(as_staff("pj"), report).content.decode()  # sees metadata, does not answer
    assert "Tetap ditandai baru" in page or "tetap ditandai baru" in page
    report.refresh_from_db()
    assert report.reporter_news_on is not None


def test_a_handler_without_the_key_leaves_the_mark(people, as_staff):
    from wbs.vault.models import KeyGrant

    report, code = _report()
    report = _reporter_writes(code)
    KeyGrant.objects.filter(report=report, user=people["verifikator"]).delete()
    _case(as_staff("verifikator"), report)
    report.refresh_from_db()
    assert report.reporter_news_on is not None


def test_the_inbox_queue_badge_and_notice(people, as_staff):
    news, code = _report()
    quiet, _code = _report()
    put_in_state(news, S.SELESAI)
    _reporter_writes(code)
    client = as_staff("verifikator")
    page = client.get(reverse("cases:inbox")).content.decode()
    assert "1 laporan punya pesan atau bukti baru dari pelapor" in page
    assert 'href="?queue=pesan_baru"' in page
    assert {q.code: n for q, n in inbox.queue_counts(people["verifikator"])}["pesan_baru"] == 1
    queue = client.get(reverse("cases:inbox"), {"queue": "pesan_baru"}).content.decode()
    assert news.registration_number in queue and quiet.registration_number not in queue
    assert queue.count('class="badge badge-news"') == 1
    # Once a handler opened it, the queue is empty and the notice gone.
    _case(client, news)
    page = client.get(reverse("cases:inbox")).content.decode()
    assert "pesan atau bukti baru dari pelapor" not in page
    queue = client.get(reverse("cases:inbox"), {"queue": "pesan_baru"}).content.decode()
    assert news.registration_number not in queue


def test_a_penelaah_sees_only_their_own_reports_in_the_queue(people, as_staff):
    mine, code_mine = _report()
    _other, code_other = _report()
    assign(mine, people["penelaah"], people)
    _reporter_writes(code_mine)
    _reporter_writes(code_other)
    assert inbox.news_count(people["penelaah"]) == 1
    assert inbox.news_count(people["penelaah_other"]) == 0
    assert inbox.news_count(people["verifikator"]) == 2
    # The assigned Penelaah opening it clears it.
    _case(as_staff("penelaah"), mine)
    assert Report.objects.get(pk=mine.pk).reporter_news_on is None


def test_the_reporter_is_told_what_a_message_on_a_closed_report_does(people):
    report, code = _report()
    client = Client()
    client.post(reverse("intake:status_login"), {"access_code": code})
    page = client.get(reverse("intake:status_report")).content.decode()
    assert "Laporan ini sudah ditutup" not in page
    put_in_state(report, S.SELESAI)
    page = client.get(reverse("intake:status_report")).content.decode()
    assert "Laporan ini sudah ditutup" in page
    assert "tidak membuka kembali laporan" in page
    response = client.post(reverse("intake:status_message"), {"body": MESSAGE})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.reporter_news_on is not None and report.status == S.SELESAI

"""Typed work is never lost (issue 12 §2): text a staff member sends after their session
expired is held encrypted with a key only their browser has, and after they log in again it is
back in its form on the case page, with a notice, once; nobody else logging in on that browser
gets it, and the database alone opens nothing."""

import datetime
import time

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import login_staff
from wbs.cases import workflow
from wbs.cases.models import Message
from wbs.vault import held
from wbs.vault.models import HeldText

from .helpers import assign, confidential_report, keyring_of, logged_in

pytestmark = pytest.mark.django_db
TEXT = "PESAN-TERTUNDA-7QX untuk pelapor"


# --- the vault's hold ----------------------------------------------------------------------


def test_held_text_opens_once_with_its_token_only(db):
    token = held.hold("uji", {"isi": TEXT})
    row = HeldText.objects.get()
    assert TEXT.encode() not in bytes(row.sealed)
    row_id, _key = token.split(".", 1)
    assert held.take(f"{row_id}.{'A' * 43}=", "uji") is None, "another key opens nothing"
    assert held.take(token, "lain") is None, "another purpose opens nothing"
    assert held.peek(token, "uji") == {"isi": TEXT}
    assert held.take(token, "uji") == {"isi": TEXT}
    assert held.take(token, "uji") is None and not HeldText.objects.exists()


def test_held_text_nobody_came_back_for_is_purged(db):
    held.hold("uji", {"isi": TEXT})
    later = timezone.now() + datetime.timedelta(hours=settings.WBS_HELD_TEXT_HOURS + 1)
    assert held.purge(later) == 1 and not HeldText.objects.exists()


# --- a submit after the session expired ---------------------------------------------------------


def _expire(client):
    session = client.session
    session["wbs_seen"] = int(time.time()) - settings.WBS_STAFF_IDLE_SECONDS - 60
    session.save()


@pytest.fixture
def report(staff):
    return confidential_report()


def _send_late(client, report):
    _expire(client)
    return client.post(reverse("cases:message", args=[report.registration_number]), {"body": TEXT})


def test_a_message_sent_after_the_session_expired_is_held_not_sent(staff, report):
    client = logged_in(staff["verifikator"])
    response = _send_late(client, report)
    assert response.status_code == 302 and response["Location"] == reverse("accounts:staff_login")
    assert settings.WBS_DRAFT_COOKIE_NAME in response.cookies
    assert not Message.objects.filter(report=report).exists()
    (row,) = HeldText.objects.all()
    assert TEXT.encode() not in bytes(row.sealed)
    login_page = client.get(reverse("accounts:staff_login")).content.decode()
    assert 'class="notice notice-warning held-text-notice"' in login_page


def test_after_logging_in_again_the_text_is_back_in_its_form(staff, report):
    client = logged_in(staff["verifikator"])
    _send_late(client, report)
    login_staff(client, staff["verifikator"])
    landing = client.get(reverse("cases:home"))
    case_url = reverse("cases:case", args=[report.registration_number])
    assert landing.status_code == 302 and landing["Location"] == case_url
    page = client.get(case_url).content.decode()
    textarea = page.split('name="body"')[1].split("</textarea>")[0]
    assert TEXT in textarea, "the message box holds the text again"
    assert "restored-notice" in page and "Sesi Anda berakhir sebelum isian ini terkirim." in page
    assert not HeldText.objects.exists()
    again = client.get(case_url).content.decode()
    assert "restored-notice" not in again and TEXT not in again, "shown once"
    assert client.get(reverse("cases:home"))["Location"] != case_url


def test_a_telaahan_comes_back_in_its_form(staff, report):
    assign(report, staff["penelaah"], staff)
    client = logged_in(staff["penelaah"])
    _expire(client)
    client.post(
        reverse("cases:review", args=[report.registration_number]),
        {"ringkasan": "RINGKASAN-TERTUNDA", "analisis": "ANALISIS-TERTUNDA-5K"},
    )
    login_staff(client, staff["penelaah"])
    page = client.get(client.get(reverse("cases:home"))["Location"]).content.decode()
    analysis = page.split('name="analisis"')[1].split("</textarea>")[0]
    assert "ANALISIS-TERTUNDA-5K" in analysis
    assert "RINGKASAN-TERTUNDA" in page.split('name="ringkasan"')[1].split("</textarea>")[0]


def test_a_workflow_step_comes_back_open_with_its_text(staff, report):
    verifikator = staff["verifikator"]
    workflow.apply(report, "start_verification", actor=verifikator, keyring=keyring_of(verifikator))
    client = logged_in(verifikator)
    _expire(client)
    client.post(
        reverse("cases:action", args=[report.registration_number, "request_completion"]),
        {"message": "MOHON-LENGKAPI-9Z bukti transfer"},
    )
    login_staff(client, verifikator)
    page = client.get(client.get(reverse("cases:home"))["Location"]).content.decode()
    step = page.split('action="/staf/laporan/')[0]  # the notice stands above the steps
    assert "MOHON-LENGKAPI-9Z" in step, "the notice shows the text itself"
    form = page.split("/aksi/request_completion/")[1].split("</form>")[0]
    assert "MOHON-LENGKAPI-9Z" in form
    details = page.split("/aksi/request_completion/")[0].rsplit("<details", 1)[1]
    assert details.startswith(' class="action" open'), "the step's form is open"


def test_somebody_else_logging_in_on_that_browser_does_not_get_it(staff, report):
    client = logged_in(staff["verifikator"])
    _send_late(client, report)
    login_staff(client, staff["inspektur"])
    landing = client.get(reverse("cases:home"))
    assert landing["Location"] != reverse("cases:case", args=[report.registration_number])
    page = client.get(reverse("cases:case", args=[report.registration_number])).content.decode()
    assert TEXT not in page and "restored-notice" not in page
    assert not HeldText.objects.exists(), "dropped, not left for later"


def test_a_row_planted_in_the_database_is_not_restored(staff, report):
    """Someone who can write the database makes a row with a key of their own and puts the
    token into the staff member's cookie: without the installation's signature it is ignored."""
    client = logged_in(staff["verifikator"])
    token = held.hold(
        "staff-form",
        {
            "user": staff["verifikator"].pk,
            "kind": "message",
            "number": report.registration_number,
            "action": None,
            "fields": {"body": "TEKS-SELUNDUPAN"},
        },
    )
    client.cookies[settings.WBS_DRAFT_COOKIE_NAME] = token
    assert client.get(reverse("cases:home"))["Location"] == reverse("cases:inbox")
    page = client.get(reverse("cases:case", args=[report.registration_number])).content.decode()
    assert "TEKS-SELUNDUPAN" not in page


def test_only_text_comes_back_never_a_decision(staff, report):
    verifikator = staff["verifikator"]
    workflow.apply(report, "start_verification", actor=verifikator, keyring=keyring_of(verifikator))
    client = logged_in(verifikator)
    _expire(client)
    client.post(
        reverse("cases:action", args=[report.registration_number, "forward"]),
        {
            "complete_4w1h": "on",
            "has_evidence": "on",
            "handler": str(staff["penelaah"].pk),
            "override_reason": "ALASAN-TERTUNDA-3M",
        },
    )
    assert HeldText.objects.count() == 1
    login_staff(client, verifikator)
    page = client.get(client.get(reverse("cases:home"))["Location"]).content.decode()
    form = page.split("/aksi/forward/")[1].split("</form>")[0]
    assert "ALASAN-TERTUNDA-3M" in form
    assert "checked" not in form, "no tick comes back: the Verifikator ticks again"


def test_lost_access_meanwhile_is_said_not_a_dead_end(staff, report):
    from wbs.cases import drafts

    # A Penelaah of another area never had this report: stands for one who lost it meanwhile.
    client = Client()

    class _Request:
        POST = {"body": TEXT}
        expired_user_id = staff["penelaah_other"].pk

    response = client.get(reverse("accounts:staff_login"))
    drafts.keeps_typed_text("message")(lambda request: None).on_expired_post(
        _Request(), response, report.registration_number
    )
    client.cookies[settings.WBS_DRAFT_COOKIE_NAME] = response.cookies[
        settings.WBS_DRAFT_COOKIE_NAME
    ].value
    login_staff(client, staff["penelaah_other"])
    landing = client.get(reverse("cases:home"), follow=True)
    assert landing.status_code == 200
    assert "tidak dapat dipulihkan" in landing.content.decode()
    assert not HeldText.objects.exists()


def test_a_post_without_a_session_that_expired_holds_nothing(staff, report):
    response = Client().post(
        reverse("cases:message", args=[report.registration_number]), {"body": TEXT}
    )
    assert response.status_code == 302 and not HeldText.objects.exists()


# --- the idle warning ----------------------------------------------------------------------


def test_staff_pages_carry_the_idle_warning(staff):
    page = logged_in(staff["verifikator"]).get(reverse("cases:inbox")).content.decode()
    box = page.split('id="idle-warning"')[1].split(">")[0]
    assert f'data-idle-seconds="{settings.WBS_STAFF_IDLE_SECONDS}"' in box
    assert 'data-keepalive-url="/staf/masih-di-sini/"' in box
    assert '<script src="/static/wbs/idle.js" defer></script>' in page


def test_the_keepalive_counts_as_activity(staff):
    client = logged_in(staff["verifikator"])
    session = client.session
    session["wbs_seen"] = int(time.time()) - settings.WBS_STAFF_IDLE_SECONDS + 30
    session.save()
    assert client.get(reverse("accounts:still_here")).status_code == 204
    assert client.session["wbs_seen"] >= int(time.time()) - 5


def test_reporter_pages_have_no_idle_script(client, palembang):
    assert "idle.js" not in client.get("/").content.decode()

import json
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from wbs.cases.models import Message
from wbs.intake.tests.factories import submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(staff):
    return submit(title="Laporan status")


@pytest.fixture
def reporter(client, report):
    _report, receipt = report
    client.post(reverse("intake:status_login"), {"access_code": receipt.access_code})
    return client


def test_status_form_uses_post_and_no_autocomplete(client, palembang):
    html = client.get(reverse("intake:status_login")).content.decode()
    assert 'method="post"' in html and 'autocomplete="off"' in html


def test_right_code_opens_the_report_page(client, report):
    _report, receipt = report
    response = client.post(reverse("intake:status_login"), {"access_code": receipt.access_code})
    assert response["Location"] == reverse("intake:status_report")


def test_report_page_shows_title(reporter):
    assert "Laporan status" in reporter.get(reverse("intake:status_report")).content.decode()


def test_wrong_code_gets_401_and_no_session(client, report):
    response = client.post(
        reverse("intake:status_login"), {"access_code": "AAAA-BBBB-CCCC-DDDD-EEEE-FFFF"}
    )
    assert response.status_code == 401
    assert client.get(reverse("intake:status_report")).status_code == 404


def test_malformed_code_gets_the_same_answer_as_unknown(client, report):
    unknown = client.post(
        reverse("intake:status_login"), {"access_code": "AAAA-BBBB-CCCC-DDDD-EEEE-FFFF"}
    )
    malformed = client.post(reverse("intake:status_login"), {"access_code": "x"})
    assert unknown.status_code == malformed.status_code == 401
    assert _without_csrf(unknown.content) == _without_csrf(malformed.content)


def _without_csrf(html: bytes) -> bytes:
    import re

    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", html)


def test_code_is_never_in_a_redirect(client, report):
    _report, receipt = report
    response = client.post(reverse("intake:status_login"), {"access_code": receipt.access_code})
    assert receipt.access_code not in response["Location"]


def test_page_without_session_is_404(client, report):
    assert client.get(reverse("intake:status_report")).status_code == 404


def test_reply_is_stored_encrypted(reporter, report):
    reporter.post(reverse("intake:status_message"), {"body": "Balasan pelapor"})
    message = Message.objects.get()
    assert message.author_kind == "reporter" and b"Balasan pelapor" not in bytes(message.body_ct)


def test_reply_shows_on_the_page(reporter):
    reporter.post(reverse("intake:status_message"), {"body": "Balasan pelapor"})
    assert "Balasan pelapor" in reporter.get(reverse("intake:status_report")).content.decode()


def test_empty_reply_is_refused(reporter):
    response = reporter.post(reverse("intake:status_message"), {"body": ""})
    assert response.context["message_form"].errors == {"body": ["Isian ini wajib diisi."]}
    assert not Message.objects.exists()


def test_reply_needs_post(reporter):
    assert reporter.get(reverse("intake:status_message")).status_code == 405


def test_add_evidence(reporter, report):
    reporter.post(
        reverse("intake:status_evidence"),
        {
            "attachments": SimpleUploadedFile("tambahan.txt", b"bukti tambahan\n"),
        },
    )
    assert report[0].attachments.count() == 1


def test_evidence_needs_a_file(reporter, report):
    response = reporter.post(reverse("intake:status_evidence"), {"note": "x"})
    errors = response.context["evidence_form"].errors
    assert errors == {"attachments": ["Pilih sekurang-kurangnya satu berkas."]}
    assert not report[0].attachments.exists() and not Message.objects.exists()


def test_html_in_a_message_is_escaped(reporter):
    reporter.post(reverse("intake:status_message"), {"body": "<script>alert(1)</script>"})
    html = reporter.get(reverse("intake:status_report")).content.decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html


def test_logout_ends_the_session(reporter):
    reporter.post(reverse("intake:status_logout"))
    assert reporter.get(reverse("intake:status_report")).status_code == 404


def test_logout_clears_site_data(reporter):
    response = reporter.post(reverse("intake:status_logout"))
    assert "cookies" in response["Clear-Site-Data"]


def test_logout_needs_post(reporter):
    assert reporter.get(reverse("intake:status_logout")).status_code == 405


def test_session_ends_after_30_idle_minutes(reporter, monkeypatch):
    reporter.get(reverse("intake:status_report"))
    later = time.time() + 31 * 60
    monkeypatch.setattr(time, "time", lambda: later)
    assert reporter.get(reverse("intake:status_report")).status_code == 404


def test_session_survives_29_idle_minutes(reporter, monkeypatch):
    reporter.get(reverse("intake:status_report"))
    later = time.time() + 29 * 60
    monkeypatch.setattr(time, "time", lambda: later)
    assert reporter.get(reverse("intake:status_report")).status_code == 200


def test_session_without_keyring_cookie_is_ended(reporter, settings):
    del reporter.cookies[settings.WBS_KEYRING_COOKIE_NAME]
    assert reporter.get(reverse("intake:status_report")).status_code == 404


def test_session_store_alone_holds_no_report_key(reporter, report):
    from django.contrib.sessions.models import Session

    from wbs.vault.models import KeyGrant

    dump = "".join(json.dumps(s.get_decoded()) for s in Session.objects.all())
    # The keyring's JSON key, with its quotes: base64 ciphertext can hold the letters "rk" by
    # chance, never a quote.
    assert '\\"rk\\"' not in dump and '"rk"' not in dump and KeyGrant.objects.exists()


def test_session_key_changes_at_code_login(client, report):
    client.get(reverse("intake:status_login"))
    client.session.save()
    before = client.session.session_key
    client.post(reverse("intake:status_login"), {"access_code": report[1].access_code})
    assert client.session.session_key != before


def test_timeline_starts_with_received(reporter):
    from wbs.cases.models import PublicStage

    html = reporter.get(reverse("intake:status_report")).content.decode()
    assert str(PublicStage.DITERIMA.label) in html


def test_internal_notes_are_not_shown_to_the_reporter(reporter, report, staff):
    from conftest import PASSWORD
    from wbs.cases import sealing
    from wbs.vault import keys
    from wbs.vault.keyring import Keyring

    verifikator = staff["verifikator"]
    keyring = Keyring(
        user_id=verifikator.pk, private_key=keys.unlock_private_key(verifikator, PASSWORD)
    )
    sealing.add_message(
        keyring,
        report[0],
        body="Catatan internal staf",
        author_kind="staff",
        author=verifikator,
        kind=Message.Kind.NOTE,
    )
    assert (
        "Catatan internal staf"
        not in reporter.get(reverse("intake:status_report")).content.decode()
    )


# --- what the reporter's page says about where the report stands (issue 12 §6) ---------------


def _page(client, receipt):
    client.post(reverse("intake:status_login"), {"access_code": receipt.access_code})
    return client.get(reverse("intake:status_report")).content.decode()


def _stages(html):
    import re

    return re.findall(r'<span class="stage">([^<]+)</span>', html)


def test_the_running_stage_says_it_runs(client, staff):
    from wbs.cases import workflow
    from wbs.cases.tests.helpers import keyring_of

    report, receipt = submit(title="Laporan berjalan")
    verifikator = staff["verifikator"]
    workflow.apply(report, "start_verification", actor=verifikator, keyring=keyring_of(verifikator))
    assert _stages(_page(client, receipt))[-1] == "Sedang diverifikasi"


def test_a_completion_request_gives_its_deadline_as_a_date(client, staff):
    from wbs.cases import workflow
    from wbs.cases.tests.helpers import keyring_of

    report, receipt = submit(title="Laporan kurang lengkap")
    verifikator = staff["verifikator"]
    keyring = keyring_of(verifikator)
    workflow.apply(report, "start_verification", actor=verifikator, keyring=keyring)
    workflow.apply(
        report,
        "request_completion",
        actor=verifikator,
        keyring=keyring,
        data={"message": "Mohon lengkapi nama terlapor."},
    )
    report.refresh_from_db()
    html = _page(client, receipt)
    notice = html.split('class="notice notice-warning completion-due"')[1].split("</p>")[0]
    day = report.stage_due_on
    months = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus"]
    months += ["September", "Oktober", "November", "Desember"]
    assert f"{day.day} {months[day.month - 1]} {day.year}" in notice


def test_a_closed_report_puts_its_outcome_first(client, staff):
    import datetime

    from wbs.cases.models import Status
    from wbs.cases.tests.helpers import put_in_state

    report, receipt = submit(title="Laporan selesai")
    put_in_state(report, Status.SELESAI, outcome="terbukti", closed_on=datetime.date(2026, 11, 30))
    html = _page(client, receipt)
    outcome = html.split('class="notice outcome-notice"')[1].split("</div>")[0]
    assert "Terbukti" in outcome and "30 November 2026" in outcome
    assert html.index("outcome-notice") < html.index('id="timeline-h"'), "above the timeline"

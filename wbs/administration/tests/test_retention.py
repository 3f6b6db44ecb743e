"""Retention and destruction (UU 27/2022): purge_expired destroys closed reports past the
retention period and not on legal hold — keys, rows and ciphertext files — and leaves a
destruction entry without content in the audit trail."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from wbs.audit.models import AuditEvent
from wbs.cases import retention
from wbs.cases.models import Attachment, Report, Status
from wbs.directory.models import OrganisationProfile
from wbs.monitoring.tests import fixtures as fx
from wbs.vault.models import AccessCode, KeyGrant

pytestmark = pytest.mark.django_db
S = Status
A = "/staf/administrasi/retensi/"


def _years_ago(years, days=0):
    today = timezone.localdate()
    return today.replace(year=today.year - years) - datetime.timedelta(days=days)


def _closed(report, closed_on, status=S.SELESAI, **fields):
    return fx.place(report, status=status, closed_on=closed_on, **fields)


@pytest.fixture
def old(staff):
    """A report with an attachment, closed six years ago (retention: 5 years)."""
    report, code = fx.submit_with_attachment()
    _closed(report, _years_ago(6))
    return report, code


def _exists(report) -> bool:
    return Report.objects.filter(pk=report.pk).exists()


def _purge(capture):
    with capture(execute=True):
        return retention.purge_expired()


def test_expired_report_is_destroyed(old, django_capture_on_commit_callbacks):
    report, _code = old
    assert _purge(django_capture_on_commit_callbacks) == 1
    assert not _exists(report)


def test_keys_and_access_code_are_gone(old, django_capture_on_commit_callbacks):
    report, _code = old
    assert KeyGrant.objects.filter(report_id=report.pk).exists()
    _purge(django_capture_on_commit_callbacks)
    assert not KeyGrant.objects.filter(report_id=report.pk).exists()
    assert not AccessCode.objects.filter(report_id=report.pk).exists()


def test_access_code_no_longer_opens(old, django_capture_on_commit_callbacks):
    from wbs.vault import access

    _report, code = old
    _purge(django_capture_on_commit_callbacks)
    assert access.open_with_access_code(code) is None


def test_attachment_files_are_gone(old, settings, django_capture_on_commit_callbacks):
    report, _code = old
    blobs = [
        n
        for pair in Attachment.objects.filter(report=report).values_list(
            "original_blob", "cleaned_blob"
        )
        for n in pair
        if n
    ]
    assert blobs and set(blobs) <= set(fx.stored_files(settings))
    _purge(django_capture_on_commit_callbacks)
    assert not set(blobs) & set(fx.stored_files(settings))


def test_attachment_rows_are_gone(old, django_capture_on_commit_callbacks):
    report, _code = old
    _purge(django_capture_on_commit_callbacks)
    assert not Attachment.objects.filter(report_id=report.pk).exists()


def test_destruction_is_logged_without_content(old, django_capture_on_commit_callbacks):
    report, _code = old
    _purge(django_capture_on_commit_callbacks)
    event = AuditEvent.objects.get(verb="report.destroyed")
    assert event.payload["registration_number"] == report.registration_number
    assert fx.TITLE not in str(event.payload) and event.target_id == str(report.pk)


def test_other_reports_keep_their_files(old, settings, django_capture_on_commit_callbacks):
    _other, _code = fx.submit_with_attachment(title="LAPORAN-LAIN")
    kept = fx.stored_files(settings)
    report, _code = old
    own = {
        n
        for pair in report.attachments.values_list("original_blob", "cleaned_blob")
        for n in pair
        if n
    }
    _purge(django_capture_on_commit_callbacks)
    assert set(fx.stored_files(settings)) == set(kept) - own


def test_legal_hold_keeps_the_report(old, django_capture_on_commit_callbacks):
    report, _code = old
    retention.set_legal_hold(report, hold=True, reason="Perkara 12/Pid.Sus", actor=None)
    assert _purge(django_capture_on_commit_callbacks) == 0
    assert _exists(report)


def test_destroy_refuses_a_held_report(old):
    report, _code = old
    fx.place(report, legal_hold=True)
    with pytest.raises(PermissionError):
        retention.destroy(report)


def test_open_report_is_kept(staff, django_capture_on_commit_callbacks):
    report, _receipt = fx.submit()
    fx.place(report, status=S.DITELAAH, received_on=_years_ago(8))
    assert _purge(django_capture_on_commit_callbacks) == 0 and _exists(report)


def test_recently_closed_report_is_kept(staff, django_capture_on_commit_callbacks):
    report, _receipt = fx.submit()
    _closed(report, _years_ago(1), received_on=_years_ago(7))
    assert _purge(django_capture_on_commit_callbacks) == 0 and _exists(report)


def test_report_closed_exactly_at_the_cutoff_is_kept(staff, django_capture_on_commit_callbacks):
    report, _receipt = fx.submit()
    _closed(report, retention.cutoff())
    assert _purge(django_capture_on_commit_callbacks) == 0 and _exists(report)


def test_rejected_reports_expire_too(staff, django_capture_on_commit_callbacks):
    report, _receipt = fx.submit()
    _closed(report, _years_ago(5, days=1), status=S.DITOLAK)
    assert _purge(django_capture_on_commit_callbacks) == 1


def test_retention_years_come_from_the_profile(staff, django_capture_on_commit_callbacks):
    report, _receipt = fx.submit()
    _closed(report, _years_ago(3))
    OrganisationProfile.get()
    OrganisationProfile.objects.update(retention_years=2)
    assert _purge(django_capture_on_commit_callbacks) == 1


# --- the command ------------------------------------------------------------------------------


def test_command_destroys(old, django_capture_on_commit_callbacks):
    report, _code = old
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("purge_expired", stdout=out)
    assert "1 laporan dimusnahkan" in out.getvalue() and not _exists(report)


def test_command_logs_a_system_actor(old, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("purge_expired", stdout=io.StringIO())
    assert AuditEvent.objects.get(verb="report.destroyed").actor_kind == "system"


def test_dry_run_counts_without_destroying(old, settings):
    report, _code = old
    files = fx.stored_files(settings)
    out = io.StringIO()
    call_command("purge_expired", "--dry-run", stdout=out)
    assert "1 laporan akan dimusnahkan" in out.getvalue()
    assert _exists(report) and fx.stored_files(settings) == files
    assert not AuditEvent.objects.filter(verb="report.destroyed").exists()


# --- the retention page -----------------------------------------------------------------------


def test_page_counts_the_expired(old, as_staff):
    response = as_staff("admin").get(A)
    assert response.status_code == 200 and response.context["expired"] == 1


def test_destroy_now_needs_the_word(old, as_staff):
    report, _code = old
    response = as_staff("admin").post(A, {"confirm": "hapus"})
    assert response.status_code == 400 and _exists(report)


def test_destroy_now_with_musnahkan(old, as_staff, staff, django_capture_on_commit_callbacks):
    report, _code = old
    with django_capture_on_commit_callbacks(execute=True):
        response = as_staff("admin").post(A, {"confirm": "MUSNAHKAN"})
    assert response.status_code == 302 and not _exists(report)
    assert AuditEvent.objects.get(verb="report.destroyed").actor == staff["admin"]


def test_legal_hold_through_the_page(old, as_staff):
    report, _code = old
    as_staff("admin").post(
        A, {"registration_number": report.registration_number, "hold": "on", "reason": "Perkara 7"}
    )
    report.refresh_from_db()
    assert report.legal_hold and report.legal_hold_reason == "Perkara 7"
    assert AuditEvent.objects.filter(verb="report.legal_hold").count() == 1


def test_release_hold_through_the_page(old, as_staff):
    report, _code = old
    fx.place(report, legal_hold=True, legal_hold_reason="x")
    as_staff("admin").post(
        A, {"registration_number": report.registration_number, "hold": "off", "reason": "Selesai"}
    )
    report.refresh_from_db()
    assert not report.legal_hold
    assert AuditEvent.objects.filter(verb="report.legal_hold_released").count() == 1


def test_hold_for_an_unknown_number(old, as_staff):
    response = as_staff("admin").post(
        A, {"registration_number": "WBS-0000-XXXX", "hold": "on", "reason": "x"}
    )
    assert response.context["hold_form"].errors == {
        "registration_number": ["Tidak ada laporan dengan nomor ini."]
    }
    assert not Report.objects.filter(legal_hold=True).exists()


def test_retention_page_is_for_the_admin_only(old, as_staff):
    report, _code = old
    assert as_staff("inspektur").post(A, {"confirm": "MUSNAHKAN"}).status_code == 403
    assert _exists(report)

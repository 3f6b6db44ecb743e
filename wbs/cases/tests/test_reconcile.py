"""Issue 11 §4: `manage.py reconcile` (and the daily tasks) report blobs without rows, rows
without blobs, changed ciphertext, reports only the recovery key can open and grants held by
deactivated accounts — and never delete or change anything."""

import io
import os
import time

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command

from wbs.audit.models import AuditEvent
from wbs.cases import reconcile
from wbs.cases.models import Attachment
from wbs.cases.tests.helpers import checked_upload
from wbs.intake.tests.factories import submit
from wbs.vault import files
from wbs.vault.models import KeyGrant

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(staff):
    report, _receipt = submit(uploads=[checked_upload()])
    return report


def _age(name: str, hours: float = 2) -> None:
    path = files.storage().path(name)
    then = time.time() - hours * 3600
    os.utime(path, (then, then))


def _run(*args):
    out = io.StringIO()
    call_command("reconcile", *args, stdout=out)
    return out.getvalue()


def test_a_consistent_installation_has_nothing_to_reconcile(report):
    findings = reconcile.run()
    assert findings.clean and findings.counts() == dict.fromkeys(findings.counts(), 0)
    event = AuditEvent.objects.get(verb="system.reconciled")
    assert event.payload == findings.counts()
    assert "Tidak ada yang perlu direkonsiliasi." in _run()


def test_a_blob_without_a_row_is_listed_and_kept(report):
    orphan = files.storage().save("ab/orphan", ContentFile(b"ciphertext"))
    fresh = files.storage().save("cd/fresh", ContentFile(b"ciphertext"))
    _age(orphan)
    findings = reconcile.run()
    assert findings.blobs_without_rows == [orphan]
    assert findings.recent_blobs_skipped == 1  # a submission may be storing it right now
    output = _run()
    assert orphan in output and fresh not in output
    assert files.storage().exists(orphan) and files.storage().exists(fresh)


def test_a_row_without_its_blob_is_listed(report):
    attachment = Attachment.objects.get()
    files.storage().delete(attachment.original_blob)
    findings = reconcile.run()
    assert findings.rows_without_blobs == [(report.registration_number, attachment.original_blob)]
    assert Attachment.objects.filter(pk=attachment.pk).exists()
    output = _run()
    assert f"{report.registration_number}: {attachment.original_blob}" in output


def test_changed_ciphertext_is_found_with_digests(report):
    attachment = Attachment.objects.get()
    path = files.storage().path(attachment.cleaned_blob)
    data = bytearray(open(path, "rb").read())  # noqa: SIM115
    data[-1] ^= 1
    with open(path, "wb") as fh:
        fh.write(data)
    assert reconcile.run().damaged_blobs == []  # only with --digests
    found = reconcile.run(digests=True).damaged_blobs
    assert found == [(report.registration_number, attachment.cleaned_blob)]
    assert attachment.cleaned_blob in _run("--digests")


def test_reports_only_the_recovery_key_opens_and_grants_of_deactivated_accounts(report, staff):
    holders = {grant.user for grant in KeyGrant.objects.filter(report=report, user__isnull=False)}
    assert holders
    for user in holders:
        user.is_active = False
        user.save(update_fields=["is_active"])
    findings = reconcile.run()
    assert findings.recovery_only == [report.registration_number]
    assert {user for _number, user in findings.removed_user_grants} == {
        user.username for user in holders
    }
    grants = KeyGrant.objects.filter(report=report).count()
    output = _run()
    assert "Laporan yang hanya dapat dibuka dengan kunci pemulihan: 1" in output
    assert KeyGrant.objects.filter(report=report).count() == grants  # nothing removed


def test_strict_ends_with_status_1_when_something_is_found(report):
    files.storage().delete(Attachment.objects.get().original_blob)
    with pytest.raises(CommandError):
        _run("--strict")
    files.storage().save(Attachment.objects.get().original_blob, ContentFile(b"x"))
    _run("--strict")  # found nothing missing now (the content is another matter: --digests)


def test_the_daily_tasks_reconcile_too(report):
    files.storage().delete(Attachment.objects.get().original_blob)
    out = io.StringIO()
    call_command("daily_tasks", stdout=out)
    assert "rows_without_blobs=1" in out.getvalue()
    assert AuditEvent.objects.filter(verb="system.reconciled").count() == 1

"""Issue 11 §3 (fault drill): a corrupted or truncated attachment file is found on download —
refused with a clear message, the administrators and key holders alerted, nothing served — and
by verify_backup, even when the damage happened before the backup was taken."""

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from wbs.accounts.models import Alert
from wbs.audit.models import AuditEvent
from wbs.cases.models import Attachment
from wbs.cases.tests.helpers import checked_upload, logged_in
from wbs.intake.tests.factories import submit
from wbs.vault import files

pytestmark = pytest.mark.django_db


@pytest.fixture
def attachment(staff):
    report, _receipt = submit(uploads=[checked_upload()])
    return Attachment.objects.get(report=report)


def _damage(name: str, how: str) -> None:
    path = Path(files.storage().path(name))
    data = path.read_bytes()
    if how == "flipped":
        data = data[:100] + bytes([data[100] ^ 1]) + data[101:]
    elif how == "truncated":
        data = data[: len(data) // 2]
    path.write_bytes(data)
    if how == "missing":
        path.unlink()


@pytest.mark.parametrize("how", ["flipped", "truncated", "missing"])
@pytest.mark.parametrize("original", [False, True])
def test_a_damaged_file_is_refused_on_download_and_reported(staff, attachment, how, original):
    _damage(attachment.original_blob if original else attachment.cleaned_blob, how)
    client = logged_in(staff["inspektur"])
    number = attachment.report.registration_number
    name = "cases:download_original" if original else "cases:download"
    url = reverse(name, args=[number, attachment.pk])
    response = client.post(url) if original else client.get(url)
    assert response.status_code == 302 and response["Location"] == reverse(
        "cases:case", args=[number]
    )
    page = client.get(response["Location"]).content.decode()
    assert "rusak atau hilang di penyimpanan lampiran" in page
    event = AuditEvent.objects.get(verb="attachment.damaged")
    assert event.payload == {"attachment": str(attachment.pk), "original": original}
    assert not AuditEvent.objects.filter(verb__startswith="attachment.downloaded").exists()
    alerted = set(
        Alert.objects.filter(verb="attachment.damaged").values_list(
            "recipient__username", flat=True
        )
    )
    assert {"inspektur", "admin"} <= alerted


def test_an_intact_file_is_still_served(staff, attachment):
    client = logged_in(staff["inspektur"])
    url = reverse("cases:download", args=[attachment.report.registration_number, attachment.pk])
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content)


def _backup(tmp_path) -> Path:
    folder = tmp_path / "cadangan"
    call_command("backup", output=str(folder), stdout=io.StringIO(), stderr=io.StringIO())
    return folder


def _verify(folder) -> str:
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("verify_backup", str(folder), stdout=io.StringIO(), stderr=err)
    return err.getvalue()


def test_verify_backup_finds_a_file_damaged_before_the_backup(staff, attachment, tmp_path):
    _damage(attachment.cleaned_blob, "flipped")
    folder = _backup(tmp_path)  # its manifest records the damaged file's checksum
    problems = _verify(folder)
    assert (
        "tidak sesuai dengan barisnya (rusak)" in problems and attachment.cleaned_blob in problems
    )


def test_verify_backup_finds_a_file_truncated_in_the_backup(staff, attachment, tmp_path):
    folder = _backup(tmp_path)
    copy = folder / "attachments" / attachment.original_blob
    copy.write_bytes(copy.read_bytes()[:10])
    problems = _verify(folder)
    assert attachment.original_blob in problems and "checksum berbeda" in problems

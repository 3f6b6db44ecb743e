"""Backup and restore: the database and the attachment store, ciphertext only, with a manifest
of checksums; verify_backup finds any change; a restore into an empty database and store gives
back reports that a staff key opens (the round trip of issue §7)."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from conftest import PASSWORD, login_staff
from wbs.administration.models import BackupRun
from wbs.cases import evidence, sealing
from wbs.cases.models import Attachment, Report
from wbs.monitoring.tests import fixtures as fx
from wbs.vault import access, keys
from wbs.vault import recovery as recovery_keys
from wbs.vault.keyring import Keyring

pytestmark = pytest.mark.django_db
FILE_MARKER = b"ISI-LAMPIRAN-9PQ"


def _quiet():
    return {"stdout": io.StringIO(), "stderr": io.StringIO()}


@pytest.fixture
def backed_up(staff, recovery, tmp_path):
    """Two reports (one confidential, one with an attachment) and a backup of them."""
    fx.submit(title=fx.TITLE, description=fx.DESCRIPTION, identity=fx.vault_identity())
    report, code = fx.submit_with_attachment(title="JUDUL-LAMPIRAN-H6T")
    folder = tmp_path / "backup"
    call_command("backup", output=str(folder), **_quiet())
    return {"folder": folder, "report": report, "code": code, "passphrase": recovery["passphrase"]}


def _files(folder):
    return [p for p in folder.rglob("*") if p.is_file()]


def _verify(folder):
    call_command("verify_backup", str(folder), **_quiet())


# --- the backup folder ------------------------------------------------------------------------


def test_backup_has_database_attachments_and_manifest(backed_up):
    folder = backed_up["folder"]
    assert (folder / "database.json").is_file() and (folder / "manifest.json").is_file()
    assert _files(folder / "attachments")


def test_manifest_lists_every_file_with_a_checksum(backed_up):
    folder = backed_up["folder"]
    manifest = json.loads((folder / "manifest.json").read_text())
    listed = set(manifest["files"])
    present = {str(p.relative_to(folder)) for p in _files(folder) if p.name != "manifest.json"}
    assert listed == present and all(len(h) == 64 for h in manifest["files"].values())


def test_manifest_counts(backed_up):
    manifest = json.loads((backed_up["folder"] / "manifest.json").read_text())
    assert manifest["reports"] == 2
    blobs = [
        n
        for pair in Attachment.objects.values_list("original_blob", "cleaned_blob")
        for n in pair
        if n
    ]
    assert manifest["attachments"] == len(blobs) == len(_files(backed_up["folder"] / "attachments"))


def test_backup_run_is_recorded(backed_up):
    assert BackupRun.objects.get().reports == 2


def test_backup_holds_no_plaintext(backed_up):
    markers = [
        fx.TITLE.encode(),
        fx.DESCRIPTION.encode(),
        fx.IDENTITY_NAME.encode(),
        b"JUDUL-LAMPIRAN-H6T",
        FILE_MARKER,
        backed_up["code"].encode(),
        backed_up["passphrase"].encode(),
    ]
    found = [
        (str(path), marker)
        for path in _files(backed_up["folder"])
        for marker in markers
        if marker in path.read_bytes()
    ]
    assert found == []


def test_backup_holds_no_secret_settings(backed_up, settings):
    secrets = [settings.WBS_PEPPER.encode(), settings.SECRET_KEY.encode()]
    assert not any(s in p.read_bytes() for p in _files(backed_up["folder"]) for s in secrets)


def test_backup_into_a_non_empty_folder_is_refused(backed_up):
    with pytest.raises(CommandError):
        call_command("backup", output=str(backed_up["folder"]), **_quiet())


# --- verify -----------------------------------------------------------------------------------


def test_fresh_backup_verifies(backed_up):
    out = io.StringIO()
    call_command("verify_backup", str(backed_up["folder"]), stdout=out, stderr=io.StringIO())
    assert "Cadangan lengkap dan tidak berubah." in out.getvalue()


def test_a_changed_byte_fails_verification(backed_up):
    path = backed_up["folder"] / "database.json"
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    with pytest.raises(CommandError):
        _verify(backed_up["folder"])


def test_a_changed_attachment_fails_verification(backed_up):
    path = next(p for p in _files(backed_up["folder"] / "attachments"))
    data = bytearray(path.read_bytes())
    data[-1] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(CommandError):
        _verify(backed_up["folder"])


def test_a_missing_file_fails_verification(backed_up):
    next(p for p in _files(backed_up["folder"] / "attachments")).unlink()
    with pytest.raises(CommandError):
        _verify(backed_up["folder"])


def test_an_added_file_fails_verification(backed_up):
    (backed_up["folder"] / "attachments" / "extra.bin").write_bytes(b"x")
    with pytest.raises(CommandError):
        _verify(backed_up["folder"])


def test_a_missing_manifest_fails_verification(backed_up):
    (backed_up["folder"] / "manifest.json").unlink()
    with pytest.raises(CommandError):
        _verify(backed_up["folder"])


# --- restore ----------------------------------------------------------------------------------


def test_restore_into_a_non_empty_database_is_refused(backed_up):
    with pytest.raises(CommandError, match="tidak kosong"):
        call_command("restore", str(backed_up["folder"]), **_quiet())


def test_restore_of_a_tampered_backup_is_refused(backed_up):
    path = backed_up["folder"] / "database.json"
    path.write_bytes(path.read_bytes() + b" ")
    with pytest.raises(CommandError, match="tidak lolos pemeriksaan"):
        call_command("restore", str(backed_up["folder"]), **_quiet())


@pytest.fixture
def restored(backed_up, settings, tmp_path):
    """Empty the database and point the attachment store at a new empty folder, then restore."""
    call_command("flush", interactive=False, verbosity=0)
    assert not Report.objects.exists()
    settings.STORAGES = {
        **settings.STORAGES,
        "attachments": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "new-store")},
        },
    }
    assert fx.stored_files(settings) == []
    out = io.StringIO()
    call_command("restore", str(backed_up["folder"]), stdout=out, stderr=io.StringIO())
    return {**backed_up, "out": out.getvalue()}


@pytest.mark.django_db(transaction=True)
def test_round_trip_reads_the_report_back_with_a_staff_key(restored):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username="verifikator")
    keyring = Keyring(user_id=user.pk, private_key=keys.unlock_private_key(user, PASSWORD))
    report = Report.objects.get(pk=restored["report"].pk)
    assert sealing.open_title(keyring, report) == "JUDUL-LAMPIRAN-H6T"
    attachment = report.attachments.get()
    _info, chunks = evidence.open_attachment(keyring, attachment, original=True)
    assert b"".join(chunks) == fx.FILE_TEXT
    assert "Berhasil dipulihkan: 2 laporan" in restored["out"]


@pytest.mark.django_db(transaction=True)
def test_round_trip_through_the_log_in(restored, settings):
    from django.contrib.auth import get_user_model
    from django.test import Client

    user = get_user_model().objects.get(username="verifikator")
    client = login_staff(Client(), user)
    number = restored["report"].registration_number
    html = client.get(f"/staf/laporan/{number}/").content.decode()
    assert "JUDUL-LAMPIRAN-H6T" in html
    assert len(fx.stored_files(settings)) == len(_files(restored["folder"] / "attachments"))


@pytest.mark.django_db(transaction=True)
def test_round_trip_keeps_the_reporters_access_code(restored):
    opened = access.open_with_access_code(restored["code"])
    assert opened is not None and opened[0].pk == restored["report"].pk


@pytest.mark.django_db(transaction=True)
def test_round_trip_keeps_the_recovery_key(restored):
    assert recovery_keys.open_recovery_key(restored["passphrase"]) is not None


@pytest.mark.django_db(transaction=True)
def test_a_backup_made_before_models_moved_still_restores(staff, recovery, tmp_path, settings):
    """RoleRequest lived in administration and ReporterNotice in intake: an older backup names
    them so, and restoring it keeps their rows."""
    import hashlib

    from wbs.accounts.models import RoleRequest
    from wbs.cases.models import ReporterNotice

    report, _code = fx.submit_with_attachment(title="JUDUL-LAMA-2RT")
    RoleRequest.objects.create(
        user=staff["pembina"], role="verifikator", requested_by=staff["admin"]
    )
    ReporterNotice.objects.create(report=report, user=staff["pembina"])
    requests = RoleRequest.objects.count()  # with the personas' approvals
    folder = tmp_path / "old-backup"
    call_command("backup", output=str(folder), **_quiet())
    dump = folder / "database.json"
    old = dump.read_text()
    old = old.replace('"accounts.rolerequest"', '"administration.rolerequest"')
    old = old.replace('"cases.reporternotice"', '"intake.reporternotice"')
    dump.write_text(old)
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["files"]["database.json"] = hashlib.sha256(dump.read_bytes()).hexdigest()
    (folder / "manifest.json").write_text(json.dumps(manifest))
    call_command("flush", interactive=False, verbosity=0)
    settings.STORAGES = {
        **settings.STORAGES,
        "attachments": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "new-store")},
        },
    }
    call_command("restore", str(folder), **_quiet())
    assert RoleRequest.objects.get(user=staff["pembina"]).role == "verifikator"
    assert RoleRequest.objects.count() == requests
    assert ReporterNotice.objects.get().report_id == report.pk

"""Issue 11 §3 (fault drill): the attachment store or the temporary upload folder is full. The
sender gets a clear refusal in Indonesian and keeps what they typed, nothing partial is left
(no report row, no file in the store, no temporary copy), and the application keeps serving.

Each case runs on a real, tiny tmpfs when this machine lets us mount one (root, as on CI), and
with a store that fails the way a full disk does otherwise."""

import errno
import os
import subprocess
from pathlib import Path

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from wbs.cases.models import Attachment, Report
from wbs.intake.tests.factories import form_data, submit
from wbs.vault import files

pytestmark = pytest.mark.django_db
URL = "/lapor/"
TITLE = "Pungutan pada layanan sertifikasi guru"


def _text_file(megabytes: float, name="catatan.txt"):
    line = b"Catatan pembayaran kepada petugas kepegawaian tanggal 14 Maret.\n"
    return SimpleUploadedFile(name, line * int(megabytes * 1024 * 1024 // len(line)))


@pytest.fixture
def tiny_disk(tmp_path):
    """A 1 MB tmpfs, unmounted afterwards; skipped where mounting is not allowed."""
    mount = tmp_path / "tiny"
    mount.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root (CI runs as root)")
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m,mode=0700", "tmpfs", str(mount)],
        capture_output=True,
    )
    if done.returncode != 0:
        pytest.skip("this machine does not allow mounting a tmpfs")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def _store_on(settings, folder: Path):
    settings.STORAGES = {
        **settings.STORAGES,
        "attachments": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(folder)},
        },
    }


def _stored_files(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()]


def _assert_refused_and_kept(response):
    text = response.content.decode()
    assert response.status_code == 503
    assert "tidak ada yang tersimpan" in text and TITLE in text
    assert Report.objects.count() == 0 and Attachment.objects.count() == 0


def _assert_still_serving():
    assert Client().get("/").status_code == 200
    assert Client().post(URL, form_data()).status_code == 302  # a report without files


class _FullDisk(FileSystemStorage):
    """Writes part of a file, then fails as a full disk does."""

    def _save(self, name, content):
        path = Path(self.path(name))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.read()[:1000])
        raise OSError(errno.ENOSPC, "No space left on device")


def test_a_full_attachment_store_refuses_clearly_and_leaves_nothing(staff, tmp_path, monkeypatch):
    folder = tmp_path / "store"
    full = _FullDisk(location=str(folder))
    monkeypatch.setattr(files, "storage", lambda: full)
    response = Client().post(URL, {**form_data(), "attachments": [_text_file(0.1)]})
    _assert_refused_and_kept(response)
    assert _stored_files(folder) == []  # the partly written file was removed


def test_a_really_full_attachment_store(staff, settings, tiny_disk):
    _store_on(settings, tiny_disk)
    files_ = [_text_file(0.7, "satu.txt"), _text_file(0.7, "dua.txt")]
    response = Client().post(URL, {**form_data(), "attachments": files_})
    _assert_refused_and_kept(response)
    assert _stored_files(tiny_disk) == []
    _assert_still_serving()


def test_a_full_store_refuses_reporter_evidence_too(staff, tmp_path, monkeypatch):
    _report, receipt = submit()
    client = Client()
    client.post("/status/", {"access_code": receipt.access_code})
    full = _FullDisk(location=str(tmp_path / "store"))
    monkeypatch.setattr(files, "storage", lambda: full)
    response = client.post(
        "/status/bukti/", {"attachments": [_text_file(0.1)], "note": "CATATAN-X"}
    )
    assert response.status_code == 503
    assert "tidak ada yang disimpan" in response.content.decode()
    assert Attachment.objects.count() == 0


def test_a_really_full_temporary_folder(staff, settings, tiny_disk):
    settings.FILE_UPLOAD_TEMP_DIR = str(tiny_disk)
    # Over the 2 MB kept in memory, so the encrypted spool is written to the (full) folder.
    response = Client().post(URL, {**form_data(), "attachments": [_text_file(3, "besar.txt")]})
    text = response.content.decode()
    assert response.status_code == 400
    assert "“besar.txt” tidak dapat diterima" in text and TITLE in text
    assert Report.objects.count() == 0 and _stored_files(tiny_disk) == []
    _assert_still_serving()

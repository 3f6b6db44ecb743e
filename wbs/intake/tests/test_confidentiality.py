"""The confidentiality promise, end to end: a submission carrying a unique marker in every field
and every file leaves no plaintext in the database, the attachment store, the temp folders or
the logs (issue #2 §2; checklist items 33 and 37)."""

import io
import logging
import os
import tempfile
import time
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from PIL import Image

from wbs.intake.tests.factories import form_data
from wbs.vault.tests.test_vault import _dump_database

pytestmark = pytest.mark.django_db

MARKER = "RAHASIAK9X4"


def _jpeg_with_marker() -> bytes:
    image = Image.new("RGB", (64, 64), "white")
    exif = Image.Exif()
    exif[0x013B] = f"Artist {MARKER}"  # Artist
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


def _files_containing(root: Path, needle: bytes, since: float) -> list[str]:
    found = []
    for dirpath, _dirs, files in os.walk(root):
        for name in files:
            path = Path(dirpath) / name
            try:
                if path.stat().st_mtime < since or path.stat().st_size > 200_000_000:
                    continue
                if needle in path.read_bytes() or needle in name.encode():
                    found.append(str(path))
            except OSError:
                continue
    return found


@pytest.fixture
def submitted(client, staff, settings, caplog, tmp_path):
    caplog.set_level(logging.DEBUG)
    connection.force_debug_cursor = True
    started = time.time() - 1
    data = form_data(
        title=f"Judul {MARKER}",
        description=f"Uraian {MARKER} yang cukup panjang untuk diterima oleh formulir.",
        location=f"Lokasi {MARKER}",
        incident_period=f"Periode {MARKER}",
        estimated_loss="123456789",
        reported_elsewhere="yes",
        reported_elsewhere_to=f"Tempat {MARKER}",
        identity_mode="confidential",
        identity_name=f"Nama {MARKER}",
        identity_nip="198507152010011003",
        identity_unit=f"Unit {MARKER}",
        identity_contact=f"kontak-{MARKER}@example.org",
        **{
            "accused-0-name": f"Terlapor {MARKER}",
            "accused-0-position": f"Jabatan {MARKER}",
            "accused-0-unit": f"Unit terlapor {MARKER}",
        },
    )
    big = (f"{MARKER} baris bukti\n" * 400_000).encode()  # ~10 MB: above the memory threshold
    data["attachments"] = [
        SimpleUploadedFile(f"bukti-{MARKER}.txt", big, content_type="text/plain"),
        SimpleUploadedFile(f"foto-{MARKER}.jpg", _jpeg_with_marker(), content_type="image/jpeg"),
    ]
    response = client.post(reverse("intake:report_new"), data)
    assert response.status_code == 302
    receipt = client.get(reverse("intake:receipt")).content.decode()
    import re

    code = re.search(r"[0-9A-Z]{4}(-[0-9A-Z]{4}){5}", re.sub(r"<[^>]+>", "", receipt)).group(0)
    # Each step must succeed, or its markers would never be written and the scans below
    # would pass without having tested anything.
    from wbs.cases.models import Attachment, Message

    assert client.post(reverse("intake:status_login"), {"access_code": code}).status_code == 302
    messages_before = Message.objects.count()
    replied = client.post(reverse("intake:status_message"), {"body": f"Balasan {MARKER}"})
    assert replied.status_code == 302 and Message.objects.count() == messages_before + 1
    files_before = Attachment.objects.count()
    added = client.post(
        reverse("intake:status_evidence"),
        {
            "attachments": SimpleUploadedFile(f"tambahan-{MARKER}.txt", f"{MARKER}\n".encode()),
            "note": f"Catatan {MARKER}",
        },
    )
    assert added.status_code == 302 and Attachment.objects.count() == files_before + 1
    connection.force_debug_cursor = False
    return {
        "started": started,
        "code": code,
        "settings": settings,
        "caplog": caplog,
        "tmp_path": tmp_path,
    }


def test_database_holds_no_marker(submitted):
    assert MARKER.encode() not in _dump_database()


def test_attachment_store_holds_no_marker(submitted):
    root = Path(submitted["settings"].STORAGES["attachments"]["OPTIONS"]["location"])
    assert _files_containing(root, MARKER.encode(), 0) == []


def test_upload_temp_folder_holds_no_marker(submitted):
    root = Path(submitted["settings"].FILE_UPLOAD_TEMP_DIR)
    assert _files_containing(root, MARKER.encode(), 0) == []


def test_system_temp_folder_holds_no_marker(submitted):
    root = Path(tempfile.gettempdir())
    assert _files_containing(root, MARKER.encode(), submitted["started"]) == []


def test_logs_hold_no_marker_or_code(submitted):
    text = "\n".join(
        f"{r.name} {r.getMessage()} {getattr(r, 'sql', '')} {getattr(r, 'params', '')}"
        for r in submitted["caplog"].records
    )
    assert MARKER not in text and submitted["code"] not in text


def test_logs_hold_no_file_name(submitted):
    text = "\n".join(r.getMessage() for r in submitted["caplog"].records)
    assert "bukti-" not in text and "foto-" not in text


def test_attachment_checksums_are_of_ciphertext(submitted):
    import hashlib

    from wbs.cases.models import Attachment

    big = (f"{MARKER} baris bukti\n" * 400_000).encode()
    assert hashlib.sha256(big).hexdigest() not in set(
        Attachment.objects.values_list("original_ct_sha256", flat=True)
    )

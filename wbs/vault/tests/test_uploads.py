"""Checklist item 33: uploads never reach a disk in plaintext."""

import os

import pytest
from django.core.files.uploadhandler import TemporaryFileUploadHandler

from wbs.vault.uploads import EncryptingUploadHandler, read_plaintext

MARKER = b"PLAINTEXTMARKER"
DATA = MARKER * (700_000)  # ~10 MB, far above any in-memory threshold


def _feed(handler, data=DATA):
    handler.new_file("file", "bukti.txt", "text/plain", len(data))
    for start in range(0, len(data), handler.chunk_size):
        handler.receive_data_chunk(data[start : start + handler.chunk_size], start)
    return handler.file_complete(len(data))


def _disk_bytes(upload) -> bytes:
    inner = upload.file._file if hasattr(upload.file, "_file") else upload.file
    assert not isinstance(inner, __import__("io").BytesIO), "expected a file on disk"
    with os.fdopen(os.dup(inner.fileno()), "rb") as fh:
        fh.seek(0)
        return fh.read()


def test_django_default_handler_would_spool_plaintext(settings, tmp_path):
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    upload = _feed(TemporaryFileUploadHandler())
    assert MARKER in _disk_bytes(upload)  # the danger this module exists for
    upload.close()


def test_encrypted_temp_upload_holds_no_plaintext_on_disk(settings, tmp_path):
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    upload = _feed(EncryptingUploadHandler())
    on_disk = _disk_bytes(upload)
    assert len(on_disk) > len(DATA) and MARKER not in on_disk


def test_encrypted_temp_upload_reads_back(settings, tmp_path):
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    upload = _feed(EncryptingUploadHandler())
    assert read_plaintext(upload) == DATA


def test_temp_file_is_removed_on_close(settings, tmp_path):
    spool = tmp_path / "spool"
    spool.mkdir()
    settings.FILE_UPLOAD_TEMP_DIR = str(spool)
    upload = _feed(EncryptingUploadHandler())
    upload.close()
    assert os.listdir(spool) == []


def test_file_over_the_limit_is_marked_and_discarded(settings, tmp_path):
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    settings.WBS_MAX_FILE_BYTES = 1024 * 1024
    upload = _feed(EncryptingUploadHandler())
    assert upload.too_large
    with pytest.raises(ValueError):
        read_plaintext(upload)

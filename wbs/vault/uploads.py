"""An upload handler that never lets plaintext reach a disk.

Django's default handlers keep small files in memory and spool large ones to the OS temp folder
in plaintext. This one encrypts every chunk with a per-file random key (held only in memory)
before writing it to a spooled temporary file; the plaintext is read back into memory only when
the file is checked and re-encrypted for storage.
"""

import contextlib
import tempfile

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler

from . import crypto

_AD = b"wbs:v1:upload-temp"
_SPOOL_BYTES = 2 * 1024 * 1024


class EncryptedUpload(UploadedFile):
    """An uploaded file whose temporary copy is ciphertext. `too_large` is set when the file
    went over the per-file limit (its data was discarded as it arrived)."""

    def __init__(self, *, name, content_type, charset, content_type_extra):
        # Lives as long as the upload; closed by close() at the end of the request.
        self._spool = tempfile.SpooledTemporaryFile(  # noqa: SIM115
            max_size=_SPOOL_BYTES, dir=settings.FILE_UPLOAD_TEMP_DIR
        )
        super().__init__(self._spool, name, content_type, 0, charset, content_type_extra)
        self._key = crypto.new_key()
        self._encryptor = crypto.StreamEncryptor(self._key, ad=_AD)
        self.too_large = False

    def _append(self, data: bytes) -> None:
        if self.too_large:
            return
        self.size += len(data)
        if self.size > settings.WBS_MAX_FILE_BYTES:
            self.too_large = True
            self._spool.seek(0)
            self._spool.truncate()
            return
        self._spool.write(self._encryptor.push(data))

    def _finish(self) -> None:
        if not self.too_large:
            self._spool.write(self._encryptor.finish())
        self._spool.seek(0)

    def read(self, *args, **kwargs):  # pragma: no cover - guard against accidental use
        raise RuntimeError("use wbs.vault.uploads.read_plaintext()")

    def chunks(self, chunk_size=None):  # pragma: no cover - guard against accidental use
        raise RuntimeError("use wbs.vault.uploads.read_plaintext()")

    def close(self):
        self._key = b""
        with contextlib.suppress(OSError):
            self._spool.close()


def read_plaintext(upload: EncryptedUpload) -> bytes:
    """The whole file, decrypted into memory (bounded by WBS_MAX_FILE_BYTES)."""
    if upload.too_large:
        raise ValueError("file over the limit")
    upload._spool.seek(0)
    data = b"".join(crypto.decrypt_stream(upload._key, upload._spool.read, ad=_AD))
    upload._spool.seek(0)
    return data


class EncryptingUploadHandler(FileUploadHandler):
    chunk_size = crypto.FILE_CHUNK

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.file = EncryptedUpload(
            name=self.file_name,
            content_type=self.content_type,
            charset=self.charset,
            content_type_extra=self.content_type_extra,
        )

    def receive_data_chunk(self, raw_data, start):
        self.file._append(raw_data)
        return None

    def file_complete(self, file_size):
        self.file._finish()
        return self.file

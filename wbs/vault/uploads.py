"""Evidence files on their way in: an upload handler that never lets plaintext reach a disk,
the form field that receives them, and the checks every file passes before it is stored.

Django's default handlers keep small files in memory and spool large ones to the OS temp folder
in plaintext. This one encrypts every chunk with a per-file random key (held only in memory)
before writing it to a spooled temporary file; the plaintext is read back into memory only when
the file is checked (content type, cleaning, antivirus) and re-encrypted for storage.

The reporter side and the staff side both take files through `MultipleFileField` and
`check_uploads` (the report form: `check_each`, `hold_checked`); refusals come back as
`UploadProblem` with messages naming the file for its sender only (`file_label`), never logged.
Checks run inside a request's unpacking budget (`within_request_budget`).
"""

import contextlib
import dataclasses
import errno
import functools
import logging
import tempfile

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import antivirus, crypto, filecheck, files, held_files

logger = logging.getLogger("wbs.vault.uploads")

_AD = b"wbs:v1:upload-temp"
_SPOOL_BYTES = 2 * 1024 * 1024


class EncryptedUpload(UploadedFile):
    """An uploaded file whose temporary copy is ciphertext. `too_large` is set when the file
    went over the per-file limit, `no_room` when the temporary folder was full (in both cases
    its data was discarded as it arrived)."""

    def __init__(self, *, name, content_type, charset, content_type_extra):
        # Lives as long as the upload; closed by close() at the end of the request.
        self._spool = tempfile.SpooledTemporaryFile(  # noqa: SIM115
            max_size=_SPOOL_BYTES, dir=settings.FILE_UPLOAD_TEMP_DIR
        )
        super().__init__(self._spool, name, content_type, 0, charset, content_type_extra)
        self._key = crypto.new_key()
        self._encryptor = crypto.StreamEncryptor(self._key, ad=_AD)
        self.too_large = False
        self.no_room = False

    def _discard(self) -> None:
        with contextlib.suppress(OSError):
            self._spool.seek(0)
            self._spool.truncate()

    def _write(self, data: bytes) -> None:
        try:
            self._spool.write(data)
        except OSError as exc:
            if exc.errno not in files.NO_ROOM:
                raise
            logger.error("temporary upload folder full (%s)", errno.errorcode[exc.errno])
            self.no_room = True
            self._discard()

    def _append(self, data: bytes) -> None:
        if self.too_large or self.no_room:
            return
        self.size += len(data)
        if self.size > settings.WBS_MAX_FILE_BYTES:
            self.too_large = True
            self._discard()
            return
        self._write(self._encryptor.push(data))

    def _finish(self) -> None:
        if not (self.too_large or self.no_room):
            self._write(self._encryptor.finish())
        with contextlib.suppress(OSError):
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
    if upload.too_large or upload.no_room:
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


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several evidence files in one field (optional by default); cleans to a list."""

    widget = MultipleFileInput

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if not data:
            return []
        files = data if isinstance(data, list | tuple) else [data]
        return [f for f in files if f]


MSG_MALWARE = gettext_lazy(
    "The antivirus found malware in this file, so it was not accepted. Send a clean copy, or "
    "describe the evidence in the report instead."
)


MSG_NO_ROOM = gettext_lazy(
    "%(file)s could not be received: the server has no room for it at the moment. Nothing was "
    "stored; try again later (what you typed is still here)."
)
MSG_NO_ROOM_NOW = gettext_lazy(
    "The server has no room for this file at the moment. Nothing was stored; try again later."
)
MSG_FILES_NOT_CHECKED = gettext_lazy(
    "Too much has been sent from here in a short time, so the files just chosen were not "
    "checked or kept. You can send the report now without them and add them later with your "
    "access code, or try again later: what you typed is still here."
)


class Spill:
    """Bytes moved out of memory until they are needed: encrypted under a key held only here,
    in a spooled temporary file (memory up to 2 MB, then FILE_UPLOAD_TEMP_DIR — ciphertext
    only), read back in chunks. Lets a request check many files one by one and store them later
    without holding them all in memory (issue 10 §3)."""

    def __init__(self, data: bytes):
        self.size = len(data)
        self._key = crypto.new_key()
        self._file = tempfile.SpooledTemporaryFile(  # noqa: SIM115 - closed by close()
            max_size=_SPOOL_BYTES, dir=settings.FILE_UPLOAD_TEMP_DIR
        )
        pieces = (data[i : i + crypto.FILE_CHUNK] for i in range(0, len(data), crypto.FILE_CHUNK))
        for part in crypto.encrypt_stream(self._key, pieces, ad=_AD):
            self._file.write(part)

    def chunks(self):
        self._file.seek(0)
        yield from crypto.decrypt_stream(self._key, self._file.read, ad=_AD)

    def read(self) -> bytes:
        return b"".join(self.chunks())

    def close(self) -> None:
        self._key = b""
        with contextlib.suppress(OSError):
            self._file.close()


class CheckedUpload:
    """A file that passed the content checks, kept (the original and the cleaned copy, each a
    `Spill`) until it is stored encrypted. `scan` is the antivirus verdict (antivirus.CLEAN,
    UNAVAILABLE or OFF); `checked` describes the file (its `cleaned` bytes live in the spill)."""

    def __init__(self, name: str, checked: filecheck.CheckedFile, data: bytes, scan: str = ""):
        self.name = name  # as chosen: only for the sender's own messages, never logged
        self.position = 0  # its place among the files chosen together (for "File 2")
        self.display_name = filecheck.safe_display_name(name)
        self.scan = scan or antivirus.OFF
        self.original = Spill(data)
        self.cleaned = Spill(checked.cleaned) if checked.cleaned is not None else None
        self.checked = dataclasses.replace(checked, cleaned=None)

    @property
    def size(self) -> int:
        return self.original.size

    @property
    def data(self) -> bytes:
        """The original, read back whole (a held copy is made of it)."""
        return self.original.read()

    def release(self) -> None:
        self.original.close()
        if self.cleaned is not None:
            self.cleaned.close()


def inspect_upload(upload) -> CheckedUpload:
    """Decrypt an upload from its encrypted temporary file, check its content and scan it.
    Raises filecheck.FileRejected with a message for the person who sent it."""
    return inspect_bytes(upload.name or "", read_plaintext(upload))


def inspect_bytes(name: str, data: bytes) -> CheckedUpload:
    """The antivirus sees the file before any parser of ours touches it; then its content
    is checked and cleaned (only the checks that read no content come first)."""
    filecheck.precheck(data, name)
    verdict = antivirus.scan_bytes(data)
    if verdict.infected:
        raise filecheck.FileRejected(MSG_MALWARE, code="malware")
    checked = filecheck.check_and_clean(data, name)
    try:
        return CheckedUpload(name, checked, data, verdict.status)
    except OSError as exc:
        if exc.errno not in files.NO_ROOM:
            raise
        logger.error("temporary upload folder full (%s)", errno.errorcode[exc.errno])
        raise filecheck.FileRejected(MSG_NO_ROOM_NOW, code="no_room") from None


def worth_checking(upload) -> bool:
    """A file the content checks will open: not refused already by its size, its name or a full
    temporary folder (those cost nothing and are not counted against the sender's limit)."""
    if getattr(upload, "too_large", False) or getattr(upload, "no_room", False):
        return False
    return bool(upload.size) and filecheck.extension(upload.name or "") in (
        filecheck.ALLOWED_EXTENSIONS
    )


def request_budget():
    """All Office files checked within one request together unpack to at most
    WBS_MAX_UNPACKED_MB_PER_REQUEST (each to at most filecheck's per-file limit)."""
    return filecheck.unpack_budget(settings.WBS_MAX_UNPACKED_BYTES_PER_REQUEST)


def check_each(files, held: list) -> tuple[list[CheckedUpload], list[str]]:
    """The report form's new files, each checked once and on its own, within the limits of one
    report (number of files, bytes in all, counting `held`: the files already held). Returns
    (the files that pass, a message naming each refused file)."""
    passed, problems = [], []
    count, total = len(held), sum(item.size for item in held)
    max_mb = settings.WBS_MAX_FILE_BYTES // (1024 * 1024)
    for index, upload in enumerate(files, start=len(held) + 1):
        label = file_label(upload.name, index)
        if getattr(upload, "too_large", False):
            problems.append(_("%(file)s is larger than %(mb)d MB.") % {"file": label, "mb": max_mb})
            continue
        if getattr(upload, "no_room", False):
            problems.append(str(MSG_NO_ROOM) % {"file": label})
            continue
        if count >= settings.WBS_MAX_FILES_PER_REQUEST:
            problems.append(
                _("%(file)s: a report takes at most %(n)d files at a time.")
                % {"file": label, "n": settings.WBS_MAX_FILES_PER_REQUEST}
            )
            continue
        try:
            checked = inspect_upload(upload)
        except filecheck.FileRejected as exc:
            problems.append(f"{label}: {exc.message}")
            continue
        if total + checked.size > settings.WBS_MAX_REPORT_BYTES:
            problems.append(
                _("%(file)s: all evidence of one report together may be at most %(mb)d MB.")
                % {"file": label, "mb": settings.WBS_MAX_REPORT_BYTES // (1024 * 1024)}
            )
            continue
        checked.position = index
        passed.append(checked)
        count, total = count + 1, total + checked.size
    return passed, problems


def hold_checked(checked: list[CheckedUpload]) -> tuple[list, list[str]]:
    """The page goes back to the sender: files that passed (`check_each`) are held
    (wbs.vault.held_files) within the folder's quota, so they need not be chosen again.
    Returns (the held files, a message for each file that could not be kept)."""
    kept, problems = [], []
    for item in checked:
        if not held_files.room_left():
            problems.append(
                _("%(file)s could not be kept for now: choose it again before sending.")
                % {"file": file_label(item.name, item.position)}
            )
            continue
        try:
            kept.append(held_files.hold(item.name, item.data))
        except OSError:  # the temporary folder is full: the file is chosen again later
            problems.append(
                _("%(file)s could not be kept for now: choose it again before sending.")
                % {"file": file_label(item.name, item.position)}
            )
    return kept, problems


def within_request_budget(view):
    """A view whose file checks share one unpacking budget (`request_budget`)."""

    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        with request_budget():
            return view(*args, **kwargs)

    return wrapped


def held_uploads(held: list) -> list[CheckedUpload]:
    """The held files as checked uploads, checked again like any file. Raises UploadProblem
    naming a file whose held copy is gone or unreadable: it is never dropped in silence."""
    result, problems = [], []
    for index, item in enumerate(held, start=1):
        opened = held_files.read(item.token)
        if opened is None:
            problems.append(
                _("%(file)s was not kept (too long ago): choose it again.")
                % {"file": file_label(item.name, index)}
            )
            continue
        try:
            result.append(inspect_bytes(*opened))
        except filecheck.FileRejected as exc:
            problems.append(f"{file_label(item.name, index)}: {exc.message}")
    if problems:
        raise UploadProblem(problems)
    return result


def file_label(name: str | None, index: int) -> str:
    """How a refusal names a file to the person who chose it: its own name (the base name,
    control characters dropped, shortened), or "Berkas 2" when it has none. The message goes
    back only to that person's page or API response; it is never logged."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if ch.isprintable()).strip()
    if not base:
        return _("File %(n)d") % {"n": index}
    if len(base) > 60:
        base = base[:40] + "…" + base[-15:]
    return f"“{base}”"


class UploadProblem(Exception):
    """One or more files were refused; `messages` are for the sender, each naming the file
    (`file_label`) — never written to a log."""

    def __init__(self, messages: list[str]):
        super().__init__("upload refused")
        self.messages = messages


def check_uploads(
    files, *, already_stored_bytes: int = 0, already_chosen: int = 0
) -> list[CheckedUpload]:
    """Check every file by content and size (`already_chosen`: files held from an earlier
    round trip, counted in the limit). Raises UploadProblem listing each refusal."""
    if len(files) + already_chosen > settings.WBS_MAX_FILES_PER_REQUEST:
        raise UploadProblem(
            [
                _("You can attach at most %(n)d files at a time.")
                % {"n": settings.WBS_MAX_FILES_PER_REQUEST}
            ]
        )
    problems: list[str] = []
    checked: list[CheckedUpload] = []
    total = already_stored_bytes
    max_mb = settings.WBS_MAX_FILE_BYTES // (1024 * 1024)
    for index, upload in enumerate(files, start=already_chosen + 1):
        label = file_label(upload.name, index)
        if getattr(upload, "too_large", False):
            problems.append(_("%(file)s is larger than %(mb)d MB.") % {"file": label, "mb": max_mb})
            continue
        if getattr(upload, "no_room", False):
            problems.append(str(MSG_NO_ROOM) % {"file": label})
            continue
        total += upload.size
        try:
            checked.append(inspect_upload(upload))
        except filecheck.FileRejected as exc:
            problems.append(f"{label}: {exc.message}")
    if total > settings.WBS_MAX_REPORT_BYTES:
        problems.append(
            _("All evidence of one report together may be at most %(mb)d MB.")
            % {"mb": settings.WBS_MAX_REPORT_BYTES // (1024 * 1024)}
        )
    if problems:
        raise UploadProblem(problems)
    return checked

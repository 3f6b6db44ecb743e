"""Limits, user-facing messages, the result and rejection types shared by every format module.

Confidentiality rule (for the whole package): no exception message ever contains the file name
or any part of the file content, and nothing here logs. Exceptions from the parsers are re-raised
as `FileRejected` with `from None`, so their (possibly content-bearing) text is not chained into
tracebacks either.
"""

from __future__ import annotations

import contextlib
import contextvars
from dataclasses import dataclass

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

# --------------------------------------------------------------------------------------------
# Limits

MAX_INPUT_BYTES = 20 * 1024 * 1024
MAX_IMAGE_PIXELS = 50_000_000
MAX_ZIP_ENTRIES = 2_000
# One Office file may unpack to this much; all files of one request together to
# WBS_MAX_UNPACKED_BYTES_PER_REQUEST (see `unpack_budget`).
MAX_ZIP_TOTAL_UNCOMPRESSED = 50 * 1024 * 1024
MAX_ZIP_RATIO = 200
# An entry smaller than this cannot be a bomb whatever its ratio (the total is capped anyway);
# very repetitive small XML parts legitimately compress better than 200:1.
ZIP_RATIO_MIN_ENTRY = 1024 * 1024
MAX_MP4_BOXES = 100_000
TEXT_MARKUP_WINDOW = 4096

# --------------------------------------------------------------------------------------------
# User-facing messages (English source, translated in locale/id)

MSG_NOT_ALLOWED = _(
    "The file type is not allowed. Allowed: PDF, JPG, PNG, DOCX, XLSX, TXT, MP3, M4A, MP4."
)
MSG_MISMATCH = _("The file name's extension does not match its content.")
MSG_DAMAGED = _("The file is damaged or cannot be read.")
MSG_ENCRYPTED = _("Encrypted or password-protected files cannot be accepted.")
MSG_EMPTY = _("The file is empty.")
MSG_TOO_BIG = _("The file is too large. The maximum size is %(mb)d MB.")
MSG_UNPACKED_TOO_LARGE = _("The archive is too large when unpacked.")
MSG_REQUEST_UNPACKED_TOO_LARGE = _(
    "The documents sent together are too large when unpacked (at most %(mb)d MB at a time): "
    "send this one on its own (after the report, with its access code)."
)
MSG_TOO_MANY_PARTS = _("The document consists of too many parts.")
MSG_SUSPICIOUS_COMPRESSION = _("The document is compressed in a suspicious way.")
MSG_MACROS = _(
    "Documents with macros cannot be accepted. Please save it as a normal DOCX or XLSX file."
)
MSG_IMAGE_TOO_LARGE = _("The image dimensions are too large.")
MSG_TEXT_MARKUP = _(
    "A text file must contain plain text only, not a web page or markup (HTML, SVG, XML)."
)
MSG_TEXT_ENCODING = _("A text file must be plain text saved in UTF-8 encoding.")

NOTE_VIDEO = _("Some container metadata may remain in video files.")
NOTE_EMBEDDED = _("Files embedded inside the document were not cleaned.")
NOTE_REVISIONS = _("Tracked changes and comments were kept; their author names were removed.")
NOTE_IMAGES = _("Some images inside the document could not be cleaned.")
NOTE_PDF_ATTACHMENTS = _(
    "Files attached inside the PDF were removed from the cleaned copy; the original keeps them."
)
NOTE_PDF_ACTIVE = _(
    "Scripts, automatic actions, links and interactive form layers were removed from the "
    "cleaned copy; the original keeps them."
)
NOTE_PDF_SIGNATURE = _("Digital signatures in the PDF are no longer valid in the cleaned copy.")


class FileRejected(Exception):
    """Raised with a user-facing message (a lazily translated string).

    `code` is a short stable identifier of the reason (e.g. "mismatch") for callers and tests; it
    never contains file names or content either.
    """

    def __init__(self, message, *, code: str = "rejected"):
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass(frozen=True)
class CheckedFile:
    kind: str
    content_type: str
    extension: str
    cleaned: bytes | None
    cleaning_note: str


# (limit, bytes left) for the Office files of this request; None: no request budget.
_unpack_left: contextvars.ContextVar[tuple[int, int] | None] = contextvars.ContextVar(
    "wbs_unpack_left", default=None
)


@contextlib.contextmanager
def unpack_budget(limit: int):
    """Within the block, all Office files checked together may unpack to `limit` bytes at most
    (their declared sizes, counted before anything is decompressed)."""
    token = _unpack_left.set((limit, limit))
    try:
        yield
    finally:
        _unpack_left.reset(token)


def spend_unpacked(size: int) -> None:
    """Take `size` unpacked bytes from the request's budget, or refuse the file."""
    budget = _unpack_left.get()
    if budget is None:
        return
    limit, left = budget
    if size > left:
        raise reject(
            MSG_REQUEST_UNPACKED_TOO_LARGE % {"mb": limit // (1024 * 1024)}, "request_unpacked"
        )
    _unpack_left.set((limit, left - size))


def reject(message, code: str) -> FileRejected:
    return FileRejected(message, code=code)


def damaged() -> FileRejected:
    return reject(MSG_DAMAGED, "damaged")


@contextlib.contextmanager
def untrusted(reasons: tuple = ()):
    """Run a parser on untrusted data. A refusal of ours passes through; an exception of a type
    named in `reasons` — (types, message, code) — becomes that refusal; any other becomes
    "damaged". The parser's own message never reaches anyone (`from None`): it may quote the
    file."""
    try:
        yield
    except FileRejected:
        raise
    except Exception as exc:
        for types, message, code in reasons:
            if isinstance(exc, types):
                raise reject(message, code) from None
        raise damaged() from None


def join_notes(notes: list) -> str:
    unique = []
    for note in notes:
        if note and note not in unique:
            unique.append(note)
    if not unique:
        return ""
    if len(unique) == 1:
        return unique[0]
    return format_lazy(" ".join(["{}"] * len(unique)), *unique)


_KIND_NAMES = {"jpeg": "JPG", "jpg": "JPG"}


def not_a(ext: str) -> str:
    """The refusal of a file whose content is not what its name says: "Berkas ini bukan PDF"."""
    kind = _KIND_NAMES.get(ext, ext.upper())
    return _(
        "This file is not a %(kind)s file: its content does not match its name (.%(ext)s)."
    ) % {
        "kind": kind,
        "ext": ext,
    }

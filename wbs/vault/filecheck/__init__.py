"""Checking and cleaning evidence files uploaded by anonymous reporters.

`check_and_clean` decides the file type from the CONTENT (never from the name), refuses
everything outside a short allow-list, defends against decompression and zip bombs, and returns a
copy with identifying metadata removed. Everything happens in memory: plaintext never touches the
disk, no temporary files, no subprocesses.

One module per format (`images`, `pdf`, `office` with its XML parts in `office_xml`, `audio`,
`video`), beside `sniff` (the type from the content), `names` (client-supplied file names) and
`common` (limits, messages, result and rejection types).

Confidentiality rule: no exception message produced here ever contains the file name or any part
of the file content, and this package does not log at all. Exceptions from the parsers are
re-raised as `FileRejected` with `from None`, so their (possibly content-bearing) text is not
chained into tracebacks either.
"""

from __future__ import annotations

from django.conf import settings

from .audio import clean_mp3
from .common import (
    MAX_INPUT_BYTES,
    MAX_ZIP_ENTRIES,
    MSG_DAMAGED,
    MSG_EMPTY,
    MSG_ENCRYPTED,
    MSG_IMAGE_TOO_LARGE,
    MSG_MACROS,
    MSG_MISMATCH,
    MSG_NOT_ALLOWED,
    MSG_SUSPICIOUS_COMPRESSION,
    MSG_TEXT_ENCODING,
    MSG_TEXT_MARKUP,
    MSG_TOO_BIG,
    MSG_TOO_MANY_PARTS,
    MSG_UNPACKED_TOO_LARGE,
    NOTE_EMBEDDED,
    NOTE_IMAGES,
    NOTE_PDF_ATTACHMENTS,
    NOTE_PDF_SIGNATURE,
    NOTE_REVISIONS,
    NOTE_VIDEO,
    CheckedFile,
    FileRejected,
    join_notes,
    not_a,
    reject,
    unpack_budget,
)
from .images import clean_image
from .names import extension, safe_display_name
from .office import clean_ooxml
from .pdf import clean_pdf
from .sniff import isobmff_kind, sniff
from .video import clean_mp4

__all__ = [
    "ALLOWED_EXTENSIONS",
    "MAX_INPUT_BYTES",
    "MAX_ZIP_ENTRIES",
    "MSG_DAMAGED",
    "MSG_EMPTY",
    "MSG_ENCRYPTED",
    "MSG_IMAGE_TOO_LARGE",
    "MSG_MACROS",
    "MSG_MISMATCH",
    "MSG_NOT_ALLOWED",
    "MSG_SUSPICIOUS_COMPRESSION",
    "MSG_TEXT_ENCODING",
    "MSG_TEXT_MARKUP",
    "MSG_TOO_BIG",
    "MSG_TOO_MANY_PARTS",
    "MSG_UNPACKED_TOO_LARGE",
    "NOTE_EMBEDDED",
    "NOTE_IMAGES",
    "NOTE_PDF_ATTACHMENTS",
    "NOTE_PDF_SIGNATURE",
    "NOTE_REVISIONS",
    "NOTE_VIDEO",
    "CheckedFile",
    "FileRejected",
    "check_and_clean",
    "precheck",
    "safe_display_name",
    "unpack_budget",
]

# kind -> (content type, canonical extension, accepted extensions)
_KINDS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "pdf": ("application/pdf", "pdf", ("pdf",)),
    "jpeg": ("image/jpeg", "jpg", ("jpg", "jpeg")),
    "png": ("image/png", "png", ("png",)),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "docx",
        ("docx",),
    ),
    "xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "xlsx",
        ("xlsx",),
    ),
    "text": ("text/plain; charset=utf-8", "txt", ("txt",)),
    "mp3": ("audio/mpeg", "mp3", ("mp3",)),
    "m4a": ("audio/mp4", "m4a", ("m4a",)),
    "mp4": ("video/mp4", "mp4", ("mp4",)),
}
ALLOWED_EXTENSIONS = frozenset(ext for _ct, _canon, exts in _KINDS.values() for ext in exts)


def precheck(data: bytes, filename: str) -> str:
    """The checks that read no content (type, emptiness, size, the name's extension), run
    before the antivirus and the parsers. Returns the extension; raises FileRejected."""
    if not isinstance(data, bytes | bytearray | memoryview):
        raise TypeError("data must be bytes")
    if not data:
        raise reject(MSG_EMPTY, "empty")
    # The installation's per-file limit (WBS_MAX_FILE_MB), the same one the upload handler
    # and the form state; MAX_INPUT_BYTES where no settings are configured.
    limit = getattr(settings, "WBS_MAX_FILE_BYTES", MAX_INPUT_BYTES)
    if len(data) > limit:
        raise reject(MSG_TOO_BIG % {"mb": limit // (1024 * 1024)}, "too_big")
    ext = extension(filename)
    if ext not in ALLOWED_EXTENSIONS:
        raise reject(MSG_NOT_ALLOWED, "not_allowed")
    return ext


def check_and_clean(data: bytes, filename: str) -> CheckedFile:
    """Detect the type from content, require a matching extension and return a cleaned copy.

    Raises FileRejected (with a translatable, name-free message) for anything not accepted.
    """
    data = bytes(data) if isinstance(data, bytearray | memoryview) else data
    ext = precheck(data, filename)

    try:
        kind = sniff(data, ext)
        if kind == "isobmff":
            kind = isobmff_kind(data, ext)
    except FileRejected as exc:
        if exc.code in ("not_allowed", "mismatch"):
            # An allowed name over content we do not accept: say what the file is not.
            raise reject(not_a(ext), exc.code) from None
        raise
    content_type, canonical_ext, accepted = _KINDS[kind]
    if ext not in accepted:
        raise reject(not_a(ext), "mismatch")

    if kind == "pdf":
        cleaned, notes = clean_pdf(data)
    elif kind in ("jpeg", "png"):
        cleaned, notes = clean_image(data, kind)
    elif kind in ("docx", "xlsx"):
        cleaned, notes = clean_ooxml(data, kind)
    elif kind == "mp3":
        cleaned, notes = clean_mp3(data)
    elif kind in ("m4a", "mp4"):
        cleaned, notes = clean_mp4(data, kind)
    else:  # text: nothing to remove
        cleaned, notes = data, []
    return CheckedFile(
        kind=kind,
        content_type=content_type,
        extension=canonical_ext,
        cleaned=cleaned,
        cleaning_note=join_notes(notes),
    )

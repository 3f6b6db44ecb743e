"""Checking and cleaning evidence files uploaded by anonymous reporters.

`check_and_clean` decides the file type from the CONTENT (never from the name), refuses
everything outside a short allow-list, defends against decompression and zip bombs, and returns a
copy with identifying metadata removed. Everything happens in memory: plaintext never touches the
disk, no temporary files, no subprocesses.

Confidentiality rule: no exception message produced here ever contains the file name or any part
of the file content, and this module does not log at all. Exceptions from the parsers are
re-raised as `FileRejected` with `from None`, so their (possibly content-bearing) text is not
chained into tracebacks either.
"""

from __future__ import annotations

import io
import re
import unicodedata
import xml.parsers.expat
import zipfile
from dataclasses import dataclass

import mutagen.mp3
import mutagen.mp4
import pikepdf
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps

# --------------------------------------------------------------------------------------------
# Limits

MAX_INPUT_BYTES = 20 * 1024 * 1024
MAX_IMAGE_PIXELS = 50_000_000
MAX_ZIP_ENTRIES = 2_000
MAX_ZIP_TOTAL_UNCOMPRESSED = 200 * 1024 * 1024
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
MSG_TOO_BIG = _("The file is too large. The maximum size is 20 MB.")
MSG_UNPACKED_TOO_LARGE = _("The archive is too large when unpacked.")
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
NOTE_PDF_ATTACHMENTS = _("Files attached inside the PDF were not cleaned.")
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


def _reject(message, code: str) -> FileRejected:
    return FileRejected(message, code=code)


def _damaged() -> FileRejected:
    return _reject(MSG_DAMAGED, "damaged")


def _join_notes(notes: list) -> str:
    unique = []
    for note in notes:
        if note and note not in unique:
            unique.append(note)
    if not unique:
        return ""
    if len(unique) == 1:
        return unique[0]
    return format_lazy(" ".join(["{}"] * len(unique)), *unique)


# --------------------------------------------------------------------------------------------
# File names

_NAME_MAX = 150
_EXT_MAX = 16


def safe_display_name(filename: str) -> str:
    """Make a client-supplied file name safe to store/display.

    Takes the last path component (both / and \\), drops NUL, control and invisible formatting
    characters (including bidi overrides), strips leading (and trailing) dots and whitespace,
    collapses whitespace, caps the length at 150 characters keeping the extension, and returns
    "berkas" when nothing is left.
    """
    name = unicodedata.normalize("NFC", str(filename or ""))
    name = re.split(r"[/\\]", name)[-1]
    kept = []
    for char in name:
        category = unicodedata.category(char)
        if category in ("Zl", "Zp"):
            kept.append(" ")
        elif category not in ("Cc", "Cf", "Cs", "Co", "Cn"):
            kept.append(char)
    name = " ".join("".join(kept).split())
    name = name.strip(". ")
    if len(name) > _NAME_MAX:
        stem, dot, ext = name.rpartition(".")
        if dot and stem and 0 < len(ext) <= _EXT_MAX and " " not in ext:
            stem = stem[: _NAME_MAX - len(ext) - 1].rstrip(". ")
            name = f"{stem}.{ext}" if stem else ext
        else:
            name = name[:_NAME_MAX].rstrip(". ")
    return name or "berkas"


def _extension(filename: str) -> str:
    stem, dot, ext = safe_display_name(filename).rpartition(".")
    return ext.lower() if dot and stem else ""


# --------------------------------------------------------------------------------------------
# Entry point


def check_and_clean(data: bytes, filename: str) -> CheckedFile:
    """Detect the type from content, require a matching extension and return a cleaned copy.

    Raises FileRejected (with a translatable, name-free message) for anything not accepted.
    """
    if not isinstance(data, bytes | bytearray | memoryview):
        raise TypeError("data must be bytes")
    data = bytes(data)
    if not data:
        raise _reject(MSG_EMPTY, "empty")
    if len(data) > MAX_INPUT_BYTES:
        raise _reject(MSG_TOO_BIG, "too_big")
    ext = _extension(filename)
    if ext not in ALLOWED_EXTENSIONS:
        raise _reject(MSG_NOT_ALLOWED, "not_allowed")

    kind = _sniff(data, ext)
    if kind == "isobmff":
        kind = _isobmff_kind(data, ext)
    content_type, canonical_ext, accepted = _KINDS[kind]
    if ext not in accepted:
        raise _reject(MSG_MISMATCH, "mismatch")

    if kind == "pdf":
        cleaned, notes = _clean_pdf(data)
    elif kind in ("jpeg", "png"):
        cleaned, notes = _clean_image(data, kind)
    elif kind in ("docx", "xlsx"):
        cleaned, notes = _clean_ooxml(data, kind)
    elif kind == "mp3":
        cleaned, notes = _clean_mp3(data)
    elif kind in ("m4a", "mp4"):
        cleaned, notes = _clean_mp4(data, kind)
    else:  # text: nothing to remove
        cleaned, notes = data, []
    return CheckedFile(
        kind=kind,
        content_type=content_type,
        extension=canonical_ext,
        cleaned=cleaned,
        cleaning_note=_join_notes(notes),
    )


# --------------------------------------------------------------------------------------------
# Sniffing

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_IMAGE_BRANDS = frozenset(
    {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1", b"avif", b"avis"}
    | {b"crx ", b"jp2 ", b"jpx ", b"jpm "}
)
_AUDIO_BRANDS = frozenset({b"M4A ", b"M4B ", b"F4A "})
_MARKUP_NEEDLES = (b"<script", b"<html", b"<svg", b"<!doctype", b"<iframe", b"<?xml")


def _sniff(data: bytes, ext: str) -> str:
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(_PNG_SIGNATURE):
        return "png"
    if data.startswith(b"PK\x03\x04"):
        return _ooxml_kind(data)
    if len(data) >= 12 and data[4:8] == b"ftyp":
        return "isobmff"
    if _is_id3_header(data) or _is_mpeg_sync(data):
        return "mp3"
    if data.startswith(_OLE_SIGNATURE):
        # Password-protected DOCX/XLSX files are OLE containers holding an EncryptionInfo stream.
        if "EncryptionInfo".encode("utf-16-le") in data:
            raise _reject(MSG_ENCRYPTED, "encrypted")
        raise _reject(MSG_NOT_ALLOWED, "not_allowed")
    return _sniff_text(data, ext)


def _is_id3_header(data: bytes) -> bool:
    return (
        len(data) >= 10
        and data[:3] == b"ID3"
        and data[3] in (2, 3, 4)
        and data[4] != 0xFF
        and all(b < 0x80 for b in data[6:10])
    )


def _is_mpeg_sync(data: bytes) -> bool:
    # 11 sync bits, a defined MPEG version and a defined layer.
    return (
        len(data) >= 4
        and data[0] == 0xFF
        and (data[1] & 0xE0) == 0xE0
        and (data[1] >> 3) & 0x03 != 0x01
        and (data[1] >> 1) & 0x03 != 0x00
    )


def _sniff_text(data: bytes, ext: str) -> str:
    text_ok = False
    body = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    if b"\x00" not in body:
        try:
            decoded = body.decode("utf-8")
        except UnicodeDecodeError:
            decoded = None
        if decoded is not None and not _has_bad_controls(decoded):
            text_ok = True
    if not text_ok:
        if ext == "txt":
            raise _reject(MSG_TEXT_ENCODING, "text_encoding")
        raise _reject(MSG_NOT_ALLOWED, "not_allowed")
    head = body.lstrip()
    window = body[:TEXT_MARKUP_WINDOW].lower()
    if head.startswith(b"<") or any(needle in window for needle in _MARKUP_NEEDLES):
        if ext == "txt":
            raise _reject(MSG_TEXT_MARKUP, "markup")
        raise _reject(MSG_NOT_ALLOWED, "not_allowed")
    return "text"


_BAD_CONTROLS = re.compile("[\x00-\x08\x0b\x0e-\x1f]")


def _has_bad_controls(text: str) -> bool:
    # Tab, LF, VT-less CR and FF are normal in text; other C0 controls mean binary data (or
    # terminal escape sequences, which have no place in evidence text).
    return _BAD_CONTROLS.search(text) is not None


# --------------------------------------------------------------------------------------------
# Images


def _clean_image(data: bytes, kind: str) -> tuple[bytes, list]:
    formats = ["JPEG"] if kind == "jpeg" else ["PNG"]
    try:
        image = Image.open(io.BytesIO(data), formats=formats)
    except Image.DecompressionBombError:
        raise _reject(MSG_IMAGE_TOO_LARGE, "image_too_large") from None
    except Exception:
        raise _damaged() from None
    try:
        with image:
            if image.format not in (("JPEG", "MPO") if kind == "jpeg" else ("PNG",)):
                raise _damaged()
            width, height = image.size
            if width <= 0 or height <= 0:
                raise _damaged()
            if width * height > MAX_IMAGE_PIXELS:
                raise _reject(MSG_IMAGE_TOO_LARGE, "image_too_large")
            image.load()  # decodes the first frame only (MPO/APNG extras are dropped)
            return _reencode(image, kind), []
    except FileRejected:
        raise
    except Image.DecompressionBombError:
        raise _reject(MSG_IMAGE_TOO_LARGE, "image_too_large") from None
    except Exception:
        raise _damaged() from None


def _reencode(image: Image.Image, kind: str) -> bytes:
    try:
        clean = ImageOps.exif_transpose(image)
    except Exception:
        # Unreadable EXIF must not cost the reporter the picture: keep it as stored.
        clean = image.copy()
    transparency = clean.info.get("transparency")
    # Pillow writes some info entries (ICC profile, JPEG comment) by default: start empty.
    clean.info = {}
    out = io.BytesIO()
    if kind == "jpeg":
        # JPEG decodes to L, RGB or CMYK; CMYK is converted for display in browsers.
        if clean.mode not in ("L", "RGB"):
            clean = clean.convert("RGB")
            clean.info = {}
        clean.save(out, format="JPEG", quality=90, optimize=True, exif=b"")
    else:
        if clean.mode not in ("1", "L", "LA", "P", "RGB", "RGBA", "I;16", "I"):
            clean = clean.convert("RGBA")
            clean.info = {}
        elif transparency is not None:
            clean.info = {"transparency": transparency}
        clean.save(out, format="PNG")
    return out.getvalue()


# Lossless metadata removal for images embedded in PDFs and Office documents (re-encoding those
# is not needed: their viewers ignore the removed segments anyway).

_JPEG_DROP_NOT = (
    (0xE0, b"JFIF\x00"),
    (0xE2, b"ICC_PROFILE\x00"),
    (0xEE, b"Adobe"),
)


def _strip_jpeg_segments(data: bytes) -> bytes | None:
    """Remove APPn (EXIF, XMP, MPF, IPTC, C2PA, ...) and COM segments and anything after EOI.

    Keeps JFIF, ICC and Adobe segments (they affect how the picture is decoded). Returns None when
    the stream cannot be walked.
    """
    size = len(data)
    if not data.startswith(b"\xff\xd8"):
        return None
    out = [b"\xff\xd8"]
    pos = 2
    in_scan = False
    while True:
        if in_scan:
            start = pos
            while True:
                j = data.find(b"\xff", pos)
                if j < 0 or j + 1 >= size:
                    return None
                following = data[j + 1]
                if following == 0x00 or 0xD0 <= following <= 0xD7:
                    pos = j + 2
                elif following == 0xFF:
                    pos = j + 1
                else:
                    break
            out.append(data[start:j])
            pos = j
            in_scan = False
        if pos >= size or data[pos] != 0xFF:
            return None
        while pos < size and data[pos] == 0xFF:
            pos += 1
        if pos >= size:
            return None
        marker = data[pos]
        pos += 1
        if marker == 0xD9:
            out.append(b"\xff\xd9")
            return b"".join(out)
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:
            out.append(bytes((0xFF, marker)))
            continue
        if pos + 2 > size:
            return None
        length = int.from_bytes(data[pos : pos + 2], "big")
        if length < 2 or pos + length > size:
            return None
        payload = data[pos + 2 : pos + length]
        drop = marker == 0xFE or (
            0xE0 <= marker <= 0xEF
            and not any(marker == m and payload.startswith(sig) for m, sig in _JPEG_DROP_NOT)
        )
        if not drop:
            out.append(bytes((0xFF, marker)) + data[pos : pos + length])
        pos += length
        if marker == 0xDA:
            in_scan = True


_PNG_DROP_CHUNKS = frozenset({b"tEXt", b"iTXt", b"zTXt", b"eXIf", b"tIME", b"caBX"})


def _strip_png_chunks(data: bytes) -> bytes | None:
    """Remove text, EXIF, time and C2PA chunks and anything after IEND; None if malformed."""
    if not data.startswith(_PNG_SIGNATURE):
        return None
    out = [_PNG_SIGNATURE]
    pos = len(_PNG_SIGNATURE)
    while pos + 12 <= len(data):
        length = int.from_bytes(data[pos : pos + 4], "big")
        chunk_type = data[pos + 4 : pos + 8]
        end = pos + 12 + length
        if end > len(data):
            return None
        if chunk_type not in _PNG_DROP_CHUNKS:
            out.append(data[pos:end])
        pos = end
        if chunk_type == b"IEND":
            return b"".join(out)
    return None


def _strip_embedded_image(content: bytes) -> tuple[bytes, bool]:
    """(cleaned content, ok) for a JPEG/PNG found inside a document; other data unchanged."""
    if content.startswith(b"\xff\xd8\xff"):
        stripped = _strip_jpeg_segments(content)
    elif content.startswith(_PNG_SIGNATURE):
        stripped = _strip_png_chunks(content)
    else:
        return content, True
    if stripped is None:
        return content, False
    return stripped, True


# --------------------------------------------------------------------------------------------
# PDF

_MARKUP_ANNOTATIONS = frozenset(
    {
        "/Text",
        "/FreeText",
        "/Line",
        "/Square",
        "/Circle",
        "/Polygon",
        "/PolyLine",
        "/Highlight",
        "/Underline",
        "/Squiggly",
        "/StrikeOut",
        "/Stamp",
        "/Caret",
        "/Ink",
        "/FileAttachment",
        "/Sound",
        "/Redact",
        "/Popup",
    }
)


def _clean_pdf(data: bytes) -> tuple[bytes, list]:
    try:
        # No recovery: a damaged file is refused instead of being silently patched up.
        pdf = pikepdf.open(io.BytesIO(data), attempt_recovery=False)
    except pikepdf.PasswordError:
        raise _reject(MSG_ENCRYPTED, "encrypted") from None
    except Exception:
        raise _damaged() from None
    try:
        with pdf:
            if len(pdf.pages) == 0:
                raise _damaged()
            notes = _scrub_pdf(pdf)
            out = io.BytesIO()
            # Streams are passed through undecoded (no decompression bomb, no re-rendering);
            # the encryption of owner-password-only files is removed; the /ID is derived from
            # the new content instead of the original document's identifier.
            pdf.save(
                out,
                fix_metadata_version=False,
                deterministic_id=True,
                stream_decode_level=pikepdf.StreamDecodeLevel.none,
                recompress_flate=False,
                encryption=False,
            )
            return out.getvalue(), notes
    except FileRejected:
        raise
    except pikepdf.PasswordError:
        raise _reject(MSG_ENCRYPTED, "encrypted") from None
    except Exception:
        raise _damaged() from None


def _scrub_pdf(pdf: pikepdf.Pdf) -> list:
    notes = []
    for key in ("/Info", "/ID"):
        if key in pdf.trailer:
            del pdf.trailer[key]
    dct = pikepdf.Name.DCTDecode
    for obj in pdf.objects:
        if isinstance(obj, pikepdf.Stream):
            dictionary = obj.stream_dict
        elif isinstance(obj, pikepdf.Dictionary):
            dictionary = obj
        else:
            continue
        for key in ("/Metadata", "/PieceInfo", "/LastModified", "/SpiderInfo"):
            if key in dictionary:
                del dictionary[key]
        if isinstance(obj, pikepdf.Stream):
            filters = dictionary.get("/Filter")
            if filters == dct or (
                isinstance(filters, pikepdf.Array) and len(filters) == 1 and filters[0] == dct
            ):
                raw = obj.read_raw_bytes()
                stripped = _strip_jpeg_segments(raw)
                if stripped is None:
                    notes.append(NOTE_IMAGES)
                elif stripped != raw:
                    parms = dictionary.get("/DecodeParms")
                    if parms is None:
                        obj.write(stripped, filter=dct)
                    else:
                        obj.write(stripped, filter=dct, decode_parms=parms)
        elif dictionary.get("/Type") == pikepdf.Name.Sig:
            notes.append(NOTE_PDF_SIGNATURE)
    for page in pdf.pages:
        for annot in page.obj.get("/Annots", pikepdf.Array()):
            if isinstance(annot, pikepdf.Dictionary):
                _scrub_annotation(annot)
                if annot.get("/Subtype") == pikepdf.Name.FileAttachment:
                    notes.append(NOTE_PDF_ATTACHMENTS)
    try:
        if len(pdf.attachments) > 0:
            notes.append(NOTE_PDF_ATTACHMENTS)
    except Exception:  # noqa: S110 - an odd name tree only means no attachment note
        pass
    return notes


def _scrub_annotation(annot: pikepdf.Dictionary) -> None:
    subtype = annot.get("/Subtype")
    if subtype is None:
        return
    if str(subtype) in _MARKUP_ANNOTATIONS:
        # /T of a markup annotation is its author (on widgets it is the form field name).
        for key in ("/T", "/M", "/CreationDate"):
            if key in annot:
                del annot[key]
    elif "/M" in annot:
        del annot["/M"]


# --------------------------------------------------------------------------------------------
# DOCX / XLSX

_EMPTY_CORE = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
    b"<cp:coreProperties"
    b' xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"'
    b' xmlns:dc="http://purl.org/dc/elements/1.1/"'
    b' xmlns:dcterms="http://purl.org/dc/terms/"'
    b' xmlns:dcmitype="http://purl.org/dc/dcmitype/"'
    b' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"/>'
)
_EMPTY_APP = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
    b"<Properties"
    b' xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"'
    b' xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"/>'
)
_EMPTY_CUSTOM = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
    b"<Properties"
    b' xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"'
    b' xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"/>'
)
_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)

_Q = rb"""(?:"[^"]*"|'[^']*')"""
_NS = rb"[A-Za-z_][\w.-]*:"
_RELATIONSHIP = re.compile(rb"<(?:" + _NS + rb")?Relationship\b[^>]*>")


def _attr(name: bytes, tag_prefixed: bool = True) -> re.Pattern:
    prefix = _NS if tag_prefixed else rb"(?:" + _NS + rb")?"
    return re.compile(rb"(\s" + prefix + name + rb"\s*=\s*)(" + _Q + rb")")


def _set_attr(pattern: re.Pattern, value: bytes, content: bytes) -> bytes:
    def repl(match: re.Match) -> bytes:
        quote = match.group(2)[:1]
        return match.group(1) + quote + value + quote

    return pattern.sub(repl, content)


def _drop(pattern: re.Pattern, content: bytes) -> bytes:
    return pattern.sub(b"", content)


def _element(local: bytes) -> re.Pattern:
    """An element (prefixed or not), empty or with content (non-nested)."""
    return re.compile(
        rb"<((?:" + _NS + rb")?)" + local + rb"\b[^>]*?(?:/>|>.*?</\1" + local + rb"\s*>)",
        re.S,
    )


_WORD_AUTHOR = _attr(rb"author")
_WORD_INITIALS = _attr(rb"initials")
_WORD_DATES = re.compile(rb"\s" + _NS + rb"(?:date|dateUtc)\s*=\s*" + _Q)
_WORD_RSID = re.compile(rb"\s" + _NS + rb"rsid\w*\s*=\s*" + _Q)
_WORD_RSIDS = _element(rb"rsids")
_WORD_PRESENCE = _element(rb"presenceInfo")
_WORD_TEMPLATE = _element(rb"attachedTemplate")
_WORD_REVISION = re.compile(rb"<" + _NS + rb"(?:ins|del|moveFrom|moveTo)\b")
_XL_AUTHOR_TEXT = re.compile(rb"(<(?:" + _NS + rb")?author>)([^<]*)(</(?:" + _NS + rb")?author>)")
_XL_ABSPATH = _element(rb"absPath")
_XL_REVISION_PTR = _element(rb"revisionPtr")
_XL_FILESHARING_USER = _attr(rb"userName", tag_prefixed=False)
_XL_DISPLAY_NAME = _attr(rb"displayName", tag_prefixed=False)
_XL_USER_ID = _attr(rb"userId", tag_prefixed=False)
_XL_PROVIDER_ID = _attr(rb"providerId", tag_prefixed=False)
_XL_NAME = _attr(rb"name", tag_prefixed=False)
_XL_DATE_TIME = re.compile(rb"\sdT\s*=\s*" + _Q)
_MACRO_NAMES = ("vbaproject.bin", "vbadata.xml")


def _ooxml_kind(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = {info.filename.lower() for info in archive.infolist()}
    except Exception:
        raise _damaged() from None
    if "[content_types].xml" not in names:
        raise _reject(MSG_NOT_ALLOWED, "not_allowed")
    is_docx = "word/document.xml" in names
    is_xlsx = "xl/workbook.xml" in names
    if is_docx == is_xlsx:
        raise _reject(MSG_NOT_ALLOWED, "not_allowed")
    return "docx" if is_docx else "xlsx"


def _check_archive(archive: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    infos = archive.infolist()
    if len(infos) > MAX_ZIP_ENTRIES:
        raise _reject(MSG_TOO_MANY_PARTS, "zip_entries")
    seen = set()
    total = 0
    for info in infos:
        lowered = info.filename.lower()
        if lowered in seen:
            raise _damaged()
        seen.add(lowered)
        if info.flag_bits & 0x1:
            raise _reject(MSG_ENCRYPTED, "encrypted")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise _damaged()
        if lowered.endswith(_MACRO_NAMES) or "/macrosheets/" in f"/{lowered}":
            raise _reject(MSG_MACROS, "macros")
        total += info.file_size
        if total > MAX_ZIP_TOTAL_UNCOMPRESSED:
            raise _reject(MSG_UNPACKED_TOO_LARGE, "zip_too_large")
        if info.file_size > ZIP_RATIO_MIN_ENTRY and (
            info.compress_size <= 0 or info.file_size / info.compress_size > MAX_ZIP_RATIO
        ):
            raise _reject(MSG_SUSPICIOUS_COMPRESSION, "zip_ratio")
    return infos


def _property_parts(rels: bytes) -> dict[str, bytes]:
    """Package-level core/app/custom property part names (lower case) -> replacement."""
    parts = {
        "docprops/core.xml": _EMPTY_CORE,
        "docprops/app.xml": _EMPTY_APP,
        "docprops/custom.xml": _EMPTY_CUSTOM,
    }
    replacements = {
        b"/metadata/core-properties": _EMPTY_CORE,
        b"/extended-properties": _EMPTY_APP,
        b"/custom-properties": _EMPTY_CUSTOM,
    }
    for tag in _RELATIONSHIP.findall(rels):
        rel_type = _attr_value(tag, b"Type")
        target = _attr_value(tag, b"Target")
        if not rel_type or not target:
            continue
        for suffix, replacement in replacements.items():
            if rel_type.endswith(suffix):
                name = target.decode("utf-8", "replace").lstrip("/").lower()
                parts[name] = replacement
    return parts


def _attr_value(tag: bytes, name: bytes) -> bytes | None:
    match = re.search(rb"\s" + name + rb"\s*=\s*(" + _Q + rb")", tag)
    return match.group(1)[1:-1] if match else None


def _scrub_rels(content: bytes) -> bytes:
    """Remove attached-template links and local file paths from relationship parts."""

    def repl(match: re.Match) -> bytes:
        tag = match.group(0)
        rel_type = _attr_value(tag, b"Type") or b""
        if rel_type.endswith(b"/attachedTemplate"):
            return b""
        mode = _attr_value(tag, b"TargetMode") or b""
        target = _attr_value(tag, b"Target") or b""
        if mode.lower() == b"external" and _is_local_path(target):
            return re.sub(rb"(\sTarget\s*=\s*)" + _Q, rb'\1"file:///removed"', tag, count=1)
        return tag

    content = _RELATIONSHIP.sub(repl, content)
    return content


def _is_local_path(target: bytes) -> bool:
    lowered = target.lower()
    return (
        lowered.startswith(b"file:")
        or lowered.startswith(b"\\\\")
        or re.match(rb"^[a-z]:[\\/]", lowered) is not None
        or lowered.startswith(b"/")
    )


def _scrub_word_part(name: str, content: bytes) -> bytes:
    content = _set_attr(_WORD_AUTHOR, b"Anonim", content)
    content = _set_attr(_WORD_INITIALS, b"", content)
    content = _drop(_WORD_DATES, content)
    content = _drop(_WORD_RSID, content)
    if name.endswith("people.xml"):
        content = _drop(_WORD_PRESENCE, content)
    if name == "word/settings.xml":
        content = _drop(_WORD_RSIDS, content)
        content = _drop(_WORD_TEMPLATE, content)
    return content


def _scrub_xl_part(name: str, content: bytes) -> bytes:
    if name == "xl/workbook.xml":
        content = _drop(_XL_ABSPATH, content)
        content = _drop(_XL_REVISION_PTR, content)
        content = _set_attr(_XL_FILESHARING_USER, b"", content)
    elif name.startswith("xl/comments"):
        content = _XL_AUTHOR_TEXT.sub(rb"\1Anonim\3", content)
    elif name.startswith("xl/persons/"):
        content = _set_attr(_XL_DISPLAY_NAME, b"Anonim", content)
        content = _set_attr(_XL_USER_ID, b"", content)
        content = _set_attr(_XL_PROVIDER_ID, b"None", content)
    elif name.startswith("xl/threadedcomments/"):
        content = _drop(_XL_DATE_TIME, content)
    elif name.startswith("xl/revisions/"):
        content = _set_attr(_XL_FILESHARING_USER, b"Anonim", content)
        if name.endswith("usernames.xml"):
            content = _set_attr(_XL_NAME, b"Anonim", content)
    return content


def _clean_ooxml(data: bytes, kind: str) -> tuple[bytes, list]:
    notes: list = []
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = _check_archive(archive)
            by_name = {info.filename.lower(): info for info in infos}
            content_types = archive.read(by_name["[content_types].xml"])
            _require_well_formed_xml(content_types)
            if b"macroenabled" in content_types.lower():
                raise _reject(MSG_MACROS, "macros")
            rels_info = by_name.get("_rels/.rels")
            rels = archive.read(rels_info) if rels_info else b""
            properties = _property_parts(rels)
            out = io.BytesIO()
            with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as result:
                for info in infos:
                    lowered = info.filename.lower()
                    if info.is_dir():
                        content = b""
                    elif lowered in properties:
                        content = properties[lowered]
                    else:
                        content = archive.read(info)
                        content = _clean_ooxml_part(lowered, content, kind, notes)
                    entry = zipfile.ZipInfo(info.filename, date_time=_ZIP_EPOCH)
                    entry.compress_type = zipfile.ZIP_DEFLATED
                    entry.external_attr = (0o40755 << 16) | 0x10 if info.is_dir() else 0o644 << 16
                    result.writestr(entry, content)
            return out.getvalue(), notes
    except FileRejected:
        raise
    except Exception:
        raise _damaged() from None


def _require_well_formed_xml(content: bytes) -> None:
    """Refuse malformed XML and DTDs (which OPC forbids) before any pattern is applied.

    Well-formedness also keeps the scrubbing patterns linear: every start tag is closed.
    """

    def doctype(*_args):
        raise ValueError("DTD")

    parser = xml.parsers.expat.ParserCreate()
    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = doctype
    parser.Parse(content, True)


def _clean_ooxml_part(lowered: str, content: bytes, kind: str, notes: list) -> bytes:
    if "/embeddings/" in f"/{lowered}" and content:
        notes.append(NOTE_EMBEDDED)
    if lowered.endswith(".rels"):
        _require_well_formed_xml(content)
        return _scrub_rels(content)
    if lowered.endswith(".xml"):
        prefix = "word/" if kind == "docx" else "xl/"
        if lowered.startswith(prefix):
            _require_well_formed_xml(content)
        if kind == "docx" and lowered.startswith("word/"):
            if lowered == "word/comments.xml" or _WORD_REVISION.search(content):
                notes.append(NOTE_REVISIONS)
            return _scrub_word_part(lowered, content)
        if kind == "xlsx" and lowered.startswith("xl/"):
            if lowered.startswith(("xl/comments", "xl/threadedcomments/")):
                notes.append(NOTE_REVISIONS)
            return _scrub_xl_part(lowered, content)
        return content
    content, ok = _strip_embedded_image(content)
    if not ok:
        notes.append(NOTE_IMAGES)
    return content


# --------------------------------------------------------------------------------------------
# MP3


def _clean_mp3(data: bytes) -> tuple[bytes, list]:
    try:
        original = mutagen.mp3.MP3(io.BytesIO(data))
        if original.info.sketchy:
            raise _damaged()
        stripped = _strip_mp3_trailer(_strip_id3_head(data))
        audio = mutagen.mp3.MP3(io.BytesIO(stripped))
        if audio.info.sketchy:
            raise _damaged()
        # Anything between the (removed) tags and the first audio frame is dropped as well.
        cleaned = stripped[audio.info.frame_offset :]
        check = mutagen.mp3.MP3(io.BytesIO(cleaned))
        if check.tags is not None or check.info.sketchy:
            raise _damaged()
        return cleaned, []
    except FileRejected:
        raise
    except Exception:
        raise _damaged() from None


def _syncsafe(raw: bytes) -> int:
    value = 0
    for byte in raw:
        if byte & 0x80:
            raise ValueError
        value = (value << 7) | byte
    return value


def _strip_id3_head(data: bytes) -> bytes:
    while data[:3] == b"ID3" and len(data) >= 10:
        total = 10 + _syncsafe(data[6:10]) + (10 if data[5] & 0x10 else 0)
        if total > len(data):
            raise ValueError
        data = data[total:]
    return data


def _strip_mp3_trailer(data: bytes) -> bytes:
    for _round in range(16):
        if len(data) >= 128 and data[-128:-125] == b"TAG":
            data = data[:-128]
            if len(data) >= 227 and data[-227:-223] == b"TAG+":
                data = data[:-227]
        elif len(data) >= 32 and data[-32:-24] == b"APETAGEX":
            size = int.from_bytes(data[-20:-16], "little")
            flags = int.from_bytes(data[-12:-8], "little")
            total = size + (32 if flags & 0x80000000 else 0)
            if total < 32 or total > len(data):
                raise ValueError
            data = data[:-total]
        elif len(data) >= 15 and data[-9:] == b"LYRICS200" and data[-15:-9].isdigit():
            total = int(data[-15:-9]) + 15
            if total > len(data):
                raise ValueError
            data = data[:-total]
        elif len(data) >= 10 and data[-10:-7] == b"3DI":
            total = _syncsafe(data[-4:]) + 20
            if total > len(data):
                raise ValueError
            data = data[:-total]
        else:
            return data
    raise ValueError


# --------------------------------------------------------------------------------------------
# M4A / MP4 (ISO base media file format)

# Boxes holding user data / tags / XMP, blanked wherever they occur in these containers.
_MP4_METADATA_BOXES = frozenset({b"udta", b"meta", b"uuid"})
_MP4_CONTAINERS = frozenset({b"moov", b"trak", b"mdia", b"moof", b"traf"})
_MP4_TIMED_HEADERS = frozenset({b"mvhd", b"tkhd", b"mdhd"})


def _isobmff_kind(data: bytes, ext: str) -> str:
    size = int.from_bytes(data[0:4], "big")
    if size < 16 or size > len(data):
        raise _damaged()
    brand = data[8:12]
    if brand in _IMAGE_BRANDS:
        raise _reject(MSG_NOT_ALLOWED, "not_allowed")
    if brand in _AUDIO_BRANDS:
        return "m4a"
    # Generic brands (isom, mp42, ...) named .m4a are audio if they carry no video track;
    # that is verified while cleaning.
    return "m4a" if ext == "m4a" else "mp4"


class _BoxError(Exception):
    pass


class _BoxWalker:
    def __init__(self, buffer: bytearray):
        self.buffer = buffer
        self.count = 0
        self.has_moov = False
        self.handlers: list[bytes] = []

    def boxes(self, start: int, end: int, top: bool = False):
        buffer = self.buffer
        pos = start
        while pos < end:
            if end - pos < 8:
                if top and not any(buffer[pos:end]):
                    return  # trailing zero padding
                raise _BoxError
            self.count += 1
            if self.count > MAX_MP4_BOXES:
                raise _BoxError
            size = int.from_bytes(buffer[pos : pos + 4], "big")
            box_type = bytes(buffer[pos + 4 : pos + 8])
            header = 8
            if size == 1:
                if end - pos < 16:
                    raise _BoxError
                size = int.from_bytes(buffer[pos + 8 : pos + 16], "big")
                header = 16
            elif size == 0:
                size = end - pos
            if size < header or pos + size > end:
                raise _BoxError
            yield box_type, pos, header, size
            pos += size

    def clean(self, start: int, end: int, depth: int = 0, top: bool = False) -> None:
        for box_type, pos, header, size in self.boxes(start, end, top):
            payload = pos + header
            if box_type == b"moov" and depth == 0:
                self.has_moov = True
            if box_type in _MP4_METADATA_BOXES:
                self._blank(pos, header, size)
            elif box_type in _MP4_CONTAINERS and depth < 8:
                self.clean(payload, pos + size, depth + 1)
            elif box_type in _MP4_TIMED_HEADERS:
                self._zero_times(payload, pos + size)
            elif box_type == b"hdlr" and pos + size - payload >= 12:
                self.handlers.append(bytes(self.buffer[payload + 8 : payload + 12]))

    def _blank(self, pos: int, header: int, size: int) -> None:
        self.buffer[pos + 4 : pos + 8] = b"free"
        self.buffer[pos + header : pos + size] = bytes(size - header)

    def _zero_times(self, payload: int, end: int) -> None:
        if end - payload < 4:
            raise _BoxError
        width = 8 if self.buffer[payload] == 1 else 4
        if end - payload < 4 + 2 * width:
            raise _BoxError
        self.buffer[payload + 4 : payload + 4 + 2 * width] = bytes(2 * width)


def _clean_mp4(data: bytes, kind: str) -> tuple[bytes, list]:
    try:
        mutagen.mp4.MP4(io.BytesIO(data))
        buffer = bytearray(data)
        walker = _BoxWalker(buffer)
        walker.clean(0, len(buffer), top=True)
        if not walker.has_moov:
            raise _damaged()
        has_video = b"vide" in walker.handlers
        if kind == "m4a" and has_video:
            raise _reject(MSG_MISMATCH, "mismatch")
        cleaned = bytes(buffer)
        check = mutagen.mp4.MP4(io.BytesIO(cleaned))
        if check.tags:
            raise _damaged()
    except FileRejected:
        raise
    except Exception:
        raise _damaged() from None
    notes = [NOTE_VIDEO] if kind == "mp4" else []
    return cleaned, notes

"""Deciding the kind of a file from its CONTENT (never from its name).

`sniff` returns one of the kinds of the table in the package's `__init__` or "isobmff", which
`isobmff_kind` then splits into "m4a" and "mp4" by the major brand (the presence of a video
track is verified later, while cleaning).
"""

from __future__ import annotations

import io
import re
import zipfile

from .common import (
    MSG_ENCRYPTED,
    MSG_NOT_ALLOWED,
    MSG_TEXT_ENCODING,
    MSG_TEXT_MARKUP,
    TEXT_MARKUP_WINDOW,
    damaged,
    reject,
    untrusted,
)

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_IMAGE_BRANDS = frozenset(
    {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1", b"avif", b"avis"}
    | {b"crx ", b"jp2 ", b"jpx ", b"jpm "}
)
_AUDIO_BRANDS = frozenset({b"M4A ", b"M4B ", b"F4A "})
_MARKUP_NEEDLES = (b"<script", b"<html", b"<svg", b"<!doctype", b"<iframe", b"<?xml")


def sniff(data: bytes, ext: str) -> str:
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(PNG_SIGNATURE):
        return "png"
    if data.startswith(b"PK\x03\x04"):
        return ooxml_kind(data)
    if len(data) >= 12 and data[4:8] == b"ftyp":
        return "isobmff"
    if is_id3_header(data) or _is_mpeg_sync(data):
        return "mp3"
    if data.startswith(_OLE_SIGNATURE):
        # Password-protected DOCX/XLSX files are OLE containers holding an EncryptionInfo stream.
        if "EncryptionInfo".encode("utf-16-le") in data:
            raise reject(MSG_ENCRYPTED, "encrypted")
        raise reject(MSG_NOT_ALLOWED, "not_allowed")
    return _sniff_text(data, ext)


def is_id3_header(data: bytes) -> bool:
    """An ID3v2 header (version 2.2 to 2.4, syncsafe size) at the start of `data`."""
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


def ooxml_kind(data: bytes) -> str:
    """The kind ("docx" or "xlsx") of a zip holding an OOXML package; others are refused."""
    with untrusted(), zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = {info.filename.lower() for info in archive.infolist()}
    if "[content_types].xml" not in names:
        raise reject(MSG_NOT_ALLOWED, "not_allowed")
    is_docx = "word/document.xml" in names
    is_xlsx = "xl/workbook.xml" in names
    if is_docx == is_xlsx:
        raise reject(MSG_NOT_ALLOWED, "not_allowed")
    return "docx" if is_docx else "xlsx"


def isobmff_kind(data: bytes, ext: str) -> str:
    """The kind ("m4a" or "mp4") by the major brand of the ftyp box; image brands are refused."""
    size = int.from_bytes(data[0:4], "big")
    if size < 16 or size > len(data):
        raise damaged()
    brand = data[8:12]
    if brand in _IMAGE_BRANDS:
        raise reject(MSG_NOT_ALLOWED, "not_allowed")
    if brand in _AUDIO_BRANDS:
        return "m4a"
    # Generic brands (isom, mp42, ...) named .m4a are audio if they carry no video track;
    # that is verified while cleaning.
    return "m4a" if ext == "m4a" else "mp4"


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
            raise reject(MSG_TEXT_ENCODING, "text_encoding")
        raise reject(MSG_NOT_ALLOWED, "not_allowed")
    head = body.lstrip()
    window = body[:TEXT_MARKUP_WINDOW].lower()
    if head.startswith(b"<") or any(needle in window for needle in _MARKUP_NEEDLES):
        if ext == "txt":
            raise reject(MSG_TEXT_MARKUP, "markup")
        raise reject(MSG_NOT_ALLOWED, "not_allowed")
    return "text"


_BAD_CONTROLS = re.compile("[\x00-\x08\x0b\x0e-\x1f]")


def _has_bad_controls(text: str) -> bool:
    # Tab, LF, VT-less CR and FF are normal in text; other C0 controls mean binary data (or
    # terminal escape sequences, which have no place in evidence text).
    return _BAD_CONTROLS.search(text) is not None

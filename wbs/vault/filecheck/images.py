"""JPEG and PNG: uploaded pictures are decoded and re-encoded without metadata; pictures embedded
in PDFs and Office documents get a lossless removal of their metadata segments/chunks instead."""

from __future__ import annotations

import io

from PIL import Image, ImageOps

from .common import MAX_IMAGE_PIXELS, MSG_IMAGE_TOO_LARGE, damaged, reject, untrusted
from .sniff import PNG_SIGNATURE

_BOMB = ((Image.DecompressionBombError, MSG_IMAGE_TOO_LARGE, "image_too_large"),)


def clean_image(data: bytes, kind: str) -> tuple[bytes, list]:
    formats = ["JPEG"] if kind == "jpeg" else ["PNG"]
    with untrusted(_BOMB):
        image = Image.open(io.BytesIO(data), formats=formats)
    with untrusted(_BOMB), image:
        if image.format not in (("JPEG", "MPO") if kind == "jpeg" else ("PNG",)):
            raise damaged()
        width, height = image.size
        if width <= 0 or height <= 0:
            raise damaged()
        if width * height > MAX_IMAGE_PIXELS:
            raise reject(MSG_IMAGE_TOO_LARGE, "image_too_large")
        image.load()  # decodes the first frame only (MPO/APNG extras are dropped)
        return _reencode(image, kind), []


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


def strip_jpeg_segments(data: bytes) -> bytes | None:
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


def strip_png_chunks(data: bytes) -> bytes | None:
    """Remove text, EXIF, time and C2PA chunks and anything after IEND; None if malformed."""
    if not data.startswith(PNG_SIGNATURE):
        return None
    out = [PNG_SIGNATURE]
    pos = len(PNG_SIGNATURE)
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


def strip_embedded_image(content: bytes) -> tuple[bytes, bool]:
    """(cleaned content, ok) for a JPEG/PNG found inside a document; other data unchanged."""
    if content.startswith(b"\xff\xd8\xff"):
        stripped = strip_jpeg_segments(content)
    elif content.startswith(PNG_SIGNATURE):
        stripped = strip_png_chunks(content)
    else:
        return content, True
    if stripped is None:
        return content, False
    return stripped, True

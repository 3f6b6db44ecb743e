"""PDF: document information, XMP, page-piece data, annotation authors and the document ID are
removed with pikepdf; embedded JPEG streams lose their metadata segments losslessly."""

from __future__ import annotations

import io

import pikepdf

from .common import (
    MSG_ENCRYPTED,
    NOTE_IMAGES,
    NOTE_PDF_ATTACHMENTS,
    NOTE_PDF_SIGNATURE,
    damaged,
    untrusted,
)
from .images import strip_jpeg_segments

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


_ENCRYPTED = ((pikepdf.PasswordError, MSG_ENCRYPTED, "encrypted"),)


def clean_pdf(data: bytes) -> tuple[bytes, list]:
    with untrusted(_ENCRYPTED):
        # No recovery: a damaged file is refused instead of being silently patched up.
        pdf = pikepdf.open(io.BytesIO(data), attempt_recovery=False)
    with untrusted(_ENCRYPTED), pdf:
        if len(pdf.pages) == 0:
            raise damaged()
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
                stripped = strip_jpeg_segments(raw)
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

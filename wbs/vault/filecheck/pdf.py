"""PDF: document information, XMP, page-piece data, annotation authors and the document ID are
removed with pikepdf; embedded JPEG streams lose their metadata segments losslessly.

Active content is removed from the cleaned copy (the one staff open by default; the original is
kept as evidence and downloaded only deliberately, with a warning): JavaScript (the name tree,
every JavaScript action), automatic actions (/OpenAction, every /AA), every action other than
moving within the document (launch, URI, submit/import form, remote go-to, media), embedded
files (the name tree, file-attachment annotations), media annotations and XFA forms."""

from __future__ import annotations

import io

import pikepdf

from .common import (
    MSG_ENCRYPTED,
    NOTE_IMAGES,
    NOTE_PDF_ACTIVE,
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

# Actions that only move within the document; every other action type is removed.
_SAFE_ACTIONS = frozenset({"/GoTo", "/Named", "/Thread", "/Trans", "/SetOCGState"})
# Action types that run, open, send or play something: removed wherever they appear.
_DANGEROUS_ACTIONS = frozenset(
    {
        "/JavaScript",
        "/ECMAScript",
        "/Launch",
        "/URI",
        "/SubmitForm",
        "/ImportData",
        "/ResetForm",
        "/GoToR",
        "/GoToE",
        "/GoTo3DView",
        "/Rendition",
        "/Sound",
        "/Movie",
        "/Hide",
        "/RichMediaExecute",
    }
)
# Keys that carry what an action runs: a script, a command line, a web address.
_RUNS = frozenset({"/JS", "/URI", "/Win", "/Mac", "/Unix"})
# Annotations that play or run something (or carry a file): removed from their page.
_ACTIVE_ANNOTATIONS = frozenset(
    {"/FileAttachment", "/Sound", "/Movie", "/Screen", "/RichMedia", "/3D"}
)
# Catalog entries that run, render or carry something outside the page content.
_ACTIVE_CATALOG = ("/OpenAction", "/AA", "/NeedsRendering", "/Collection")
_ACTIVE_NAMES = ("/JavaScript", "/EmbeddedFiles", "/AlternatePresentations")


def clean_pdf(data: bytes) -> tuple[bytes, list]:
    with untrusted(_ENCRYPTED):
        # No recovery: a damaged file is refused instead of being silently patched up.
        pdf = pikepdf.open(io.BytesIO(data), attempt_recovery=False)
    with untrusted(_ENCRYPTED), pdf:
        if len(pdf.pages) == 0:
            raise damaged()
        notes = _scrub_pdf(pdf)
        active, files = _remove_active_content(pdf)
        if active:
            notes.append(NOTE_PDF_ACTIVE)
        if files and NOTE_PDF_ATTACHMENTS not in notes:
            notes.append(NOTE_PDF_ATTACHMENTS)
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
    except Exception:  # noqa: S110 - an odd name tree: no attachment note  # nosec B110
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


def _is_dangerous_action(value) -> bool:
    """Found under an action key (/A, /Next, /PA): a dictionary with /S is an action, whatever
    its /Type or other keys say (viewers read /S), and it is dangerous unless it only moves
    within the document."""
    if not isinstance(value, pikepdf.Dictionary) or "/S" not in value:
        return False
    return str(value.get("/S")) not in _SAFE_ACTIONS or _RUNS.intersection(value.keys())


def _runs_something(item: pikepdf.Dictionary) -> bool:
    """Any dictionary, reached any way, that names a dangerous action type or carries what one
    runs (a script, a command, a web address). Other /S uses — a transparency group, a border
    style, a structure element's type — name none of these."""
    subtype = item.get("/S")
    return (subtype is not None and str(subtype) in _DANGEROUS_ACTIONS) or bool(
        _RUNS.intersection(item.keys())
    )


def _remove_active_content(pdf: pikepdf.Pdf) -> tuple[bool, bool]:
    """Remove what runs, opens or calls out by itself and every embedded file (see the module
    text); the writer then leaves out every object no longer referenced. Returns (active
    content was removed, embedded files were removed)."""
    removed = files = False
    root = pdf.Root
    for key in _ACTIVE_CATALOG:
        if key in root:
            del root[key]
            removed = True
    names = root.get("/Names")
    if isinstance(names, pikepdf.Dictionary):
        if "/EmbeddedFiles" in names:
            del names["/EmbeddedFiles"]
            files = True
        for key in _ACTIVE_NAMES:
            if key in names:
                del names[key]
                removed = True
    form = root.get("/AcroForm")
    if isinstance(form, pikepdf.Dictionary) and "/XFA" in form:
        del form["/XFA"]
        removed = True
    for page in pdf.pages:
        annots = page.obj.get("/Annots")
        if not isinstance(annots, pikepdf.Array):
            continue
        subtypes = [
            str(annot.get("/Subtype")) if isinstance(annot, pikepdf.Dictionary) else ""
            for annot in annots
        ]
        if any(subtype in _ACTIVE_ANNOTATIONS for subtype in subtypes):
            page.obj["/Annots"] = pikepdf.Array(
                [a for a, t in zip(annots, subtypes, strict=True) if t not in _ACTIVE_ANNOTATIONS]
            )
            removed |= any(t in _ACTIVE_ANNOTATIONS - {"/FileAttachment"} for t in subtypes)
            files |= "/FileAttachment" in subtypes
    for obj in pdf.objects:
        if isinstance(obj, pikepdf.Stream) and obj.stream_dict.get("/Type") == pikepdf.Name(
            "/EmbeddedFile"
        ):
            # Reached some other way than a file specification: emptied, no longer a file.
            obj.write(b"")
            for key in ("/Type", "/Subtype", "/Params"):
                if key in obj.stream_dict:
                    del obj.stream_dict[key]
            files = True
        if isinstance(obj, pikepdf.Stream):
            found = _scrub_actions(obj.stream_dict)
        elif isinstance(obj, pikepdf.Dictionary | pikepdf.Array):
            found = _scrub_actions(obj)
        else:
            continue
        removed |= found[0]
        files |= found[1]
    return removed, files


def _scrub_actions(container) -> tuple[bool, bool]:
    """Remove additional and dangerous actions, associated and embedded files from `container`
    and the direct objects nested in it (indirect ones are visited on their own by the caller).
    Returns (an action was removed, a file was removed)."""
    removed = files = False
    stack = [container]
    while stack:
        item = stack.pop()
        if isinstance(item, pikepdf.Dictionary):
            removed |= _scrub_action_keys(item)
            for key in ("/AF", "/EF"):  # PDF 2.0 associated files; a file spec's embedded file
                if key in item:
                    del item[key]
                    files = True
            children = list(item.values())
        elif isinstance(item, pikepdf.Array):
            children = list(item)
        else:
            continue
        stack.extend(
            child
            for child in children
            if isinstance(child, pikepdf.Dictionary | pikepdf.Array) and not child.is_indirect
        )
    return removed, files


def _scrub_action_keys(item: pikepdf.Dictionary) -> bool:
    removed = False
    if "/AA" in item:
        del item["/AA"]
        removed = True
    for key in ("/A", "/Next", "/PA", "/OpenAction"):
        value = item.get(key)
        if _is_dangerous_action(value):
            del item[key]
            removed = True
        elif isinstance(value, pikepdf.Array):
            kept = [action for action in value if not _is_dangerous_action(action)]
            if len(kept) != len(value):
                item[key] = pikepdf.Array(kept)
                removed = True
    if _runs_something(item):
        # An action reached some other way (a name tree, an outline, a catalog entry of its
        # own): emptied of what it runs, left as a harmless move to the first page.
        for key in ("/JS", "/F", "/URI", "/Win", "/Mac", "/Unix", "/D", "/Fields", "/Next"):
            if key in item:
                del item[key]
        item["/S"] = pikepdf.Name.Named
        item["/N"] = pikepdf.Name.FirstPage
        removed = True
    return removed

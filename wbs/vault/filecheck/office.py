"""DOCX / XLSX (Office Open XML packages).

The zip is checked first (entry count, unpacked size, compression ratio, encryption, macros),
then rewritten entry by entry with normalised dates: the core/app/custom property parts become
empty ones, relationship parts lose attached templates and local file paths, the Word or Excel
parts lose author names, dates and revision identifiers (rules and hardened parsing in
`office_xml`), and pictures get the lossless metadata removal of `images`.

Parsed are [Content_Types].xml, every .rels part and every .xml part under word/ (DOCX) or xl/
(XLSX); a DTD or malformed XML in any of them refuses the file as damaged. A part is serialised
again only when something in it changed; otherwise its original bytes are kept.
"""

from __future__ import annotations

import io
import re
import zipfile

from lxml import etree

from .common import (
    MAX_ZIP_ENTRIES,
    MAX_ZIP_RATIO,
    MAX_ZIP_TOTAL_UNCOMPRESSED,
    MSG_ENCRYPTED,
    MSG_MACROS,
    MSG_SUSPICIOUS_COMPRESSION,
    MSG_TOO_MANY_PARTS,
    MSG_UNPACKED_TOO_LARGE,
    NOTE_EMBEDDED,
    NOTE_IMAGES,
    NOTE_REVISIONS,
    ZIP_RATIO_MIN_ENTRY,
    damaged,
    reject,
    spend_unpacked,
    untrusted,
)
from .images import strip_embedded_image
from .office_xml import check_well_formed, local_name, parse, remove, rules_for, scrub, serialize

_DECLARATION = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
_VT = b' xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"/>'
_EMPTY_CORE = (
    _DECLARATION + b"<cp:coreProperties"
    b' xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"'
    b' xmlns:dc="http://purl.org/dc/elements/1.1/"'
    b' xmlns:dcterms="http://purl.org/dc/terms/"'
    b' xmlns:dcmitype="http://purl.org/dc/dcmitype/"'
    b' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"/>'
)
_EMPTY_APP = (
    _DECLARATION + b"<Properties"
    b' xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"' + _VT
)
_EMPTY_CUSTOM = (
    _DECLARATION + b"<Properties"
    b' xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"' + _VT
)
# Relationship type suffix (in _rels/.rels) -> replacement of the part it points to.
_PROPERTY_TYPES = (
    ("/metadata/core-properties", _EMPTY_CORE),
    ("/extended-properties", _EMPTY_APP),
    ("/custom-properties", _EMPTY_CUSTOM),
)
_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
_MACRO_NAMES = ("vbaproject.bin", "vbadata.xml")


# --------------------------------------------------------------------------------------------
# Relationships


def _relationships(tree: etree._ElementTree) -> list[etree._Element]:
    return [el for el in tree.iter(etree.Element) if local_name(el.tag) == "Relationship"]


def _property_parts(rels: bytes | None) -> dict[str, bytes]:
    """Package-level core/app/custom property part names (lower case) -> replacement."""
    parts = {
        "docprops/core.xml": _EMPTY_CORE,
        "docprops/app.xml": _EMPTY_APP,
        "docprops/custom.xml": _EMPTY_CUSTOM,
    }
    for relationship in _relationships(parse(rels)) if rels is not None else []:
        rel_type = relationship.get("Type")
        target = relationship.get("Target")
        if not rel_type or not target:
            continue
        for suffix, replacement in _PROPERTY_TYPES:
            if rel_type.endswith(suffix):
                parts[target.lstrip("/").lower()] = replacement
    return parts


def _scrub_rels(tree: etree._ElementTree) -> bool:
    """Remove attached-template links and local file paths; True if anything changed."""
    changed = False
    for relationship in _relationships(tree):
        if (relationship.get("Type") or "").endswith("/attachedTemplate"):
            remove(relationship)
            changed = True
        elif (
            (relationship.get("TargetMode") or "").lower() == "external"
            and _is_local_path(relationship.get("Target") or "")
            and relationship.get("Target") != "file:///removed"
        ):
            relationship.set("Target", "file:///removed")
            changed = True
    return changed


def _is_local_path(target: str) -> bool:
    lowered = target.lower()
    return (
        lowered.startswith(("file:", "\\\\", "/")) or re.match(r"^[a-z]:[\\/]", lowered) is not None
    )


# --------------------------------------------------------------------------------------------
# The package


def _check_archive(archive: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    infos = archive.infolist()
    if len(infos) > MAX_ZIP_ENTRIES:
        raise reject(MSG_TOO_MANY_PARTS, "zip_entries")
    seen = set()
    total = 0
    for info in infos:
        lowered = info.filename.lower()
        if lowered in seen:
            raise damaged()
        seen.add(lowered)
        if info.flag_bits & 0x1:
            raise reject(MSG_ENCRYPTED, "encrypted")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise damaged()
        if lowered.endswith(_MACRO_NAMES) or "/macrosheets/" in f"/{lowered}":
            raise reject(MSG_MACROS, "macros")
        total += info.file_size
        if total > MAX_ZIP_TOTAL_UNCOMPRESSED:
            raise reject(MSG_UNPACKED_TOO_LARGE, "zip_too_large")
        if info.file_size > ZIP_RATIO_MIN_ENTRY and (
            info.compress_size <= 0 or info.file_size / info.compress_size > MAX_ZIP_RATIO
        ):
            raise reject(MSG_SUSPICIOUS_COMPRESSION, "zip_ratio")
    spend_unpacked(total)
    return infos


def clean_ooxml(data: bytes, kind: str) -> tuple[bytes, list]:
    notes: list = []
    with untrusted(), zipfile.ZipFile(io.BytesIO(data)) as archive:
        infos = _check_archive(archive)
        by_name = {info.filename.lower(): info for info in infos}
        content_types = archive.read(by_name["[content_types].xml"])
        types = parse(content_types)
        if b"macroenabled" in content_types.lower() or any(
            "macroenabled" in value.lower() for value in types.xpath("//@*")
        ):
            raise reject(MSG_MACROS, "macros")
        rels_info = by_name.get("_rels/.rels")
        properties = _property_parts(archive.read(rels_info) if rels_info else None)
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as result:
            for info in infos:
                lowered = info.filename.lower()
                if info.is_dir():
                    content = b""
                elif lowered in properties:
                    content = properties[lowered]
                else:
                    content = _clean_part(lowered, archive.read(info), kind, notes)
                entry = zipfile.ZipInfo(info.filename, date_time=_ZIP_EPOCH)
                entry.compress_type = zipfile.ZIP_DEFLATED
                entry.external_attr = (0o40755 << 16) | 0x10 if info.is_dir() else 0o644 << 16
                result.writestr(entry, content)
        return out.getvalue(), notes


def _clean_part(lowered: str, content: bytes, kind: str, notes: list) -> bytes:
    if "/embeddings/" in f"/{lowered}" and content:
        notes.append(NOTE_EMBEDDED)
    if lowered.endswith(".rels"):
        tree = parse(content)
        return serialize(tree) if _scrub_rels(tree) else content
    if lowered.endswith(".xml"):
        if not lowered.startswith("word/" if kind == "docx" else "xl/"):
            return content
        rules = rules_for(kind, lowered)
        if rules is None:
            check_well_formed(content)
            return content
        tree = parse(content)
        changed, revised = scrub(tree.getroot(), rules)
        if (
            lowered == "word/comments.xml"
            or (kind == "docx" and revised)
            or lowered.startswith(("xl/comments", "xl/threadedcomments/"))
        ):
            notes.append(NOTE_REVISIONS)
        return serialize(tree) if changed else content
    content, ok = strip_embedded_image(content)
    if not ok:
        notes.append(NOTE_IMAGES)
    return content

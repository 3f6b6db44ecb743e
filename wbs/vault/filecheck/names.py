"""Client-supplied file names: made safe to store and display, and their extension."""

from __future__ import annotations

import re
import unicodedata

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


def extension(filename: str) -> str:
    """The lower-case extension of the safe display name ("" when there is none)."""
    stem, dot, ext = safe_display_name(filename).rpartition(".")
    return ext.lower() if dot and stem else ""

"""locale/id is complete: no empty or fuzzy entry, placeholders kept, and the compiled catalogue
matches the source. (.ci/run also re-extracts the strings and fails on any new untranslated
one.)"""

import gettext
import re
from pathlib import Path

LOCALE = Path(__file__).resolve().parents[3] / "locale" / "id" / "LC_MESSAGES"


def _entries():
    text = (LOCALE / "django.po").read_text(encoding="utf-8")
    for block in text.split("\n\n"):
        if "msgid " not in block:
            continue
        fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in block.splitlines())
        msgid = _value(block, "msgid")
        plural = _value(block, "msgid_plural")
        msgstr = _value(block, "msgstr[0]") if plural is not None else _value(block, "msgstr")
        if msgid:
            yield msgid, msgstr, fuzzy


def _value(block, key):
    match = re.search(rf'^{re.escape(key)} ((?:"(?:[^"\\]|\\.)*"\s*)+)', block, re.M)
    if not match:
        return None
    return "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', match.group(1)))


ENTRIES = list(_entries())


def test_catalogue_is_not_empty():
    assert len(ENTRIES) > 500


def test_every_entry_is_translated():
    assert [m for m, s, fuzzy in ENTRIES if not s or fuzzy] == []


def test_placeholders_are_kept():
    pattern = r"%\(\w+\)[-#0 +.\d]*[sdf]"
    assert [
        m
        for m, s, _f in ENTRIES
        if sorted(re.findall(pattern, m)) != sorted(re.findall(pattern, s or ""))
    ] == []


def test_compiled_catalogue_matches_the_source():
    with (LOCALE / "django.mo").open("rb") as fh:
        catalogue = gettext.GNUTranslations(fh)
    missing = [
        m
        for m, s, _f in ENTRIES
        if "%(" not in m and "\\" not in m and catalogue.gettext(m) == m and s != m
    ]
    assert missing == []

"""Fill locale/id/LC_MESSAGES/django.po from JSON files of translations.

    .venv/bin/python tools/po_fill.py my-strings.json

Each JSON file maps an English msgid to its Indonesian msgstr; for a plural entry the value is
a list [singular, plural]. Entries that are filled lose their fuzzy flag. Run `make messages`
before (to pick up new strings) and after (to rewrap as makemessages does, and compile).
Prints what is still untranslated.
"""

import json
import sys
from pathlib import Path

import polib

PO = Path(__file__).resolve().parent.parent / "locale/id/LC_MESSAGES/django.po"


def main(paths):
    table = {}
    for path in paths:
        table.update(json.loads(Path(path).read_text(encoding="utf-8")))
    po = polib.pofile(str(PO), wrapwidth=79)
    filled = 0
    for entry in po:
        if entry.obsolete or entry.msgid not in table:
            continue
        value = table[entry.msgid]
        if entry.msgid_plural:
            forms = value if isinstance(value, list) else [value, value]
            entry.msgstr_plural = {0: forms[0], 1: forms[-1]}
        else:
            entry.msgstr = value
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
            entry.previous_msgid = None
            entry.previous_msgid_plural = None  # a lone "#| msgid_plural" breaks the file
            entry.previous_msgctxt = None
        filled += 1
    po.save(str(PO))
    missing = [e.msgid for e in po if not e.obsolete and not e.translated()]
    print(f"filled {filled}; untranslated or fuzzy: {len(missing)}")
    for msgid in missing:
        print("  ", repr(msgid))


if __name__ == "__main__":
    main(sys.argv[1:])

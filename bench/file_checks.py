"""What one anonymous request can make the file checks cost (issue 11 §1, unlimited CPU).

In-process, no server: times filecheck on the worst Office files the limits still let through
and on those they refuse, and prints the CPU one request and one hour of one session / one
address can take at the configured limits. Not a test; run:

    .venv/bin/python bench/file_checks.py
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("WBS_TESTING", "True")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402

from wbs.vault import filecheck  # noqa: E402
from wbs.vault.tests import fixtures_files as F  # noqa: E402

MB = 1024 * 1024


def docx_unpacking_to(megabytes: int) -> bytes:
    """A DOCX whose document.xml is `megabytes` of repetitive paragraphs (compresses well,
    below the ratio rule's per-entry ratio only because it is split into 900 kB parts)."""
    paragraph = b"<w:p><w:r><w:t>Laporan kegiatan pengadaan barang dan jasa.</w:t></w:r></w:p>"
    parts = F.docx_parts()
    body = paragraph * (900_000 // len(paragraph))
    for i in range(int(megabytes * MB // len(body))):
        parts[f"word/glossary/part{i}.xml"] = (
            b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            + body
            + b"</w:document>"
        )
    return F.build_zip(parts)


def timed(data: bytes, name: str) -> tuple[float, str]:
    start = time.perf_counter()
    try:
        filecheck.check_and_clean(data, name)
        outcome = "accepted"
    except filecheck.FileRejected as exc:
        outcome = f"refused ({exc.code})"
    return time.perf_counter() - start, outcome


def main() -> None:
    print(
        f"per-file unpack limit {filecheck.common.MAX_ZIP_TOTAL_UNCOMPRESSED // MB} MB, "
        f"per-request {settings.WBS_MAX_UNPACKED_BYTES_PER_REQUEST // MB} MB, "
        f"checks per session/hour {settings.WBS_FILE_CHECKS_PER_SESSION_HOUR}, "
        f"per address/hour {settings.WBS_FILE_CHECKS_PER_ADDRESS_HOUR}"
    )
    for megabytes in (10, 45, 200):
        data = docx_unpacking_to(megabytes)
        seconds, outcome = timed(data, "dokumen.docx")
        print(
            f"DOCX of {len(data) / MB:5.2f} MB unpacking to ~{megabytes:3d} MB: "
            f"{seconds:6.3f} s, {outcome}"
        )
    data = docx_unpacking_to(45)
    start = time.perf_counter()
    outcomes = []
    with filecheck.unpack_budget(settings.WBS_MAX_UNPACKED_BYTES_PER_REQUEST):
        for i in range(settings.WBS_MAX_FILES_PER_REQUEST):
            outcomes.append(timed(data, f"d{i}.docx")[1])
    request_seconds = time.perf_counter() - start
    print(
        f"one request of {len(outcomes)} such 45 MB files: {request_seconds:.2f} s, "
        f"{outcomes.count('accepted')} accepted, the rest refused by the request budget"
    )
    per_check = request_seconds / max(1, outcomes.count("accepted"))
    print(
        f"worst CPU per accepted check ~{per_check:.2f} s; at the limits one session can take "
        f"~{per_check * settings.WBS_FILE_CHECKS_PER_SESSION_HOUR / 60:.1f} CPU-min per hour, "
        f"one address ~{per_check * settings.WBS_FILE_CHECKS_PER_ADDRESS_HOUR / 60:.1f}"
    )


if __name__ == "__main__":
    main()

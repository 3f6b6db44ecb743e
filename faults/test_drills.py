"""Fault drills (issue 11 §3), on loopback against the real stack: gunicorn (2 sync workers),
a fresh PostgreSQL database, Redis, a temporary data folder — the bench harness's Server.
Run with `make faults` (CI runs it after the test suites); not part of `make test`.

- a client killed in the middle of a 50 MB upload leaves nothing behind;
- 20 concurrent 5 MB submissions: no file ends up with another report;
- PostgreSQL restarted during 20 concurrent submissions: each got a receipt or a clear error,
  none was half stored, and a retry with the same idempotency key stores each exactly once.

Crashes before and after the commit, a full disk, and damaged files are drilled in the test
suite itself (wbs/intake/tests/test_retries.py, test_disk_full.py,
wbs/cases/tests/test_damaged_blobs.py)."""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from harness import Server, multipart, request  # noqa: E402

pytestmark = pytest.mark.skipif(
    subprocess.run(["pg_isready", "-h", "127.0.0.1"], capture_output=True).returncode != 0,
    reason="needs PostgreSQL on 127.0.0.1",
)


@pytest.fixture(scope="module")
def server():
    with Server(workers=2) as running:
        unit = running.sql("SELECT id FROM directory_unit WHERE name = 'Dinas Pendidikan'")[0][0]
        running.unit_id = unit
        yield running


def _fields(server, title: str) -> dict[str, str]:
    return {
        "category": "suap",
        "title": title,
        "description": "Pemohon izin diminta membayar agar berkas diproses lebih cepat.",
        "unit": str(server.unit_id),
        "location": "Mal Pelayanan Publik",
        "period": "Januari 2025",
        "accused": json.dumps([{"name": "Fulan", "position": "Staf", "unit": "Dinas"}]),
        "reported_elsewhere": "false",
        "declaration": "true",
        "identity_mode": "anonymous",
    }


def _submit(server, title: str, data: bytes, *, key: str = "", timeout: float = 120):
    body, content_type = multipart(
        _fields(server, title), [("attachments", "bukti.txt", "text/plain", data)]
    )
    headers = {"Content-Type": content_type}
    if key:
        headers["Idempotency-Key"] = key
    return request(server.port, "POST", "/api/v1/reports", body, headers, timeout=timeout)


def _counts(server) -> tuple[int, int]:
    return (
        server.sql("SELECT count(*) FROM cases_report")[0][0],
        server.sql("SELECT count(*) FROM cases_attachment")[0][0],
    )


def _stored_blobs(server) -> set[str]:
    root = server.data_dir / "attachments"
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}


def _row_blobs(server) -> set[str]:
    rows = server.sql("SELECT original_blob, cleaned_blob FROM cases_attachment")
    return {name for pair in rows for name in pair if name}


def _temporary_files(server) -> list[Path]:
    return [p for p in (server.data_dir / "tmp").rglob("*") if p.is_file()]


def _marker_text(marker: str, megabytes: float) -> bytes:
    line = f"{marker} catatan pembayaran kepada petugas.\n".encode()
    return line * int(megabytes * 1024 * 1024 // len(line))


def test_a_client_killed_mid_upload_leaves_nothing_behind(server):
    before = _counts(server)
    blobs = _stored_blobs(server)
    parts = [
        ("attachments", f"bukti-{i}.txt", "text/plain", _marker_text("M", 17)) for i in range(3)
    ]
    body, content_type = multipart(_fields(server, "Terputus di tengah jalan"), parts)
    assert len(body) > 50 * 1024 * 1024
    sock = socket.create_connection(("127.0.0.1", server.port))
    head = (
        "POST /api/v1/reports HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Content-Type: {content_type}\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    sock.sendall(head.encode())
    sock.sendall(body[: 30 * 1024 * 1024])  # 30 of 51 MB, then the client dies
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    sock.close()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and _temporary_files(server):
        time.sleep(0.5)
    time.sleep(1)
    assert _temporary_files(server) == []
    assert _counts(server) == before and _stored_blobs(server) == blobs
    assert request(server.port, "GET", "/api/v1/health").status == 200


def test_concurrent_submissions_never_mix_up_files(server):
    before_reports, _ = _counts(server)
    results: dict[str, dict] = {}

    def send(marker):
        response = _submit(server, f"Laporan {marker}", _marker_text(marker, 5), timeout=300)
        results[marker] = {"status": response.status, "body": response.json()}

    markers = [f"PENANDA-{secrets.token_hex(4).upper()}" for _ in range(20)]
    threads = [threading.Thread(target=send, args=(m,)) for m in markers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert {r["status"] for r in results.values()} == {201}, results
    assert _counts(server)[0] == before_reports + 20
    pairs = {m: r["body"]["access_code"] for m, r in results.items()}
    code = (
        "import json\n"
        "from wbs.vault import access\n"
        "from wbs.cases import evidence\n"
        "from wbs.cases.sealing import open_title\n"
        f"pairs = json.loads({json.dumps(json.dumps(pairs))})\n"
        "seen = {}\n"
        "for marker, code in pairs.items():\n"
        "    report, keyring = access.open_with_access_code(code)\n"
        "    [attachment] = report.attachments.all()\n"
        "    _info, chunks = evidence.open_attachment(keyring, attachment, original=True)\n"
        "    data = b''.join(chunks)\n"
        "    seen[marker] = [open_title(keyring, report), data.split(b' ', 1)[0].decode(),\n"
        "                    len(data), data == data[:len(data)]]\n"
        "print('DRILL ' + json.dumps(seen))\n"
    )
    output = server.django_shell(code)
    seen = json.loads(next(x for x in output.splitlines() if x.startswith("DRILL "))[6:])
    for marker in markers:
        title, file_marker, size, _ok = seen[marker]
        assert title == f"Laporan {marker}" and file_marker == marker
        assert size == len(_marker_text(marker, 5))


def _restart_postgresql() -> None:
    version = sorted(os.listdir("/etc/postgresql"))[-1]
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart", "-m", "fast"],
        check=True,
        capture_output=True,
        timeout=120,
    )


@pytest.mark.skipif(os.geteuid() != 0 or not Path("/etc/postgresql").exists(), reason="root")
def test_postgresql_restarted_during_concurrent_submissions(server):
    before_reports, before_files = _counts(server)
    keys = {
        f"drill-{i:02d}-{secrets.token_urlsafe(18)}": f"Laporan saat restart {i}" for i in range(20)
    }
    first: dict[str, tuple[int, object]] = {}

    def send(key, title):
        try:
            response = _submit(server, title, _marker_text(key[:8], 0.5), key=key, timeout=120)
            first[key] = (response.status, response.json())
        except (OSError, ValueError) as exc:  # the connection itself broke
            first[key] = (0, type(exc).__name__)

    threads = [threading.Thread(target=send, args=item) for item in keys.items()]
    for thread in threads[:10]:
        thread.start()
    time.sleep(0.3)
    _restart_postgresql()
    for thread in threads[10:]:
        thread.start()
    for thread in threads:
        thread.join()
    statuses = sorted(status for status, _body in first.values())
    print(f"first answers during the restart: {statuses}")
    for status, body in first.values():
        # A receipt, or a clear error: the JSON answer of the API (never a traceback).
        assert status == 201 or (status >= 500 and isinstance(body, dict) and body["error"])
    # Nothing half stored: every file belongs to a row and every row has its files.
    assert _stored_blobs(server) == _row_blobs(server)
    # Each client retries what failed, with the same key: every report exactly once.
    numbers = {}
    for key, title in keys.items():
        status, body = first[key]
        for _attempt in range(20):
            if status == 201:
                break
            time.sleep(1)
            response = _submit(server, title, _marker_text(key[:8], 0.5), key=key)
            status, body = response.status, response.json()
        assert status == 201, (key, status, body)
        numbers[key] = body["registration_number"]
        again = _submit(server, title, _marker_text(key[:8], 0.5), key=key)
        assert again.status == 201 and again.json()["registration_number"] == numbers[key]
    assert len(set(numbers.values())) == 20
    assert _counts(server) == (before_reports + 20, before_files + 20)
    assert _stored_blobs(server) == _row_blobs(server)

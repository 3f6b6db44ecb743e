"""Virus scanning of evidence through a ClamAV daemon (clamd), when one is configured.

`WBS_CLAMAV` names the daemon: `unix:/run/clamav/clamd.ctl` or `tcp:127.0.0.1:3310`; empty
(the default) turns scanning off. The file is streamed to the daemon with its INSTREAM command
over the local socket: the daemon scans it in memory and answers with a verdict; nothing is
written to disk by us, and clamd keeps no copy (it must not be configured to quarantine or log
stream contents). See docs/adr/0010-antivirus.md.

Only the verdict leaves this module: never a file name or content. A daemon that cannot be
reached, times out or answers with an error gives UNAVAILABLE — the caller decides whether to
accept the file (an upload: yes, marked unscanned) or to refuse it (a download of a file never
scanned: no).
"""

from __future__ import annotations

import logging
import socket
import struct
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings

logger = logging.getLogger("wbs.vault.antivirus")

OFF = "off"
CLEAN = "clean"
INFECTED = "infected"
UNAVAILABLE = "unavailable"

CHUNK = 64 * 1024
MAX_REPLY = 4096


@dataclass(frozen=True)
class Verdict:
    status: str
    signature: str = ""  # the malware's name as ClamAV reports it (INFECTED only)

    @property
    def infected(self) -> bool:
        return self.status == INFECTED


def enabled() -> bool:
    return bool(settings.WBS_CLAMAV)


def _connect() -> socket.socket:
    address = settings.WBS_CLAMAV
    timeout = settings.WBS_CLAMAV_TIMEOUT
    kind, _sep, rest = address.partition(":")
    if kind == "unix":
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(timeout)
        sock.connect(rest)
        return sock
    if kind == "tcp":
        host, _sep, port = rest.rpartition(":")
        return socket.create_connection((host, int(port)), timeout=timeout)
    raise ValueError("WBS_CLAMAV must start with unix: or tcp:")


def _reply(sock: socket.socket) -> str:
    data = b""
    while not data.endswith(b"\0") and len(data) < MAX_REPLY:
        part = sock.recv(1024)
        if not part:
            break
        data += part
    return data.rstrip(b"\0").decode("utf-8", "replace").strip()


def scan_chunks(chunks: Iterable[bytes]) -> Verdict:
    """Stream `chunks` to clamd (INSTREAM) and return its verdict."""
    if not enabled():
        return Verdict(OFF)
    try:
        with _connect() as sock:
            sock.sendall(b"zINSTREAM\0")
            for chunk in chunks:
                for start in range(0, len(chunk), CHUNK):
                    piece = chunk[start : start + CHUNK]
                    sock.sendall(struct.pack(">I", len(piece)) + piece)
            sock.sendall(struct.pack(">I", 0))
            answer = _reply(sock)
    except (OSError, ValueError) as exc:
        logger.warning("antivirus unavailable: %s", type(exc).__name__)
        return Verdict(UNAVAILABLE)
    # "stream: OK", "stream: <signature> FOUND", or "... ERROR" (e.g. the size limit).
    if answer.endswith(" FOUND"):
        signature = answer.removeprefix("stream:").removesuffix(" FOUND").strip()
        logger.warning("antivirus: malware found (%s)", signature[:100])
        return Verdict(INFECTED, signature[:100])
    if answer.endswith(": OK"):
        return Verdict(CLEAN)
    logger.warning("antivirus: the daemon answered with an error")
    return Verdict(UNAVAILABLE)


def scan_bytes(data: bytes) -> Verdict:
    return scan_chunks([data])


def ping() -> bool | None:
    """True when the daemon answers PING; False when it does not; None when not configured."""
    if not enabled():
        return None
    try:
        with _connect() as sock:
            sock.sendall(b"zPING\0")
            return _reply(sock) == "PONG"
    except (OSError, ValueError):
        return False

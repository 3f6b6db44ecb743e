"""Evidence files kept across a round trip of the report form (issue 12 §7): when the page
comes back — a field to correct, another file refused, another terlapor added — the files
that passed their checks are not dropped.

Each file is encrypted with a fresh key into `<upload temp dir>/held/<id>`; the key travels only
in the page, in a hidden field signed with the installation's secret (`<id>.<key>`), so the
server's disk holds ciphertext that nobody at the server can open, and nobody can point the
form at a file that is not theirs. On sending, the files are checked again like any upload and
their held copies deleted; copies nobody came back for are purged by `daily_tasks`.
"""

import base64
import json
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core import signing

from . import crypto

_SIGNER = signing.Signer(salt="wbs.vault.held_files")
MAX_AGE_SECONDS = 24 * 3600


@dataclass(frozen=True)
class HeldFile:
    token: str
    name: str
    size: int


def _folder() -> Path:
    folder = Path(settings.FILE_UPLOAD_TEMP_DIR) / "held"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _ad(file_id: uuid.UUID) -> bytes:
    return crypto.aad("held_file", "content", file_id)


def hold(name: str, data: bytes) -> HeldFile:
    file_id = uuid.uuid4()
    key = crypto.new_key()
    header = json.dumps({"name": name, "size": len(data)}).encode()
    blob = crypto.encrypt(key, len(header).to_bytes(4, "big") + header + data, ad=_ad(file_id))
    (_folder() / str(file_id)).write_bytes(blob)
    token = _SIGNER.sign(f"{file_id}.{base64.urlsafe_b64encode(key).decode()}")
    return HeldFile(token, name, len(data))


def _open(token: str) -> tuple[Path, str, bytes] | None:
    try:
        file_id, key_text = _SIGNER.unsign(token or "").split(".", 1)
        file_id = uuid.UUID(file_id)
        key = base64.urlsafe_b64decode(key_text.encode())
        path = _folder() / str(file_id)
        plain = crypto.decrypt(key, path.read_bytes(), ad=_ad(file_id))
    except (signing.BadSignature, ValueError, TypeError, OSError, crypto.DecryptionError):
        return None
    size = int.from_bytes(plain[:4], "big")
    header = json.loads(plain[4 : 4 + size])
    return path, str(header["name"]), plain[4 + size :]


def describe(token: str) -> HeldFile | None:
    opened = _open(token)
    if opened is None:
        return None
    _path, name, data = opened
    return HeldFile(token, name, len(data))


def read(token: str) -> tuple[str, bytes] | None:
    """(name, content) of a held file, left in place until `discard`."""
    opened = _open(token)
    return None if opened is None else (opened[1], opened[2])


def discard(token: str) -> None:
    try:
        file_id = _SIGNER.unsign(token or "").split(".", 1)[0]
        (_folder() / str(uuid.UUID(file_id))).unlink(missing_ok=True)
    except (signing.BadSignature, ValueError, OSError):
        return


def purge(now: float | None = None) -> int:
    cutoff = (now or time.time()) - MAX_AGE_SECONDS
    removed = 0
    for path in _folder().iterdir():
        if path.is_file() and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
            removed += 1
    return removed

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

from wbs.private_files import private_dir

from . import crypto

_SIGNER = signing.Signer(salt="wbs.vault.held_files")
MAX_AGE_SECONDS = 24 * 3600


@dataclass(frozen=True)
class HeldFile:
    token: str
    name: str
    size: int


def _folder() -> Path:
    return private_dir(Path(settings.FILE_UPLOAD_TEMP_DIR) / "held")


def _ad(file_id: uuid.UUID) -> bytes:
    return crypto.aad("held_file", "content", file_id)


def room_left() -> bool:
    """Whether the folder is under its quota (WBS_HELD_FILES_MAX_MB): round trips cannot be
    used to fill the disk."""
    used = sum(path.stat().st_size for path in _folder().iterdir() if path.is_file())
    return used < settings.WBS_HELD_FILES_MAX_MB * 1024 * 1024


def hold(name: str, data: bytes) -> HeldFile:
    file_id = uuid.uuid4()
    key = crypto.new_key()
    blob = crypto.encrypt(key, data, ad=_ad(file_id))
    path = _folder() / str(file_id)
    try:
        path.write_bytes(blob)
    except OSError:
        path.unlink(missing_ok=True)  # no partial copy left when the folder is full
        raise
    # The name and size ride in the signed token (they are shown on the page anyway), so the
    # page can list the file without decrypting it.
    meta = base64.urlsafe_b64encode(json.dumps([name, len(data)]).encode()).decode()
    key_text = base64.urlsafe_b64encode(key).decode()
    return HeldFile(_SIGNER.sign(f"{file_id}.{key_text}.{meta}"), name, len(data))


def _parse(token: str):
    try:
        file_id, key_text, meta = _SIGNER.unsign(token or "").split(".", 2)
        name, size = json.loads(base64.urlsafe_b64decode(meta.encode()))
        return uuid.UUID(file_id), base64.urlsafe_b64decode(key_text.encode()), str(name), int(size)
    except (signing.BadSignature, ValueError, TypeError):
        return None


def describe(token: str) -> HeldFile | None:
    """The held file's name and size, if its copy is still there (nothing decrypted)."""
    parsed = _parse(token)
    if parsed is None or not (_folder() / str(parsed[0])).is_file():
        return None
    return HeldFile(token, parsed[2], parsed[3])


def read(token: str) -> tuple[str, bytes] | None:
    """(name, content) of a held file, left in place until `discard`."""
    parsed = _parse(token)
    if parsed is None:
        return None
    file_id, key, name, _size = parsed
    try:
        return name, crypto.decrypt(key, (_folder() / str(file_id)).read_bytes(), ad=_ad(file_id))
    except (OSError, crypto.DecryptionError):
        return None


def discard(token: str) -> None:
    parsed = _parse(token)
    if parsed is not None:
        (_folder() / str(parsed[0])).unlink(missing_ok=True)


def purge(now: float | None = None) -> int:
    cutoff = (now or time.time()) - MAX_AGE_SECONDS
    removed = 0
    for path in _folder().iterdir():
        if path.is_file() and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
            removed += 1
    return removed

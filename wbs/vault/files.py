"""The attachment store: ciphertext files under random names, in any Django storage (the
"attachments" entry of STORAGES: a local folder by default, an S3-compatible store in a larger
installation). Rows point at a file through wbs.vault.fields.SealedFile."""

import contextlib
import errno
import hashlib
import logging
import tempfile
import uuid
from collections.abc import Iterable, Iterator

from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import storages

from . import crypto

logger = logging.getLogger("wbs.vault.files")
# A store that cannot take more: full, over quota, or read-only.
NO_ROOM = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EFBIG})


class StoreFull(OSError):
    """The attachment store has no room now; nothing of the file is left behind."""


def storage():
    return storages["attachments"]


def store(key: bytes, data: bytes | Iterable[bytes], ad: bytes) -> tuple[str, str]:
    """Encrypt `data` (bytes, or plaintext pieces) into a new file, chunk by chunk through a
    spooled temporary file of ciphertext (bounded memory); returns (storage name, SHA-256 of
    the ciphertext)."""
    if isinstance(data, bytes | bytearray | memoryview):
        whole = memoryview(data)
        data = (whole[i : i + crypto.FILE_CHUNK] for i in range(0, len(whole), crypto.FILE_CHUNK))
    digest = hashlib.sha256()
    name = f"{uuid.uuid4().hex[:2]}/{uuid.uuid4().hex}"
    spool = tempfile.SpooledTemporaryFile(  # noqa: SIM115 - closed below
        max_size=2 * 1024 * 1024, dir=settings.FILE_UPLOAD_TEMP_DIR
    )
    try:
        for part in crypto.encrypt_stream(key, data, ad=ad):
            digest.update(part)
            spool.write(part)
        spool.seek(0)
        saved = storage().save(name, File(spool, name=name))
    except OSError as exc:
        # Django's file storage leaves a partly written file behind: remove it.
        with contextlib.suppress(Exception):
            storage().delete(name)
        if exc.errno in NO_ROOM:
            logger.error("attachment store full or read-only (%s)", errno.errorcode[exc.errno])
            raise StoreFull(exc.errno, "attachment store has no room") from None
        raise
    finally:
        spool.close()
    return saved, digest.hexdigest()


def open_stream(key: bytes, name: str, ad: bytes) -> Iterator[bytes]:
    """Decrypt a stored file chunk by chunk; the file is closed when the stream ends."""
    fh = storage().open(name, "rb")

    def chunks():
        try:
            yield from crypto.decrypt_stream(key, fh.read, ad=ad)
        finally:
            fh.close()

    return chunks()


def delete(names: Iterable[str]) -> None:
    """Remove stored files (after their rows are gone, or when a transaction failed)."""
    store_ = storage()
    for name in names:
        if name:
            store_.delete(name)


def list_names(prefix: str = "") -> Iterator[str]:
    """Every file name in the attachment store (walking its folders), for the reconciler."""
    store_ = storage()
    folders, names = store_.listdir(prefix)
    for name in names:
        yield f"{prefix}{name}"
    for folder in folders:
        yield from list_names(f"{prefix}{folder}/")


def ciphertext_digest(name: str) -> str:
    """SHA-256 of a stored file's ciphertext, read in chunks (nothing is decrypted)."""
    digest = hashlib.sha256()
    with storage().open(name, "rb") as fh:
        for chunk in iter(lambda: fh.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()

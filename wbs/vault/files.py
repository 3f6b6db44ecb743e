"""The attachment store: ciphertext files under random names, in any Django storage (the
"attachments" entry of STORAGES: a local folder by default, an S3-compatible store in a larger
installation). Rows point at a file through wbs.vault.fields.SealedFile."""

import contextlib
import errno
import hashlib
import logging
import uuid
from collections.abc import Iterable, Iterator

from django.core.files.base import ContentFile
from django.core.files.storage import storages

from . import crypto

logger = logging.getLogger("wbs.vault.files")
# A store that cannot take more: full, over quota, or read-only.
NO_ROOM = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EFBIG})


class StoreFull(OSError):
    """The attachment store has no room now; nothing of the file is left behind."""


def storage():
    return storages["attachments"]


def store(key: bytes, data: bytes, ad: bytes) -> tuple[str, str]:
    """Encrypt `data` into a new file; returns (storage name, SHA-256 of the ciphertext)."""
    ciphertext = crypto.encrypt_bytes_to_file(key, data, ad=ad)
    name = f"{uuid.uuid4().hex[:2]}/{uuid.uuid4().hex}"
    try:
        saved = storage().save(name, ContentFile(ciphertext))
    except OSError as exc:
        # Django's file storage leaves a partly written file behind: remove it.
        with contextlib.suppress(Exception):
            storage().delete(name)
        if exc.errno in NO_ROOM:
            logger.error("attachment store full or read-only (%s)", errno.errorcode[exc.errno])
            raise StoreFull(exc.errno, "attachment store has no room") from None
        raise
    return saved, hashlib.sha256(ciphertext).hexdigest()


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

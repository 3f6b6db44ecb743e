"""Evidence and casework files on a report: stored encrypted (original and cleaned copy),
listed, streamed, and scanned again before every download.

Files arrive checked (wbs.vault.uploads.check_uploads); here they become Attachment rows whose
name, type and size are sealed in `meta_ct` and whose contents are ciphertext files in the
attachment store (wbs.vault.fields.SealedFile).
"""

import contextlib
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wbs.vault import antivirus, files
from wbs.vault.keyring import Keyring
from wbs.vault.uploads import CheckedUpload

from .models import Attachment

# The upload's antivirus verdict as it is kept on the attachment.
_SCAN_OF_VERDICT = {
    antivirus.CLEAN: Attachment.Scan.CLEAN,
    antivirus.UNAVAILABLE: Attachment.Scan.UNSCANNED,
}


@dataclass(frozen=True)
class AttachmentInfo:
    attachment: Attachment
    name: str
    content_type: str
    size: int
    cleaned: bool
    cleaning_note: str


def store_attachment(
    keyring: Keyring,
    report,
    upload: CheckedUpload,
    *,
    source: str,
    uploaded_by=None,
    purpose: str = Attachment.Purpose.EVIDENCE,
    stored_names: list[str] | None = None,
) -> Attachment:
    """Encrypt the original and the cleaned copy into the attachment store and record them.
    Names of the stored files are appended to `stored_names` so the caller can remove them if
    its transaction fails (see `removing_on_failure`)."""
    attachment = Attachment(
        id=uuid.uuid4(),
        report=report,
        source=source,
        purpose=purpose,
        uploaded_by=uploaded_by,
        created_on=timezone.localdate(),
        scan=_SCAN_OF_VERDICT.get(upload.scan, ""),
    )
    stored_names = stored_names if stored_names is not None else []
    # Each name is handed back as soon as its file exists: if the next step fails, the caller
    # can remove what was stored so far.
    # Each file is encrypted into the store chunk by chunk from its spill (bounded memory).
    stored_names.append(attachment.original.store(keyring, upload.original.chunks()))
    cleaned = upload.cleaned
    if cleaned is not None:
        stored_names.append(attachment.cleaned.store(keyring, cleaned.chunks()))
    attachment.meta.seal(
        keyring,
        {
            "name": upload.display_name,
            "content_type": upload.checked.content_type,
            "extension": upload.checked.extension,
            "size": upload.size,
            "cleaned_size": cleaned.size if cleaned is not None else None,
            "cleaning_note": str(upload.checked.cleaning_note or ""),
        },
    )
    attachment.save(force_insert=True)
    upload.release()
    return attachment


@contextlib.contextmanager
def removing_on_failure():
    """Yield a list for `store_attachment(stored_names=...)`; if the block fails, the files
    named in it are removed from the attachment store again (their rows were rolled back)."""
    stored: list[str] = []
    try:
        yield stored
    except BaseException:
        with contextlib.suppress(Exception):
            files.delete(stored)
        raise


def attachment_infos(keyring: Keyring, attachments: Iterable[Attachment]) -> list[AttachmentInfo]:
    infos = []
    for a in attachments:
        meta = a.meta.open(keyring)
        infos.append(
            AttachmentInfo(
                attachment=a,
                name=meta["name"],
                content_type=meta["content_type"],
                size=meta["size"],
                cleaned=bool(a.cleaned),
                cleaning_note=meta.get("cleaning_note", ""),
            )
        )
    return infos


def stored_bytes(keyring: Keyring, report) -> int:
    """The size of the report's evidence so far (the per-report limit counts it)."""
    return sum(info.size for info in attachment_infos(keyring, report.attachments.all()))


def open_attachment(
    keyring: Keyring, attachment: Attachment, *, original: bool = False
) -> tuple[AttachmentInfo, Iterator[bytes]]:
    """Stream the cleaned copy (default) or the original, decrypted chunk by chunk."""
    info = attachment_infos(keyring, [attachment])[0]
    variant = attachment.original if original or not attachment.cleaned else attachment.cleaned
    return info, variant.open(keyring)


def blob_names(attachments) -> list[str]:
    """Storage names of the attachments' files (for destruction and backups)."""
    return [
        name
        for pair in attachments.values_list("original_blob", "cleaned_blob")
        for name in pair
        if name
    ]


MSG_QUARANTINED = _(
    "The antivirus found malware in this file. It is quarantined and cannot be downloaded."
)
MSG_UNSCANNED = _(
    "This file has not been scanned for viruses yet and the antivirus cannot be reached now. "
    "Try again later or ask the system administrator."
)


MSG_DAMAGED = _(
    "This file is damaged or missing in the attachment store, so it is not served. The "
    "administrators have been told; they can restore it from a backup."
)


class Quarantined(Exception):
    """The attachment may not be served: malware was found in it, or it was never scanned and
    the antivirus cannot be reached now. `message` is for the staff member."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def _mark(attachment: Attachment, scan: str) -> None:
    Attachment.objects.filter(pk=attachment.pk).update(scan=scan)
    attachment.scan = scan


class Damaged(Quarantined):
    """The stored ciphertext is missing, truncated or changed (its SHA-256 is not the row's)."""


def check_before_serving(keyring: Keyring, attachment: Attachment, *, original: bool) -> None:
    """Check the stored file is whole, and scan it again before it is served (signatures
    grow: a file clean at upload may be known malware today). Raises Damaged or Quarantined;
    marks the attachment infected when it is."""
    if attachment.scan == Attachment.Scan.INFECTED:
        raise Quarantined(MSG_QUARANTINED)
    variant = attachment.original if original or not attachment.cleaned else attachment.cleaned
    if not variant.intact():
        raise Damaged(MSG_DAMAGED)
    if not antivirus.enabled():
        return
    _info, chunks = open_attachment(keyring, attachment, original=original)
    verdict = antivirus.scan_chunks(chunks)
    if verdict.infected:
        _mark(attachment, Attachment.Scan.INFECTED)
        raise Quarantined(MSG_QUARANTINED)
    if verdict.status == antivirus.UNAVAILABLE:
        if attachment.scan != Attachment.Scan.CLEAN:
            raise Quarantined(MSG_UNSCANNED)
        return
    if attachment.scan != Attachment.Scan.CLEAN:
        _mark(attachment, Attachment.Scan.CLEAN)

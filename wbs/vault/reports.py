"""Sealing and opening reports: the only place where report plaintext meets ciphertext.

Every function takes the caller's `Keyring` (or creates the keys itself at submission) and
returns plain dataclasses; views, forms and templates never see keys or ciphertext.
"""

import datetime
import hashlib
import json
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wbs.accounts.models import RECEIVING_ROLES, Role
from wbs.cases.models import Accused, Attachment, Message, Report

from . import antivirus, codes, crypto, filecheck
from .keyring import Keyring, NoAccess
from .keys import active_recovery_key, public_keys_of
from .models import AccessCode, KeyGrant, ReporterVaultItem, UserKeyPair

__all__ = ["NoAccess"]

_ACCESS_AD = b"wbs:v1:access_code_keys"


@dataclass(frozen=True)
class AccusedData:
    name: str
    position: str = ""
    unit: str = ""


@dataclass(frozen=True)
class ReportDetails:
    description: str
    location: str = ""
    incident_date: str = ""  # ISO date, when the reporter knows it
    incident_period: str = ""  # free text ("awal 2025", "Maret–Mei 2025")
    estimated_loss: int | None = None  # Rupiah
    reported_elsewhere: bool = False
    reported_elsewhere_to: str = ""

    @property
    def incident_date_value(self) -> datetime.date | None:
        return datetime.date.fromisoformat(self.incident_date) if self.incident_date else None


@dataclass(frozen=True)
class IdentityData:
    name: str = ""
    nip: str = ""
    unit: str = ""
    contact: str = ""

    def __bool__(self) -> bool:
        return any((self.name, self.nip, self.unit, self.contact))


@dataclass(frozen=True)
class OpenedReport:
    title: str
    details: ReportDetails
    accused: list[AccusedData] = field(default_factory=list)


@dataclass(frozen=True)
class OpenedMessage:
    message: Message
    body: str


@dataclass(frozen=True)
class AttachmentInfo:
    attachment: Attachment
    name: str
    content_type: str
    size: int
    cleaned: bool
    cleaning_note: str


@dataclass
class Submission:
    """What the reporter takes away: shown once, never stored."""

    access_code: str


def _enc(key: bytes, obj, table: str, name: str, pk) -> bytes:
    return crypto.encrypt(key, json.dumps(obj).encode(), ad=crypto.aad(table, name, pk))


def _dec(key: bytes, blob, table: str, name: str, pk):
    return json.loads(crypto.decrypt(key, bytes(blob), ad=crypto.aad(table, name, pk)))


def receiving_users():
    """Active staff who receive every new report: Verifikator and Inspektur."""
    return (
        get_user_model()
        .objects.filter(kind="staff", is_active=True, role_assignments__role__in=RECEIVING_ROLES)
        .distinct()
    )


def identity_holders():
    return (
        get_user_model()
        .objects.filter(kind="staff", is_active=True, role_assignments__role=Role.INSPEKTUR)
        .distinct()
    )


@dataclass(frozen=True)
class Recipients:
    """Who receives a new report's keys: the recovery key, the receiving staff (report key) and
    the identity holders (identity key). Looked up once per submission, or once per batch."""

    recovery: object
    receivers: dict[int, bytes]
    holders: dict[int, bytes]

    @classmethod
    def now(cls) -> "Recipients":
        recovery = active_recovery_key()
        if recovery is None:
            raise RuntimeError("no active recovery key: run `manage.py init_vault` first")
        return cls(recovery, public_keys_of(receiving_users()), public_keys_of(identity_holders()))


def _grants_for_new_report(report, rk: bytes, ik: bytes | None, to: Recipients) -> list[KeyGrant]:
    def grant(kind, key, public, *, user_id=None, reason=""):
        recovery = to.recovery if user_id is None else None
        return KeyGrant(
            report=report,
            key_kind=kind,
            user_id=user_id,
            recovery_key=recovery,
            sealed_key=crypto.seal(public, key),
            reason=reason,
        )

    grants = [grant(KeyGrant.KeyKind.REPORT, rk, to.recovery.public_key)]
    grants += [
        grant(KeyGrant.KeyKind.REPORT, rk, public, user_id=user_id, reason="new report")
        for user_id, public in to.receivers.items()
    ]
    if ik is not None:
        grants.append(grant(KeyGrant.KeyKind.IDENTITY, ik, to.recovery.public_key))
        grants += [
            grant(KeyGrant.KeyKind.IDENTITY, ik, public, user_id=user_id, reason="inspektur")
            for user_id, public in to.holders.items()
        ]
    return grants


def _encrypt_report(report, rk, ik, *, title, details, identity, accused) -> list[Accused]:
    """Fill the report's ciphertext columns; return its (unsaved) terlapor rows."""
    pk = report.pk
    report.title_ct = _enc(rk, title, "report", "title", pk)
    report.details_ct = _enc(rk, asdict(details), "report", "details", pk)
    report.identity_ct = _enc(ik, asdict(identity), "report", "identity", pk) if ik else None
    rows = []
    for position, person in enumerate(accused, start=1):
        row = Accused(id=uuid.uuid4(), report=report, position=position)
        row.data_ct = _enc(rk, asdict(person), "accused", "data", row.id)
        rows.append(row)
    return rows


def _access_code(report, rk: bytes, ik: bytes | None) -> tuple[AccessCode, str]:
    """A new Kode Akses and its (unsaved) row: keyed-hash lookup, keys wrapped under Argon2id."""
    from django.conf import settings

    code = codes.new_access_code()
    normalised = codes.normalise_code(code)
    salt = crypto.new_salt()
    ops, mem = settings.WBS_CODE_OPSLIMIT, settings.WBS_CODE_MEMLIMIT
    code_key = crypto.derive_key(normalised.encode(), salt, opslimit=ops, memlimit=mem)
    wrapped = json.dumps({"rk": rk.hex(), "ik": ik.hex() if ik else None}).encode()
    row = AccessCode(
        report=report,
        lookup=crypto.keyed_hash("access-code", normalised.encode()),
        salt=salt,
        opslimit=ops,
        memlimit=mem,
        wrapped_keys=crypto.encrypt(code_key, wrapped, ad=_ACCESS_AD + str(report.pk).encode()),
    )
    return row, code


def seal_new_report(
    report: Report,
    *,
    title: str,
    details: ReportDetails,
    accused: Iterable[AccusedData],
    identity: IdentityData | None,
    reporter_user=None,
    keyring: Keyring | None = None,
) -> Submission:
    """Encrypt a new report and save it with its terlapor, grants and access code.

    `report` is unsaved, with its plain metadata set. Must run inside the submission's
    transaction. Side effects: RK (and IK when identity is given) are created, sealed to the
    recovery key and to every receiving user, wrapped under the new Kode Akses, and — for a
    registered reporter — sealed to their own key; `keyring` (the reporter's) learns them.
    """
    rk = crypto.new_key()
    ik = crypto.new_key() if identity else None
    accused_rows = _encrypt_report(
        report, rk, ik, title=title, details=details, identity=identity, accused=accused
    )
    report.save(force_insert=True)
    Accused.objects.bulk_create(accused_rows)
    KeyGrant.objects.bulk_create(_grants_for_new_report(report, rk, ik, Recipients.now()))
    access_row, code = _access_code(report, rk, ik)
    access_row.save(force_insert=True)
    if reporter_user is not None:
        _seal_to_reporter(reporter_user, report, rk, ik)
    if keyring is not None:
        keyring.add_report(report.pk, rk=rk, ik=ik)
    return Submission(access_code=code)


def _seal_to_reporter(user, report, rk: bytes, ik: bytes | None) -> None:
    public = UserKeyPair.objects.values_list("public_key", flat=True).get(user=user)
    item = {"report": str(report.pk), "rk": rk.hex(), "ik": ik.hex() if ik else None}
    ReporterVaultItem.objects.create(
        user=user, sealed=crypto.seal(bytes(public), json.dumps(item).encode())
    )


# --- the reporter's way back ----------------------------------------------------------------


def open_with_access_code(code: str) -> tuple[Report, Keyring] | None:
    """Look the code up by its keyed hash and unwrap the report's keys. None for any failure;
    the caller answers every failure the same way."""
    from django.conf import settings

    normalised = codes.normalise_code(code)
    entry = None
    if normalised is not None:
        lookup = crypto.keyed_hash("access-code", normalised.encode())
        entry = AccessCode.objects.select_related("report").filter(lookup=lookup).first()
    if entry is None:
        # Spend the same Argon2id time, so a miss (or a malformed code) is not faster than a hit.
        crypto.derive_key(
            (normalised or "-").encode(),
            crypto.new_salt(),
            opslimit=settings.WBS_CODE_OPSLIMIT,
            memlimit=settings.WBS_CODE_MEMLIMIT,
        )
        return None
    code_key = crypto.derive_key(
        normalised.encode(), entry.salt, opslimit=entry.opslimit, memlimit=entry.memlimit
    )
    try:
        keys = json.loads(
            crypto.decrypt(
                code_key, entry.wrapped_keys, ad=_ACCESS_AD + str(entry.report_id).encode()
            )
        )
    except crypto.DecryptionError:
        return None
    keyring = Keyring()
    keyring.add_report(
        entry.report_id,
        rk=bytes.fromhex(keys["rk"]),
        ik=bytes.fromhex(keys["ik"]) if keys.get("ik") else None,
    )
    return entry.report, keyring


def reporter_report_ids(keyring: Keyring, user) -> list[str]:
    """A registered reporter's reports: open their sealed vault items into the keyring."""
    private = keyring.private_key()
    ids = []
    for item in ReporterVaultItem.objects.filter(user=user).only("sealed"):
        data = json.loads(crypto.unseal(private, item.sealed))
        keyring.add_report(
            data["report"],
            rk=bytes.fromhex(data["rk"]),
            ik=bytes.fromhex(data["ik"]) if data.get("ik") else None,
        )
        ids.append(data["report"])
    return ids


def seal_profile(user, identity: IdentityData) -> None:
    """A registered reporter's identity details, sealed to their own key (only they open it)."""
    public = UserKeyPair.objects.values_list("public_key", flat=True).get(user=user)
    UserKeyPair.objects.filter(user=user).update(
        sealed_profile=crypto.seal(bytes(public), json.dumps(asdict(identity)).encode())
    )


def open_profile(keyring: Keyring, user) -> IdentityData:
    blob = UserKeyPair.objects.values_list("sealed_profile", flat=True).filter(user=user).first()
    if not blob or not keyring.has_private_key:
        return IdentityData()
    return IdentityData(**json.loads(crypto.unseal(keyring.private_key(), blob)))


# --- reading a report -----------------------------------------------------------------------


def open_title(keyring: Keyring, report: Report) -> str:
    return _dec(keyring._key(report, "report"), report.title_ct, "report", "title", report.pk)


def open_report(keyring: Keyring, report: Report) -> OpenedReport:
    rk = keyring._key(report, "report")
    details = ReportDetails(**_dec(rk, report.details_ct, "report", "details", report.pk))
    accused = [
        AccusedData(**_dec(rk, row.data_ct, "accused", "data", row.pk))
        for row in report.accused.all()
    ]
    return OpenedReport(
        title=_dec(rk, report.title_ct, "report", "title", report.pk),
        details=details,
        accused=accused,
    )


def open_identity(keyring: Keyring, report: Report) -> IdentityData | None:
    """The reporter's identity; raises NoAccess unless the keyring holds the identity key."""
    if report.identity_ct is None:
        return None
    ik = keyring._key(report, "identity")
    return IdentityData(**_dec(ik, report.identity_ct, "report", "identity", report.pk))


# --- messages -------------------------------------------------------------------------------


def add_message(
    keyring: Keyring,
    report: Report,
    *,
    body: str,
    author_kind: str,
    author=None,
    kind: str = Message.Kind.MESSAGE,
) -> Message:
    """Append an encrypted message. The caller holds the report row lock (seq is max + 1)."""
    rk = keyring._key(report, "report")
    seq = (report.messages.aggregate(m=Max("seq"))["m"] or 0) + 1
    message = Message(
        id=uuid.uuid4(),
        report=report,
        seq=seq,
        author_kind=author_kind,
        author=author,
        kind=kind,
        created_on=timezone.localdate(),
    )
    message.body_ct = _enc(rk, body, "message", "body", message.id)
    message.save(force_insert=True)
    return message


def open_messages(keyring: Keyring, report: Report, *, include_notes: bool) -> list[OpenedMessage]:
    rk = keyring._key(report, "report")
    messages = report.messages.select_related("author")
    if not include_notes:
        messages = messages.exclude(kind=Message.Kind.NOTE)
    return [
        OpenedMessage(message=m, body=_dec(rk, m.body_ct, "message", "body", m.pk))
        for m in messages
    ]


# --- attachments ----------------------------------------------------------------------------


class CheckedUpload:
    """A file that passed the content checks, held in memory until it is stored encrypted."""

    def __init__(self, name: str, checked: filecheck.CheckedFile, data: bytes, scan: str = ""):
        self.display_name = filecheck.safe_display_name(name)
        self.checked = checked
        self._data = data
        self.scan = scan  # Attachment.Scan value, "" when scanning is off

    @property
    def size(self) -> int:
        return len(self._data)


def inspect_upload(upload) -> CheckedUpload:
    """Decrypt an upload from its encrypted temporary file and check its content.

    Raises filecheck.FileRejected with a message for the reporter."""
    from .uploads import read_plaintext

    data = read_plaintext(upload)
    checked = filecheck.check_and_clean(data, upload.name or "")
    verdict = antivirus.scan_bytes(data)
    if verdict.infected:
        raise filecheck.FileRejected(MSG_MALWARE, code="malware")
    scan = {
        antivirus.CLEAN: Attachment.Scan.CLEAN,
        antivirus.UNAVAILABLE: Attachment.Scan.UNSCANNED,
    }.get(verdict.status, "")
    return CheckedUpload(upload.name or "", checked, data, scan)


MSG_MALWARE = _(
    "The antivirus found malware in this file, so it was not accepted. Send a clean copy, or "
    "describe the evidence in the report instead."
)


class Quarantined(Exception):
    """The attachment may not be served: malware was found in it, or it was never scanned and
    the antivirus cannot be reached now. `message` is for the staff member."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def check_before_serving(keyring: Keyring, attachment: Attachment, *, original: bool) -> None:
    """Scan the file again before it is served (signatures grow: a file clean at upload may be
    known malware today). Raises Quarantined; marks the attachment infected when it is."""
    if attachment.scan == Attachment.Scan.INFECTED:
        raise Quarantined(MSG_QUARANTINED)
    if not antivirus.enabled():
        return
    _info, chunks = open_attachment(keyring, attachment, original=original)
    verdict = antivirus.scan_chunks(chunks)
    if verdict.infected:
        Attachment.objects.filter(pk=attachment.pk).update(scan=Attachment.Scan.INFECTED)
        attachment.scan = Attachment.Scan.INFECTED
        raise Quarantined(MSG_QUARANTINED)
    if verdict.status == antivirus.UNAVAILABLE:
        if attachment.scan != Attachment.Scan.CLEAN:
            raise Quarantined(MSG_UNSCANNED)
        return
    if attachment.scan != Attachment.Scan.CLEAN:
        Attachment.objects.filter(pk=attachment.pk).update(scan=Attachment.Scan.CLEAN)
        attachment.scan = Attachment.Scan.CLEAN


MSG_QUARANTINED = _(
    "The antivirus found malware in this file. It is quarantined and cannot be downloaded."
)
MSG_UNSCANNED = _(
    "This file has not been scanned for viruses yet and the antivirus cannot be reached now. "
    "Try again later or ask the system administrator."
)


def _attachment_storage():
    return storages["attachments"]


def _store_blob(key: bytes, data: bytes, ad: bytes) -> tuple[str, str]:
    ciphertext = crypto.encrypt_bytes_to_file(key, data, ad=ad)
    name = f"{uuid.uuid4().hex[:2]}/{uuid.uuid4().hex}"
    saved = _attachment_storage().save(name, ContentFile(ciphertext))
    return saved, hashlib.sha256(ciphertext).hexdigest()


def store_attachment(
    keyring: Keyring,
    report: Report,
    upload: CheckedUpload,
    *,
    source: str,
    uploaded_by=None,
    stored_names: list[str] | None = None,
) -> Attachment:
    """Encrypt the original and the cleaned copy into the attachment store and record them.
    Names of the stored blobs are appended to `stored_names` so the caller can remove them if
    its transaction fails."""
    rk = keyring._key(report, "report")
    attachment = Attachment(
        id=uuid.uuid4(),
        report=report,
        source=source,
        uploaded_by=uploaded_by,
        created_on=timezone.localdate(),
    )
    attachment.original_blob, attachment.original_ct_sha256 = _store_blob(
        rk, upload._data, crypto.aad("attachment", "original", attachment.id)
    )
    if stored_names is not None:
        stored_names.append(attachment.original_blob)
    cleaned = upload.checked.cleaned
    if cleaned is not None:
        attachment.cleaned_blob, attachment.cleaned_ct_sha256 = _store_blob(
            rk, cleaned, crypto.aad("attachment", "cleaned", attachment.id)
        )
        if stored_names is not None:
            stored_names.append(attachment.cleaned_blob)
    meta = {
        "name": upload.display_name,
        "content_type": upload.checked.content_type,
        "extension": upload.checked.extension,
        "size": upload.size,
        "cleaned_size": len(cleaned) if cleaned is not None else None,
        "cleaning_note": str(upload.checked.cleaning_note or ""),
    }
    attachment.meta_ct = _enc(rk, meta, "attachment", "meta", attachment.id)
    attachment.scan = upload.scan
    attachment.save(force_insert=True)
    upload._data = b""
    return attachment


def delete_blobs(names: Iterable[str]) -> None:
    storage = _attachment_storage()
    for name in names:
        if name:
            storage.delete(name)


def attachment_infos(keyring: Keyring, attachments: Iterable[Attachment]) -> list[AttachmentInfo]:
    infos = []
    for a in attachments:
        meta = _dec(keyring._key(a.report, "report"), a.meta_ct, "attachment", "meta", a.pk)
        infos.append(
            AttachmentInfo(
                attachment=a,
                name=meta["name"],
                content_type=meta["content_type"],
                size=meta["size"],
                cleaned=bool(a.cleaned_blob),
                cleaning_note=meta.get("cleaning_note", ""),
            )
        )
    return infos


def open_attachment(
    keyring: Keyring, attachment: Attachment, *, original: bool = False
) -> tuple[AttachmentInfo, Iterator[bytes]]:
    """Stream the cleaned copy (default) or the original, decrypted chunk by chunk."""
    info = attachment_infos(keyring, [attachment])[0]
    rk = keyring._key(attachment.report, "report")
    use_original = original or not attachment.cleaned_blob
    variant = "original" if use_original else "cleaned"
    name = attachment.original_blob if use_original else attachment.cleaned_blob
    fh = _attachment_storage().open(name, "rb")

    def chunks():
        try:
            yield from crypto.decrypt_stream(
                rk, fh.read, ad=crypto.aad("attachment", variant, attachment.id)
            )
        finally:
            fh.close()

    return info, chunks()


# --- grants ---------------------------------------------------------------------------------


def _grant(keyring: Keyring, report: Report, user, kind: str, *, granted_by, reason: str) -> bool:
    key = keyring._key(report, kind)
    public = public_keys_of([user]).get(user.pk)
    if public is None:
        return False
    KeyGrant.objects.update_or_create(
        report=report,
        key_kind=kind,
        user=user,
        defaults={
            "sealed_key": crypto.seal(public, key),
            "granted_by": granted_by,
            "reason": reason,
        },
    )
    return True


def grant_report_key(keyring: Keyring, report: Report, user, *, granted_by, reason: str) -> bool:
    """Seal the report key held by `keyring` to `user`. False if they have no key pair."""
    return _grant(
        keyring, report, user, KeyGrant.KeyKind.REPORT, granted_by=granted_by, reason=reason
    )


# --- bulk sealing (demo data and benchmarks) ------------------------------------------------


@dataclass
class BulkItem:
    report: Report  # unsaved, plain metadata set
    title: str
    details: ReportDetails
    accused: list[AccusedData]
    identity: IdentityData | None = None
    with_access_code: bool = False


def seal_reports_in_bulk(items: list[BulkItem], keyring: Keyring | None = None) -> list[str | None]:
    """Like seal_new_report for many reports at once (real encryption, real grants), with one
    bulk insert per table. Argon2id is paid only for items that ask for an access code.
    Returns the access codes (None where none was made); `keyring` learns every report key
    (the seeder uses it to write casework). Run inside a transaction."""
    to = Recipients.now()
    reports, accused_rows, grants, access_rows, codes_out = [], [], [], [], []
    for item in items:
        rk = crypto.new_key()
        ik = crypto.new_key() if item.identity else None
        accused_rows += _encrypt_report(
            item.report,
            rk,
            ik,
            title=item.title,
            details=item.details,
            identity=item.identity,
            accused=item.accused,
        )
        reports.append(item.report)
        grants += _grants_for_new_report(item.report, rk, ik, to)
        code = None
        if item.with_access_code:
            access_row, code = _access_code(item.report, rk, ik)
            access_rows.append(access_row)
        codes_out.append(code)
        if keyring is not None:
            keyring.add_report(item.report.pk, rk=rk, ik=ik)
    Report.objects.bulk_create(reports, batch_size=1000)
    Accused.objects.bulk_create(accused_rows, batch_size=1000)
    KeyGrant.objects.bulk_create(grants, batch_size=2000)
    AccessCode.objects.bulk_create(access_rows, batch_size=1000)
    return codes_out


# --- casework ciphertext (screening reasons, telaahan, follow-up, results, requests) ---------


def seal_value(keyring: Keyring, report: Report, *, table: str, field: str, pk, value) -> bytes:
    """Encrypt a JSON-able value of a casework row under the report key, bound to its place."""
    return _enc(keyring._key(report, "report"), value, table, field, pk)


def open_value(keyring: Keyring, report: Report, blob, *, table: str, field: str, pk):
    if blob is None:
        return None
    return _dec(keyring._key(report, "report"), blob, table, field, pk)


def can_open(keyring: Keyring, report: Report, kind: str = "report") -> bool:
    try:
        keyring._key(report, kind)
    except NoAccess:
        return False
    return True


def preload_grants(keyring: Keyring, reports) -> None:
    """Unseal the report keys of a page of reports with one query (inbox)."""
    if not keyring.has_private_key:
        return
    ids = [r.pk for r in reports]
    grants = KeyGrant.objects.filter(
        report_id__in=ids, user_id=keyring.user_id, key_kind=KeyGrant.KeyKind.REPORT
    ).only("report_id", "key_kind", "sealed_key")
    keyring.preload(grants, report_ids=ids)


def grant_identity_key(keyring: Keyring, report: Report, user, *, granted_by, reason: str) -> bool:
    """Seal the identity key held by `keyring` (an Inspektur's) to `user`."""
    return _grant(
        keyring, report, user, KeyGrant.KeyKind.IDENTITY, granted_by=granted_by, reason=reason
    )


def revoke_report_key(report: Report, user) -> int:
    """Remove a user's grants on a report (report and identity keys)."""
    deleted, _ = KeyGrant.objects.filter(report=report, user=user).delete()
    return deleted


def holds_grant(user, report: Report, kind: str = "report") -> bool:
    return KeyGrant.objects.filter(report=report, user=user, key_kind=kind).exists()


def grant_report_keys_in_bulk(keyring: Keyring, pairs) -> None:
    """Seal report keys held by `keyring` to users, for many (report, user) pairs at once."""
    publics = public_keys_of({user for _report, user in pairs})
    rows = [
        KeyGrant(
            report=report,
            key_kind=KeyGrant.KeyKind.REPORT,
            user=user,
            sealed_key=crypto.seal(publics[user.pk], keyring._key(report, "report")),
            reason="forward",
        )
        for report, user in pairs
        if user.pk in publics
    ]
    KeyGrant.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)


def shred_keys(report: Report) -> None:
    """Crypto-shredding: every sealed or wrapped copy of the report's keys is deleted. The
    reporters' own sealed vault items cannot be found by report (by design) and point nowhere
    once the report is gone."""
    KeyGrant.objects.filter(report=report).delete()
    AccessCode.objects.filter(report=report).delete()

"""The organisation recovery key: an X25519 key pair that holds a copy of every report and
identity key, and the Ed25519 trust root that certifies Inspektur signing keys. Both private
halves are wrapped under a passphrase shown once at installation and stored nowhere; the root's
fingerprint is pinned outside the database (WBS_TRUST_ROOT). With the passphrase: re-issue keys
after a lost password, list people as the root, split identity keys among the custodians, and
rotate everything to a new passphrase."""

from django.db import transaction

from . import codes, crypto, listings, shares, signing
from .keyring import Keyring
from .keys import Unlocked, split_material, unwrap, wrap
from .models import KeyGrant, RecipientListing, RecoveryKey, SigningCertificate

_RECOVERY_AD = b"wbs:v1:recovery_private_key"


def active_recovery_key() -> RecoveryKey | None:
    return RecoveryKey.objects.filter(active=True).first()


def _secret(passphrase: str) -> bytes:
    return codes.normalise_passphrase(passphrase).encode()


@transaction.atomic
def create_recovery_key() -> tuple[RecoveryKey, str]:
    """Create the organisation recovery key and trust root. Returns the passphrase, which is
    shown once and stored nowhere; the root's fingerprint is signing.fingerprint(key)."""
    if RecoveryKey.objects.filter(active=True).exists():
        raise RuntimeError("an active recovery key exists already")
    passphrase = codes.new_recovery_passphrase()
    public, private = crypto.new_keypair()
    verify_key, seed = signing.new_signing_key()
    key = RecoveryKey.objects.create(
        public_key=public,
        verify_key=verify_key,
        **wrap(_secret(passphrase), private + seed, _RECOVERY_AD),
    )
    return key, passphrase


def open_root(passphrase: str, key: RecoveryKey | None = None) -> Unlocked | None:
    """The recovery private key and the root's signing seed, or None for a wrong passphrase.
    A recovery key made before the trust root existed gets its signing key here (its new
    fingerprint must then be pinned in WBS_TRUST_ROOT)."""
    key = key or active_recovery_key()
    if key is None:
        return None
    material = unwrap(_secret(passphrase), key, _RECOVERY_AD)
    if material is None:
        return None
    private, seed = split_material(material)
    if seed is None:
        verify_key, seed = signing.new_signing_key()
        RecoveryKey.objects.filter(pk=key.pk).update(
            verify_key=verify_key, **wrap(_secret(passphrase), private + seed, _RECOVERY_AD)
        )
        key.refresh_from_db()
    # The passphrase holder is the authority on the public halves: rows swapped in the
    # database are put back (before a fingerprint is printed or anything is signed).
    public, verify_key = crypto.public_key_of(private), signing.verify_key_of(seed)
    if (bytes(key.public_key), bytes(key.verify_key)) != (public, verify_key):
        RecoveryKey.objects.filter(pk=key.pk).update(public_key=public, verify_key=verify_key)
        key.refresh_from_db()
    return Unlocked(private, seed)


def open_recovery_key(passphrase: str, key: RecoveryKey | None = None) -> bytes | None:
    unlocked = open_root(passphrase, key)
    return unlocked.private_key if unlocked else None


def _copies(private: bytes, report_ids, kind: str):
    """(report id, key) of the recovery key's copies, in batches of 1000 reports."""
    ids = list(report_ids)
    for start in range(0, len(ids), 1000):
        rows = KeyGrant.objects.filter(
            report_id__in=ids[start : start + 1000], recovery_key__active=True, key_kind=kind
        ).only("report_id", "sealed_key")
        yield [(row.report_id, crypto.unseal(private, row.sealed_key)) for row in rows]


def regrant_from_recovery(passphrase: str, user, report_ids) -> int | None:
    """Re-issue to `user` the report keys of the given reports from the recovery key's copies.
    None if the passphrase is wrong; else the number of grants written — 0 unless `user` is
    listed (a person whose listing does not verify gets no key). Identity keys are never
    re-issued whole to a person: they open only through the custodians' shares."""
    private = open_recovery_key(passphrase)
    if private is None:
        return None
    public = listings.listed_key(user)
    if public is None:
        return 0
    written = 0
    for batch in _copies(private, report_ids, KeyGrant.KeyKind.REPORT):
        ids = [report_id for report_id, _key in batch]
        KeyGrant.objects.filter(report_id__in=ids, user=user, key_kind="report").delete()
        KeyGrant.objects.bulk_create(
            [
                KeyGrant(
                    report_id=report_id,
                    key_kind=KeyGrant.KeyKind.REPORT,
                    user=user,
                    sealed_key=crypto.seal(public, key),
                    reason="recovery",
                )
                for report_id, key in batch
            ],
            batch_size=1000,
        )
        written += len(batch)
    return written


@transaction.atomic
def resplit_identity_keys(passphrase: str, custodians: dict[int, bytes], k: int) -> int | None:
    """Share every identity key anew among `custodians` (user id → listed public key), k of
    them needed; whole identity keys held by any person are removed. None for a wrong
    passphrase, else the number of identity keys shared."""
    private = open_recovery_key(passphrase)
    if private is None:
        return None
    report_ids = KeyGrant.objects.filter(
        recovery_key__active=True, key_kind=KeyGrant.KeyKind.IDENTITY
    ).values_list("report_id", flat=True)
    count = 0
    for batch in _copies(private, report_ids, KeyGrant.KeyKind.IDENTITY):
        rows = []
        for report_id, ik in batch:
            keyring = Keyring()
            keyring.add_identity_key(report_id, ik)
            rows += shares.split(keyring, report_id, custodians, k)
        ids = [report_id for report_id, _ik in batch]
        KeyGrant.objects.filter(
            report_id__in=ids,
            user__isnull=False,
            key_kind__in=[KeyGrant.KeyKind.IDENTITY, KeyGrant.KeyKind.IDENTITY_SHARE],
        ).delete()
        KeyGrant.objects.bulk_create(rows, batch_size=1000)
        count += len(batch)
    return count


def rotate_recovery_key(current_passphrase: str) -> tuple[int, str] | None:
    """Move every recovery copy, certificate and root listing to a new recovery key and trust
    root; retire the old one. Returns (copies re-sealed, new passphrase), or None if the current
    passphrase is wrong. The new root's fingerprint must then be pinned in WBS_TRUST_ROOT."""
    old = active_recovery_key()
    opened = open_root(current_passphrase, old) if old else None
    if opened is None:
        return None
    # What the old root vouches for now is what the new root signs again: nothing else (a row
    # written into the database is not laundered by the rotation).
    certified = signing.certified_verify_keys()
    root_listed = [
        (row.user, row.scope)
        for row in RecipientListing.objects.filter(signer=listings.ROOT).select_related("user")
        if row.user_id in listings.check(row.scope, users=[row.user_id]).keys
    ]
    with transaction.atomic():
        RecoveryKey.objects.filter(pk=old.pk).update(active=False)
        new, passphrase = create_recovery_key()
        seed = open_root(passphrase, new).signing_key
        copies = 0
        for grant in KeyGrant.objects.filter(recovery_key=old).only("pk", "sealed_key").iterator():
            key = crypto.unseal(opened.private_key, grant.sealed_key)
            KeyGrant.objects.filter(pk=grant.pk).update(
                recovery_key=new, sealed_key=crypto.seal(new.public_key, key)
            )
            copies += 1
        for cert in SigningCertificate.objects.select_related("user"):
            if certified.get(bytes(cert.verify_key)) == cert.user_id:
                signing.certify(seed, cert.user, bytes(cert.verify_key))
            else:
                cert.delete()
        for user, scope in root_listed:
            listings.list_by_root(seed, user, scope)
    return copies, passphrase

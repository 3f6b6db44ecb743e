"""The organisation recovery key pair: its private half is wrapped under a passphrase shown
once at installation and stored nowhere. It holds a copy of every report and identity key, from
which keys are re-issued after a lost password; it can be rotated under a new passphrase."""

from django.db import transaction

from . import codes, crypto
from .keys import public_keys_of, unwrap, wrap
from .models import KeyGrant, RecoveryKey

_RECOVERY_AD = b"wbs:v1:recovery_private_key"


def active_recovery_key() -> RecoveryKey | None:
    return RecoveryKey.objects.filter(active=True).first()


@transaction.atomic
def create_recovery_key() -> tuple[RecoveryKey, str]:
    """Create the organisation recovery key pair. Returns the passphrase, which is shown once
    and stored nowhere; without it the recovery copy of every key is unreadable."""
    if RecoveryKey.objects.filter(active=True).exists():
        raise RuntimeError("an active recovery key exists already")
    passphrase = codes.new_recovery_passphrase()
    public, private = crypto.new_keypair()
    secret = codes.normalise_passphrase(passphrase).encode()
    key = RecoveryKey.objects.create(public_key=public, **wrap(secret, private, _RECOVERY_AD))
    return key, passphrase


def open_recovery_key(passphrase: str, key: RecoveryKey | None = None) -> bytes | None:
    key = key or active_recovery_key()
    if key is None:
        return None
    return unwrap(codes.normalise_passphrase(passphrase).encode(), key, _RECOVERY_AD)


def regrant_from_recovery(passphrase: str, user, report_ids, *, identity: bool) -> int | None:
    """Re-issue to `user` the report keys (and identity keys, if `identity`) of the given
    reports from the recovery key's copies. None if the passphrase is wrong; else the number
    of grants written. Used after a lost password (the user has a new key pair)."""
    private = open_recovery_key(passphrase)
    if private is None:
        return None
    public = public_keys_of([user]).get(user.pk)
    if public is None:
        return 0
    kinds = ["report", "identity"] if identity else ["report"]
    written = 0
    ids = list(report_ids)
    for start in range(0, len(ids), 1000):
        batch = ids[start : start + 1000]
        copies = KeyGrant.objects.filter(
            report_id__in=batch, recovery_key__active=True, key_kind__in=kinds
        )
        rows = []
        for copy in copies.only("report_id", "key_kind", "sealed_key"):
            key = crypto.unseal(private, copy.sealed_key)
            rows.append(
                KeyGrant(
                    report_id=copy.report_id,
                    key_kind=copy.key_kind,
                    user=user,
                    sealed_key=crypto.seal(public, key),
                    reason="recovery",
                )
            )
        KeyGrant.objects.filter(report_id__in=batch, user=user, key_kind__in=kinds).delete()
        KeyGrant.objects.bulk_create(rows, batch_size=1000)
        written += len(rows)
    return written


def rotate_recovery_key(current_passphrase: str) -> tuple[int, str] | None:
    """Re-seal every recovery copy to a new recovery key pair; retire the old one. Returns
    (copies re-sealed, new passphrase), or None if the current passphrase is wrong."""
    old = active_recovery_key()
    private = open_recovery_key(current_passphrase, old) if old else None
    if private is None:
        return None
    with transaction.atomic():
        RecoveryKey.objects.filter(pk=old.pk).update(active=False)
        new, passphrase = create_recovery_key()
        copies = 0
        for grant in KeyGrant.objects.filter(recovery_key=old).only("pk", "sealed_key").iterator():
            key = crypto.unseal(private, grant.sealed_key)
            KeyGrant.objects.filter(pk=grant.pk).update(
                recovery_key=new, sealed_key=crypto.seal(new.public_key, key)
            )
            copies += 1
    return copies, passphrase

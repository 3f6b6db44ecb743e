"""User key pairs and the organisation recovery key."""

from django.conf import settings
from django.db import transaction

from . import codes, crypto
from .models import RecoveryKey, UserKeyPair

_PK_AD = b"wbs:v1:user_private_key"
_RECOVERY_AD = b"wbs:v1:recovery_private_key"


def _wrap(secret: bytes, private_key: bytes, ad: bytes, *, opslimit: int, memlimit: int):
    salt = crypto.new_salt()
    wrapping_key = crypto.derive_key(secret, salt, opslimit=opslimit, memlimit=memlimit)
    return salt, crypto.encrypt(wrapping_key, private_key, ad=ad)


def create_user_keypair(user, password: str) -> UserKeyPair:
    """Give `user` a fresh key pair wrapped under `password`. Replaces any earlier pair: grants
    sealed to the old public key become unreadable until re-issued (see recovery)."""
    from .models import KeyGrant

    # Grants sealed to an earlier key pair can never be opened again: remove them (the recovery
    # key's copies remain, from which the Inspektur re-issues them).
    KeyGrant.objects.filter(user=user).delete()
    public, private = crypto.new_keypair()
    ops, mem = settings.WBS_PASSWORD_OPSLIMIT, settings.WBS_PASSWORD_MEMLIMIT
    salt, wrapped = _wrap(
        password.encode(), private, _PK_AD + str(user.pk).encode(), opslimit=ops, memlimit=mem
    )
    keypair, _ = UserKeyPair.objects.update_or_create(
        user=user,
        defaults={
            "public_key": public,
            "wrapped_private_key": wrapped,
            "salt": salt,
            "opslimit": ops,
            "memlimit": mem,
            "sealed_profile": None,
        },
    )
    return keypair


def unlock_private_key(user, password: str) -> bytes | None:
    """The user's private key, or None if they have no key pair or the password does not fit."""
    keypair = UserKeyPair.objects.filter(user=user).first()
    if keypair is None:
        return None
    wrapping_key = crypto.derive_key(
        password.encode(), keypair.salt, opslimit=keypair.opslimit, memlimit=keypair.memlimit
    )
    try:
        private = crypto.decrypt(
            wrapping_key, keypair.wrapped_private_key, ad=_PK_AD + str(user.pk).encode()
        )
    except crypto.DecryptionError:
        return None
    if (keypair.opslimit, keypair.memlimit) != (
        settings.WBS_PASSWORD_OPSLIMIT,
        settings.WBS_PASSWORD_MEMLIMIT,
    ):
        rewrap_private_key(user, private, password)
    return private


def rewrap_private_key(user, private_key: bytes, new_password: str) -> None:
    """Password change: the same key pair, wrapped under the new password (and current cost)."""
    ops, mem = settings.WBS_PASSWORD_OPSLIMIT, settings.WBS_PASSWORD_MEMLIMIT
    salt, wrapped = _wrap(
        new_password.encode(),
        private_key,
        _PK_AD + str(user.pk).encode(),
        opslimit=ops,
        memlimit=mem,
    )
    UserKeyPair.objects.filter(user=user).update(
        wrapped_private_key=wrapped, salt=salt, opslimit=ops, memlimit=mem
    )


def public_keys_of(users) -> dict[int, bytes]:
    pairs = UserKeyPair.objects.filter(user__in=users).values_list("user_id", "public_key")
    return {user_id: bytes(public) for user_id, public in pairs}


# --- recovery key ----------------------------------------------------------------------------


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
    ops, mem = settings.WBS_PASSWORD_OPSLIMIT, settings.WBS_PASSWORD_MEMLIMIT
    salt, wrapped = _wrap(
        codes.normalise_passphrase(passphrase).encode(),
        private,
        _RECOVERY_AD,
        opslimit=ops,
        memlimit=mem,
    )
    key = RecoveryKey.objects.create(
        public_key=public, wrapped_private_key=wrapped, salt=salt, opslimit=ops, memlimit=mem
    )
    return key, passphrase


def open_recovery_key(passphrase: str, key: RecoveryKey | None = None) -> bytes | None:
    key = key or active_recovery_key()
    if key is None:
        return None
    wrapping_key = crypto.derive_key(
        codes.normalise_passphrase(passphrase).encode(),
        key.salt,
        opslimit=key.opslimit,
        memlimit=key.memlimit,
    )
    try:
        return crypto.decrypt(wrapping_key, key.wrapped_private_key, ad=_RECOVERY_AD)
    except crypto.DecryptionError:
        return None


def rewrap_for_session(user, keyring, new_password: str) -> None:
    """Password change: re-wrap the private key the session's keyring holds."""
    rewrap_private_key(user, keyring.private_key(), new_password)


def regrant_from_recovery(passphrase: str, user, report_ids, *, identity: bool) -> int | None:
    """Re-issue to `user` the report keys (and identity keys, if `identity`) of the given
    reports from the recovery key's copies. None if the passphrase is wrong; else the number
    of grants written. Used after a lost password (the user has a new key pair)."""
    from . import crypto as c
    from .models import KeyGrant

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
            key = c.unseal(private, copy.sealed_key)
            rows.append(
                KeyGrant(
                    report_id=copy.report_id,
                    key_kind=copy.key_kind,
                    user=user,
                    sealed_key=c.seal(public, key),
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
    from . import crypto as c
    from .models import KeyGrant

    old = active_recovery_key()
    private = open_recovery_key(current_passphrase, old) if old else None
    if private is None:
        return None
    with transaction.atomic():
        RecoveryKey.objects.filter(pk=old.pk).update(active=False)
        new, passphrase = create_recovery_key()
        copies = 0
        for grant in KeyGrant.objects.filter(recovery_key=old).only("pk", "sealed_key").iterator():
            key = c.unseal(private, grant.sealed_key)
            KeyGrant.objects.filter(pk=grant.pk).update(
                recovery_key=new, sealed_key=c.seal(new.public_key, key)
            )
            copies += 1
    return copies, passphrase

"""User key pairs: an X25519 key pair per staff user and registered reporter, its private key
wrapped under Argon2id of the password (cost stored beside it, raised on the next log-in)."""

from django.conf import settings

from . import crypto
from .models import KeyGrant, UserKeyPair

_PK_AD = b"wbs:v1:user_private_key"


def wrap(secret: bytes, private_key: bytes, ad: bytes) -> dict:
    """A private key wrapped under Argon2id of `secret` at today's cost: the columns to store
    (salt, wrapped_private_key, opslimit, memlimit)."""
    ops, mem = settings.WBS_PASSWORD_OPSLIMIT, settings.WBS_PASSWORD_MEMLIMIT
    salt = crypto.new_salt()
    wrapping_key = crypto.derive_key(secret, salt, opslimit=ops, memlimit=mem)
    return {
        "salt": salt,
        "wrapped_private_key": crypto.encrypt(wrapping_key, private_key, ad=ad),
        "opslimit": ops,
        "memlimit": mem,
    }


def unwrap(secret: bytes, row, ad: bytes) -> bytes | None:
    """The private key wrapped in `row` (a UserKeyPair or RecoveryKey), or None."""
    wrapping_key = crypto.derive_key(secret, row.salt, opslimit=row.opslimit, memlimit=row.memlimit)
    try:
        return crypto.decrypt(wrapping_key, row.wrapped_private_key, ad=ad)
    except crypto.DecryptionError:
        return None


def is_current_cost(row) -> bool:
    return (row.opslimit, row.memlimit) == (
        settings.WBS_PASSWORD_OPSLIMIT,
        settings.WBS_PASSWORD_MEMLIMIT,
    )


def _ad(user) -> bytes:
    return _PK_AD + str(user.pk).encode()


def create_user_keypair(user, password: str) -> UserKeyPair:
    """Give `user` a fresh key pair wrapped under `password`. Replaces any earlier pair: grants
    sealed to the old public key are removed (the recovery key's copies remain, from which the
    Inspektur re-issues them)."""
    KeyGrant.objects.filter(user=user).delete()
    public, private = crypto.new_keypair()
    keypair, _ = UserKeyPair.objects.update_or_create(
        user=user,
        defaults={
            "public_key": public,
            **wrap(password.encode(), private, _ad(user)),
            "sealed_profile": None,
        },
    )
    return keypair


def unlock_private_key(user, password: str) -> bytes | None:
    """The user's private key, or None if they have no key pair or the password does not fit.
    A key wrapped at an older cost is re-wrapped at today's."""
    keypair = UserKeyPair.objects.filter(user=user).first()
    if keypair is None:
        return None
    private = unwrap(password.encode(), keypair, _ad(user))
    if private is not None and not is_current_cost(keypair):
        rewrap_private_key(user, private, password)
    return private


def rewrap_private_key(user, private_key: bytes, new_password: str) -> None:
    """Password change: the same key pair, wrapped under the new password (and current cost)."""
    UserKeyPair.objects.filter(user=user).update(
        **wrap(new_password.encode(), private_key, _ad(user))
    )


def rewrap_for_session(user, keyring, new_password: str) -> None:
    """Password change: re-wrap the private key the session's keyring holds."""
    rewrap_private_key(user, keyring.private_key(), new_password)


def public_keys_of(users) -> dict[int, bytes]:
    pairs = UserKeyPair.objects.filter(user__in=users).values_list("user_id", "public_key")
    return {user_id: bytes(public) for user_id, public in pairs}

"""User key pairs: per staff user and registered reporter an X25519 key pair (grants are sealed
to it) and an Ed25519 signing key (an Inspektur signs listings with it). Both private halves
are wrapped together under Argon2id of the password, the cost stored beside them and raised on
the next log-in; key pairs made before signing keys existed get one at that log-in."""

import hashlib
from dataclasses import dataclass

from django.conf import settings

from . import crypto, signing
from .models import KeyGrant, RecipientListing, UserKeyPair

_PK_AD = b"wbs:v1:user_private_key"
_KEY = crypto.KEY_BYTES


def wrap(secret: bytes, private_key: bytes, ad: bytes) -> dict:
    """Private key material wrapped under Argon2id of `secret` at today's cost: the columns to
    store (salt, wrapped_private_key, opslimit, memlimit)."""
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
    """The key material wrapped in `row` (a UserKeyPair or RecoveryKey), or None."""
    try:
        wrapping_key = crypto.derive_key(
            secret, row.salt, opslimit=row.opslimit, memlimit=row.memlimit
        )
        return crypto.decrypt(wrapping_key, row.wrapped_private_key, ad=ad)
    except crypto.DecryptionError:  # also parameters outside the allowed range
        return None


def is_current_cost(row) -> bool:
    return (row.opslimit, row.memlimit) == (
        settings.WBS_PASSWORD_OPSLIMIT,
        settings.WBS_PASSWORD_MEMLIMIT,
    )


@dataclass(frozen=True)
class Unlocked:
    private_key: bytes
    signing_key: bytes
    # True when the row was not bound to these keys (made before bindings, or its wrapped
    # private keys written by someone else): it is bound now, and the caller must treat the
    # person as having a new key pair (alert, approvals again).
    rebound: bool = False


def split_material(material: bytes) -> tuple[bytes, bytes | None]:
    """(X25519 private key, Ed25519 seed or None for material wrapped before seeds existed)."""
    return material[:_KEY], (material[_KEY:] or None)


def _ad(user) -> bytes:
    return _PK_AD + str(user.pk).encode()


def binding_of(user_id: int, public_key: bytes, verify_key: bytes, wrapped: bytes, salt: bytes):
    """The HMAC under the pepper that says a key-pair row is its owner's: over the public
    halves and the wrapped private keys (with their salt), written only while the private keys
    are in hand. A row written by SQL — other public halves, or private keys of someone else
    wrapped under a password hash they set — does not verify."""
    payload = b"".join(
        [
            f"v2:{user_id}:".encode(),
            bytes(public_key),
            bytes(verify_key),
            bytes(salt),
            bytes(wrapped),
        ]
    )
    return crypto.keyed_hash("keypair-binding", payload)


def _binding_of_row(pair, public_key=None, verify_key=None) -> str:
    return binding_of(
        pair.user_id,
        pair.public_key if public_key is None else public_key,
        pair.verify_key if verify_key is None else verify_key,
        pair.wrapped_private_key,
        pair.salt,
    )


def key_fingerprint(public_key: bytes, verify_key: bytes) -> str:
    """A short fingerprint of a person's two public keys (64 bits, four groups of four), shown
    on their own account page (from the keys in their session) and next to a pending role on
    the Inspektur's approval screen (from the bound row): read aloud, they must be the same."""
    text = hashlib.sha256(b"wbs:v1:key:" + bytes(public_key) + bytes(verify_key)).hexdigest()
    return "-".join(text[i : i + 4] for i in range(0, 16, 4)).upper()


def is_bound(pair) -> bool:
    """Whether the key pair's public halves are the ones its owner's private keys made (see
    UserKeyPair.binding); False for a row changed in the database, or not yet bound."""
    if not pair.binding or pair.verify_key is None:
        return False
    return crypto.constant_time_equal(pair.binding, _binding_of_row(pair))


def _columns(user, password: str, private: bytes, seed: bytes) -> dict:
    public, verify_key = crypto.public_key_of(private), signing.verify_key_of(seed)
    wrapped = wrap(password.encode(), private + seed, _ad(user))
    return {
        **wrapped,
        "public_key": public,
        "verify_key": verify_key,
        "binding": binding_of(
            user.pk, public, verify_key, wrapped["wrapped_private_key"], wrapped["salt"]
        ),
    }


def create_user_keypair(user, password: str) -> UserKeyPair:
    """Give `user` a fresh key pair wrapped under `password`. Replaces any earlier pair: grants
    and listings of the old public key are removed (the recovery key's copies remain, from
    which keys are re-issued once an Inspektur lists the person again)."""
    forget_keys(user)
    _public, private = crypto.new_keypair()
    _verify, seed = signing.new_signing_key()
    keypair, _ = UserKeyPair.objects.update_or_create(
        user=user, defaults=_columns(user, password, private, seed)
    )
    return keypair


def has_keypair(user) -> bool:
    return UserKeyPair.objects.filter(user=user).exists()


def forget_keys(user, *, keep_pair: bool = False) -> None:
    """Remove every grant sealed to `user` and every listing of them; with `keep_pair` False,
    their key pair too (it then has to be made again under a password they choose)."""
    KeyGrant.objects.filter(user=user).delete()
    RecipientListing.objects.filter(user=user).delete()
    if not keep_pair:
        UserKeyPair.objects.filter(user=user).delete()


def unlock(user, password: str) -> Unlocked | None:
    """The user's private and signing keys, or None if they have no key pair or the password
    does not fit. Re-wrapped at today's cost, with a new signing key where there was none; the
    public halves are put back from the private keys if the row says otherwise (the binding
    still covers the wrapped keys). A row whose wrapped keys the binding does not cover is
    bound now and reported as `rebound`."""
    keypair = UserKeyPair.objects.filter(user=user).first()
    if keypair is None:
        return None
    material = unwrap(password.encode(), keypair, _ad(user))
    if material is None:
        return None
    private, seed = split_material(material)
    public = crypto.public_key_of(private)
    verify_key = signing.verify_key_of(seed) if seed else None
    rebound = not (
        seed is not None
        and keypair.binding
        and crypto.constant_time_equal(
            keypair.binding, _binding_of_row(keypair, public, verify_key)
        )
    )
    if rebound or not is_current_cost(keypair) or not _matches(keypair, public, verify_key):
        seed = seed or signing.new_signing_key()[1]
        UserKeyPair.objects.filter(user=user).update(**_columns(user, password, private, seed))
    return Unlocked(private, seed, rebound=rebound)


def _matches(keypair, public: bytes, verify_key: bytes | None) -> bool:
    return (
        bytes(keypair.public_key) == public
        and keypair.verify_key is not None
        and bytes(keypair.verify_key) == verify_key
    )


def unlock_private_key(user, password: str) -> bytes | None:
    unlocked = unlock(user, password)
    return unlocked.private_key if unlocked else None


def rewrap_for_session(user, keyring, new_password: str) -> None:
    """Password change: the same keys, wrapped under the new password (and current cost)."""
    UserKeyPair.objects.filter(user=user).update(
        **_columns(user, new_password, keyring.private_key(), keyring.signing_key())
    )


def public_keys_of(users) -> dict[int, bytes]:
    pairs = UserKeyPair.objects.filter(user__in=users).values_list("user_id", "public_key")
    return {user_id: bytes(public) for user_id, public in pairs}


def session_fingerprint(keyring) -> str | None:
    """The fingerprint of the keys a session holds (None without them)."""
    if not keyring.has_private_key:
        return None
    return key_fingerprint(
        crypto.public_key_of(keyring.private_key()), signing.verify_key_of(keyring.signing_key())
    )


def row_fingerprint(pair) -> str | None:
    """The fingerprint of a bound key-pair row (None for a row that is not its owner's)."""
    if pair is None or not is_bound(pair):
        return None
    return key_fingerprint(pair.public_key, pair.verify_key)


def confirms(pair, fingerprint: str) -> bool:
    """True when `fingerprint` (as typed or shown: spaces and case ignored) is the current one of
    the bound key-pair row, compared in constant time."""
    current = row_fingerprint(pair)
    given = "".join((fingerprint or "").split()).upper()
    return current is not None and crypto.constant_time_equal(given, current)

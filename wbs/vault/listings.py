"""Who may receive report keys: recipient listings, each signed by a certified Inspektur (or by
the trust root itself), naming one person's public key and scope.

The server seals a key only to a public key whose listing verifies against the pinned trust
root (wbs.vault.signing), and only while that key is still the person's own (a reset password
makes a new key pair: the old listing no longer applies). Rows inserted by SQL or by an
administrator do not verify: `check()` names them, so that the caller can raise the alarm.

Scopes: "all" — receives every new report (Verifikator, Inspektur); "handler" — may be handed a
report for review (Penelaah); "custodian" — holds a share of every new identity key.
"""

from dataclasses import dataclass

from . import signing
from .models import RecipientListing, UserKeyPair

ALL = "all"
HANDLER = "handler"
CUSTODIAN = "custodian"
SCOPES = (ALL, HANDLER, CUSTODIAN)
LISTING = "recipient-listing"
ROOT = "root"


class NotCertified(Exception):
    """The signer's key carries no certificate of the trust root."""


def _payload(user_id: int, public_key: bytes, scope: str, signer: str) -> dict:
    return {
        "user": user_id,
        "public_key": bytes(public_key).hex(),
        "scope": scope,
        "signer": signer,
    }


def _current_public_key(user) -> bytes:
    return bytes(UserKeyPair.objects.values_list("public_key", flat=True).get(user=user))


def _store(user, scope: str, signer: str, seed: bytes) -> RecipientListing:
    public_key = _current_public_key(user)
    payload = _payload(user.pk, public_key, scope, signer)
    listing, _ = RecipientListing.objects.update_or_create(
        user=user,
        scope=scope,
        defaults={
            "public_key": public_key,
            "signer": signer,
            "signature": signing.sign(seed, LISTING, payload),
        },
    )
    return listing


def list_member(keyring, user, scope: str) -> RecipientListing:
    """An Inspektur lists `user` for `scope` with their own signing key (held by `keyring`).
    Raises NotCertified unless the root has certified that key, and for the signer themself."""
    seed = keyring.signing_key()
    verify_key = signing.verify_key_of(seed)
    certified = signing.certified_verify_keys()
    if certified.get(verify_key) is None or certified[verify_key] == user.pk:
        raise NotCertified("the signing key is not certified, or lists its own holder")
    return _store(user, scope, verify_key.hex(), seed)


def list_by_root(root_seed: bytes, user, scope: str) -> RecipientListing:
    """The trust root lists `user` (the recovery passphrase was given)."""
    return _store(user, scope, ROOT, root_seed)


def unlist(user, scopes=SCOPES) -> int:
    deleted, _ = RecipientListing.objects.filter(user=user, scope__in=list(scopes)).delete()
    return deleted


@dataclass(frozen=True)
class Checked:
    """The verified listings of a scope: user id → the signed public key; and the user ids of
    rows that do not verify (forged, or signed for an earlier key)."""

    keys: dict[int, bytes]
    invalid: list[int]


def check(scope: str, users=None) -> Checked:
    rows = RecipientListing.objects.filter(scope=scope)
    if users is not None:
        rows = rows.filter(user__in=users)
    current = dict(
        UserKeyPair.objects.filter(user__in=rows.values("user")).values_list(
            "user_id", "public_key"
        )
    )
    certified = signing.certified_verify_keys()
    try:
        root = signing.root_verify_key()
    except signing.TrustRootMissing:
        root = None
    keys, invalid = {}, []
    for row in rows:
        public_key = bytes(row.public_key)
        payload = _payload(row.user_id, public_key, row.scope, row.signer)
        if row.signer == ROOT:
            signer_key = root
        else:
            signer_key = bytes.fromhex(row.signer) if len(row.signer) == 64 else None
            if signer_key not in certified or certified[signer_key] == row.user_id:
                signer_key = None
        if (
            signer_key is not None
            and signing.verifies(signer_key, LISTING, payload, row.signature)
            and bytes(current.get(row.user_id, b"")) == public_key
        ):
            keys[row.user_id] = public_key
        else:
            invalid.append(row.user_id)
    return Checked(keys, invalid)


def listed_key(user, scopes=SCOPES) -> bytes | None:
    """`user`'s signed public key if any listing of `scopes` verifies for them."""
    for scope in scopes:
        key = check(scope, users=[user]).keys.get(user.pk)
        if key is not None:
            return key
    return None

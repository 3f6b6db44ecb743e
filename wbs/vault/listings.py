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

from . import keys, signing
from .models import RecipientListing, UserKeyPair

ALL = "all"
HANDLER = "handler"
CUSTODIAN = "custodian"
SCOPES = (ALL, HANDLER, CUSTODIAN)
LISTING = "recipient-listing"
ROOT = "root"


class NotCertified(Exception):
    """The signer's key carries no certificate of the trust root."""


class NotBound(Exception):
    """The person's key pair row does not carry its owner's binding (changed in the database,
    or made before bindings and not used since): nothing is signed for it."""


def _payload(user_id: int, public_key: bytes, scope: str, signer: str) -> dict:
    return {
        "user": user_id,
        "public_key": bytes(public_key).hex(),
        "scope": scope,
        "signer": signer,
    }


def _bound_public_key(user) -> bytes:
    pair = UserKeyPair.objects.filter(user=user).first()
    if pair is None or not keys.is_bound(pair):
        raise NotBound("the key pair does not carry its owner's binding")
    return bytes(pair.public_key)


def _store(user, scope: str, signer: str, seed: bytes) -> RecipientListing:
    public_key = _bound_public_key(user)
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
    Raises NotCertified unless the root has certified that key, and for the signer themself;
    NotBound for a key pair row that is not its owner's."""
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


@dataclass(frozen=True)
class Trust:
    """What signatures are checked against: the root's verify key (None when the trust root
    does not verify) and the certified Inspektur keys (verify key → user id). Loaded once per
    check, or once for several (a submission checks two scopes)."""

    root: bytes | None
    certified: dict[bytes, int]

    @classmethod
    def load(cls, signers=None) -> "Trust":
        try:
            root = signing.root_verify_key()
        except signing.TrustRootMissing:
            return cls(None, {})
        return cls(root, signing.certified_verify_keys(signers))


def check(scope: str, users=None, signers=None, trust: Trust | None = None) -> Checked:
    """The listings of `scope` (for `users`, if given) that verify: signed by the root or by a
    certified key of one of `signers` (if given: user ids, the active Inspekturs) other than the
    person, for the public key the person's bound key pair holds now."""
    rows = RecipientListing.objects.filter(scope=scope)
    if users is not None:
        rows = rows.filter(user__in=users)
    current = {
        pair.user_id: bytes(pair.public_key)
        for pair in UserKeyPair.objects.filter(user__in=rows.values("user"))
        if keys.is_bound(pair)
    }
    trust = trust or Trust.load(signers)
    root, certified = trust.root, trust.certified
    verified, invalid = {}, []
    for row in rows:
        public_key = bytes(row.public_key)
        payload = _payload(row.user_id, public_key, row.scope, row.signer)
        if row.signer == ROOT:
            signer_key = root
        else:
            try:
                signer_key = bytes.fromhex(row.signer) if len(row.signer) == 64 else None
            except ValueError:  # a malformed row is an invalid row, not a broken intake
                signer_key = None
            if signer_key not in certified or certified[signer_key] == row.user_id:
                signer_key = None
        if (
            signer_key is not None
            and signing.verifies(signer_key, LISTING, payload, row.signature)
            and bytes(current.get(row.user_id, b"")) == public_key
        ):
            verified[row.user_id] = public_key
        else:
            invalid.append(row.user_id)
    return Checked(verified, invalid)


def listed_key(user, scopes=SCOPES, signers=None) -> bytes | None:
    """`user`'s signed public key if any listing of `scopes` verifies for them."""
    for scope in scopes:
        key = check(scope, users=[user], signers=signers).keys.get(user.pk)
        if key is not None:
            return key
    return None

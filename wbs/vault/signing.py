"""Signatures (Ed25519 through PyNaCl) and the trust root they chain to.

The organisation's recovery key has a signing half; its public key's fingerprint is pinned
outside the database (WBS_TRUST_ROOT, like the pepper) and printed by `init_vault`. The root
certifies Inspektur signing keys; an Inspektur (or the root) signs the listing of every person
new report keys may be sealed to (wbs.vault.listings). A row written into the database by an
administrator or by SQL carries no valid signature, so it gives no key.

Signed payloads are canonical JSON (sorted keys, no spaces) prefixed with their purpose, so a
signature made for one purpose never verifies for another.
"""

import hashlib
import json
from pathlib import Path

import nacl.exceptions
import nacl.signing
from django.conf import settings

from wbs.private_files import private_dir, write_private

from .models import RecoveryKey, SigningCertificate


class TrustRootMissing(Exception):
    """WBS_TRUST_ROOT is not set, or no recovery key has a signing key."""


def new_signing_key() -> tuple[bytes, bytes]:
    """(verify key, signing seed) of a fresh Ed25519 key pair."""
    key = nacl.signing.SigningKey.generate()
    return bytes(key.verify_key), bytes(key)


def verify_key_of(seed: bytes) -> bytes:
    return bytes(nacl.signing.SigningKey(bytes(seed)).verify_key)


def canonical(purpose: str, payload: dict) -> bytes:
    return (
        f"wbs:v1:{purpose}:".encode()
        + json.dumps(payload, sort_keys=True, separators=(",", ":")).encode()
    )


def sign(seed: bytes, purpose: str, payload: dict) -> bytes:
    return nacl.signing.SigningKey(bytes(seed)).sign(canonical(purpose, payload)).signature


def verifies(verify_key: bytes, purpose: str, payload: dict, signature: bytes) -> bool:
    try:
        nacl.signing.VerifyKey(bytes(verify_key)).verify(
            canonical(purpose, payload), bytes(signature)
        )
    except (nacl.exceptions.BadSignatureError, nacl.exceptions.ValueError, TypeError):
        return False
    return True


def fingerprint(key: RecoveryKey) -> str:
    """What WBS_TRUST_ROOT holds: the SHA-256 of the recovery key's two public halves (the
    root's verify key and the X25519 key that every report's copy is sealed to), in groups of
    four. Pinning both means neither can be swapped in the database unnoticed."""
    digest = hashlib.sha256(
        b"wbs:v1:trust-root:" + bytes(key.verify_key) + bytes(key.public_key)
    ).hexdigest()
    return "-".join(digest[i : i + 4] for i in range(0, 64, 4)).upper()


def normalised(text: str) -> str:
    """A fingerprint as typed (any case, dashes, spaces) reduced to its digits."""
    return "".join(ch for ch in (text or "").upper() if ch.isalnum())


def pin_locally(fingerprint_text: str) -> Path | None:
    """Demo and debug mode only: keep the fingerprint where the settings read WBS_TRUST_ROOT
    from (WBS_DATA_DIR/secrets/wbs_trust_root). In production an operator pins it."""
    if not (settings.DEMO or settings.DEBUG):
        return None
    path = private_dir(Path(settings.DATA_DIR) / "secrets") / "wbs_trust_root"
    write_private(path, fingerprint_text + "\n")
    return path


def trusted_recovery_key() -> RecoveryKey:
    """The active recovery key, if its public halves match the pinned fingerprint. Raises
    TrustRootMissing otherwise: nothing signed may then be trusted, and nothing may be sealed
    to its public key."""
    pinned = normalised(settings.WBS_TRUST_ROOT)
    key = RecoveryKey.objects.filter(active=True).first()
    if not pinned or key is None or key.verify_key is None:
        raise TrustRootMissing("the trust root is not configured")
    if normalised(fingerprint(key)) != pinned:
        raise TrustRootMissing("the recovery key does not match WBS_TRUST_ROOT")
    return key


def root_verify_key() -> bytes:
    """The root's verify key (see trusted_recovery_key)."""
    return bytes(trusted_recovery_key().verify_key)


# --- certificates: the root vouches for an Inspektur's signing key ----------------------------

CERTIFICATE = "inspektur-certificate"


def certificate_payload(user, verify_key: bytes) -> dict:
    return {"user": user.pk, "verify_key": bytes(verify_key).hex()}


def certify(root_seed: bytes, user, verify_key: bytes) -> SigningCertificate:
    """The root's certificate for `user`'s signing key (the recovery passphrase was given).
    The caller passes the verify key of the user's bound key pair (wbs.vault.keys.is_bound)."""
    payload = certificate_payload(user, verify_key)
    certificate, _ = SigningCertificate.objects.update_or_create(
        verify_key=bytes(verify_key),
        defaults={"user": user, "signature": sign(root_seed, CERTIFICATE, payload)},
    )
    return certificate


def certified_verify_keys(holders=None) -> dict[bytes, int]:
    """Verify key → user id for every certificate the pinned root really signed to an active
    account (of `holders` only, if given: user ids, e.g. the Inspekturs)."""
    try:
        root = root_verify_key()
    except TrustRootMissing:
        return {}
    keys = {}
    certificates = SigningCertificate.objects.filter(user__is_active=True)
    if holders is not None:
        certificates = certificates.filter(user__in=holders)
    for cert in certificates:
        payload = {"user": cert.user_id, "verify_key": bytes(cert.verify_key).hex()}
        if verifies(root, CERTIFICATE, payload, cert.signature):
            keys[bytes(cert.verify_key)] = cert.user_id
    return keys

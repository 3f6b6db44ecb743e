"""Identity keys split k-of-n among the identity custodians (Shamir's secret sharing from
PyCryptodome; no field arithmetic of our own), so that nobody holds a standing identity key.

A report's identity key IK (32 bytes) is shared as two independent 16-byte sharings with the
same share numbers; each custodian's share is sealed to their listed public key. A release:
each approving custodian opens their own share and re-seals it to the requester, bound to the
request; the requester's keyring combines k such shares (from k custodians other than the
requester) into IK. One custodian alone, or shares made for another request, open nothing.
"""

import json
import uuid

# pycryptodome (maintained), not the abandoned PyCrypto: ADR 0013.
from Crypto.Protocol.SecretSharing import Shamir  # nosec B413

from . import crypto
from .keyring import Keyring, NoAccess
from .models import KeyGrant

SHARE = KeyGrant.KeyKind.IDENTITY_SHARE
_HALF = 16


class ShareError(Exception):
    """Shares that do not combine: too few, from different splits or requests, or forged."""


def split(keyring: Keyring, report_id, custodians: dict[int, bytes], k: int) -> list[KeyGrant]:
    """Share grants (unsaved) of the identity key `keyring` holds for the report, one per
    custodian (user id → listed public key); none when there are fewer custodians than k."""
    if len(custodians) < k or k < 2:
        return []
    ik = keyring._key(report_id, "identity")
    n = len(custodians)
    first = Shamir.split(k, n, ik[:_HALF])
    second = Shamir.split(k, n, ik[_HALF:])
    split_id = uuid.uuid4().hex
    grants = []
    for (x, y1), (_x, y2), (user_id, public) in zip(
        first, second, sorted(custodians.items()), strict=True
    ):
        share = {
            "report": str(report_id),
            "split": split_id,
            "k": k,
            "x": x,
            "y": (y1 + y2).hex(),
        }
        grants.append(
            KeyGrant(
                report_id=report_id,
                key_kind=SHARE,
                user_id=user_id,
                sealed_key=crypto.seal(public, json.dumps(share).encode()),
                reason="identity share",
            )
        )
    return grants


def holds_share(keyring: Keyring, report) -> bool:
    return KeyGrant.objects.filter(report=report, user_id=keyring.user_id, key_kind=SHARE).exists()


def _release_key(request_id) -> bytes:
    """A key for one request's released shares, derived from the pepper (outside the
    database): with a copy of the database and their own private key, a requester still cannot
    unwrap shares offline — only the server combines them, for an approved request."""
    return bytes.fromhex(crypto.keyed_hash("identity-release", str(request_id).encode()))


def _release_ad(request_id) -> bytes:
    return b"wbs:v1:identity-release:" + str(request_id).encode()


def release(keyring: Keyring, report, request_id, requester_public: bytes) -> bytes:
    """A custodian's approval: their share of `report`'s identity key, re-sealed to the
    requester and bound to the request (inside, encrypted under the request's release key).
    Raises NoAccess without a share."""
    grant = KeyGrant.objects.filter(report=report, user_id=keyring.user_id, key_kind=SHARE).first()
    if grant is None:
        raise NoAccess("identity share")
    try:
        share = json.loads(crypto.unseal(keyring.private_key(), grant.sealed_key))
    except crypto.DecryptionError:
        raise NoAccess("identity share") from None
    if share.get("report") != str(report.pk):
        raise NoAccess("identity share")
    released = {**share, "request": str(request_id)}
    inner = crypto.encrypt(
        _release_key(request_id), json.dumps(released).encode(), ad=_release_ad(request_id)
    )
    return crypto.seal(requester_public, inner)


def combine(keyring: Keyring, report, request_id, released: list[bytes]) -> None:
    """The requester's keyring learns `report`'s identity key from shares released for this
    request. Raises ShareError when they do not make a key."""
    shares = []
    for blob in released:
        try:
            inner = crypto.unseal(keyring.private_key(), blob)
            share = json.loads(
                crypto.decrypt(_release_key(request_id), inner, ad=_release_ad(request_id))
            )
        except (crypto.DecryptionError, ValueError):
            raise ShareError("a share does not open with this keyring or request") from None
        if share.get("report") != str(report.pk) or share.get("request") != str(request_id):
            raise ShareError("a share was made for another report or request")
        shares.append(share)
    if not shares:
        raise ShareError("no shares")
    splits = {s["split"] for s in shares}
    numbers = {s["x"] for s in shares}
    if len(splits) != 1 or len(numbers) != len(shares) or len(shares) < shares[0]["k"]:
        raise ShareError("too few shares, or shares of different splits")
    points = [(s["x"], bytes.fromhex(s["y"])) for s in shares]
    ik = Shamir.combine([(x, y[:_HALF]) for x, y in points]) + Shamir.combine(
        [(x, y[_HALF:]) for x, y in points]
    )
    keyring.add_identity_key(report.pk, ik)


def seal_note(public_key: bytes, request_id, text: str) -> bytes:
    """A short text for one person about a request (its reason, for a custodian who may not
    hold the report key; a decision's reason, for the requester), bound to the request."""
    return crypto.seal(public_key, json.dumps({"request": str(request_id), "text": text}).encode())


def open_note(keyring: Keyring, request_id, blob) -> str | None:
    try:
        note = json.loads(crypto.unseal(keyring.private_key(), bytes(blob)))
    except (crypto.DecryptionError, ValueError, NoAccess):
        return None
    return note["text"] if note.get("request") == str(request_id) else None

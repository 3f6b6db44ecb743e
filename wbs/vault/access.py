"""The reporter's ways back to a report: the Kode Akses of an anonymous reporter, and the sealed
vault items and identity profile of a registered one.

The code itself is never stored: `AccessCode.lookup` is a keyed hash of it (HMAC with the
pepper kept outside the database) and the report's keys are wrapped under a key derived from it
with keyed BLAKE2b (the pepper again, and a salt per report). No password-hashing cost: the code
carries 120 random bits (docs/adr/0016-access-code-key-derivation.md). Codes issued before
that wrap under Argon2id; they still open, and are re-wrapped at their first look-up.
"""

import contextlib
import json

from . import codes, crypto, keys
from .keyring import Keyring, NoAccess
from .models import AccessCode, ReporterVaultItem, UserKeyPair

_ACCESS_AD = b"wbs:v1:access_code_keys"


def _wrapped_keys(keyring: Keyring, report_id) -> bytes:
    rk = keyring._key(report_id, "report")
    ik = keyring._key(report_id, "identity") if keyring.holds(report_id, "identity") else None
    return json.dumps({"rk": rk.hex(), "ik": ik.hex() if ik else None}).encode()


def _keyring_from(report_id, keys: dict) -> Keyring:
    keyring = Keyring()
    keyring.add_report(
        report_id,
        rk=bytes.fromhex(keys["rk"]),
        ik=bytes.fromhex(keys["ik"]) if keys.get("ik") else None,
    )
    return keyring


def _wrap(code_key: bytes, keyring_or_keys, report_id) -> bytes:
    payload = (
        keyring_or_keys
        if isinstance(keyring_or_keys, bytes)
        else _wrapped_keys(keyring_or_keys, report_id)
    )
    return crypto.encrypt(code_key, payload, ad=_ACCESS_AD + str(report_id).encode())


def issue_access_codes(keyring: Keyring, reports) -> list[str]:
    """A new Kode Akses for each freshly saved report whose keys `keyring` holds (shown once to
    the reporter, stored nowhere)."""
    rows, issued = [], []
    for report in reports:
        code = codes.new_access_code()
        normalised = codes.normalise_code(code).encode()
        salt = crypto.new_salt()
        rows.append(
            AccessCode(
                report=report,
                lookup=crypto.keyed_hash("access-code", normalised),
                kdf=AccessCode.Kdf.BLAKE2B,
                salt=salt,
                opslimit=0,
                memlimit=0,
                wrapped_keys=_wrap(crypto.derive_code_key(normalised, salt), keyring, report.pk),
            )
        )
        issued.append(code)
    AccessCode.objects.bulk_create(rows, batch_size=1000)
    return issued


# A miss does the work of a hit: the same derivation and one decryption that fails.
_DECOY = crypto.encrypt(crypto.new_key(), b"{}" * 40, ad=_ACCESS_AD)


def open_with_access_code(code: str):
    """(report, keyring holding its keys) for a valid code, else None — for any failure alike;
    a miss costs what a hit costs (one derivation and one decryption attempt)."""
    normalised = codes.normalise_code(code)
    entry = None
    if normalised is not None:
        lookup = crypto.keyed_hash("access-code", normalised.encode())
        entry = AccessCode.objects.select_related("report").filter(lookup=lookup).first()
    secret = (normalised or "-").encode()
    if entry is None:
        decoy_key = crypto.derive_code_key(secret, crypto.new_salt())
        with contextlib.suppress(crypto.DecryptionError):
            crypto.decrypt(decoy_key, _DECOY, ad=_ACCESS_AD)
        return None
    try:
        if entry.kdf == AccessCode.Kdf.ARGON2ID:
            code_key = crypto.derive_key(
                secret, entry.salt, opslimit=entry.opslimit, memlimit=entry.memlimit
            )
        else:
            code_key = crypto.derive_code_key(secret, entry.salt)
        payload = crypto.decrypt(
            code_key, entry.wrapped_keys, ad=_ACCESS_AD + str(entry.report_id).encode()
        )
    except crypto.DecryptionError:
        return None
    if entry.kdf == AccessCode.Kdf.ARGON2ID:
        _rewrap(entry, secret, payload)
    return entry.report, _keyring_from(entry.report_id, json.loads(payload))


def _rewrap(entry: AccessCode, secret: bytes, payload: bytes) -> None:
    """A code issued under Argon2id, opened: its keys are wrapped again under BLAKE2b."""
    salt = crypto.new_salt()
    AccessCode.objects.filter(pk=entry.pk, kdf=AccessCode.Kdf.ARGON2ID).update(
        kdf=AccessCode.Kdf.BLAKE2B,
        salt=salt,
        opslimit=0,
        memlimit=0,
        wrapped_keys=_wrap(crypto.derive_code_key(secret, salt), payload, entry.report_id),
    )


# --- registered reporters ---------------------------------------------------------------------


def _public_key(user) -> bytes:
    """The reporter's own public key: only from a key pair row bound by its owner (a public key
    swapped in by SQL would otherwise receive the report's keys)."""
    pair = UserKeyPair.objects.get(user=user)
    if not keys.is_bound(pair):
        raise NoAccess("the key pair row is not its owner's")
    return bytes(pair.public_key)


def seal_to_reporter(keyring: Keyring, user, report) -> None:
    """Link a registered reporter to their new report, sealed to their own key: the database
    does not say which report an account filed."""
    item = {"report": str(report.pk), **json.loads(_wrapped_keys(keyring, report.pk))}
    ReporterVaultItem.objects.create(
        user=user, sealed=crypto.seal(_public_key(user), json.dumps(item).encode())
    )


def open_reporter_items(keyring: Keyring, user) -> list[str]:
    """A registered reporter's reports: their sealed vault items opened into the keyring."""
    private = keyring.private_key()
    ids = []
    for item in ReporterVaultItem.objects.filter(user=user).only("sealed"):
        data = json.loads(crypto.unseal(private, item.sealed))
        keyring.adopt(_keyring_from(data["report"], data))
        ids.append(data["report"])
    return ids


def seal_profile(user, profile: dict) -> None:
    """A registered reporter's identity details, sealed to their own key (only they open it)."""
    UserKeyPair.objects.filter(user=user).update(
        sealed_profile=crypto.seal(_public_key(user), json.dumps(profile).encode())
    )


def open_profile(keyring: Keyring, user) -> dict:
    blob = UserKeyPair.objects.values_list("sealed_profile", flat=True).filter(user=user).first()
    if not blob or not keyring.has_private_key:
        return {}
    return json.loads(crypto.unseal(keyring.private_key(), blob))

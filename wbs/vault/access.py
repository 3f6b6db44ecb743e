"""The reporter's ways back to a report: the Kode Akses of an anonymous reporter, and the sealed
vault items and identity profile of a registered one.

The code itself is never stored: `AccessCode.lookup` is a keyed hash of it (HMAC with the
pepper kept outside the database) and the report's keys are wrapped under Argon2id of it.
"""

import json

from django.conf import settings

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


def issue_access_codes(keyring: Keyring, reports) -> list[str]:
    """A new Kode Akses for each freshly saved report whose keys `keyring` holds (shown once to
    the reporter, stored nowhere). Argon2id is paid once per code."""
    rows, issued = [], []
    ops, mem = settings.WBS_CODE_OPSLIMIT, settings.WBS_CODE_MEMLIMIT
    for report in reports:
        code = codes.new_access_code()
        normalised = codes.normalise_code(code).encode()
        salt = crypto.new_salt()
        code_key = crypto.derive_key(normalised, salt, opslimit=ops, memlimit=mem)
        rows.append(
            AccessCode(
                report=report,
                lookup=crypto.keyed_hash("access-code", normalised),
                salt=salt,
                opslimit=ops,
                memlimit=mem,
                wrapped_keys=crypto.encrypt(
                    code_key,
                    _wrapped_keys(keyring, report.pk),
                    ad=_ACCESS_AD + str(report.pk).encode(),
                ),
            )
        )
        issued.append(code)
    AccessCode.objects.bulk_create(rows, batch_size=1000)
    return issued


def open_with_access_code(code: str):
    """(report, keyring holding its keys) for a valid code, else None — for any failure alike;
    a miss costs the same Argon2id time as a hit."""
    normalised = codes.normalise_code(code)
    entry = None
    if normalised is not None:
        lookup = crypto.keyed_hash("access-code", normalised.encode())
        entry = AccessCode.objects.select_related("report").filter(lookup=lookup).first()
    if entry is None:
        crypto.derive_key(
            (normalised or "-").encode(),
            crypto.new_salt(),
            opslimit=settings.WBS_CODE_OPSLIMIT,
            memlimit=settings.WBS_CODE_MEMLIMIT,
        )
        return None
    try:
        code_key = crypto.derive_key(
            normalised.encode(), entry.salt, opslimit=entry.opslimit, memlimit=entry.memlimit
        )
        keys = json.loads(
            crypto.decrypt(
                code_key, entry.wrapped_keys, ad=_ACCESS_AD + str(entry.report_id).encode()
            )
        )
    except crypto.DecryptionError:
        return None
    return entry.report, _keyring_from(entry.report_id, keys)


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

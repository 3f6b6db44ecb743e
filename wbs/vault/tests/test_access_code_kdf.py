"""Issue 10 §1: the key wrapping a report's keys under its Kode Akses is derived with keyed
BLAKE2b (the pepper, a salt per report) — no Argon2id for codes issued now; codes issued before
(Argon2id) still open and are re-wrapped at their first look-up; without the pepper nothing is
derived that opens anything (docs/adr/0016-access-code-key-derivation.md)."""

import json

import pytest

from wbs.intake.tests.factories import submit
from wbs.vault import access, codes, crypto
from wbs.vault.models import AccessCode

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_argon2(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("Argon2id used for an access code")

    monkeypatch.setattr(crypto, "derive_key", refuse)


def test_a_new_code_is_wrapped_with_keyed_blake2b_and_opens_without_argon2(staff, no_argon2):
    report, receipt = submit()
    row = AccessCode.objects.get(report=report)
    assert row.kdf == AccessCode.Kdf.BLAKE2B and (row.opslimit, row.memlimit) == (0, 0)
    opened, keyring = access.open_with_access_code(receipt.access_code)
    assert opened == report and keyring.holds(report.pk, "report")


def _as_argon2id(row: AccessCode, code: str) -> bytes:
    """Wrap the row's keys the way codes issued before were: Argon2id of the code."""
    secret = codes.normalise_code(code).encode()
    ad = b"wbs:v1:access_code_keys" + str(row.report_id).encode()
    payload = crypto.decrypt(
        crypto.derive_code_key(secret, bytes(row.salt)), row.wrapped_keys, ad=ad
    )
    salt = crypto.new_salt()
    key = crypto.derive_key(secret, salt, opslimit=1, memlimit=8 * 1024 * 1024)
    AccessCode.objects.filter(pk=row.pk).update(
        kdf=AccessCode.Kdf.ARGON2ID,
        salt=salt,
        opslimit=1,
        memlimit=8 * 1024 * 1024,
        wrapped_keys=crypto.encrypt(key, payload, ad=ad),
    )
    return payload


def test_a_code_issued_before_still_opens_and_is_rewrapped_once(staff, monkeypatch):
    report, receipt = submit()
    payload = _as_argon2id(AccessCode.objects.get(report=report), receipt.access_code)
    calls = []
    real = crypto.derive_key
    monkeypatch.setattr(crypto, "derive_key", lambda *a, **k: calls.append(1) or real(*a, **k))
    opened, _keyring = access.open_with_access_code(receipt.access_code)
    assert opened == report and calls == [1]
    row = AccessCode.objects.get(report=report)
    assert row.kdf == AccessCode.Kdf.BLAKE2B and (row.opslimit, row.memlimit) == (0, 0)
    again, keyring_again = access.open_with_access_code(receipt.access_code)
    assert again == report and calls == [1]  # no Argon2id the second time
    assert json.loads(payload)["rk"] == keyring_again._key(report.pk, "report").hex()


def test_the_pepper_is_part_of_the_key(staff, settings):
    salt = crypto.new_salt()
    secret = b"AAAABBBBCCCCDDDDEEEEFFFF"
    ours = crypto.derive_code_key(secret, salt)
    settings.WBS_PEPPER = "another-pepper-" + "x" * 40
    assert crypto.derive_code_key(secret, salt) != ours
    assert len(ours) == 32


def test_a_changed_salt_or_wrapped_key_opens_nothing(staff):
    report, receipt = submit()
    AccessCode.objects.filter(report=report).update(salt=crypto.new_salt())
    assert access.open_with_access_code(receipt.access_code) is None

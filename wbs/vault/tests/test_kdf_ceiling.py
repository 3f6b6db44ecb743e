"""Issue 11 §1: Argon2id parameters come from rows, so whoever can write a row could make a
log-in or a status check allocate gigabytes or run for minutes. Outside a fixed range nothing
is derived: the row opens nothing, at once."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from conftest import PASSWORD
from wbs.vault import access, crypto, keys
from wbs.vault.models import AccessCode, UserKeyPair

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("opslimit", "memlimit"),
    [(10**6, 8 * 1024 * 1024), (1, 64 * 1024**3), (0, 8 * 1024 * 1024)],
    ids=["a million passes", "64 GiB", "no pass"],
)
def test_parameters_outside_the_range_derive_nothing(opslimit, memlimit):
    with pytest.raises(crypto.UnsafeKdfParameters):
        crypto.derive_key(b"kata sandi", crypto.new_salt(), opslimit=opslimit, memlimit=memlimit)


def test_a_key_pair_row_with_a_huge_memlimit_opens_nothing(staff):
    user = staff["verifikator"]
    assert keys.unlock(user, PASSWORD) is not None
    UserKeyPair.objects.filter(user=user).update(memlimit=64 * 1024**3)
    assert keys.unlock(user, PASSWORD) is None


def test_an_access_code_row_with_a_huge_opslimit_opens_nothing(staff):
    from wbs.intake.tests.factories import submit

    _report, receipt = submit(title="Laporan uji")
    assert access.open_with_access_code(receipt.access_code) is not None
    # A row claiming Argon2id (as codes issued before docs/adr/0016 do) with a huge cost.
    AccessCode.objects.update(kdf=AccessCode.Kdf.ARGON2ID, opslimit=10**6, memlimit=8 * 1024**2)
    assert access.open_with_access_code(receipt.access_code) is None


def test_the_settings_refuse_a_cost_above_the_range(monkeypatch):
    from config.env import envint

    monkeypatch.setenv("WBS_PASSWORD_MEMLIMIT_MIB", "65536")
    with pytest.raises(ImproperlyConfigured):
        envint("WBS_PASSWORD_MEMLIMIT_MIB", 64, minimum=8, maximum=1024)

import pytest

from wbs.cases.models import Report
from wbs.cases.recipients import NotAccepting
from wbs.intake.tests.factories import submit
from wbs.vault import crypto, signing
from wbs.vault import recovery as recovery_keys
from wbs.vault.models import KeyGrant, RecoveryKey

pytestmark = pytest.mark.django_db


def test_rotation_reseals_every_copy_to_the_new_key(staff, recovery):
    report, _ = submit()
    copies, passphrase = recovery_keys.rotate_recovery_key(recovery["passphrase"])
    grant = KeyGrant.objects.get(report=report, key_kind="report", recovery_key__isnull=False)
    private = recovery_keys.open_recovery_key(passphrase)
    assert copies == 1 and len(crypto.unseal(private, grant.sealed_key)) == 32


def test_old_passphrase_no_longer_opens_the_active_key(staff, recovery):
    recovery_keys.rotate_recovery_key(recovery["passphrase"])
    assert recovery_keys.open_recovery_key(recovery["passphrase"]) is None


def test_wrong_passphrase_changes_nothing(staff, recovery):
    assert recovery_keys.rotate_recovery_key("SALAH-SALAH") is None
    assert RecoveryKey.objects.filter(active=True).get().pk == recovery["key"].pk


def test_new_reports_use_the_new_key_once_it_is_pinned(staff, recovery, settings):
    recovery_keys.rotate_recovery_key(recovery["passphrase"])
    with pytest.raises(NotAccepting):  # the old pin no longer matches: nothing is stored
        submit()
    assert not Report.objects.exists()
    settings.WBS_TRUST_ROOT = signing.fingerprint(RecoveryKey.objects.get(active=True))
    report, _ = submit()
    assert KeyGrant.objects.get(report=report, recovery_key__isnull=False).recovery_key.active

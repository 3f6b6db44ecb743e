"""The trust root's ceremonies (ADR 0013): `init_vault` prints the fingerprint to pin;
`create_admin` makes the first administrator with a one-time password; the first Inspektur is
approved with the recovery passphrase (`approve_with_recovery`, or an Inspektur's screen for the
next ones); `split_identity_keys` shares identity keys among the custodians listed now;
`upgrade_vault` brings an installation made before ADR 0013 over; `rotate_recovery_key` signs
everything again under a new root."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from conftest import PASSWORD, login_staff, make_staff
from wbs.accounts import services as accounts
from wbs.accounts.models import Role, RoleRequest, User
from wbs.audit.models import AuditEvent
from wbs.cases import identity, sealing
from wbs.cases.tests.helpers import (
    approve_identity,
    confidential_report,
    identity_request,
    keyring_of,
)
from wbs.intake.tests.factories import submit
from wbs.vault import crypto, keys, listings, signing
from wbs.vault import recovery as recovery_keys
from wbs.vault.models import KeyGrant, RecipientListing, RecoveryKey, SigningCertificate

pytestmark = pytest.mark.django_db


def _run(name, *args, passphrase=None, monkeypatch=None):
    if passphrase is not None:
        monkeypatch.setattr("getpass.getpass", lambda prompt="": passphrase)
    out = io.StringIO()
    call_command(name, *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


# --- init_vault -------------------------------------------------------------------------------


def test_init_vault_prints_passphrase_and_fingerprint_once(db, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    first = _run("init_vault")
    key = RecoveryKey.objects.get()
    fingerprint = signing.fingerprint(bytes(key.verify_key))
    assert f"Trust root fingerprint: {fingerprint}" in first
    passphrase = first.split("stored nowhere):")[1].split()[0]
    assert recovery_keys.open_recovery_key(passphrase) is not None
    again = _run("init_vault")
    assert passphrase not in again and fingerprint in again
    assert RecoveryKey.objects.count() == 1
    assert not (tmp_path / "secrets").exists()  # production: pinned by the operator


def test_init_vault_in_demo_mode_pins_the_fingerprint_locally(db, settings, tmp_path):
    settings.DATA_DIR, settings.DEMO = tmp_path, True
    _run("init_vault")
    pinned = (tmp_path / "secrets" / "wbs_trust_root").read_text().strip()
    assert pinned == signing.fingerprint(bytes(RecoveryKey.objects.get().verify_key))
    kept = (tmp_path / "secrets" / "demo_recovery_passphrase").read_text().strip()
    assert recovery_keys.open_recovery_key(kept) is not None
    assert (tmp_path / "secrets" / "wbs_trust_root").stat().st_mode & 0o077 == 0


def test_a_replaced_recovery_key_does_not_match_the_pin(staff, recovery, settings):
    """A database writer swaps in a recovery key of their own: nothing verifies any more, so
    no new report key reaches anybody but the (replaced) recovery key."""
    RecoveryKey.objects.all().delete()
    recovery_keys.create_recovery_key()
    with pytest.raises(signing.TrustRootMissing):
        signing.root_verify_key()
    report, _ = submit()
    assert not KeyGrant.objects.filter(report=report, user__isnull=False).exists()


# --- the first administrator ------------------------------------------------------------------


def test_create_admin_makes_a_one_time_password(palembang):
    out = _run("create_admin", "admin.wbs", "--full-name", "Admin Pertama")
    user = User.objects.get(username="admin.wbs")
    password = out.split("(one log-in):")[1].split()[0]
    assert user.check_password(password) and user.password_set_by_other
    assert user.has_role(Role.ADMIN) and not hasattr(user, "keypair")
    with pytest.raises(CommandError):
        _run("create_admin", "admin.kedua")


# --- the first Inspektur ----------------------------------------------------------------------


@pytest.fixture
def newcomer(staff):
    person = make_staff("inspektur.baru", [])
    accounts.add_role(person, Role.INSPEKTUR, acting=staff["admin"])
    return person


def test_approve_with_recovery_certifies_an_inspektur(newcomer, recovery, monkeypatch):
    report, _ = submit(title="LAPORAN-LAMA-7")
    out = _run(
        "approve_with_recovery",
        newcomer.username,
        passphrase=recovery["passphrase"],
        monkeypatch=monkeypatch,
    )
    assert "Approved" in out
    assert SigningCertificate.objects.filter(user=newcomer).exists()
    assert listings.listed_key(newcomer, [listings.ALL]) is not None
    assert sealing.open_title(keyring_of(newcomer), report) == "LAPORAN-LAMA-7"


def test_approve_with_recovery_refuses_a_wrong_passphrase(newcomer, recovery, monkeypatch):
    with pytest.raises(CommandError):
        _run(
            "approve_with_recovery",
            newcomer.username,
            passphrase="AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GGGG-HHHH",
            monkeypatch=monkeypatch,
        )
    assert not SigningCertificate.objects.filter(user=newcomer).exists()
    assert AuditEvent.objects.filter(verb="recovery.failed", target_id=str(newcomer.pk)).exists()


def test_approve_with_recovery_needs_a_pending_role(staff, recovery, monkeypatch):
    with pytest.raises(CommandError):
        _run("approve_with_recovery", "pembina", passphrase="x", monkeypatch=monkeypatch)


def test_an_inspektur_approves_a_second_inspektur_with_the_passphrase(newcomer, staff, recovery):
    client = login_staff(Client(), staff["inspektur"])
    page = client.get("/staf/peran/").content.decode()
    assert newcomer.username in page and 'value="approve_root"' in page
    row = RoleRequest.objects.get(user=newcomer, state="pending")
    client.post(f"/staf/peran/{row.pk}/", {"decision": "approve", "passphrase": ""})
    row.refresh_from_db()
    assert row.state == "pending"  # an Inspektur's key alone does not make an Inspektur
    client.post(f"/staf/peran/{row.pk}/", {"decision": "approve_root", "passphrase": "salah salah"})
    row.refresh_from_db()
    assert row.state == "pending"
    client.post(
        f"/staf/peran/{row.pk}/",
        {"decision": "approve_root", "passphrase": recovery["passphrase"]},
    )
    row.refresh_from_db()
    assert row.state == "approved" and row.decided_by == staff["inspektur"]
    assert SigningCertificate.objects.filter(user=newcomer).exists()


# --- identity keys shared anew ----------------------------------------------------------------


def test_split_identity_keys_reaches_a_custodian_who_joined_later(staff, recovery, monkeypatch):
    report = confidential_report(with_file=False)
    late = make_staff("kustodian.baru", [Role.CUSTODIAN], approve_with=recovery["passphrase"])
    assert not KeyGrant.objects.filter(report=report, user=late).exists()
    out = _run("split_identity_keys", passphrase=recovery["passphrase"], monkeypatch=monkeypatch)
    assert "1 identity keys shared among 4 custodians" in out
    holders = set(
        KeyGrant.objects.filter(report=report, key_kind="share").values_list(
            "user__username", flat=True
        )
    )
    assert holders == {"inspektur", "pj", "kustodian", "kustodian.baru"}
    row = identity_request(report, staff["verifikator"])
    approve_identity(row, [late, staff["custodian"]])
    opened = identity.open_identity(keyring_of(staff["verifikator"]), report, staff["verifikator"])
    assert opened.name


# --- an installation made before ADR 0013 ----------------------------------------------------


def _old_installation(staff, recovery):
    """The state before ADR 0013: no listings, no certificates, whole identity keys sealed to
    the Inspektur."""
    report = confidential_report(with_file=False)
    ik_copy = KeyGrant.objects.get(report=report, key_kind="identity")
    private = recovery_keys.open_recovery_key(recovery["passphrase"])
    ik = crypto.unseal(private, ik_copy.sealed_key)
    KeyGrant.objects.create(
        report=report,
        key_kind="identity",
        user=staff["inspektur"],
        sealed_key=crypto.seal(bytes(staff["inspektur"].keypair.public_key), ik),
    )
    KeyGrant.objects.filter(key_kind="share").delete()
    RecipientListing.objects.all().delete()
    SigningCertificate.objects.all().delete()
    return report


def test_upgrade_vault_lists_everyone_and_takes_whole_identity_keys(staff, recovery, monkeypatch):
    report = _old_installation(staff, recovery)
    out = _run("upgrade_vault", passphrase=recovery["passphrase"], monkeypatch=monkeypatch)
    assert "1 Inspektur certified" in out
    assert SigningCertificate.objects.filter(user=staff["inspektur"]).exists()
    for persona, scope in [
        ("verifikator", listings.ALL),
        ("penelaah", listings.HANDLER),
        ("custodian", listings.CUSTODIAN),
    ]:
        assert listings.listed_key(staff[persona], [scope]) is not None
    assert not KeyGrant.objects.filter(key_kind="identity", user__isnull=False).exists()
    assert KeyGrant.objects.filter(report=report, key_kind="share").count() == 3
    with pytest.raises(Exception):  # noqa: B017 - the Inspektur alone opens nothing now
        sealing.open_identity(keyring_of(staff["inspektur"]), report)


def test_upgrade_vault_stops_until_the_fingerprint_is_pinned(
    staff, recovery, monkeypatch, settings
):
    settings.WBS_TRUST_ROOT = ""
    with pytest.raises(CommandError):
        _run("upgrade_vault", passphrase=recovery["passphrase"], monkeypatch=monkeypatch)


def test_upgrade_vault_reports_an_administrator_with_a_case_role(staff, recovery, monkeypatch):
    from django.db import connection

    _old_installation(staff, recovery)
    drop = {
        "sqlite": ["DROP TRIGGER IF EXISTS wbs_role_separation_insert"],
        "postgresql": ["DROP TRIGGER IF EXISTS wbs_role_separation ON accounts_roleassignment"],
    }
    with connection.cursor() as cursor:  # as it may exist from before the trigger
        for statement in drop[connection.vendor]:
            cursor.execute(statement)
    staff["admin"].role_assignments.create(role=Role.VERIFIKATOR)
    out = _run("upgrade_vault", passphrase=recovery["passphrase"], monkeypatch=monkeypatch)
    assert "admin is administrator and case handler" in out
    assert listings.listed_key(staff["admin"]) is None


# --- rotation signs again under the new root -------------------------------------------------


def test_rotation_keeps_listings_and_certificates_valid_under_the_new_root(
    staff, recovery, settings, monkeypatch
):
    out = _run("rotate_recovery_key", passphrase=recovery["passphrase"], monkeypatch=monkeypatch)
    fingerprint = out.split("Trust root fingerprint: ")[1].split()[0]
    assert listings.listed_key(staff["verifikator"]) is None  # not pinned yet
    settings.WBS_TRUST_ROOT = fingerprint
    assert listings.listed_key(staff["verifikator"], [listings.ALL]) is not None
    assert signing.certified_verify_keys()  # the Inspektur's certificate, signed again
    report, _ = submit(title="SESUDAH-ROTASI")
    assert sealing.open_title(keyring_of(staff["verifikator"]), report) == "SESUDAH-ROTASI"


def test_rotation_does_not_launder_a_forged_listing(staff, recovery, settings):
    forger = make_staff("penyusup", [Role.VERIFIKATOR])
    RecipientListing.objects.create(
        user=forger,
        scope=listings.ALL,
        public_key=forger.keypair.public_key,
        signer=listings.ROOT,
        signature=b"\0" * 64,
    )
    recovery_keys.rotate_recovery_key(recovery["passphrase"])
    settings.WBS_TRUST_ROOT = signing.fingerprint(
        bytes(RecoveryKey.objects.get(active=True).verify_key)
    )
    assert listings.listed_key(forger) is None
    assert keys.unlock(forger, PASSWORD) is not None

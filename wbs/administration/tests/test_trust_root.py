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

from conftest import PASSWORD, fingerprint_of, login_staff, make_staff
from wbs.accounts import services as accounts
from wbs.accounts.models import Alert, Role, RoleRequest, User
from wbs.audit.models import AuditEvent
from wbs.cases import identity, roles, sealing
from wbs.cases.models import Report
from wbs.cases.recipients import NotAccepting
from wbs.cases.tests.helpers import (
    approve_identity,
    confidential_report,
    identity_request,
    keyring_of,
)
from wbs.intake.tests.factories import form_data, submit
from wbs.intake.tests.test_api import _fields as api_fields
from wbs.vault import crypto, keys, listings, signing
from wbs.vault import recovery as recovery_keys
from wbs.vault.models import (
    KeyGrant,
    RecipientListing,
    RecoveryKey,
    SigningCertificate,
    UserKeyPair,
)

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
    fingerprint = signing.fingerprint(key)
    assert f"Sidik jari akar kepercayaan: {fingerprint}" in first
    passphrase = first.split("tidak disimpan di mana pun):")[1].split()[0]
    assert recovery_keys.open_recovery_key(passphrase) is not None
    again = _run("init_vault")
    assert passphrase not in again and fingerprint in again
    assert RecoveryKey.objects.count() == 1
    assert not (tmp_path / "secrets").exists()  # production: pinned by the operator


def test_init_vault_in_demo_mode_pins_the_fingerprint_locally(db, settings, tmp_path):
    settings.DATA_DIR, settings.DEMO = tmp_path, True
    _run("init_vault")
    pinned = (tmp_path / "secrets" / "wbs_trust_root").read_text().strip()
    assert pinned == signing.fingerprint(RecoveryKey.objects.get())
    kept = (tmp_path / "secrets" / "demo_recovery_passphrase").read_text().strip()
    assert recovery_keys.open_recovery_key(kept) is not None
    assert (tmp_path / "secrets" / "wbs_trust_root").stat().st_mode & 0o077 == 0


def test_a_replaced_recovery_key_does_not_match_the_pin(staff, recovery, settings):
    """A database writer swaps in a recovery key of their own: nothing verifies any more, and
    no report is accepted (its copy would go to the writer's key); the alarm is raised."""
    RecoveryKey.objects.all().delete()
    recovery_keys.create_recovery_key()
    with pytest.raises(signing.TrustRootMissing):
        signing.root_verify_key()
    with pytest.raises(NotAccepting):
        submit()
    assert not Report.objects.exists() and not KeyGrant.objects.exists()
    assert Alert.objects.filter(verb="security.trust_root_invalid", recipient=staff["pj"])
    # The administrators, who must fix the installation, are told too.
    assert Alert.objects.filter(verb="security.trust_root_invalid", recipient=staff["admin"])


@pytest.mark.parametrize("half", ["public_key", "verify_key"])
def test_either_public_half_swapped_by_sql_is_caught(staff, recovery, half):
    """The pin covers both halves: the X25519 key every report's copy is sealed to, and the
    root's verify key."""
    public, _private = crypto.new_keypair()
    RecoveryKey.objects.filter(active=True).update(**{half: public})
    with pytest.raises(NotAccepting):
        submit()
    # The passphrase holder puts the halves back (and the pin matches again).
    recovery_keys.open_root(recovery["passphrase"])
    report, _ = submit(title="SESUDAH-PEMULIHAN")
    assert KeyGrant.objects.filter(report=report, user=staff["verifikator"]).exists()


def test_the_report_form_says_nothing_was_stored_and_keeps_the_text(staff, recovery, settings):
    settings.WBS_TRUST_ROOT = ""
    response = Client().post("/lapor/", form_data(title="JUDUL-TETAP-ADA"))
    assert response.status_code == 503
    page = response.content.decode()
    assert "tidak ada yang tersimpan" in page and "JUDUL-TETAP-ADA" in page
    assert not Report.objects.exists()


def test_the_api_answers_503_and_stores_nothing(staff, recovery, settings):
    settings.WBS_TRUST_ROOT = ""
    response = Client().post("/api/v1/reports", api_fields())
    assert response.status_code == 503 and not Report.objects.exists()


# --- the first administrator ------------------------------------------------------------------


def test_create_admin_makes_the_first_two_with_one_time_passwords(palembang):
    out = _run("create_admin", "admin.wbs", "--full-name", "Admin Pertama")
    user = User.objects.get(username="admin.wbs")
    password = out.split("(untuk satu kali masuk):")[1].split()[0]
    assert user.check_password(password) and user.password_set_by_other
    assert user.has_role(Role.ADMIN) and not hasattr(user, "keypair")
    _run("create_admin", "admin.kedua")  # the second one too: nobody could approve it yet
    assert User.objects.get(username="admin.kedua").has_role(Role.ADMIN)
    with pytest.raises(CommandError):  # from the third on, a second administrator approves
        _run("create_admin", "admin.ketiga")
    assert not User.objects.filter(username="admin.ketiga").exists()


# --- the first Inspektur ----------------------------------------------------------------------


@pytest.fixture
def newcomer(staff):
    person = make_staff("inspektur.baru", [])
    accounts.add_role(person, Role.INSPEKTUR, acting=staff["admin"])
    return person


def test_approve_with_recovery_certifies_an_inspektur(newcomer, recovery, monkeypatch):
    report, _ = submit(title="LAPORAN-LAMA-7")
    with pytest.raises(CommandError):  # a fingerprint not confirmed with the person
        _run(
            "approve_with_recovery",
            newcomer.username,
            "--fingerprint",
            "0000-0000-0000-0000",
            passphrase=recovery["passphrase"],
            monkeypatch=monkeypatch,
        )
    assert not SigningCertificate.objects.filter(user=newcomer).exists()
    out = _run(
        "approve_with_recovery",
        newcomer.username,
        "--fingerprint",
        fingerprint_of(newcomer).lower(),  # as read aloud: case does not matter
        passphrase=recovery["passphrase"],
        monkeypatch=monkeypatch,
    )
    assert "disetujui: " in out and "kunci laporan diterbitkan ulang" in out
    assert SigningCertificate.objects.filter(user=newcomer).exists()
    assert listings.listed_key(newcomer, [listings.ALL]) is not None
    assert sealing.open_title(keyring_of(newcomer), report) == "LAPORAN-LAMA-7"


def test_approve_with_recovery_refuses_a_wrong_passphrase(newcomer, recovery, monkeypatch):
    with pytest.raises(CommandError):
        _run(
            "approve_with_recovery",
            newcomer.username,
            "--fingerprint",
            fingerprint_of(newcomer),
            passphrase="AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GGGG-HHHH",
            monkeypatch=monkeypatch,
        )
    assert not SigningCertificate.objects.filter(user=newcomer).exists()
    assert AuditEvent.objects.filter(verb="recovery.failed", target_id=str(newcomer.pk)).exists()


def test_approve_with_recovery_needs_a_pending_role(staff, recovery, monkeypatch):
    with pytest.raises(CommandError):
        _run(
            "approve_with_recovery",
            "pembina",
            "--fingerprint",
            fingerprint_of(staff["pembina"]),
            passphrase="x",
            monkeypatch=monkeypatch,
        )


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
    shown = fingerprint_of(newcomer)
    assert f'name="fingerprint" value="{shown}"' in page  # the form sends what it showed
    client.post(
        f"/staf/peran/{row.pk}/",
        {"decision": "approve_root", "passphrase": recovery["passphrase"], "fingerprint": ""},
    )
    row.refresh_from_db()
    assert row.state == "pending"  # no fingerprint, no approval
    client.post(
        f"/staf/peran/{row.pk}/",
        {"decision": "approve_root", "passphrase": recovery["passphrase"], "fingerprint": shown},
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
    assert "1 kunci identitas dibagikan kepada 4 kustodian" in out
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
    assert "1 Inspektur disertifikasi" in out
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
    assert "admin merupakan administrator sekaligus petugas penanganan" in out
    assert listings.listed_key(staff["admin"]) is None


# --- rotation signs again under the new root -------------------------------------------------


def test_rotation_keeps_listings_and_certificates_valid_under_the_new_root(
    staff, recovery, settings, monkeypatch
):
    out = _run("rotate_recovery_key", passphrase=recovery["passphrase"], monkeypatch=monkeypatch)
    fingerprint = out.split("Sidik jari akar kepercayaan: ")[1].split()[0]
    assert listings.listed_key(staff["verifikator"]) is None  # not pinned yet
    settings.WBS_TRUST_ROOT = fingerprint
    assert listings.listed_key(staff["verifikator"], [listings.ALL]) is not None
    assert signing.certified_verify_keys()  # the Inspektur's certificate, signed again
    report, _ = submit(title="SESUDAH-ROTASI")
    assert sealing.open_title(keyring_of(staff["verifikator"]), report) == "SESUDAH-ROTASI"


def test_rotation_is_refused_while_the_trust_root_does_not_verify(
    staff, recovery, settings, monkeypatch
):
    """Rotating under a wrong or missing pin would drop every certificate and root listing
    unseen: the command refuses before asking for the passphrase, and nothing changes."""
    settings.WBS_TRUST_ROOT = "0" * 64
    with pytest.raises(CommandError, match="Akar kepercayaan tidak terverifikasi"):
        _run("rotate_recovery_key", passphrase=recovery["passphrase"], monkeypatch=monkeypatch)
    assert RecoveryKey.objects.filter(active=True).count() == 1
    assert SigningCertificate.objects.filter(user=staff["inspektur"]).exists()


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
    settings.WBS_TRUST_ROOT = signing.fingerprint(RecoveryKey.objects.get(active=True))
    assert listings.listed_key(forger) is None
    assert keys.unlock(forger, PASSWORD) is not None


def test_split_identity_keys_waits_for_pending_requests(staff, recovery, monkeypatch):
    report = confidential_report(with_file=False)
    identity_request(report, staff["verifikator"])
    with pytest.raises(CommandError):
        _run("split_identity_keys", passphrase=recovery["passphrase"], monkeypatch=monkeypatch)


def test_upgrade_vault_files_approvals_for_people_not_bound_yet(staff, recovery, monkeypatch):
    _old_installation(staff, recovery)
    UserKeyPair.objects.filter(user=staff["penelaah"]).update(binding="")  # made before
    out = _run("upgrade_vault", passphrase=recovery["passphrase"], monkeypatch=monkeypatch)
    assert "penelaah: harus masuk satu kali" in out
    row = RoleRequest.objects.get(user=staff["penelaah"], state="pending")
    assert row.relist and row.decider == "inspektur"
    assert listings.listed_key(staff["penelaah"]) is None
    keys.unlock(staff["penelaah"], PASSWORD)  # the log-in binds the key pair
    roles.approve(
        row,
        staff["inspektur"],
        keyring_of(staff["inspektur"]),
        fingerprint=fingerprint_of(row.user),
    )
    assert listings.listed_key(staff["penelaah"], [listings.HANDLER]) is not None


def test_the_inbox_tells_custodians_of_requests_they_may_decide(staff):
    report = confidential_report(with_file=False)
    identity_request(report, staff["verifikator"])
    page = login_staff(Client(), staff["pj"]).get("/staf/kotak-masuk/").content.decode()
    assert "1 permintaan identitas menunggu keputusan" in page
    own = login_staff(Client(), staff["verifikator"]).get("/staf/kotak-masuk/").content.decode()
    assert "permintaan identitas menunggu" not in own
    menu = login_staff(Client(), staff["custodian"]).get("/staf/identitas/").content.decode()
    assert 'href="/staf/kotak-masuk/"' not in menu

"""Attacks from the security review of ADR 0013 (outsider and insider), each a test that passes
when the attack fails: public halves swapped in the database (recovery key, a person's key
pair, a registered reporter's), the choose-password page replayed or reached without the
second factor, shares combined offline, rows that break intake, alerts that could be
suppressed. The rows of the insider matrix itself are in test_insiders.py."""

import json

import pytest
from django.db import connection
from django.test import Client
from django.utils import translation
from django.utils.html import escape

from conftest import PASSWORD, fingerprint_of, login_staff, make_staff
from wbs.accounts import services as accounts
from wbs.accounts.models import Alert, Role, RoleAssignment, RoleRequest, User
from wbs.cases import identity, recipients, roles, sealing
from wbs.cases.models import IdentityDecision, Report
from wbs.cases.recipients import NotAccepting
from wbs.cases.tests.helpers import confidential_report, identity_request, keyring_of
from wbs.intake.tests.factories import submit
from wbs.vault import access, crypto, keys, listings, signing
from wbs.vault.keyring import Keyring, NoAccess
from wbs.vault.models import (
    KeyGrant,
    RecipientListing,
    RecoveryKey,
    ReporterVaultItem,
    SigningCertificate,
    UserKeyPair,
)

pytestmark = pytest.mark.django_db

SECRET = "JUDUL-RAHASIA-SERANGAN"
NAME = "NAMA-PELAPOR-SERANGAN"


def _reads(private_key, report) -> bool:
    """Whether any grant row of `report` unseals with `private_key` and opens its title/identity."""
    keyring = Keyring()
    rk = ik = None
    for grant in KeyGrant.objects.filter(report=report):
        try:
            key = crypto.unseal(private_key, grant.sealed_key)
        except crypto.DecryptionError:
            continue
        if grant.key_kind == "report":
            rk = key
        elif grant.key_kind == "identity":
            ik = key
    if rk is None and ik is None:
        return False
    keyring.add_report(report.pk, rk=rk or b"\0" * 32, ik=ik)
    try:
        return SECRET in sealing.open_title(keyring, report)
    except (NoAccess, crypto.DecryptionError):
        pass
    try:
        return NAME in str(sealing.open_identity(keyring, report))
    except (NoAccess, crypto.DecryptionError):
        return False


# --- 1. DB writer swaps the recovery key's X25519 half, keeping the pinned verify key ----------


def test_db_writer_swaps_recovery_public_key_only(staff):
    """The pin covers the X25519 half too: no report is sealed to the swapped key."""
    attacker_public, _attacker_private = crypto.new_keypair()
    RecoveryKey.objects.filter(active=True).update(public_key=attacker_public)
    with pytest.raises(signing.TrustRootMissing):
        signing.root_verify_key()
    with pytest.raises(NotAccepting):
        confidential_report(title=SECRET, name=NAME, with_file=False)
    assert not Report.objects.exists() and not KeyGrant.objects.exists()


# --- 2. DB writer swaps the public key of a pending, legitimate Verifikator ---------------------


def test_db_writer_swaps_public_key_before_an_honest_inspektur_approves(staff):
    before, _ = submit(title=SECRET)
    person = make_staff("verifikator.baru", [])
    accounts.add_role(person, Role.VERIFIKATOR, acting=staff["admin"])
    row = RoleRequest.objects.get(user=person, state="pending")
    attacker_public, attacker_private = crypto.new_keypair()
    UserKeyPair.objects.filter(user=person).update(public_key=attacker_public)
    # The Inspektur does their job: approves the request filed by the administrator. The
    # screen says the row does not verify (no fingerprint to compare).
    client = login_staff(Client(), staff["inspektur"])
    with translation.override("id"):
        warning = translation.gettext("does not verify: the person logs in once, then compare")
    assert escape(warning) in client.get("/staf/peran/").content.decode()
    client.post(f"/staf/peran/{row.pk}/", {"decision": "approve"})
    after, _ = submit(title=SECRET)
    assert not _reads(attacker_private, before)
    assert not _reads(attacker_private, after)
    row.refresh_from_db()
    assert row.state == "pending" and not RecipientListing.objects.filter(user=person).exists()
    assert Alert.objects.filter(verb="security.keypair_unbound", recipient=staff["pj"]).exists()
    # The owner's next log-in puts their own public key back; then the approval goes through.
    keys.unlock(person, PASSWORD)
    client.post(
        f"/staf/peran/{row.pk}/", {"decision": "approve", "fingerprint": fingerprint_of(person)}
    )
    row.refresh_from_db()
    assert row.state == "approved" and not _reads(attacker_private, after)


def test_db_writer_swaps_public_key_before_root_approval(staff, recovery):
    before, _ = submit(title=SECRET)
    person = make_staff("verifikator.baru", [])
    accounts.add_role(person, Role.VERIFIKATOR, acting=staff["admin"])
    row = RoleRequest.objects.get(user=person, state="pending")
    attacker_public, attacker_private = crypto.new_keypair()
    UserKeyPair.objects.filter(user=person).update(public_key=attacker_public)
    with pytest.raises(roles.ApprovalError):
        roles.approve_with_recovery(
            recovery["passphrase"], row, fingerprint=fingerprint_of(row.user)
        )
    assert not _reads(attacker_private, before)


# --- 3. DB writer swaps the verify key of a new Inspektur before the root certifies it ---------


def test_db_writer_swaps_verify_key_before_inspektur_certification(staff, recovery):
    person = make_staff("inspektur.baru", [])
    accounts.add_role(person, Role.INSPEKTUR, acting=staff["admin"])
    row = RoleRequest.objects.get(user=person, state="pending")
    attacker_verify, attacker_seed = signing.new_signing_key()
    UserKeyPair.objects.filter(user=person).update(verify_key=attacker_verify)
    with pytest.raises(roles.ApprovalError):  # the root holders do their job: refused
        roles.approve_with_recovery(
            recovery["passphrase"], row, fingerprint=fingerprint_of(row.user)
        )
    assert not SigningCertificate.objects.filter(user=person).exists()
    # The attacker's own account, made and given a role by SQL.
    puppet = make_staff("boneka", [])
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO accounts_roleassignment (user_id, role, granted_on) VALUES (%s,%s,%s)",
            [puppet.pk, Role.VERIFIKATOR, "2026-01-01 00:00:00"],
        )
    public = bytes(puppet.keypair.public_key)
    signer = bytes(attacker_verify).hex()
    payload = {"user": puppet.pk, "public_key": public.hex(), "scope": "all", "signer": signer}
    RecipientListing.objects.create(
        user=puppet,
        scope="all",
        public_key=public,
        signer=signer,
        signature=signing.sign(attacker_seed, listings.LISTING, payload),
    )
    report, _ = submit(title=SECRET)
    assert not KeyGrant.objects.filter(report=report, user=puppet).exists()


# --- 4. registered reporter: their own vault item sealed to a DB public key ----------------------


def test_db_writer_swaps_a_registered_reporters_public_key(staff):
    user = User.objects.create_user(
        username="pelapor.terdaftar", password=PASSWORD, kind="reporter"
    )
    keys.create_user_keypair(user, PASSWORD)
    access.seal_profile(user, {"name": NAME, "nip": "", "unit": "", "contact": ""})
    attacker_public, attacker_private = crypto.new_keypair()
    UserKeyPair.objects.filter(user=user).update(public_key=attacker_public)
    profile = UserKeyPair.objects.get(user=user).sealed_profile
    with pytest.raises(NoAccess):  # sealing to the swapped key is refused, nothing stored
        submit(
            title=SECRET,
            identity=sealing.IdentityData(name=NAME),
            reporter_user=user,
            reporter_keyring=Keyring(user_id=user.pk),
        )
    assert not Report.objects.exists() and not ReporterVaultItem.objects.exists()
    with pytest.raises(NoAccess):  # nor is a new profile sealed to it
        access.seal_profile(user, {"name": NAME, "nip": "", "unit": "", "contact": ""})
    assert bytes(UserKeyPair.objects.get(user=user).sealed_profile) == bytes(profile)
    with pytest.raises(crypto.DecryptionError):
        crypto.unseal(attacker_private, bytes(profile))


# --- 5. choose-password replayed from a second pending session ---------------------------------


def test_a_second_pending_choose_session_cannot_replace_the_chosen_password(staff):
    victim = staff["verifikator"]
    temporary = accounts.reset_password(victim, acting=staff["admin"])
    attacker, owner = Client(), Client()
    for c in (attacker, owner):
        r = c.post("/staf/masuk/", {"username": victim.username, "password": temporary})
        assert r["Location"] == "/staf/masuk/sandi-baru/"
    owner_pw = "sandi-milik-korban-yang-panjang"
    owner.post("/staf/masuk/sandi-baru/", {"new1": owner_pw, "new2": owner_pw})
    victim.refresh_from_db()
    assert not victim.password_set_by_other
    pair_before = bytes(UserKeyPair.objects.get(user=victim).public_key)
    attacker_pw = "sandi-penyerang-yang-juga-panjang"
    attacker.post("/staf/masuk/sandi-baru/", {"new1": attacker_pw, "new2": attacker_pw})
    victim.refresh_from_db()
    assert victim.check_password(owner_pw)
    assert bytes(UserKeyPair.objects.get(user=victim).public_key) == pair_before


def test_choose_password_requires_no_second_factor_first(staff):
    """Whoever knows a reset password (not the TOTP) claims the key pair and the account."""
    victim = staff["verifikator"]
    login_staff(Client(), victim)  # victim has a confirmed TOTP device
    temporary = accounts.reset_password(victim, acting=staff["admin"])
    c = Client()
    response = c.post("/staf/masuk/", {"username": victim.username, "password": temporary})
    assert response["Location"] == "/staf/masuk/kode/"  # the code first
    pw = "sandi-penyerang-yang-juga-panjang"
    response = c.post("/staf/masuk/sandi-baru/", {"new1": pw, "new2": pw})
    assert response["Location"] == "/staf/masuk/kode/"
    victim.refresh_from_db()
    # the password must not have changed without the second factor
    assert victim.password_set_by_other and not victim.check_password(pw)


# --- 6. replay of deleted listings after a role removal (no deactivation) ---------------------


def test_replayed_listing_after_role_removal_gives_no_new_report(staff):
    person = staff["verifikator"]
    saved = list(RecipientListing.objects.filter(user=person).values())
    accounts.remove_role(person, Role.VERIFIKATOR, acting=staff["admin"])
    # DB writer restores the role row and the kept listing row.
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO accounts_roleassignment (user_id, role, granted_on) VALUES (%s,%s,%s)",
            [person.pk, Role.VERIFIKATOR, "2026-01-01 00:00:00"],
        )
    for row in saved:
        RecipientListing.objects.create(**row)
    report, _ = submit(title=SECRET)
    assert not KeyGrant.objects.filter(report=report, user=person).exists()


def test_replayed_certificate_after_inspektur_removal_signs_nothing(staff):
    inspektur = staff["inspektur"]
    certs = list(SigningCertificate.objects.filter(user=inspektur).values())
    accounts.remove_role(inspektur, Role.INSPEKTUR, acting=staff["admin"])
    for row in certs:
        SigningCertificate.objects.create(**row)
    # The former Inspektur (still a custodian, so still holding their keys) signs a listing
    # for a puppet whose role a database writer adds: new reports do not reach the puppet.
    puppet = make_staff("boneka", [])
    RoleAssignment.objects.create(user=puppet, role=Role.VERIFIKATOR)
    listings.list_member(keyring_of(inspektur), puppet, listings.ALL)
    report, _ = submit(title=SECRET)
    assert not KeyGrant.objects.filter(report=report, user=puppet).exists()


def test_custodian_removed_keeps_no_identity_share(staff):
    secret = confidential_report(title=SECRET, name=NAME, with_file=False)
    inspektur = staff["inspektur"]  # Inspektur and custodian
    assert KeyGrant.objects.filter(report=secret, user=inspektur, key_kind="share").exists()
    accounts.remove_role(inspektur, Role.CUSTODIAN, acting=staff["admin"])
    assert not KeyGrant.objects.filter(report=secret, user=inspektur, key_kind="share").exists()


# --- 7. a listing row with a malformed signer takes report intake down --------------------------


def test_malformed_signer_row_does_not_break_intake(staff):
    writer = make_staff("penulis.sql", [Role.VERIFIKATOR])
    RecipientListing.objects.create(
        user=writer,
        scope="all",
        public_key=writer.keypair.public_key,
        signer="z" * 64,
        signature=b"\0" * 64,
    )
    report, _ = submit(title=SECRET)  # must not raise
    assert report.pk


# --- 8. identity: decisions and state forged by SQL --------------------------------------------


def test_forged_decisions_and_state_open_no_identity(staff):
    from wbs.cases.models import IdentityDecision, IdentityRequest
    from wbs.cases.tests.helpers import identity_request

    secret = confidential_report(title=SECRET, name=NAME, with_file=False)
    row = identity_request(secret, staff["verifikator"])
    identity.decide(keyring_of(staff["pj"]), row, staff["pj"], approve=True, reason="ok")
    real = IdentityDecision.objects.get(request=row)
    # DB writer duplicates the one real share under another custodian and approves the row.
    IdentityDecision.objects.create(
        request=row,
        custodian=staff["custodian"],
        approved=True,
        released_share=real.released_share,
        note=real.note,
        decided_on=real.decided_on,
    )
    IdentityRequest.objects.filter(pk=row.pk).update(state="approved")
    with pytest.raises(identity.IdentityError):
        identity.open_identity(keyring_of(staff["verifikator"]), secret, staff["verifikator"])


def test_custodians_list_excludes_a_sql_role_with_a_kept_listing(staff):
    """A custodian listing kept from before a role removal, restored with the role by SQL."""
    cust = staff["custodian"]
    saved = list(RecipientListing.objects.filter(user=cust).values())
    accounts.remove_role(cust, Role.CUSTODIAN, acting=staff["admin"])
    RoleAssignment.objects.create(user=cust, role=Role.CUSTODIAN)
    for row in saved:
        RecipientListing.objects.create(**row)
    # keep_pair=False only when no key role remains: the pair was kept? then the listing verifies
    assert cust.pk not in recipients.custodians()


# --- 9. web: role decisions need CSRF ----------------------------------------------------------


def test_role_request_decide_requires_csrf(staff):
    person = make_staff("verifikator.baru", [])
    accounts.add_role(person, Role.VERIFIKATOR, acting=staff["admin"])
    row = RoleRequest.objects.get(user=person, state="pending")
    logged = login_staff(Client(), staff["inspektur"])
    client = Client(enforce_csrf_checks=True)
    client.cookies = logged.cookies
    response = client.post(f"/staf/peran/{row.pk}/", {"decision": "approve"})
    assert response.status_code == 403
    row.refresh_from_db()
    assert row.state == "pending"


# --- 10. one refusal ends a request, but approvals already released survive ---------------------


def test_shares_released_in_two_denied_requests_do_not_combine(staff):
    """Each request gets one approval and one refusal. The refusal clears what was released;
    and even a share copied from the database before the refusal does not open offline: it is
    wrapped under a per-request key derived from the pepper, which only the server holds."""
    first = identity_request(
        confidential_report(title=SECRET, name=NAME, with_file=False), staff["verifikator"]
    )
    identity.decide(keyring_of(staff["pj"]), first, staff["pj"], approve=True, reason="ya")
    copied = bytes(IdentityDecision.objects.get(request=first).released_share)
    private = keyring_of(staff["verifikator"]).private_key()
    inner = crypto.unseal(private, copied)  # the requester's own key opens the outer layer…
    with pytest.raises(ValueError):  # …but inside is ciphertext, not a share
        json.loads(inner)
    identity.decide(
        keyring_of(staff["custodian"]), first, staff["custodian"], approve=False, reason="tidak"
    )
    first.refresh_from_db()
    assert first.state == "denied"
    assert not IdentityDecision.objects.filter(request=first).exclude(released_share=None)


# --- 11. an administrator redirects the watchers' alert e-mails without an alert -------------


def test_changing_a_watchers_email_is_alerted(staff):
    from wbs.accounts.models import Alert

    admin_client = login_staff(Client(), staff["admin"])
    inspektur = staff["inspektur"]
    admin_client.post(
        f"/staf/administrasi/pengguna/{inspektur.pk}/",
        {
            "username": inspektur.username,
            "full_name": inspektur.full_name,
            "email": "penyerang@example.org",
            "nip": "",
            "jabatan": "",
            "pangkat": "",
            "wilayah": "",
            "is_active": "on",
        },
    )
    inspektur.refresh_from_db()
    assert inspektur.email == "penyerang@example.org"
    assert Alert.objects.filter(subject=inspektur).exclude(verb__startswith="role.").exists()

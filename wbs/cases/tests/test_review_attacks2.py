"""Second security review of ADR 0013 (after the fixes of test_review_attacks.py). Each test
asserts the safe behaviour: the ones marked "Was open" showed a weakness, fixed since,
and the others pin defences no earlier test covered.

Threat model as in the ADR: one administrator (or two), a database writer without the pepper,
the trust root or anybody's password, or one official alone must not read a report or open an
identity."""

import io

import pytest
from django.contrib.auth.hashers import make_password
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import PASSWORD, fingerprint_of, login_staff, make_staff
from wbs.accounts import services as accounts
from wbs.accounts.models import Alert, Role, RoleRequest, User
from wbs.cases import roles, sealing
from wbs.cases.tests.helpers import keyring_of
from wbs.intake.tests.factories import submit
from wbs.vault import crypto, keys, listings, signing
from wbs.vault.keyring import Keyring, NoAccess
from wbs.vault.models import KeyGrant, RecipientListing, SigningCertificate, UserKeyPair

pytestmark = pytest.mark.django_db

SECRET = "JUDUL-RAHASIA-TINJAUAN-DUA"
CHOSEN = "sandi-pilihan-penyerang-yang-panjang"


def _reads(private_key, report) -> bool:
    """Whether any report-key grant of `report` unseals with `private_key` and opens the title."""
    for grant in KeyGrant.objects.filter(report=report, key_kind="report"):
        try:
            rk = crypto.unseal(private_key, grant.sealed_key)
        except crypto.DecryptionError:
            continue
        keyring = Keyring()
        keyring.add_report(report.pk, rk=rk)
        try:
            if SECRET in sealing.open_title(keyring, report):
                return True
        except (NoAccess, crypto.DecryptionError):
            continue
    return False


def _candidate(staff, username="verifikator.baru"):
    """A real new colleague with their own password and key pair, whose Verifikator role an
    administrator requested; pending for an Inspektur's key."""
    person = make_staff(username, [])
    accounts.add_role(person, Role.VERIFIKATOR, acting=staff["admin"])
    return person, RoleRequest.objects.get(user=person, state="pending")


def _web_login(user, password):
    """Log in through the real pages, with the user's confirmed TOTP device as stored in the
    database (a database writer reads its secret from otp_totp_totpdevice.key)."""
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1, throttling_failure_count=0)
    client = Client()
    client.post("/staf/masuk/", {"username": user.username, "password": password})
    token = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    response = client.post("/staf/masuk/kode/", {"token": f"{token:06d}"})
    assert response.status_code == 302 and response["Location"] != "/staf/masuk/"
    return client


def _run(name, *, passphrase, monkeypatch):
    monkeypatch.setattr("getpass.getpass", lambda prompt="": passphrase)
    out = io.StringIO()
    call_command(name, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def _insert_role(user, role):
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO accounts_roleassignment (user_id, role, granted_on) VALUES (%s,%s,%s)",
            [user.pk, role, "2026-01-01 00:00:00"],
        )


# --- 1. the decision is not bound to the fingerprint the Inspektur confirmed -----------------


def test_approval_is_bound_to_the_fingerprint_the_inspektur_confirmed(staff):
    """Was open. One administrator alone. The Inspektur opens *Persetujuan Peran*, and the new
    colleague reads the fingerprint shown there from their own *Akun Saya* page: it matches.
    Before the Inspektur clicks *Approve*, the administrator resets the colleague's password
    and authenticator, logs in with the temporary password, chooses a password and so gets a
    new key pair that the server binds itself. The POST of the (already checked) page carries
    nothing of what was checked: `cases.views.role_request_decide` / `roles.approve` sign the
    listing for whatever bound key pair the row holds *now*, and every report key is sealed to
    the administrator's key. (Weakness: wbs/cases/views.py role_request_decide and
    wbs/cases/roles.py approve take no fingerprint. Fix: the approval form posts the
    fingerprint shown; approve()/approve_with_recovery() refuse, and alert, when it differs from
    keys.row_fingerprint of the pair they sign for, under the same select_for_update.)"""
    before, _ = submit(title=SECRET)
    person, row = _candidate(staff)
    inspektur = login_staff(Client(), staff["inspektur"])
    confirmed = keys.row_fingerprint(UserKeyPair.objects.get(user=person))
    assert confirmed in inspektur.get("/staf/peran/").content.decode()
    # The administrator, meanwhile.
    temporary = accounts.reset_password(person, acting=staff["admin"])
    accounts.reset_totp(person, acting=staff["admin"])
    taken = Client()
    response = taken.post("/staf/masuk/", {"username": person.username, "password": temporary})
    assert response["Location"] == "/staf/masuk/sandi-baru/"
    taken.post("/staf/masuk/sandi-baru/", {"new1": CHOSEN, "new2": CHOSEN})
    attacker_private = keys.unlock(person, CHOSEN).private_key
    # The Inspektur clicks Approve on the page they checked, for the fingerprint they checked.
    inspektur.post(f"/staf/peran/{row.pk}/", {"decision": "approve", "fingerprint": confirmed})
    after, _ = submit(title=SECRET)
    assert not _reads(attacker_private, before)
    assert not _reads(attacker_private, after)


# --- 2. a reset leaves a pending request as it was -----------------------------------------


@pytest.mark.parametrize("reset", ["password", "totp"])
def test_a_reset_turns_pending_case_role_requests_into_re_approvals(staff, reset):
    """Was open. `accounts.services.reset_password` / `reset_totp` file re-approval requests
    (relist=True, shown with the badge "again, after a reset") only for roles the person
    *holds*; a case role that was already pending before the reset stays pending as it was,
    with no badge, although the key pair it will be signed for is now one whoever reset it may
    have made (see test 1). (Weakness: wbs/accounts/services.py relist() looks at
    role_assignments only. Fix: on a reset, mark every pending key-role request relist=True — or
    deny it and file it again — so the approval screen says the fingerprint must be read anew.)"""
    person, _row = _candidate(staff)
    if reset == "password":
        accounts.reset_password(person, acting=staff["admin"])
    else:
        accounts.reset_totp(person, acting=staff["admin"])
    pending = list(RoleRequest.objects.filter(user=person, state="pending"))
    assert pending and all(r.relist for r in pending)


# --- 3. a database writer logs in as anybody; the server binds the writer's key -------------


@pytest.mark.parametrize("how", ["rewrap", "delete"])
def test_db_writer_logging_in_as_a_person_does_not_silently_rebind_their_key(staff, how):
    """Was open. Everything a log-in checks lives in the database: the password hash and the
    TOTP secret (stored in clear in otp_totp_totpdevice.key). A database writer sets the hash
    of a password of theirs and either (rewrap) writes their own private keys wrapped under it
    (the Argon2id salt/cost and the associated data are no secret), or (delete) deletes the key
    pair row. They log in through the real pages with the code computed from the stored
    secret: `keys.unlock` "self-heals" the row (rewrap), or `login.password_step` makes a new
    pair (delete) — in both cases the server writes the pepper binding for the writer's key, so
    the `security.keypair_unbound` defence (test_review_attacks #2) no longer fires, and nothing
    is alerted: the approval screen just shows a new, valid-looking fingerprint for the
    colleague's pending role. (Weakness: wbs/vault/keys.py unlock() rewrites public halves and
    binding silently; wbs/accounts/login.py password_step() re-creates a missing pair silently.
    Fix: alert `security.keypair_replaced` to the watchers whenever a log-in finds public halves
    or binding that do not match the private keys, or recreates a missing pair for an account
    that holds or awaits a key role; and bind (HMAC under the pepper) the wrapped private key
    and salt too, so a wrapped key written by SQL is refused, not adopted.)"""
    person, _row = _candidate(staff)
    login_staff(Client(), person)  # the colleague enrols their authenticator
    honest = keys.row_fingerprint(UserKeyPair.objects.get(user=person))
    User.objects.filter(pk=person.pk).update(password=make_password(CHOSEN))
    if how == "rewrap":
        public, private = crypto.new_keypair()
        verify, seed = signing.new_signing_key()
        ad = b"wbs:v1:user_private_key" + str(person.pk).encode()
        UserKeyPair.objects.filter(user=person).update(
            public_key=public, verify_key=verify, **keys.wrap(CHOSEN.encode(), private + seed, ad)
        )
    else:
        UserKeyPair.objects.filter(user=person).delete()
    _web_login(person, CHOSEN)
    pair = UserKeyPair.objects.get(user=person)
    assert keys.row_fingerprint(pair) not in (None, honest)  # the writer's key, bound by the server
    assert Alert.objects.filter(
        verb__startswith="security.", subject=person, recipient=staff["inspektur"]
    ).exists(), "the server bound a key pair the database writer made, without an alarm"
    # …and the pair bound so is a newcomer's: no listing, its request waits as a re-approval.
    assert not RecipientListing.objects.filter(user=person).exists()
    assert RoleRequest.objects.get(user=person, state="pending").relist


def test_an_honest_log_in_binds_nothing_anew_and_alerts_nothing(staff):
    """The counterpart of the test above: a person's own log-ins (first and later) keep their
    listing and raise no key-pair alert."""
    person = staff["verifikator"]
    login_staff(Client(), person)  # enrols the authenticator
    _web_login(person, PASSWORD)
    assert not Alert.objects.filter(verb="security.keypair_replaced").exists()
    assert RecipientListing.objects.filter(user=person).exists()
    assert not RoleRequest.objects.filter(user=person, state="pending").exists()


# --- 4. upgrade_vault, run again, signs every role row as the trust root ---------------------


def test_upgrade_vault_run_again_does_not_list_a_role_written_by_sql(staff, recovery, monkeypatch):
    """Was open. `manage.py upgrade_vault` tells the operators to "run again" and may be run
    at any time: it lists as the *trust root* everyone with a key-role row, without any request
    or in-person check. A database writer inserts a Verifikator row for an account whose
    password they know (any account: its key pair is bound by the server at creation or first
    log-in); the next run of the command signs it, and every new report is sealed to it.
    (Weakness: wbs/administration/management/commands/upgrade_vault.py _upgrade() lists from
    RoleAssignment rows. Fix: refuse to run once the installation is upgraded (a certificate or
    a listing exists), or list only people whose earlier listing verified / who had a decided
    RoleRequest; everyone else goes through relist().)"""
    puppet = make_staff("boneka", [])
    _insert_role(puppet, Role.VERIFIKATOR)
    with pytest.raises(CommandError, match="sudah dimutakhirkan"):
        _run("upgrade_vault", passphrase=recovery["passphrase"], monkeypatch=monkeypatch)
    report, _ = submit(title=SECRET)
    assert listings.listed_key(puppet) is None
    assert not _reads(keys.unlock(puppet, PASSWORD).private_key, report)


def test_upgrade_vault_run_again_does_not_skip_a_pending_re_approval(staff, recovery, monkeypatch):
    """Was open. An administrator resets a Verifikator's password and authenticator and logs
    in as them (a new key pair under the administrator's password); the Verifikator role waits
    for an Inspektur's re-approval with the in-person fingerprint check. A later run of
    `upgrade_vault` lists the account as the root anyway (it only relists pairs that are
    unbound or whose password was set by another), so the administrator reads every new
    report. (Same place and fix as above: a pending relist request must stay pending.)"""
    victim = staff["verifikator"]
    temporary = accounts.reset_password(victim, acting=staff["admin"])
    accounts.reset_totp(victim, acting=staff["admin"])
    taken = Client()
    taken.post("/staf/masuk/", {"username": victim.username, "password": temporary})
    taken.post("/staf/masuk/sandi-baru/", {"new1": CHOSEN, "new2": CHOSEN})
    assert RoleRequest.objects.filter(user=victim, state="pending", relist=True).exists()
    # As on an installation before ADR 0013 (no listing yet), so the command does run.
    RecipientListing.objects.all().delete()
    SigningCertificate.objects.all().delete()
    _run("upgrade_vault", passphrase=recovery["passphrase"], monkeypatch=monkeypatch)
    report, _ = submit(title=SECRET)
    assert not _reads(keys.unlock(victim, CHOSEN).private_key, report)


# --- defences that hold (not covered before) -------------------------------------------------


def test_a_pending_choose_session_reaches_no_enrolment_and_no_staff_page(staff):
    """Holds. With only a temporary password (after an administrator reset both factors), the
    half-logged-in session may choose a password and nothing else: not the enrolment page (it
    would confirm an authenticator of the attacker's before any password is chosen), the code
    page, the staff pages or the password-change page."""
    victim = staff["verifikator"]
    temporary = accounts.reset_password(victim, acting=staff["admin"])
    accounts.reset_totp(victim, acting=staff["admin"])
    c = Client()
    response = c.post("/staf/masuk/", {"username": victim.username, "password": temporary})
    assert response["Location"] == "/staf/masuk/sandi-baru/"
    for url in ("/staf/masuk/daftar-2fa/", "/staf/", "/staf/kotak-masuk/", "/staf/akun/sandi/"):
        response = c.get(url)
        assert response.status_code == 302, url
        assert response["Location"] in ("/staf/masuk/", "/staf/masuk/sandi-baru/"), url
    c.post("/staf/masuk/daftar-2fa/", {"token": "000000"})
    assert not TOTPDevice.objects.filter(user=victim).exists()
    victim.refresh_from_db()
    assert victim.password_set_by_other and not UserKeyPair.objects.filter(user=victim).exists()


def test_an_inspektur_cannot_approve_a_key_role_of_their_own(staff):
    """Holds. An administrator requests a further key role for the Inspektur; the Inspektur's
    own *Approve with my key* is refused by decide_role_request, and no listing is signed."""
    inspektur = staff["inspektur"]
    accounts.add_role(inspektur, Role.VERIFIKATOR, acting=staff["admin"])
    row = RoleRequest.objects.get(user=inspektur, role=Role.VERIFIKATOR, state="pending")
    client = login_staff(Client(), inspektur)
    client.post(f"/staf/peran/{row.pk}/", {"decision": "approve"})
    row.refresh_from_db()
    assert row.state == "pending"
    assert not inspektur.role_assignments.filter(role=Role.VERIFIKATOR).exists()


def test_approval_for_a_deactivated_or_reactivated_but_unseen_person_is_refused(staff):
    """Holds. A colleague with a pending key role is switched off (key pair gone), then on again
    by the administrator; until they log in themselves there is no key pair to sign for, so the
    Inspektur's approval is refused and nothing is listed."""
    person, row = _candidate(staff)
    admin = staff["admin"]
    User.objects.filter(pk=person.pk).update(is_active=False)
    accounts.deactivated(person, acting=admin)
    with pytest.raises(roles.ApprovalError):
        roles.approve(
            row,
            staff["inspektur"],
            keyring_of(staff["inspektur"]),
            fingerprint=fingerprint_of(person),
        )
    User.objects.filter(pk=person.pk).update(is_active=True)
    accounts.reactivated(person, acting=admin)
    with pytest.raises(roles.ApprovalError):
        roles.approve(
            row,
            staff["inspektur"],
            keyring_of(staff["inspektur"]),
            fingerprint=fingerprint_of(person),
        )
    assert not RecipientListing.objects.filter(user=person).exists()

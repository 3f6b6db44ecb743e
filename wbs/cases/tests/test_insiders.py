"""The insider matrix of issue 8 (ADR 0013). Each row is an attack by someone inside the
organisation; after it, the attacker tries to read the text of a report filed *before* the
attack, of one filed *after* it, and the identity of a confidential report — by their keyring
and through every page they can reach — and must fail: nothing decrypted, the attempt audited
or alerted. The positive paths close the file: a Verifikator approved by an Inspektur reads at
once; an identity released by two custodians opens for the requester only."""

import io
import re
import zipfile

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import PASSWORD, fingerprint_of, login_staff, make_staff
from wbs.accounts import services as accounts
from wbs.accounts.models import Alert, Role, RoleAssignment, RoleRequest, User
from wbs.audit.models import AuditEvent
from wbs.cases import identity, sealing
from wbs.cases.models import Report
from wbs.cases.recipients import NotAccepting
from wbs.cases.tests.helpers import (
    approve_identity,
    assign,
    confidential_report,
    identity_request,
    keyring_of,
)
from wbs.intake.tests.factories import submit
from wbs.vault import crypto, keys, listings, recovery, shares, signing
from wbs.vault.keyring import Keyring, NoAccess
from wbs.vault.models import (
    KeyGrant,
    RecipientListing,
    RecoveryKey,
    SigningCertificate,
    UserKeyPair,
)

pytestmark = pytest.mark.django_db

BEFORE = "TEKS-SEBELUM-SERANGAN-Q1"
AFTER = "TEKS-SESUDAH-SERANGAN-Q2"
NAME = "NAMA-PELAPOR-RAHASIA-Q3"
CHOSEN = "sandi-pilihan-penyerang-panjang"


@pytest.fixture
def before(staff):
    """A report and a confidential report filed before the attack."""
    report, _ = submit(title=BEFORE)
    secret = confidential_report(title=BEFORE, name=NAME, with_file=False)
    return {"report": report, "confidential": secret}


def filed_after():
    report, _ = submit(title=AFTER)
    secret = confidential_report(title=AFTER, name=NAME, with_file=False)
    return {"report": report, "confidential": secret}


def _keyring(user, password):
    unlocked = keys.unlock(user, password)
    if unlocked is None:
        return Keyring(user_id=user.pk)
    return Keyring(
        user_id=user.pk, private_key=unlocked.private_key, signing_key=unlocked.signing_key
    )


def opens_identity(user, password, report) -> bool:
    """Whether `user` opens the report's identity: with their own keys, or as a requester."""
    keyring = _keyring(user, password)
    try:
        if sealing.open_identity(keyring, report) is not None:  # None: an anonymous report
            return True
    except (NoAccess, crypto.DecryptionError, ValueError):
        pass
    try:
        identity.open_identity(keyring, report, user)
    except identity.IdentityError:
        return False
    return True


def decrypts_anything(user, password, *cases) -> bool:
    """Whether `user`'s own keys open any title or identity of the given reports."""
    keyring = _keyring(user, password)
    for case in cases:
        for report in case.values():
            try:
                sealing.open_title(keyring, report)
                return True
            except (NoAccess, crypto.DecryptionError):
                pass
            if opens_identity(user, password, report):
                return True
    return False


def web_client(user, password):
    """Log in through the real pages: a password set by somebody else is replaced by one the
    attacker chooses, and an authenticator of the attacker's is enrolled if there is none."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="penyerang", confirmed=True)
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1, throttling_failure_count=0)
    client = Client(raise_request_exception=False)
    response = client.post("/staf/masuk/", {"username": user.username, "password": password})
    if response.get("Location") == "/staf/masuk/sandi-baru/":
        client.post("/staf/masuk/sandi-baru/", {"new1": CHOSEN, "new2": CHOSEN})
        password = CHOSEN
    token = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    response = client.post("/staf/masuk/kode/", {"token": f"{token:06d}"})
    assert response.status_code == 302, response.content[:300]
    user.refresh_from_db()
    return client, password


def pages_show_anything(client, *cases) -> bool:
    """Whether any page the client reaches shows a marker: the inbox, the case pages, the
    identity view, the downloads of documents."""
    bodies = [client.get(reverse("cases:inbox")).content, client.get("/staf/").content]
    for case in cases:
        for report in case.values():
            number = report.registration_number
            bodies.append(client.get(reverse("cases:case", args=[number])).content)
            bodies.append(client.post(reverse("cases:identity_view", args=[number])).content)
    text = b"\n".join(bodies).decode(errors="replace")
    return any(marker in text for marker in (BEFORE, AFTER, NAME))


def assert_reads_nothing(user, password, before, after):
    assert not decrypts_anything(user, password, before, after)
    client, password = web_client(user, password)
    assert not pages_show_anything(client, before, after)
    assert not decrypts_anything(user, password, before, after)


# --- (a) one administrator: every screen, the Django admin, every command ---------------------


ADMIN_PAGES = [
    "/staf/administrasi/",
    "/staf/administrasi/pengguna/",
    "/staf/administrasi/pengaturan/",
    "/staf/administrasi/retensi/",
    "/staf/administrasi/kesehatan/",
    "/staf/administrasi/hari-libur/",
    "/staf/audit/",
    "/staf/admin/",
]


def test_a_one_administrator_reads_nothing_anywhere(staff, before, tmp_path):
    admin = staff["admin"]
    client = login_staff(Client(raise_request_exception=False), admin)
    # Every screen of theirs, the Django admin's every page, the audit trail.
    pages = list(ADMIN_PAGES)
    index = client.get("/staf/admin/").content.decode()
    pages += sorted(set(re.findall(r'href="(/staf/admin/[a-z_]+/[a-z_]+/)"', index)))
    for url in pages:
        body = client.get(url).content.decode(errors="replace")
        assert BEFORE not in body and NAME not in body, url
    # No page of the Django admin for accounts, roles, keys or listings.
    for url in (
        "accounts/user/",
        "accounts/roleassignment/",
        "vault/keygrant/",
        "vault/recipientlisting/",
        "vault/userkeypair/",
        "vault/signingcertificate/",
    ):
        assert client.get(f"/staf/admin/{url}").status_code == 404
    # The role screens refuse them a case role for themself, by every route.
    for role in sorted(accounts.CASE_ROLES):
        client.post(f"/staf/administrasi/pengguna/{admin.pk}/peran/", {"role": role})
    assert set(admin.role_assignments.values_list("role", flat=True)) == {Role.ADMIN}
    assert not RoleRequest.objects.filter(user=admin).exists()
    # The commands an administrator runs hold no key: their output has no plaintext.
    out = tmp_path / "register.xlsx"
    call_command(
        "export_register",
        "--from",
        "2000-01-01",
        "--to",
        "2100-01-01",
        "--output",
        str(out),
        stdout=io.StringIO(),
    )
    with zipfile.ZipFile(out) as book:
        cells = b"".join(book.read(n) for n in book.namelist())
    assert BEFORE.encode() not in cells and NAME.encode() not in cells
    call_command("backup", output=str(tmp_path / "b"), stdout=io.StringIO())
    dump = b"".join(p.read_bytes() for p in (tmp_path / "b").rglob("*") if p.is_file())
    assert BEFORE.encode() not in dump and NAME.encode() not in dump
    after = filed_after()
    assert_reads_nothing(admin, PASSWORD, before, after)


def test_a_administrator_creates_a_verifikator_and_logs_in_as_them(staff, before):
    """The classic route: a new account with a case role, whose temporary password the
    administrator saw. The role waits for an Inspektur; the account holds no key."""
    admin = staff["admin"]
    client = login_staff(Client(), admin)
    page = client.post(
        "/staf/administrasi/pengguna/baru/",
        {"username": "boneka", "full_name": "Boneka", "roles": [Role.VERIFIKATOR], "wilayah": ""},
    ).content.decode()
    temporary = re.search(r'<p class="big-code">(.*?)</p>', page).group(1)
    puppet = User.objects.get(username="boneka")
    after = filed_after()
    assert_reads_nothing(puppet, temporary, before, after)
    assert RoleRequest.objects.get(user=puppet).decider == "inspektur"
    assert Alert.objects.filter(verb="role.requested", recipient=staff["inspektur"]).exists()


# --- (b) two administrators together ---------------------------------------------------------


def test_b_two_administrators_colluding_read_nothing(staff, before):
    first = staff["admin"]
    second = make_staff("admin2", [Role.ADMIN])
    c1, c2 = login_staff(Client(), first), login_staff(Client(), second)
    # Each approves what the other asks; neither can give a case role to anyone.
    c1.post(
        "/staf/administrasi/pengguna/baru/",
        {"username": "kaki", "full_name": "Kaki", "roles": [Role.VERIFIKATOR], "wilayah": ""},
    )
    puppet = User.objects.get(username="kaki")
    row = RoleRequest.objects.get(user=puppet)
    assert (
        c2.post(
            f"/staf/administrasi/permintaan-peran/{row.pk}/", {"decision": "approve"}
        ).status_code
        == 404
    )
    c2.post(f"/staf/administrasi/pengguna/{first.pk}/peran/", {"role": Role.VERIFIKATOR})
    c1.post(f"/staf/administrasi/pengguna/{second.pk}/peran/", {"role": Role.INSPEKTUR})
    assert not RoleAssignment.objects.filter(
        user__in=[first, second], role__in=sorted(accounts.CASE_ROLES)
    ).exists()
    # …nor reset a Verifikator and split the work (one resets, the other logs in).
    temporary = accounts.reset_password(staff["verifikator"], acting=first)
    after = filed_after()
    for person, password in ((first, PASSWORD), (second, PASSWORD), (puppet, "x")):
        assert not decrypts_anything(person, password, before, after)
    assert_reads_nothing(staff["verifikator"], temporary, before, after)


# --- (c) a database writer --------------------------------------------------------------------


def test_c_rows_written_by_sql_give_no_key(staff, before):
    """Role, listing, certificate and grant rows inserted directly, then a log-in."""
    writer = make_staff("penulis.sql", [])
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {RoleAssignment._meta.db_table} (user_id, role, granted_on) "  # noqa: S608
            "VALUES (%s, %s, %s)",
            [writer.pk, Role.VERIFIKATOR, "2026-01-05 08:00:00"],
        )
    writer = User.objects.get(pk=writer.pk)
    genuine = RecipientListing.objects.filter(scope=listings.ALL).first()
    # A listing with a signature copied from a real one, and one signed by the writer's own key.
    RecipientListing.objects.create(
        user=writer,
        scope=listings.ALL,
        public_key=writer.keypair.public_key,
        signer=genuine.signer,
        signature=genuine.signature,
    )
    seed = keys.unlock(writer, PASSWORD).signing_key
    SigningCertificate.objects.create(
        user=writer, verify_key=signing.verify_key_of(seed), signature=b"\1" * 64
    )
    RecipientListing.objects.create(
        user=writer,
        scope=listings.HANDLER,
        public_key=writer.keypair.public_key,
        signer=signing.verify_key_of(seed).hex(),
        signature=signing.sign(
            seed,
            listings.LISTING,
            {
                "user": writer.pk,
                "public_key": bytes(writer.keypair.public_key).hex(),
                "scope": listings.HANDLER,
                "signer": signing.verify_key_of(seed).hex(),
            },
        ),
    )
    # A grant row copied from the Verifikator's (sealed to their key, not the writer's).
    theirs = KeyGrant.objects.filter(user=staff["verifikator"], key_kind="report").first()
    KeyGrant.objects.filter(pk=theirs.pk).update(user=writer)
    after = filed_after()
    assert not KeyGrant.objects.filter(report__in=after.values(), user=writer).exists()
    assert_reads_nothing(writer, PASSWORD, before, after)
    assert AuditEvent.objects.filter(verb="security.listing_invalid").exists()
    assert Alert.objects.filter(verb="security.listing_invalid", recipient=staff["pj"]).exists()


def test_c_a_recovery_key_swapped_by_sql_verifies_nothing(staff, before):
    """The writer replaces the recovery key (and so the trust root) with one of their own and
    signs a listing for themself: the pinned fingerprint does not match, nothing verifies, and
    no new report is accepted at all (its copy would go to the writer's recovery key)."""
    writer = make_staff("penulis.sql", [Role.VERIFIKATOR])
    RecoveryKey.objects.update(active=False)
    key, passphrase = recovery.create_recovery_key()
    opened = recovery.open_root(passphrase, key)
    listings.list_by_root(opened.signing_key, writer, listings.ALL)
    with pytest.raises(NotAccepting):
        filed_after()
    assert Report.objects.count() == 2  # the two filed before
    assert_reads_nothing(writer, PASSWORD, before, {})
    assert AuditEvent.objects.filter(verb="security.trust_root_invalid").exists()


def test_c_a_public_key_swapped_under_a_listing_receives_nothing(staff, before):
    """The writer puts their own public key into a listed Verifikator's key-pair row."""
    writer = make_staff("penulis.sql", [])
    UserKeyPair.objects.filter(user=staff["verifikator"]).update(
        public_key=writer.keypair.public_key
    )
    after = filed_after()
    assert not KeyGrant.objects.filter(report__in=after.values(), user=staff["verifikator"])
    assert not decrypts_anything(writer, PASSWORD, before, after)
    assert AuditEvent.objects.filter(verb="security.listing_invalid").exists()


# --- (d) an administrator resets a Verifikator's password and logs in as them -------------------


def test_d_reset_and_log_in_as_the_verifikator(staff, before):
    victim = staff["verifikator"]
    temporary = accounts.reset_password(victim, acting=staff["admin"])
    accounts.reset_totp(victim, acting=staff["admin"])
    after = filed_after()
    assert_reads_nothing(victim, temporary, before, after)
    for verb in ("user.password_reset", "user.totp_reset"):
        assert Alert.objects.filter(verb=verb, recipient=staff["inspektur"]).exists()
    assert RoleRequest.objects.get(user=victim, state="pending").relist


# --- (e) one Inspektur alone asks for an identity ---------------------------------------------


def test_e_one_inspektur_alone_opens_no_identity(staff, before):
    inspektur = staff["inspektur"]
    secret = before["confidential"]
    row = identity_request(secret, inspektur)
    with pytest.raises(identity.IdentityError):
        identity.decide(keyring_of(inspektur), row, inspektur, approve=True, reason="x")
    client = login_staff(Client(), inspektur)
    client.post(
        reverse("cases:identity_decide", args=[row.pk]),
        {"decision": "approve", "reason": "Sendiri."},
    )
    response = client.post(reverse("cases:identity_view", args=[secret.registration_number]))
    assert response.status_code == 404 and NAME.encode() not in response.content
    with pytest.raises(NoAccess):  # their own share of it opens nothing either
        sealing.open_identity(keyring_of(inspektur), secret)
    assert AuditEvent.objects.filter(verb="identity.requested", actor=inspektur).exists()


# --- (f) one custodian approves their own request ---------------------------------------------


def test_f_a_custodian_cannot_approve_their_own_request(staff, before):
    pj = staff["pj"]  # a custodian; made a handler of the report for this test
    inspektur = staff["inspektur"]
    secret = before["confidential"]
    row = identity_request(secret, inspektur)
    approve_identity(row, [pj])  # one other custodian: not enough
    with pytest.raises(identity.IdentityError):
        identity.decide(keyring_of(inspektur), row, inspektur, approve=True, reason="x")
    row.refresh_from_db()
    assert row.state == "pending"
    assert not opens_identity(inspektur, PASSWORD, secret)


# --- (g) a handler replays an old approval ----------------------------------------------------


def test_g_an_old_approval_opens_nothing_for_another_request_or_person(staff, before):
    secret = before["confidential"]
    assign(secret, staff["penelaah"], staff)
    first = approve_identity(
        identity_request(secret, staff["verifikator"]), [staff["pj"], staff["custodian"]]
    )
    released = [bytes(d.released_share) for d in first.decisions.all()]
    # The Penelaah files their own request and offers the Verifikator's released shares.
    second = identity_request(secret, staff["penelaah"])
    with pytest.raises(shares.ShareError):
        shares.combine(keyring_of(staff["penelaah"]), secret, second.pk, released)
    # A database writer copies the approvals onto the second request: they are sealed to the
    # Verifikator, so the Penelaah's key does not open them.
    for decision in first.decisions.all():
        decision.pk, decision.request = None, second
        decision.save()
    second.__class__.objects.filter(pk=second.pk).update(state="approved")
    assert not opens_identity(staff["penelaah"], PASSWORD, secret)
    # The Verifikator's approval was for them: once handed off, they lose the page.
    first.__class__.objects.filter(pk=first.pk).update(requester=staff["penelaah_other"])
    client = login_staff(Client(), staff["penelaah_other"])
    response = client.post(reverse("cases:identity_view", args=[secret.registration_number]))
    assert response.status_code == 404 and NAME.encode() not in response.content


# --- the positive paths ------------------------------------------------------------------------


def test_a_verifikator_approved_by_an_inspektur_reads_at_once(staff, before):
    person = make_staff("verifikator.baru", [])
    accounts.add_role(person, Role.VERIFIKATOR, acting=staff["admin"])
    row = RoleRequest.objects.get(user=person)
    client = login_staff(Client(), staff["inspektur"])
    client.post(
        f"/staf/peran/{row.pk}/", {"decision": "approve", "fingerprint": fingerprint_of(person)}
    )
    keyring = keyring_of(person)
    assert sealing.open_title(keyring, before["report"]) == BEFORE
    page = login_staff(Client(), person).get(
        reverse("cases:case", args=[before["report"].registration_number])
    )
    assert BEFORE.encode() in page.content
    with pytest.raises(NoAccess):
        sealing.open_identity(keyring, before["confidential"])


def test_an_identity_released_by_two_custodians_opens_for_the_requester_only(staff, before):
    secret = before["confidential"]
    approve_identity(
        identity_request(secret, staff["verifikator"]), [staff["pj"], staff["custodian"]]
    )
    client = login_staff(Client(), staff["verifikator"])
    response = client.post(reverse("cases:identity_view", args=[secret.registration_number]))
    assert NAME.encode() in response.content
    for persona in ("inspektur", "pj", "custodian", "penelaah", "admin"):
        assert not opens_identity(staff[persona], PASSWORD, secret), persona

"""Roles (ADR 0013). Separation of duties: the Administrator role never goes with a case role
(the services, the form and a database trigger refuse it). Who decides: a second administrator
for the Administrator role; an Inspektur with their certified key for the other case roles; the
trust root (the recovery passphrase) for an Inspektur; nobody for a Pembina. A password set by
somebody else is replaced at the first log-in, and only then is a key pair made. Every change is
audited and alerted to the Inspekturs and custodians."""

import contextlib
import re

import pytest
from django.db import IntegrityError, connection, transaction
from django.test import Client

from conftest import PASSWORD, fingerprint_of, login_staff, make_staff
from wbs.accounts import services as accounts
from wbs.accounts.models import Alert, Role, RoleAssignment, RoleRequest, User
from wbs.audit.models import AuditEvent
from wbs.cases import roles, sealing
from wbs.cases.tests.helpers import keyring_of
from wbs.intake.tests.factories import submit
from wbs.vault import keys, listings
from wbs.vault.crypto import DecryptionError
from wbs.vault.keyring import Keyring, NoAccess
from wbs.vault.models import KeyGrant, RecipientListing, SigningCertificate, UserKeyPair

pytestmark = pytest.mark.django_db
A = "/staf/administrasi/"
NEW_PASSWORD = "sandi-pilihan-sendiri-yang-panjang"


@pytest.fixture
def admins(staff):
    return staff["admin"], make_staff("admin2", [Role.ADMIN])


@pytest.fixture
def report(staff):
    report, _receipt = submit(title="JUDUL-PEMULIHAN-K3")
    return report


def _holds(user, role) -> bool:
    """Read from the database (User.roles is cached on the instance)."""
    return RoleAssignment.objects.filter(user=user, role=role).exists()


def _events(verb, user=None):
    events = AuditEvent.objects.filter(verb=verb)
    if user is not None:
        events = events.filter(target_id=str(user.pk))
    return events


def _newcomer(username="pendatang", **kwargs):
    """A staff member who has logged in with their own password (key pair, no role)."""
    return make_staff(username, [], **kwargs)


def _keyring(user, password):
    return Keyring(user_id=user.pk, private_key=keys.unlock_private_key(user, password))


def _choose_password(user, temporary, new=NEW_PASSWORD):
    """The first log-in after a password somebody else set, through the real pages."""
    client = Client()
    response = client.post("/staf/masuk/", {"username": user.username, "password": temporary})
    assert response.status_code == 302 and response["Location"] == "/staf/masuk/sandi-baru/"
    response = client.post("/staf/masuk/sandi-baru/", {"new1": new, "new2": new})
    assert response.status_code == 302, response.content[:400]
    user.refresh_from_db()
    return client


# --- separation of duties ---------------------------------------------------------------------


@pytest.mark.parametrize("role", sorted(accounts.CASE_ROLES))
def test_an_administrator_is_refused_every_case_role(admins, role):
    admin, second = admins
    with pytest.raises(accounts.RoleError):
        accounts.add_role(second, role, acting=admin)
    assert not _holds(second, role) and not RoleRequest.objects.filter(user=second).exists()


def test_a_case_handler_is_refused_the_administrator_role(staff):
    with pytest.raises(accounts.RoleError):
        accounts.add_role(staff["verifikator"], Role.ADMIN, acting=staff["admin"])
    assert not _holds(staff["verifikator"], Role.ADMIN)


def test_a_pending_case_role_blocks_the_administrator_role(staff):
    person = _newcomer()
    assert accounts.add_role(person, Role.VERIFIKATOR, acting=staff["admin"]) == "requested"
    with pytest.raises(accounts.RoleError):
        accounts.add_role(person, Role.ADMIN, acting=staff["admin"])


def test_create_staff_user_refuses_both_kinds(palembang):
    with pytest.raises(accounts.RoleError):
        accounts.create_staff_user(
            username="dua", password=PASSWORD, roles=[Role.ADMIN, Role.INSPEKTUR]
        )


@pytest.mark.parametrize(("first", "second"), [("admin", "verifikator"), ("kustodian", "admin")])
def test_the_database_refuses_both_kinds_written_by_sql(staff, first, second):
    """An administrator with SQL access cannot give themself a case role either: a trigger
    (SQLite and PostgreSQL) refuses the row."""
    person = _newcomer()
    table = RoleAssignment._meta.db_table
    insert = f"INSERT INTO {table} (user_id, role, granted_on) VALUES (%s, %s, %s)"  # noqa: S608
    now = "2026-01-05 08:00:00"
    with connection.cursor() as cursor:
        cursor.execute(insert, [person.pk, first, now])
        with pytest.raises(IntegrityError), transaction.atomic():
            cursor.execute(insert, [person.pk, second, now])
    assert list(person.role_assignments.values_list("role", flat=True)) == [first]


# --- the Administrator role: a second administrator decides -----------------------------------


def test_the_first_administrator_is_given_directly(palembang):
    person = accounts.create_staff_user(username="pertama", password=PASSWORD, roles=[])
    assert accounts.add_role(person, Role.ADMIN, acting=None) == "added"


def test_a_further_administrator_waits_for_a_second_one(admins, staff):
    admin, second = admins
    person = _newcomer()
    assert accounts.add_role(person, Role.ADMIN, acting=admin) == "requested"
    row = RoleRequest.objects.get(user=person)
    assert row.decider == "admin" and not _holds(person, Role.ADMIN)
    with pytest.raises(accounts.RoleError):
        accounts.decide_role_request(row, acting=admin, approve=True)  # the requester
    with pytest.raises(accounts.RoleError):
        accounts.decide_role_request(row, acting=person, approve=True)  # the recipient
    accounts.decide_role_request(row, acting=second, approve=True)
    assert _holds(person, Role.ADMIN)
    assert _events("role.approved", person).get().actor == second


def test_a_decided_request_cannot_be_decided_again(admins):
    admin, second = admins
    person = _newcomer()
    accounts.add_role(person, Role.ADMIN, acting=admin)
    row = RoleRequest.objects.get(user=person)
    accounts.decide_role_request(row, acting=second, approve=False)
    with pytest.raises(accounts.RoleError):
        accounts.decide_role_request(row, acting=second, approve=True)
    assert not _holds(person, Role.ADMIN) and _events("role.denied", person).count() == 1


def test_the_same_admin_cannot_approve_through_the_screen(admins):
    admin, second = admins
    person = _newcomer()
    client = login_staff(Client(), admin)
    client.post(f"{A}pengguna/{person.pk}/peran/", {"role": Role.ADMIN})
    row = RoleRequest.objects.get(user=person)
    response = client.post(f"{A}permintaan-peran/{row.pk}/", {"decision": "approve"}, follow=True)
    row.refresh_from_db()
    assert row.state == "pending" and not _holds(person, Role.ADMIN)
    assert list(response.context["messages"])  # the refusal is explained
    login_staff(Client(), second).post(f"{A}permintaan-peran/{row.pk}/", {"decision": "approve"})
    assert _holds(person, Role.ADMIN)


def test_administrators_cannot_decide_a_case_role_through_their_screen(admins):
    admin, second = admins
    person = _newcomer()
    accounts.add_role(person, Role.VERIFIKATOR, acting=admin)
    row = RoleRequest.objects.get(user=person)
    response = login_staff(Client(), second).post(
        f"{A}permintaan-peran/{row.pk}/", {"decision": "approve"}
    )
    assert response.status_code == 404
    row.refresh_from_db()
    assert row.state == "pending" and not _holds(person, Role.VERIFIKATOR)


def test_pending_requests_are_listed_with_their_decider(admins):
    admin, second = admins
    person = _newcomer()
    accounts.add_role(person, Role.ADMIN, acting=admin)
    other = _newcomer("pendatang2")
    accounts.add_role(other, Role.VERIFIKATOR, acting=admin)
    html = login_staff(Client(), second).get(f"{A}pengguna/").content.decode()
    admin_row = RoleRequest.objects.get(user=person)
    case_row = RoleRequest.objects.get(user=other)
    assert f"{A}permintaan-peran/{admin_row.pk}/" in html
    assert f"{A}permintaan-peran/{case_row.pk}/" not in html
    assert "persetujuan Inspektur" in html


# --- case roles: an Inspektur approves with their key -----------------------------------------


def test_a_case_role_is_a_request_for_an_inspektur(staff):
    person = _newcomer()
    assert accounts.add_role(person, Role.VERIFIKATOR, acting=staff["admin"]) == "requested"
    row = RoleRequest.objects.get(user=person)
    assert row.decider == "inspektur" and not _holds(person, Role.VERIFIKATOR)
    assert _events("role.requested", person).count() == 1


def test_a_repeated_request_is_not_duplicated(staff):
    person = _newcomer()
    accounts.add_role(person, Role.VERIFIKATOR, acting=staff["admin"])
    accounts.add_role(person, Role.VERIFIKATOR, acting=staff["admin"])
    assert RoleRequest.objects.filter(user=person).count() == 1


def test_an_inspektur_approval_lists_the_person_and_seals_open_reports(staff, report):
    person = _newcomer()
    accounts.add_role(person, Role.VERIFIKATOR, acting=staff["admin"])
    row = RoleRequest.objects.get(user=person)
    inspektur = staff["inspektur"]
    keyring = keyring_of(inspektur)
    sealed, missing = roles.approve(row, inspektur, keyring, fingerprint=fingerprint_of(row.user))
    assert (sealed, missing) == (1, 0)
    assert _holds(person, Role.VERIFIKATOR)
    assert listings.listed_key(person, [listings.ALL]) == bytes(person.keypair.public_key)
    assert sealing.open_title(keyring_of(person), report) == "JUDUL-PEMULIHAN-K3"
    # …and from now on the new person receives every new report.
    later, _ = submit(title="LAPORAN-BERIKUTNYA")
    assert sealing.open_title(keyring_of(person), later) == "LAPORAN-BERIKUTNYA"


def test_an_approved_penelaah_receives_only_reports_handed_to_them(staff, report):
    from wbs.directory.models import Wilayah

    person = _newcomer(wilayah=Wilayah.objects.get(code="irban-3"))
    accounts.add_role(person, Role.PENELAAH, acting=staff["admin"])
    sealed, _missing = roles.approve(
        RoleRequest.objects.get(user=person),
        staff["inspektur"],
        keyring_of(staff["inspektur"]),
        fingerprint=fingerprint_of(RoleRequest.objects.get(user=person).user),
    )
    assert sealed == 0
    assert listings.listed_key(person, [listings.HANDLER]) is not None
    assert listings.listed_key(person, [listings.ALL]) is None
    with pytest.raises(NoAccess):
        sealing.open_title(keyring_of(person), submit()[0])


def test_the_web_approval_by_an_inspektur(staff, report):
    person = _newcomer()
    accounts.add_role(person, Role.CUSTODIAN, acting=staff["admin"])
    row = RoleRequest.objects.get(user=person)
    client = login_staff(Client(), staff["inspektur"])
    page = client.get("/staf/peran/").content.decode()
    assert person.username in page and fingerprint_of(person) in page
    response = client.post(
        f"/staf/peran/{row.pk}/",
        {"decision": "approve", "fingerprint": fingerprint_of(person)},
        follow=True,
    )
    assert response.status_code == 200
    assert _holds(person, Role.CUSTODIAN)
    assert listings.listed_key(person, [listings.CUSTODIAN]) is not None
    # The custodian receives a share of the next confidential report's identity key.
    from wbs.cases.tests.helpers import confidential_report

    confidential = confidential_report(with_file=False)
    assert KeyGrant.objects.filter(report=confidential, user=person, key_kind="share").exists()


def test_an_inspektur_cannot_approve_a_role_for_themself(staff):
    inspektur = staff["inspektur"]
    RoleRequest.objects.create(
        user=inspektur, role=Role.VERIFIKATOR, requested_by=staff["admin"], decider="inspektur"
    )
    row = RoleRequest.objects.get(user=inspektur, state="pending")
    with pytest.raises(accounts.RoleError):
        roles.approve(row, inspektur, keyring_of(inspektur), fingerprint=fingerprint_of(row.user))
    assert not _holds(inspektur, Role.VERIFIKATOR)


def test_an_uncertified_inspektur_approves_nothing(staff):
    """An Inspektur role written by set-up code or SQL, without the root's certificate: the
    approval fails and nothing changes (no role, no listing, no key)."""
    fake = make_staff("inspektur_palsu", [Role.INSPEKTUR])
    person = _newcomer()
    accounts.add_role(person, Role.VERIFIKATOR, acting=staff["admin"])
    row = RoleRequest.objects.get(user=person)
    with pytest.raises(roles.ApprovalError):
        roles.approve(row, fake, keyring_of(fake), fingerprint=fingerprint_of(row.user))
    row.refresh_from_db()
    assert row.state == "pending" and not _holds(person, Role.VERIFIKATOR)
    assert not RecipientListing.objects.filter(user=person).exists()


def test_approval_waits_until_the_person_chose_their_own_password(staff):
    page = login_staff(Client(), staff["admin"]).post(
        f"{A}pengguna/baru/",
        {"username": "baru", "full_name": "Baru", "roles": [Role.VERIFIKATOR], "wilayah": ""},
    )
    assert page.status_code == 200
    row = RoleRequest.objects.get(user__username="baru")
    with pytest.raises(roles.ApprovalError):
        roles.approve(
            row,
            staff["inspektur"],
            keyring_of(staff["inspektur"]),
            fingerprint=fingerprint_of(row.user),
        )
    row.refresh_from_db()
    assert row.state == "pending"


def test_a_pembina_is_given_directly(staff):
    person = _newcomer()
    assert accounts.add_role(person, Role.PEMBINA, acting=staff["admin"]) == "added"
    assert _holds(person, Role.PEMBINA)


# --- the Inspektur role: the trust root decides -----------------------------------------------


def test_an_inspektur_role_waits_for_the_recovery_passphrase(staff, recovery):
    person = _newcomer()
    assert accounts.add_role(person, Role.INSPEKTUR, acting=staff["admin"]) == "requested"
    row = RoleRequest.objects.get(user=person)
    assert row.decider == "root"
    with pytest.raises(accounts.RoleError):  # another Inspektur cannot decide it
        roles.approve(
            row,
            staff["inspektur"],
            keyring_of(staff["inspektur"]),
            fingerprint=fingerprint_of(row.user),
        )
    with pytest.raises(roles.ApprovalError):
        roles.approve_with_recovery(
            "AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GGGG-HHHH", row, fingerprint=fingerprint_of(row.user)
        )
    assert not SigningCertificate.objects.filter(user=person).exists()
    roles.approve_with_recovery(recovery["passphrase"], row, fingerprint=fingerprint_of(row.user))
    assert _holds(person, Role.INSPEKTUR)
    assert SigningCertificate.objects.filter(user=person).exists()


def test_a_certified_inspektur_can_then_approve(staff, recovery):
    person = _newcomer()
    accounts.add_role(person, Role.INSPEKTUR, acting=staff["admin"])
    roles.approve_with_recovery(
        recovery["passphrase"],
        RoleRequest.objects.get(user=person),
        fingerprint=fingerprint_of(RoleRequest.objects.get(user=person).user),
    )
    person.refresh_from_db()
    other = _newcomer("pendatang2")
    accounts.add_role(other, Role.VERIFIKATOR, acting=staff["admin"])
    roles.approve(
        RoleRequest.objects.get(user=other),
        person,
        keyring_of(person),
        fingerprint=fingerprint_of(RoleRequest.objects.get(user=other).user),
    )
    assert listings.listed_key(other, [listings.ALL]) is not None


# --- removing roles ---------------------------------------------------------------------------


def test_removing_the_last_key_role_removes_listing_and_grants(staff, report):
    person = staff["verifikator"]
    assert accounts.remove_role(person, Role.VERIFIKATOR, acting=staff["admin"])
    assert not RecipientListing.objects.filter(user=person).exists()
    assert not KeyGrant.objects.filter(user=person).exists()
    assert _events("role.removed", person).count() == 1
    later, _ = submit()
    assert not KeyGrant.objects.filter(report=later, user=person).exists()


def test_removing_an_inspektur_voids_the_listings_they_signed(staff, recovery):
    inspektur = staff["inspektur"]
    person = _newcomer()
    accounts.add_role(person, Role.VERIFIKATOR, acting=staff["admin"])
    roles.approve(
        RoleRequest.objects.get(user=person),
        inspektur,
        keyring_of(inspektur),
        fingerprint=fingerprint_of(RoleRequest.objects.get(user=person).user),
    )
    accounts.remove_role(inspektur, Role.INSPEKTUR, acting=staff["admin"])
    assert not SigningCertificate.objects.filter(user=inspektur).exists()
    assert listings.listed_key(person) is None
    relist = RoleRequest.objects.get(user=person, state="pending")
    assert relist.relist and relist.decider == "inspektur"
    later, _ = submit()
    assert not KeyGrant.objects.filter(report=later, user=person).exists()


def test_removing_a_role_not_held_writes_nothing(staff):
    assert not accounts.remove_role(staff["pembina"], Role.PENELAAH, acting=staff["admin"])
    assert _events("role.removed").count() == 0


def test_role_form_removes_a_role(staff, as_staff):
    as_staff("admin").post(
        f"{A}pengguna/{staff['pj'].pk}/peran/", {"role": Role.PENANGGUNG_JAWAB, "remove": "1"}
    )
    assert not _holds(staff["pj"], Role.PENANGGUNG_JAWAB)


# --- lost password: the administrator's reset gives them nothing ------------------------------


def test_reset_removes_key_pair_grants_and_listings(staff, report):
    user = staff["verifikator"]
    accounts.reset_password(user, acting=staff["admin"])
    assert not UserKeyPair.objects.filter(user=user).exists()
    assert not KeyGrant.objects.filter(user=user).exists()
    assert not RecipientListing.objects.filter(user=user).exists()
    assert RoleRequest.objects.get(user=user, state="pending").relist


def test_the_temporary_password_opens_no_key(staff, report):
    """The administrator knows the temporary password: with it, the account reaches only the
    page that asks for a new password, and no key exists that it would unlock."""
    user = staff["verifikator"]
    temporary = accounts.reset_password(user, acting=staff["admin"])
    client = Client()
    response = client.post("/staf/masuk/", {"username": user.username, "password": temporary})
    assert response["Location"] == "/staf/masuk/sandi-baru/"
    assert client.get("/staf/kotak-masuk/").status_code == 302
    assert keys.unlock_private_key(user, temporary) is None


def test_the_chosen_password_makes_a_new_key_pair_with_no_key_yet(staff, report):
    user = staff["verifikator"]
    temporary = accounts.reset_password(user, acting=staff["admin"])
    _choose_password(user, temporary)
    assert not user.password_set_by_other
    assert keys.unlock_private_key(user, NEW_PASSWORD) is not None
    assert keys.unlock_private_key(user, temporary) is None
    with pytest.raises((NoAccess, DecryptionError)):
        sealing.open_title(_keyring(user, NEW_PASSWORD), report)
    later, _ = submit()
    assert not KeyGrant.objects.filter(report=later, user=user).exists()


def test_the_inspektur_relists_and_the_keys_come_back(staff, report):
    user = staff["verifikator"]
    temporary = accounts.reset_password(user, acting=staff["admin"])
    _choose_password(user, temporary)
    row = RoleRequest.objects.get(user=user, state="pending")
    roles.approve(
        row,
        staff["inspektur"],
        keyring_of(staff["inspektur"]),
        fingerprint=fingerprint_of(row.user),
    )
    assert sealing.open_title(_keyring(user, NEW_PASSWORD), report) == "JUDUL-PEMULIHAN-K3"


def test_after_reset_the_pages_open_without_keys(staff, report):
    user = staff["verifikator"]
    temporary = accounts.reset_password(user, acting=staff["admin"])
    _choose_password(user, temporary)
    client = login_staff(Client(raise_request_exception=False), user, password=NEW_PASSWORD)
    assert client.get("/staf/kotak-masuk/").status_code == 200
    assert client.get(f"/staf/laporan/{report.registration_number}/").status_code == 200


def test_log_in_after_reset_still_asks_for_totp(staff):
    user = staff["verifikator"]
    login_staff(Client(), user)  # enrols a TOTP device
    temporary = accounts.reset_password(user, acting=staff["admin"])
    client = Client()
    client.post("/staf/masuk/", {"username": user.username, "password": temporary})
    response = client.post("/staf/masuk/sandi-baru/", {"new1": NEW_PASSWORD, "new2": NEW_PASSWORD})
    assert response["Location"] == "/staf/masuk/kode/"


def test_the_chosen_password_must_differ_and_be_strong(staff):
    user = staff["pembina"]
    temporary = accounts.reset_password(user, acting=staff["admin"])
    client = Client()
    client.post("/staf/masuk/", {"username": user.username, "password": temporary})
    response = client.post("/staf/masuk/sandi-baru/", {"new1": temporary, "new2": temporary})
    assert response.status_code == 400 and response.context["form"].errors
    response = client.post("/staf/masuk/sandi-baru/", {"new1": "pendek", "new2": "pendek"})
    assert response.status_code == 400 and response.context["form"].errors
    user.refresh_from_db()
    assert user.password_set_by_other


def test_reset_password_screen_shows_a_temporary_password(staff, as_staff):
    response = as_staff("admin").post(f"{A}pengguna/{staff['pj'].pk}/reset-sandi/")
    assert response.status_code == 200 and b'class="big-code"' in response.content


def test_reset_password_ends_the_users_sessions(staff, as_staff):
    victim = as_staff("pj")
    as_staff("admin").post(f"{A}pengguna/{staff['pj'].pk}/reset-sandi/")
    assert victim.get("/staf/dasbor/").status_code == 302


def test_reset_totp_removes_devices_grants_and_listings(staff, as_staff, report):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    as_staff("verifikator")
    accounts.reset_totp(staff["verifikator"], acting=staff["admin"])
    assert not TOTPDevice.objects.filter(user=staff["verifikator"]).exists()
    assert not KeyGrant.objects.filter(user=staff["verifikator"]).exists()
    assert listings.listed_key(staff["verifikator"]) is None
    assert _events("user.totp_reset", staff["verifikator"]).count() == 1


def test_end_sessions_logs_the_user_out(staff, as_staff):
    victim = as_staff("pj")
    as_staff("admin").post(f"{A}pengguna/{staff['pj'].pk}/akhiri-sesi/")
    assert victim.get("/staf/dasbor/").status_code == 302
    assert _events("user.sessions_ended", staff["pj"]).count() == 1


# --- alerts -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("action", "verb"),
    [
        (
            lambda s: accounts.reset_password(s["verifikator"], acting=s["admin"]),
            "user.password_reset",
        ),
        (lambda s: accounts.reset_totp(s["verifikator"], acting=s["admin"]), "user.totp_reset"),
        (lambda s: accounts.add_role(s["pembina"], Role.PENELAAH, acting=s["admin"]), None),
        (
            lambda s: accounts.remove_role(s["pj"], Role.PENANGGUNG_JAWAB, acting=s["admin"]),
            "role.removed",
        ),
    ],
    ids=["password", "totp", "refused-role", "removed-role"],
)
def test_key_relevant_changes_alert_inspektur_and_custodians(staff, action, verb):
    Alert.objects.all().delete()  # the personas' own approvals
    with contextlib.suppress(accounts.RoleError):
        action(staff)
    if verb is None:
        assert not Alert.objects.exists()
        return
    for persona in ("inspektur", "pj", "custodian"):
        assert Alert.objects.filter(recipient=staff[persona], verb=verb).count() == 1
    assert not Alert.objects.filter(recipient=staff["admin"]).exists()


def test_alerts_page_lists_and_acknowledges(staff):
    accounts.reset_password(staff["verifikator"], acting=staff["admin"])
    client = login_staff(Client(), staff["custodian"])
    page = client.get("/staf/pemberitahuan/").content.decode()
    assert "Verifikator" in page and "Admin" in page
    assert "/staf/pemberitahuan/" in client.get("/staf/identitas/").content.decode()
    client.post("/staf/pemberitahuan/")
    assert not Alert.objects.filter(recipient=staff["custodian"], acknowledged_at=None).exists()
    assert Alert.objects.filter(recipient=staff["inspektur"], acknowledged_at=None).exists()


def test_alerts_page_is_for_watchers_only(staff):
    for persona in ("admin", "verifikator", "pembina"):
        assert login_staff(Client(), staff[persona]).get("/staf/pemberitahuan/").status_code == 403


# --- re-issue from the recovery key -----------------------------------------------------------


def test_regrant_reaches_only_a_listed_person(staff, recovery, report):
    from wbs.vault import recovery as recovery_keys

    user = staff["verifikator"]
    temporary = accounts.reset_password(user, acting=staff["admin"])
    _choose_password(user, temporary)
    assert recovery_keys.regrant_from_recovery(recovery["passphrase"], user, [report.pk]) == 0
    roles.approve(
        RoleRequest.objects.get(user=user, state="pending"),
        staff["inspektur"],
        keyring_of(staff["inspektur"]),
        fingerprint=fingerprint_of(RoleRequest.objects.get(user=user, state="pending").user),
    )
    KeyGrant.objects.filter(user=user).delete()
    assert recovery_keys.regrant_from_recovery(recovery["passphrase"], user, [report.pk]) == 1
    assert sealing.open_title(_keyring(user, NEW_PASSWORD), report) == "JUDUL-PEMULIHAN-K3"


def test_regrant_never_gives_an_identity_key(staff, recovery):
    from wbs.cases.tests.helpers import confidential_report
    from wbs.vault import recovery as recovery_keys

    report = confidential_report(with_file=False)
    KeyGrant.objects.filter(user=staff["verifikator"]).delete()
    recovery_keys.regrant_from_recovery(recovery["passphrase"], staff["verifikator"], [report.pk])
    assert not keyring_of(staff["verifikator"]).holds(report.pk, "identity")
    assert not KeyGrant.objects.filter(key_kind="identity", user__isnull=False).exists()


def test_regrant_screen_reissues_and_audits(staff, recovery, report, as_staff):
    user = staff["verifikator"]
    KeyGrant.objects.filter(user=user).delete()
    response = as_staff("inspektur").post(
        f"{A}pemulihan-kunci/", {"user": user.pk, "passphrase": recovery["passphrase"]}
    )
    assert response.status_code == 302
    assert keyring_of(user).holds(report.pk)
    assert _events("recovery.regranted", user).count() == 1


def test_regrant_screen_explains_an_unlisted_person(staff, recovery, as_staff):
    user = staff["verifikator"]
    accounts.reset_password(user, acting=staff["admin"])
    response = as_staff("inspektur").post(
        f"{A}pemulihan-kunci/", {"user": user.pk, "passphrase": recovery["passphrase"]}
    )
    assert response.status_code == 400
    assert "user" in response.context["form"].errors


def test_regrant_screen_wrong_passphrase(staff, recovery, report, as_staff):
    user = staff["verifikator"]
    response = as_staff("inspektur").post(
        f"{A}pemulihan-kunci/", {"user": user.pk, "passphrase": "salah salah salah"}
    )
    assert response.status_code == 400
    assert _events("recovery.failed", user).count() == 1


# --- switching off and on, the last key role, the code before a new password ----------------


def test_switching_an_account_off_deletes_its_keys_and_on_again_relists(staff, as_staff):
    person = staff["verifikator"]
    client = as_staff("admin")
    fields = {
        "username": person.username,
        "full_name": person.full_name,
        "email": "",
        "nip": "",
        "jabatan": "",
        "pangkat": "",
        "wilayah": "",
    }
    client.post(f"{A}pengguna/{person.pk}/", fields)  # is_active unticked
    assert not UserKeyPair.objects.filter(user=person).exists()
    assert not KeyGrant.objects.filter(user=person).exists()
    assert Alert.objects.filter(verb="user.deactivated", recipient=staff["inspektur"]).exists()
    client.post(f"{A}pengguna/{person.pk}/", {**fields, "is_active": "on"})
    assert RoleRequest.objects.get(user=person, state="pending").relist
    assert Alert.objects.filter(verb="user.reactivated", recipient=staff["custodian"]).exists()
    # The person logs in with their own password: a new key pair, no key until the approval.
    login_staff(Client(), User.objects.get(pk=person.pk))
    assert UserKeyPair.objects.filter(user=person).exists()
    assert not KeyGrant.objects.filter(user=person).exists()


def test_the_last_key_role_takes_the_key_pair_and_a_log_in_makes_a_new_one(staff, report):
    person = staff["verifikator"]
    old = bytes(person.keypair.public_key)
    accounts.remove_role(person, Role.VERIFIKATOR, acting=staff["admin"])
    assert not UserKeyPair.objects.filter(user=person).exists()
    accounts.add_role(person, Role.PEMBINA, acting=staff["admin"])
    login_staff(Client(), User.objects.get(pk=person.pk))
    assert bytes(UserKeyPair.objects.get(user=person).public_key) != old


def test_with_an_authenticator_the_code_comes_before_the_new_password(staff):
    user = staff["verifikator"]
    login_staff(Client(), user)  # enrols a device
    temporary = accounts.reset_password(user, acting=staff["admin"])
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.get(user=user)
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
    client = Client()
    response = client.post("/staf/masuk/", {"username": user.username, "password": temporary})
    assert response["Location"] == "/staf/masuk/kode/"
    assert client.get("/staf/masuk/sandi-baru/")["Location"] == "/staf/masuk/kode/"
    token = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    response = client.post("/staf/masuk/kode/", {"token": f"{token:06d}"})
    assert response["Location"] == "/staf/masuk/sandi-baru/"
    response = client.post("/staf/masuk/sandi-baru/", {"new1": NEW_PASSWORD, "new2": NEW_PASSWORD})
    assert response["Location"] == "/staf/"  # logged in
    assert client.get("/staf/kotak-masuk/").status_code == 200
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD) and not user.password_set_by_other


def test_the_key_fingerprint_on_the_account_page_is_the_one_on_the_approval_screen(staff):
    person = _newcomer()
    accounts.add_role(person, Role.VERIFIKATOR, acting=staff["admin"])
    own = login_staff(Client(), person).get("/staf/akun/sandi/").content.decode()
    fingerprint = re.search(r'id="key-fingerprint">([0-9A-F-]{19})<', own).group(1)
    screen = login_staff(Client(), staff["inspektur"]).get("/staf/peran/").content.decode()
    assert f"<code>{fingerprint}</code>" in screen


def test_changing_a_key_holders_email_is_alerted(staff, as_staff):
    person = staff["penelaah"]
    as_staff("admin").post(
        f"{A}pengguna/{person.pk}/",
        {
            "username": person.username,
            "full_name": person.full_name,
            "email": "baru@example.org",
            "nip": "",
            "jabatan": "",
            "pangkat": "",
            "wilayah": person.wilayah_id,
            "is_active": "on",
        },
    )
    assert Alert.objects.filter(verb="user.email_changed", recipient=staff["pj"]).exists()


def test_removing_a_role_that_holds_no_key_keeps_the_key_pair(staff, recovery):
    """Only a key role's removal takes the key pair away: a Penanggung Jawab (no key role) who
    loses a Pembina role keeps theirs (and no re-approval is filed at the next log-in)."""
    person = make_staff(
        "pj.baru", [Role.PENANGGUNG_JAWAB, Role.PEMBINA], approve_with=recovery["passphrase"]
    )
    pair = UserKeyPair.objects.get(user=person)
    assert accounts.remove_role(person, Role.PEMBINA, acting=staff["admin"])
    assert UserKeyPair.objects.get(user=person).public_key == pair.public_key


def test_an_e_mail_change_of_someone_awaiting_a_case_role_is_alerted(staff):
    person = _newcomer()
    accounts.add_role(person, Role.VERIFIKATOR, acting=staff["admin"])
    accounts.changed(person, ["email"], acting=staff["admin"])
    assert Alert.objects.filter(
        verb="user.email_changed", subject=person, recipient=staff["inspektur"]
    ).exists()

"""Roles and the two-person rule: a case-handling role for an administrator (or for oneself) is
a request that another administrator — neither the requester nor the recipient — decides. Every
role change is audited. Lost passwords: a new key pair (old grants no longer open), TOTP still
asked, and the Inspektur's re-issue from the recovery key."""

import pytest
from django.test import Client

from conftest import PASSWORD, login_staff, make_staff
from wbs.accounts import services as accounts
from wbs.accounts.models import Role, RoleAssignment, RoleRequest
from wbs.audit.models import AuditEvent
from wbs.cases import sealing
from wbs.cases.tests.helpers import keyring_of
from wbs.intake.tests.factories import submit
from wbs.vault import keys
from wbs.vault import recovery as recovery_keys
from wbs.vault.crypto import DecryptionError
from wbs.vault.keyring import Keyring, NoAccess

pytestmark = pytest.mark.django_db
A = "/staf/administrasi/"


@pytest.fixture
def admins(staff):
    return staff["admin"], make_staff("admin2", [Role.ADMIN])


def _holds(user, role) -> bool:
    """Read from the database (User.roles is cached on the instance)."""
    return RoleAssignment.objects.filter(user=user, role=role).exists()


def _events(verb, user=None):
    events = AuditEvent.objects.filter(verb=verb)
    if user is not None:
        events = events.filter(target_id=str(user.pk))
    return events


# --- adding and removing roles ----------------------------------------------------------------


def test_role_for_a_normal_user_is_immediate(staff):
    outcome = accounts.add_role(staff["pembina"], Role.VERIFIKATOR, acting=staff["admin"])
    assert outcome == "added" and _holds(staff["pembina"], Role.VERIFIKATOR)


def test_added_role_is_audited(staff):
    accounts.add_role(staff["pembina"], Role.VERIFIKATOR, acting=staff["admin"])
    event = _events("role.added", staff["pembina"]).get()
    assert event.actor == staff["admin"] and event.payload == {"role": Role.VERIFIKATOR}


def test_role_already_held(staff):
    assert accounts.add_role(staff["pj"], Role.PENANGGUNG_JAWAB, acting=staff["admin"]) == "exists"


def test_non_case_role_for_an_admin_is_immediate(admins):
    admin, second = admins
    assert accounts.add_role(second, Role.PEMBINA, acting=admin) == "added"


def test_case_role_for_an_admin_is_a_request(admins):
    admin, second = admins
    assert accounts.add_role(second, Role.VERIFIKATOR, acting=admin) == "requested"
    assert not _holds(second, Role.VERIFIKATOR)
    assert (
        RoleRequest.objects.filter(user=second, role=Role.VERIFIKATOR, state="pending").count() == 1
    )


def test_case_role_for_oneself_is_a_request(admins):
    admin, _second = admins
    assert accounts.add_role(admin, Role.INSPEKTUR, acting=admin) == "requested"
    assert not _holds(admin, Role.INSPEKTUR)


def test_request_is_audited(admins):
    admin, second = admins
    accounts.add_role(second, Role.VERIFIKATOR, acting=admin)
    assert _events("role.requested", second).count() == 1


def test_repeated_request_is_not_duplicated(admins):
    admin, second = admins
    accounts.add_role(second, Role.VERIFIKATOR, acting=admin)
    accounts.add_role(second, Role.VERIFIKATOR, acting=admin)
    assert RoleRequest.objects.filter(user=second).count() == 1


def test_requester_cannot_approve(admins):
    admin, second = admins
    accounts.add_role(second, Role.VERIFIKATOR, acting=admin)
    row = RoleRequest.objects.get(user=second)
    with pytest.raises(accounts.RoleError):
        accounts.decide_role_request(row, acting=admin, approve=True)
    assert not _holds(second, Role.VERIFIKATOR)


def test_recipient_cannot_approve(admins):
    admin, second = admins
    accounts.add_role(second, Role.VERIFIKATOR, acting=admin)
    row = RoleRequest.objects.get(user=second)
    with pytest.raises(accounts.RoleError):
        accounts.decide_role_request(row, acting=second, approve=True)


def test_self_request_cannot_be_self_approved(admins):
    admin, _second = admins
    accounts.add_role(admin, Role.VERIFIKATOR, acting=admin)
    with pytest.raises(accounts.RoleError):
        accounts.decide_role_request(
            RoleRequest.objects.get(user=admin), acting=admin, approve=True
        )


def test_second_admin_approves(admins):
    admin, second = admins
    third = make_staff("admin3", [Role.ADMIN])
    accounts.add_role(second, Role.VERIFIKATOR, acting=admin)
    accounts.decide_role_request(RoleRequest.objects.get(user=second), acting=third, approve=True)
    assert _holds(second, Role.VERIFIKATOR)
    assert _events("role.approved", second).get().actor == third


def test_second_admin_approves_a_self_request(admins):
    admin, second = admins
    accounts.add_role(admin, Role.VERIFIKATOR, acting=admin)
    accounts.decide_role_request(RoleRequest.objects.get(user=admin), acting=second, approve=True)
    assert _holds(admin, Role.VERIFIKATOR)


def test_denied_request_gives_no_role(admins):
    admin, second = admins
    accounts.add_role(admin, Role.VERIFIKATOR, acting=admin)
    row = RoleRequest.objects.get(user=admin)
    accounts.decide_role_request(row, acting=second, approve=False)
    assert not _holds(admin, Role.VERIFIKATOR) and _events("role.denied", admin).count() == 1


def test_decided_request_cannot_be_decided_again(admins):
    admin, second = admins
    accounts.add_role(admin, Role.VERIFIKATOR, acting=admin)
    row = RoleRequest.objects.get(user=admin)
    accounts.decide_role_request(row, acting=second, approve=False)
    with pytest.raises(accounts.RoleError):
        accounts.decide_role_request(row, acting=second, approve=True)


def test_admin_role_for_a_case_handler_needs_a_second_admin(staff):
    """The same separation from the other side: making a Verifikator an administrator yields an
    administrator holding a case role, which the rule says needs a second administrator."""
    outcome = accounts.add_role(staff["verifikator"], Role.ADMIN, acting=staff["admin"])
    assert outcome == "requested" or not (
        _holds(staff["verifikator"], Role.ADMIN) and _holds(staff["verifikator"], Role.VERIFIKATOR)
    )


def test_remove_role_is_audited(staff):
    assert accounts.remove_role(staff["pj"], Role.PENANGGUNG_JAWAB, acting=staff["admin"])
    assert not _holds(staff["pj"], Role.PENANGGUNG_JAWAB)
    assert _events("role.removed", staff["pj"]).count() == 1


def test_removing_a_role_not_held_writes_nothing(staff):
    assert not accounts.remove_role(staff["pj"], Role.PEMBINA, acting=staff["admin"])
    assert _events("role.removed").count() == 0


# --- the same through the screens -------------------------------------------------------------


def test_role_form_adds_a_role(staff, as_staff):
    response = as_staff("admin").post(
        f"{A}pengguna/{staff['pembina'].pk}/peran/", {"role": Role.PENANGGUNG_JAWAB}
    )
    assert response.status_code == 302
    assert _holds(staff["pembina"], Role.PENANGGUNG_JAWAB)


def test_role_form_removes_a_role(staff, as_staff):
    as_staff("admin").post(
        f"{A}pengguna/{staff['pj'].pk}/peran/", {"role": Role.PENANGGUNG_JAWAB, "remove": "1"}
    )
    assert not RoleAssignment.objects.filter(user=staff["pj"], role=Role.PENANGGUNG_JAWAB).exists()


def test_role_form_for_oneself_files_a_request(staff, as_staff):
    as_staff("admin").post(f"{A}pengguna/{staff['admin'].pk}/peran/", {"role": Role.VERIFIKATOR})
    assert not _holds(staff["admin"], Role.VERIFIKATOR)
    assert RoleRequest.objects.filter(user=staff["admin"], state="pending").exists()


def test_same_admin_cannot_approve_through_the_screen(admins):
    admin, second = admins
    client = login_staff(Client(), admin)
    client.post(f"{A}pengguna/{second.pk}/peran/", {"role": Role.VERIFIKATOR})
    row = RoleRequest.objects.get(user=second)
    response = client.post(f"{A}permintaan-peran/{row.pk}/", {"decision": "approve"}, follow=True)
    row.refresh_from_db()
    assert row.state == "pending" and not _holds(second, Role.VERIFIKATOR)
    assert list(response.context["messages"])  # the refusal is explained


def test_second_admin_approves_through_the_screen(admins):
    admin, second = admins
    accounts.add_role(admin, Role.VERIFIKATOR, acting=admin)
    row = RoleRequest.objects.get(user=admin)
    login_staff(Client(), second).post(f"{A}permintaan-peran/{row.pk}/", {"decision": "approve"})
    assert _holds(admin, Role.VERIFIKATOR)


def test_pending_requests_are_listed(admins):
    admin, second = admins
    accounts.add_role(admin, Role.VERIFIKATOR, acting=admin)
    html = login_staff(Client(), second).get(f"{A}pengguna/").content.decode()
    assert f"{A}permintaan-peran/{RoleRequest.objects.get().pk}/" in html


# --- lost password, TOTP, sessions ------------------------------------------------------------


@pytest.fixture
def report(staff):
    report, _receipt = submit(title="JUDUL-PEMULIHAN-K3")
    return report


def _keyring(user, password):
    return Keyring(user_id=user.pk, private_key=keys.unlock_private_key(user, password))


def test_reset_password_gives_a_new_key_pair(staff, report):
    user = staff["verifikator"]
    old_public = user.keypair.public_key
    password = accounts.reset_password(user, acting=staff["admin"])
    user.refresh_from_db()
    assert bytes(user.keypair.public_key) != bytes(old_public)
    assert keys.unlock_private_key(user, password) is not None


def test_after_reset_the_old_grants_no_longer_open(staff, report):
    user = staff["verifikator"]
    password = accounts.reset_password(user, acting=staff["admin"])
    user.refresh_from_db()
    keyring = _keyring(user, password)
    with pytest.raises((NoAccess, DecryptionError)):  # the new key pair opens nothing old
        sealing.open_title(keyring, report)


def test_after_reset_can_open_says_no_instead_of_crashing(staff, report):
    user = staff["verifikator"]
    password = accounts.reset_password(user, acting=staff["admin"])
    user.refresh_from_db()
    assert _keyring(user, password).holds(report.pk) is False


def test_after_reset_the_inbox_and_case_page_still_open(staff, report):
    """Before the Inspektur re-issues the keys, the user works without them: the pages say
    "no key", they do not fail with a server error on the grants sealed to the old key."""
    user = staff["verifikator"]
    password = accounts.reset_password(user, acting=staff["admin"])
    client = login_staff(Client(raise_request_exception=False), user, password=password)
    assert client.get("/staf/kotak-masuk/").status_code == 200
    assert client.get(f"/staf/laporan/{report.registration_number}/").status_code == 200


def test_old_password_no_longer_unlocks(staff, report):
    user = staff["verifikator"]
    accounts.reset_password(user, acting=staff["admin"])
    user.refresh_from_db()
    assert keys.unlock_private_key(user, PASSWORD) is None


def test_reset_password_is_audited(staff):
    accounts.reset_password(staff["pj"], acting=staff["admin"])
    assert _events("user.password_reset", staff["pj"]).count() == 1


def test_log_in_after_reset_still_asks_for_totp(staff):
    user = staff["verifikator"]
    login_staff(Client(), user)  # enrols a TOTP device
    password = accounts.reset_password(user, acting=staff["admin"])
    response = Client().post("/staf/masuk/", {"username": user.username, "password": password})
    assert response.status_code == 302 and response["Location"].endswith("/staf/masuk/kode/")


def test_reset_password_screen_shows_a_temporary_password(staff, as_staff):
    response = as_staff("admin").post(f"{A}pengguna/{staff['pj'].pk}/reset-sandi/")
    assert response.status_code == 200 and b'class="big-code"' in response.content


def test_reset_password_ends_the_users_sessions(staff, as_staff):
    victim = as_staff("pj")
    as_staff("admin").post(f"{A}pengguna/{staff['pj'].pk}/reset-sandi/")
    assert victim.get("/staf/dasbor/").status_code == 302


def test_reset_totp_removes_the_devices(staff, as_staff):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    as_staff("pj")
    accounts.reset_totp(staff["pj"], acting=staff["admin"])
    assert not TOTPDevice.objects.filter(user=staff["pj"]).exists()
    assert _events("user.totp_reset", staff["pj"]).count() == 1


def test_end_sessions_logs_the_user_out(staff, as_staff):
    victim = as_staff("pj")
    as_staff("admin").post(f"{A}pengguna/{staff['pj'].pk}/akhiri-sesi/")
    assert victim.get("/staf/dasbor/").status_code == 302
    assert _events("user.sessions_ended", staff["pj"]).count() == 1


# --- re-issue from the recovery key -----------------------------------------------------------


def test_regrant_with_the_right_passphrase_opens_again(staff, recovery, report):
    user = staff["verifikator"]
    password = accounts.reset_password(user, acting=staff["admin"])
    user.refresh_from_db()
    written = recovery_keys.regrant_from_recovery(
        recovery["passphrase"], user, [report.pk], identity=False
    )
    assert written >= 1
    assert sealing.open_title(_keyring(user, password), report) == "JUDUL-PEMULIHAN-K3"


def test_regrant_with_a_wrong_passphrase_returns_none(staff, recovery, report):
    user = staff["verifikator"]
    accounts.reset_password(user, acting=staff["admin"])
    user.refresh_from_db()
    assert (
        recovery_keys.regrant_from_recovery("salah salah salah", user, [report.pk], identity=False)
        is None
    )


def test_regrant_identity_keys_only_when_asked(staff, recovery):
    from wbs.cases.tests.helpers import confidential_report

    report = confidential_report(with_file=False)
    user = staff["verifikator"]
    password = accounts.reset_password(user, acting=staff["admin"])
    user.refresh_from_db()
    recovery_keys.regrant_from_recovery(recovery["passphrase"], user, [report.pk], identity=False)
    assert not _keyring(user, password).holds(report.pk, "identity")


def test_regrant_screen_reissues_and_audits(staff, recovery, report, as_staff):
    user = staff["verifikator"]
    password = accounts.reset_password(user, acting=staff["admin"])
    response = as_staff("inspektur").post(
        f"{A}pemulihan-kunci/", {"user": user.pk, "passphrase": recovery["passphrase"]}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert _keyring(user, password).holds(report.pk)
    assert _events("recovery.regranted", user).count() == 1


def test_regrant_screen_wrong_passphrase(staff, recovery, report, as_staff):
    user = staff["verifikator"]
    accounts.reset_password(user, acting=staff["admin"])
    response = as_staff("inspektur").post(
        f"{A}pemulihan-kunci/", {"user": user.pk, "passphrase": "salah salah salah"}
    )
    assert response.status_code == 400
    assert _events("recovery.failed", user).count() == 1


def test_inspektur_keeps_access_after_regranting_others(staff, recovery, report):
    inspektur = staff["inspektur"]
    recovery_keys.regrant_from_recovery(
        recovery["passphrase"], staff["pj"], [report.pk], identity=False
    )
    assert keyring_of(inspektur).holds(report.pk)

"""The administrator's screens: who may open them (deny by default), creating a user, the
settings form, the health page, the key re-issue (Inspektur only) and the Django admin."""

import datetime
import re

import pytest
from django.forms.models import model_to_dict
from django.test import Client
from django.utils import translation

from conftest import make_staff
from wbs.accounts.models import Role, RoleAssignment
from wbs.administration import health
from wbs.audit.models import AuditEvent
from wbs.directory.models import OrganisationProfile
from wbs.vault.models import UserKeyPair

pytestmark = pytest.mark.django_db
A = "/staf/administrasi/"
NOT_ADMIN = ["verifikator", "inspektur", "penelaah", "penelaah_other", "pj", "pembina"]


def _urls(staff) -> list[tuple[str, str]]:
    """(method, url) of every administration view except the key re-issue."""
    pk = staff["pembina"].pk
    return [
        ("get", A),
        ("get", f"{A}pengguna/"),
        ("get", f"{A}pengguna/baru/"),
        ("get", f"{A}pengguna/{pk}/"),
        ("post", f"{A}pengguna/{pk}/peran/"),
        ("post", f"{A}pengguna/{pk}/reset-sandi/"),
        ("post", f"{A}pengguna/{pk}/reset-2fa/"),
        ("post", f"{A}pengguna/{pk}/akhiri-sesi/"),
        ("post", f"{A}permintaan-peran/1/"),
        ("get", f"{A}pengaturan/"),
        ("get", f"{A}retensi/"),
        ("get", f"{A}kesehatan/"),
        ("get", f"{A}hari-libur/"),
    ]


def _call(client, method, url):
    return getattr(client, method)(url)


# --- permissions ------------------------------------------------------------------------------


def test_every_page_is_refused_to_every_other_role(staff, as_staff):
    refused = []
    for persona in NOT_ADMIN:
        client = as_staff(persona)
        for method, url in _urls(staff):
            if _call(client, method, url).status_code != 403:
                refused.append((persona, method, url))
    assert refused == []


def test_every_page_sends_the_anonymous_to_the_log_in(staff):
    client = Client()
    for method, url in _urls(staff):
        response = _call(client, method, url)
        assert response.status_code == 302 and "/staf/masuk/" in response["Location"], url


def test_refused_posts_change_nothing(staff, as_staff):
    client = as_staff("pj")
    client.post(f"{A}pengguna/{staff['pembina'].pk}/peran/", {"role": Role.VERIFIKATOR})
    assert not RoleAssignment.objects.filter(user=staff["pembina"], role=Role.VERIFIKATOR).exists()


def test_every_page_opens_for_the_admin(staff, as_staff):
    client = as_staff("admin")
    codes = {url: client.get(url).status_code for method, url in _urls(staff) if method == "get"}
    assert set(codes.values()) == {200}, codes


def test_admin_posts_redirect(staff, as_staff):
    person = staff["pembina"]
    generation = person.session_generation
    response = as_staff("admin").post(f"{A}pengguna/{person.pk}/akhiri-sesi/")
    assert response.status_code == 302 and response["Location"] == f"{A}pengguna/{person.pk}/"
    person.refresh_from_db()
    assert person.session_generation == generation + 1  # the sessions were really ended


def test_get_on_a_post_only_page_is_refused(staff, as_staff):
    assert (
        as_staff("admin").get(f"{A}pengguna/{staff['pembina'].pk}/reset-sandi/").status_code == 405
    )


def test_regrant_is_for_the_inspektur_only(staff, as_staff):
    assert as_staff("inspektur").get(f"{A}pemulihan-kunci/").status_code == 200
    for persona in ["admin", "verifikator", "pj", "pembina", "penelaah"]:
        assert as_staff(persona).get(f"{A}pemulihan-kunci/").status_code == 403, persona


def test_django_admin_for_the_admin(staff, as_staff):
    assert as_staff("admin").get("/staf/admin/").status_code == 200


@pytest.mark.parametrize("persona", ["verifikator", "inspektur", "pj", "pembina"])
def test_django_admin_not_for_others(staff, as_staff, persona):
    response = as_staff(persona).get("/staf/admin/")
    assert response.status_code in (302, 403)
    assert b"Data induk" not in response.content


def test_django_admin_not_for_the_anonymous(staff):
    assert Client().get("/staf/admin/").status_code == 302


# --- creating a user --------------------------------------------------------------------------


NEW_USER = {
    "username": "baru",
    "full_name": "Pegawai Baru",
    "email": "",
    "nip": "",
    "jabatan": "",
    "pangkat": "",
    "wilayah": "",
}


def _create(client, **extra):
    response = client.post(f"{A}pengguna/baru/", {**NEW_USER, **extra})
    assert response.status_code == 200, response.content[:400]
    return response


def _shown_password(response) -> str:
    return re.search(r'<p class="big-code">(.*?)</p>', response.content.decode()).group(1)


def test_new_user_gets_no_key_pair_until_they_choose_a_password(staff, as_staff):
    """The administrator saw the temporary password: a key pair made under it would be theirs
    to unlock. It is made at the first log-in, under the password the person chooses."""
    from django.contrib.auth import get_user_model

    password = _shown_password(_create(as_staff("admin")))
    user = get_user_model().objects.get(username="baru")
    assert user.check_password(password) and user.password_set_by_other
    assert not UserKeyPair.objects.filter(user=user).exists()


def test_temporary_password_is_shown_only_once(staff, as_staff):
    from django.contrib.auth import get_user_model

    client = as_staff("admin")
    password = _shown_password(_create(client))
    user = get_user_model().objects.get(username="baru")
    assert password not in client.get(f"{A}pengguna/{user.pk}/").content.decode()
    assert password not in client.get(f"{A}pengguna/").content.decode()


def test_new_user_roles_are_given_and_audited(staff, as_staff):
    from django.contrib.auth import get_user_model

    _create(as_staff("admin"), roles=[Role.PEMBINA])
    user = get_user_model().objects.get(username="baru")
    assert user.has_role(Role.PEMBINA)
    assert AuditEvent.objects.filter(verb="user.created", target_id=str(user.pk)).count() == 1


def test_new_user_case_role_waits_for_an_inspektur(staff, as_staff):
    """A case role (here Verifikator, who receives every new report's key) is not the
    administrators' to give: it waits for an Inspektur's approval with their key."""
    from django.contrib.auth import get_user_model

    from wbs.accounts import services as accounts
    from wbs.accounts.models import RoleRequest

    response = _create(as_staff("admin"), roles=[Role.VERIFIKATOR])
    user = get_user_model().objects.get(username="baru")
    assert not user.has_role(Role.VERIFIKATOR)
    row = RoleRequest.objects.get(user=user, role=Role.VERIFIKATOR, state="pending")
    assert row.decider == "inspektur"
    assert str(Role.VERIFIKATOR.label) in response.content.decode()  # listed as waiting
    second = make_staff("admin-kedua", [Role.ADMIN])
    for admin in (staff["admin"], second):
        with pytest.raises(accounts.RoleError):
            accounts.decide_role_request(row, acting=admin, approve=True)
    assert not get_user_model().objects.get(username="baru").has_role(Role.VERIFIKATOR)


def test_new_penelaah_needs_an_irban_area(staff, as_staff):
    from django.contrib.auth import get_user_model

    response = as_staff("admin").post(f"{A}pengguna/baru/", {**NEW_USER, "roles": [Role.PENELAAH]})
    assert response.status_code == 400
    assert response.context["form"].errors == {
        "wilayah": ["Penelaah harus terdaftar pada salah satu wilayah Irban."]
    }
    assert not get_user_model().objects.filter(username="baru").exists()


def test_penelaah_role_is_refused_to_a_user_without_an_irban_area(staff, as_staff):
    person = staff["pembina"]
    assert person.wilayah_id is None
    as_staff("admin").post(f"{A}pengguna/{person.pk}/peran/", {"role": Role.PENELAAH})
    assert not RoleAssignment.objects.filter(user=person, role=Role.PENELAAH).exists()


def test_penelaah_cannot_lose_their_irban_area(staff, as_staff):
    person = staff["penelaah"]
    assert person.wilayah_id is not None
    fields = ["username", "full_name", "email", "nip", "jabatan", "pangkat", "is_active"]
    data = {k: v for k, v in model_to_dict(person, fields=fields).items() if v is not None}
    response = as_staff("admin").post(f"{A}pengguna/{person.pk}/", {**data, "wilayah": ""})
    assert response.status_code == 400
    person.refresh_from_db()
    assert person.wilayah_id is not None


@pytest.mark.parametrize(
    "order",
    [[Role.ADMIN, Role.VERIFIKATOR], [Role.VERIFIKATOR, Role.ADMIN]],
    ids=["admin-first", "verifikator-first (browser order)"],
)
def test_new_user_cannot_be_administrator_and_case_handler(staff, as_staff, order):
    """Separation of duties: the form refuses the Administrator role next to a case role,
    whatever the order, and nothing is created."""
    from django.contrib.auth import get_user_model

    response = as_staff("admin").post(f"{A}pengguna/baru/", {**NEW_USER, "roles": order})
    assert response.status_code == 400
    assert response.context["form"].errors == {
        "roles": [
            "Administrator tidak pernah memegang peran penanganan laporan, dan pemegang peran "
            "penanganan laporan tidak pernah menjadi administrator."
        ]
    }
    assert not get_user_model().objects.filter(username="baru").exists()


# --- settings ---------------------------------------------------------------------------------


def _profile_data(**changes) -> dict:
    profile = OrganisationProfile.get()
    data = {
        k: v for k, v in model_to_dict(profile).items() if k != "logo" and v not in (None, False)
    }
    data.update(changes)
    return data


def test_settings_form_saves_the_profile(staff, as_staff):
    response = as_staff("admin").post(
        f"{A}pengaturan/", _profile_data(address="Jalan Baru 9", small_count_threshold=4)
    )
    assert response.status_code == 302
    profile = OrganisationProfile.get()
    assert (profile.address, profile.small_count_threshold) == ("Jalan Baru 9", 4)


def test_settings_change_is_audited(staff, as_staff):
    as_staff("admin").post(f"{A}pengaturan/", _profile_data(address="Jalan Baru 9"))
    event = AuditEvent.objects.filter(verb="settings.changed").latest("pk")
    assert "address" in event.payload["fields"]


def test_settings_refuse_a_bad_number_pattern(staff, as_staff):
    response = as_staff("admin").post(
        f"{A}pengaturan/", _profile_data(number_pattern="{nomor}/{tahun}")
    )
    assert response.status_code == 400
    assert OrganisationProfile.get().number_pattern != "{nomor}/{tahun}"


def test_settings_refuse_a_threshold_of_zero(staff, as_staff):
    before = OrganisationProfile.get().small_count_threshold
    response = as_staff("admin").post(f"{A}pengaturan/", _profile_data(small_count_threshold=0))
    assert response.status_code == 400
    assert response.context["form"].errors == {
        "small_count_threshold": ["Pastikan nilai ini lebih besar dari atau sama dengan 1."]
    }
    assert OrganisationProfile.get().small_count_threshold == before


def test_settings_switch_public_reporting(staff, as_staff):
    as_staff("admin").post(f"{A}pengaturan/", _profile_data(public_may_report="on"))
    assert OrganisationProfile.get().public_may_report is True


# --- health -----------------------------------------------------------------------------------

CHECKS = [
    "Database",
    "Attachment store",
    "Task queue",
    "Cache (rate limits)",
    "Last backup",
    "Disk space",
    "Recovery key",
    "Trust root (WBS_TRUST_ROOT)",
    "Identity custodians",
    "Antivirus (ClamAV)",
]


def test_health_checks_are_the_ten(staff):
    with translation.override("en"):
        assert [c.name for c in health.run_checks()] == CHECKS


def test_health_page_lists_every_check(staff, as_staff):
    html = as_staff("admin").get(f"{A}kesehatan/").content.decode()
    body = html.split("<tbody>")[1].split("</tbody>")[0]
    assert body.count("<tr>") == len(CHECKS)


def test_health_page_shows_the_names_translated(staff, as_staff):
    html = as_staff("admin").get(f"{A}kesehatan/").content.decode()
    with translation.override("id"):
        names = [str(c.name) for c in health.run_checks()]
    assert all(name in html for name in names)


def test_health_database_and_store_are_ok(staff):
    checks = {c.name: c.ok for c in health.run_checks()}
    with translation.override("en"):
        checks = {c.name: c.ok for c in health.run_checks()}
    assert checks["Database"] and checks["Attachment store"] and checks["Recovery key"]


def test_health_trust_root_and_custodians_are_ok_with_the_personas(staff):
    with translation.override("en"):
        checks = {c.name: c for c in health.run_checks()}
    assert checks["Trust root (WBS_TRUST_ROOT)"].ok
    assert checks["Identity custodians"].ok
    assert checks["Identity custodians"].detail == "3 listed, 2 needed to open an identity"


def test_health_flags_a_trust_root_that_is_not_pinned_or_does_not_match(staff, settings):
    settings.WBS_TRUST_ROOT = ""
    with translation.override("en"):
        checks = {c.name: c for c in health.run_checks()}
    assert not checks["Trust root (WBS_TRUST_ROOT)"].ok
    assert not checks["Identity custodians"].ok  # nothing verifies without the root
    settings.WBS_TRUST_ROOT = "ABCD-" * 15 + "ABCD"
    with translation.override("en"):
        checks = {c.name: c for c in health.run_checks()}
    assert "does not match" in checks["Trust root (WBS_TRUST_ROOT)"].detail


def test_health_without_a_backup_is_a_problem(staff):
    with translation.override("en"):
        checks = {c.name: c.ok for c in health.run_checks()}
    assert checks["Last backup"] is False


def test_health_after_a_backup_is_ok(staff, tmp_path):
    from django.core.management import call_command

    call_command("backup", output=str(tmp_path / "b"), stdout=open("/dev/null", "w"))  # noqa: SIM115
    with translation.override("en"):
        checks = {c.name: c.ok for c in health.run_checks()}
    assert checks["Last backup"] is True


def test_health_without_a_recovery_key_is_a_problem(palembang):
    with translation.override("en"):
        checks = {c.name: c.ok for c in health.run_checks()}
    assert checks["Recovery key"] is False


# --- holidays ---------------------------------------------------------------------------------


def test_holidays_page_for_a_year(staff, as_staff):
    html = as_staff("admin").get(f"{A}hari-libur/", {"tahun": "2025"}).content.decode()
    # 237 ASN working days in 2025 (docs/design/context-id.md)
    assert "2025" in html and "237" in html


def test_holidays_page_survives_a_bad_year(staff, as_staff):
    response = as_staff("admin").get(f"{A}hari-libur/", {"tahun": "abc"})
    assert response.status_code == 200
    assert response.context["year"] == datetime.date.today().year  # falls back to this year


# --- a second administrator for the two-person rule is made in test_roles.py ---------------


def test_second_admin_can_log_in(staff):
    from conftest import login_staff

    second = make_staff("admin2", [Role.ADMIN])
    assert login_staff(Client(), second).get(A).status_code == 200

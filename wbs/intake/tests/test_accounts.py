import pytest
from django.test import Client
from django.urls import reverse

from wbs.accounts.models import User
from wbs.intake.tests.factories import form_data
from wbs.vault.models import KeyGrant, ReporterVaultItem, UserKeyPair

pytestmark = pytest.mark.django_db

PASSWORD = "sandi-pelapor-yang-panjang"


def _register(client, username="pelapor.alias", **extra):
    data = {
        "username": username,
        "password1": PASSWORD,
        "password2": PASSWORD,
        "name": "",
        "nip": "",
        "unit": "",
        "contact": "",
    }
    data.update(extra)
    return client.post(reverse("intake:account_register"), data)


@pytest.fixture
def account(client, staff):
    _register(
        client,
        name="Pelapor Terdaftar",
        nip="198507152010011003",
        unit="Dinas Sosial",
        contact="0811-000-000",
    )
    return client


def test_register_creates_a_reporter_with_a_key_pair(account):
    user = User.objects.get(username="pelapor.alias")
    assert user.kind == "reporter" and UserKeyPair.objects.filter(user=user).exists()


def test_register_logs_in(account):
    response = account.get(reverse("intake:account_home"))
    assert response.status_code == 200
    assert response.wsgi_request.user == User.objects.get(username="pelapor.alias")


def test_register_refuses_a_taken_alias(client, account):
    client.logout()
    response = _register(client)
    assert response.status_code == 400
    assert response.context["form"].errors == {
        "username": ["Nama pengguna ini sudah dipakai; silakan pilih yang lain."]
    }
    assert User.objects.filter(username__iexact="pelapor.alias").count() == 1


def test_register_refuses_a_common_password(client, palembang):
    response = client.post(
        reverse("intake:account_register"),
        {"username": "alias2", "password1": "password", "password2": "password"},
    )
    assert response.status_code == 400
    assert "Kata sandi ini terlalu umum." in response.context["form"].errors["password1"]
    assert not User.objects.filter(username="alias2").exists()


def test_register_refuses_a_bad_nip(client, palembang):
    response = _register(client, nip="123")
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert list(errors) == ["nip"]
    assert errors["nip"][0].startswith("NIP terdiri atas tepat 18 digit")
    assert not User.objects.filter(username="pelapor.alias").exists()


def test_profile_is_sealed(account):
    blob = bytes(UserKeyPair.objects.get(user__username="pelapor.alias").sealed_profile)
    assert b"Pelapor Terdaftar" not in blob


def test_report_form_is_prefilled_with_identity(account):
    html = account.get(reverse("intake:report_new")).content.decode()
    assert 'value="Pelapor Terdaftar"' in html


def test_submitted_report_is_listed(account):
    account.post(reverse("intake:report_new"), form_data(title="Laporan akun saya"))
    assert "Laporan akun saya" in account.get(reverse("intake:account_home")).content.decode()


def test_account_report_link_is_not_stored_in_the_clear(account):
    account.post(reverse("intake:report_new"), form_data())
    user = User.objects.get(username="pelapor.alias")
    assert ReporterVaultItem.objects.filter(user=user).count() == 1
    assert not KeyGrant.objects.filter(user=user).exists()


def test_login_again_sees_own_reports(client, account):
    account.post(reverse("intake:report_new"), form_data(title="Laporan akun saya"))
    account.post(reverse("intake:status_logout"))
    client.post(
        reverse("intake:account_login"), {"username": "pelapor.alias", "password": PASSWORD}
    )
    assert "Laporan akun saya" in client.get(reverse("intake:account_home")).content.decode()


def test_account_opens_its_report_page(account):
    from wbs.cases.models import Report

    account.post(reverse("intake:report_new"), form_data(title="Laporan akun saya"))
    report = Report.objects.get()
    response = account.get(reverse("intake:account_report", args=[report.pk]))
    assert "Laporan akun saya" in response.content.decode()


def test_account_cannot_open_someone_elses_report(account, staff):
    from wbs.intake.tests.factories import submit

    other, _ = submit(title="Laporan orang lain")
    assert account.get(reverse("intake:account_report", args=[other.pk])).status_code == 404


def test_wrong_password_is_refused_uniformly(client, account):
    account.post(reverse("intake:status_logout"))
    wrong = client.post(
        reverse("intake:account_login"), {"username": "pelapor.alias", "password": "salah-sekali"}
    )
    unknown = client.post(
        reverse("intake:account_login"), {"username": "tidak.ada", "password": "salah-sekali"}
    )
    assert wrong.status_code == unknown.status_code == 401


def test_staff_cannot_log_in_as_reporter(client, staff):
    from conftest import PASSWORD as STAFF_PASSWORD

    response = client.post(
        reverse("intake:account_login"), {"username": "verifikator", "password": STAFF_PASSWORD}
    )
    assert response.status_code == 401 and response.context["failed"]
    assert "_auth_user_id" not in client.session  # the right staff password logs no one in


def test_login_is_throttled_per_account(client, account):
    account.post(reverse("intake:status_logout"))
    for _ in range(10):
        client.post(
            reverse("intake:account_login"),
            {"username": "pelapor.alias", "password": "salah-sekali"},
        )
    response = client.post(
        reverse("intake:account_login"), {"username": "pelapor.alias", "password": PASSWORD}
    )
    assert response.status_code == 429


def test_account_home_needs_login(client, palembang):
    assert client.get(reverse("intake:account_home"))["Location"] == reverse("intake:account_login")


def test_opted_in_reporter_gets_a_content_free_notice(
    client, staff, settings, mailoutbox, django_capture_on_commit_callbacks
):
    from conftest import login_staff
    from wbs.cases.models import Report

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    _register(client, username="pelapor.surel", email="pelapor@example.net")
    client.post(reverse("intake:report_new"), form_data(title="Judul sangat rahasia"))
    report = Report.objects.get()
    mailoutbox.clear()
    verifikator = login_staff(Client(), staff["verifikator"])
    with django_capture_on_commit_callbacks(execute=True):
        verifikator.post(
            reverse("cases:message", args=[report.registration_number]),
            {"body": "Mohon kirim bukti tambahan."},
        )
    to_reporter = [m for m in mailoutbox if m.to == ["pelapor@example.net"]]
    assert len(to_reporter) == 1
    body = to_reporter[0].subject + to_reporter[0].body
    assert report.registration_number not in body and "rahasia" not in body


def test_reporter_without_email_is_not_linked_to_the_report(client, staff):
    from wbs.cases.models import ReporterNotice

    _register(client, username="pelapor.diam")
    client.post(reverse("intake:report_new"), form_data())
    assert not ReporterNotice.objects.exists()

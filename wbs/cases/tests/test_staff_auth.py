"""Staff authentication and sessions: checklist items 1–8 and 10–13, one test (or a few) named
after each item, plus the TOTP enrolment at the first log-in."""

import base64
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from types import SimpleNamespace

import pytest
from django.contrib.auth import password_validation
from django.contrib.sessions.models import Session
from django.test import Client, override_settings
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import PASSWORD, login_staff, make_staff
from wbs.accounts import login
from wbs.accounts import views as account_views
from wbs.accounts.models import Role
from wbs.audit.models import AuditEvent
from wbs.cases.tests.helpers import logged_in

pytestmark = pytest.mark.django_db

LOGIN = "/staf/masuk/"
OTP = "/staf/masuk/kode/"
ENROL = "/staf/masuk/daftar-2fa/"
INBOX = "/staf/kotak-masuk/"


def device_of(user):
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="test", confirmed=True)


def code_for(device, offset=0):
    value = totp(
        device.bin_key,
        step=device.step,
        t0=device.t0,
        digits=device.digits,
        drift=offset,
    )
    return f"{value:06d}"


def password_step(client, user, password=PASSWORD):
    return client.post(LOGIN, {"username": user.username, "password": password})


def is_logged_in(client) -> bool:
    response = client.get(INBOX)
    return response.status_code == 200


@pytest.fixture
def verifikator(staff):
    return staff["verifikator"]


# 1. 6.3.3 MFA for every staff log-in -----------------------------------------------------------


def test_item01_password_only_never_yields_a_session(client, verifikator):
    device_of(verifikator)
    response = password_step(client, verifikator)
    assert response.status_code == 302 and response["Location"] == OTP
    assert "_auth_user_id" not in client.session
    assert client.get(INBOX)["Location"].startswith(LOGIN)


def test_item01_otp_page_without_the_password_step_sends_back(client, verifikator):
    response = client.post(OTP, {"token": code_for(device_of(verifikator))})
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    assert not is_logged_in(client)


def test_item01_password_step_expires_after_five_minutes(client, verifikator, monkeypatch):
    device = device_of(verifikator)
    password_step(client, verifikator)
    later = time.time() + account_views.PENDING_SECONDS + 1
    monkeypatch.setattr(account_views, "time", SimpleNamespace(time=lambda: later))
    response = client.post(OTP, {"token": code_for(device)})
    assert response["Location"].startswith(LOGIN)


# 2. 6.5.1 a TOTP code works once ----------------------------------------------------------------


def test_item02_totp_code_works_once(verifikator):
    device = device_of(verifikator)
    code = code_for(device)
    first = Client()
    password_step(first, verifikator)
    assert first.post(OTP, {"token": code}).status_code == 302
    second = Client()
    password_step(second, verifikator)
    response = second.post(OTP, {"token": code})
    assert response.status_code == 401
    assert not is_logged_in(second)


def test_item02_wrong_code_is_refused(client, verifikator):
    device = device_of(verifikator)
    password_step(client, verifikator)
    wrong = f"{(int(code_for(device)) + 1) % 1_000_000:06d}"
    assert client.post(OTP, {"token": wrong}).status_code == 401
    assert not is_logged_in(client)


# 3. 6.5.3/6.5.5 seeds from a CSPRNG, period 30 s ------------------------------------------------


def test_item03_totp_seed_from_csprng_and_period_30s(verifikator, monkeypatch):
    import django_otp.util

    calls = []
    real = django_otp.util.urandom
    monkeypatch.setattr(django_otp.util, "urandom", lambda n: calls.append(n) or real(n))
    device = TOTPDevice.objects.create(user=verifikator, name="x", confirmed=False)
    assert calls == [20] and len(device.bin_key) == 20  # 160 bits from os.urandom
    assert device.step == 30 and device.digits == 6


def test_item03_enrolment_uri_announces_30_seconds(client, staff):
    user = make_staff("baru", [Role.VERIFIKATOR])
    password_step(client, user)
    page = client.get(ENROL).content.decode()
    device = TOTPDevice.objects.get(user=user)
    assert device.step == 30
    assert base64.b32encode(device.bin_key).decode().rstrip("=") in page


# 4. 6.3.1 brute force control; parallel attempts (GlobaLeaks Issue E) ------------------------


def test_item04_fifty_wrong_passwords_end_in_429(client, verifikator):
    codes = [password_step(client, verifikator, "salah-salah-salah").status_code for _ in range(50)]
    limit = account_views.LIMIT_ACCOUNT
    assert codes[:limit] == [401] * limit
    assert codes[limit:] == [429] * (50 - limit)


def test_item04_counting_happens_before_the_password_check(client, verifikator, monkeypatch):
    checked = []
    real = login.authenticate
    monkeypatch.setattr(login, "authenticate", lambda *a, **k: checked.append(1) or real(*a, **k))
    for _ in range(50):
        password_step(client, verifikator, "salah-salah-salah")
    assert len(checked) == account_views.LIMIT_ACCOUNT


def test_item04_throttled_even_with_the_right_password(client, verifikator):
    for _ in range(account_views.LIMIT_ACCOUNT):
        password_step(client, verifikator, "salah-salah-salah")
    assert password_step(client, verifikator).status_code == 429


def test_item04_limit_is_per_account_not_per_session(verifikator):
    """Fresh clients (no cookies) do not reset the count."""
    for _ in range(account_views.LIMIT_ACCOUNT):
        password_step(Client(), verifikator, "salah-salah-salah")
    assert password_step(Client(), verifikator).status_code == 429


def _wrong_password_attempt(base_url, username) -> int:
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(base_url + LOGIN, timeout=30).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token, "username": username, "password": "salah-salah-salah"}
    ).encode()
    try:
        return opener.open(base_url + LOGIN, data=data, timeout=30).status
    except urllib.error.HTTPError as error:
        return error.code


def test_item04_parallel_wrong_passwords_are_throttled(live_server, staff):
    """50 attempts at once, each with its own client and cookies, against a real server."""
    username = staff["verifikator"].username
    results: list[int] = []
    barrier = threading.Barrier(50)

    def attempt():
        barrier.wait(timeout=60)
        results.append(_wrong_password_attempt(live_server.url, username))

    threads = [threading.Thread(target=attempt) for _ in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(results) == 50
    assert results.count(429) == 50 - account_views.LIMIT_ACCOUNT
    assert results.count(401) == account_views.LIMIT_ACCOUNT


def test_item04_totp_guessing_is_throttled(client, verifikator):
    device = device_of(verifikator)
    password_step(client, verifikator)
    wrong = f"{(int(code_for(device)) + 7) % 1_000_000:06d}"
    codes = [client.post(OTP, {"token": wrong}).status_code for _ in range(15)]
    assert codes[-1] == 429
    assert client.post(OTP, {"token": code_for(device)}).status_code in (401, 429)


# 5. 6.2.1/6.2.9/6.2.12/6.2.5 password policy -----------------------------------------------------


@pytest.mark.parametrize(
    ("password", "accepted"),
    [
        ("k7#Lm2q", False),  # 7 characters
        ("k7#Lm2qz", True),  # 8 characters
        ("sebuah kalimat sandi yang panjang sekali dan mudah diingat oleh 1", True),
        ("password123", False),  # on the common-password list
        ("12345678", False),
        ("pohonmanggaberbuahlebat", True),  # lower case only: no composition rule
        ("x" * 257, False),  # absurd length
    ],
)
def test_item05_password_policy(verifikator, password, accepted):
    try:
        password_validation.validate_password(password, verifikator)
    except Exception:
        ok = False
    else:
        ok = True
    assert ok is accepted


def test_item05_sixty_four_characters_accepted_by_the_change_form(verifikator):
    client = logged_in(verifikator)
    new = "Kalimat sandi enam puluh empat karakter untuk uji kebijakan WBS!"
    new = (new + "x" * 64)[:64]
    response = client.post(
        reverse("accounts:password_change"), {"current": PASSWORD, "new1": new, "new2": new}
    )
    assert response.status_code == 200
    verifikator.refresh_from_db()
    assert verifikator.check_password(new)


def test_item05_common_password_refused_by_the_change_form(verifikator):
    client = logged_in(verifikator)
    response = client.post(
        reverse("accounts:password_change"),
        {"current": PASSWORD, "new1": "password123", "new2": "password123"},
    )
    assert response.status_code == 400
    verifikator.refresh_from_db()
    assert verifikator.check_password(PASSWORD)


# 6. 6.4.3 a password reset cannot bypass MFA ------------------------------------------------------


def test_item06_password_reset_cannot_bypass_mfa(client, verifikator):
    from wbs.vault.keys import create_user_keypair

    device_of(verifikator)
    new = "sandi-baru-dari-administrator"
    verifikator.set_password(new)
    verifikator.save()
    create_user_keypair(verifikator, new)
    response = password_step(client, verifikator, new)
    assert response["Location"] == OTP
    assert not is_logged_in(client)


# 7. 6.3.8 uniform errors: unknown user vs wrong password ---------------------------------------


def _normalised(response, username):
    body = response.content.decode()
    body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", body)
    return body.replace(username, "USERNAME")


def test_item07_uniform_errors_unknown_user_vs_wrong_password(verifikator):
    wrong = password_step(Client(), verifikator, "salah-salah-salah")
    unknown_user = SimpleNamespace(username="tidakadaorangini")
    unknown = password_step(Client(), unknown_user, "salah-salah-salah")
    assert wrong.status_code == unknown.status_code == 401
    assert _normalised(wrong, verifikator.username) == _normalised(unknown, "tidakadaorangini")


@pytest.mark.parametrize("case", ["unknown", "wrong", "inactive", "reporter"])
def test_item07_every_failure_costs_one_password_hash(verifikator, monkeypatch, case):
    from wbs.accounts.tests.hashers import FastArgon2Hasher

    calls = []
    for name in ("encode", "verify"):
        real = getattr(FastArgon2Hasher, name)
        monkeypatch.setattr(
            FastArgon2Hasher,
            name,
            lambda self, *a, _real=real, **k: calls.append(1) or _real(self, *a, **k),
        )
    password = "salah-salah-salah"
    username = verifikator.username
    if case == "unknown":
        username = "tidakadaorangini"
    elif case == "inactive":
        type(verifikator).objects.filter(pk=verifikator.pk).update(is_active=False)
        password = PASSWORD
    elif case == "reporter":
        type(verifikator).objects.filter(pk=verifikator.pk).update(kind="reporter")
        password = PASSWORD
    response = Client().post(LOGIN, {"username": username, "password": password})
    assert response.status_code == 401
    assert len(calls) == 1


# 8. 11.4.2 Argon2id ------------------------------------------------------------------------------


def test_item08_passwords_hashed_with_argon2id(settings):
    from django.contrib.auth.hashers import make_password

    from config import settings as production

    assert production.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    settings.PASSWORD_HASHERS = production.PASSWORD_HASHERS
    assert make_password("sebuah-sandi-uji").startswith("argon2$argon2id$")


def test_item08_stored_staff_password_is_argon2id(verifikator):
    assert verifikator.password.startswith("argon2$argon2id$")


# 10. 7.2.3/7.2.4 session token ≥128 bits, renewed at log-in -------------------------------------


def test_item10_session_key_rotates_at_login(client, verifikator):
    session = client.session
    session["probe"] = 1
    session.save()
    before = session.session_key
    device = device_of(verifikator)
    password_step(client, verifikator)
    middle = client.session.session_key
    client.post(OTP, {"token": code_for(device)})
    after = client.session.session_key
    assert len({before, middle, after}) == 3
    assert len(after) >= 32
    assert not Session.objects.filter(session_key=before).exists()


# 11. 7.3.1/7.3.2 idle and absolute time-outs -------------------------------------------------


def _at(monkeypatch, moment):
    monkeypatch.setattr(
        "wbs.accounts.middleware.time", SimpleNamespace(time=lambda: moment), raising=True
    )


def test_item11_idle_timeout(verifikator, monkeypatch, settings):
    client = logged_in(verifikator)
    start = time.time()
    _at(monkeypatch, start + settings.WBS_STAFF_IDLE_SECONDS - 60)
    assert client.get(INBOX).status_code == 200
    _at(monkeypatch, start + 2 * settings.WBS_STAFF_IDLE_SECONDS)
    response = client.get(INBOX)
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)


def test_item11_absolute_timeout(verifikator, monkeypatch, settings):
    client = logged_in(verifikator)
    start = time.time()
    step = settings.WBS_STAFF_IDLE_SECONDS // 2
    moment = start
    while moment + step < start + settings.WBS_STAFF_ABSOLUTE_SECONDS:
        moment += step
        _at(monkeypatch, moment)
        assert client.get(INBOX).status_code == 200  # active all along
    _at(monkeypatch, start + settings.WBS_STAFF_ABSOLUTE_SECONDS + 60)
    response = client.get(INBOX)
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)


def test_item11_documented_limits(settings):
    assert settings.WBS_STAFF_IDLE_SECONDS == 30 * 60
    assert settings.WBS_STAFF_ABSOLUTE_SECONDS == 8 * 60 * 60


# 12. 7.4.1–7.4.5 logout, disable, password/MFA change, administrator ----------------------------


def test_item12_logout_is_post_only(verifikator):
    client = logged_in(verifikator)
    assert client.get(reverse("accounts:staff_logout")).status_code == 405
    assert is_logged_in(client)


def test_item12_logout_invalidates_the_server_session(verifikator):
    client = logged_in(verifikator)
    cookies = {name: morsel.value for name, morsel in client.cookies.items()}
    key = client.session.session_key
    response = client.post(reverse("accounts:staff_logout"))
    assert response.status_code == 302
    assert not Session.objects.filter(session_key=key).exists()
    replay = Client()
    for name, value in cookies.items():
        replay.cookies[name] = value
    assert not is_logged_in(replay)


def test_item12_logout_needs_a_csrf_token(verifikator):
    """SecureDrop SEC-01-003: a cross-site POST cannot log a user out."""
    client = logged_in(verifikator)
    client.handler.enforce_csrf_checks = True
    assert client.post(reverse("accounts:staff_logout")).status_code == 403
    assert is_logged_in(client)


def test_item12_disabled_account_is_logged_out(verifikator):
    client = logged_in(verifikator)
    type(verifikator).objects.filter(pk=verifikator.pk).update(is_active=False)
    response = client.get(INBOX)
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)


def test_item12_password_change_ends_other_sessions(verifikator):
    other = logged_in(verifikator)
    this = logged_in(verifikator)
    new = "sandi-baru-yang-cukup-panjang"
    response = this.post(
        reverse("accounts:password_change"), {"current": PASSWORD, "new1": new, "new2": new}
    )
    assert response.status_code == 200
    assert not is_logged_in(other)
    assert is_logged_in(this)


def test_item12_totp_reset_ends_all_sessions(verifikator):
    other = logged_in(verifikator)
    this = logged_in(verifikator)
    response = this.post(reverse("accounts:otp_reset"), {"current": PASSWORD})
    assert response.status_code == 302
    assert not is_logged_in(other) and not is_logged_in(this)
    assert not TOTPDevice.objects.filter(user=verifikator).exists()


def test_item12_totp_reset_needs_the_password(verifikator):
    client = logged_in(verifikator)
    response = client.post(reverse("accounts:otp_reset"), {"current": "salah-salah-salah"})
    assert response.status_code == 400
    assert TOTPDevice.objects.filter(user=verifikator).exists() and is_logged_in(client)


def test_item12_after_totp_reset_the_next_log_in_enrols_again(verifikator):
    client = logged_in(verifikator)
    client.post(reverse("accounts:otp_reset"), {"current": PASSWORD})
    assert password_step(client, verifikator)["Location"] == ENROL


def test_item12_administrator_can_end_a_users_sessions(verifikator):
    first, second = logged_in(verifikator), logged_in(verifikator)
    verifikator.end_all_sessions()
    assert not is_logged_in(first) and not is_logged_in(second)
    assert is_logged_in(login_staff(Client(), verifikator))  # a new log-in works


# 13. 3.3.1–3.3.4 cookie flags on every staff auth response ---------------------------------------

PRODUCTION_COOKIES = {
    "SESSION_COOKIE_SECURE": True,
    "CSRF_COOKIE_SECURE": True,
    "SESSION_COOKIE_NAME": "__Host-wbs-session",
    "CSRF_COOKIE_NAME": "__Host-wbs-csrf",
    "WBS_KEYRING_COOKIE_NAME": "__Host-wbs-keyring",
}


def _assert_host_cookies(response, expected):
    cookies = response.cookies
    assert expected <= set(cookies), set(cookies)
    for name, morsel in cookies.items():
        assert name.startswith("__Host-")
        assert morsel["secure"] and morsel["httponly"] and morsel["samesite"] == "Strict"
        assert morsel["path"] == "/" and not morsel["domain"]


@override_settings(**PRODUCTION_COOKIES)
def test_item13_staff_cookies_flags(verifikator):
    device = device_of(verifikator)
    client = Client()
    first = client.post(
        LOGIN, {"username": verifikator.username, "password": PASSWORD}, secure=True
    )
    _assert_host_cookies(first, {"__Host-wbs-session", "__Host-wbs-keyring"})
    second = client.post(OTP, {"token": code_for(device)}, secure=True)
    _assert_host_cookies(second, {"__Host-wbs-session"})
    for morsel in second.cookies.values():
        assert not morsel["max-age"] and not morsel["expires"]  # browser-session cookies


@override_settings(**PRODUCTION_COOKIES)
def test_item13_logout_clears_site_data(verifikator):
    client = login_staff(Client(), verifikator)
    response = client.post(reverse("accounts:staff_logout"), secure=True)
    assert "cookies" in response["Clear-Site-Data"]
    for morsel in response.cookies.values():
        assert morsel["secure"] and morsel["samesite"] == "Strict"


def test_item13_production_settings_use_host_prefixed_secure_cookies():
    from config import settings as production

    if production.HTTPS:
        assert production.SESSION_COOKIE_NAME.startswith("__Host-")
        assert production.WBS_KEYRING_COOKIE_NAME.startswith("__Host-")
        assert production.CSRF_COOKIE_NAME.startswith("__Host-")
    assert production.SESSION_COOKIE_HTTPONLY and production.CSRF_COOKIE_HTTPONLY
    assert production.SESSION_COOKIE_SAMESITE == production.CSRF_COOKIE_SAMESITE == "Strict"
    assert production.SESSION_EXPIRE_AT_BROWSER_CLOSE


# TOTP enrolment at the first log-in ------------------------------------------------------------


@pytest.fixture
def newcomer(staff):
    return make_staff("pegawaibaru", [Role.VERIFIKATOR])


def test_enrolment_user_without_device_is_sent_to_enrolment(client, newcomer):
    assert password_step(client, newcomer)["Location"] == ENROL


def test_enrolment_page_shows_inline_svg_qr_and_secret(client, newcomer):
    password_step(client, newcomer)
    response = client.get(ENROL)
    device = TOTPDevice.objects.get(user=newcomer, confirmed=False)
    html = response.content.decode()
    assert response.status_code == 200 and "<svg" in html
    assert base64.b32encode(device.bin_key).decode().rstrip("=") in html


def test_enrolment_correct_code_completes_the_log_in(client, newcomer):
    password_step(client, newcomer)
    client.get(ENROL)
    device = TOTPDevice.objects.get(user=newcomer)
    response = client.post(ENROL, {"token": code_for(device)})
    assert response.status_code == 302 and response["Location"] == "/staf/"
    assert TOTPDevice.objects.get(pk=device.pk).confirmed
    assert is_logged_in(client)


def test_enrolment_wrong_code_does_not_log_in(client, newcomer):
    password_step(client, newcomer)
    client.get(ENROL)
    device = TOTPDevice.objects.get(user=newcomer)
    wrong = f"{(int(code_for(device)) + 1) % 1_000_000:06d}"
    assert client.post(ENROL, {"token": wrong}).status_code == 401
    assert not TOTPDevice.objects.get(pk=device.pk).confirmed
    assert not is_logged_in(client)


def test_enrolment_page_needs_the_password_step(client, newcomer):
    response = client.get(ENROL)
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    assert not TOTPDevice.objects.filter(user=newcomer).exists()


def test_enrolled_user_cannot_enrol_a_second_device(client, verifikator):
    device_of(verifikator)
    password_step(client, verifikator)
    response = client.get(ENROL)
    assert response["Location"] == OTP
    assert TOTPDevice.objects.filter(user=verifikator).count() == 1


def test_item04_a_stranger_cannot_lock_the_owner_out(verifikator, staff):
    """Issue 11 §1: wrong passwords from one place stop that place, not the owner elsewhere;
    the watchers are told once that the account is under attack."""
    from wbs.accounts.models import Alert

    stranger = Client(REMOTE_ADDR="10.0.0.66")
    for _ in range(account_views.LIMIT_ACCOUNT + 3):
        stranger.post(LOGIN, {"username": verifikator.username, "password": "salah-salah"})
    refused = stranger.post(LOGIN, {"username": verifikator.username, "password": PASSWORD})
    assert refused.status_code == 429, "the guessing place stays held back"
    owner = Client(REMOTE_ADDR="10.0.0.7").post(
        LOGIN, {"username": verifikator.username, "password": PASSWORD}
    )
    assert owner.status_code == 302, "the owner logs in from their own desk"
    assert AuditEvent.objects.filter(verb="security.login_attack").count() == 1
    assert Alert.objects.filter(verb="security.login_attack").exists()

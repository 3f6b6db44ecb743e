"""Shared fixtures: organisation data, the recovery key, named personas (after healthchecks'
hc/test.py), and cheap key-derivation costs so the suite stays fast (the real costs are tested
in wbs/vault/tests/test_settings.py and measured in bench/)."""

import os
from pathlib import Path

import pytest
from django.core.management import call_command


@pytest.fixture(autouse=True)
def _fast_kdf(settings, tmp_path):
    settings.WBS_FIGURES_CACHE_SECONDS = 0  # tests move reports directly; no stale counts
    settings.WBS_PASSWORD_OPSLIMIT = 1
    settings.WBS_PASSWORD_MEMLIMIT = 8 * 1024 * 1024
    settings.PASSWORD_HASHERS = ["wbs.accounts.tests.hashers.FastArgon2Hasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "attachments": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "attachments")},
        },
    }
    upload_tmp = tmp_path / "upload-tmp"
    upload_tmp.mkdir()
    settings.FILE_UPLOAD_TEMP_DIR = str(upload_tmp)


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def palembang(db):
    call_command("load_palembang", stdout=open("/dev/null", "w"))  # noqa: SIM115


@pytest.fixture
def recovery(db, settings):
    """The organisation recovery key and trust root, its fingerprint pinned as in production."""
    from wbs.vault import signing
    from wbs.vault.recovery import create_recovery_key

    key, passphrase = create_recovery_key()
    settings.WBS_TRUST_ROOT = signing.fingerprint(key)
    return {"key": key, "passphrase": passphrase}


PASSWORD = "kata-sandi-uji-yang-panjang"


def make_staff(username, roles, *, wilayah=None, approve_with=None):
    """A staff member with `roles`, their own password and key pair. With `approve_with` (the
    recovery passphrase) their key roles are approved as the trust root would: an Inspektur
    certified, everyone listed for their scope — as `manage.py approve_with_recovery` does."""
    from wbs.accounts.services import create_staff_user
    from wbs.cases.roles import grant_directly_with_recovery

    user = create_staff_user(
        username=username,
        password=PASSWORD,
        roles=[] if approve_with else roles,
        full_name=username.title(),
        wilayah=wilayah,
    )
    if approve_with:
        grant_directly_with_recovery(approve_with, user, roles)
        user.refresh_from_db()
    return user


def fingerprint_of(user) -> str:
    """The key fingerprint the person reads from their own My account page (tests take it from
    their bound key-pair row, which is the same): what an approval must be given."""
    from wbs.vault import keys
    from wbs.vault.models import UserKeyPair

    return keys.row_fingerprint(UserKeyPair.objects.filter(user=user).first()) or ""


@pytest.fixture
def staff(palembang, recovery):
    """One persona per role (plus a Penelaah of another wilayah as the outsider). Identity
    custodians: the Inspektur, the Penanggung Jawab and a custodian of their own (k = 2)."""
    from wbs.accounts.models import Role
    from wbs.directory.models import Wilayah

    root = recovery["passphrase"]
    return {
        "verifikator": make_staff("verifikator", [Role.VERIFIKATOR], approve_with=root),
        "inspektur": make_staff("inspektur", [Role.INSPEKTUR, Role.CUSTODIAN], approve_with=root),
        "penelaah": make_staff(
            "penelaah",
            [Role.PENELAAH],
            wilayah=Wilayah.objects.get(code="irban-1"),
            approve_with=root,
        ),
        "penelaah_other": make_staff(
            "penelaah2",
            [Role.PENELAAH],
            wilayah=Wilayah.objects.get(code="irban-2"),
            approve_with=root,
        ),
        "pj": make_staff("pj", [Role.PENANGGUNG_JAWAB, Role.CUSTODIAN], approve_with=root),
        "custodian": make_staff("kustodian", [Role.CUSTODIAN], approve_with=root),
        "pembina": make_staff("pembina", [Role.PEMBINA]),
        "admin": make_staff("admin", [Role.ADMIN]),
    }


def login_staff(client, user, password=PASSWORD):
    """Log `user` in through the real two steps (password, then a TOTP code)."""
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1, throttling_failure_count=0)
    client.post("/staf/masuk/", {"username": user.username, "password": password})
    token = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    response = client.post("/staf/masuk/kode/", {"token": f"{token:06d}"})
    assert response.status_code == 302, response.content[:500]
    return client


@pytest.fixture
def as_staff(staff):
    """A factory: as_staff("verifikator") → a logged-in test client for that persona."""
    from django.test import Client

    def make(role):
        return login_staff(Client(), staff[role])

    return make


# --- browser tests (Playwright driving Debian's Chromium; never a downloaded browser) ---------

# Playwright's sync API runs an event loop in the test thread; Django would then refuse ORM
# calls from that thread (fixtures, factories) unless told that this is deliberate.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]


def _missing(reason: str):
    if os.environ.get("WBS_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason} (WBS_REQUIRE_BROWSER=1: browser tests may not be skipped)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        _missing("Chromium not installed")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - the dev extra installs it
        _missing("Playwright not installed")
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
    except Exception as exc:
        playwright.stop()
        pytest.fail(f"{CHROMIUM} exists but could not be started: {exc}")
    yield chromium
    chromium.close()
    playwright.stop()


@pytest.fixture
def new_context(browser):
    """Factory for browser contexts (closed after the test): new_context(**options)."""
    contexts = []

    def make(**options):
        options.setdefault("viewport", {"width": 360, "height": 740})
        context = browser.new_context(**options)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()

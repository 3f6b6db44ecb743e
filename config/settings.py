"""The one settings module. Everything that differs between installations is read from the
environment through the strict parsers in config/env.py. Defaults are the secure ones: DEBUG off,
HTTPS on, no built-in secret outside demo/test mode."""

import secrets
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.env import (
    demo_network_hosts,
    envbool,
    envint,
    envlist,
    envstr,
    secret_from_env_or_file,
)
from wbs.private_files import private_dir, write_private

BASE_DIR = Path(__file__).resolve().parent.parent
# Test mode (fast local secrets, HTTP cookies): set by the test run itself (config/pytest_mode.py).
TESTING = envbool("WBS_TESTING", False)

DEBUG = envbool("DEBUG", False)
# Demo mode: generated secrets under WBS_DATA_DIR, demo accounts, console e-mail.
DEMO = envbool("WBS_DEMO", False)
# Served over HTTPS (production). Off only for the local demo and the tests on http://127.0.0.1.
HTTPS = envbool("WBS_HTTPS", not (DEMO or TESTING))

DATA_DIR = Path(envstr("WBS_DATA_DIR", str(BASE_DIR / "var")))


def _local_secret(name: str) -> str:
    """A secret generated once and kept in a 0600 file: only in demo, debug and test mode."""
    if not (DEMO or DEBUG or TESTING):
        raise ImproperlyConfigured(
            f"Set {name} (or {name}_FILE): production has no built-in secret."
        )
    path = DATA_DIR / "secrets" / name.lower()
    if not path.exists():
        private_dir(DATA_DIR)
        private_dir(path.parent)
        write_private(path, secrets.token_urlsafe(48))
    return path.read_text(encoding="ascii").strip()


SECRET_KEY = secret_from_env_or_file("SECRET_KEY") or _local_secret("SECRET_KEY")
# Pepper for keyed lookups (access codes, rate-limit keys). It lives outside the database on
# purpose: a stolen database alone cannot test guesses against the stored hashes.
WBS_PEPPER = secret_from_env_or_file("WBS_PEPPER") or _local_secret("WBS_PEPPER")
if len(WBS_PEPPER) < 32:
    raise ImproperlyConfigured("WBS_PEPPER must be at least 32 characters")


def _local_value(name: str) -> str:
    """A value `init_vault` keeps in WBS_DATA_DIR/secrets in demo and debug mode."""
    path = DATA_DIR / "secrets" / name.lower()
    if (DEMO or DEBUG) and path.exists():
        return path.read_text(encoding="ascii").strip()
    return ""


# The fingerprint of the organisation's trust root (the recovery key's signing half), printed
# by `manage.py init_vault`. Pinned here, outside the database: a database writer who replaces
# the root gets no signature accepted. Unset, no report key is sealed to any staff member.
WBS_TRUST_ROOT = secret_from_env_or_file("WBS_TRUST_ROOT") or _local_value("WBS_TRUST_ROOT")
# How many identity custodians must approve before a reporter's identity opens (k of n).
WBS_IDENTITY_QUORUM = envint("WBS_IDENTITY_QUORUM", 2, minimum=2)

# `HOST=0.0.0.0 make demo` (a phone on the local network): the demo answers to this machine's
# names and addresses too. Demo mode only: production lists its hosts in ALLOWED_HOSTS.
DEMO_HOST = envstr("WBS_DEMO_HOST", "")
if DEMO_HOST and not DEMO:
    raise ImproperlyConfigured("WBS_DEMO_HOST is for the demo only (WBS_DEMO=True).")
ALLOWED_HOSTS = envlist(
    "ALLOWED_HOSTS",
    ["localhost", "127.0.0.1", "[::1]", *demo_network_hosts(DEMO_HOST)]
    if (DEMO or DEBUG or TESTING)
    else [],
)
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks",
    "django_tasks_db",
    "wbs.directory",
    "wbs.vault",
    "wbs.accounts",
    "wbs.audit",
    "wbs.cases",
    "wbs.intake",
    "wbs.monitoring",
    "wbs.administration",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "wbs.intake.middleware.RequestSizeLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "wbs.intake.csrf.PrivacyCsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "wbs.audit.acting.ActingUserMiddleware",
    "wbs.accounts.middleware.SessionTimeoutMiddleware",
    "wbs.vault.middleware.KeyringMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "wbs.intake.middleware.PrivacyHeadersMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wbs.directory.context_processors.organisation",
                "wbs.accounts.context_processors.alerts",
                "wbs.accounts.context_processors.idle",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        envstr("DATABASE_URL", f"sqlite:///{DATA_DIR / 'wbs.sqlite3'}"),
        # Persistent connections save a connection set-up (~4 ms) per request on PostgreSQL.
        conn_max_age=envint(
            "DATABASE_CONN_MAX_AGE",
            60 if envstr("DATABASE_URL", "").startswith(("postgres", "pgsql")) else 0,
            minimum=0,
        ),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )
    DATABASES["default"]["TEST"] = {"NAME": envstr("WBS_TEST_SQLITE_NAME")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = envstr("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Inbox counts and figures are cached per version of the reports' metadata (exact: every
# change invalidates them); 0 turns the cache off. Only with a shared cache (Redis) by default:
# a per-process memory cache would miss the bumps made by other processes (worker, cron).
WBS_FIGURES_CACHE_SECONDS = envint("WBS_FIGURES_CACHE_SECONDS", 300 if REDIS_URL else 0, minimum=0)

AUTH_USER_MODEL = "accounts.User"
# The record whose keys the vault's grants and access codes hold (wbs/vault/models.py).
WBS_VAULT_REPORT_MODEL = "cases.Report"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "wbs.accounts.validators.MaximumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:staff_login"

# Sessions: server-side (database), a browser-session cookie only, never a persistent one.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_NAME = "__Host-wbs-session" if HTTPS else "wbs-session"
SESSION_COOKIE_SECURE = HTTPS
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Strict"
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_AGE = 8 * 60 * 60  # absolute backstop; idle limits live in SessionTimeoutMiddleware
WBS_REPORTER_IDLE_SECONDS = envint("WBS_REPORTER_IDLE_SECONDS", 30 * 60, minimum=60)
WBS_STAFF_IDLE_SECONDS = envint("WBS_STAFF_IDLE_SECONDS", 30 * 60, minimum=60)
WBS_STAFF_ABSOLUTE_SECONDS = envint("WBS_STAFF_ABSOLUTE_SECONDS", 8 * 60 * 60, minimum=60)
# Staff pages warn this long before the idle limit (static/wbs/idle.js).
WBS_IDLE_WARNING_SECONDS = envint("WBS_IDLE_WARNING_SECONDS", 2 * 60, minimum=10)
WBS_DRAFT_COOKIE_NAME = "__Host-wbs-draft" if HTTPS else "wbs-draft"
# Text sent after a session expired is held (encrypted, key in the browser) this long.
WBS_HELD_TEXT_HOURS = envint("WBS_HELD_TEXT_HOURS", 24, minimum=1)
# The second half of the session keyring: a random key in its own cookie (see wbs/vault/keyring.py).
WBS_KEYRING_COOKIE_NAME = "__Host-wbs-keyring" if HTTPS else "wbs-keyring"

CSRF_COOKIE_NAME = "__Host-wbs-csrf" if HTTPS else "wbs-csrf"
CSRF_COOKIE_SECURE = HTTPS
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Strict"
CSRF_COOKIE_AGE = None  # a browser-session cookie, like every cookie here
CSRF_FAILURE_VIEW = "wbs.intake.views.csrf_failure"

SECURE_SSL_REDIRECT = HTTPS and envbool("WBS_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS and envbool("WBS_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "no-referrer"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if envbool("WBS_BEHIND_PROXY", False):
    # Only when a trusted reverse proxy terminates TLS and sets this header itself.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = False

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}

LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Jakarta"
# Our Indonesian date style (config/formats/id): the same in every screen and the admin.
FORMAT_MODULE_PATH = ["config.formats"]
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(DATA_DIR / "media")},
    },
    # Attachments hold ciphertext only. Any Django storage works (an S3-compatible one from
    # django-storages, for instance): set WBS_ATTACHMENT_STORAGE to its dotted path.
    "attachments": {
        "BACKEND": envstr("WBS_ATTACHMENT_STORAGE", "django.core.files.storage.FileSystemStorage"),
        "OPTIONS": (
            {
                "location": envstr("WBS_ATTACHMENT_DIR", str(DATA_DIR / "attachments")),
                "file_permissions_mode": 0o600,
                "directory_permissions_mode": 0o700,
            }
            if envstr("WBS_ATTACHMENT_STORAGE") is None
            else {}
        ),
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if (DEBUG or TESTING or DEMO)
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        ),
    },
}
WHITENOISE_USE_FINDERS = DEBUG or DEMO or TESTING

# Uploads: every chunk is encrypted before it can reach a temporary file (wbs/vault/uploads.py).
FILE_UPLOAD_HANDLERS = ["wbs.vault.uploads.EncryptingUploadHandler"]
FILE_UPLOAD_TEMP_DIR = str(DATA_DIR / "tmp")
FILE_UPLOAD_PERMISSIONS = 0o600
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024  # non-file fields of one request
DATA_UPLOAD_MAX_NUMBER_FIELDS = 400
DATA_UPLOAD_MAX_NUMBER_FILES = 20
WBS_MAX_FILE_BYTES = envint("WBS_MAX_FILE_MB", 20, minimum=1) * 1024 * 1024
WBS_MAX_REPORT_BYTES = envint("WBS_MAX_REPORT_MB", 100, minimum=1) * 1024 * 1024
WBS_MAX_FILES_PER_REQUEST = 10
# Evidence held across the report form's round trips (wbs/vault/held_files.py), in all.
WBS_HELD_FILES_MAX_MB = envint("WBS_HELD_FILES_MAX_MB", 2048, minimum=100)
# Virus scanning through a ClamAV daemon: "unix:/run/clamav/clamd.ctl" or "tcp:HOST:PORT";
# empty turns it off (docs/adr/0010-antivirus.md).
WBS_CLAMAV = envstr("WBS_CLAMAV", "")
WBS_CLAMAV_TIMEOUT = envint("WBS_CLAMAV_TIMEOUT", 30, minimum=1)

# Vault cost parameters for passwords (stored next to each wrapped key, so raising them later
# is safe). Access codes take no password-hashing cost: docs/adr/0016.
WBS_PASSWORD_OPSLIMIT = envint("WBS_PASSWORD_OPSLIMIT", 3, minimum=1, maximum=16)
WBS_PASSWORD_MEMLIMIT = (
    envint("WBS_PASSWORD_MEMLIMIT_MIB", 64, minimum=8, maximum=1024) * 1024 * 1024
)

# Abuse limits (wbs/intake/ratelimit.py). Per session they stop a guesser at once; per address
# (a keyed, hourly-rotating hash kept only in the cache) they are high enough for a whole office.
WBS_LOOKUP_FAILS_PER_SESSION = envint("WBS_LOOKUP_FAILS_PER_SESSION", 5, minimum=1)
WBS_LOOKUP_FAILS_PER_ADDRESS_HOUR = envint("WBS_LOOKUP_FAILS_PER_ADDRESS_HOUR", 300, minimum=1)
WBS_LOOKUP_FAILS_GLOBAL_ALARM_HOUR = envint("WBS_LOOKUP_FAILS_GLOBAL_ALARM_HOUR", 1000, minimum=1)
WBS_SUBMISSIONS_PER_SESSION_HOUR = envint("WBS_SUBMISSIONS_PER_SESSION_HOUR", 10, minimum=1)
WBS_SUBMISSIONS_PER_ADDRESS_HOUR = envint("WBS_SUBMISSIONS_PER_ADDRESS_HOUR", 300, minimum=1)
# File checks (each evidence file unpacked, decoded, cleaned and scanned) counted before they
# run, refused or not; and the bytes all Office files of one request may unpack to.
WBS_FILE_CHECKS_PER_SESSION_HOUR = envint("WBS_FILE_CHECKS_PER_SESSION_HOUR", 100, minimum=10)
WBS_FILE_CHECKS_PER_ADDRESS_HOUR = envint("WBS_FILE_CHECKS_PER_ADDRESS_HOUR", 1000, minimum=10)
WBS_MAX_UNPACKED_BYTES_PER_REQUEST = (
    envint("WBS_MAX_UNPACKED_MB_PER_REQUEST", 100, minimum=10, maximum=1024) * 1024 * 1024
)
WBS_TRUST_X_FORWARDED_FOR = envbool("WBS_TRUST_X_FORWARDED_FOR", False)


EMAIL_BACKEND = envstr(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if (DEMO or DEBUG)
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = envstr("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 587)
EMAIL_HOST_USER = envstr("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = secret_from_env_or_file("EMAIL_HOST_PASSWORD") or ""
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "wbs@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

TASKS = {
    "default": {
        "BACKEND": envstr("WBS_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # Exceptions are logged as types and frames, never their text (config/logfilters.py).
    "filters": {"redact": {"()": "config.logfilters.RedactExceptionText"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["redact"]},
    },
    "root": {"handlers": ["console"], "level": envstr("WBS_LOG_LEVEL", "INFO")},
    "loggers": {
        # runserver's request lines name the path only; reporter paths carry no secret.
        "django.server": {"level": "WARNING" if not DEBUG else "INFO"},
        # Never mail error reports: they would carry request data.
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "pikepdf": {"level": "WARNING"},
    },
}
ADMINS: list[tuple[str, str]] = []
# security.W003 looks for Django's CSRF middleware by name; ours is its subclass
# (wbs.intake.csrf.PrivacyCsrfViewMiddleware, ADR 0007), so the check does not apply.
SILENCED_SYSTEM_CHECKS = ["security.W003"]

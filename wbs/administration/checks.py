"""Deployment checks (`manage.py check --deploy`) for checklist item 41 (ASVS 13.2.1–13.2.3):
the backing services must require authentication even on the same machine; and the trust root
(ADR 0013) must be pinned, or no report key is sealed to any staff member."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def backing_services_authenticate(app_configs=None, **kwargs):
    return problems_of(settings.REDIS_URL, settings.DATABASES["default"], settings.WBS_CLAMAV)


@register(Tags.security, deploy=True)
def trust_root_pinned(app_configs=None, **kwargs):
    return trust_root_problems(settings.WBS_TRUST_ROOT)


def trust_root_problems(pinned: str) -> list[Warning]:
    digits = "".join(ch for ch in (pinned or "") if ch.isalnum())
    if len(digits) == 64 and all(ch in "0123456789abcdefABCDEF" for ch in digits):
        return []
    return [
        Warning(
            "WBS_TRUST_ROOT is not set to a trust-root fingerprint: no report key will be "
            "sealed to any staff member (only to the recovery key).",
            hint="Set WBS_TRUST_ROOT (or WBS_TRUST_ROOT_FILE) to the fingerprint that "
            "`manage.py init_vault` printed (64 hexadecimal digits in groups of four).",
            id="wbs.W044",
        )
    ]


def problems_of(redis_url: str, database: dict, clamav: str) -> list[Warning]:
    problems = []
    if redis_url:
        parts = urlsplit(redis_url)
        if parts.scheme in ("redis", "rediss") and not parts.password:
            problems.append(
                Warning(
                    "REDIS_URL has no password: any local process could read or reset the "
                    "rate-limit counters.",
                    hint="Set requirepass (or an ACL user) in redis.conf and put it in REDIS_URL "
                    "(redis://:PASSWORD@127.0.0.1:6379/0), or use a Unix socket "
                    "(unix:///run/redis/redis.sock) readable only by the wbs group.",
                    id="wbs.W041",
                )
            )
    host = database.get("HOST") or ""
    if (
        database["ENGINE"] == "django.db.backends.postgresql"
        and host
        and not host.startswith("/")
        and not database.get("PASSWORD")
    ):
        problems.append(
            Warning(
                "DATABASE_URL reaches PostgreSQL over TCP without a password.",
                hint="Use the local socket with peer authentication (postgres:///wbs) or a "
                "password with scram-sha-256 in pg_hba.conf.",
                id="wbs.W042",
            )
        )
    if clamav.startswith("tcp:"):
        problems.append(
            Warning(
                "WBS_CLAMAV uses TCP, where clamd has no authentication.",
                hint="Use clamd's Unix socket (unix:/run/clamav/clamd.ctl) with the wbs user in "
                "the clamav group.",
                id="wbs.W043",
            )
        )
    return problems

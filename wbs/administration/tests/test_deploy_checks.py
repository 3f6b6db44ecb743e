"""Checklist item 41 (ASVS 13.2.1–13.2.3): `check --deploy` warns when a backing service can be
reached without authentication. (Whether the services really refuse an unauthenticated
connection is a property of the installation; the manual's steps set it up, these checks catch
a configuration that forgot it.)"""

from wbs.administration.checks import backing_services_authenticate, problems_of

POSTGRES = "django.db.backends.postgresql"
SQLITE = {"ENGINE": "django.db.backends.sqlite3", "NAME": "wbs.sqlite3"}


def _ids(settings, *, redis="", db=SQLITE, clamav=""):
    return [w.id for w in problems_of(redis, db, clamav)]


def test_the_check_reads_the_settings(settings):
    settings.REDIS_URL = "redis://127.0.0.1:6379/0"
    assert "wbs.W041" in [w.id for w in backing_services_authenticate()]


def test_item41_redis_without_a_password_is_flagged(settings):
    assert "wbs.W041" in _ids(settings, redis="redis://127.0.0.1:6379/0")


def test_item41_redis_with_a_password_or_a_socket_passes(settings):
    assert _ids(settings, redis="redis://:rahasia@127.0.0.1:6379/0") == []
    assert _ids(settings, redis="redis://wbs:rahasia@127.0.0.1:6379/0") == []
    assert _ids(settings, redis="unix:///run/redis/redis.sock") == []


def test_item41_postgres_over_tcp_without_a_password_is_flagged(settings):
    db = {"ENGINE": POSTGRES, "NAME": "wbs", "HOST": "127.0.0.1", "PASSWORD": ""}
    assert _ids(settings, db=db) == ["wbs.W042"]


def test_item41_postgres_with_peer_socket_or_password_passes(settings):
    socket = {"ENGINE": POSTGRES, "NAME": "wbs", "HOST": "", "PASSWORD": ""}
    socket_dir = {"ENGINE": POSTGRES, "NAME": "wbs", "HOST": "/run/postgresql", "PASSWORD": ""}
    password = {"ENGINE": POSTGRES, "NAME": "wbs", "HOST": "db", "PASSWORD": "rahasia"}
    for db in (socket, socket_dir, password):
        assert _ids(settings, db=db) == []


def test_item41_clamd_over_tcp_is_flagged_and_its_socket_is_not(settings):
    assert _ids(settings, clamav="tcp:127.0.0.1:3310") == ["wbs.W043"]
    assert _ids(settings, clamav="unix:/run/clamav/clamd.ctl") == []


def test_an_unpinned_trust_root_is_flagged_and_a_fingerprint_passes():
    from wbs.administration.checks import trust_root_problems

    assert [w.id for w in trust_root_problems("")] == ["wbs.W044"]
    assert [w.id for w in trust_root_problems("not-a-fingerprint")] == ["wbs.W044"]
    assert trust_root_problems("ABCD-" * 15 + "ABCD") == []

"""Fault drill (issue 11 §3): every migration applied forward on a populated database, on
SQLite and on PostgreSQL. A demo installation with seeded reports, one with evidence, is
rolled back to the first migration of every app and migrated forward again: every row is still
there, the attachment store still matches, and the report still opens with its access code."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DEMO = str(ROOT / "wbs-demo")
# Dependents first, so that each step back only touches its own app.
APPS = [
    "intake",
    "administration",
    "monitoring",
    "cases",
    "audit",
    "accounts",
    "directory",
    "vault",
]
COUNTS = (
    "import json\n"
    "from django.apps import apps\n"
    "names = ['cases.Report', 'cases.Attachment', 'cases.Accused', 'vault.KeyGrant',\n"
    "         'audit.AuditEvent', 'accounts.User', 'directory.Unit', 'cases.StatusChange']\n"
    "print('DRILL ' + json.dumps({n: apps.get_model(n).objects.count() for n in names}))\n"
)
SUBMIT = (
    "from wbs.cases.tests.helpers import checked_upload\n"
    "from wbs.intake.tests.factories import submit\n"
    "report, receipt = submit(title='Laporan sebelum migrasi', uploads=[checked_upload()])\n"
    "print('DRILL ' + receipt.access_code)\n"
)
OPEN = (
    "from wbs.vault import access\n"
    "from wbs.cases.sealing import open_title\n"
    "from wbs.cases import evidence\n"
    "report, keyring = access.open_with_access_code({code!r})\n"
    "[attachment] = report.attachments.all()\n"
    "_info, chunks = evidence.open_attachment(keyring, attachment)\n"
    "print('DRILL ' + open_title(keyring, report) + ' | ' + b''.join(chunks).decode().strip())\n"
)


def _run(env, *args, timeout=600) -> str:
    done = subprocess.run(
        [DEMO, *args], env=env, capture_output=True, text=True, timeout=timeout, cwd=ROOT
    )
    assert done.returncode == 0, (args, done.stderr[-3000:])
    return done.stdout


def _drill_line(output: str) -> str:
    return next(line for line in output.splitlines() if line.startswith("DRILL "))[6:]


@pytest.fixture(params=["sqlite", "postgresql"])
def environment(request, tmp_path):
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("WBS_", "DJANGO_", "DATABASE_"))
    }
    env["WBS_DATA_DIR"] = str(tmp_path / "var")
    if request.param == "sqlite":
        yield env
        return
    import psycopg

    name = f"wbs_migrations_{secrets.token_hex(4)}"
    admin = "postgresql://postgres@127.0.0.1:5432/postgres"
    try:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError:
        pytest.skip("needs PostgreSQL on 127.0.0.1")
    env["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{name}"
    yield env
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_every_migration_forward_on_a_populated_database(environment):
    env = environment
    _run(env, "migrate", "--noinput", "-v0")
    for command in ("load_palembang", "init_vault", "create_demo_users", "seed_demo"):
        _run(env, command)
    _run(env, "seed_reports", "--count", "30")
    code = _drill_line(_run(env, "shell", "-c", SUBMIT))
    before = json.loads(_drill_line(_run(env, "shell", "-c", COUNTS)))
    assert before["cases.Report"] > 30 and before["cases.Attachment"] >= 1

    for app in APPS:
        _run(env, "migrate", app, "0001", "--noinput", "-v0")
    applied = _run(env, "migrate", "--noinput", "-v1")
    assert applied.count("Applying ") >= len(APPS)  # later migrations of every app ran again

    assert json.loads(_drill_line(_run(env, "shell", "-c", COUNTS))) == before
    assert "[ ]" not in _run(env, "showmigrations")
    _run(env, "reconcile", "--digests", "--strict")
    opened = _drill_line(_run(env, "shell", "-c", OPEN.format(code=code)))
    assert (
        opened
        == "Laporan sebelum migrasi | Catatan pembayaran ISI-BERKAS-5MV tanggal 14 Maret 2025."
    )

"""Issue 12 §8: a newcomer can try every README command. `./wbs-demo` runs a command in the
environment `make demo` uses; bad arguments to the project's commands end in one Indonesian
line (exit status 1, no traceback); `HOST=0.0.0.0 make demo` answers to this machine's
addresses in demo mode only."""

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command, get_commands, load_command_class

from config.env import demo_network_hosts
from wbs.cli import WbsCommand

BASE = Path(settings.BASE_DIR)


def _env(tmp_path, **extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WBS_", "DJANGO_"))}
    return {**env, "WBS_DATA_DIR": str(tmp_path), **extra}


def test_every_project_command_is_a_wbs_command():
    ours = {name: app for name, app in get_commands().items() if app.startswith("wbs.")}
    assert {"create_admin", "export_register", "backup", "seed_reports", "init_vault"} <= set(ours)
    for name, app in ours.items():
        assert isinstance(load_command_class(app, name), WbsCommand), name


def test_the_wrapper_runs_a_command_in_the_demo_environment(tmp_path):
    code = (
        "import os; from django.conf import settings; "
        "print(settings.DEMO, settings.HTTPS, settings.SESSION_COOKIE_NAME, os.getcwd())"
    )
    # From another folder, with nothing of the demo's environment set: the wrapper sets it.
    done = subprocess.run(
        [str(BASE / "wbs-demo"), "shell", "-v", "0", "-c", code],
        cwd=tmp_path,
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "False", "wbs-session", str(tmp_path)]
    # Demo mode made its secrets in the data folder it was given.
    assert (tmp_path / "secrets" / "secret_key").exists()


def test_the_wrapper_words_a_bad_argument_in_one_indonesian_line(tmp_path):
    done = subprocess.run(
        [str(BASE / "wbs-demo"), "purge_expired", "--tidak-ada"],
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        "CommandError: Argumen tidak dikenal: --tidak-ada (lihat manage.py purge_expired --help)"
    ]
    assert "Traceback" not in done.stderr and "usage:" not in done.stderr


def test_the_makefile_runs_the_demo_through_the_wrapper():
    makefile = (BASE / "Makefile").read_text()
    assert "DEMO := sh ./wbs-demo" in makefile
    assert "manage.py" not in makefile.split("demo: install")[1].split("# Sets up and runs")[0]


# --- errors of the administration commands ------------------------------------------------------


def test_an_unknown_username_is_named_in_indonesian(db):
    with pytest.raises(CommandError) as caught:
        call_command("approve_with_recovery", "tidak.ada", fingerprint="ABCD")
    assert str(caught.value) == "Tidak ada petugas aktif bernama tidak.ada."


def test_a_missing_option_is_named_in_indonesian(db):
    with pytest.raises(CommandError) as caught:
        call_command("approve_with_recovery", "siapa")
    assert str(caught.value) == (
        "Argumen wajib belum diberikan: --fingerprint "
        "(lihat manage.py approve_with_recovery --help)"
    )


def test_a_closed_passphrase_prompt_is_one_indonesian_line(db, monkeypatch):
    def closed(prompt=""):
        raise EOFError

    monkeypatch.setattr("getpass.getpass", closed)
    with pytest.raises(CommandError, match=r"^Frasa sandi tidak dimasukkan\.$"):
        call_command("upgrade_vault", stdout=io.StringIO())


def test_a_backup_folder_that_cannot_be_made_is_named(db, tmp_path):
    blocker = tmp_path / "berkas"
    blocker.write_text("bukan folder")
    with pytest.raises(CommandError) as caught:
        call_command("backup", output=str(blocker / "cadangan"), stdout=io.StringIO())
    assert str(caught.value).startswith(f"Tidak dapat memakai {blocker}")
    assert str(caught.value).endswith(": sebagian jalurnya bukan folder")


def test_the_message_is_indonesian_whatever_language_is_active(db):
    from django.utils import translation

    with translation.override("en"), pytest.raises(CommandError) as caught:
        call_command("approve_with_recovery", "tidak.ada", fingerprint="ABCD")
    assert str(caught.value) == "Tidak ada petugas aktif bernama tidak.ada."


# --- HOST=0.0.0.0 make demo ---------------------------------------------------------------------


def _settings_in(tmp_path, **env):
    code = "from django.conf import settings; print(repr(settings.ALLOWED_HOSTS))"
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=BASE,
        env=_env(tmp_path, DJANGO_SETTINGS_MODULE="config.settings", **env),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_network_demo_answers_to_this_machines_addresses(tmp_path):
    done = _settings_in(tmp_path, WBS_DEMO="True", WBS_DEMO_HOST="0.0.0.0")  # noqa: S104
    assert done.returncode == 0, done.stderr
    hosts = eval(done.stdout)  # noqa: S307 - the repr of a list of strings printed above
    assert hosts[:3] == ["localhost", "127.0.0.1", "[::1]"]
    assert hosts[3:] == demo_network_hosts("0.0.0.0")  # noqa: S104
    assert len(hosts) > 3  # at least the machine's name


def test_the_local_demo_answers_to_loopback_only(tmp_path):
    done = _settings_in(tmp_path, WBS_DEMO="True", WBS_DEMO_HOST="127.0.0.1")
    assert eval(done.stdout) == ["localhost", "127.0.0.1", "[::1]"]  # noqa: S307


def test_the_demo_host_is_refused_outside_demo_mode(tmp_path):
    production = {
        "SECRET_KEY": "x" * 50,
        "WBS_PEPPER": "p" * 40,
    }
    done = _settings_in(tmp_path, **production)
    assert eval(done.stdout) == []  # noqa: S307 - production: only the hosts it lists
    done = _settings_in(tmp_path, WBS_DEMO_HOST="0.0.0.0", **production)  # noqa: S104
    assert done.returncode == 1
    assert "WBS_DEMO_HOST is for the demo only (WBS_DEMO=True)." in done.stderr


def test_demo_network_hosts():
    assert demo_network_hosts("127.0.0.1") == demo_network_hosts("") == []
    assert demo_network_hosts("192.168.1.5") == ["192.168.1.5"]
    assert demo_network_hosts("fd00::5") == ["[fd00::5]"]
    everything = demo_network_hosts("0.0.0.0")  # noqa: S104
    assert f"{os.uname().nodename}.local" in everything
    assert not any(host.startswith("127.") for host in everything)

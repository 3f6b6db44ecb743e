"""Issue 11 §1: the SQLite database, the data folder, its secrets and every backup folder are
the application user's alone (0600 files, 0700 folders) whatever the umask — `database.json`
holds password hashes and TOTP secrets."""

import io
import os
import stat
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from wbs import private_files
from wbs.monitoring.tests import fixtures as fx

BASE = Path(settings.BASE_DIR)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


@pytest.fixture
def open_umask():
    """The loosest umask: whatever is created is readable by everyone unless made private."""
    old = os.umask(0)
    yield
    os.umask(old)


@pytest.mark.django_db
def test_a_backup_is_private_from_the_first_byte(staff, recovery, tmp_path, open_umask):
    fx.submit_with_attachment(title="JUDUL-LAMPIRAN-P4K")
    folder = tmp_path / "cadangan" / "2026-12-03"
    call_command("backup", output=str(folder), stdout=io.StringIO(), stderr=io.StringIO())
    paths = [folder, *folder.rglob("*")]
    assert any(p.name == "database.json" for p in paths)
    assert any(p.is_file() and "attachments" in p.parts for p in paths)
    for path in paths:
        assert _mode(path) == (0o700 if path.is_dir() else 0o600), path


def test_helpers_create_private_files_and_folders(tmp_path, open_umask):
    folder = private_files.private_dir(tmp_path / "a" / "b")
    private_files.write_private(folder / "rahasia", "isi")
    with private_files.open_private(folder / "lain", "w") as fh:
        fh.write("isi")
    private_files.private_file(folder / "db.sqlite3")
    assert _mode(folder) == 0o700
    for name in ("rahasia", "lain", "db.sqlite3"):
        assert _mode(folder / name) == 0o600
    # An existing readable file is made private, and writing into it keeps it so.
    loose = folder / "lama"
    loose.write_text("x")
    loose.chmod(0o644)
    private_files.write_private(loose, "y")
    assert _mode(loose) == 0o600 and loose.read_text() == "y"


def test_a_symlink_is_not_followed(tmp_path):
    target = tmp_path / "target"
    target.write_text("x")
    target.chmod(0o644)
    link = tmp_path / "link"
    link.symlink_to(target)
    with pytest.raises(OSError):
        private_files.write_private(link, "y")
    assert target.read_text() == "x"


def test_the_demo_data_folder_and_sqlite_database_are_private(tmp_path):
    """A fresh demo under the loosest umask: `migrate` creates the data folder, the secrets
    and the SQLite database (with its -wal and -shm files) private."""
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("WBS_", "DJANGO_", "DATABASE_"))
    }
    data = tmp_path / "var"
    done = subprocess.run(
        [str(BASE / "wbs-demo"), "migrate", "-v0", "--noinput"],
        env={**env, "WBS_DATA_DIR": str(data)},
        umask=0,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr
    database = data / "wbs.sqlite3"
    assert database.exists() and database.stat().st_size > 0
    assert _mode(data) == 0o700 and _mode(data / "secrets") == 0o700
    for path in [database, *data.glob("wbs.sqlite3-*"), *(data / "secrets").iterdir()]:
        assert _mode(path) == 0o600, path
    assert _mode(data / "tmp") == 0o700

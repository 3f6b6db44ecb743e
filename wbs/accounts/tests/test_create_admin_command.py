"""Issue 12 §8: create_admin's bad arguments end in one Indonesian line, not a traceback."""

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command


def test_a_missing_username_is_one_indonesian_line(tmp_path):
    done = subprocess.run(
        [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), "create_admin", "--email"],
        env={**os.environ, "WBS_DATA_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        "CommandError: --email memerlukan nilai (lihat manage.py create_admin --help)"
    ]
    assert "Traceback" not in done.stderr


def test_a_taken_username_is_named_in_indonesian(db):
    call_command("create_admin", "admin.satu", stdout=io.StringIO())
    with pytest.raises(CommandError) as caught:
        call_command("create_admin", "admin.satu", stdout=io.StringIO())
    assert str(caught.value) == "Nama pengguna admin.satu sudah dipakai."

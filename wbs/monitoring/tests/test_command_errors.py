"""Issue 12 §8: the export commands' bad arguments end in one Indonesian line, exit status 1,
no traceback and no argparse usage text."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command


def _manage(tmp_path, *args):
    env = {**os.environ, "WBS_DATA_DIR": str(tmp_path)}
    return subprocess.run(
        [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["export_register", "--from", "31-12-2026", "--to", "2026-12-31", "--output", "r"],
            "--from: 31-12-2026 bukan tanggal (TTTT-BB-HH) "
            "(lihat manage.py export_register --help)",
        ),
        (
            ["export_recap", "--year", "dua-ribu", "--output", "r"],
            "--year: 'dua-ribu' bukan bilangan bulat (lihat manage.py export_recap --help)",
        ),
        (
            ["export_recap", "--year", "2026", "--format", "doc", "--output", "r"],
            "--format: 'doc' bukan salah satu dari 'pdf', 'xlsx' "
            "(lihat manage.py export_recap --help)",
        ),
        (
            ["export_recap", "--year", "2026"],
            "Argumen wajib belum diberikan: --output (lihat manage.py export_recap --help)",
        ),
    ],
)
def test_a_bad_argument_is_one_indonesian_line(tmp_path, args, message):
    done = _manage(tmp_path, *args)
    assert done.returncode == 1
    assert done.stderr.splitlines() == [f"CommandError: {message}"]
    assert done.stdout == ""


def test_a_year_out_of_range_is_refused_in_indonesian(db):
    with pytest.raises(CommandError, match=r"^--year harus antara 2000 dan 2100\.$"):
        call_command("export_recap", "--year", "1990", "--output", "r")


def test_a_reversed_period_is_refused_in_indonesian(db):
    with pytest.raises(CommandError, match=r"^--to lebih awal daripada --from\.$"):
        call_command(
            "export_register", "--from", "2026-02-01", "--to", "2026-01-01", "--output", "r"
        )


def test_an_output_in_a_missing_folder_is_named_not_a_traceback(db, tmp_path):
    target = tmp_path / "tidak-ada" / "rekap.xlsx"
    with pytest.raises(CommandError) as caught:
        call_command("export_recap", "--year", "2026", "--format", "xlsx", "--output", str(target))
    assert str(caught.value) == f"Tidak dapat memakai {target}: berkas atau folder tidak ada"

"""Issue 12 §8: the seeding commands' refusals are in Indonesian."""

import io

import pytest
from django.core.management import CommandError, call_command


def test_seed_reports_refuses_a_count_below_one(db):
    with pytest.raises(CommandError, match=r"^--count minimal 1\.$"):
        call_command("seed_reports", count=0, stdout=io.StringIO())


def test_seed_demo_outside_demo_mode_points_to_the_wrapper(db, settings):
    settings.DEMO = False
    with pytest.raises(CommandError) as caught:
        call_command("seed_demo", stdout=io.StringIO())
    assert str(caught.value) == (
        "Data demo hanya ada di mode demo (WBS_DEMO=True): pakai ./wbs-demo."
    )

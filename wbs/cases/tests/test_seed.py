"""manage.py seed_reports (issue 3 §9) and seed_demo: every workflow state holds some reports,
the content is really encrypted and opens with the receiving staff's keys; demo-only guard."""

import io

import pytest
from django.core.management import CommandError, call_command

from wbs.cases import sealing
from wbs.cases.models import Report, Status
from wbs.cases.tests.helpers import keyring_of
from wbs.directory.models import OrganisationProfile

pytestmark = pytest.mark.django_db


def test_seed_reports_fills_every_state_with_openable_reports(staff):
    out = io.StringIO()
    call_command("seed_reports", count=150, seed=7, stdout=out)
    assert Report.objects.count() == 150
    states = set(Report.objects.values_list("status", flat=True))
    assert states == {s.value for s in Status}, f"empty states: {set(Status) - states}"
    report = Report.objects.order_by("pk").first()
    title = sealing.open_title(keyring_of(staff["verifikator"]), report)
    assert title and title not in str(Report.objects.filter(pk=report.pk).values().get())
    years = {d.year for d in Report.objects.values_list("received_on", flat=True)}
    assert {2024, 2025} <= years


def test_seed_demo_refuses_outside_demo_mode(staff, settings):
    settings.DEMO = False
    with pytest.raises(CommandError):
        call_command("seed_demo", count=3, stdout=io.StringIO())
    assert not Report.objects.exists()


def test_seed_demo_adds_reports_and_a_fictional_signatory_once(staff, settings):
    settings.DEMO = True
    call_command("seed_demo", count=5, stdout=io.StringIO())
    assert Report.objects.count() == 5
    profile = OrganisationProfile.get()
    assert "fiktif" in profile.head_name and profile.head_nip
    profile.head_name = "Nama Pilihan Admin"
    profile.save()
    call_command("seed_demo", count=5, stdout=io.StringIO())  # second run: nothing changes
    assert Report.objects.count() == 5
    assert OrganisationProfile.get().head_name == "Nama Pilihan Admin"

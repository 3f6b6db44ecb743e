import pytest
from django.urls import reverse

from wbs.intake.tests.factories import submit

pytestmark = pytest.mark.django_db


def test_verifikator_sees_inbox_and_case(as_staff, staff):
    report, _ = submit(title="Judul untuk staf")
    client = as_staff("verifikator")
    assert "Judul untuk staf" in client.get(reverse("cases:inbox")).content.decode()
    page = client.get(reverse("cases:case", args=[report.registration_number]))
    assert "Judul untuk staf" in page.content.decode()

import pytest
from django.urls import reverse

from wbs.intake.tests.factories import submit

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", ["inspektur", "pj", "pembina"])
def test_dashboard(as_staff, staff, role):
    for _ in range(4):
        submit()
    client = as_staff(role)
    response = client.get(reverse("monitoring:dashboard"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<svg" in html
    if role == "pembina":
        assert "&lt;3" in html or "<3" in html


def test_recap_and_register(as_staff, staff):
    submit()
    client = as_staff("inspektur")
    assert (
        client.get(reverse("monitoring:recap") + "?format=pdf")["Content-Type"] == "application/pdf"
    )
    assert client.get(reverse("monitoring:recap") + "?format=xlsx").status_code == 200
    r = client.post(reverse("monitoring:register"), {"include_text": "on"})
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd")

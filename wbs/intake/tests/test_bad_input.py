"""Issue #2 §6: oversized requests, wrong types, broken multipart, huge text fields, path
tricks — each gets a clear refusal and stores nothing partial."""

import pytest
from django.test import Client
from django.urls import reverse

from wbs.cases.models import Report
from wbs.intake.tests.factories import form_data

pytestmark = pytest.mark.django_db


def test_huge_text_field_is_refused_and_stores_nothing(client, staff):
    response = client.post(
        reverse("intake:report_new"), form_data(description="x" * (2 * 1024 * 1024))
    )
    assert response.status_code in (400, 413) and Report.objects.count() == 0


def test_text_over_the_field_limit_keeps_the_form(client, staff):
    response = client.post(reverse("intake:report_new"), form_data(title="j" * 500))
    assert response.status_code == 400 and Report.objects.count() == 0
    assert 'name="description"' in response.content.decode()


def test_broken_multipart_gets_a_clear_400(staff):
    body = b'--XYZ\r\nContent-Disposition: form-data; name="title"\r\n\r\nabc'  # no end
    response = Client().generic(
        "POST", reverse("intake:report_new"), body, content_type="multipart/form-data; boundary=XYZ"
    )
    assert response.status_code == 400 and Report.objects.count() == 0


def test_multipart_without_boundary_gets_a_clear_400(staff):
    response = Client().generic(
        "POST", reverse("intake:report_new"), b"abc", content_type="multipart/form-data"
    )
    assert response.status_code == 400 and Report.objects.count() == 0
    assert response.context["message"] == (
        "Formulir tidak dapat dibaca (mungkin rusak atau terlalu besar). Silakan coba lagi."
    )


def test_api_broken_multipart_gets_json(staff):
    body = b'--XYZ\r\nContent-Disposition: form-data; name="title"\r\n\r\nabc'
    response = Client().generic(
        "POST", "/api/v1/reports", body, content_type="multipart/form-data; boundary=XYZ"
    )
    assert response.status_code == 400 and "error" in response.json()


def test_wrong_type_for_a_choice_is_refused(client, staff):
    response = client.post(reverse("intake:report_new"), form_data(category="bukan-angka"))
    assert response.status_code == 400 and Report.objects.count() == 0


def test_unknown_unit_is_refused(client, staff):
    response = client.post(reverse("intake:report_new"), form_data(unit="999999"))
    assert response.status_code == 400
    assert response.context["form"].errors == {
        "unit": [
            "Masukkan pilihan yang valid. Pilihan tersebut bukan salah satu dari pilihan yang "
            "tersedia."
        ]
    }
    assert Report.objects.count() == 0


def test_too_many_form_fields_are_refused(client, staff):
    data = form_data()
    data.update({f"extra{i}": "x" for i in range(1000)})
    response = client.post(reverse("intake:report_new"), data)
    assert response.status_code == 400 and Report.objects.count() == 0


def test_api_huge_json_body_is_refused(staff):
    response = Client().post(
        "/api/v1/reports", "x" * (3 * 1024 * 1024), content_type="application/json"
    )
    assert response.status_code in (400, 413) and Report.objects.count() == 0

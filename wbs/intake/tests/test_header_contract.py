"""Issue 11 §1: answers made before a view — the request-size guard's 413 and 400, Django's 400
for a bad Host — carry the same header contract as every page."""

import pytest
from django.test import Client, override_settings

pytestmark = pytest.mark.django_db


def _assert_contract(response):
    assert "default-src 'none'" in response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert "camera=()" in response["Permissions-Policy"]


def test_the_413_of_the_size_guard_carries_the_contract(palembang, settings):
    response = Client().post(
        "/lapor/", data=b"x", content_type="text/plain", CONTENT_LENGTH=str(10**12)
    )
    assert response.status_code == 413
    _assert_contract(response)


def test_an_unreadable_form_gets_a_400_with_the_contract(palembang):
    response = Client().post(
        "/lapor/", data=b"--broken\r\n", content_type="multipart/form-data; boundary=broken"
    )
    assert response.status_code == 400
    _assert_contract(response)


@override_settings(ALLOWED_HOSTS=["wbs.example.go.id"])
def test_a_bad_host_gets_a_400_with_the_contract(palembang):
    response = Client().get("/", HTTP_HOST="penyerang.example")
    assert response.status_code == 400
    _assert_contract(response)

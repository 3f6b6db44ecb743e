"""Checklist item 36 with no-referrer: same-origin posts carry Origin: null and no Referer."""

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _post(secure=False, **headers):
    client = Client(enforce_csrf_checks=True)
    client.get(reverse("intake:status_login"), secure=secure)
    token = client.cookies["wbs-csrf"].value
    return client.post(
        reverse("intake:status_login"),
        {"access_code": "x", "csrfmiddlewaretoken": token},
        secure=secure,
        **headers,
    )


def test_null_origin_from_the_same_site_is_accepted(palembang):
    response = _post(HTTP_ORIGIN="null", HTTP_SEC_FETCH_SITE="same-origin")
    assert response.status_code == 401  # past CSRF: the code is simply wrong


def test_null_origin_from_another_site_is_refused(palembang):
    assert _post(HTTP_ORIGIN="null", HTTP_SEC_FETCH_SITE="cross-site").status_code == 403


def test_null_origin_without_fetch_metadata_is_refused(palembang):
    assert _post(HTTP_ORIGIN="null").status_code == 403


def test_foreign_origin_is_refused(palembang):
    response = _post(HTTP_ORIGIN="https://evil.example", HTTP_SEC_FETCH_SITE="cross-site")
    assert response.status_code == 403


def test_https_post_without_referer_from_the_same_site_is_accepted(palembang, settings):
    settings.ALLOWED_HOSTS = ["testserver"]
    response = _post(secure=True, HTTP_SEC_FETCH_SITE="same-origin")
    assert response.status_code == 401


def test_https_post_without_referer_or_fetch_metadata_is_refused(palembang):
    assert _post(secure=True).status_code == 403


def test_same_site_post_without_token_is_refused(palembang):
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        reverse("intake:status_login"),
        {"access_code": "x"},
        HTTP_ORIGIN="null",
        HTTP_SEC_FETCH_SITE="same-origin",
    )
    assert response.status_code == 403

"""Issue 11 §1: wrong JSON types never give a 500. Every field of every JSON request body of
the reporter API, sent as a list, a boolean, an object, a number, null and a very deep value,
gets a 400 with the Indonesian message and a field map — and nothing is stored."""

import json

import pytest
from django.test import Client

from wbs.cases.models import Message, Report
from wbs.directory.models import Unit
from wbs.intake.tests.factories import submit

pytestmark = pytest.mark.django_db

API = "/api/v1/"
WRONG = [[1], True, {}, {"a": [1, {"b": None}]}, 12345678901234567890, 1.5, None, "", [[[[]]]]]
SUMMARY = "Beberapa isian tidak valid."


def _report(unit_id):
    return {
        "category": "suap",
        "title": "Suap perizinan",
        "description": "Pemohon izin diminta membayar agar berkas diproses lebih cepat.",
        "unit": unit_id,
        "location": "Mal Pelayanan Publik",
        "incident_date": "2025-01-14",
        "period": "",
        "accused": [{"name": "Fulan", "position": "Staf", "unit": "DPMPTSP"}],
        "estimated_loss": "Rp1.000.000",
        "reported_elsewhere": False,
        "reported_elsewhere_to": "",
        "reporter_type": "asn",
        "declaration": True,
        "identity_mode": "confidential",
        "identity": {"name": "Budi", "nip": "", "unit": "", "contact": ""},
    }


def _post(client, path, body, **headers):
    return client.post(API + path, json.dumps(body), content_type="application/json", **headers)


def _assert_refused(response, field):
    assert response.status_code == 400, (field, response.status_code, response.content[:300])
    body = response.json()
    assert body["error"] and body["fields"], (field, body)
    return body


@pytest.fixture
def unit_id(staff):
    return Unit.objects.get(name="Dinas Penanaman Modal dan PTSP").pk


def test_the_valid_report_body_is_accepted(client, unit_id):
    assert _post(client, "reports", _report(unit_id)).status_code == 201


OPTIONAL_TEXT = {"location", "period", "estimated_loss", "reported_elsewhere_to"}
# The wrong-looking values that are a valid answer: null or "" for an optional field, a whole
# number for a text field (its digits), true for a yes/no. Everything else is refused.
ACCEPTED = {
    "True": {"declaration"},
    "12345678901234567890": {"title", "location", "period", "reported_elsewhere_to"},
    "None": OPTIONAL_TEXT | {"reported_elsewhere"},
    "''": OPTIONAL_TEXT | {"reported_elsewhere"},
}


@pytest.mark.parametrize("wrong", WRONG, ids=repr)
def test_every_report_field_with_a_wrong_type_gets_400(client, unit_id, wrong):
    accepted = set()
    for field in _report(unit_id):
        body = _report(unit_id)
        body[field] = wrong
        response = _post(client, "reports", body)
        if response.status_code == 201:
            accepted.add(field)
            continue
        assert _assert_refused(response, field)["error"] == SUMMARY
    assert accepted == ACCEPTED.get(repr(wrong), set())
    assert Report.objects.count() == len(accepted)


def test_a_whole_amount_sent_as_a_json_number_keeps_its_value(client, unit_id):
    from wbs.cases.sealing import open_report
    from wbs.vault import access

    for amount in (1500000, 1500000.0):
        body = _report(unit_id)
        body["estimated_loss"] = amount
        receipt = _post(client, "reports", body).json()
        report, keyring = access.open_with_access_code(receipt["access_code"])
        assert open_report(keyring, report).details.estimated_loss == 1_500_000


@pytest.mark.parametrize("wrong", WRONG, ids=repr)
@pytest.mark.parametrize("inner", ["name", "position", "unit"])
def test_terlapor_fields_with_a_wrong_type_get_400(client, unit_id, wrong, inner):
    body = _report(unit_id)
    body["accused"] = [{"name": "Fulan", "position": "Staf", "unit": "DPMPTSP", inner: wrong}]
    response = _post(client, "reports", body)
    if response.status_code != 201:
        _assert_refused(response, inner)


@pytest.mark.parametrize("wrong", WRONG, ids=repr)
@pytest.mark.parametrize("inner", ["name", "nip", "unit", "contact"])
def test_identity_fields_with_a_wrong_type_get_400(client, unit_id, wrong, inner):
    body = _report(unit_id)
    body["identity"] = {"name": "Budi", inner: wrong}
    response = _post(client, "reports", body)
    if response.status_code != 201:
        _assert_refused(response, inner)


TEXT_LIKE = ("x", 12345678901234567890)  # text, or a whole number taken as its digits


@pytest.mark.parametrize("wrong", [*WRONG, "x"], ids=repr)
def test_the_session_body_with_a_wrong_type_gets_400(client, staff, wrong):
    response = _post(client, "reporter/session", {"access_code": wrong})
    if wrong in TEXT_LIKE:
        assert response.status_code == 401  # the right type: a wrong code
    else:
        _assert_refused(response, "access_code")


@pytest.mark.parametrize("body", [[], [1], "x", 1, True, None], ids=repr)
@pytest.mark.parametrize("path", ["reports", "reporter/session"])
def test_a_body_that_is_not_an_object_gets_400(client, staff, body, path):
    response = _post(client, path, body)
    assert response.status_code == 400 and response.json()["error"]


@pytest.mark.parametrize("wrong", WRONG, ids=repr)
def test_a_message_with_a_wrong_type_gets_400(client, staff, wrong):
    _report_row, receipt = submit()
    session = _post(client, "reporter/session", {"access_code": receipt.access_code}).json()
    auth = {"HTTP_AUTHORIZATION": f"Bearer {session['token']}"}
    response = _post(client, "reporter/messages", {"body": wrong}, **auth)
    if wrong in TEXT_LIKE:
        assert response.status_code == 201 and Message.objects.count() == 1
        return
    _assert_refused(response, "body")
    assert Message.objects.count() == 0


def test_a_very_deep_body_gets_400_not_a_recursion_error(client, staff):
    deep = "[" * 100_000 + "]" * 100_000
    response = Client().post(API + "reports", deep, content_type="application/json")
    assert response.status_code == 400 and response.json()["error"]

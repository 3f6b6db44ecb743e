"""The reporter API's contract beyond the first API tests: every accepted body type, type errors
answered with the field map (never a server error), the generated OpenAPI document carrying the
limits the form uses, and one error shape for ninja's own refusals."""

import json
from urllib.parse import urlencode

import pytest

from wbs.cases import limits
from wbs.cases.models import Report
from wbs.cases.sealing import open_report
from wbs.directory.models import Unit
from wbs.vault import access

pytestmark = pytest.mark.django_db

API = "/api/v1/"


def _body(**overrides):
    body = {
        "category": "suap",
        "title": "Suap perizinan",
        "description": "Pemohon izin diminta membayar agar berkas diproses lebih cepat.",
        "unit": Unit.objects.get(name="Dinas Penanaman Modal dan PTSP").pk,
        "period": "Januari 2025",
        "accused": [{"name": "Fulan", "position": "Staf"}],
        "declaration": True,
        "identity_mode": "anonymous",
    }
    body.update(overrides)
    return body


def _post_json(client, body):
    return client.post(API + "reports", json.dumps(body), content_type="application/json")


def test_url_encoded_report_is_stored_and_opens_with_its_code(client, staff):
    body = _body(accused=json.dumps([{"name": "Fulan"}]), declaration="ya")
    response = client.post(
        API + "reports", urlencode(body), content_type="application/x-www-form-urlencoded"
    )
    receipt = response.json()
    report, keyring = access.open_with_access_code(receipt["access_code"])
    opened = open_report(keyring, report)
    assert response.status_code == 201
    assert (opened.title, opened.accused[0].name) == ("Suap perizinan", "Fulan")
    assert report.registration_number == receipt["registration_number"]


def test_json_report_keeps_every_field(client, staff):
    body = _body(
        incident_date="14/03/2025",
        estimated_loss=15000000,
        reported_elsewhere=True,
        reported_elsewhere_to="Ombudsman",
        identity_mode="confidential",
        identity={"name": "Pelapor Uji", "nip": "19800101 200501 1 001"},
    )
    code = _post_json(client, body).json()["access_code"]
    report, keyring = access.open_with_access_code(code)
    details = open_report(keyring, report).details
    assert (details.incident_date, details.estimated_loss) == ("2025-03-14", 15000000)
    assert details.reported_elsewhere_to == "Ombudsman" and report.identity


@pytest.mark.parametrize(
    ("field", "value", "key"),
    [
        ("incident_date", [1], "incident_date"),
        ("incident_date", True, "incident_date"),
        ("incident_date", {}, "incident_date"),
        ("unit", "dua", "unit"),
        ("title", ["a"], "title"),
        ("accused", {"name": "x"}, "accused"),
        ("accused", ["x"], "accused"),
        ("identity", [1], "identity"),
        ("identity_mode", "rahasia", "identity_mode"),
        ("declaration", False, "declaration"),
    ],
)
def test_wrong_json_types_get_the_field_map_not_a_server_error(client, staff, field, value, key):
    response = _post_json(client, _body(**{field: value}))
    assert response.status_code == 400
    assert list(response.json()["fields"]) == [key]
    assert Report.objects.count() == 0


def test_cross_field_rules_match_the_form(client, staff):
    body = _body(period="", identity_mode="confidential", reported_elsewhere=True)
    fields = _post_json(client, body).json()["fields"]
    assert fields == {
        "period": ["Isi tanggal kejadian atau perkiraan periodenya."],
        "identity.name": ["Isi sekurang-kurangnya nama Anda, atau pilih Anonim."],
        "reported_elsewhere_to": ["Sebutkan ke mana Anda melaporkannya."],
    }


def test_person_without_a_name_is_named_by_its_place(client, staff):
    body = _body(accused=[{"name": "Fulan"}, {"position": "Bendahara"}])
    fields = _post_json(client, body).json()["fields"]
    assert list(fields) == ["accused[1].name"]


def test_too_many_accused_is_refused(client, staff):
    body = _body(accused=[{"name": f"Orang {i}"} for i in range(limits.MAX_ACCUSED + 1)])
    assert list(_post_json(client, body).json()["fields"]) == ["accused"]


def test_unknown_category_and_inactive_unit_are_refused(client, staff):
    unit = Unit.objects.get(name="Dinas Penanaman Modal dan PTSP")
    Unit.objects.filter(pk=unit.pk).update(active=False)
    fields = _post_json(client, _body(category="tidak-ada")).json()["fields"]
    assert set(fields) == {"category", "unit"}


def test_openapi_carries_the_forms_limits(client, db):
    schemas = client.get(API + "openapi.json").json()["components"]["schemas"]
    report = schemas["ReportIn"]["properties"]
    assert report["title"]["maxLength"] == limits.TITLE_MAX
    assert report["description"]["minLength"] == limits.DESCRIPTION_MIN
    assert report["accused"]["maxItems"] == limits.MAX_ACCUSED
    assert schemas["MessageIn"]["properties"]["body"]["maxLength"] == limits.MESSAGE_MAX
    assert set(schemas["ReportIn"]["required"]) == {
        "category",
        "title",
        "description",
        "unit",
        "accused",
        "declaration",
    }


def test_openapi_documents_all_three_report_bodies(client, db):
    body = client.get(API + "openapi.json").json()["paths"]["/reports"]["post"]["requestBody"]
    assert set(body["content"]) == {
        "application/json",
        "multipart/form-data",
        "application/x-www-form-urlencoded",
    }


def test_no_documentation_page_that_loads_from_a_cdn(client, db):
    assert client.get(API + "docs").status_code == 404


def test_wrong_method_answers_in_the_error_shape(client, db):
    response = client.put(API + "reports")
    assert response.status_code == 405
    assert response.json() == {"error": "Metode ini tidak diizinkan di sini.", "fields": {}}


def test_form_posted_to_a_json_operation_is_415_not_a_server_error(client, db):
    response = client.post(API + "reporter/session", {"access_code": "x"})
    assert response.status_code == 415 and response.json()["fields"] == {}


def test_session_body_that_is_not_an_object(client, db):
    response = client.post(API + "reporter/session", "[1]", content_type="application/json")
    assert response.json()["error"] == "Isi permintaan harus berupa objek JSON."


# --- text is cleaned like the web form's -------------------------------------------------------


def test_blank_text_counts_as_missing(client, staff):
    response = _post_json(client, _body(title="   ", description=" " * 40))
    assert response.json()["fields"] == {
        "title": ["Isian ini wajib diisi."],
        "description": ["Isian ini wajib diisi."],
    }


def test_padding_does_not_make_a_short_description_long_enough(client, staff):
    fields = _post_json(client, _body(description="x" * 10 + " " * 25)).json()["fields"]
    assert list(fields) == ["description"] and Report.objects.count() == 0


def test_text_is_stored_without_surrounding_white_space(client, staff):
    code = _post_json(client, _body(title="  Judul dengan spasi \n")).json()["access_code"]
    report, keyring = access.open_with_access_code(code)
    assert open_report(keyring, report).title == "Judul dengan spasi"


def test_nul_characters_are_refused(client, staff):
    fields = _post_json(client, _body(title="a\x00b")).json()["fields"]
    assert fields == {"title": ["Karakter null tidak diizinkan."]}


def test_null_for_optional_fields_and_numbers_for_text_are_accepted(client, staff):
    body = _body(location=None, period=None, incident_date="2025-01-02", estimated_loss=None)
    body.update(reported_elsewhere=None, identity=None, title=2025)
    code = _post_json(client, body).json()["access_code"]
    report, keyring = access.open_with_access_code(code)
    assert open_report(keyring, report).title == "2025"


def test_blank_message_is_refused_and_the_case_does_not_move(client, staff):
    from wbs.cases.models import Status

    code = _post_json(client, _body()).json()["access_code"]
    Report.objects.update(status=Status.PERLU_KELENGKAPAN)
    token = client.post(
        API + "reporter/session", {"access_code": code}, content_type="application/json"
    ).json()["token"]
    response = client.post(
        API + "reporter/messages",
        {"body": " \n\t "},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.json()["fields"] == {"body": ["Isian ini wajib diisi."]}
    assert Report.objects.get().status == Status.PERLU_KELENGKAPAN


def test_a_long_access_code_is_a_wrong_code(client, staff):
    response = client.post(
        API + "reporter/session", {"access_code": "A" * 500}, content_type="application/json"
    )
    assert response.status_code == 401


def test_deeply_nested_json_is_a_clear_400(client, db):
    response = client.post(API + "reports", "[" * 100000, content_type="application/json")
    assert response.json() == {"error": "Isi permintaan bukan JSON yang valid.", "fields": {}}


def test_openapi_document_is_get_only(client, db):
    response = client.post(API + "openapi.json")
    assert response.status_code == 405 and response.json()["fields"] == {}


def test_a_wrong_choice_is_not_echoed_back(client, staff):
    fields = _post_json(client, _body(identity_mode="<script>")).json()["fields"]
    assert "<script>" not in json.dumps(fields) and list(fields) == ["identity_mode"]

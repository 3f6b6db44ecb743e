import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from wbs.cases.models import Report
from wbs.cases.sealing import open_report
from wbs.directory.models import Unit
from wbs.vault import access

pytestmark = pytest.mark.django_db

API = "/api/v1/"


def _fields(**overrides):
    data = {
        "category": "suap",
        "title": "Suap perizinan",
        "description": "Pemohon izin diminta membayar agar berkas diproses lebih cepat.",
        "unit": str(Unit.objects.get(name="Dinas Penanaman Modal dan PTSP").pk),
        "location": "Mal Pelayanan Publik",
        "period": "Januari 2025",
        "accused": json.dumps([{"name": "Fulan", "position": "Staf", "unit": "DPMPTSP"}]),
        "estimated_loss": "",
        "reported_elsewhere": "false",
        "declaration": "true",
        "identity_mode": "anonymous",
    }
    data.update(overrides)
    return data


def _submit(client, **overrides):
    return client.post(API + "reports", _fields(**overrides))


def _token(client, code):
    response = client.post(
        API + "reporter/session", {"access_code": code}, content_type="application/json"
    )
    return response.json()["token"]


@pytest.fixture
def created(client, staff):
    return _submit(client).json()


def test_health(client, db):
    assert client.get(API + "health").json() == {"status": "ok"}


def test_openapi_lists_every_path(client, db):
    paths = client.get(API + "openapi.json").json()["paths"]
    assert {
        "/health",
        "/reports",
        "/reporter/session",
        "/reporter/report",
        "/reporter/messages",
        "/reporter/attachments",
        "/public/figures",
        "/public/categories",
        "/public/units",
    } <= set(paths)


def test_public_categories(client, palembang):
    codes = [c["code"] for c in client.get(API + "public/categories").json()["categories"]]
    assert "korupsi" in codes


def test_public_units(client, palembang):
    assert len(client.get(API + "public/units").json()["units"]) == 54


def test_public_figures_suppress_small_counts(client, staff):
    _submit(client)
    assert client.get(API + "public/figures").json()["received"] == "<3"


def test_public_figures_show_zero(client, palembang):
    assert client.get(API + "public/figures").json()["completed"] == 0


def test_submit_returns_number_and_code(client, staff):
    response = _submit(client)
    receipt = response.json()
    assert response.status_code == 201 and set(receipt) == {"registration_number", "access_code"}
    report, _keyring = access.open_with_access_code(receipt["access_code"])
    assert report.registration_number == receipt["registration_number"]


def test_submit_with_attachment(client, staff):
    data = _fields()
    data["attachments"] = SimpleUploadedFile("bukti.txt", b"catatan\n")
    client.post(API + "reports", data)
    assert Report.objects.get().attachments.count() == 1


def test_submit_as_json(client, staff):
    body = _fields(accused=[{"name": "Fulan"}], declaration=True)
    response = client.post(API + "reports", body, content_type="application/json")
    assert response.status_code == 201
    report, keyring = access.open_with_access_code(response.json()["access_code"])
    opened = open_report(keyring, report)
    assert (opened.title, opened.accused[0].name) == ("Suap perizinan", "Fulan")


def test_validation_errors_have_a_field_map_in_indonesian(client, staff):
    body = _submit(client, title="", declaration="false").json()
    assert body == {
        "error": "Beberapa isian tidak valid.",
        "fields": {
            "title": ["Isian ini wajib diisi."],
            "declaration": ["Centang pernyataan untuk mengirim laporan."],
        },
    }


def test_missing_accused_is_an_error(client, staff):
    response = _submit(client, accused="[]")
    assert response.json()["fields"] == {"accused": ["Sebutkan sekurang-kurangnya satu terlapor."]}
    assert Report.objects.count() == 0


def test_malformed_accused_is_an_error(client, staff):
    response = _submit(client, accused="{not json")
    assert response.status_code == 400 and Report.objects.count() == 0
    assert response.json()["fields"] == {
        "accused": ["Berikan daftar objek dengan name, position, unit."]
    }


def test_refused_file_stores_nothing(client, staff):
    data = _fields()
    data["attachments"] = SimpleUploadedFile("x.pdf", b"<svg onload=alert(1)>")
    response = client.post(API + "reports", data)
    assert response.status_code == 400 and Report.objects.count() == 0
    (refusal,) = response.json()["fields"]["attachments"]
    assert (
        refusal
        == "“x.pdf”: Berkas ini bukan berkas PDF: isinya tidak sesuai dengan namanya (.pdf)."
    )


def test_unsupported_content_type(client, staff):
    response = client.post(API + "reports", "x", content_type="text/plain")
    message = response.json()["error"]
    assert response.status_code == 415 and Report.objects.count() == 0
    assert message == "Kirim dalam format multipart/form-data atau application/json."


def test_session_with_right_code(client, created):
    response = client.post(
        API + "reporter/session",
        {"access_code": created["access_code"]},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["expires_in"] == 1800


def test_session_with_wrong_code_is_a_generic_401(client, created):
    response = client.post(
        API + "reporter/session",
        {"access_code": "AAAA-BBBB-CCCC-DDDD-EEEE-FFFF"},
        content_type="application/json",
    )
    assert response.status_code == 401 and "fields" in response.json()


def test_report_with_token(client, created):
    token = _token(client, created["access_code"])
    body = client.get(API + "reporter/report", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert body["title"] == "Suap perizinan" and body["timeline"][0]["stage"] == "diterima"


def test_report_without_token_is_401(client, created):
    assert client.get(API + "reporter/report").status_code == 401


def test_token_with_wrong_key_half_is_401(client, created):
    token = _token(client, created["access_code"])
    session_key = token.split(".")[0]
    response = client.get(
        API + "reporter/report", HTTP_AUTHORIZATION=f"Bearer {session_key}.AAAAAAAAAAAAAAAA"
    )
    assert response.status_code == 401


def test_message_with_token(client, created):
    token = _token(client, created["access_code"])
    client.post(
        API + "reporter/messages",
        {"body": "Pesan lewat API"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    body = client.get(API + "reporter/report", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert body["messages"][0]["body"] == "Pesan lewat API"


def test_attachment_with_token(client, created):
    token = _token(client, created["access_code"])
    response = client.post(
        API + "reporter/attachments",
        {"attachments": SimpleUploadedFile("b.txt", b"bukti\n")},
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.json() == {"added": 1}


def test_delete_session_ends_the_token(client, created):
    token = _token(client, created["access_code"])
    client.delete(API + "reporter/session", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert (
        client.get(API + "reporter/report", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401
    )


def test_errors_are_json_on_404(client, db):
    assert client.get(API + "nothing-here").json()["error"]


def test_wrong_method_is_refused(client, db):
    assert client.post(API + "health").status_code == 405

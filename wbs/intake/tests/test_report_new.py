import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from wbs.cases.models import Report, Status
from wbs.cases.sealing import open_identity
from wbs.intake.tests.factories import form_data
from wbs.vault import access

pytestmark = pytest.mark.django_db
CODE_RE = re.compile(r"[0-9A-Z]{4}(-[0-9A-Z]{4}){5}")


def _text(html: str) -> str:
    """The page's text without its tags (the code's groups are spans)."""
    return re.sub(r"<[^>]+>", "", html)


def _txt(name="bukti.txt", content=b"Catatan pembayaran tanggal 14 Maret 2025.\n"):
    return SimpleUploadedFile(name, content, content_type="text/plain")


def test_get_shows_the_form(client, palembang):
    response = client.get(reverse("intake:report_new"))
    assert response.status_code == 200
    assert b'name="title"' in response.content


def test_submission_redirects_to_receipt(client, staff):
    response = client.post(reverse("intake:report_new"), form_data())
    assert response.status_code == 302
    assert response["Location"] == reverse("intake:receipt")


def test_submission_stores_one_report_received(client, staff):
    client.post(reverse("intake:report_new"), form_data())
    assert list(Report.objects.values_list("status", flat=True)) == [Status.DITERIMA]


def test_receipt_shows_number_and_code_once(client, staff):
    client.post(reverse("intake:report_new"), form_data())
    first = client.get(reverse("intake:receipt"))
    second = client.get(reverse("intake:receipt"))
    report = Report.objects.get()
    assert report.registration_number in first.content.decode()
    assert CODE_RE.search(_text(first.content.decode()))
    assert second.status_code == 410


def test_receipt_code_is_not_in_the_session_store(client, staff):
    from django.contrib.sessions.models import Session

    client.post(reverse("intake:report_new"), form_data())
    dump = "".join(str(s.get_decoded()) for s in Session.objects.all())
    page = client.get(reverse("intake:receipt")).content.decode()
    code = CODE_RE.search(_text(page)).group(0)
    assert code not in dump


def test_missing_fields_keep_typed_text(client, staff):
    data = form_data(category="", description="Terlalu singkat")
    response = client.post(reverse("intake:report_new"), data)
    assert response.status_code == 400
    assert "Pungutan pada layanan sertifikasi guru" in response.content.decode()


def test_errors_are_in_indonesian(client, staff):
    response = client.post(reverse("intake:report_new"), form_data(declaration=""))
    assert "Centang pernyataan" in response.content.decode()


# --- chosen files survive the round trip (issue 12 §7) ------------------------------------------

HELD_RE = re.compile(r'name="held_files" value="([^"]+)"')


def _held_dir(settings):
    from pathlib import Path

    return Path(settings.FILE_UPLOAD_TEMP_DIR) / "held"


def test_a_form_sent_back_keeps_the_accepted_files(client, staff, settings, tmp_path):
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    data = form_data(title="")
    data["attachments"] = _txt(content=b"ISI-BUKTI-TERSIMPAN-4R\n")
    response = client.post(reverse("intake:report_new"), data)
    assert response.status_code == 400
    html = response.content.decode()
    (token,) = HELD_RE.findall(html)
    assert '<span class="held-name">bukti.txt</span>' in html
    (stored,) = _held_dir(settings).iterdir()
    assert b"ISI-BUKTI-TERSIMPAN-4R" not in stored.read_bytes(), "held as ciphertext only"
    # Corrected and sent again without choosing the file again: it arrives with the report.
    response = client.post(reverse("intake:report_new"), {**form_data(), "held_files": token})
    assert response.status_code == 302
    report = Report.objects.get()
    assert report.attachments.count() == 1
    assert list(_held_dir(settings).iterdir()) == [], "the held copy is gone once sent"


def test_a_refused_file_is_named_and_the_good_one_kept(client, staff, settings, tmp_path):
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    data = form_data()
    data["attachments"] = [
        _txt(),
        SimpleUploadedFile("palsu.pdf", b"bukan pdf\n", content_type="application/pdf"),
    ]
    html = client.post(reverse("intake:report_new"), data).content.decode()
    assert len(HELD_RE.findall(html)) == 1 and '<span class="held-name">bukti.txt</span>' in html
    assert "“palsu.pdf”: Berkas ini bukan berkas PDF" in html
    assert Report.objects.count() == 0


def test_a_held_file_can_be_removed(client, staff, settings, tmp_path):
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    data = form_data(title="")
    data["attachments"] = _txt()
    (token,) = HELD_RE.findall(client.post(reverse("intake:report_new"), data).content.decode())
    data = {**form_data(), "held_files": token, "remove_held": token}
    assert client.post(reverse("intake:report_new"), data).status_code == 302
    assert Report.objects.get().attachments.count() == 0
    assert list(_held_dir(settings).iterdir()) == []


def test_a_forged_held_token_attaches_nothing_and_says_so(client, staff, settings, tmp_path):
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    data = form_data(title="")
    data["attachments"] = _txt()
    (token,) = HELD_RE.findall(client.post(reverse("intake:report_new"), data).content.decode())
    file_id = token.split(".", 1)[0]
    forged = f"{file_id}.{'A' * 43}=.W10=:bad-signature"
    response = client.post(reverse("intake:report_new"), {**form_data(), "held_files": forged})
    assert response.status_code == 400 and Report.objects.count() == 0
    assert "tidak tersimpan" in response.content.decode()


def test_a_token_sent_twice_attaches_the_file_once(client, staff, settings, tmp_path):
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    data = form_data(title="")
    data["attachments"] = _txt()
    (token,) = HELD_RE.findall(client.post(reverse("intake:report_new"), data).content.decode())
    data = {**form_data(), "held_files": [token, token, token]}
    assert client.post(reverse("intake:report_new"), data).status_code == 302
    assert Report.objects.get().attachments.count() == 1


def test_round_trips_hold_no_more_than_one_report_takes(client, staff, settings, tmp_path):
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    settings.WBS_MAX_FILES_PER_REQUEST = 2
    data = form_data(title="")
    data["attachments"] = [_txt("a.txt"), _txt("b.txt"), _txt("c.txt")]
    html = client.post(reverse("intake:report_new"), data).content.decode()
    assert len(HELD_RE.findall(html)) == 2
    assert "“c.txt”: laporan hanya dapat memuat paling banyak 2 berkas sekaligus." in html
    assert len(list(_held_dir(settings).iterdir())) == 2


def test_a_rate_limited_sender_gets_nothing_held(client, staff, settings, tmp_path, monkeypatch):
    from wbs.accounts import ratelimit

    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    monkeypatch.setattr(ratelimit, "submission_blocked", lambda request: True)
    data = form_data()
    data["attachments"] = _txt()
    response = client.post(reverse("intake:report_new"), data)
    assert response.status_code == 429 and HELD_RE.findall(response.content.decode()) == []
    assert not _held_dir(settings).exists() or list(_held_dir(settings).iterdir()) == []


def test_adding_a_terlapor_keeps_the_files_and_opens_at_the_new_person(client, staff):
    data = form_data(add_accused="1")
    data["attachments"] = _txt()
    html = client.post(reverse("intake:report_new"), data).content.decode()
    assert len(HELD_RE.findall(html)) == 1
    assert 'id="terlapor-2"' in html
    assert 'formaction="/lapor/#terlapor-3"' in html, "the next add opens at the next person"


def test_attachment_is_stored_with_the_report(client, staff):
    data = form_data()
    data["attachments"] = [_txt(), _txt("kedua.txt")]
    client.post(reverse("intake:report_new"), data)
    assert Report.objects.get().attachments.count() == 2


def test_refused_file_stores_nothing(client, staff, settings, tmp_path):
    data = form_data()
    data["attachments"] = SimpleUploadedFile(
        "x.pdf", b"<html><script>alert(1)</script>", content_type="application/pdf"
    )
    response = client.post(reverse("intake:report_new"), data)
    assert response.status_code == 400
    assert Report.objects.count() == 0


def test_a_refused_file_is_named_at_the_file_field_and_in_the_summary(client, staff):
    data = form_data()
    data["attachments"] = [
        _txt(),
        SimpleUploadedFile("laporan-keuangan.pdf", b"bukan pdf, hanya teks\n", "application/pdf"),
    ]
    response = client.post(reverse("intake:report_new"), data)
    assert response.status_code == 400 and Report.objects.count() == 0
    message = (
        "“laporan-keuangan.pdf”: Berkas ini bukan berkas PDF: isinya tidak sesuai dengan namanya "
        "(.pdf)."
    )
    html = response.content.decode()
    summary = html.split('class="notice notice-error"')[1].split("</div>")[0]
    assert message in summary
    field = html.split('name="attachments"')[1].split('<div class="field')[0]
    assert message in field, "the error stands at the file field"
    assert "“bukti.txt”" not in summary, "only the refused file is named in the errors"
    assert '<span class="held-name">bukti.txt</span>' in html, "the good file is kept"


def test_anonymous_with_a_typed_identity_is_refused_not_dropped(client, staff):
    response = client.post(
        reverse("intake:report_new"), form_data(identity_name="Nama Saya Sendiri")
    )
    assert response.status_code == 400 and Report.objects.count() == 0
    (error,) = response.context["form"].errors["identity_mode"]
    assert error.startswith("Anda memilih Anonim tetapi mengisi identitas.")
    assert 'value="Nama Saya Sendiri"' in response.content.decode(), "what was typed stays"


def test_add_accused_row_renders_two_rows(client, staff):
    data = form_data(add_accused="1")
    response = client.post(reverse("intake:report_new"), data)
    assert b'name="accused-1-name"' in response.content


def test_at_least_one_accused_is_required(client, staff):
    response = client.post(
        reverse("intake:report_new"),
        form_data(**{"accused-0-name": "", "accused-0-position": "", "accused-0-unit": ""}),
    )
    assert response.status_code == 400
    assert Report.objects.count() == 0


def test_confidential_identity_requires_a_name(client, staff):
    response = client.post(reverse("intake:report_new"), form_data(identity_mode="confidential"))
    assert response.status_code == 400
    assert response.context["form"].errors == {
        "identity_name": ["Isi sekurang-kurangnya nama Anda, atau pilih Anonim."]
    }
    assert Report.objects.count() == 0


@pytest.mark.parametrize("nip", ["12345", "1985071520100110031", "abcdefghijklmnopqr"])
def test_invalid_nip_is_refused(client, staff, nip):
    response = client.post(
        reverse("intake:report_new"),
        form_data(identity_mode="confidential", identity_name="Nama", identity_nip=nip),
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert list(errors) == ["identity_nip"] and Report.objects.count() == 0
    assert errors["identity_nip"][0].startswith("NIP terdiri atas tepat 18 digit")


def test_grouped_nip_is_accepted(client, staff):
    response = client.post(
        reverse("intake:report_new"),
        form_data(
            identity_mode="confidential", identity_name="Nama", identity_nip="19850715 201001 1 003"
        ),
    )
    assert response.status_code == 302
    code = CODE_RE.search(_text(client.get(reverse("intake:receipt")).content.decode())).group(0)
    report, keyring = access.open_with_access_code(code)
    assert open_identity(keyring, report).nip == "198507152010011003"


def test_wrong_method_is_refused(client, palembang):
    assert client.put(reverse("intake:report_new")).status_code == 405


def test_unit_routes_to_its_wilayah(client, staff):
    client.post(reverse("intake:report_new"), form_data())
    assert Report.objects.get().wilayah.code == "irban-4"


def test_form_states_the_configured_upload_limits(client, palembang, settings):
    """The help text follows WBS_MAX_FILE_MB / WBS_MAX_REPORT_MB, not fixed numbers."""
    settings.WBS_MAX_FILE_BYTES = 7 * 1024 * 1024
    settings.WBS_MAX_REPORT_BYTES = 35 * 1024 * 1024
    page = client.get(reverse("intake:report_new")).content.decode()
    assert "maksimal 7 MB per berkas dan 35 MB" in page

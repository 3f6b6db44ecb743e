"""Issue 11 §1, unlimited anonymous CPU: the file checks an anonymous sender makes the server
run are counted *before* they run, refusals included; all Office files of one request share one
unpacking budget; the antivirus comes before the parsers (wbs/vault/tests/test_antivirus.py)."""

import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from wbs.cases.models import Report
from wbs.intake.tests.factories import form_data, submit
from wbs.intake.tests.test_api import _fields as api_fields
from wbs.vault import filecheck
from wbs.vault.tests import fixtures_files as F

pytestmark = pytest.mark.django_db


def _bad_pdf(n):
    return SimpleUploadedFile(f"bukti-{n}.pdf", b"%PDF-1.7 not really a pdf " + bytes([n]))


def _txt(n):
    return SimpleUploadedFile(f"catatan-{n}.txt", f"Catatan nomor {n}.\n".encode())


@pytest.fixture
def counted(monkeypatch):
    """How many times the content checks ran."""
    calls = []
    real = filecheck.check_and_clean
    monkeypatch.setattr(filecheck, "check_and_clean", lambda *a: calls.append(1) or real(*a))
    return calls


def test_refused_files_count_and_past_the_limit_nothing_is_opened(staff, settings, counted):
    settings.WBS_FILE_CHECKS_PER_SESSION_HOUR = 10
    client = Client()
    url = reverse("intake:report_new")
    statuses = []
    for round_ in range(3):  # 4 refused files a time: 4, 8, then 12 > 10
        files = [_bad_pdf(round_ * 4 + i) for i in range(4)]
        statuses.append(client.post(url, {**form_data(), "attachments": files}).status_code)
    assert statuses == [400, 400, 429]
    assert len(counted) == 8  # the third request opened no file
    page = client.post(url, {**form_data(), "attachments": [_txt(1)]})
    text = page.content.decode()
    assert page.status_code == 429 and len(counted) == 8
    assert "Terlalu banyak yang dikirim dari sini" in text
    # What was typed is still on the page, and nothing was stored.
    assert "Pungutan pada layanan sertifikasi guru" in text and Report.objects.count() == 0


def test_round_trips_count_too_and_a_fresh_session_is_still_limited_by_address(
    staff, settings, counted
):
    settings.WBS_FILE_CHECKS_PER_SESSION_HOUR = 100
    settings.WBS_FILE_CHECKS_PER_ADDRESS_HOUR = 6
    url = reverse("intake:report_new")
    first = Client().post(  # "add a terlapor": the files are checked (and held)
        url, {**form_data(add_accused="1"), "attachments": [_txt(1), _txt(2), _txt(3)]}
    )
    assert first.status_code == 200 and len(counted) == 3
    second = Client().post(url, {**form_data(title=""), "attachments": [_txt(4), _txt(5)]})
    assert second.status_code == 400 and len(counted) == 5
    third = Client().post(url, {**form_data(), "attachments": [_txt(6), _txt(7)]})
    assert third.status_code == 429 and len(counted) == 5 and Report.objects.count() == 0


def test_a_report_without_files_is_not_held_back_by_the_file_limit(staff, settings):
    settings.WBS_FILE_CHECKS_PER_SESSION_HOUR = 10
    client = Client()
    url = reverse("intake:report_new")
    client.post(url, {**form_data(), "attachments": [_bad_pdf(i) for i in range(10)]})
    assert client.post(url, form_data()).status_code == 302
    assert Report.objects.count() == 1


def test_office_files_of_one_submission_share_one_unpacking_budget(staff, settings):
    settings.WBS_MAX_UNPACKED_BYTES_PER_REQUEST = 20 * 1024 * 1024
    docx = F.docx_bytes({"word/media/photo.bin": os.urandom(8 * 1024 * 1024)})
    files = [SimpleUploadedFile(f"{name}.docx", docx) for name in ("satu", "dua", "tiga")]
    response = Client().post(reverse("intake:report_new"), {**form_data(), "attachments": files})
    text = response.content.decode()
    assert response.status_code == 400 and Report.objects.count() == 0
    assert "“tiga.docx”" in text and "paling banyak 20 MB" in text
    assert "“satu.docx”:" not in text and "“dua.docx”:" not in text


def test_reporter_evidence_counts_its_checks(staff, settings, counted):
    settings.WBS_FILE_CHECKS_PER_SESSION_HOUR = 10
    _report, receipt = submit()
    client = Client()
    client.post(reverse("intake:status_login"), {"access_code": receipt.access_code})
    url = reverse("intake:status_evidence")
    first = client.post(url, {"attachments": [_bad_pdf(i) for i in range(8)], "note": ""})
    second = client.post(url, {"attachments": [_txt(1), _txt(2), _txt(3)], "note": ""})
    assert first.status_code == 400 and second.status_code == 429 and len(counted) == 8
    assert "Terlalu banyak yang dikirim dari sini" in second.content.decode()


def test_api_submissions_count_their_checks_by_address(staff, settings, counted):
    settings.WBS_FILE_CHECKS_PER_ADDRESS_HOUR = 10
    body = api_fields()
    statuses = []
    for round_ in range(3):
        files = [_bad_pdf(round_ * 4 + i) for i in range(4)]
        statuses.append(Client().post("/api/v1/reports", {**body, "attachments": files}))
    assert [r.status_code for r in statuses] == [400, 400, 429]
    assert len(counted) == 8
    assert statuses[2].json()["fields"]["attachments"]


def test_files_refused_by_name_cost_nothing_and_lock_nobody_out(staff, settings, counted):
    """Attack review: files refused by their name alone are not counted, so nobody can use up
    an office's limit with them."""
    settings.WBS_FILE_CHECKS_PER_ADDRESS_HOUR = 10
    url = reverse("intake:report_new")
    for i in range(30):
        files = [SimpleUploadedFile(f"a{i}-{j}.exe", b"x") for j in range(10)]
        Client().post(url, {**form_data(), "attachments": files})
    assert counted == []
    honest = Client().post(url, {**form_data(), "attachments": [_txt(1)]})
    assert honest.status_code == 302 and Report.objects.count() == 1


def test_an_ipv6_network_counts_as_one_address(staff, settings, counted):
    settings.WBS_FILE_CHECKS_PER_ADDRESS_HOUR = 10
    url = reverse("intake:report_new")
    statuses = []
    for host in range(3):  # three addresses of one /64, four files each
        client = Client(REMOTE_ADDR=f"2001:db8:1:2::{host + 1:x}")
        files = [_bad_pdf(host * 4 + i) for i in range(4)]
        statuses.append(client.post(url, {**form_data(), "attachments": files}).status_code)
    assert statuses == [400, 400, 429]
    other = Client(REMOTE_ADDR="2001:db8:1:3::1")  # another /64
    assert other.post(url, {**form_data(), "attachments": [_txt(1)]}).status_code == 302

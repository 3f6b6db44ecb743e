"""Issue 11 §3 (fault drills, part): a crash before or after the commit followed by the client's
retry with the same idempotency key gives exactly one report; a double click, a lost answer and
a race between two sendings too. The key is paired with the request's content: the same key with
other content is a new report. Nothing of the receipt kept for retries is readable without the
key (wbs/vault/idempotency.py)."""

import datetime
import io
import re
import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from wbs.cases import workflow
from wbs.cases.models import Attachment, Report
from wbs.intake import retries, services, views
from wbs.intake.tests.factories import form_data
from wbs.intake.tests.test_api import _fields as api_fields
from wbs.vault import access, files
from wbs.vault.models import SubmissionReceipt

pytestmark = pytest.mark.django_db

CODE_RE = re.compile(r"[0-9A-Z]{4}(-[0-9A-Z]{4}){5}")
URL = "/lapor/"


def _form_key(client) -> str:
    page = client.get(reverse("intake:report_new")).content.decode()
    return re.search(r'name="submission_key" value="([^"]+)"', page).group(1)


def _post(client, key, **overrides):
    data = {**form_data(**overrides), "submission_key": key}
    data["attachments"] = SimpleUploadedFile("bukti.txt", b"Kuitansi 14 Maret.\n")
    return client.post(URL, data)


def _receipt(client):
    text = re.sub(r"<[^>]+>", "", client.get(reverse("intake:receipt")).content.decode())
    return CODE_RE.search(text).group(0), Report.objects.get().registration_number in text


def _blobs():
    return sorted(files.list_names())


def test_the_form_carries_one_key_per_report_across_round_trips(staff):
    client = Client()
    key = _form_key(client)
    assert len(key) >= 22 and key != _form_key(Client())
    back = client.post(URL, {**form_data(title=""), "submission_key": key})
    assert back.status_code == 400 and f'value="{key}"' in back.content.decode()


def test_crash_before_the_commit_then_retry_gives_one_report(staff, monkeypatch):
    client = Client(raise_request_exception=False)
    key = _form_key(client)
    real = workflow.open_case
    monkeypatch.setattr(workflow, "open_case", lambda report: 1 / 0)
    assert _post(client, key).status_code == 500
    assert Report.objects.count() == 0 and SubmissionReceipt.objects.count() == 0
    assert _blobs() == []  # the files stored before the crash were removed
    monkeypatch.setattr(workflow, "open_case", real)
    assert _post(client, key).status_code == 302
    assert Report.objects.count() == 1 and Attachment.objects.count() == 1


def test_crash_after_the_commit_then_retry_gets_the_same_receipt(staff, monkeypatch):
    client = Client(raise_request_exception=False)
    key = _form_key(client)
    real = views._receipt_response
    monkeypatch.setattr(views, "_receipt_response", lambda request, receipt: 1 / 0)
    assert _post(client, key).status_code == 500  # stored, but the answer is lost
    assert Report.objects.count() == 1
    blobs = _blobs()
    monkeypatch.setattr(views, "_receipt_response", real)
    retry = _post(client, key)
    assert retry.status_code == 302 and Report.objects.count() == 1 and _blobs() == blobs
    code, number_shown = _receipt(client)
    assert number_shown
    opened, _keyring = access.open_with_access_code(code)
    assert opened == Report.objects.get()  # the code on the retry's receipt opens the report


def _second_click(client):
    """The browser's state while the first sending is still under way: the form's cookie
    as it was (the answer that renews it has not arrived)."""
    name = retries.browser_cookie_name()
    return client.cookies[name].value


def _as_before(client, value):
    client.cookies[retries.browser_cookie_name()] = value


def test_a_double_click_stores_one_report_and_both_get_the_receipt(staff):
    client = Client()
    key = _form_key(client)
    before = _second_click(client)
    assert _post(client, key).status_code == 302
    first = _receipt(client)
    _as_before(client, before)
    assert _post(client, key).status_code == 302
    assert _receipt(client) == first and Report.objects.count() == 1


def test_the_form_sent_again_after_its_receipt_is_a_new_report(staff):
    """A form page left on a shared computer, sent again by the next person, gives them a new
    report of their own — never the first reporter's code (attack review)."""
    client = Client()
    key = _form_key(client)
    assert _post(client, key).status_code == 302
    first_code, _shown = _receipt(client)
    assert _post(client, key).status_code == 302  # the renewed cookie: not a replay
    text = re.sub(r"<[^>]+>", "", client.get(reverse("intake:receipt")).content.decode())
    assert first_code not in text and Report.objects.count() == 2


def test_another_browser_with_the_same_key_and_content_gets_no_receipt(staff):
    first, other = Client(), Client()
    key = _form_key(first)
    _form_key(other)
    assert _post(first, key).status_code == 302
    first_code, _shown = _receipt(first)
    assert _post(other, key).status_code == 302
    text = re.sub(r"<[^>]+>", "", other.get(reverse("intake:receipt")).content.decode())
    assert first_code not in text and Report.objects.count() == 2


def test_the_same_key_with_changed_content_is_a_new_report(staff):
    client = Client()
    key = _form_key(client)
    before = _second_click(client)
    _post(client, key)
    _as_before(client, before)
    _post(client, key, title="Judul yang diubah sesudahnya")
    assert Report.objects.count() == 2


def test_a_file_of_the_same_name_and_size_but_other_content_is_a_new_report(staff):
    client = Client()
    key = _form_key(client)
    before = _second_click(client)
    data = {**form_data(), "submission_key": key}
    client.post(URL, {**data, "attachments": SimpleUploadedFile("bukti.txt", b"isi pertama\n")})
    _as_before(client, before)
    client.post(URL, {**data, "attachments": SimpleUploadedFile("bukti.txt", b"isi kedua!!\n")})
    assert Report.objects.count() == 2


def test_a_receipt_is_replayed_for_fifteen_minutes_only(staff):
    client = Client()
    key = _form_key(client)
    before = _second_click(client)
    _post(client, key)
    SubmissionReceipt.objects.update(created_at=timezone.now() - datetime.timedelta(minutes=16))
    _as_before(client, before)
    _post(client, key)
    assert Report.objects.count() == 2
    assert SubmissionReceipt.objects.count() == 1  # the old one was deleted


def test_a_race_between_two_sendings_stores_one_report(staff, monkeypatch):
    """The second sending misses the first's receipt (still committing), then collides with
    it on the unique key: it rolls back — files too — and answers with the first receipt."""
    client = Client()
    key = _form_key(client)
    before = _second_click(client)
    assert _post(client, key).status_code == 302
    blobs = _blobs()
    real = services.replayed
    calls = []
    monkeypatch.setattr(
        services, "replayed", lambda *a: calls.append(1) or (None if len(calls) == 1 else real(*a))
    )
    _as_before(client, before)
    assert _post(client, key).status_code == 302
    assert Report.objects.count() == 1 and _blobs() == blobs and len(calls) >= 2


def test_the_api_replays_a_retry_with_the_same_key(staff):
    client = Client()
    headers = {"HTTP_IDEMPOTENCY_KEY": "k" * 30}
    first = client.post("/api/v1/reports", api_fields(), **headers)
    again = client.post("/api/v1/reports", api_fields(), **headers)
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json() and Report.objects.count() == 1
    other = client.post("/api/v1/reports", api_fields(title="Lain"), **headers)
    assert other.status_code == 201 and Report.objects.count() == 2
    bad = client.post("/api/v1/reports", api_fields(), HTTP_IDEMPOTENCY_KEY="pendek")
    assert bad.status_code == 400 and "Idempotency-Key" in bad.json()["fields"]
    assert Report.objects.count() == 2


def test_the_kept_receipt_is_unreadable_without_the_key_and_purged(staff):
    client = Client()
    key = _form_key(client)
    _post(client, key)
    code, _shown = _receipt(client)
    row = SubmissionReceipt.objects.get()
    number = Report.objects.get().registration_number
    assert code.encode() not in bytes(row.sealed) and number.encode() not in bytes(row.sealed)
    assert key not in row.lookup
    row.created_at = row.created_at - datetime.timedelta(days=2)
    row.save()
    call_command("daily_tasks", stdout=io.StringIO())
    assert SubmissionReceipt.objects.count() == 0 and Report.objects.count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="needs concurrent writers")
def test_two_concurrent_sendings_store_one_report(staff):
    key = "c" * 30
    statuses = []

    def send():
        try:
            response = Client().post("/api/v1/reports", api_fields(), HTTP_IDEMPOTENCY_KEY=key)
            statuses.append((response.status_code, response.json()))
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [status for status, _body in statuses] == [201] * 4
    assert len({body["registration_number"] for _status, body in statuses}) == 1
    assert Report.objects.count() == 1

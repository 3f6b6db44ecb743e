"""Issue 11 §1, end to end: a PDF with active content sent as evidence. Staff open the cleaned
copy by default — without JavaScript, automatic actions or embedded files; the original is
kept byte for byte as evidence, downloaded only by a deliberate, recorded request next to a
warning."""

import io

import pikepdf
import pytest
from django.urls import reverse

from wbs.cases.tests.helpers import checked_upload, logged_in
from wbs.intake.tests.factories import submit
from wbs.vault.tests import fixtures_files as F

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(staff):
    original = F.pdf_with_active_content()
    report, _receipt = submit(uploads=[checked_upload("bukti.pdf", original)])
    return report, original


def _download(client, url, method="get"):
    response = getattr(client, method)(url)
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def test_staff_get_the_cleaned_copy_and_the_original_only_deliberately(staff, report):
    report, original = report
    attachment = report.attachments.get()
    client = logged_in(staff["inspektur"])
    number = report.registration_number
    page = client.get(reverse("cases:case", args=[number])).content.decode()
    assert "Skrip, tindakan otomatis, tautan" in page  # the cleaning note, in Indonesian
    assert "Berkas asli dapat memuat skrip" in page  # the warning at the original's button

    cleaned = _download(client, reverse("cases:download", args=[number, attachment.pk]))
    with pikepdf.open(io.BytesIO(cleaned)) as pdf:
        assert "/OpenAction" not in pdf.Root and len(pdf.attachments) == 0
        assert "/JavaScript" not in pdf.Root.get("/Names", pikepdf.Dictionary())
        assert len(pdf.pages) == 2
    assert b"MARKER" not in cleaned and b"/JavaScript" not in cleaned

    url = reverse("cases:download_original", args=[number, attachment.pk])
    assert client.get(url).status_code == 405  # never by a plain link
    assert _download(client, url, "post") == original

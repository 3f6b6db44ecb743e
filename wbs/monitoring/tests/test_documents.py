"""The official PDF documents, read back with pypdf: kop surat, letter number, dates written out
("17 Agustus 2025"), the Tabel 1 figures, the signature block with a grouped NIP; the receipt's
access code only on request; case documents only for key holders; every export audited."""

import datetime
import re

import pytest
from django.test import Client

from wbs.audit.models import AuditEvent
from wbs.directory.models import OrganisationProfile
from wbs.monitoring import documents, services
from wbs.monitoring.figures import Filters
from wbs.monitoring.models import IssuedDocument

from . import fixtures as fx

pytestmark = pytest.mark.django_db
DAY = datetime.date(2025, 8, 17)
KOP = ("PEMERINTAH KOTA PALEMBANG", "INSPEKTORAT DAERAH", "Jalan Merdeka Nomor 1, Palembang 30131")
RECAP = "/staf/dasbor/rekap/"


def _review_url(report):
    return f"/staf/laporan/{report.registration_number}/dokumen/lembar-telaahan.pdf"


def _result_url(report):
    return f"/staf/laporan/{report.registration_number}/dokumen/laporan-hasil.pdf"


def _events(verb):
    return AuditEvent.objects.filter(verb=verb).count()


# --- formatting helpers -----------------------------------------------------------------------


def test_tanggal_spells_the_month_in_indonesian():
    assert documents.tanggal(DAY) == "17 Agustus 2025"
    assert documents.tanggal(datetime.date(2026, 1, 1)) == "1 Januari 2026"


def test_nip_is_grouped():
    assert documents.nip_grouped("198507152010011003") == "19850715 201001 1 003"


def test_nip_already_grouped_stays_grouped():
    assert documents.nip_grouped("19850715 201001 1 003") == "19850715 201001 1 003"


def test_missing_nip_is_a_dash():
    assert documents.nip_grouped("") == "-"


def test_letter_numbers_count_per_kind_and_year(db):
    first = documents.letter_number("recap", "700.1.2.4", DAY)
    second = documents.letter_number("recap", "700.1.2.4", DAY)
    other_year = documents.letter_number("recap", "700.1.2.4", datetime.date(2026, 1, 2))
    assert (first, second, other_year) == (
        "700.1.2.4/001/ITDA/2025",
        "700.1.2.4/002/ITDA/2025",
        "700.1.2.4/001/ITDA/2026",
    )


def test_letter_number_pattern_is_configurable(db):
    OrganisationProfile.get()
    OrganisationProfile.objects.update(number_pattern="{klasifikasi}/{urut}/{unit}-WBS/{tahun}")
    assert documents.letter_number("recap", "700.1.2.4", DAY) == "700.1.2.4/1/ITDA-WBS/2025"


# --- the recap --------------------------------------------------------------------------------


@pytest.fixture
def recap_setup(staff, monkeypatch):
    fx.set_signatory()
    reports = fx.hand_counted()
    fx.freeze_today(monkeypatch, DAY)
    return reports


@pytest.fixture
def recap_text(recap_setup, as_staff):
    response = as_staff("inspektur").post(RECAP + "?format=pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    return fx.pdf_text(response.content)


def test_recap_has_the_kop_surat(recap_text):
    assert all(part in recap_text for part in KOP)


def test_recap_number_follows_the_pattern(recap_text):
    assert "Nomor : 700.1.2.4/001/ITDA/2025" in recap_text


def test_an_issued_recap_keeps_its_number_and_its_letter(recap_setup, as_staff):
    client = as_staff("inspektur")
    issued = client.post(RECAP + "?format=pdf").content
    again = client.post(RECAP + "?format=pdf").content
    downloaded = client.get(RECAP, {"format": "pdf"}).content
    assert issued == again == downloaded
    assert "700.1.2.4/001/ITDA/2025" in fx.pdf_text(downloaded)
    assert IssuedDocument.objects.filter(kind="recap").count() == 1
    assert _events("document.issued") == 1


def test_a_draft_recap_takes_no_number(recap_setup, as_staff):
    client = as_staff("inspektur")
    draft = fx.pdf_text(client.get(RECAP, {"format": "pdf"}).content)
    assert "konsep — belum diterbitkan" in draft and "ITDA/2025" not in draft
    assert not IssuedDocument.objects.filter(kind="recap").exists()
    text = fx.pdf_text(client.post(RECAP + "?format=pdf").content)
    assert "700.1.2.4/001/ITDA/2025" in text


def test_another_period_is_another_letter(recap_setup, as_staff):
    client = as_staff("pj")
    client.post(RECAP + "?format=pdf")
    text = fx.pdf_text(client.post(RECAP + "?format=pdf&year=2024").content)
    assert "700.1.2.4/002/ITDA/2025" in text


def test_the_dashboard_offers_issuing_then_the_issued_letter(recap_setup, as_staff):
    client = as_staff("inspektur")
    page = client.get("/staf/dasbor/").content.decode()
    assert 'class="issue-recap"' in page and 'id="recap-issued"' not in page
    client.post(RECAP + "?format=pdf")
    page = client.get("/staf/dasbor/").content.decode()
    assert 'class="issue-recap"' not in page
    assert "700.1.2.4/001/ITDA/2025" in page.split('id="recap-issued"')[1].split("</a>")[0]


def test_recap_date_is_written_out(recap_text):
    assert "Palembang, 17 Agustus 2025" in recap_text


def test_recap_shows_tabel_1(recap_text):
    assert "2023 5 3 60,00%" in recap_text
    assert "2024 4 1 25,00%" in recap_text


def test_recap_period_of_a_year(recap_setup, as_staff):
    response = as_staff("pj").get(RECAP, {"format": "pdf", "year": "2024"})
    text = fx.pdf_text(response.content)
    assert "Periode: Tahun 2024" in text and "2024 4 1 25,00%" in text and "2023 5" not in text


def test_recap_signature_block(recap_text):
    signature = recap_text.split("berwenang.")[-1]
    assert "Inspektur Daerah Kota Palembang" in signature
    assert "Drs. Contoh Pejabat, M.Si." in signature
    assert "Pembina Utama Muda (IV/c)" in signature
    assert "NIP. 19850715 201001 1 003" in signature


def test_recap_export_is_audited_once(recap_setup, as_staff):
    client = as_staff("inspektur")
    before = _events("export.recap")
    client.post(RECAP + "?format=pdf")
    assert _events("export.recap") == before + 1


def test_recap_leaks_no_report_text(staff, monkeypatch):
    report = fx.approved_case(staff, identity=fx.vault_identity())
    content, _name = services.recap(Filters(), fmt="pdf", user=staff["inspektur"])
    text = fx.pdf_text(content)
    for marker in (fx.TITLE, fx.DESCRIPTION, fx.ANALYSIS, fx.IDENTITY_NAME):
        assert marker not in text
    assert report.registration_number not in text


# --- Lembar Telaahan and Laporan Hasil --------------------------------------------------------


@pytest.fixture
def case(staff, monkeypatch):
    fx.set_signatory()
    report = fx.completed_case(staff)
    fx.date_decisions(report, DAY)
    fx.freeze_today(monkeypatch, DAY)
    return report


def test_review_document_for_the_inspektur(case, as_staff):
    response = as_staff("inspektur").get(_review_url(case))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = fx.pdf_text(response.content)
    assert "LEMBAR TELAAHAN" in text and fx.ANALYSIS in text


def test_review_document_kop_number_and_approval(case, as_staff):
    text = fx.pdf_text(as_staff("inspektur").get(_review_url(case)).content)
    assert all(part in text for part in KOP)
    assert "Nomor : 700.1.2.4/001/ITDA/2025" in text
    assert "Disetujui oleh Inspektur pada 17 Agustus 2025" in text


def test_review_document_signatures_carry_grouped_nip(case, staff, as_staff):
    penelaah = staff["penelaah"]
    penelaah.nip, penelaah.pangkat, penelaah.jabatan = (
        "198001012005011001",
        "Penata (III/c)",
        "Auditor Ahli Muda",
    )
    penelaah.save()
    text = fx.pdf_text(as_staff("inspektur").get(_review_url(case)).content)
    assert "Auditor Ahli Muda" in text and "Penata (III/c)" in text
    assert "NIP. 19800101 200501 1 001" in text


def test_case_document_keeps_its_number(case, as_staff):
    client = as_staff("inspektur")
    client.get(_review_url(case))
    text = fx.pdf_text(client.get(_review_url(case)).content)
    assert "700.1.2.4/001/ITDA/2025" in text


def test_case_document_is_numbered_in_the_year_of_its_date(case, as_staff, monkeypatch):
    """Approved on 17 August 2025 (the letter's date), first printed in January 2026: the
    number carries 2025, like the date under it."""
    import datetime

    fx.freeze_today(monkeypatch, datetime.date(2026, 1, 5))
    client = as_staff("inspektur")
    review = fx.pdf_text(client.get(_review_url(case)).content)
    assert "Nomor : 700.1.2.4/001/ITDA/2025" in review
    assert "17 Agustus 2025" in review
    result = fx.pdf_text(client.get(_result_url(case)).content)
    assert "/ITDA/2025" in result and "/ITDA/2026" not in result


def test_case_document_export_is_audited_each_time(case, as_staff):
    client = as_staff("inspektur")
    before = _events("document.exported")
    client.get(_review_url(case))
    client.get(_result_url(case))
    assert _events("document.exported") == before + 2


def test_result_document(case, as_staff):
    text = fx.pdf_text(as_staff("verifikator").get(_result_url(case)).content)
    assert "LAPORAN HASIL PENGADUAN" in text and fx.RESULT_TEXT in text
    assert "700/12/ITDA/2025 tanggal 1 Agustus 2025" in text
    assert "disetujui 17 Agustus 2025" in text


def test_result_document_labels_are_in_indonesian(case, as_staff):
    text = fx.pdf_text(as_staff("inspektur").get(_result_url(case)).content)
    assert "Special examination" not in text and "Proven" not in text


def test_documents_sharing_a_classification_never_share_a_number(case, as_staff):
    client = as_staff("inspektur")
    client.get(_review_url(case))  # 700.1.2.4/001
    text = fx.pdf_text(client.get(_result_url(case)).content)
    assert "Nomor : 700.1.2.4/002/ITDA/2025" in text


def test_pj_without_the_key_gets_404(case, as_staff):
    client = as_staff("pj")
    assert client.get(_review_url(case)).status_code == 404
    assert client.get(_result_url(case)).status_code == 404


def test_penelaah_of_another_area_gets_404(case, as_staff):
    assert as_staff("penelaah_other").get(_review_url(case)).status_code == 404


@pytest.mark.parametrize("persona", ["pembina", "admin"])
def test_roles_without_case_access_are_refused(case, as_staff, persona):
    assert as_staff(persona).get(_review_url(case)).status_code in (403, 404)


def test_refused_document_is_not_audited_as_exported(case, as_staff):
    client = as_staff("pj")
    before = _events("document.exported")
    client.get(_review_url(case))
    assert _events("document.exported") == before


def test_no_approved_telaahan_no_document(staff, as_staff):
    report, _receipt = fx.submit()
    assert as_staff("inspektur").get(_review_url(report)).status_code == 404


def test_no_result_no_result_document(staff, as_staff):
    report = fx.approved_case(staff)
    assert as_staff("inspektur").get(_result_url(report)).status_code == 404


# --- Tanda Terima -----------------------------------------------------------------------------

RECEIPT = "/lapor/tanda-terima.pdf"


@pytest.fixture
def submitted(palembang, recovery):
    return fx.submit()


def test_receipt_without_the_code_by_default(submitted):
    report, receipt = submitted
    response = Client().post(RECEIPT, {"access_code": receipt.access_code})
    text = fx.pdf_text(response.content)
    assert "TANDA TERIMA PENGADUAN" in text and report.registration_number in text
    assert receipt.access_code not in text and "Kode Akses :" not in text


def test_receipt_has_the_kop_and_the_date(submitted):
    report, receipt = submitted
    fx.place(report, received_on=DAY)
    text = fx.pdf_text(Client().post(RECEIPT, {"access_code": receipt.access_code}).content)
    assert all(part in text for part in KOP[:2])
    assert "Tanggal diterima : 17 Agustus 2025" in text


def test_receipt_with_the_code_when_asked(submitted):
    _report, receipt = submitted
    response = Client().post(RECEIPT, {"access_code": receipt.access_code, "include_code": "on"})
    assert receipt.access_code in fx.pdf_text(response.content)


def test_receipt_with_a_wrong_code_is_refused(submitted):
    response = Client().post(RECEIPT, {"access_code": "SALAH-0000-0000", "include_code": "on"})
    assert response.status_code == 401
    assert response["Content-Type"].startswith("text/html")


def test_wrong_receipt_code_counts_as_a_failed_lookup(submitted, settings):
    _report, receipt = submitted
    settings.WBS_LOOKUP_FAILS_PER_SESSION = 1
    client = Client()
    client.post(RECEIPT, {"access_code": "SALAH-0000-0000"})
    assert client.post(RECEIPT, {"access_code": receipt.access_code}).status_code == 429


def test_receipt_download_is_audited(submitted):
    _report, receipt = submitted
    before = _events("document.receipt")
    Client().post(RECEIPT, {"access_code": receipt.access_code})
    assert _events("document.receipt") == before + 1


def test_receipt_is_post_only(submitted):
    assert Client().get(RECEIPT).status_code == 405


def test_receipt_document_ignores_a_code_of_another_report(palembang, recovery):
    report, _receipt = fx.submit()
    _other, other_receipt = fx.submit()
    content, _name = services.receipt_document(report, access_code=other_receipt.access_code)
    assert other_receipt.access_code not in fx.pdf_text(content)


def test_status_page_receipt_has_no_code(submitted):
    report, receipt = submitted
    client = Client()
    client.post("/status/", {"access_code": receipt.access_code})
    response = client.get("/status/tanda-terima.pdf")
    text = fx.pdf_text(response.content)
    assert report.registration_number in text and receipt.access_code not in text


def test_status_receipt_needs_a_reporter_session(submitted):
    assert Client().get("/status/tanda-terima.pdf").status_code == 404


def test_receipt_code_text_has_the_expected_shape(submitted):
    """Guard for the assertions above: the code is one token pypdf reads back unbroken."""
    _report, receipt = submitted
    assert re.fullmatch(r"[A-Z0-9-]+", receipt.access_code)

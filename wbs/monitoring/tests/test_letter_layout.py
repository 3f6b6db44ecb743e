"""The letters laid out as an Indonesian Inspektorat signs them, checked from the PDF itself
(positions of the text runs, the page each lands on, the images drawn): every run inside the
printable margins, the kop surat once on the first page with the lambang the administrator
uploaded, signature blocks on the page of the text they close, table titles with their tables,
"Mengetahui/Menyetujui" with the maker on the right, Lampiran that counts the files, the Laporan
Hasil in its parts, and numbers issued once (the Tanda Terima's from its own classification)."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from wbs.cases import services as case_services
from wbs.cases import workflow
from wbs.cases.tests.helpers import checked_upload, keyring_of
from wbs.directory.models import Category, OrganisationProfile
from wbs.monitoring import documents, services
from wbs.monitoring.figures import Filters
from wbs.monitoring.models import IssuedDocument

from . import fixtures as fx

pytestmark = pytest.mark.django_db
DAY = datetime.date(2025, 8, 17)
PAGE_WIDTH, PAGE_HEIGHT = 210, 297
LEFT, RIGHT = 22, PAGE_WIDTH - 20
HALF = LEFT + (RIGHT - LEFT) / 2


@pytest.fixture
def case(staff, monkeypatch):
    fx.set_signatory()
    staff["penelaah"].nip = "199001012015011001"
    staff["penelaah"].jabatan = "Auditor Ahli Pertama"
    staff["penelaah"].save()
    report = fx.completed_case(staff, uploads=[checked_upload(), checked_upload("foto.txt")])
    fx.date_decisions(report, DAY)
    fx.freeze_today(monkeypatch, DAY)
    return report


def _review(case, staff, analysis: str) -> bytes:
    """The Lembar Telaahan of the case with an analysis of the given length."""
    keyring = keyring_of(staff["inspektur"])
    review = case_services.open_reviews(keyring, case)[0]
    content = {**review["content"], "analisis": analysis}
    return documents.review_pdf(case, {"review": review["review"], "content": content}, "X/1")


def _long(words: int) -> str:
    return " ".join(f"analisis{i}" for i in range(words))


def _all_letters(case, staff) -> dict[str, bytes]:
    inspektur = staff["inspektur"]
    keyring = keyring_of(inspektur)
    return {
        "review": services.review_document(keyring, case, inspektur)[0],
        "review-long": _review(case, staff, _long(1500)),
        "result": services.result_document(keyring, case, inspektur)[0],
        "recap": services.recap(Filters(), fmt="pdf", user=inspektur, issue=True)[0],
        "receipt": services.receipt_document(case)[0],
    }


def test_every_text_run_stands_inside_the_printable_margins(case, staff):
    for name, content in _all_letters(case, staff).items():
        runs = fx.pdf_words(content)
        assert runs, name
        outside = [
            (run["page"], round(run["x0"]), round(run["x1"]), run["text"])
            for run in runs
            if run["x0"] < LEFT - 0.5
            or run["x1"] > RIGHT + 0.5
            or not 9 <= run["y"] <= PAGE_HEIGHT - 15
        ]
        assert outside == [], name


def test_the_kop_surat_is_on_the_first_page_only(case, staff):
    content = _review(case, staff, _long(1500))
    runs = fx.pdf_words(content)
    assert max(run["page"] for run in runs) >= 2
    assert {run["page"] for run in runs if "INSPEKTORAT DAERAH" in run["text"]} == {1}
    # Later pages use the room the kop takes on the first: their text starts near the top.
    top_of_page_2 = max(run["y"] for run in runs if run["page"] == 2)
    top_of_page_1 = max(run["y"] for run in runs if run["page"] == 1 and run["y"] < 240)
    assert top_of_page_2 > top_of_page_1 + 20


def test_without_an_uploaded_lambang_the_kop_has_no_emblem(case, staff):
    content = _review(case, staff, _long(1500))
    assert fx.page_images(content)[0] == 0


def test_the_uploaded_lambang_is_on_the_kop(case, staff):
    buffer = io.BytesIO()
    Image.new("RGB", (60, 70), (200, 30, 30)).save(buffer, "PNG")
    profile = OrganisationProfile.get()
    profile.logo = SimpleUploadedFile("lambang.png", buffer.getvalue(), "image/png")
    profile.save()
    images = fx.page_images(_review(case, staff, _long(1500)))
    assert images[0] == 1 and set(images[1:]) == {0}


@pytest.mark.parametrize("words", range(900, 1500, 60))
def test_signatures_stay_on_the_page_of_the_text_they_close(case, staff, words):
    runs = fx.pdf_words(_review(case, staff, _long(words)))
    closing_page = fx.page_of(runs, "Disetujui oleh")
    signature_pages = {run["page"] for run in runs if run["text"].startswith("NIP.")}
    assert signature_pages == {closing_page}
    assert {run["page"] for run in runs if "Mengetahui/Menyetujui" in run["text"]} == {closing_page}


@pytest.mark.parametrize("extra", range(0, 24, 3))
def test_table_titles_stay_with_their_tables(case, staff, extra):
    # More categories move the later tables' titles down the page, past the foot of it.
    Category.objects.bulk_create(
        Category(code=f"tambahan-{i}", name=f"Kategori tambahan {i}", order=100 + i)
        for i in range(extra)
    )
    runs = fx.pdf_words(services.recap(Filters(), fmt="pdf", user=staff["inspektur"])[0])
    titles = [run for run in runs if run["text"].startswith("Tabel ")]
    assert len(titles) == 4
    for title in titles:
        below = [
            run
            for run in runs
            if run["page"] == title["page"] and title["y"] - 12 < run["y"] < title["y"]
        ]
        assert below, f"{title['text']} ends page {title['page']}"


def test_the_laporan_hasil_is_made_by_its_author_and_approved_by_the_inspektur(case, staff):
    inspektur = staff["inspektur"]
    content = services.result_document(keyring_of(inspektur), case, inspektur)[0]
    runs = fx.pdf_words(content)
    (approve,) = [run for run in runs if run["text"].startswith("Mengetahui/Menyetujui")]
    assert approve["x1"] <= HALF
    maker_nip = [run for run in runs if run["text"].startswith("NIP. 19900101 201501 1 001")]
    assert maker_nip and maker_nip[0]["x0"] >= HALF - 0.5
    (jabatan,) = [run for run in runs if run["text"].startswith("Auditor Ahli Pertama")]
    assert jabatan["x0"] >= HALF - 0.5 and jabatan["y"] < approve["y"]
    signature_area = [run["text"] for run in runs if run["y"] <= approve["y"]]
    assert staff["verifikator"].full_name not in " ".join(signature_area)


def test_lampiran_counts_the_real_attachments(case, staff):
    inspektur = staff["inspektur"]
    keyring = keyring_of(inspektur)
    review = fx.pdf_text(services.review_document(keyring, case, inspektur)[0])
    assert "Lampiran : 2 (dua) berkas" in review
    result = fx.pdf_text(services.result_document(keyring, case, inspektur)[0])
    assert "Lampiran : -" in result


def test_the_laporan_hasil_is_in_its_parts(staff, monkeypatch):
    fx.set_signatory()
    report = fx.approved_case(staff)
    inspektur, penelaah = staff["inspektur"], staff["penelaah"]
    workflow.apply(
        report,
        "decide_follow_up",
        actor=inspektur,
        keyring=keyring_of(inspektur),
        data={
            "decision": "pemeriksaan_khusus",
            "surat_tugas_number": "700/12/ITDA/2025",
            "surat_tugas_date": datetime.date(2025, 8, 1),
        },
    )
    workflow.apply(
        report,
        "submit_result",
        actor=penelaah,
        keyring=keyring_of(penelaah),
        data={
            "uraian": "URAIAN-SINGKAT-1",
            "text": "HASIL-PERIKSA-2",
            "kesimpulan": "KESIMPULAN-3",
            "rekomendasi": "REKOMENDASI-4",
        },
    )
    content = services.result_document(keyring_of(inspektur), report, inspektur)[0]
    text = fx.pdf_text(content)
    expected = [
        "A. Dasar",
        "Surat Tugas Nomor 700/12/ITDA/2025 tanggal 1 Agustus 2025",
        "B. Uraian Singkat Pengaduan",
        "URAIAN-SINGKAT-1",
        "C. Hasil Pemeriksaan",
        "HASIL-PERIKSA-2",
        "D. Kesimpulan",
        "KESIMPULAN-3",
        "E. Rekomendasi",
        "REKOMENDASI-4",
    ]
    positions = [text.find(part) for part in expected]
    assert -1 not in positions and positions == sorted(positions), positions
    assert "(konsep — belum disetujui)" in text


def test_the_case_page_shows_the_parts(case, as_staff):
    page = as_staff("inspektur").get(f"/staf/laporan/{case.registration_number}/")
    html = page.content.decode()
    assert "<h4>Hasil Pemeriksaan</h4>" in html and fx.RESULT_TEXT in html


def test_a_result_written_as_one_text_opens_as_its_findings():
    from wbs.cases.choices import result_sections

    assert result_sections("Teks lama.")["hasil"] == "Teks lama."
    assert result_sections("Teks lama.")["kesimpulan"] == ""


def test_the_tanda_terima_takes_its_number_once_from_its_own_classification(case):
    profile = OrganisationProfile.get()
    profile.classification_receipt = "000.9.9"
    profile.save()
    IssuedDocument.objects.filter(kind="receipt").delete()
    first = fx.pdf_text(services.receipt_document(case)[0])
    again = fx.pdf_text(services.receipt_document(case)[0])
    number = IssuedDocument.objects.get(kind="receipt", report=case).number
    assert number.startswith("000.9.9/") and f"Nomor: {number}" in first
    assert f"Nomor: {number}" in again
    assert IssuedDocument.objects.filter(kind="receipt").count() == 1

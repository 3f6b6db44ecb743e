"""Shared helpers for the monitoring and administration tests: a hand-counted set of reports,
cases moved through the real workflow (an approved telaahan, a completed case), the signatory
in the organisation profile, and readers for the PDF and XLSX files.

Reports are submitted through the intake services; only their dates and states are placed
directly (`Report.objects.filter(...).update(...)`), as in wbs/cases/tests."""

import datetime
import io

from openpyxl import load_workbook
from pypdf import PdfReader

from wbs.cases import services, workflow
from wbs.cases.models import Report, ReviewVersion, Status, StatusChange
from wbs.cases.tests.helpers import assign, keyring_of
from wbs.directory.models import OrganisationProfile
from wbs.intake.tests.factories import submit

S = Status
D = datetime.date

# Plaintext markers: they may appear in a case document for a key holder, never elsewhere.
TITLE = "JUDUL-MONEV-Q7X"
DESCRIPTION = "URAIAN-MONEV-Z4K pembayaran tidak resmi."
ANALYSIS = "ANALISIS-TELAAH-R2D"
RESULT_TEXT = "HASIL-PEMERIKSAAN-W8M"
IDENTITY_NAME = "Nama Rahasia"

# The hand-counted fixture: (received_on, status, referral, category code, unit name).
# 2023: 5 received; followed up: DITELAAH, SELESAI, DITOLAK referred to APH → 3 (60,00%).
# 2024: 4 received; followed up: TINDAK_LANJUT → 1 (25,00%).
HAND_COUNTED = [
    (D(2023, 1, 10), S.DITELAAH, "", "korupsi", "Dinas Pendidikan"),  # Irban IV
    (D(2023, 1, 20), S.SELESAI, "", "korupsi", "Dinas Kesehatan"),  # Irban IV
    (D(2023, 3, 5), S.DITOLAK, "aph_kpk", "suap", "Sekretariat Daerah"),  # Irban I
    (D(2023, 7, 1), S.DITOLAK, "", "suap", "Dinas Perhubungan"),  # Irban III
    (D(2023, 12, 31), S.DITERIMA, "", "gratifikasi", "Dinas Pendidikan"),  # Irban IV
    (D(2024, 2, 1), S.TINDAK_LANJUT, "", "korupsi", "Badan Pendapatan Daerah"),  # Irban II
    (D(2024, 2, 29), S.VERIFIKASI, "", "korupsi", "Dinas Pendidikan"),  # Irban IV
    (D(2024, 6, 15), S.PERLU_KELENGKAPAN, "", "gratifikasi", "Dinas Pendidikan"),  # Irban IV
    (D(2024, 11, 30), S.DITOLAK, "", "korupsi", "Sekretariat Daerah"),  # Irban I
]


def vault_identity():
    """A confidential reporter identity (sealed; must never reach a figure or an export)."""
    from wbs.cases import sealing

    return sealing.IdentityData(name=IDENTITY_NAME, nip="198001012005011001")


def place(report, **fields):
    """Test setup only: set dates/states of a report directly."""
    Report.objects.filter(pk=report.pk).update(**fields)
    report.refresh_from_db()
    return report


def hand_counted() -> list:
    """Submit the nine reports of HAND_COUNTED and place them; returns the reports in order."""
    reports = []
    for received_on, status, referral, category, unit in HAND_COUNTED:
        report, _receipt = submit(category=category, unit_name=unit)
        closed = received_on if status in (S.DITOLAK, S.SELESAI) else None
        reports.append(
            place(
                report,
                received_on=received_on,
                status=status,
                referral=referral,
                closed_on=closed,
            )
        )
    return reports


def stage_change(report, from_status, days, on_time=None, to_status=S.DITELAAH):
    return StatusChange.objects.create(
        report=report,
        from_status=from_status,
        to_status=to_status,
        on=report.received_on,
        days_in_stage=days,
        on_time=on_time,
    )


REVIEW = {
    "ringkasan": "Ringkasan singkat.",
    "fakta": "Fakta yang ditemukan.",
    "analisis": ANALYSIS,
    "indikasi": "Indikasi pelanggaran.",
    "dasar_hukum": "PP 94/2021.",
    "rekomendasi": "Pemeriksaan khusus.",
}


def approved_case(staff, **submit_kwargs):
    """A report whose telaahan was written, sent and approved through the workflow."""
    submit_kwargs.setdefault("title", TITLE)
    submit_kwargs.setdefault("description", DESCRIPTION)
    report, _receipt = submit(**submit_kwargs)
    penelaah, inspektur = staff["penelaah"], staff["inspektur"]
    assign(report, penelaah, staff)
    services.save_review(keyring_of(penelaah), report, penelaah, REVIEW)
    workflow.apply(report, "submit_review", actor=penelaah, keyring=keyring_of(penelaah))
    workflow.apply(report, "approve_review", actor=inspektur, keyring=keyring_of(inspektur))
    report.refresh_from_db()
    return report


def completed_case(staff, **submit_kwargs):
    """An approved case followed up, its result written, verified and approved (SELESAI)."""
    report = approved_case(staff, **submit_kwargs)
    penelaah, inspektur, verifikator = staff["penelaah"], staff["inspektur"], staff["verifikator"]
    workflow.apply(
        report,
        "decide_follow_up",
        actor=inspektur,
        keyring=keyring_of(inspektur),
        data={
            "decision": "pemeriksaan_khusus",
            "surat_tugas_number": "700/12/ITDA/2025",
            "surat_tugas_date": D(2025, 8, 1),
        },
    )
    workflow.apply(
        report,
        "submit_result",
        actor=penelaah,
        keyring=keyring_of(penelaah),
        data={"text": RESULT_TEXT},
    )
    workflow.apply(report, "verify_result", actor=verifikator, keyring=keyring_of(verifikator))
    workflow.apply(
        report,
        "complete",
        actor=inspektur,
        keyring=keyring_of(inspektur),
        data={"outcome": "terbukti", "message": "Laporan selesai."},
    )
    report.refresh_from_db()
    return report


def date_decisions(report, day: datetime.date):
    """Move the decision dates of the case's telaahan and result to `day`."""
    from wbs.cases.models import ResultReport

    ReviewVersion.objects.filter(report=report).update(decided_on=day, created_on=day)
    ResultReport.objects.filter(report=report).update(
        submitted_on=day, verified_on=day, approved_on=day
    )


def set_signatory(**extra):
    """The Inspektur's signature block in the organisation profile (fictional person)."""
    profile = OrganisationProfile.get()
    profile.head_title = "Inspektur Daerah Kota Palembang"
    profile.head_name = "Drs. Contoh Pejabat, M.Si."
    profile.head_rank = "Pembina Utama Muda (IV/c)"
    profile.head_nip = "198507152010011003"
    profile.address = "Jalan Merdeka Nomor 1, Palembang 30131"
    for name, value in extra.items():
        setattr(profile, name, value)
    profile.save()
    return profile


def freeze_today(monkeypatch, day: datetime.date):
    """timezone.localdate() → `day` for every caller (documents number and date by it)."""
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: day)


def pdf_text(content: bytes) -> str:
    """All pages' text, with runs of white space collapsed to one space."""
    assert content[:5] == b"%PDF-", content[:40]
    reader = PdfReader(io.BytesIO(content))
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    return " ".join(text.split())


def xlsx_sheets(content: bytes) -> dict[str, list[list]]:
    """sheet name → rows (lists of cell values)."""
    workbook = load_workbook(io.BytesIO(content), read_only=True)
    return {ws.title: [list(row) for row in ws.iter_rows(values_only=True)] for ws in workbook}


def all_cells(content: bytes) -> list[str]:
    return [
        str(value)
        for rows in xlsx_sheets(content).values()
        for row in rows
        for value in row
        if value is not None
    ]


FILE_TEXT = b"Bukti transfer ISI-LAMPIRAN-9PQ tanggal 14 Maret 2025.\n"


def submit_with_attachment(*, title=TITLE, content=FILE_TEXT, name="bukti.txt"):
    """Submit through the public web form with one attachment; returns (report, access code)."""
    import re

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    from wbs.intake.tests.factories import form_data

    client = Client()
    data = form_data(title=title)
    data["attachments"] = SimpleUploadedFile(name, content, content_type="text/plain")
    before = set(Report.objects.values_list("pk", flat=True))
    response = client.post("/lapor/", data)
    assert response.status_code == 302, response.content[:500]
    page = client.get(response["Location"]).content.decode()
    code = re.search(r"[0-9A-Z]{4}(?:-[0-9A-Z]{4}){5}", re.sub(r"<[^>]+>", "", page)).group(0)
    report = Report.objects.exclude(pk__in=before).get()
    assert report.attachments.count() == 1
    return report, code


def stored_files(settings) -> list[str]:
    """Every file in the attachment store (a FileSystemStorage in the tests)."""
    from pathlib import Path

    root = Path(settings.STORAGES["attachments"]["OPTIONS"]["location"])
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


MM = 72 / 25.4  # points per millimetre


def pdf_words(content: bytes) -> list[dict]:
    """Every run of text the PDF draws: its page (from 1), left and right edge and baseline in
    millimetres from the page's bottom-left corner, and the text."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    reader = PdfReader(io.BytesIO(content))
    runs = []
    for number, page in enumerate(reader.pages, start=1):

        def visit(text, cm, tm, font, size, number=number):
            if not text.strip():
                return
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            name = str((font or {}).get("/BaseFont", "/Times-Roman")).lstrip("/")
            width = stringWidth(text.rstrip(), name, size * tm[0] * cm[0])
            runs.append(
                {"page": number, "x0": x / MM, "x1": (x + width) / MM, "y": y / MM, "text": text}
            )

        page.extract_text(visitor_text=visit)
    return runs


def page_of(runs: list[dict], text: str) -> int:
    pages = {run["page"] for run in runs if text in run["text"]}
    assert len(pages) == 1, (text, pages)
    return pages.pop()


def page_images(content: bytes) -> list[int]:
    """How many images each page draws."""
    return [len(page.images) for page in PdfReader(io.BytesIO(content)).pages]

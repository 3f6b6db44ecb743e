"""Official documents as PDF (ReportLab), in Bahasa Indonesia: Tanda Terima Pengaduan, Lembar
Telaahan, Laporan Hasil Pengaduan and the Rekapitulasi Penanganan Pengaduan, laid out from the
parts in wbs.monitoring.letters.

Case documents take plaintext only through the casework services (wbs.cases), for a caller
whose keyring holds the report's key; this module only lays text out.
"""

import datetime

from django.conf import settings
from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Spacer, Table, TableStyle

from wbs.cases.choices import RESULT_SECTIONS
from wbs.directory.formats import nip_grouped, rupiah, tanggal
from wbs.directory.models import DeadlineRule, OrganisationProfile

from .letters import (
    BOLD,
    CENTER,
    HEADING,
    SMALL,
    TEXT_WIDTH,
    TITLE,
    approval_signatures,
    build,
    closing,
    fields_table,
    head_signature,
    in_words,
    lampiran,
    letter_head,
    letter_number,
    para,
)

__all__ = [
    "letter_number",
    "nip_grouped",
    "recap_pdf",
    "receipt_pdf",
    "result_pdf",
    "review_pdf",
    "rupiah",
    "tanggal",
]


# --- the documents --------------------------------------------------------------------------


def _verification_days() -> str:
    """“3 (tiga) hari kerja” from the deadline table, as letters write numbers."""
    rule = DeadlineRule.objects.filter(stage=DeadlineRule.Stage.VERIFICATION).first()
    days = rule.days if rule else 3
    unit = rule.get_unit_display() if rule else "hari kerja"
    return f"{in_words(days)} {unit}"


def receipt_pdf(report, *, number: str, access_code: str | None = None) -> bytes:
    """Tanda Terima Pengaduan for the reporter: its own Nomor, the registration number and
    date; the Kode Akses only when the reporter asks for it."""
    profile = OrganisationProfile.get()
    story = [
        para("TANDA TERIMA PENGADUAN", TITLE),
        para("Whistleblowing System", CENTER),
        para(f"Nomor: {number}", CENTER),
        Spacer(1, 8 * mm),
        para(
            f"{profile.office_name.title()} {profile.government_name.title()} telah menerima "
            "pengaduan Anda dengan keterangan sebagai berikut:"
        ),
        Spacer(1, 4 * mm),
        fields_table(
            [
                ("Nomor Registrasi", report.registration_number),
                ("Tanggal diterima", tanggal(report.received_on)),
                *([("Kode Akses", access_code)] if access_code else []),
            ]
        ),
        Spacer(1, 6 * mm),
        para(
            f"Pengaduan Anda diverifikasi paling lambat {_verification_days()} dan ditangani "
            "sesuai SOP Whistleblowing System. Ikuti perkembangannya pada halaman Cek Status "
            "Laporan dengan Kode Akses Anda."
        ),
        Spacer(1, 3 * mm),
        para(
            "Bila Anda memberikan identitas, identitas itu disegel dengan kunci tersendiri yang "
            "tidak dipegang utuh oleh siapa pun, termasuk Inspektur dan administrator. Identitas "
            "hanya dibuka untuk petugas yang menangani laporan Anda, setelah permintaannya yang "
            f"beralasan disetujui oleh {settings.WBS_IDENTITY_QUORUM} kustodian identitas selain "
            "petugas tersebut; setiap langkahnya tercatat."
        ),
        Spacer(1, 3 * mm),
        para(
            "Simpan Kode Akses di tempat yang aman dan jangan berikan kepada siapa pun."
            if access_code
            else "Tanda terima ini sengaja tidak memuat Kode Akses. Simpan Kode Akses Anda secara "
            "terpisah di tempat yang aman."
        ),
        Spacer(1, 10 * mm),
        para("Dokumen ini dibuat secara elektronik dan sah tanpa tanda tangan.", SMALL),
    ]
    return build(story, "Tanda Terima Pengaduan")


def _case_heading(title: str, report, rows: list[tuple[str, str]]) -> list:
    """A case document's title, its Nomor Registrasi and the report's plain facts."""
    return [
        para(title, TITLE),
        para(f"Nomor Registrasi Pengaduan: {report.registration_number}", CENTER),
        Spacer(1, 6 * mm),
        fields_table(
            [
                ("Kategori", report.category.name),
                ("Perangkat Daerah", report.unit.name),
                ("Tanggal diterima", tanggal(report.received_on)),
                *rows,
            ]
        ),
    ]


VERIFICATION_CHECKS = (
    ("complete_4w1h", "Unsur 4W+1H lengkap"),
    ("has_evidence", "Bukti permulaan ada"),
    ("within_jurisdiction", "Dalam kewenangan Pemerintah Kota"),
    ("accused_is_employee", "Terlapor pegawai Pemerintah Kota"),
)


def _verification(screening: dict | None) -> list:
    """The Verifikator's four checks at the forward, and the written reason when the report
    went to telaah without all of them (SOP control)."""
    if screening is None:
        return []
    row = screening["row"]
    lines = [para("Hasil Verifikasi", HEADING)]
    for name, label in VERIFICATION_CHECKS:
        lines.append(para(f"{label}: {'ya' if getattr(row, name) else 'tidak'}"))
    if screening.get("override"):
        lines.append(
            para(
                "Diteruskan untuk ditelaah tanpa seluruh syarat verifikasi terpenuhi. "
                "Alasan Verifikator: " + screening["override"],
                BOLD,
            )
        )
    return [*lines, Spacer(1, 3 * mm)]


def review_pdf(
    report,
    review: dict,
    number: str,
    *,
    verification: dict | None = None,
    attachments: int = 0,
) -> bytes:
    """Lembar Telaahan: the verification at the forward, the approved telaahan, made by the
    Penelaah and approved by the Inspektur. Its Lampiran are the report's evidence files."""
    row, content = review["review"], review["content"] or {}
    day = row.decided_on or timezone.localdate()
    story = [
        *letter_head(number, "Lembar Telaahan atas Pengaduan", day, lampiran=lampiran(attachments)),
        *_case_heading("LEMBAR TELAAHAN", report, [("Versi telaahan", str(row.version))]),
        Spacer(1, 4 * mm),
        *_verification(verification),
    ]
    for title, key in (
        ("A. Ringkasan Pengaduan", "ringkasan"),
        ("B. Fakta", "fakta"),
        ("C. Analisis", "analisis"),
        ("D. Indikasi Pelanggaran", "indikasi"),
        ("E. Dasar Hukum", "dasar_hukum"),
        ("F. Rekomendasi", "rekomendasi"),
    ):
        story += [para(title, HEADING), para(content.get(key, "")), Spacer(1, 3 * mm)]
    approval = (
        f"Disetujui oleh {row.decided_by.full_name or row.decided_by.username} pada "
        f"{tanggal(row.decided_on)}."
        if row.decided_by and row.decided_on
        else "Belum disetujui."
    )
    story.append(
        closing(
            para(approval),
            Spacer(1, 6 * mm),
            approval_signatures(
                (row.author, "Penelaah"), (row.decided_by, "Inspektur"), day=row.decided_on
            ),
        )
    )
    return build(story, "Lembar Telaahan")


def _surat_tugas(details: dict) -> str:
    if not details.get("surat_tugas_number"):
        return ""
    return (
        f"Surat Tugas Nomor {details['surat_tugas_number']} tanggal "
        f"{_date_text(details.get('surat_tugas_date'))}"
    )


def result_pdf(
    report, result: dict, follow_up: dict | None, number: str, *, attachments: int = 0
) -> bytes:
    """Laporan Hasil Pengaduan in its parts (dasar, uraian singkat, hasil pemeriksaan,
    kesimpulan, rekomendasi), signed by the official who made it and approved by the
    Inspektur. Its Lampiran is the document uploaded with it."""
    row = result["row"]
    content = result["content"]
    day = row.approved_on or row.submitted_on
    decision = follow_up["row"].get_decision_display() if follow_up else "-"
    details = (follow_up or {}).get("details") or {}
    story = [
        *letter_head(number, "Laporan Hasil Pengaduan", day, lampiran=lampiran(attachments)),
        *_case_heading(
            "LAPORAN HASIL PENGADUAN",
            report,
            [
                ("Tindak lanjut", str(decision)),
                ("Hasil", report.get_outcome_display() if report.outcome else "Dalam proses"),
            ],
        ),
        Spacer(1, 4 * mm),
    ]
    texts = {**content, "dasar": content.get("dasar") or _surat_tugas(details)}
    for letter, (key, heading) in zip("ABCDE", RESULT_SECTIONS, strict=True):
        story += [para(f"{letter}. {heading}", HEADING), para(texts.get(key) or "-")]
        story.append(Spacer(1, 3 * mm))
    story.append(
        closing(
            para(_status_line(row)),
            Spacer(1, 6 * mm),
            approval_signatures(
                (row.submitted_by, "Penelaah"), (row.approved_by, "Inspektur"), day=day
            ),
        )
    )
    return build(story, "Laporan Hasil Pengaduan")


def _date_text(value) -> str:
    if not value:
        return "-"
    if isinstance(value, str):
        try:
            value = datetime.date.fromisoformat(value)
        except ValueError:
            return value
    return tanggal(value)


def _status_line(row) -> str:
    parts = [f"Disusun {tanggal(row.submitted_on)}"]
    if row.verified_on:
        parts.append(f"diverifikasi {tanggal(row.verified_on)}")
    if row.approved_on:
        parts.append(f"disetujui {tanggal(row.approved_on)}")
    return "; ".join(parts) + "."


# The recap's count tables after Tabel 1: (what it counts by, column header, dashboard key).
RECAP_COUNT_TABLES = [
    ("Status", "Status", "status"),
    ("Kategori", "Kategori", "category"),
    ("Wilayah Inspektur Pembantu", "Wilayah", "wilayah"),
]


def recap_pdf(data: dict, *, period: str, number: str, day: datetime.date) -> bytes:
    """Rekapitulasi Penanganan Pengaduan for a period (Wali Kota, MCP evidence)."""

    def grid(header, rows):
        # Column widths from the text box: a table never runs into the right margin.
        widths = (
            [TEXT_WIDTH * 0.7, TEXT_WIDTH * 0.3]
            if len(header) == 2
            else [TEXT_WIDTH / len(header)] * len(header)
        )
        table = Table(
            [[para(h, BOLD) for h in header]] + [[para(c) for c in r] for r in rows],
            colWidths=widths,
            repeatRows=1,
        )
        table.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef3")),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        return table

    story = [
        *letter_head(number, "Rekapitulasi Penanganan Pengaduan", day, sifat="Biasa"),
        para("REKAPITULASI PENANGANAN PENGADUAN", TITLE),
        para("MELALUI WHISTLEBLOWING SYSTEM", TITLE),
        para(f"Periode: {period}", CENTER),
        Spacer(1, 6 * mm),
        para("Tabel 1 Data Pengaduan yang Diterima dan Ditindaklanjuti", HEADING),
        grid(
            [
                "Tahun",
                "Pengaduan yang diterima",
                "Pengaduan ditindaklanjuti",
                "Persentase ditindaklanjuti",
            ],
            [[str(r["year"]), r["received"], r["followed"], r["percent"]] for r in data["table1"]]
            or [["-", "0", "0", "-"]],
        ),
        Spacer(1, 5 * mm),
    ]
    for number_, (title, header, key) in enumerate(RECAP_COUNT_TABLES, start=2):
        counts = data[key]
        story += [
            para(f"Tabel {number_} Pengaduan menurut {title}", HEADING),
            grid(
                [header, "Jumlah"],
                [[str(r["label"]), r["text"]] for r in counts["rows"]]
                + [["Jumlah", counts["total"]]],
            ),
            Spacer(1, 5 * mm),
        ]
    story.append(
        closing(
            para(
                "Ditindaklanjuti: pengaduan yang diteruskan untuk ditelaah atau tahap sesudahnya, "
                "serta pengaduan yang ditolak dan dilimpahkan kepada instansi yang berwenang.",
                SMALL,
            ),
            Spacer(1, 8 * mm),
            head_signature(day),
        )
    )
    return build(story, "Rekapitulasi Penanganan Pengaduan")

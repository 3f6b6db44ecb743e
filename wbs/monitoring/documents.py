"""Official documents as PDF (ReportLab), in Bahasa Indonesia, with the kop surat from the
organisation profile: Tanda Terima Pengaduan, Lembar Telaahan, Laporan Hasil Pengaduan and the
Rekapitulasi Penanganan Pengaduan.

Case documents take plaintext only from wbs.vault through the casework services, for a caller
whose keyring holds the report's key; this module only lays text out.
"""

import datetime
import io
from pathlib import Path
from xml.sax.saxutils import escape

from django.conf import settings
from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.platypus import (
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from wbs.directory.models import DeadlineRule, OrganisationProfile

from .models import DocumentCounter

MONTHS = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
]
LOGO = Path(settings.BASE_DIR) / "static" / "wbs" / "kop-logo.png"
TOP_MARGIN = 52 * mm

_styles = getSampleStyleSheet()
BODY = ParagraphStyle(
    "body", parent=_styles["Normal"], fontName="Times-Roman", fontSize=11.5, leading=15
)
BOLD = ParagraphStyle("bold", parent=BODY, fontName="Times-Bold")
TITLE = ParagraphStyle(
    "title",
    parent=BODY,
    fontName="Times-Bold",
    fontSize=13,
    leading=17,
    alignment=TA_CENTER,
    spaceAfter=2,
)
CENTER = ParagraphStyle("center", parent=BODY, alignment=TA_CENTER)
SMALL = ParagraphStyle("small", parent=BODY, fontSize=9.5, leading=12)


def tanggal(day: datetime.date) -> str:
    """17 Agustus 2025 (documents spell the month out)."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def nip_grouped(nip: str) -> str:
    """19660801198803 1 001 → 19660801 198803 1 001."""
    digits = "".join(ch for ch in nip or "" if ch.isdigit())
    if len(digits) != 18:
        return nip or "-"
    return f"{digits[:8]} {digits[8:14]} {digits[14]} {digits[15:]}"


def rupiah(value: int | None) -> str:
    if value is None:
        return "-"
    return "Rp" + f"{value:,}".replace(",", ".")


def letter_number(kind: str, classification: str, day: datetime.date | None = None) -> str:
    """The next letter number: `kode klasifikasi/nomor urut/kode unit/tahun` by default."""
    day = day or timezone.localdate()
    profile = OrganisationProfile.get()
    # One running number per classification code and year: documents of different kinds that
    # share a code never get the same number.
    serial = DocumentCounter.next(classification, day.year)
    return profile.number_pattern.format(
        klasifikasi=classification, urut=serial, unit=profile.unit_code, tahun=day.year
    )


def _p(text: str, style=BODY) -> Paragraph:
    """A paragraph of plain text (escaped; line breaks kept)."""
    safe = escape(str(text or "-")).replace("\n", "<br/>")
    return Paragraph(safe, style)


def _logo(profile: OrganisationProfile) -> ImageReader:
    """The uploaded logo (any storage backend), or the bundled emblem."""
    if profile.logo:
        try:
            with profile.logo.open("rb") as fh:
                return ImageReader(io.BytesIO(fh.read()))
        except (OSError, ValueError):
            pass
    return ImageReader(str(LOGO))


def _kop(canvas, doc, profile: OrganisationProfile):
    width, height = A4
    canvas.saveState()
    canvas.drawImage(
        _logo(profile),
        20 * mm,
        height - 42 * mm,
        width=22 * mm,
        height=26 * mm,
        preserveAspectRatio=True,
        mask="auto",
    )
    center = width / 2 + 10 * mm
    canvas.setFont("Times-Bold", 15)
    canvas.drawCentredString(center, height - 20 * mm, profile.government_name.upper())
    canvas.setFont("Times-Bold", 17)
    canvas.drawCentredString(center, height - 27.5 * mm, profile.office_name.upper())
    canvas.setFont("Times-Roman", 10)
    canvas.drawCentredString(center, height - 33 * mm, profile.address or "")
    contacts = "   ".join(
        part
        for part in (
            f"Telepon {profile.phone}" if profile.phone else "",
            f"Pos-el {profile.email}" if profile.email else "",
            f"Laman {profile.website}" if profile.website else "",
        )
        if part
    )
    canvas.drawCentredString(center, height - 37.5 * mm, contacts)
    canvas.setLineWidth(2.2)
    canvas.line(18 * mm, height - 41 * mm, width - 18 * mm, height - 41 * mm)
    canvas.setLineWidth(0.7)
    canvas.line(18 * mm, height - 42.3 * mm, width - 18 * mm, height - 42.3 * mm)
    canvas.setFont("Times-Roman", 8)
    canvas.drawRightString(width - 18 * mm, 10 * mm, f"Halaman {doc.page}")
    canvas.restoreState()


def _build(story: list, title: str) -> bytes:
    profile = OrganisationProfile.get()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=22 * mm,
        rightMargin=20 * mm,
        topMargin=TOP_MARGIN,
        bottomMargin=20 * mm,
        title=title,
        author=profile.office_name.title(),
        creator="WBS",
        subject=title,
    )

    def page(canvas, doc):
        _kop(canvas, doc, profile)

    doc.build(story, onFirstPage=page, onLaterPages=page)
    return buffer.getvalue()


def _fields_table(rows: list[tuple[str, str]]) -> Table:
    table = Table([[_p(k), _p(":"), _p(v)] for k, v in rows], colWidths=[45 * mm, 4 * mm, 115 * mm])
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    return table


def _letter_head(
    number: str, subject: str, day: datetime.date, *, sifat: str = "Rahasia", lampiran: str = "-"
) -> list:
    profile = OrganisationProfile.get()
    return [
        Table(
            [
                [
                    _fields_table(
                        [
                            ("Nomor", number),
                            ("Sifat", sifat),
                            ("Lampiran", lampiran),
                            ("Hal", subject),
                        ]
                    ),
                    _p(f"{profile.city}, {tanggal(day)}"),
                ]
            ],
            colWidths=[105 * mm, 60 * mm],
            style=TableStyle(
                [("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]
            ),
        ),
        Spacer(1, 6 * mm),
    ]


def _signature(jabatan: str, name: str, pangkat: str, nip: str, *, place_date: str = ""):
    lines = []
    if place_date:
        lines.append(_p(place_date))
    lines += [_p(jabatan), Spacer(1, 18 * mm), _p(name or "(...........................)", BOLD)]
    if pangkat:
        lines.append(_p(pangkat))
    lines.append(_p(f"NIP. {nip_grouped(nip)}"))
    return Table(
        [["", lines]],
        colWidths=[85 * mm, 80 * mm],
        style=TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]),
    )


def _head_signature(day: datetime.date):
    profile = OrganisationProfile.get()
    return _signature(
        profile.head_title,
        profile.head_name,
        profile.head_rank,
        profile.head_nip,
        place_date=f"{profile.city}, {tanggal(day)}",
    )


def _user_signature(user, role_title: str):
    if user is None:
        return _signature(role_title, "", "", "")
    return _signature(
        user.jabatan or role_title, user.full_name or user.username, user.pangkat, user.nip
    )


# --- the documents --------------------------------------------------------------------------


NUMBER_WORDS = [
    "nol",
    "satu",
    "dua",
    "tiga",
    "empat",
    "lima",
    "enam",
    "tujuh",
    "delapan",
    "sembilan",
    "sepuluh",
    "sebelas",
]


def _verification_days() -> str:
    """“3 (tiga) hari kerja” from the deadline table, as letters write numbers."""
    rule = DeadlineRule.objects.filter(stage=DeadlineRule.Stage.VERIFICATION).first()
    days = rule.days if rule else 3
    unit = rule.get_unit_display() if rule else "hari kerja"
    words = f" ({NUMBER_WORDS[days]})" if days < len(NUMBER_WORDS) else ""
    return f"{days}{words} {unit}"


def receipt_pdf(report, *, access_code: str | None = None) -> bytes:
    """Tanda Terima Pengaduan for the reporter: number and date; the Kode Akses only when the
    reporter asks for it."""
    profile = OrganisationProfile.get()
    story = [
        _p("TANDA TERIMA PENGADUAN", TITLE),
        _p("Whistleblowing System", CENTER),
        Spacer(1, 8 * mm),
        _p(
            f"{profile.office_name.title()} {profile.government_name.title()} telah menerima "
            "pengaduan Anda dengan keterangan sebagai berikut:"
        ),
        Spacer(1, 4 * mm),
        _fields_table(
            [
                ("Nomor Registrasi", report.registration_number),
                ("Tanggal diterima", tanggal(report.received_on)),
                *([("Kode Akses", access_code)] if access_code else []),
            ]
        ),
        Spacer(1, 6 * mm),
        _p(
            f"Pengaduan Anda diverifikasi paling lambat {_verification_days()} dan ditangani "
            "sesuai SOP Whistleblowing System. Ikuti perkembangannya pada halaman Cek Status "
            "Laporan dengan Kode Akses Anda."
        ),
        Spacer(1, 3 * mm),
        _p(
            "Kerahasiaan identitas Anda terjamin. Simpan Kode Akses di tempat yang aman dan jangan "
            "berikan kepada siapa pun."
            if access_code
            else "Tanda terima ini sengaja tidak memuat Kode Akses. Simpan Kode Akses Anda secara "
            "terpisah di tempat yang aman."
        ),
        Spacer(1, 10 * mm),
        _p("Dokumen ini dibuat secara elektronik dan sah tanpa tanda tangan.", SMALL),
    ]
    return _build(story, "Tanda Terima Pengaduan")


def review_pdf(report, review: dict, number: str) -> bytes:
    """Lembar Telaahan: the approved telaahan with its approval."""
    row, content = review["review"], review["content"] or {}
    day = row.decided_on or timezone.localdate()
    story = [
        *_letter_head(number, "Lembar Telaahan atas Pengaduan", day),
        _p("LEMBAR TELAAHAN", TITLE),
        _p(f"Nomor Registrasi Pengaduan: {report.registration_number}", CENTER),
        Spacer(1, 6 * mm),
        _fields_table(
            [
                ("Kategori", report.category.name),
                ("Perangkat Daerah", report.unit.name),
                ("Tanggal diterima", tanggal(report.received_on)),
                ("Versi telaahan", str(row.version)),
            ]
        ),
        Spacer(1, 4 * mm),
    ]
    for title, key in (
        ("A. Ringkasan Pengaduan", "ringkasan"),
        ("B. Fakta", "fakta"),
        ("C. Analisis", "analisis"),
        ("D. Indikasi Pelanggaran", "indikasi"),
        ("E. Dasar Hukum", "dasar_hukum"),
        ("F. Rekomendasi", "rekomendasi"),
    ):
        story += [_p(title, BOLD), _p(content.get(key, "")), Spacer(1, 3 * mm)]
    approval = (
        f"Disetujui oleh {row.decided_by.full_name or row.decided_by.username} pada "
        f"{tanggal(row.decided_on)}."
        if row.decided_by and row.decided_on
        else "Belum disetujui."
    )
    story += [
        _p(approval),
        Spacer(1, 6 * mm),
        Table(
            [
                [
                    _user_signature(row.author, "Penelaah"),
                    _user_signature(row.decided_by, "Inspektur"),
                ]
            ],
            colWidths=[82 * mm, 82 * mm],
        ),
    ]
    return _build(story, "Lembar Telaahan")


def result_pdf(report, result: dict, follow_up: dict | None, number: str) -> bytes:
    """Laporan Hasil Pengaduan."""
    row = result["row"]
    day = row.approved_on or row.submitted_on
    decision = follow_up["row"].get_decision_display() if follow_up else "-"
    details = (follow_up or {}).get("details") or {}
    story = [
        *_letter_head(number, "Laporan Hasil Pengaduan", day),
        _p("LAPORAN HASIL PENGADUAN", TITLE),
        _p(f"Nomor Registrasi Pengaduan: {report.registration_number}", CENTER),
        Spacer(1, 6 * mm),
        _fields_table(
            [
                ("Kategori", report.category.name),
                ("Perangkat Daerah", report.unit.name),
                ("Tanggal diterima", tanggal(report.received_on)),
                ("Tindak lanjut", str(decision)),
                (
                    "Surat Tugas",
                    f"{details.get('surat_tugas_number')} tanggal "
                    f"{_date_text(details.get('surat_tugas_date'))}"
                    if details.get("surat_tugas_number")
                    else "-",
                ),
                ("Hasil", report.get_outcome_display() if report.outcome else "Dalam proses"),
            ]
        ),
        Spacer(1, 4 * mm),
        _p("Uraian Hasil", BOLD),
        _p(result["text"]),
        Spacer(1, 4 * mm),
        _p(_status_line(row)),
        Spacer(1, 6 * mm),
        Table(
            [
                [
                    _user_signature(row.verified_by, "Verifikator"),
                    _user_signature(row.approved_by, "Inspektur"),
                ]
            ],
            colWidths=[82 * mm, 82 * mm],
        ),
    ]
    return _build(story, "Laporan Hasil Pengaduan")


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


def recap_pdf(data: dict, *, period: str, number: str, day: datetime.date) -> bytes:
    """Rekapitulasi Penanganan Pengaduan for a period (Wali Kota, MCP evidence)."""

    def grid(header, rows):
        table = Table(
            [[_p(h, BOLD) for h in header]] + [[_p(c) for c in r] for r in rows], repeatRows=1
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
        *_letter_head(number, "Rekapitulasi Penanganan Pengaduan", day, sifat="Biasa"),
        _p("REKAPITULASI PENANGANAN PENGADUAN", TITLE),
        _p("MELALUI WHISTLEBLOWING SYSTEM", TITLE),
        _p(f"Periode: {period}", CENTER),
        Spacer(1, 6 * mm),
        _p("Tabel 1 Data Pengaduan yang Diterima dan Ditindaklanjuti", BOLD),
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
        _p("Tabel 2 Pengaduan menurut Status", BOLD),
        grid(
            ["Status", "Jumlah"],
            [[str(r["label"]), r["text"]] for r in data["status"]["rows"]]
            + [["Jumlah", data["status"]["total"]]],
        ),
        Spacer(1, 5 * mm),
        _p("Tabel 3 Pengaduan menurut Kategori", BOLD),
        grid(
            ["Kategori", "Jumlah"],
            [[str(r["label"]), r["text"]] for r in data["category"]["rows"]]
            + [["Jumlah", data["category"]["total"]]],
        ),
        Spacer(1, 5 * mm),
        _p("Tabel 4 Pengaduan menurut Wilayah Inspektur Pembantu", BOLD),
        grid(
            ["Wilayah", "Jumlah"],
            [[str(r["label"]), r["text"]] for r in data["wilayah"]["rows"]]
            + [["Jumlah", data["wilayah"]["total"]]],
        ),
        Spacer(1, 5 * mm),
        _p(
            "Ditindaklanjuti: pengaduan yang diteruskan untuk ditelaah atau tahap sesudahnya, "
            "serta pengaduan yang ditolak dan dilimpahkan kepada instansi yang berwenang.",
            SMALL,
        ),
        Spacer(1, 8 * mm),
        _head_signature(day),
    ]
    return _build(story, "Rekapitulasi Penanganan Pengaduan")

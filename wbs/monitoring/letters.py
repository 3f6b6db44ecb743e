"""The parts of an Indonesian official letter (naskah dinas) as ReportLab flowables: the kop
surat from the organisation profile, the letter head (Nomor, Sifat, Lampiran, Hal), signature
blocks with NIP, letter numbers, and how dates, NIPs and Rupiah are written."""

import datetime
import io
from pathlib import Path
from xml.sax.saxutils import escape

from django.conf import settings
from django.utils import timezone
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

from wbs.directory.models import OrganisationProfile

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
    """19850715201001 1 003 → 19850715 201001 1 003."""
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


def para(text: str, style=BODY) -> Paragraph:
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


def build(story: list, title: str) -> bytes:
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


def fields_table(rows: list[tuple[str, str]]) -> Table:
    table = Table(
        [[para(k), para(":"), para(v)] for k, v in rows], colWidths=[45 * mm, 4 * mm, 115 * mm]
    )
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


def letter_head(
    number: str, subject: str, day: datetime.date, *, sifat: str = "Rahasia", lampiran: str = "-"
) -> list:
    profile = OrganisationProfile.get()
    return [
        Table(
            [
                [
                    fields_table(
                        [
                            ("Nomor", number),
                            ("Sifat", sifat),
                            ("Lampiran", lampiran),
                            ("Hal", subject),
                        ]
                    ),
                    para(f"{profile.city}, {tanggal(day)}"),
                ]
            ],
            colWidths=[105 * mm, 60 * mm],
            style=TableStyle(
                [("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]
            ),
        ),
        Spacer(1, 6 * mm),
    ]


def signature(jabatan: str, name: str, pangkat: str, nip: str, *, place_date: str = ""):
    lines = []
    if place_date:
        lines.append(para(place_date))
    lines += [
        para(jabatan),
        Spacer(1, 18 * mm),
        para(name or "(...........................)", BOLD),
    ]
    if pangkat:
        lines.append(para(pangkat))
    lines.append(para(f"NIP. {nip_grouped(nip)}"))
    return Table(
        [["", lines]],
        colWidths=[85 * mm, 80 * mm],
        style=TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]),
    )


def head_signature(day: datetime.date):
    profile = OrganisationProfile.get()
    return signature(
        profile.head_title,
        profile.head_name,
        profile.head_rank,
        profile.head_nip,
        place_date=f"{profile.city}, {tanggal(day)}",
    )


def user_signature(user, role_title: str):
    if user is None:
        return signature(role_title, "", "", "")
    return signature(
        user.jabatan or role_title, user.full_name or user.username, user.pangkat, user.nip
    )

"""The parts of an Indonesian official letter (naskah dinas) as ReportLab flowables: the kop
surat from the organisation profile (first page only, with the lambang the administrator
uploaded), the letter head (Nomor, Sifat, Lampiran, Hal), signature blocks with NIP kept with
the text they close and inside the margins, letter numbers, and how dates, NIPs and Rupiah are
written."""

import datetime
import io
from xml.sax.saxutils import escape  # escapes for reportlab, parses nothing  # nosec B406

from django.utils import timezone
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.platypus import (
    BaseDocTemplate,
    Frame,
    KeepTogether,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from wbs.directory.formats import nip_grouped, tanggal
from wbs.directory.models import OrganisationProfile

from .models import DocumentCounter

TOP_MARGIN = 52 * mm  # first page: below the kop surat
LATER_TOP_MARGIN = 20 * mm
LEFT_MARGIN, RIGHT_MARGIN, BOTTOM_MARGIN = 22 * mm, 20 * mm, 20 * mm
TEXT_WIDTH = A4[0] - LEFT_MARGIN - RIGHT_MARGIN  # 168 mm: every table fits in it

_styles = getSampleStyleSheet()
BODY = ParagraphStyle(
    "body", parent=_styles["Normal"], fontName="Times-Roman", fontSize=11.5, leading=15
)
BOLD = ParagraphStyle("bold", parent=BODY, fontName="Times-Bold")
# A heading never ends a page: it stays with the paragraph or table it names.
HEADING = ParagraphStyle("heading", parent=BOLD, keepWithNext=1)
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


def in_words(number: int) -> str:
    """3 → "3 (tiga)", as letters write small numbers."""
    return f"{number} ({NUMBER_WORDS[number]})" if 0 <= number < len(NUMBER_WORDS) else str(number)


def lampiran(count: int) -> str:
    """The Lampiran line of the letter head: "-" or "2 (dua) berkas"."""
    return f"{in_words(count)} berkas" if count else "-"


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


def _logo(profile: OrganisationProfile) -> ImageReader | None:
    """The lambang the administrator uploaded (any storage backend). Without one the kop has
    no emblem: a letter never carries the application's icon as if it were the city's."""
    if profile.logo:
        try:
            with profile.logo.open("rb") as fh:
                return ImageReader(io.BytesIO(fh.read()))
        except (OSError, ValueError):
            return None
    return None


def _page_number(canvas, doc):
    canvas.saveState()
    canvas.setFont("Times-Roman", 8)
    canvas.drawRightString(A4[0] - RIGHT_MARGIN, 10 * mm, f"Halaman {doc.page}")
    canvas.restoreState()


def _kop(canvas, doc, profile: OrganisationProfile):
    """The kop surat, on the first page only."""
    width, height = A4
    canvas.saveState()
    logo = _logo(profile)
    if logo is not None:
        canvas.drawImage(
            logo,
            20 * mm,
            height - 40 * mm,
            width=22 * mm,
            height=26 * mm,
            preserveAspectRatio=True,
            mask="auto",
        )
    center = width / 2 + (10 * mm if logo is not None else 0)
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
    canvas.restoreState()
    _page_number(canvas, doc)


def _frame(top: float, name: str) -> Frame:
    # No frame padding: the text box is exactly the page minus the margins, so a table as
    # wide as TEXT_WIDTH stays inside the printable area.
    return Frame(
        LEFT_MARGIN,
        BOTTOM_MARGIN,
        TEXT_WIDTH,
        A4[1] - top - BOTTOM_MARGIN,
        id=name,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
    )


def build(story: list, title: str) -> bytes:
    profile = OrganisationProfile.get()
    buffer = io.BytesIO()
    doc = BaseDocTemplate(
        buffer,
        pagesize=A4,
        title=title,
        author=profile.office_name.title(),
        creator="WBS",
        subject=title,
    )
    doc.addPageTemplates(
        [
            PageTemplate(
                "first",
                [_frame(TOP_MARGIN, "first")],
                onPage=lambda canvas, doc: _kop(canvas, doc, profile),
                autoNextPageTemplate="later",
            ),
            PageTemplate("later", [_frame(LATER_TOP_MARGIN, "later")], onPage=_page_number),
        ]
    )
    doc.build(story)
    return buffer.getvalue()


def fields_table(rows: list[tuple[str, str]]) -> Table:
    table = Table(
        [[para(k), para(":"), para(v)] for k, v in rows], colWidths=[45 * mm, 4 * mm, 119 * mm]
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
            colWidths=[105 * mm, 63 * mm],
            style=TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    # The nested table pads its own first row: the date stands on Nomor's line.
                    ("TOPPADDING", (0, 0), (0, 0), 0),
                    ("TOPPADDING", (1, 0), (1, 0), 3),
                ]
            ),
        ),
        Spacer(1, 6 * mm),
    ]


def signature_lines(
    jabatan: str, name: str, pangkat: str, nip: str, *, above: tuple[str, ...] = ()
) -> list:
    """One signature block: what stands above (place and date, "Mengetahui,"), the jabatan,
    room to sign, the name, the pangkat and the NIP."""
    lines = [para(text) for text in above if text]
    lines += [
        para(jabatan),
        Spacer(1, 18 * mm),
        para(name or "(...........................)", BOLD),
    ]
    if pangkat:
        lines.append(para(pangkat))
    lines.append(para(f"NIP. {nip_grouped(nip)}"))
    return lines


def _blocks(left: list | None, right: list) -> Table:
    half = TEXT_WIDTH / 2
    return Table(
        [[left or "", right]],
        colWidths=[half, half],
        style=TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ]
        ),
    )


def signature(jabatan: str, name: str, pangkat: str, nip: str, *, place_date: str = ""):
    """A single signature block on the right half."""
    return _blocks(None, signature_lines(jabatan, name, pangkat, nip, above=(place_date,)))


def head_lines(*, above: tuple[str, ...] = ()) -> list:
    profile = OrganisationProfile.get()
    return signature_lines(
        profile.head_title, profile.head_name, profile.head_rank, profile.head_nip, above=above
    )


def head_signature(day: datetime.date):
    profile = OrganisationProfile.get()
    return _blocks(None, head_lines(above=(f"{profile.city}, {tanggal(day)}",)))


def user_lines(user, role_title: str, *, above: tuple[str, ...] = ()) -> list:
    if user is None:
        return signature_lines(role_title, "", "", "", above=above)
    return signature_lines(
        user.jabatan or role_title,
        user.full_name or user.username,
        user.pangkat,
        user.nip,
        above=above,
    )


def user_signature(user, role_title: str):
    return _blocks(None, user_lines(user, role_title))


def approval_signatures(maker: tuple, approver: tuple, *, day: datetime.date | None) -> Table:
    """The SOP's two signers: "Mengetahui/Menyetujui," the approving official on the left, the
    official who made the document on the right under the place and date."""
    profile = OrganisationProfile.get()
    place_date = f"{profile.city}, {tanggal(day)}" if day else ""
    return _blocks(
        user_lines(*approver, above=("Mengetahui/Menyetujui,",)),
        user_lines(*maker, above=(place_date or " ",)),
    )


def closing(*flowables) -> KeepTogether:
    """The closing text and the signatures under it, never split across pages."""
    return KeepTogether(list(flowables))

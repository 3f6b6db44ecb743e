"""XLSX exports (openpyxl, write-only mode so 100,000 rows stream through little memory).

The register never carries identities; report text only for a caller whose keyring holds the
report's key and who asked for it explicitly (the title and description come from wbs.vault).
"""

import io

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from wbs.cases.models import Status, StatusChange
from wbs.cases.sealing import open_report
from wbs.vault import grants

STAGE_COLUMNS = [
    (Status.DITERIMA, "Hari kerja: diterima"),
    (Status.VERIFIKASI, "Hari kerja: verifikasi"),
    (Status.PERLU_KELENGKAPAN, "Hari kerja: menunggu pelapor"),
    (Status.DITELAAH, "Hari kerja: telaah"),
    (Status.MENUNGGU_PERSETUJUAN, "Hari kerja: persetujuan"),
    (Status.DISETUJUI, "Hari kerja: penetapan tindak lanjut"),
    (Status.TINDAK_LANJUT, "Hari kerja: tindak lanjut"),
    (Status.LAPORAN_HASIL, "Hari kerja: laporan hasil"),
]
HEADER = [
    "Nomor Registrasi",
    "Tanggal diterima",
    "Kategori",
    "Perangkat Daerah",
    "Wilayah Irban",
    "Jenis pelapor",
    "Identitas",
    "Status",
    "Tenggat tahap",
    "Tanggal selesai",
    "Hasil",
    "Tindak lanjut",
    "Dilimpahkan ke",
]


def _bold_row(ws, values):
    row = []
    for value in values:
        cell = WriteOnlyCell(ws, value=value)
        cell.font = Font(bold=True)
        row.append(cell)
    ws.append(row)


def _cell_value(value):
    """Choice labels as text; characters an XLSX file cannot hold (NUL and other control
    characters a reporter may have typed) removed, instead of failing the whole export."""
    if hasattr(value, "label"):
        value = str(value)
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def register_rows(reports, *, keyring=None):
    """Rows of the register; `keyring` given → title and description where it holds a key."""
    reports = list(
        reports.select_related("category", "unit", "wilayah").order_by(
            "received_on", "registration_number"
        )
    )
    days: dict = {}
    changes = StatusChange.objects.filter(
        report__in=[r.pk for r in reports], days_in_stage__isnull=False
    )
    for report_id, status, value in changes.values_list(
        "report_id", "from_status", "days_in_stage"
    ):
        per = days.setdefault(report_id, {})
        per[status] = per.get(status, 0) + value
    if keyring is not None:
        grants.preload(keyring, reports)
    for r in reports:
        row = [
            r.registration_number,
            r.received_on,
            r.category.name,
            r.unit.name,
            r.wilayah.short_name if r.wilayah else "",
            r.get_reporter_type_display(),
            "Anonim" if r.identity_mode == "anonymous" else "Dirahasiakan",
            r.get_status_display(),
            r.stage_due_on,
            r.closed_on,
            r.get_outcome_display() if r.outcome else "",
            r.get_follow_up_decision_display() if r.follow_up_decision else "",
            r.get_referral_display() if r.referral else "",
        ]
        row += [days.get(r.pk, {}).get(status) for status, _label in STAGE_COLUMNS]
        if keyring is not None:
            if keyring.holds(r.pk):
                opened = open_report(keyring, r)
                row += [opened.title, opened.details.description]
            else:
                row += ["(tidak ada kunci)", ""]
        yield [_cell_value(v) for v in row]


def register_xlsx(reports, *, keyring=None, title: str = "Register Pengaduan") -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Register")
    _bold_row(ws, [title])
    header = HEADER + [label for _s, label in STAGE_COLUMNS]
    if keyring is not None:
        header += ["Judul", "Uraian"]
    _bold_row(ws, header)
    for row in register_rows(reports, keyring=keyring):
        ws.append([_cell(ws, value) for value in row])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


# What a spreadsheet program may take for the start of a formula (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def _cell(ws, value, number_format=None):
    """A cell; text stays text: openpyxl would store "=HYPERLINK(...)" typed by a reporter (or
    an OPD name typed by an administrator) as a formula that runs when the file is opened, so
    text is written as a string, and text that starts like a formula is quote-prefixed, so
    that editing the cell does not turn it into one either."""
    cell = WriteOnlyCell(ws, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
        if value.startswith(FORMULA_STARTS):
            cell.quotePrefix = True
    if number_format:
        cell.number_format = number_format
    return cell


def recap_xlsx(data: dict, *, period: str) -> bytes:
    """The recap with real numbers (counts as integers, percentages as numbers formatted %)."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Tabel 1")
    _bold_row(ws, [f"Rekapitulasi Penanganan Pengaduan — {period}"])
    _bold_row(
        ws,
        [
            "Tahun",
            "Pengaduan yang diterima",
            "Pengaduan ditindaklanjuti",
            "Persentase ditindaklanjuti",
        ],
    )
    for row in data["table1"]:
        ws.append(
            [
                row["year"],
                row["received_n"],
                row["followed_n"],
                _cell(ws, row["percent_n"] / 100, "0.00%"),
            ]
        )
    for sheet, key, label in (
        ("Status", "status", "Status"),
        ("Kategori", "category", "Kategori"),
        ("Wilayah", "wilayah", "Wilayah Irban"),
        ("Perangkat Daerah", "unit", "Perangkat Daerah"),
    ):
        ws = wb.create_sheet(sheet)
        _bold_row(ws, [label, "Jumlah"])
        for row in data[key]["rows"]:
            ws.append([_cell(ws, str(row["label"])), row["value"]])
        _bold_row(ws, ["Jumlah", sum(row["value"] for row in data[key]["rows"])])
    ws = wb.create_sheet("Waktu proses")
    _bold_row(ws, ["Tahap", "Langkah", "Median (hari kerja)", "Persentil ke-90", "Sesuai tenggat"])
    for row in data["stages"]:
        ws.append(
            [
                str(row["label"]),
                row["n_value"],
                row["median_value"],
                row["p90_value"],
                _cell(ws, row["compliance_value"] / 100, "0.00%")
                if row["compliance_value"] is not None
                else None,
            ]
        )
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()

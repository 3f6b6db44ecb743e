"""Issue 8 end to end in a real Chromium (ADR 0013): an identity release walked by the people
who do it — the reporter gives their identity, the Verifikator asks with a reason, two identity
custodians approve in their own browsers, the Verifikator opens it, the Inspektur sees the
alerts, and the reporter reads on Cek Status that it was opened; and a new Verifikator made by
the administrator, who chooses their own password and reads nothing until the Inspektur
approves the role with their key.

Side effect: screenshots for the manual in docs/manual/img/ (custodian queue, alerts, role
approvals, choose-password page)."""

import re

import pytest

from conftest import PASSWORD
from wbs.cases.tests.test_browser_lifecycle import (
    DESKTOP,
    IMG_DIR,
    LOCALE,
    MOBILE,
    PRIMARY,
    _submit,
)

pytestmark = pytest.mark.browser

NAME = "Rahmat Pelapor Contoh"
TITLE = "Dugaan gratifikasi pada pengadaan alat tulis kantor"
REASON = "Pelapor perlu dimintai keterangan langsung tentang kuitansi yang ia sebut."
CHOSEN = "sandi-pilihan-verifikator-baru"


def _staff_page(new_context, base, user, password=PASSWORD, *, lands=None):
    """Log in through the real pages (choosing an own password when asked, enrolling an
    authenticator on the first log-in); returns the page where the log-in lands."""
    import pyotp

    page = new_context(viewport=DESKTOP, locale=LOCALE).new_page()
    page.goto(base + "/staf/masuk/")
    page.fill("[name=username]", user.username)
    page.fill("[name=password]", password)
    _submit(page, PRIMARY)
    if page.url == base + "/staf/masuk/sandi-baru/":
        page.screenshot(path=str(IMG_DIR / "staf-sandi-baru.png"), full_page=True)
        page.fill("[name=new1]", CHOSEN)
        page.fill("[name=new2]", CHOSEN)
        _submit(page, PRIMARY)
    assert page.url == base + "/staf/masuk/daftar-2fa/", page.url
    secret = page.inner_text("code.secret").strip()
    page.fill("[name=token]", pyotp.TOTP(secret).now())
    _submit(page, PRIMARY, expect_url=lands)
    return page


def _report_with_identity(new_context, base):
    from wbs.directory.models import Category, Unit

    page = new_context(java_script_enabled=False, viewport=MOBILE, locale=LOCALE).new_page()
    page.goto(base + "/lapor/")
    assert not page.is_visible("[name=identity_name]"), "no identity field under Anonim"
    page.select_option("[name=category]", value=str(Category.objects.get(code="gratifikasi").pk))
    page.fill("[name=title]", TITLE)
    page.fill("[name=description]", "Pemasok memberi voucher kepada panitia pengadaan.")
    page.fill("[name=accused-0-name]", "Fulan bin Contoh")
    page.select_option("[name=unit]", value=str(Unit.objects.get(name="Sekretariat Daerah").pk))
    page.fill("[name=incident_date]", "2025-03-14")
    page.check("[name=reporter_type][value=asn]")
    page.check("[name=identity_mode][value=confidential]")
    form_help = page.inner_text("fieldset:has([name=identity_name])")
    assert "2 kustodian identitas" in form_help, "the form says who can open the identity"
    page.fill("[name=identity_name]", NAME)
    page.fill("[name=identity_unit]", "Bagian Umum")
    page.check("[name=declaration]")
    _submit(page, PRIMARY, expect_url=base + "/lapor/tanda-terima/")
    assert "2 kustodian identitas" in page.inner_text(".receipt")
    number = page.inner_text("#registration-number").strip()
    code = page.inner_text("#access-code").strip()
    return page, number, code


def test_identity_release_by_two_custodians_in_the_browser(live_server, staff, new_context):
    from wbs.accounts.models import Alert
    from wbs.audit.models import AuditEvent
    from wbs.cases.models import IdentityRequest

    base = live_server.url
    IMG_DIR.mkdir(parents=True, exist_ok=True)
    reporter, number, code = _report_with_identity(new_context, base)

    # The Verifikator sees no identity and no way to open it; asks with a reason.
    verifikator = _staff_page(new_context, base, staff["verifikator"])
    case_url = f"{base}/staf/laporan/{number}/"
    verifikator.goto(case_url)
    section = verifikator.locator("section:has(#identity-h)")
    assert NAME not in section.inner_text()
    assert section.locator(f'form[action="/staf/laporan/{number}/identitas/lihat/"]').count() == 0
    section.locator("[name=reason]").fill(REASON)
    _submit(verifikator, section.locator("button[type=submit]"), expect_url=case_url)
    request = IdentityRequest.objects.get()
    assert request.state == "pending"

    # The custodian (no report key) reads the reason in their queue and approves.
    custodian = _staff_page(new_context, base, staff["custodian"], lands=base + "/staf/identitas/")
    box = custodian.locator(f".box:has-text('{number}')")
    assert REASON in box.inner_text() and TITLE not in custodian.content()
    custodian.screenshot(path=str(IMG_DIR / "staf-permintaan-identitas.png"), full_page=True)
    box.locator("[name=decision][value=approve]").check()
    box.locator("[name=reason]").fill("Diperlukan untuk klarifikasi; disetujui.")
    _submit(custodian, box.locator(PRIMARY), expect_url=base + "/staf/identitas/")
    request.refresh_from_db()
    assert request.state == "pending", "one approval is not enough"
    verifikator.goto(case_url)
    assert (
        verifikator.locator(f'form[action="/staf/laporan/{number}/identitas/lihat/"]').count() == 0
    )

    # The Penanggung Jawab, a custodian too, approves from the menu: the identity is released.
    pj = _staff_page(new_context, base, staff["pj"], lands=base + "/staf/kotak-masuk/")
    _submit(pj, "nav a[href='/staf/identitas/']", expect_url=base + "/staf/identitas/")
    box = pj.locator(f".box:has-text('{number}')")
    assert "1 dari 2 persetujuan" in box.inner_text()
    box.locator("[name=decision][value=approve]").check()
    box.locator("[name=reason]").fill("Setuju.")
    _submit(pj, box.locator(PRIMARY), expect_url=base + "/staf/identitas/")
    request.refresh_from_db()
    assert request.state == "approved"

    # The Verifikator opens it (recorded); nobody else has the button.
    verifikator.goto(case_url)
    _submit(verifikator, f'form[action="/staf/laporan/{number}/identitas/lihat/"] button')
    assert NAME in verifikator.inner_text("dl.details")
    assert (
        AuditEvent.objects.filter(verb="identity.viewed", actor=staff["verifikator"]).count() == 1
    )

    # The Inspektur was told of every step, content-free, and acknowledges.
    inspektur = _staff_page(new_context, base, staff["inspektur"])
    inspektur.goto(case_url)
    assert inspektur.locator(f'form[action="/staf/laporan/{number}/identitas/lihat/"]').count() == 0
    assert inspektur.locator("#open-alerts").count() == 1
    _submit(inspektur, "#open-alerts a", expect_url=base + "/staf/pemberitahuan/")
    table = inspektur.inner_text("table.list")
    assert "Identitas pelapor dibuka" in table and NAME not in table and REASON not in table
    inspektur.screenshot(path=str(IMG_DIR / "staf-pemberitahuan.png"), full_page=True)
    _submit(inspektur, PRIMARY, expect_url=base + "/staf/pemberitahuan/")
    assert not Alert.objects.filter(recipient=staff["inspektur"], acknowledged_at=None).exists()

    # The reporter reads on Cek Status that their identity was opened, and how.
    reporter.goto(base + "/status/")
    reporter.fill("[name=access_code]", code)
    _submit(reporter, PRIMARY, expect_url=base + "/status/laporan/")
    section = reporter.inner_text("section:has(#identity-h)")
    assert "setelah 2 kustodian identitas menyetujui" in section


def test_a_new_verifikator_reads_only_after_the_inspektur_approves(live_server, staff, new_context):
    from wbs.accounts.models import User
    from wbs.intake.tests.factories import submit

    base = live_server.url
    IMG_DIR.mkdir(parents=True, exist_ok=True)
    submit(title=TITLE)

    # The administrator creates the account: the role waits, the password works once.
    admin = _staff_page(new_context, base, staff["admin"], lands=base + "/staf/administrasi/")
    admin.goto(base + "/staf/administrasi/pengguna/baru/")
    admin.fill("[name=username]", "verifikator.baru")
    admin.fill("[name=full_name]", "Vera Verifikasi Baru")
    admin.check("[name=roles][value=verifikator]")
    _submit(admin, PRIMARY)
    temporary = admin.inner_text("p.big-code").strip()
    assert "Verifikator" in admin.locator(".notice-warning").last.inner_text()
    newcomer = User.objects.get(username="verifikator.baru")

    # The new member chooses their own password; the inbox shows nothing yet.
    page = _staff_page(new_context, base, newcomer, temporary)
    assert TITLE not in page.content()
    newcomer.refresh_from_db()
    assert not newcomer.password_set_by_other and newcomer.check_password(CHOSEN)

    # The Inspektur approves with their key on Persetujuan Peran.
    inspektur = _staff_page(new_context, base, staff["inspektur"])
    _submit(inspektur, "nav a[href='/staf/peran/']", expect_url=base + "/staf/peran/")
    row = inspektur.locator("tr:has-text('verifikator.baru')").first
    # The fingerprint the newcomer reads aloud from their own account page is the one shown.
    page.goto(base + "/staf/akun/sandi/")
    read_aloud = page.inner_text("#key-fingerprint").strip()
    assert read_aloud and read_aloud in row.inner_text()
    inspektur.screenshot(path=str(IMG_DIR / "staf-persetujuan-peran.png"), full_page=True)
    _submit(inspektur, row.locator("button[value=approve]"), expect_url=base + "/staf/peran/")
    assert re.search(r"Disetujui: \d+ kunci laporan", inspektur.inner_text(".messages"))

    # Now the new Verifikator reads the report that was filed before they existed.
    page.goto(base + "/staf/kotak-masuk/")
    assert TITLE in page.inner_text("table.inbox")

"""Issue 12 casework behaviours on screen, in a real Chromium: a reporter's message on a closed
report reaches the Verifikator as a notice, a queue and a badge in the inbox, and is marked
read when the Verifikator opens the case; the reporter is told what such a message does."""

import pytest

from conftest import PASSWORD
from wbs.cases.models import Report, Status
from wbs.cases.tests.helpers import put_in_state
from wbs.cases.tests.test_browser_keys import CHOSEN, _staff_page
from wbs.cases.tests.test_browser_lifecycle import LOCALE, MOBILE, PRIMARY, _submit
from wbs.intake.tests.factories import submit

pytestmark = pytest.mark.browser

MESSAGE = "Ada kuitansi baru yang saya temukan setelah laporan ditutup."


def test_a_message_on_a_closed_report_is_seen_in_the_inbox(live_server, staff, new_context):
    base = live_server.url
    report, receipt = submit(title="Pungutan pada layanan izin usaha")
    put_in_state(report, Status.SELESAI)

    # The reporter (no JavaScript, 360 px) is told what a message on a closed report does.
    reporter = new_context(java_script_enabled=False, viewport=MOBILE, locale=LOCALE).new_page()
    reporter.goto(base + "/status/")
    reporter.fill("[name=access_code]", receipt.access_code)
    _submit(reporter, PRIMARY)
    notice = reporter.locator(".closed-message-notice")
    assert "tidak membuka kembali laporan" in notice.inner_text()
    form = reporter.locator("form:has([name=body])")
    assert notice.bounding_box()["y"] < form.bounding_box()["y"], "the notice precedes the form"
    reporter.fill("[name=body]", MESSAGE)
    _submit(reporter, form.locator("button[type=submit]"))
    assert Report.objects.get(pk=report.pk).reporter_news_on is not None

    # The Verifikator lands on the inbox with a notice leading to the "Pesan baru" queue.
    page = _staff_page(new_context, base, staff["verifikator"], lands=base + "/staf/kotak-masuk/")
    banner = page.locator("p.news-notice a")
    assert "1 laporan punya pesan atau bukti baru dari pelapor" in banner.inner_text()
    _submit(page, banner)
    assert page.url.endswith("?queue=pesan_baru")
    current = page.locator(".queues a[aria-current=page]")
    assert "Pesan baru" in current.inner_text() and current.locator(".count").inner_text() == "1"
    row = page.locator("table.inbox tbody tr")
    assert row.count() == 1 and report.registration_number in row.inner_text()
    assert row.locator(".badge-news").is_visible()

    # Opening the case shows what is new and clears the mark for everyone.
    _submit(page, row.locator("a"))
    news = page.locator(".news-notice")
    assert "Pelapor mengirim pesan atau bukti" in news.inner_text()
    assert "Laporan ini sudah ditutup" in news.inner_text()
    assert MESSAGE in page.inner_text("section[aria-labelledby=thread-h]")
    page.goto(base + "/staf/kotak-masuk/?queue=pesan_baru")
    assert page.locator("p.news-notice").count() == 0
    assert report.registration_number not in page.inner_text("table.inbox")


def test_the_idle_warning_and_text_sent_after_the_time_out(
    live_server, staff, new_context, settings
):
    """Issue 12 §2 in the browser: the page warns before the idle limit, "Tetap masuk" keeps
    the session, and a message typed and sent after the limit comes back after logging in."""
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    settings.WBS_STAFF_IDLE_SECONDS = 12
    settings.WBS_IDLE_WARNING_SECONDS = 6
    base = live_server.url
    report, _receipt = submit(title="Pungutan pada layanan izin usaha")
    verifikator = staff["verifikator"]
    page = _staff_page(new_context, base, verifikator, lands=base + "/staf/kotak-masuk/")
    page.goto(f"{base}/staf/laporan/{report.registration_number}/")
    warning = page.locator("#idle-warning")
    warning.wait_for(state="visible", timeout=10_000)
    assert "Sesi Anda berakhir dalam 1 menit" in warning.inner_text()
    page.click("#idle-warning .idle-stay")
    warning.wait_for(state="hidden", timeout=5_000)

    message = page.locator('form[action$="/pesan/"]')
    message.locator("[name=body]").fill("Mohon kirimkan bukti transfer yang Anda sebut.")
    page.locator(".idle-ended").wait_for(state="visible", timeout=20_000)
    assert "Teks yang Anda kirim sekarang disimpan terenkripsi" in warning.inner_text()
    _submit(page, message.locator("button[type=submit]"))
    assert page.url == base + "/staf/masuk/"
    assert page.is_visible(".held-text-notice")

    device = TOTPDevice.objects.get(user=verifikator, confirmed=True)
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1, throttling_failure_count=0)
    page.fill("[name=username]", verifikator.username)
    verifikator.refresh_from_db()
    page.fill("[name=password]", CHOSEN if verifikator.check_password(CHOSEN) else PASSWORD)
    _submit(page, PRIMARY)
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    page.fill("[name=token]", f"{code:06d}")
    _submit(page, PRIMARY, expect_url=f"{base}/staf/laporan/{report.registration_number}/")
    assert page.is_visible(".restored-notice")
    restored = page.locator('form[action$="/pesan/"] [name=body]').input_value()
    assert restored == "Mohon kirimkan bukti transfer yang Anda sebut."


@pytest.mark.parametrize("width,height", [(1366, 768), (1920, 1080)])
def test_the_inbox_fits_office_screens(live_server, staff, new_context, width, height):
    """Issue 12 §6: no clipped column, registration numbers on one line, titles at most two."""
    long_title = (
        "Dugaan pungutan liar pada layanan perizinan berusaha terintegrasi secara elektronik "
        "di kantor kecamatan yang melibatkan beberapa petugas loket dan pihak ketiga"
    )
    for i in range(6):
        submit(title=f"{long_title} ({i})")
    base = live_server.url
    page = _staff_page(new_context, base, staff["verifikator"], lands=base + "/staf/kotak-masuk/")
    page.set_viewport_size({"width": width, "height": height})
    page.reload()
    table = page.locator("table.inbox")
    sizes = table.evaluate("t => [t.scrollWidth, t.clientWidth]")
    assert sizes[0] <= sizes[1], f"the inbox scrolls sideways at {width} px: {sizes}"
    lines = page.eval_on_selector_all(
        "table.inbox td.number a",
        "links => links.map(a => a.getClientRects().length)",
    )
    assert lines and set(lines) == {1}, "a registration number broke across lines"
    heights = page.eval_on_selector_all(
        "table.inbox td.title .clamp",
        "spans => spans.map(s => s.getBoundingClientRect().height"
        " / parseFloat(getComputedStyle(s).lineHeight))",
    )
    assert heights and max(heights) <= 2.05, f"a title takes more than two lines: {heights}"
    assert min(heights) > 1.5, "the long titles do use their two lines"

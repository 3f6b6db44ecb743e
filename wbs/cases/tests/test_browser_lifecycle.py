"""The whole life of one report in a real Chromium (Playwright, sync API): the reporter (no
JavaScript, 360 px) submits it and follows it with the access code; the Verifikator, the
Penelaah (Irban I) and the Inspektur (1280 px, each in their own browser context) move it
through every stage of wbs/cases/workflow.py by clicking the real forms, from DITERIMA to
SELESAI, with one request for completion and one returned telaahan on the way.

Staff log in through the real pages, enrolling their authenticator on the first log-in (the
secret is read from the enrolment page, the code computed with pyotp). Elements are found by
name, id and URL; the only interface texts checked are the reporter's Indonesian stage labels
and the staff status label (content typed in the test is checked where it should appear).

Side effect: full-page screenshots for the manual in docs/manual/img/ (regenerated on every
run so they stay current). Fixtures `browser` and `new_context` are in the root conftest.py."""

from pathlib import Path

import pytest
from django.conf import settings

from conftest import PASSWORD

pytestmark = pytest.mark.browser

MOBILE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
LOCALE = "id-ID"
IMG_DIR = Path(settings.BASE_DIR) / "docs" / "manual" / "img"
PRIMARY = "button[type=submit].primary"

UNIT = "Sekretariat Daerah"  # an OPD of Irban I, the `penelaah` persona's area
TITLE = "Pungutan liar pada layanan rekomendasi di Sekretariat Daerah"
DESCRIPTION = (
    "Staf bagian umum meminta uang Rp500.000 agar surat rekomendasi ditandatangani dalam "
    "satu hari, tanpa kuitansi resmi."
)
COMPLETION_REQUEST = (
    "Terima kasih. Mohon lengkapi: tanggal dan jam kejadian, serta nama ruangan tempat "
    "permintaan uang itu terjadi."
)
REPLY = "Kejadian pada 14 Maret 2025 sekitar pukul 10.00 di ruang Bagian Umum, lantai 2."
REVIEW_V1 = {
    "ringkasan": "Pelapor melaporkan permintaan uang untuk mempercepat surat rekomendasi.",
    "fakta": "Terdapat foto catatan pembayaran dan keterangan waktu serta tempat kejadian.",
    "analisis": "Permintaan uang di luar tarif resmi mengarah pada pungutan liar.",
    "indikasi": "Pelanggaran disiplin ASN; dugaan pungutan liar.",
    "dasar_hukum": "PP 94/2021 tentang Disiplin PNS.",
    "rekomendasi": "Pemeriksaan khusus oleh Irban I.",
}
RETURN_NOTES = "Lengkapi analisis dengan nilai kerugian dan jumlah korban."
ANALYSIS_V2 = (
    "Permintaan uang Rp500.000 per surat, sedikitnya tiga pemohon: pungutan liar yang berulang."
)
SURAT_TUGAS = "700.1.2.4/123/ITDA/2025"
RESULT = "Hasil pemeriksaan khusus: pungutan liar terbukti; direkomendasikan hukuman disiplin."

# Every workflow move of this life, in order (the reporter's reply makes `reporter_completed`).
ACTIONS = [
    "start_verification",
    "request_completion",
    "reporter_completed",
    "forward",
    "submit_review",
    "return_review",
    "submit_review",
    "approve_review",
    "decide_follow_up",
    "submit_result",
    "verify_result",
    "complete",
]
# The reporter's stage labels this life passes through (PublicStage, in Indonesian).
PUBLIC_STAGES = [
    "Diterima",
    "Diverifikasi",
    "Perlu dilengkapi",
    "Diverifikasi",
    "Ditelaah",
    "Ditindaklanjuti",
    "Selesai",
]
CHECKLIST = ("complete_4w1h", "has_evidence", "within_jurisdiction", "accused_is_employee")


def _text_file():
    return {
        "name": "bukti.txt",
        "mimeType": "text/plain",
        "buffer": b"Catatan pembayaran tanggal 14 Maret 2025.\n",
    }


def _png_file():
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (16, 16), (200, 30, 30)).save(out, format="PNG")
    return {"name": "foto-kuitansi.png", "mimeType": "image/png", "buffer": out.getvalue()}


def _in_order(expected, seen) -> bool:
    """Whether `expected` occurs in `seen` in this order (other entries may come between)."""
    rest = iter(seen)
    return all(label in rest for label in expected)


def _problems(page) -> str:
    """The error texts a page shows, for assertion messages."""
    return " | ".join(
        t.strip() for t in page.locator(".errors li, .notice-error").all_inner_texts()
    )


def _submit(page, button, *, expect_url=None):
    """Click a submit button (a Locator or a selector) and wait for the next document."""
    if isinstance(button, str):
        button = page.locator(button)
    with page.expect_navigation() as navigation:
        button.click()
    response = navigation.value
    assert response is not None
    assert response.status < 400, f"{page.url}: HTTP {response.status}: {_problems(page)}"
    if expect_url is not None:
        assert page.url == expect_url, f"ended on {page.url}: {_problems(page)}"
    return response


class Staff:
    """One staff member in their own browser context (JavaScript on, desktop width)."""

    def __init__(self, new_context, base, user):
        self.base = base
        self.user = user
        self.page = new_context(viewport=DESKTOP, locale=LOCALE).new_page()

    def log_in(self):
        """First log-in: password, then enrol the authenticator from the secret on the page."""
        import pyotp

        page, base = self.page, self.base
        page.goto(base + "/staf/masuk/")
        page.fill("[name=username]", self.user.username)
        page.fill("[name=password]", PASSWORD)
        _submit(page, PRIMARY, expect_url=base + "/staf/masuk/daftar-2fa/")
        secret = page.inner_text("code.secret").strip()
        page.fill("[name=token]", pyotp.TOTP(secret).now())
        _submit(page, PRIMARY, expect_url=base + "/staf/kotak-masuk/")
        return self

    def case_url(self, number):
        return f"{self.base}/staf/laporan/{number}/"

    def open_case(self, number):
        response = self.page.goto(self.case_url(number))
        assert response.status == 200, f"{self.user.username} cannot open {number}"
        return self.page

    def status_text(self):
        return self.page.locator(".meta-grid strong").first.inner_text().strip()

    def act(self, number, action, fill=None):
        """Open the case page, open the step's <details>, fill its form with `fill(form)`,
        send it with its primary button and land back on the case page."""
        page = self.open_case(number)  # fresh: others may have moved the report meanwhile
        form = page.locator(f'form[action="/staf/laporan/{number}/aksi/{action}/"]')
        assert form.count() == 1, (
            f"{self.user.username}: no '{action}' step on {page.url}; "
            f"steps shown: {page.locator('details.action > summary').all_inner_texts()}"
        )
        details = page.locator("details.action", has=form)
        details.locator("summary").click()
        assert details.get_attribute("open") is not None
        if fill is not None:
            fill(form)
        _submit(page, form.locator(PRIMARY), expect_url=self.case_url(number))


def _tick_checklist(form):
    for name in CHECKLIST:
        form.locator(f"[name={name}]").check()


class Reporter:
    """The reporter: JavaScript off, 360 px wide, only the registration number and the code."""

    def __init__(self, new_context, base):
        self.base = base
        self.page = new_context(
            java_script_enabled=False, viewport=MOBILE, locale=LOCALE
        ).new_page()
        self.number = self.code = None

    def submit_report(self):
        from wbs.directory.models import Category, Unit

        page, base = self.page, self.base
        page.goto(base + "/lapor/")
        page.select_option(
            "[name=category]", value=str(Category.objects.get(code="gratifikasi").pk)
        )
        page.fill("[name=title]", TITLE)
        page.fill("[name=description]", DESCRIPTION)
        page.fill("[name=accused-0-name]", "Fulan bin Contoh")
        page.select_option("[name=unit]", value=str(Unit.objects.get(name=UNIT).pk))
        page.fill("[name=incident_date]", "2025-03-14")
        page.check("[name=reporter_type][value=non_asn]")
        page.check("[name=declaration]")
        page.set_input_files("[name=attachments]", files=[_text_file()])
        _submit(page, PRIMARY, expect_url=base + "/lapor/tanda-terima/")
        self.number = page.inner_text("#registration-number").strip()
        self.code = page.inner_text("#access-code").strip()
        assert self.number and self.code

    def open_status(self):
        """Log in again on /status/ with the code; return the timeline's stage labels."""
        page, base = self.page, self.base
        page.goto(base + "/status/")
        page.fill("[name=access_code]", self.code)
        _submit(page, PRIMARY, expect_url=base + "/status/laporan/")
        return [s.strip() for s in page.locator("ol.timeline .stage").all_inner_texts()]

    def expect_stage(self, label):
        stages = self.open_status()
        assert stages, "the reporter's timeline is empty"
        assert stages[-1] == label, f"reporter's timeline {stages}, expected to end at {label!r}"
        return stages


def test_report_lifecycle_in_the_browser(live_server, staff, new_context):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from wbs.audit.models import AuditEvent
    from wbs.cases.models import Message, Report, ReviewVersion, StatusChange
    from wbs.directory.models import MessageTemplate

    base = live_server.url
    IMG_DIR.mkdir(parents=True, exist_ok=True)
    assert not TOTPDevice.objects.exists(), "personas start without an authenticator"

    # 1. The reporter sends the report with one attachment and keeps the receipt.
    reporter = Reporter(new_context, base)
    reporter.submit_report()
    number = reporter.number
    report = Report.objects.get(registration_number=number)
    assert report.unit.name == UNIT
    assert report.attachments.count() == 1
    assert reporter.expect_stage("Diterima") == ["Diterima"]

    # 2. The Verifikator finds it in the inbox, starts verification, asks for completion.
    verifikator = Staff(new_context, base, staff["verifikator"]).log_in()
    page = verifikator.page
    page.locator("details.filters > summary").click()
    page.fill("form.filter-grid [name=q]", number)
    _submit(page, "form.filter-grid " + PRIMARY)
    assert page.url.startswith(base + "/staf/kotak-masuk/?")
    rows = page.locator("table.inbox tbody tr")
    assert rows.count() == 1
    assert TITLE in rows.first.inner_text(), "the Verifikator sees the decrypted title"
    page.screenshot(path=str(IMG_DIR / "staf-kotak-masuk.png"), full_page=True)
    _submit(page, f'table.inbox a[href="/staf/laporan/{number}/"]')
    assert page.url == verifikator.case_url(number)
    assert "bukti.txt" in page.inner_text("ul.files")

    verifikator.act(number, "start_verification")
    assert verifikator.status_text() == "Verifikasi"
    page.screenshot(path=str(IMG_DIR / "staf-halaman-laporan.png"), full_page=True)

    def ask_completion(form):
        _tick_checklist(form)
        message = form.locator("[name=message]")
        template = MessageTemplate.text("completion_request", batas=10)[1]
        assert message.input_value() == template.replace("\r\n", "\n"), "template prefilled"
        message.fill(COMPLETION_REQUEST)

    verifikator.act(number, "request_completion", ask_completion)
    report.refresh_from_db()
    assert report.status == "PERLU_KELENGKAPAN"
    assert report.clock_paused

    # 3. The reporter sees the request, answers it and adds evidence.
    assert reporter.expect_stage("Perlu dilengkapi") == [
        "Diterima",
        "Diverifikasi",
        "Perlu dilengkapi",
    ]
    rpage = reporter.page
    assert COMPLETION_REQUEST in rpage.inner_text("article.message-request")
    rpage.fill("[name=body]", REPLY)
    _submit(
        rpage, "form:has([name=body]) button[type=submit]", expect_url=base + "/status/laporan/"
    )
    assert REPLY in rpage.inner_text("article.message-reporter")
    rpage.set_input_files("form:has([name=note]) [name=attachments]", files=[_png_file()])
    rpage.fill("form:has([name=note]) [name=note]", "Foto catatan pembayaran.")
    _submit(
        rpage, "form:has([name=note]) button[type=submit]", expect_url=base + "/status/laporan/"
    )
    assert "foto-kuitansi.png" in rpage.inner_text("ul.files")
    report.refresh_from_db()
    assert report.status == "VERIFIKASI"
    assert not report.clock_paused

    # 4. The Verifikator sees it back in verification and forwards it to Irban I's Penelaah.
    verifikator.open_case(number)
    assert verifikator.status_text() == "Verifikasi"
    assert REPLY in page.inner_text("section[aria-labelledby=thread-h]")
    assert "foto-kuitansi.png" in page.inner_text("ul.files")

    def forward(form):
        _tick_checklist(form)
        handler = form.locator("[name=handler]")
        assert handler.input_value() == str(staff["penelaah"].pk), (
            "the Irban of the OPD's area is the default handler"
        )

    verifikator.act(number, "forward", forward)
    report.refresh_from_db()
    assert report.status == "DITELAAH"
    assert report.assignee == staff["penelaah"]
    assert _in_order(
        ["Diterima", "Perlu dilengkapi", "Sedang ditelaah"],
        reporter.expect_stage("Sedang ditelaah"),
    )

    # 5. The Penelaah writes the telaahan, saves the draft and sends it for approval.
    penelaah = Staff(new_context, base, staff["penelaah"]).log_in()
    ppage = penelaah.page
    assert ppage.locator(f'table.inbox a[href="/staf/laporan/{number}/"]').count() == 1
    penelaah.open_case(number)
    review_form = ppage.locator(f'form[action="/staf/laporan/{number}/telaahan/"]')
    for name, value in REVIEW_V1.items():
        review_form.locator(f"[name={name}]").fill(value)
    review_form.locator("[name=rekomendasi]").blur()
    ppage.screenshot(path=str(IMG_DIR / "staf-telaahan.png"), full_page=True)
    _submit(ppage, review_form.locator("button[type=submit]"), expect_url=penelaah.case_url(number))
    assert ReviewVersion.objects.filter(report=report, state="draft").count() == 1
    penelaah.act(number, "submit_review")

    # 6. The Inspektur returns it with notes.
    inspektur = Staff(new_context, base, staff["inspektur"]).log_in()
    inspektur.act(number, "return_review", lambda f: f.locator("[name=notes]").fill(RETURN_NOTES))
    report.refresh_from_db()
    assert report.status == "DIKEMBALIKAN"

    # 7. The Penelaah reads the notes, edits the telaahan (version 2) and sends it again.
    penelaah.open_case(number)
    assert RETURN_NOTES in ppage.inner_text("section[aria-labelledby=review-h]")
    analysis = review_form.locator("[name=analisis]")
    assert analysis.input_value() == REVIEW_V1["analisis"], "the form starts from version 1"
    analysis.fill(ANALYSIS_V2)
    _submit(ppage, review_form.locator("button[type=submit]"), expect_url=penelaah.case_url(number))
    penelaah.act(number, "submit_review")
    versions = list(ReviewVersion.objects.filter(report=report).order_by("version"))
    assert [(v.version, v.state) for v in versions] == [(1, "returned"), (2, "submitted")]

    # 8. The Inspektur approves it and decides a special examination.
    inspektur.act(number, "approve_review")

    def follow_up(form):
        form.locator("[name=decision][value=pemeriksaan_khusus]").check()
        form.locator("[name=surat_tugas_number]").fill(SURAT_TUGAS)
        form.locator("[name=surat_tugas_date]").fill("2025-06-02")

    inspektur.act(number, "decide_follow_up", follow_up)
    assert SURAT_TUGAS in inspektur.page.inner_text("section[aria-labelledby=fu-h]")
    assert reporter.expect_stage("Sedang ditindaklanjuti")[-2:] == [
        "Ditelaah",
        "Sedang ditindaklanjuti",
    ]

    # 9.–11. Result report, verification, completion with the outcome's template message.
    def write_result(form):
        form.locator("[name=text]").fill(RESULT)
        form.locator("[name=kesimpulan]").fill("Pungutan terbukti dilakukan.")

    penelaah.act(number, "submit_result", write_result)
    verifikator.act(number, "verify_result")
    report.refresh_from_db()
    assert report.result_verified

    def complete(form):
        form.locator("[name=outcome][value=terbukti]").check()
        form.locator("[name=message]").fill("")

    inspektur.act(number, "complete", complete)
    assert inspektur.status_text() == "Selesai"

    # 12. The reporter sees the whole public timeline and the completion message.
    stages = reporter.expect_stage("Selesai")
    assert _in_order(PUBLIC_STAGES, stages), stages
    done = MessageTemplate.text("done_terbukti")[1]
    assert done in reporter.page.inner_text("section[aria-labelledby=thread-h]")
    assert RESULT not in reporter.page.content(), "the internal result report stays internal"
    reporter.page.screenshot(path=str(IMG_DIR / "pelapor-status-selesai.png"), full_page=True)

    # The database: final state, history rows and audit events, one per move, in order.
    report.refresh_from_db()
    assert report.status == "SELESAI"
    assert report.outcome == "terbukti"
    assert report.closed_on is not None
    history = list(StatusChange.objects.filter(report=report).order_by("id"))
    assert [h.action for h in history] == ["submitted", *ACTIONS]
    assert [h.to_status for h in history] == [
        "DITERIMA",
        "VERIFIKASI",
        "PERLU_KELENGKAPAN",
        "VERIFIKASI",
        "DITELAAH",
        "MENUNGGU_PERSETUJUAN",
        "DIKEMBALIKAN",
        "MENUNGGU_PERSETUJUAN",
        "DISETUJUI",
        "TINDAK_LANJUT",
        "LAPORAN_HASIL",
        "LAPORAN_HASIL",
        "SELESAI",
    ]
    actors = {h.action: h.actor for h in history}
    assert actors["forward"] == staff["verifikator"]
    assert actors["submit_result"] == staff["penelaah"]
    assert actors["complete"] == staff["inspektur"]
    assert actors["reporter_completed"] is None
    verbs = list(
        AuditEvent.objects.filter(
            target_type="report", target_id=str(report.pk), verb__startswith="workflow."
        )
        .order_by("id")
        .values_list("verb", flat=True)
    )
    assert verbs == [f"workflow.{action}" for action in ACTIONS]
    assert Message.objects.filter(report=report, kind="request").count() == 1
    for name in ("staf-kotak-masuk", "staf-halaman-laporan", "staf-telaahan"):
        assert (IMG_DIR / f"{name}.png").stat().st_size > 0
    assert (IMG_DIR / "pelapor-status-selesai.png").stat().st_size > 0

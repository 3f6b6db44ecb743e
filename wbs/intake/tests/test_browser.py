"""End-to-end tests of the reporter's pages in a real Chromium (Playwright, sync API).

Elements are found by name, id, role and URL — not by visible text, which is being translated.
Fixtures `browser` and `new_context` are in the root conftest.py."""

import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings

pytestmark = pytest.mark.browser

AXE_PATH = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
AXE_RUN = (
    "async () => await axe.run(document, {runOnly: {type: 'tag', "
    "values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
)
PAGE_BUDGET = 100 * 1024
MOBILE = {"width": 360, "height": 740}
CODE_RE = re.compile(r"^[0-9A-Z]{4}(?:-[0-9A-Z]{4}){5}$")
SUBMIT = "button[type=submit].primary"

TITLE = "Pungutan liar pada layanan perizinan"
DESCRIPTION = (
    "Petugas loket meminta uang tambahan Rp300.000 agar berkas izin usaha diproses cepat, "
    "tanpa kuitansi resmi."
)


def _text_file():
    return {
        "name": "bukti.txt",
        "mimeType": "text/plain",
        "buffer": b"Catatan pembayaran tanggal 14 Maret 2025.\n",
    }


def _png_file():
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (16, 16), (200, 30, 30)).save(out, format="PNG")
    return {"name": "foto.png", "mimeType": "image/png", "buffer": out.getvalue()}


CSRF_HINT = (
    "the browser's form POST was refused with 403: with `Referrer-Policy: no-referrer` Chromium "
    "sends `Origin: null` on same-origin POSTs and Django's CSRF check rejects it"
)


def _click_and_wait(page, selector):
    """Click something that loads a new document (works with JavaScript disabled)."""
    with page.expect_navigation() as navigation:
        page.click(selector)
    response = navigation.value
    if response is not None:
        assert response.status != 403, f"{page.url}: {CSRF_HINT}"
        assert response.status < 500, f"{page.url}: server error {response.status}"
    return response


def _fill_report(page, *, with_file=True):
    from wbs.directory.models import Category, Unit

    category = Category.objects.get(code="gratifikasi")
    unit = Unit.objects.get(name="Dinas Pendidikan")
    page.select_option("[name=category]", value=str(category.pk))
    page.fill("[name=title]", TITLE)
    page.fill("[name=description]", DESCRIPTION)
    page.fill("[name=accused-0-name]", "Fulan bin Contoh")
    page.select_option("[name=unit]", value=str(unit.pk))
    page.fill("[name=incident_date]", "2025-03-14")
    page.check("[name=reporter_type][value=asn]")
    page.check("[name=declaration]")
    if with_file:
        page.set_input_files("[name=attachments]", files=[_text_file()])


def _code_variants(code):
    bare = code.replace("-", "")
    return {code, code.lower(), bare, bare.lower()}


# --- 1. The whole reporter flow without JavaScript ------------------------------------------


def test_reporter_flow_without_javascript(live_server, staff, new_context):
    from wbs.cases.models import Report

    base = live_server.url
    context = new_context(java_script_enabled=False, viewport=MOBILE)
    page = context.new_page()
    urls: list[str] = []
    page.on("framenavigated", lambda frame: urls.append(frame.url))
    page.on("request", lambda request: urls.append(request.url))
    pages: dict[str, str] = {}

    def keep(name):
        pages[name] = page.content()

    page.goto(base + "/")
    keep("home")
    _click_and_wait(page, 'main a[href="/lapor/"]')
    assert page.url == base + "/lapor/"
    assert page.is_checked("[name=identity_mode][value=anonymous]"), "anonymous is the default"
    _fill_report(page)
    _click_and_wait(page, SUBMIT)
    assert page.url == base + "/lapor/tanda-terima/"
    keep("receipt")
    number = page.inner_text("#registration-number").strip()
    code = page.inner_text("#access-code").strip()
    assert CODE_RE.match(code), code
    report = Report.objects.get(registration_number=number)
    assert report.attachments.count() == 1

    _click_and_wait(page, 'main a[href="/status/"]')
    assert page.url == base + "/status/"
    keep("status_login")
    page.fill("[name=access_code]", code.replace("-", "").lower())
    _click_and_wait(page, SUBMIT)
    assert page.url == base + "/status/laporan/"
    keep("status_report")
    assert page.inner_text("h1").strip() == TITLE
    assert page.locator("ol.timeline > li").count() >= 1
    assert number in page.inner_text(".report-head")

    message = "Saya punya salinan kuitansi tidak resmi tersebut."
    page.fill("[name=body]", message)
    _click_and_wait(page, "form:has([name=body]) button[type=submit]")
    assert page.url == base + "/status/laporan/"
    keep("after_message")
    assert message in page.inner_text("article.message-reporter")

    page.set_input_files("form:has([name=note]) [name=attachments]", files=[_png_file()])
    _click_and_wait(page, "form:has([name=note]) button[type=submit]")
    assert page.url == base + "/status/laporan/"
    keep("after_evidence")
    files = page.inner_text("ul.files")
    assert "foto.png" in files
    assert "bukti.txt" in files
    assert report.attachments.count() == 2

    _click_and_wait(page, '.report-head form[action="/keluar/"] button[type=submit]')
    assert page.url == base + "/"
    keep("after_logout")
    response = page.goto(base + "/status/laporan/")
    assert response.status == 404
    keep("after_logout_report")
    assert TITLE not in pages["after_logout_report"]

    variants = _code_variants(code)
    leaked = [u for u in urls if any(v in u for v in variants)]
    assert not leaked, f"access code in a navigated/request URL: {leaked}"
    attr = re.compile(r"""(?:href|action)\s*=\s*["']([^"']*)["']""", re.IGNORECASE)
    for name, html in pages.items():
        targets = attr.findall(html)
        bad = [t for t in targets if any(v in t for v in variants)]
        assert not bad, f"access code in href/action on {name}: {bad}"
        if name != "receipt":
            assert not any(v in html for v in variants), f"access code shown again on {name}"


# --- 2. Crawl every reporter page: requests, weight, accessibility --------------------------


@dataclass
class PageVisit:
    name: str
    url: str = ""
    status: int = 0
    requests: list = field(default_factory=list)
    responses: list = field(default_factory=list)

    def off_host(self, netloc):
        hosts = []
        for request in self.requests:
            parts = urlsplit(request.url)
            if parts.scheme in ("data", "blob", "about"):
                continue
            if parts.netloc != netloc or parts.scheme != "http":
                hosts.append(request.url)
        return hosts

    def bytes(self):
        total = 0
        for response in self.responses:
            try:
                total += len(response.body())
            except Exception:  # a redirect has no body
                total += int(response.headers.get("content-length", 0) or 0)
        return total


class Crawler:
    """Walks every reporter page in one context, calling `check(visit, page)` after each."""

    def __init__(self, page, base, check):
        self.page = page
        self.base = base
        self.check = check
        self.visit: PageVisit | None = None
        page.on("request", self._request)
        page.on("response", self._response)

    def _request(self, request):
        if self.visit is not None:
            self.visit.requests.append(request)

    def _response(self, response):
        if self.visit is not None:
            self.visit.responses.append(response)

    def measure(self, name, action):
        self.visit = PageVisit(name)
        response = action()
        self.page.wait_for_load_state("load")
        self.visit.url = self.page.url
        self.visit.status = response.status if response is not None else 0
        visit, self.visit = self.visit, None
        self.check(visit, self.page)
        return visit

    def goto(self, path):
        return self.page.goto(self.base + path)

    def submit(self, selector=SUBMIT):
        return _click_and_wait(self.page, selector)

    def run(self, username):
        page = self.page
        visits = [self.measure("home /", lambda: self.goto("/"))]
        visits.append(self.measure("report form /lapor/", lambda: self.goto("/lapor/")))
        page.fill("[name=title]", TITLE)
        visits.append(self.measure("report form with errors /lapor/ (POST)", self.submit))
        assert visits[-1].status == 400
        assert page.locator(".has-error").count() >= 1
        _fill_report(page)
        visits.append(self.measure("receipt /lapor/tanda-terima/", self.submit))
        assert visits[-1].url == self.base + "/lapor/tanda-terima/"
        code = page.inner_text("#access-code").strip()
        visits.append(self.measure("status login /status/", lambda: self.goto("/status/")))
        page.fill("[name=access_code]", code)
        visits.append(self.measure("status report /status/laporan/", self.submit))
        assert visits[-1].url == self.base + "/status/laporan/"
        self.submit('.report-head form[action="/keluar/"] button[type=submit]')
        visits.append(self.measure("register /akun/daftar/", lambda: self.goto("/akun/daftar/")))
        visits.append(self.measure("log in /akun/masuk/", lambda: self.goto("/akun/masuk/")))
        self.goto("/akun/daftar/")
        page.fill("[name=username]", username)
        page.fill("[name=password1]", "pelapor-kata-sandi-panjang-7")
        page.fill("[name=password2]", "pelapor-kata-sandi-panjang-7")
        visits.append(self.measure("my reports /akun/", self.submit))
        assert visits[-1].url == self.base + "/akun/"
        visits.append(self.measure("404 page", lambda: self.goto("/tidak-ada-halaman-ini/")))
        assert visits[-1].status == 404
        return visits


def _axe_problems(page):
    page.add_script_tag(path=str(AXE_PATH))
    result = page.evaluate(AXE_RUN)
    found = []
    for violation in result["violations"]:
        if violation.get("impact") in ("serious", "critical"):
            targets = [node["target"] for node in violation["nodes"]]
            found.append(
                f"{violation['id']} ({violation['impact']}): {violation['help']} — {targets}"
            )
    return found


def test_every_reporter_page_is_local_light_and_accessible(live_server, staff, new_context):
    assert AXE_PATH.exists(), f"axe-core missing at {AXE_PATH} (npm install)"
    base = live_server.url
    netloc = urlsplit(base).netloc
    problems: list[str] = []
    weights: dict[str, int] = {}

    def network_check(visit, page):
        if off := visit.off_host(netloc):
            problems.append(f"{visit.name}: requests to other hosts: {off}")
        weight = visit.bytes()
        weights[visit.name] = weight
        if weight > PAGE_BUDGET:
            problems.append(f"{visit.name}: {weight} bytes > {PAGE_BUDGET}")

    # Pass 1: the page's own Content-Security-Policy applies (no bypass).
    plain = new_context(viewport=MOBILE).new_page()
    Crawler(plain, base, network_check).run("pelapor-satu")

    # Pass 2: CSP bypassed only so axe-core can be injected.
    def axe_check(visit, page):
        if off := visit.off_host(netloc):
            problems.append(f"{visit.name} (axe pass): requests to other hosts: {off}")
        problems.extend(f"{visit.name} [{visit.url}]: {p}" for p in _axe_problems(page))

    audited = new_context(viewport=MOBILE, bypass_csp=True).new_page()
    Crawler(audited, base, axe_check).run("pelapor-dua")

    print("\nbytes per page:", *(f"  {n}: {w}" for n, w in weights.items()), sep="\n")
    assert len(weights) == 10
    assert not problems, "\n".join(problems)


# --- 3. Mobile layout ------------------------------------------------------------------------


def test_no_horizontal_scroll_at_360px(live_server, palembang, new_context):
    page = new_context(viewport=MOBILE).new_page()
    for path in ("/", "/lapor/"):
        page.goto(live_server.url + path)
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= MOBILE["width"], f"{path} scrolls sideways: scrollWidth {width}"


# --- 4. Security headers as the browser receives them ----------------------------------------


def test_status_page_headers(live_server, palembang, new_context):
    page = new_context().new_page()
    response = page.goto(live_server.url + "/status/")
    assert response.status == 200
    headers = response.all_headers()
    csp = headers.get("content-security-policy", "")
    assert "default-src 'none'" in csp
    assert "frame-ancestors 'none'" in csp
    # "no-referrer" was the intent, but it makes Chromium send `Origin: null` on every form
    # POST, which Django's CSRF check refuses (see test_form_post_passes_csrf_check).
    # "same-origin" sends nothing to other sites either, and a real Origin to this one.
    assert headers.get("referrer-policy") in ("no-referrer", "same-origin")
    assert headers.get("x-content-type-options") == "nosniff"
    assert "no-store" in headers.get("cache-control", "")


def test_form_post_passes_csrf_check(live_server, palembang, new_context):
    """A wrong access code typed in a real browser gets the 401 page, not the CSRF 403."""
    page = new_context(java_script_enabled=False).new_page()
    page.goto(live_server.url + "/status/")
    page.fill("[name=access_code]", "AAAA-BBBB-CCCC-DDDD-EEEE-FFFF")
    with page.expect_navigation() as navigation:
        page.click(SUBMIT)
    assert navigation.value.status == 401, CSRF_HINT


def test_enter_in_a_field_sends_the_report_not_add_person(live_server, palembang, new_context):
    """A reporter pressing Enter in the title field submits the report (here: the form comes
    back with its errors), not the "add another reported person" button, which is the first
    visible submit button and would silently drop the chosen files."""
    page = new_context(java_script_enabled=False).new_page()
    page.goto(live_server.url + "/lapor/")
    assert page.locator("div.accused").count() == 1
    page.fill("input[name=title]", TITLE)
    with page.expect_navigation():
        page.press("input[name=title]", "Enter")
    assert page.locator("[role=alert]").count() >= 1  # validation errors: it was the report
    assert page.locator("div.accused").count() == 1  # no second person added
    assert page.input_value("input[name=title]") == TITLE  # nothing typed is lost


# --- 5. Anonim means no identity field to type into --------------------------------------------


@pytest.mark.parametrize("javascript", [True, False])
def test_anonymous_hides_the_identity_fields(live_server, palembang, new_context, javascript):
    page = new_context(java_script_enabled=javascript, viewport=MOBILE).new_page()
    page.goto(live_server.url + "/lapor/")
    assert page.is_checked("[name=identity_mode][value=anonymous]")
    assert not page.is_visible("[name=identity_name]")
    assert page.is_visible(".identity-anonymous-note")
    page.check("[name=identity_mode][value=confidential]")
    assert page.is_visible("[name=identity_name]") and page.is_enabled("[name=identity_name]")
    assert not page.is_visible(".identity-anonymous-note")
    page.fill("[name=identity_name]", "Nama Saya")
    page.check("[name=identity_mode][value=anonymous]")
    assert not page.is_visible("[name=identity_name]")
    # With JavaScript the hidden fields are disabled too: nothing typed there is sent.
    assert page.is_disabled("[name=identity_name]") is javascript


# --- 6. Uploads that explain themselves -----------------------------------------------------


def test_a_file_over_the_limit_is_named_before_sending(
    live_server, palembang, new_context, settings
):
    from wbs.cases.models import Report

    settings.WBS_MAX_FILE_BYTES = 1024 * 1024
    page = new_context(viewport=MOBILE, locale="id-ID").new_page()
    page.goto(live_server.url + "/lapor/")
    _fill_report(page, with_file=False)
    big = {"name": "rekaman-besar.pdf", "mimeType": "application/pdf", "buffer": b"0" * 1_500_000}
    page.set_input_files("[name=attachments]", files=[big])
    note = page.locator("#size-check")
    assert note.is_visible() and "“rekaman-besar.pdf” lebih besar dari 1 MB" in note.inner_text()
    page.click(SUBMIT)
    page.wait_for_timeout(300)
    assert page.url == live_server.url + "/lapor/" and Report.objects.count() == 0


def test_a_long_upload_shows_progress_and_files_survive_a_correction(
    live_server, staff, new_context
):
    from wbs.cases.models import Report

    page = new_context(viewport=MOBILE).new_page()
    page.goto(live_server.url + "/lapor/")
    _fill_report(page, with_file=False)
    page.fill("[name=title]", "")  # forgotten: the page comes back
    notes = {
        "name": "catatan-panjang.txt",
        "mimeType": "text/plain",
        "buffer": ("Catatan pembayaran tidak resmi pada loket.\n" * 12000).encode(),
    }
    page.set_input_files("[name=attachments]", files=[notes])
    seen = []
    page.on("console", lambda message: seen.append(message.text))
    page.evaluate(
        """() => new MutationObserver(() => {
          if (document.querySelector('progress')) console.log('progress-bar');
        }).observe(document.body, {childList: true, subtree: true})"""
    )
    page.click(SUBMIT)
    page.wait_for_selector(".held-files", timeout=15_000)
    assert "catatan-panjang.txt" in page.inner_text(".held-files")
    assert "progress-bar" in seen, "the long upload showed its progress"
    page.fill("[name=title]", TITLE)
    page.check("[name=declaration]")
    _click_and_wait(page, SUBMIT)
    assert page.url == live_server.url + "/lapor/tanda-terima/"
    report = Report.objects.get()
    assert report.attachments.count() == 1, "the held file came with the report"


@pytest.mark.parametrize("width", [320, 360])
def test_the_receipt_never_breaks_a_code_group(live_server, staff, new_context, width):
    page = new_context(viewport={"width": width, "height": 740}, locale="id-ID").new_page()
    page.goto(live_server.url + "/lapor/")
    _fill_report(page, with_file=False)
    _click_and_wait(page, SUBMIT)
    assert page.url == live_server.url + "/lapor/tanda-terima/"
    groups = page.eval_on_selector_all(
        "#access-code .code-group", "spans => spans.map(s => s.getClientRects().length)"
    )
    assert len(groups) == 6 and set(groups) == {1}, groups
    code = page.inner_text("#access-code").strip()
    assert CODE_RE.match(code), "the code reads (and copies) as one string with its hyphens"
    code_box = page.locator("#access-code").bounding_box()
    choice = page.locator("label[for=print-code]").bounding_box()
    assert choice["y"] > code_box["y"] + code_box["height"] - 1, "the print choice follows the code"

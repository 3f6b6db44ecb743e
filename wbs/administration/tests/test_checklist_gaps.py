"""Items of docs/design/security-checklist.md that had no test of their own (issue 11 §2). One
test per item, named after it; docs/security.md maps every item to its tests."""

import re
import tomllib
from fnmatch import fnmatch
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from wbs.cases.tests.helpers import checked_upload, logged_in

ROOT = Path(__file__).resolve().parents[3]
TEMPLATES = sorted((ROOT / "templates").rglob("*.html"))
SCRIPTS = sorted((ROOT / "static").rglob("*.js"))
STYLES = sorted((ROOT / "static").rglob("*.css"))


def _text(response) -> str:
    """The page's visible text, tags removed and white space collapsed."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b[\s\S]*?</\1>", " ", html)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_the_walk_sees_the_front_end():
    assert len(TEMPLATES) > 20 and SCRIPTS and STYLES


# 14. 14.3.3 nothing sensitive in browser storage: no script of ours uses it ----------------------


@pytest.mark.parametrize("path", SCRIPTS, ids=lambda p: p.name)
def test_item14_no_script_uses_browser_storage(path):
    code = path.read_text()
    for api in ("localStorage", "sessionStorage", "indexedDB", "document.cookie", "caches."):
        assert api not in code, f"{path.name} uses {api}"


# 25. 3.2.1 / 5.4.1 / 5.4.2 attachments are only downloaded ------------------------------------


@pytest.mark.django_db
def test_item25_download_is_an_encoded_attachment_with_nosniff_and_sandbox(staff):
    from wbs.intake.tests.factories import submit

    name = "bukti pembayaran é.txt"
    report, _receipt = submit(uploads=[checked_upload(name, b"isi berkas bukti\n")])
    attachment = report.attachments.get()
    client = logged_in(staff["verifikator"])
    url = reverse("cases:download", args=[report.registration_number, attachment.pk])
    response = client.get(url)
    assert response.status_code == 200
    # RFC 6266 / 5987: the non-ASCII name travels percent-encoded, never raw.
    assert response["Content-Disposition"] == f"attachment; filename*=utf-8''{quote(name)}"
    assert response["Content-Type"] == "application/octet-stream"
    assert response["X-Content-Type-Options"] == "nosniff"
    csp = [part.strip() for part in response["Content-Security-Policy"].split(";")]
    assert "sandbox" in csp and "default-src 'none'" in csp


# 29. 11.1.1 / 11.1.2 the key inventory is documented -----------------------------------------


def test_item29_key_inventory_names_each_key_what_it_protects_and_who_opens_it():
    text = (ROOT / "docs/design/confidentiality.md").read_text()
    keys = re.search(r"^## Keys\n([\s\S]*?)^## ", text, re.M).group(1)
    entries = re.split(r"^\*\*", keys, flags=re.M)[1:]
    names = {entry.split("**", 1)[0] for entry in entries}
    for key in (
        "Report key `RK`",
        "Identity key `IK`",
        "User key pair",
        "Access-code key",
        "Organisation recovery key pair",
    ):
        assert key in names, key
    for entry in entries:
        name = entry.split("**", 1)[0]
        if name in ("Plain metadata.", "Binding."):
            continue
        assert "- Protects:" in entry and "- Opened by:" in entry, name
    assert (ROOT / "docs/adr/0002-key-scheme.md").exists()


# 31. 14.3.2 Cache-Control: no-store on the staff pages too -------------------------------------


@pytest.mark.django_db
def test_item31_staff_pages_are_not_cached(staff):
    from wbs.cases.tests.helpers import confidential_report

    report = confidential_report()
    assert "no-store" in Client().get(reverse("accounts:staff_login"))["Cache-Control"]
    client = logged_in(staff["inspektur"])
    for url in (
        reverse("cases:inbox"),
        reverse("cases:case", args=[report.registration_number]),
        reverse("monitoring:dashboard"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"], url


# 32. 14.2.3 nothing from third parties: no template or stylesheet names another host ---------

OFF_HOST = re.compile(
    r"""(?:\b(?:src|href|action|srcset|poster|data)\s*=\s*["']\s*(?:https?:)?//)"""
    r"""|(?:url\(\s*["']?\s*(?:https?:)?//)|(?:@import\s+(?:url\()?["']?\s*(?:https?:)?//)""",
    re.I,
)


@pytest.mark.parametrize("path", TEMPLATES + STYLES + SCRIPTS, ids=lambda p: p.name)
def test_item32_no_template_script_or_stylesheet_loads_from_another_host(path):
    text = path.read_text()
    assert not OFF_HOST.search(text), OFF_HOST.search(text).group(0)
    if path.suffix == ".js":
        assert not re.search(r"https?://(?!www\.w3\.org/)", text)


# 42. 15.1.2 / 15.2.1 supply chain: CI builds the SBOM; ruff's S (bandit) rules run in lint -----


def test_item42_ci_builds_the_sbom_and_lints_with_bandit():
    ci = (ROOT / ".ci/run").read_text()
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^make sbom$", ci, re.M) and re.search(r"^make lint$", ci, re.M)
    assert "cyclonedx-py requirements" in makefile and "pip-audit --strict" in makefile
    # SAST: bandit over the application code in `make lint` (issue 11 §5), with its settings.
    lint_target = makefile.split("\nlint:", 1)[1].split("\n\n", 1)[0]
    assert "bandit -q -c pyproject.toml -r wbs config" in lint_target
    bandit = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["bandit"]
    assert set(bandit["exclude_dirs"]) == {"tests", "migrations"}
    lint = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["ruff"]["lint"]
    assert "S" in lint["select"]
    # Only `assert` (S101) is ignored everywhere; the other S rules are waived for test and
    # drill code only, never for a module of the application.
    assert {rule for rule in lint["ignore"] if rule.startswith("S")} <= {"S101"}
    waived = [
        pattern
        for pattern, rules in lint["per-file-ignores"].items()
        if any(rule.startswith("S") for rule in rules)
    ]
    application = [
        str(path.relative_to(ROOT))
        for folder in ("wbs", "config")
        for path in (ROOT / folder).rglob("*.py")
        if "tests" not in path.parts
    ]
    assert len(application) > 20
    for module in application:
        assert not [p for p in waived if fnmatch(module, p)], module


# R1. Attachment metadata: the reporter is warned before the upload -------------------------


@pytest.mark.django_db
def test_r01_report_form_warns_about_hidden_data_in_files(palembang):
    text = _text(Client().get(reverse("intake:report_new")))
    assert "data tersembunyi" in text and "GPS" in text and "tangkapan layar" in text


# R3. What cleaning cannot do: the reporter is told about individual watermarks -------------


@pytest.mark.django_db
def test_r03_report_form_warns_about_individual_watermarks(palembang):
    text = _text(Client().get(reverse("intake:report_new")))
    assert "diberi tanda khusus untuk setiap penerima" in text and "tanda air" in text


# R5. Network observation by city IT: the guidance is on the home page ------------------------


@pytest.mark.django_db
def test_r05_home_page_advises_a_personal_device_on_mobile_data(palembang):
    text = _text(Client().get(reverse("intake:home")))
    assert "perangkat pribadi" in text and "data seluler" in text and "jaringan kantor" in text


# R6. SSO / IdP logs: nobody (reporter or staff) logs in through an outside identity provider ---

LOCAL_BACKENDS = {"django.contrib.auth.backends.ModelBackend"}
IDENTITY_PROVIDER_APPS = ("allauth", "social_django", "oidc", "saml", "ldap", "django_cas", "oauth")


def test_r06_no_outside_identity_provider():
    assert set(settings.AUTHENTICATION_BACKENDS) <= LOCAL_BACKENDS
    for app in settings.INSTALLED_APPS:
        assert not any(word in app.lower() for word in IDENTITY_PROVIDER_APPS), app


# R8. Browser history, autocomplete: code and identity fields are not remembered --------------


@pytest.mark.django_db
def test_r08_code_and_identity_fields_are_not_remembered(palembang):
    pages = {
        "intake:report_new": ("identity_name", "identity_nip", "identity_unit", "identity_contact"),
        "intake:status_login": ("access_code",),
    }
    for route, names in pages.items():
        html = Client().get(reverse(route)).content.decode()
        inputs = {
            re.search(r'name="([^"]+)"', tag).group(1): tag
            for tag in re.findall(r"<input\b[^>]*>", html)
            if 'name="' in tag
        }
        for name in names:
            assert name in inputs, (route, name)
            assert 'autocomplete="off"' in inputs[name], (route, name)


# R9. Referrer leakage: every link to another site carries rel="noreferrer noopener" -----------

ANCHOR = re.compile(r"<a\b[^>]*>", re.I)
EXTERNAL = re.compile(r"""\bhref\s*=\s*["']\s*(?:https?:)?//""", re.I)


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_r09_external_links_carry_noreferrer_noopener(path):
    for tag in ANCHOR.findall(path.read_text()):
        if EXTERNAL.search(tag):
            rel = re.search(r"""\brel\s*=\s*["']([^"']*)["']""", tag)
            assert rel and {"noreferrer", "noopener"} <= set(rel.group(1).split()), tag


# R11. Timing correlation: the staff's list and case pages show no time of day -----------------

TIME_OF_DAY = re.compile(r"\b\d{1,2}[:.]\d{2}(?:[:.]\d{2})?\b")  # 10:03, 10.03 (id), 10.03.59


def test_r11_the_time_pattern_finds_indonesian_and_iso_times():
    for sample in ("3 Desember 2026 10.03", "10:03:59", "pukul 9.05 WIB"):
        assert TIME_OF_DAY.search(sample), sample
    assert not TIME_OF_DAY.search("3 Des 2026 WBS-2612-TKHB")


@pytest.mark.django_db
def test_r11_staff_inbox_and_case_page_show_no_time_of_day(staff):
    from wbs.cases.models import Message
    from wbs.intake.tests.factories import submit

    reports, receipts = zip(*(submit() for _ in range(3)), strict=True)
    reporter = Client()
    reporter.post(reverse("intake:status_login"), {"access_code": receipts[0].access_code})
    reporter.post(reverse("intake:status_message"), {"body": "Saya punya bukti tambahan."})
    assert Message.objects.filter(report=reports[0]).exists()
    client = logged_in(staff["inspektur"])
    inbox = _text(client.get(reverse("cases:inbox")))
    assert all(report.registration_number in inbox for report in reports)
    case = _text(client.get(reverse("cases:case", args=[reports[0].registration_number])))
    assert "Saya punya bukti tambahan." in case
    for name, text in (("inbox", inbox), ("case", case)):
        found = TIME_OF_DAY.search(text)
        assert not found, (name, found and found.group(0))

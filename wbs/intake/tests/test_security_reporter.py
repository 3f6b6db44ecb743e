"""Items of docs/design/security-checklist.md that touch the reporter side, one test (or a
few) named after each item. Items tested elsewhere name their test module below."""

import hashlib
import logging
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from wbs.cases.models import Attachment, Report, Status
from wbs.intake.tests.factories import form_data, submit
from wbs.vault import codes

pytestmark = pytest.mark.django_db

CODE_RE = re.compile(r"[0-9A-Z]{4}(-[0-9A-Z]{4}){5}")


def _submit_and_code(client, **overrides):
    data = form_data(**overrides)
    files = data.pop("attachments", None)
    if files:
        data["attachments"] = files
    response = client.post(reverse("intake:report_new"), data)
    assert response.status_code == 302, response.content[:2000]
    page = client.get(reverse("intake:receipt")).content.decode()
    return CODE_RE.search(re.sub(r"<[^>]+>", "", page)).group(0)


# 7. 6.3.8 uniform errors and timing for an unknown tracking code
def test_item07_unknown_malformed_and_right_code_do_the_same_work(staff, monkeypatch):
    """One key derivation and one decryption attempt each (docs/adr/0016)."""
    from wbs.vault import access, crypto

    calls = []
    for name in ("derive_code_key", "decrypt"):
        real = getattr(crypto, name)
        monkeypatch.setattr(
            crypto,
            name,
            lambda *a, _real=real, _name=name, **k: calls.append(_name) or _real(*a, **k),
        )
    _report, receipt = submit()
    work = []
    for code in ("x", codes.new_access_code(), receipt.access_code):
        calls.clear()
        access.open_with_access_code(code)
        work.append(sorted(calls))
    assert work[0] == work[1] == work[2] == ["decrypt", "derive_code_key"]


# 9. 6.5.2/11.5.1 tracking code ≥112 bits from a CSPRNG; the DB holds no plaintext code
def test_item09_tracking_code_entropy_and_storage(client, staff):
    from wbs.vault.tests.test_vault import _dump_database

    code = _submit_and_code(client)
    assert len(codes.normalise_code(code)) * 5 >= 112
    dump = _dump_database()
    assert code.encode() not in dump and codes.normalise_code(code).encode() not in dump


# 10. 7.2.3/7.2.4 session token ≥128 bits; new token at log-in (fixation)
def test_item10_session_key_is_long_and_renewed_at_code_login(client, staff):
    code = _submit_and_code(client)
    before = client.session.session_key
    client.post(reverse("intake:status_login"), {"access_code": code})
    after = client.session.session_key
    assert after != before and len(after) >= 32


# 11. 7.3.1 idle timeout (reporter: 30 minutes) — see test_status.py::test_session_ends_after_*
def test_item11_reporter_idle_timeout_is_30_minutes(settings):
    assert settings.WBS_REPORTER_IDLE_SECONDS == 30 * 60


# 12. 7.4.1 logout invalidates the session on the server
def test_item12_logout_deletes_the_server_session(client, staff):
    from django.contrib.sessions.models import Session

    code = _submit_and_code(client)
    client.post(reverse("intake:status_login"), {"access_code": code})
    key = client.session.session_key
    client.post(reverse("intake:status_logout"))
    assert not Session.objects.filter(session_key=key).exists()


# 13. 3.3.1–3.3.4 cookies Secure, HttpOnly, SameSite, __Host- prefix (production settings)
@override_settings(
    SESSION_COOKIE_SECURE=True,
    CSRF_COOKIE_SECURE=True,
    SESSION_COOKIE_NAME="__Host-wbs-session",
    CSRF_COOKIE_NAME="__Host-wbs-csrf",
    WBS_KEYRING_COOKIE_NAME="__Host-wbs-keyring",
)
def test_item13_every_auth_cookie_is_secure_httponly_samesite_host(staff):
    client = Client(enforce_csrf_checks=False)
    code = _submit_and_code(client)
    response = client.post(reverse("intake:status_login"), {"access_code": code}, secure=True)
    cookies = response.cookies
    assert {"__Host-wbs-session", "__Host-wbs-keyring"} <= set(cookies)
    for morsel in cookies.values():
        assert morsel["secure"] and morsel["httponly"] and morsel["samesite"] == "Strict"
        assert morsel["path"] == "/" and not morsel["domain"] and not morsel["max-age"]


def test_item13_production_cookie_names_use_host_prefix():
    from config import settings as production

    assert production.SESSION_COOKIE_NAME.startswith(("__Host-", "wbs-"))  # by WBS_HTTPS
    assert production.SESSION_COOKIE_HTTPONLY and production.CSRF_COOKIE_HTTPONLY


# 14. no secrets in client-side cookies; not the signed_cookies engine
def test_item14_sessions_are_server_side(settings):
    assert settings.SESSION_ENGINE != "django.contrib.sessions.backends.signed_cookies"


# 19. 15.3.3 no mass assignment
def test_item19_extra_fields_are_ignored(client, staff):
    _submit_and_code(
        client,
        status="SELESAI",
        assignee="1",
        is_staff="1",
        registration_number="WBS-0000-AAAA",
        wilayah="1",
    )
    report = Report.objects.get()
    assert report.status == Status.DITERIMA and report.assignee_id is None
    assert report.registration_number != "WBS-0000-AAAA"


XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'
SQLI = "'; DROP TABLE cases_report; --"


# 20. 1.2.1/1.2.4 escaping in every field; ORM-only queries
@pytest.mark.parametrize("payload", [XSS, SQLI])
def test_item20_payloads_in_every_field_are_stored_and_shown_escaped(client, staff, payload):
    code = _submit_and_code(
        client,
        title=payload[:200],
        description=f"{payload} uraian panjang " * 3,
        location=payload,
        incident_period=payload,
        **{"accused-0-name": payload, "accused-0-position": payload, "accused-0-unit": payload},
    )
    client.post(reverse("intake:status_login"), {"access_code": code})
    client.post(reverse("intake:status_message"), {"body": payload})
    html = client.get(reverse("intake:status_report")).content.decode()
    assert "<script>alert" not in html and "<img src=x" not in html
    assert Report.objects.count() == 1


# 21. 5.2.1 maximum upload size → 413, nothing stored
def test_item21_over_limit_request_is_413_and_stores_nothing(client, staff, settings):
    settings.WBS_MAX_REPORT_BYTES = 1024 * 1024
    data = form_data()
    data["attachments"] = SimpleUploadedFile("besar.txt", b"a" * (4 * 1024 * 1024))
    response = client.post(reverse("intake:report_new"), data)
    assert response.status_code == 413 and Report.objects.count() == 0


def test_item21_over_limit_file_is_refused_with_a_message(client, staff, settings):
    settings.WBS_MAX_FILE_BYTES = 1024 * 1024
    data = form_data()
    data["attachments"] = SimpleUploadedFile("besar.txt", b"a" * (1024 * 1024 + 10))
    response = client.post(reverse("intake:report_new"), data)
    assert response.status_code == 400 and Report.objects.count() == 0


# 22. 5.2.2 extension allow-list and magic bytes: evil.pdf that is HTML or SVG
@pytest.mark.parametrize(
    "content",
    [
        b"<!DOCTYPE html><html><script>1</script></html>",
        b'<svg xmlns="http://www.w3.org/2000/svg"></svg>',
    ],
)
def test_item22_disguised_markup_is_refused(client, staff, content):
    data = form_data()
    data["attachments"] = SimpleUploadedFile("evil.pdf", content, content_type="application/pdf")
    assert client.post(reverse("intake:report_new"), data).status_code == 400
    assert Attachment.objects.count() == 0


# 23. 5.2.3 zip bomb → wbs/vault/tests/test_filecheck.py (zip bomb tests)


# 24. 5.3.2 server-generated storage paths; hostile names stored safely
@pytest.mark.parametrize("name", ["../../x.txt", "a\x00b.txt", ("n" * 500) + ".txt"])
def test_item24_hostile_file_names_are_stored_safely(client, staff, settings, name):
    data = form_data()
    data["attachments"] = SimpleUploadedFile(name, b"isi berkas\n")
    client.post(reverse("intake:report_new"), data)
    attachment = Attachment.objects.get()
    assert re.fullmatch(r"[0-9a-f]{2}/[0-9a-f]{32}", attachment.original_blob)


# 27. 2.4.1 anti-automation: a burst of lookups gets 429s and the service stays up
def test_item27_lookup_burst_is_throttled(client, staff, settings):
    settings.WBS_LOOKUP_FAILS_PER_ADDRESS_HOUR = 50
    statuses = [
        Client()
        .post(reverse("intake:status_login"), {"access_code": codes.new_access_code()})
        .status_code
        for _ in range(120)
    ]
    assert statuses.count(429) >= 60 and client.get(reverse("intake:home")).status_code == 200


def test_item27_a_guesser_in_one_session_stops_within_five_tries(client, staff):
    statuses = [
        client.post(
            reverse("intake:status_login"), {"access_code": codes.new_access_code()}
        ).status_code
        for _ in range(7)
    ]
    assert statuses[:5] == [401] * 5 and statuses[5:] == [429, 429]


def test_item27_a_hundred_honest_reporters_behind_one_address_are_not_blocked(staff):
    received = []
    for _ in range(12):
        _report, receipt = submit()
        received.append(receipt.access_code)
    statuses = []
    for i in range(100):
        browser = Client()
        if i % 3 == 0:  # some mistype their code once first
            browser.post(reverse("intake:status_login"), {"access_code": codes.new_access_code()})
        statuses.append(
            browser.post(
                reverse("intake:status_login"), {"access_code": received[i % 12]}
            ).status_code
        )
    assert set(statuses) == {302}


def test_item27_submission_burst_from_one_session_is_throttled(client, staff, settings):
    settings.WBS_SUBMISSIONS_PER_SESSION_HOUR = 3
    for _ in range(3):
        _submit_and_code(client)
    response = client.post(reverse("intake:report_new"), form_data())
    assert response.status_code == 429 and Report.objects.count() == 3


def test_item27_global_failure_alarm_is_raised_once(staff, settings, caplog):
    from wbs.audit.models import AuditEvent

    settings.WBS_LOOKUP_FAILS_GLOBAL_ALARM_HOUR = 5
    caplog.set_level(logging.WARNING, logger="wbs.security")
    for _ in range(8):
        Client().post(reverse("intake:status_login"), {"access_code": codes.new_access_code()})
    assert AuditEvent.objects.filter(verb="security.lookup_alarm").count() == 1
    assert any("alarm" in r.getMessage() for r in caplog.records)


# 28. 11.3.2 AEAD only; one flipped byte fails → wbs/vault/tests/test_vault.py


# 30. 14.2.1 no tracking code or session token in URLs
def test_item30_code_never_appears_in_links_or_redirects(client, staff):
    code = _submit_and_code(client)
    response = client.post(reverse("intake:status_login"), {"access_code": code})
    page = client.get(reverse("intake:status_report")).content.decode()
    links = re.findall(r'(?:href|action|src)="([^"]*)"', page)
    assert code not in response["Location"] and all(code not in link for link in links)
    assert all(client.session.session_key not in link for link in links)


# 31. 14.3.2 Cache-Control: no-store on reporter pages; 14.3.1 Clear-Site-Data on logout
@pytest.mark.parametrize(
    "name",
    [
        "intake:home",
        "intake:report_new",
        "intake:status_login",
        "intake:account_login",
        "intake:account_register",
    ],
)
def test_item31_reporter_pages_are_not_cached(client, palembang, name):
    assert "no-store" in client.get(reverse(name))["Cache-Control"]


# 33. encrypted temp files → wbs/vault/tests/test_uploads.py and test_confidentiality.py


# 34/35. CSP, frame-ancestors, nosniff, HSTS, Referrer-Policy on every response class
EXPECTED_CSP = (
    "default-src 'none'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "object-src 'none'",
    "script-src 'self'",
)


def _assert_headers(response):
    csp = response["Content-Security-Policy"]
    assert all(part in csp for part in EXPECTED_CSP), csp
    assert "http" not in csp  # no third-party source
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "no-referrer"
    assert response["X-Frame-Options"] == "DENY"


def test_item34_headers_on_html(client, palembang):
    _assert_headers(client.get(reverse("intake:home")))


def test_item34_headers_on_errors(client, palembang):
    _assert_headers(client.get("/tidak-ada/"))


def test_item34_headers_on_api(client, palembang):
    _assert_headers(client.get("/api/v1/health"))


def test_item34_headers_on_static(client, palembang):
    response = client.get("/static/wbs/site.css")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "no-referrer"


@override_settings(SECURE_HSTS_SECONDS=31536000, SECURE_HSTS_INCLUDE_SUBDOMAINS=True)
def test_item34_hsts_one_year_with_subdomains(client, palembang):
    response = client.get(reverse("intake:home"), secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_item34_production_settings_enable_hsts():
    from config import settings as s

    assert s.HTTPS is False or s.SECURE_HSTS_SECONDS >= 31536000


# 36. 3.5.1 CSRF on every state change, including logout
@pytest.mark.parametrize(
    "name",
    [
        "intake:report_new",
        "intake:status_login",
        "intake:status_logout",
        "intake:account_login",
        "intake:account_register",
    ],
)
def test_item36_post_without_csrf_token_is_refused(palembang, name):
    client = Client(enforce_csrf_checks=True)
    assert client.post(reverse(name), {}).status_code == 403


def test_item36_forms_carry_csrf_tokens(client, palembang):
    html = client.get(reverse("intake:report_new")).content.decode()
    assert html.count('method="post"') == html.count("csrfmiddlewaretoken")


# 37. 16.2.5 logs hold no codes, text or file names → test_confidentiality.py


# 40. 16.5.1 generic error pages
def test_item40_server_error_page_has_no_stack_trace(palembang, settings):
    from django.urls import path

    def boom(request):
        raise RuntimeError("secret internals")

    settings.ROOT_URLCONF = type(
        "U",
        (),
        {"urlpatterns": [path("boom/", boom)], "handler500": "wbs.intake.errors.server_error"},
    )
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")
    assert response.status_code == 500 and b"secret internals" not in response.content
    assert b"Traceback" not in response.content


def test_item40_debug_is_off_by_default():
    from config import settings as s

    assert s.DEBUG is False


# Whistleblowing risk: IP logging — no client address in any log, spoofed or not
def test_risk_ip_logging_no_address_in_logs(staff, caplog):
    caplog.set_level(logging.DEBUG)
    client = Client(
        REMOTE_ADDR="198.51.100.23",
        HTTP_X_FORWARDED_FOR="203.0.113.7",
        HTTP_USER_AGENT="AgenPenggunaUnik/1.0",
    )
    code = _submit_and_code(client)
    client.post(reverse("intake:status_login"), {"access_code": code})
    client.post(reverse("intake:status_login"), {"access_code": "salah"})
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert "198.51.100.23" not in text and "203.0.113.7" not in text
    assert "AgenPenggunaUnik" not in text


# Whistleblowing risk: timing correlation — non-sequential numbers, dates without time
def test_risk_timing_report_keeps_dates_only(staff):
    from django.db import models

    fields = {f.name: f for f in Report._meta.get_fields() if hasattr(f, "get_internal_type")}
    assert not any(isinstance(f, models.DateTimeField) for f in fields.values())


def test_risk_key_grants_keep_the_day_only(staff):
    """Grants are written at the moment of submission: no time of day on them."""
    import datetime

    from wbs.vault.models import KeyGrant

    report, _receipt = submit()
    grants = KeyGrant.objects.filter(report=report)
    assert grants.exists()
    for grant in grants:
        grant.refresh_from_db()
        assert type(grant.created_at) is datetime.date


def test_risk_reporter_audit_events_keep_the_day_only(staff):
    from wbs.audit.models import AuditEvent

    submit()
    event = AuditEvent.objects.get(verb="report.submitted")
    local = timezone.localtime(event.at)
    assert (local.hour, local.minute, local.second, local.microsecond) == (0, 0, 0, 0)


# Whistleblowing risk: plaintext hashes and file names
def test_risk_no_plaintext_hash_or_file_name_in_database(client, staff):
    from wbs.vault.tests.test_vault import _dump_database

    content = b"dokumen internal yang dikenal\n"
    data = form_data()
    data["attachments"] = SimpleUploadedFile("memo-rahasia-unik.txt", content)
    client.post(reverse("intake:report_new"), data)
    dump = _dump_database()
    assert hashlib.sha256(content).hexdigest().encode() not in dump
    assert b"memo-rahasia-unik" not in dump


# Whistleblowing risk: tracking-code brute force
def test_risk_ten_thousand_random_guesses_hit_nothing(staff, settings):
    from wbs.vault import crypto
    from wbs.vault.models import AccessCode

    for _ in range(3):
        submit()
    lookups = set(AccessCode.objects.values_list("lookup", flat=True))
    guesses = (codes.normalise_code(codes.new_access_code()) for _ in range(10_000))
    hits = sum(crypto.keyed_hash("access-code", g.encode()) in lookups for g in guesses)
    assert hits == 0


def test_item27_submissions_are_counted_before_the_work(staff, settings, monkeypatch):
    """A burst of concurrent valid submissions cannot slip past the limit: the count is taken
    (atomically) before the expensive work, so the (limit+1)-th is refused before storing."""
    from wbs.accounts import ratelimit
    from wbs.intake import services

    settings.WBS_SUBMISSIONS_PER_SESSION_HOUR = 2
    client = Client()
    calls = []
    real = services.submit_report

    def spy(**kwargs):
        calls.append(ratelimit.submission_blocked)
        return real(**kwargs)

    monkeypatch.setattr(services, "submit_report", spy)
    statuses = [
        client.post(reverse("intake:report_new"), form_data()).status_code for _ in range(3)
    ]
    assert statuses == [302, 302, 429] and len(calls) == 2


def test_item27_a_guesser_behind_an_office_address_locks_out_no_colleague(staff, settings):
    """Issue 11 §1: past the address's limit a wrong code is refused (429), a right one still
    opens — from a fresh browser and from the API."""
    settings.WBS_LOOKUP_FAILS_PER_ADDRESS_HOUR = 3
    _report, receipt = submit()
    for _ in range(4):  # the guesser, a new session each time, same address
        Client().post(reverse("intake:status_login"), {"access_code": codes.new_access_code()})
    wrong = Client().post(reverse("intake:status_login"), {"access_code": codes.new_access_code()})
    assert wrong.status_code == 429
    colleague = Client().post(reverse("intake:status_login"), {"access_code": receipt.access_code})
    assert colleague.status_code == 302 and colleague["Location"] == reverse("intake:status_report")
    api = Client().post(
        "/api/v1/reporter/session",
        {"access_code": receipt.access_code},
        content_type="application/json",
    )
    assert api.status_code in (200, 201), api.content[:200]

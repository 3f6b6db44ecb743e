"""Checklist items on the staff side (access control 14–18, logging 37–38, errors 40), one test
(or a few) named after each item. Items tested elsewhere name their test module below:

- 1–8, 10–13 (authentication, sessions): test_staff_auth.py
- 15 and 19 in full (the URL × persona matrix, mass assignment): test_access_matrix.py
- 39 (append-only audit trail) and the exactly-one-event rule of 38: test_audit_completeness.py
"""

import logging

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from conftest import PASSWORD
from wbs.accounts import views as account_views
from wbs.audit.models import AuditEvent
from wbs.cases.models import Report, Status
from wbs.cases.tests.helpers import (
    IDENTITY_NAME,
    MESSAGE,
    TITLE,
    approve_identity,
    assign,
    confidential_report,
    identity_request,
    keyring_of,
    logged_in,
    put_in_state,
)
from wbs.vault.models import KeyGrant

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(staff):
    report = confidential_report()
    return assign(report, staff["penelaah"], staff)


def case_url(report):
    return reverse("cases:case", args=[report.registration_number])


# 14. no secrets in client-side cookies; server-side sessions ----------------------------------


def test_item14_private_key_is_in_no_cookie_and_not_in_clear_in_the_session(staff, settings):
    import base64

    user = staff["verifikator"]
    client = logged_in(user)
    private = keyring_of(user).private_key()
    session = Session.objects.get(session_key=client.session.session_key)
    stored = session.session_data.encode()
    cookies = "".join(m.value for m in client.cookies.values()).encode()
    for form in (private, base64.b64encode(private), base64.urlsafe_b64encode(private)):
        assert form not in stored and form not in cookies
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"


# 15. object-level authorization (the full matrix: test_access_matrix.py) ---------------------


@pytest.mark.parametrize("persona", ["penelaah_other", "pembina", "admin"])
def test_item15_object_level_authorization(staff, report, persona):
    client = logged_in(staff[persona])
    attachment = report.attachments.get()
    for url in (
        case_url(report),
        reverse("cases:download", args=[report.registration_number, attachment.pk]),
    ):
        response = client.get(url)
        assert response.status_code in (403, 404)
        assert TITLE.encode() not in response.content


# 16. field level: identity hidden without the identity key ------------------------------------


@pytest.mark.parametrize("persona", ["verifikator", "penelaah", "pj", "inspektur"])
def test_item16_identity_fields_hidden_on_the_case_page(staff, report, persona):
    response = logged_in(staff[persona]).get(case_url(report))
    assert response.status_code == 200
    assert IDENTITY_NAME.encode() not in response.content


@pytest.fixture
def released(staff, report):
    """The Verifikator's identity request, approved by two custodians."""
    row = identity_request(report, staff["verifikator"])
    return approve_identity(row, [staff["pj"], staff["custodian"]])


def test_item16_requester_sees_the_identity_only_after_the_post(staff, report, released):
    client = logged_in(staff["verifikator"])
    assert IDENTITY_NAME.encode() not in client.get(case_url(report)).content
    response = client.post(reverse("cases:identity_view", args=[report.registration_number]))
    assert response.status_code == 200
    assert IDENTITY_NAME.encode() in response.content


@pytest.mark.parametrize("persona", ["verifikator", "penelaah", "inspektur"])
def test_item16_handlers_without_a_release_cannot_open_it(staff, report, persona):
    client = logged_in(staff[persona])
    response = client.post(reverse("cases:identity_view", args=[report.registration_number]))
    assert response.status_code == 404
    assert IDENTITY_NAME.encode() not in response.content


def test_item16_identity_view_is_not_cached(staff, report, released):
    client = logged_in(staff["verifikator"])
    response = client.post(reverse("cases:identity_view", args=[report.registration_number]))
    assert "no-store" in response.get("Cache-Control", "")


# 17. function level: the administrator is not a reader ----------------------------------------


def test_item17_administrator_holds_no_key(staff, report):
    admin = staff["admin"]
    assert not KeyGrant.objects.filter(user=admin).exists()
    assert not keyring_of(admin).holds(report.pk)


def test_item17_administrator_cannot_read_report_content(staff, report):
    client = logged_in(staff["admin"])
    response = client.get(f"/staf/admin/cases/report/{report.pk}/change/")
    assert response.status_code == 200
    html = response.content.decode()
    assert TITLE not in html and IDENTITY_NAME not in html
    assert not any(name in html for name in ("title_ct", "details_ct", "identity_ct"))


def test_item17_administrator_report_list_shows_no_titles(staff, report):
    response = logged_in(staff["admin"]).get("/staf/admin/cases/report/")
    assert response.status_code == 200
    assert TITLE.encode() not in response.content


def test_item17_administrator_has_no_case_pages(staff, report):
    client = logged_in(staff["admin"])
    assert client.get(case_url(report)).status_code == 403
    assert client.get(reverse("cases:inbox")).status_code == 403


# 18. server-side enforcement: a hidden button's POST is still refused ------------------------

HIDDEN = [
    ("pj", Status.DITERIMA, "start_verification"),
    ("penelaah", Status.VERIFIKASI, "forward"),
    ("verifikator", Status.MENUNGGU_PERSETUJUAN, "approve_review"),
    ("inspektur", Status.DITERIMA, "start_verification"),
    ("verifikator", Status.DITELAAH, "submit_review"),
]


@pytest.mark.parametrize(("persona", "state", "action"), HIDDEN)
def test_item18_hidden_buttons_direct_post_denied(staff, report, persona, state, action):
    put_in_state(report, state)
    client = logged_in(staff[persona])
    url = reverse("cases:action", args=[report.registration_number, action])
    assert url not in client.get(case_url(report)).content.decode()
    response = client.post(url, {"handler": staff["penelaah"].pk, "reason": "x", "notes": "x"})
    assert response.status_code in (400, 403, 404)
    assert Report.objects.get(pk=report.pk).status == state


def test_item18_hidden_identity_decision_for_the_requester(staff, report):
    """A custodian (here the Inspektur) may not decide on a request they made themselves."""
    inspektur = staff["inspektur"]
    pending = identity_request(report, inspektur)
    client = logged_in(inspektur)
    url = reverse("cases:identity_decide", args=[pending.pk])
    assert url not in client.get(case_url(report)).content.decode()
    assert url not in client.get(reverse("cases:identity_requests")).content.decode()
    assert client.post(url, {"decision": "approve", "reason": "Sendiri."}).status_code == 404
    pending.refresh_from_db()
    assert pending.state == "pending" and not pending.decisions.exists()


@pytest.fixture
def keyless(staff):
    """A Verifikator, an Inspektur and a custodian whose roles nobody approved (written by
    set-up code, as an administrator with database access could): they see metadata (their
    roles see every report) but hold no key and no share for it."""
    from wbs.accounts.services import create_staff_user

    return {
        role: create_staff_user(username=f"{role}_baru", password=PASSWORD, roles=[role])
        for role in ("verifikator", "inspektur", "kustodian")
    }


KEYLESS_ACTIONS = [
    (Status.DITERIMA, "start_verification", {}),
    (Status.VERIFIKASI, "request_completion", {"message": "Mohon lengkapi."}),
    (Status.VERIFIKASI, "reject", {"reason": "Bukan kewenangan."}),
    (Status.VERIFIKASI, "forward", {"reason": "Wilayah lain."}),
]


@pytest.mark.parametrize(("state", "action", "data"), KEYLESS_ACTIONS)
def test_item18_handler_without_the_key_cannot_act(staff, report, keyless, state, action, data):
    """The case page offers no step to a user without the report key; a direct POST must be
    refused too (not a server error, not a move on a report they cannot read)."""
    put_in_state(report, state, assignee=None)
    client = logged_in(keyless["verifikator"])
    client.raise_request_exception = False
    url = reverse("cases:action", args=[report.registration_number, action])
    assert url not in client.get(case_url(report)).content.decode()
    response = client.post(url, {**data, "handler": staff["penelaah"].pk})
    assert response.status_code in (400, 403, 404)
    assert Report.objects.get(pk=report.pk).status == state


def test_item18_handler_without_the_key_cannot_message_the_reporter(report, keyless):
    client = logged_in(keyless["verifikator"])
    client.raise_request_exception = False
    url = reverse("cases:message", args=[report.registration_number])
    response = client.post(url, {"body": "Pesan."})
    assert response.status_code in (400, 403, 404)
    assert report.messages.count() == 0


@pytest.mark.parametrize("decision", ["approve", "deny"])
def test_item18_custodian_without_a_listing_cannot_decide(staff, report, keyless, decision):
    pending = identity_request(report, staff["verifikator"])
    client = logged_in(keyless["kustodian"])
    client.raise_request_exception = False
    url = reverse("cases:identity_decide", args=[pending.pk])
    response = client.post(url, {"decision": decision, "reason": "Tidak perlu."})
    assert response.status_code in (302, 400, 403, 404)
    pending.refresh_from_db()
    assert pending.state == "pending" and not pending.decisions.exists()


# 37. logs hold no credentials, codes or content ------------------------------------------------


def test_item37_logs_hold_no_credentials_or_content(staff, report, caplog):
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = staff["verifikator"]
    device = TOTPDevice.objects.create(user=user, name="t", confirmed=True)
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    client = Client()
    with caplog.at_level(logging.DEBUG):
        client.post("/staf/masuk/", {"username": user.username, "password": "salah-salah-salah"})
        client.post("/staf/masuk/", {"username": user.username, "password": PASSWORD})
        client.post("/staf/masuk/kode/", {"token": code})
        client.get(case_url(report))
        client.post(reverse("cases:message", args=[report.registration_number]), {"body": MESSAGE})
    text = "\n".join(r.getMessage() for r in caplog.records)
    for secret in (PASSWORD, "salah-salah-salah", code, TITLE, IDENTITY_NAME, MESSAGE):
        assert secret not in text


# 38. authentication failures, throttling and authorization failures are logged ------------------


def test_item38_auth_failures_are_logged(staff):
    user = staff["verifikator"]
    Client().post("/staf/masuk/", {"username": user.username, "password": "salah-salah-salah"})
    assert AuditEvent.objects.filter(verb="auth.failed", payload__step="password").count() == 1


def test_item38_totp_failures_are_logged(staff):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = staff["verifikator"]
    TOTPDevice.objects.create(user=user, name="t", confirmed=True)
    client = Client()
    client.post("/staf/masuk/", {"username": user.username, "password": PASSWORD})
    client.post("/staf/masuk/kode/", {"token": "000000"})
    client.post("/staf/masuk/kode/", {"token": "999999"})
    events = AuditEvent.objects.filter(verb="auth.failed", payload__step="totp")
    assert events.count() == 2 and events.first().target_id == str(user.pk)


def test_item38_throttling_is_logged(staff):
    user = staff["verifikator"]
    client = Client()
    for _ in range(account_views.LIMIT_ACCOUNT + 3):
        client.post("/staf/masuk/", {"username": user.username, "password": "salah-salah-salah"})
    assert AuditEvent.objects.filter(verb="auth.failed").count() == account_views.LIMIT_ACCOUNT
    assert AuditEvent.objects.filter(verb="auth.throttled").count() == 3


def _enrolment_client(staff):
    from conftest import make_staff
    from wbs.accounts.models import Role

    user = make_staff("pegawaibaru", [Role.VERIFIKATOR])
    client = Client()
    client.post("/staf/masuk/", {"username": user.username, "password": PASSWORD})
    client.get("/staf/masuk/daftar-2fa/")
    return user, client


def test_item38_enrolment_code_failures_are_logged(staff):
    user, client = _enrolment_client(staff)
    assert client.post("/staf/masuk/daftar-2fa/", {"token": "000000"}).status_code == 401
    assert AuditEvent.objects.filter(verb="auth.failed", target_id=str(user.pk)).count() == 1


def test_item38_enrolment_throttling_is_logged(staff):
    _user, client = _enrolment_client(staff)
    codes = [
        client.post("/staf/masuk/daftar-2fa/", {"token": "000000"}).status_code
        for _ in range(account_views.LIMIT_ACCOUNT + 1)
    ]
    assert codes[-1] == 429
    assert AuditEvent.objects.filter(verb="auth.throttled").count() == 1


def test_item38_successful_log_in_and_log_out_are_logged(staff):
    user = staff["verifikator"]
    client = logged_in(user)
    client.post(reverse("accounts:staff_logout"))
    verbs = list(AuditEvent.objects.filter(actor=user).values_list("verb", flat=True))
    assert "auth.login" in verbs and "auth.logout" in verbs


def test_item38_auth_failure_payload_holds_no_credentials(staff):
    user = staff["verifikator"]
    Client().post("/staf/masuk/", {"username": user.username, "password": "salah-salah-salah"})
    event = AuditEvent.objects.get(verb="auth.failed")
    assert "salah-salah-salah" not in str(event.payload)


class _Collector(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.records = []

    def emit(self, record):
        self.records.append(record)


@pytest.mark.parametrize(("persona", "status"), [("pembina", 403), ("penelaah_other", 404)])
def test_item38_authorization_failures_are_logged(staff, report, persona, status):
    """16.3.2: a refused access to a report is recorded (audit event or a warning in the log),
    as configured for production (logger levels untouched)."""
    client = logged_in(staff[persona])
    before = AuditEvent.objects.count()
    collector = _Collector()
    loggers = [logging.getLogger(), logging.getLogger("django.request")]
    for logger in loggers:
        logger.addHandler(collector)
    try:
        response = client.get(case_url(report))
    finally:
        for logger in loggers:
            logger.removeHandler(collector)
    assert response.status_code == status
    audited = AuditEvent.objects.count() > before
    warned = any(r.levelno >= logging.WARNING for r in collector.records)
    assert audited or warned, "a refused access to a report left no trace"


# 40. generic error pages ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "path", "status"),
    [
        ("pembina", "/staf/kotak-masuk/", 403),
        ("verifikator", "/staf/laporan/WBS-0000-XXXX/", 404),
    ],
)
def test_item40_staff_error_pages_are_generic(staff, persona, path, status):
    response = logged_in(staff[persona]).get(path)
    assert response.status_code == status
    html = response.content.decode()
    assert "Traceback" not in html and "URLconf" not in html and "DEBUG" not in html


def test_item40_staff_server_error_shows_no_stack_trace(staff, monkeypatch, settings):
    from wbs.cases import inbox

    settings.DEBUG = False

    def boom(user):
        raise RuntimeError("RAHASIA-STACK-TRACE")

    monkeypatch.setattr(inbox, "queue_counts", boom)
    client = logged_in(staff["verifikator"])
    client.raise_request_exception = False
    response = client.get(reverse("cases:inbox"))
    assert response.status_code == 500
    html = response.content.decode()
    assert "RAHASIA-STACK-TRACE" not in html and "Traceback" not in html

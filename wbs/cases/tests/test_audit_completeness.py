"""Every access to sensitive data and every workflow step writes exactly one audit event
(checklist 38, L3 part of 16.3.2); the audit trail holds no plaintext (37) and is append-only
(39); the Django admin offers no way to change or delete it."""

import json

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from wbs.audit import log
from wbs.audit.models import AuditEvent
from wbs.cases.models import IdentityRequest, Report, Status
from wbs.cases.tests.helpers import (
    FILE_NAME,
    FILE_TEXT,
    IDENTITY_NAME,
    MESSAGE,
    REASON,
    TITLE,
    WEB_ACTIONS,
    approve_identity,
    assign,
    confidential_report,
    identity_request,
    logged_in,
    prepare_action,
    with_documents,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(staff):
    return confidential_report()


class Events:
    """The audit events written after this point."""

    def __init__(self):
        self.last = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0

    def new(self):
        return list(AuditEvent.objects.filter(id__gt=self.last).order_by("id"))

    def verbs(self):
        return [e.verb for e in self.new()]


def _number(report):
    return report.registration_number


def _attachment(report):
    return report.attachments.get().pk


# --- views and downloads -----------------------------------------------------------------------


def test_case_view_writes_one_case_viewed(staff, report):
    client = logged_in(staff["verifikator"])
    events = Events()
    client.get(reverse("cases:case", args=[_number(report)]))
    [event] = events.new()
    assert (event.verb, event.actor_id, event.target_id) == (
        "case.viewed",
        staff["verifikator"].pk,
        str(report.pk),
    )


def test_cleaned_download_writes_one_attachment_downloaded(staff, report):
    client = logged_in(staff["verifikator"])
    events = Events()
    response = client.get(reverse("cases:download", args=[_number(report), _attachment(report)]))
    b"".join(response.streaming_content)
    assert events.verbs() == ["attachment.downloaded"]


def test_original_download_writes_one_attachment_original_downloaded(staff, report):
    client = logged_in(staff["inspektur"])
    events = Events()
    url = reverse("cases:download_original", args=[_number(report), _attachment(report)])
    b"".join(client.post(url).streaming_content)
    [event] = events.new()
    assert event.verb == "attachment.original_downloaded"
    assert event.payload == {"attachment": str(_attachment(report))}


@pytest.mark.parametrize(
    ("name", "document"),
    [
        ("monitoring:review_document", "lembar_telaahan"),
        ("monitoring:result_document", "laporan_hasil"),
    ],
)
def test_document_export_writes_one_document_exported(staff, report, name, document):
    with_documents(report, staff)
    client = logged_in(staff["inspektur"])
    events = Events()
    assert client.get(reverse(name, args=[_number(report)])).status_code == 200
    [event] = events.new()
    assert (event.verb, event.payload) == ("document.exported", {"document": document})


@pytest.mark.parametrize("persona", ["penelaah_other", "pembina", "admin"])
def test_refused_view_writes_no_viewing_event(staff, report, persona):
    client = logged_in(staff[persona])
    events = Events()
    client.get(reverse("cases:case", args=[_number(report)]))
    client.get(reverse("cases:download", args=[_number(report), _attachment(report)]))
    assert not [v for v in events.verbs() if v.startswith(("case.", "attachment."))]


# --- identity ----------------------------------------------------------------------------------


def test_identity_view_writes_one_identity_viewed(staff, report):
    approve_identity(
        identity_request(report, staff["verifikator"]), [staff["pj"], staff["custodian"]]
    )
    client = logged_in(staff["verifikator"])
    events = Events()
    client.post(reverse("cases:identity_view", args=[_number(report)]))
    assert events.verbs() == ["identity.viewed"]


def test_identity_request_writes_one_identity_requested(staff, report):
    client = logged_in(staff["verifikator"])
    events = Events()
    client.post(reverse("cases:identity_request", args=[_number(report)]), {"reason": REASON})
    assert events.verbs() == ["identity.requested"]


@pytest.mark.parametrize(
    ("decision", "verb"), [("approve", "identity.approved"), ("deny", "identity.denied")]
)
def test_identity_decision_writes_one_event(staff, report, decision, verb):
    pending = identity_request(report, staff["verifikator"])
    client = logged_in(staff["inspektur"])
    events = Events()
    url = reverse("cases:identity_decide", args=[pending.pk])
    client.post(url, {"decision": decision, "reason": REASON})
    assert events.verbs() == [verb]


def test_the_kth_approval_writes_one_identity_released(staff, report):
    pending = approve_identity(identity_request(report, staff["verifikator"]), [staff["pj"]])
    client = logged_in(staff["inspektur"])
    events = Events()
    client.post(
        reverse("cases:identity_decide", args=[pending.pk]),
        {"decision": "approve", "reason": REASON},
    )
    assert events.verbs() == ["identity.released"]


# --- workflow ----------------------------------------------------------------------------------


@pytest.mark.parametrize("action", sorted(WEB_ACTIONS))
def test_each_workflow_action_writes_one_event(staff, report, action):
    actor, data = prepare_action(report, action, staff)
    client = logged_in(actor)
    events = Events()
    response = client.post(reverse("cases:action", args=[_number(report), action]), data)
    assert response.status_code == 302, response.content[:300]
    [event] = events.new()
    assert (event.verb, event.actor_id) == (f"workflow.{action}", actor.pk)


# --- no plaintext in the trail (item 37) -----------------------------------------------------


def test_no_audit_payload_contains_plaintext(staff, report):
    verifikator = logged_in(staff["verifikator"])
    number = _number(report)
    verifikator.get(reverse("cases:case", args=[number]))
    verifikator.get(reverse("cases:download", args=[number, _attachment(report)]))
    verifikator.post(reverse("cases:message", args=[number]), {"body": MESSAGE})
    verifikator.post(reverse("cases:note", args=[number]), {"body": MESSAGE})
    verifikator.post(reverse("cases:identity_request", args=[number]), {"reason": REASON})
    pending = IdentityRequest.objects.get()
    for custodian in ("inspektur", "custodian"):
        logged_in(staff[custodian]).post(
            reverse("cases:identity_decide", args=[pending.pk]),
            {"decision": "approve", "reason": REASON},
        )
    assert IdentityRequest.objects.get().state == "approved"
    verifikator.post(reverse("cases:identity_view", args=[number]))
    assert AuditEvent.objects.filter(verb="identity.viewed").count() == 1
    for action in ("start_verification", "reject"):
        actor, data = prepare_action(report, action, staff)
        logged_in(actor).post(reverse("cases:action", args=[number, action]), data)
    dump = json.dumps(
        [[e.verb, e.target_type, e.target_id, e.payload] for e in AuditEvent.objects.all()]
    )
    for marker in (TITLE, IDENTITY_NAME, MESSAGE, REASON, FILE_NAME, FILE_TEXT.decode()):
        assert marker not in dump


# --- append-only (item 39) ---------------------------------------------------------------------


def test_audit_event_save_of_an_existing_row_is_refused(db):
    event = log.record(verb="test.event")
    event.verb = "test.changed"
    with pytest.raises(PermissionError):
        event.save()
    assert AuditEvent.objects.get(pk=event.pk).verb == "test.event"


def test_audit_event_delete_is_refused(db):
    event = log.record(verb="test.event")
    with pytest.raises(PermissionError):
        event.delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.parametrize(
    "sql",
    ["UPDATE audit_auditevent SET verb = 'x'", "DELETE FROM audit_auditevent"],
)
def test_database_refuses_update_and_delete_of_audit_rows(db, sql):
    if connection.vendor != "postgresql":
        pytest.skip(
            "the append-only trigger exists on PostgreSQL only (SQLite, the embedded demo "
            "database, relies on the model guards; see audit/migrations/0002)"
        )
    log.record(verb="test.event")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)
    assert AuditEvent.objects.filter(verb="test.event").exists()


def test_append_only_migration_sql_survives_psycopg_placeholders():
    """Runs on any database: the trigger migration hands its SQL to the PostgreSQL schema
    editor, which merges `params` client-side (psycopg 3) whenever params is not None. A bare
    `%` (PL/pgSQL's RAISE format) then fails with "incomplete placeholder" and `migrate`
    stops on PostgreSQL; it must be doubled or the SQL executed with params=None."""
    import importlib
    from types import SimpleNamespace

    migration = importlib.import_module("wbs.audit.migrations.0002_append_only_trigger")
    calls = []

    class Editor:
        connection = SimpleNamespace(vendor="postgresql")

        def execute(self, sql, params=()):
            calls.append((sql, params))

    migration.forward(None, Editor())
    assert calls
    for sql, params in calls:
        if params is not None:
            assert "%" not in sql.replace("%%", ""), "unescaped % in SQL run with params"


def test_database_refuses_queryset_update_of_audit_rows(db):
    if connection.vendor != "postgresql":
        pytest.skip(
            "QuerySet.update() bypasses the model guard; only the PostgreSQL trigger stops it"
        )
    log.record(verb="test.event")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.update(verb="x")


# --- the admin is read-only for audit events --------------------------------------------------


def _admin_url(event, suffix):
    return f"/staf/admin/audit/auditevent/{event.pk}/{suffix}/"


def test_admin_change_page_of_an_audit_event_has_no_editable_field(staff):
    event = log.record(verb="test.event", payload={"k": "v"})
    response = logged_in(staff["admin"]).get(_admin_url(event, "change"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="verb"' not in html and 'name="payload"' not in html
    assert 'name="_save"' not in html


@pytest.mark.parametrize("suffix", ["change", "delete"])
def test_admin_post_to_change_or_delete_an_audit_event_is_403(staff, suffix):
    event = log.record(verb="test.event")
    response = logged_in(staff["admin"]).post(
        _admin_url(event, suffix), {"verb": "x", "post": "yes"}
    )
    assert response.status_code == 403
    assert AuditEvent.objects.get(pk=event.pk).verb == "test.event"


def test_admin_cannot_add_audit_events(staff):
    response = logged_in(staff["admin"]).post("/staf/admin/audit/auditevent/add/", {"verb": "x"})
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(verb="x").exists()


@pytest.mark.parametrize("persona", ["verifikator", "inspektur", "pembina"])
def test_admin_site_is_for_the_administrator_only(staff, persona):
    event = log.record(verb="test.event")
    response = logged_in(staff[persona]).get(_admin_url(event, "change"))
    assert response.status_code in (302, 403)
    assert b'name="verb"' not in response.content


def test_admin_post_to_a_report_changes_nothing(staff):
    """The report admin is read-only too: a POST cannot move a case (SecureDrop SEC-01-001)."""
    report = confidential_report()
    assign(report, staff["penelaah"], staff)
    response = logged_in(staff["admin"]).post(
        f"/staf/admin/cases/report/{report.pk}/change/", {"status": "selesai", "assignee": ""}
    )
    assert response.status_code == 403
    report.refresh_from_db()
    assert report.status == Status.DITELAAH and report.assignee_id == staff["penelaah"].pk
    assert Report.objects.count() == 1

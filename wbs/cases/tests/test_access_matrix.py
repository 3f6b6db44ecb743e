"""Object- and function-level authorization on every staff URL (checklist items 15, 17–19;
GlobaLeaks Issue F for downloads).

The URLs are walked from wbs.cases.urls and wbs.monitoring.urls, so a new staff route that is
not in the matrix fails `test_every_staff_url_is_in_the_matrix`. The matrix is sampled: each URL ×
each persona who may NOT see the report (the other Irban's Penelaah, Pembina, Administrator),
with every workflow action for the Penelaah of the other wilayah."""

import pytest
from django.test import Client
from django.urls import reverse

from conftest import make_staff
from wbs.accounts.models import Role, RoleRequest
from wbs.cases import urls as case_urls
from wbs.cases.forms import ACTION_FORMS
from wbs.cases.models import IdentityRequest, Report, Status
from wbs.cases.tests.helpers import (
    FILE_NAME,
    FILE_TEXT,
    IDENTITY_NAME,
    METHOD,
    REVIEW,
    TITLE,
    approve_identity,
    assign,
    confidential_report,
    identity_request,
    logged_in,
    put_in_state,
    with_documents,
)
from wbs.monitoring import urls as monitoring_urls

pytestmark = pytest.mark.django_db

LOGIN = "/staf/masuk/"


def staff_routes() -> dict[str, list[str]]:
    """Every staff route name → the names of its URL parameters."""
    routes = {}
    for module in (case_urls, monitoring_urls):
        for pattern in module.urlpatterns:
            routes[f"{module.app_name}:{pattern.name}"] = list(pattern.pattern.converters)
    return routes


ROUTES = staff_routes()
REPORT_ROUTES = sorted(name for name, params in ROUTES.items() if "number" in params)
FORBIDDEN = ["penelaah_other", "pembina", "admin"]


@pytest.fixture
def world(staff):
    """A confidential report with a file, in telaah with Irban I's Penelaah, and a pending
    identity request by the Verifikator."""
    report = confidential_report()
    assign(report, staff["penelaah"], staff)
    request = identity_request(report, staff["verifikator"])
    newcomer = make_staff("pendatang", [])
    role_request = RoleRequest.objects.create(
        user=newcomer, role=Role.VERIFIKATOR, requested_by=staff["admin"], decider="inspektur"
    )
    return {"report": report, "request": request, "role_request": role_request, "staff": staff}


def url_for(name, world, action="start_verification"):
    report = world["report"]
    values = {
        "number": report.registration_number,
        "attachment_id": report.attachments.get().pk,
        "request_id": world["request"].pk,
        "pk": world["role_request"].pk,
        "action": action,
    }
    return reverse(name, kwargs={p: values[p] for p in ROUTES[name]})


def post_data(name, world, action="start_verification"):
    """Data that would be valid for the view, so only authorization can stop it."""
    staff = world["staff"]
    return {
        "cases:action": {
            "complete_4w1h": "on",
            "message": "Mohon lengkapi.",
            "reason": "Alasan.",
            "override_reason": "Alasan meneruskan.",
            "handler": staff["penelaah"].pk,
            "notes": "Catatan.",
            "decision": "pemeriksaan_khusus",
            "surat_tugas_number": "700/1",
            "surat_tugas_date": "2025-05-02",
            "text": "Hasil.",
            "kesimpulan": "Kesimpulan.",
            "outcome": "terbukti",
        },
        "cases:message": {"body": "Pesan."},
        "cases:note": {"body": "Catatan."},
        "cases:review": REVIEW,
        "cases:identity_request": {"reason": "Perlu konfirmasi."},
        "cases:identity_decide": {"decision": "approve", "reason": "Disetujui."},
        "cases:role_request_decide": {"decision": "approve"},
    }.get(name, {})


def call(client, name, world, action="start_verification", method=None):
    method = method or METHOD[name]
    url = url_for(name, world, action)
    if method == "post":
        return client.post(url, post_data(name, world, action))
    return getattr(client, method)(url)


def assert_leaks_nothing(response):
    body = response.content
    assert TITLE.encode() not in body
    assert IDENTITY_NAME.encode() not in body
    assert FILE_NAME.encode() not in body and FILE_TEXT not in body


# --- the walk --------------------------------------------------------------------------------


def test_every_staff_url_is_in_the_matrix():
    assert set(ROUTES) == set(METHOD)


@pytest.mark.parametrize("name", sorted(METHOD))
def test_anonymous_is_sent_to_the_log_in(world, name):
    response = call(Client(), name, world)
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


# --- personas who may not see the report -----------------------------------------------------

DENIED = [(name, persona, "start_verification") for name in REPORT_ROUTES for persona in FORBIDDEN]
DENIED += [("cases:action", "penelaah_other", a) for a in ACTION_FORMS if a != "start_verification"]


@pytest.mark.parametrize(("name", "persona", "action"), DENIED)
def test_persona_without_access_gets_403_or_404_and_no_content(world, name, persona, action):
    client = logged_in(world["staff"][persona])
    response = call(client, name, world, action)
    assert response.status_code in (403, 404)
    assert_leaks_nothing(response)


@pytest.mark.parametrize("persona", FORBIDDEN)
def test_denied_requests_change_nothing(world, persona):
    client = logged_in(world["staff"][persona])
    for name in REPORT_ROUTES:
        call(client, name, world, "submit_review")
    report = Report.objects.get(pk=world["report"].pk)
    assert report.status == Status.DITELAAH and report.messages.count() == 0
    assert IdentityRequest.objects.get().state == IdentityRequest.State.PENDING


@pytest.mark.parametrize(
    "name", ["cases:download", "cases:download_original", "cases:note", "cases:case"]
)
def test_penanggung_jawab_without_a_grant_reads_no_content(world, name):
    """The PJ sees metadata of every report but holds no key: no file, no title."""
    response = call(logged_in(world["staff"]["pj"]), name, world)
    assert response.status_code == (200 if name == "cases:case" else 404)
    assert_leaks_nothing(response)


@pytest.mark.parametrize(
    ("name", "persona"),
    [
        ("cases:inbox", "pembina"),
        ("cases:inbox", "admin"),
        ("cases:identity_requests", "verifikator"),
        ("cases:identity_requests", "penelaah"),
        ("cases:identity_requests", "pembina"),
        ("cases:role_requests", "verifikator"),
        ("cases:role_requests", "custodian"),
        ("cases:role_requests", "admin"),
        ("cases:role_request_decide", "verifikator"),
        ("cases:role_request_decide", "pj"),
        ("cases:role_request_decide", "admin"),
        ("cases:identity_requests", "admin"),
        ("monitoring:audit", "verifikator"),
        ("monitoring:audit", "penelaah"),
        ("monitoring:dashboard", "verifikator"),
        ("monitoring:dashboard", "admin"),
        ("monitoring:recap", "pembina"),
        ("monitoring:recap", "verifikator"),
        ("monitoring:register", "pembina"),
        ("monitoring:register", "penelaah"),
        ("cases:identity_view", "pj"),
        ("cases:identity_decide", "verifikator"),
        ("cases:identity_decide", "penelaah"),
        ("cases:identity_decide", "admin"),
        ("cases:review", "verifikator"),
        ("cases:message", "pj"),
    ],
)
def test_role_gated_views_refuse_other_roles_with_403(world, name, persona):
    response = call(logged_in(world["staff"][persona]), name, world)
    assert response.status_code == 403
    assert_leaks_nothing(response)


def test_other_irbans_penelaah_does_not_see_the_report_in_the_inbox(world):
    response = logged_in(world["staff"]["penelaah_other"]).get(reverse("cases:inbox"))
    assert response.status_code == 200
    assert world["report"].registration_number.encode() not in response.content
    assert_leaks_nothing(response)


def test_unknown_report_number_is_404(world):
    client = logged_in(world["staff"]["verifikator"])
    assert client.get(reverse("cases:case", args=["WBS-0000-XXXX"])).status_code == 404


def test_attachment_of_another_report_is_404(world):
    """A real attachment id under the number of a report the user may see (Issue F)."""
    other = confidential_report(title="Laporan lain", with_file=False)
    client = logged_in(world["staff"]["verifikator"])
    url = reverse(
        "cases:download",
        args=[other.registration_number, world["report"].attachments.get().pk],
    )
    response = client.get(url)
    assert response.status_code == 404
    assert_leaks_nothing(response)


def test_penelaah_keeps_no_access_after_reassignment(world):
    """Forwarded to another Irban: the first Penelaah loses the case page."""
    staff = world["staff"]
    client = logged_in(staff["penelaah"])
    Report.objects.filter(pk=world["report"].pk).update(assignee=staff["penelaah_other"])
    response = call(client, "cases:case", world)
    assert response.status_code == 404
    assert_leaks_nothing(response)


# --- the right persona gets in -----------------------------------------------------------------

ALLOWED = [
    ("cases:home", "verifikator", 302),
    ("cases:home", "admin", 302),
    ("cases:home", "pembina", 302),
    ("cases:inbox", "verifikator", 200),
    ("cases:inbox", "penelaah", 200),
    ("cases:inbox", "pj", 200),
    ("cases:home", "custodian", 302),
    ("cases:identity_requests", "inspektur", 200),
    ("cases:identity_requests", "custodian", 200),
    ("cases:role_requests", "inspektur", 200),
    ("cases:role_request_decide", "inspektur", 302),
    ("cases:case", "verifikator", 200),
    ("cases:case", "penelaah", 200),
    ("cases:case", "inspektur", 200),
    ("cases:message", "verifikator", 302),
    ("cases:message", "penelaah", 302),
    ("cases:note", "inspektur", 302),
    ("cases:review", "penelaah", 302),
    ("cases:download", "verifikator", 200),
    ("cases:download", "penelaah", 200),
    ("cases:download_original", "inspektur", 200),
    ("cases:identity_request", "penelaah", 302),
    ("cases:identity_decide", "inspektur", 302),
    ("cases:identity_decide", "custodian", 302),
    ("monitoring:audit", "inspektur", 200),
    ("monitoring:audit", "pj", 200),
    ("monitoring:audit", "pembina", 200),
    ("monitoring:audit", "admin", 200),
    ("monitoring:dashboard", "inspektur", 200),
    ("monitoring:dashboard", "pembina", 200),
    ("monitoring:recap", "pj", 200),
    ("monitoring:register", "verifikator", 200),
]


@pytest.mark.parametrize(("name", "persona", "status"), ALLOWED)
def test_allowed_persona_gets_in(world, name, persona, status):
    response = call(logged_in(world["staff"][persona]), name, world)
    assert response.status_code == status
    if status == 302:
        assert not response["Location"].startswith(LOGIN)


def test_allowed_action_by_the_assigned_penelaah_redirects(world):
    staff = world["staff"]
    client = logged_in(staff["penelaah"])
    client.post(url_for("cases:review", world), post_data("cases:review", world))
    response = call(client, "cases:action", world, "submit_review")
    assert response.status_code == 302
    assert Report.objects.get(pk=world["report"].pk).status == Status.MENUNGGU_PERSETUJUAN


@pytest.mark.parametrize("name", ["monitoring:review_document", "monitoring:result_document"])
@pytest.mark.parametrize("persona", ["verifikator", "inspektur", "penelaah"])
def test_documents_open_for_grant_holders(world, name, persona):
    with_documents(world["report"], world["staff"])
    response = call(logged_in(world["staff"][persona]), name, world)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")


@pytest.mark.parametrize("name", ["monitoring:review_document", "monitoring:result_document"])
@pytest.mark.parametrize("persona", ["pj", "penelaah_other", "pembina", "admin"])
def test_documents_refused_without_a_grant(world, name, persona):
    with_documents(world["report"], world["staff"])
    response = call(logged_in(world["staff"][persona]), name, world)
    assert response.status_code in (403, 404)
    assert_leaks_nothing(response)


def test_identity_view_opens_only_for_the_requester_once_approved(world):
    staff = world["staff"]
    name = "cases:identity_view"
    assert call(logged_in(staff["verifikator"]), name, world).status_code == 404
    approve_identity(world["request"], [staff["inspektur"], staff["custodian"]])
    response = call(logged_in(staff["verifikator"]), name, world)
    assert response.status_code == 200
    assert IDENTITY_NAME.encode() in response.content
    assert b"<dd>19800101 200501 1 001</dd>" in response.content  # the NIP as letters write it
    for persona in ("inspektur", "custodian", "penelaah"):
        response = call(logged_in(staff[persona]), name, world)
        assert response.status_code in (403, 404)
        assert_leaks_nothing(response)


def test_download_is_an_attachment_with_the_file(world):
    response = call(logged_in(world["staff"]["verifikator"]), "cases:download", world)
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content) == FILE_TEXT


# --- wrong method ------------------------------------------------------------------------------

WRONG_METHOD_PERSONA = {
    "cases:identity_requests": "inspektur",
    "cases:identity_decide": "inspektur",
    "cases:identity_view": "inspektur",
    "cases:role_requests": "inspektur",
    "cases:role_request_decide": "inspektur",
    "cases:review": "penelaah",
    "monitoring:audit": "inspektur",
    "monitoring:dashboard": "inspektur",
    "monitoring:recap": "inspektur",
    "monitoring:review_document": "inspektur",
    "monitoring:result_document": "inspektur",
}
# The register's form is shown by GET and sent by POST; the recap is downloaded by GET and
# issued by POST.
BOTH_METHODS = {"monitoring:register", "monitoring:recap"}


@pytest.mark.parametrize("name", sorted(METHOD))
def test_wrong_method_is_405(world, name):
    persona = WRONG_METHOD_PERSONA.get(name, "verifikator")
    other = "post" if METHOD[name] == "get" else "get"
    if name in BOTH_METHODS:
        other = "put"
    response = call(logged_in(world["staff"][persona]), name, world, method=other)
    assert response.status_code == 405


# --- item 19: no mass assignment ----------------------------------------------------------------

EXTRA = {
    "status": Status.SELESAI,
    "outcome": "terbukti",
    "is_staff": "1",
    "is_superuser": "1",
    "registration_number": "WBS-0000-AAAA",
    "result_verified": "1",
}


def test_item19_action_post_ignores_extra_fields(world):
    staff = world["staff"]
    report = put_in_state(world["report"], Status.DITERIMA, assignee=None)
    client = logged_in(staff["verifikator"])
    url = url_for("cases:action", world, "start_verification")
    response = client.post(url, {**EXTRA, "assignee": staff["penelaah_other"].pk})
    report.refresh_from_db()
    assert response.status_code == 302
    assert (report.status, report.assignee_id, report.outcome) == (Status.VERIFIKASI, None, "")
    assert report.registration_number != "WBS-0000-AAAA" and not report.result_verified


@pytest.mark.parametrize("name", ["cases:message", "cases:note", "cases:review"])
def test_item19_other_posts_ignore_extra_fields(world, name):
    staff = world["staff"]
    persona = "penelaah" if name == "cases:review" else "verifikator"
    client = logged_in(staff[persona])
    data = {**post_data(name, world), **EXTRA, "assignee": staff["penelaah_other"].pk}
    assert client.post(url_for(name, world), data).status_code == 302
    report = Report.objects.get(pk=world["report"].pk)
    assert (report.status, report.assignee_id) == (Status.DITELAAH, staff["penelaah"].pk)
    staff[persona].refresh_from_db()
    assert not staff[persona].is_staff and not staff[persona].is_superuser

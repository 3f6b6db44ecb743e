"""Identity release (docs/design/product.md §5): a reasoned request, decided by a *different*
Inspektur who holds the identity key; the key is sealed to the requester only on approval; every
step is audited; the reporter is told when the installation says so."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from conftest import PASSWORD
from wbs.accounts.models import Role
from wbs.accounts.services import create_staff_user
from wbs.audit.models import AuditEvent
from wbs.cases import sealing, services
from wbs.cases.models import IdentityRequest, Message
from wbs.cases.tests.helpers import (
    IDENTITY_NAME,
    REASON,
    assign,
    keyring_of,
    logged_in,
    po_catalog,
)
from wbs.directory.models import OrganisationProfile
from wbs.intake.tests.factories import submit
from wbs.vault import grants
from wbs.vault.keyring import NoAccess
from wbs.vault.models import KeyGrant

pytestmark = pytest.mark.django_db

NOTICE = (
    "Your identity has been disclosed to the officer handling your report, with the "
    "Inspektur's approval, for the handling of the report."
)


@pytest.fixture
def people(staff):
    """The personas plus a second Inspektur created before the report (so holding its
    identity key)."""
    return {
        **staff,
        "inspektur2": create_staff_user(
            username="inspektur2", password=PASSWORD, roles=[Role.INSPEKTUR]
        ),
    }


@pytest.fixture
def case(people):
    report, receipt = submit(
        title="Laporan rahasia", identity=sealing.IdentityData(name=IDENTITY_NAME)
    )
    assign(report, people["penelaah"], people)
    return {"report": report, "receipt": receipt}


def number(case):
    return case["report"].registration_number


def request_via_web(people, case, persona="penelaah", reason=REASON):
    client = logged_in(people[persona])
    response = client.post(
        reverse("cases:identity_request", args=[number(case)]), {"reason": reason}
    )
    assert response.status_code == 302
    return client


def decide_via_web(people, case, persona, decision, pending=None):
    pending = pending or IdentityRequest.objects.get()
    client = logged_in(people[persona])
    url = reverse("cases:identity_decide", args=[number(case), pending.pk])
    response = client.post(url, {"decision": decision, "reason": "Keputusan."})
    assert response.status_code == 302
    pending.refresh_from_db()
    return pending


def identity_grant(user, report):
    return KeyGrant.objects.filter(
        report=report, user=user, key_kind=KeyGrant.KeyKind.IDENTITY
    ).exists()


# --- the request ---------------------------------------------------------------------------------


def test_request_with_a_reason_is_pending(people, case):
    request_via_web(people, case)
    pending = IdentityRequest.objects.get()
    assert (pending.state, pending.requester_id) == ("pending", people["penelaah"].pk)


def test_request_reason_is_stored_encrypted(people, case):
    request_via_web(people, case)
    assert REASON.encode() not in bytes(IdentityRequest.objects.get().reason_ct)


def test_request_without_a_reason_is_refused(people, case):
    request_via_web(people, case, reason="")
    assert not IdentityRequest.objects.exists()


def test_pending_request_gives_no_key(people, case):
    request_via_web(people, case)
    requester = people["penelaah"]
    assert not identity_grant(requester, case["report"])
    with pytest.raises(NoAccess):
        sealing.open_identity(keyring_of(requester), case["report"])


def test_pending_requester_cannot_view_the_identity(people, case):
    client = request_via_web(people, case)
    response = client.post(reverse("cases:identity_view", args=[number(case)]))
    assert response.status_code == 404
    assert IDENTITY_NAME.encode() not in response.content


def test_second_pending_request_by_the_same_user_is_refused(people, case):
    request_via_web(people, case)
    request_via_web(people, case)
    assert IdentityRequest.objects.count() == 1


def test_anonymous_report_has_no_identity_to_request(people):
    report, _ = submit(title="Anonim")
    assign(report, people["penelaah"], people)
    with pytest.raises(services.IdentityError):
        services.request_identity(keyring_of(people["penelaah"]), report, people["penelaah"], "x")


def test_inspektur_queue_lists_the_pending_request(people, case):
    request_via_web(people, case)
    response = logged_in(people["inspektur"]).get(reverse("cases:identity_requests"))
    assert number(case).encode() in response.content


# --- the decision ------------------------------------------------------------------------------


def test_requesting_inspektur_cannot_approve_their_own_request(people, case):
    report = case["report"]
    late = create_staff_user(username="inspektur3", password=PASSWORD, roles=[Role.INSPEKTUR])
    grants.grant(keyring_of(people["verifikator"]), report, late, granted_by=None, reason="t")
    pending = services.request_identity(keyring_of(late), report, late, REASON)
    with pytest.raises(services.IdentityError):
        services.decide_identity(keyring_of(late), pending, late, approve=True, reason="x")
    decide_via_web({**people, "late": late}, case, "late", "approve", pending)
    assert pending.state == "pending" and not identity_grant(late, report)


def test_inspektur_without_the_identity_key_cannot_approve(people, case):
    """An Inspektur who joined after the report holds no identity key: approval fails closed."""
    request_via_web(people, case)
    late = create_staff_user(username="inspektur3", password=PASSWORD, roles=[Role.INSPEKTUR])
    grants.grant(
        keyring_of(people["verifikator"]), case["report"], late, granted_by=None, reason="t"
    )
    pending = decide_via_web({**people, "late": late}, case, "late", "approve")
    assert pending.state == "pending"
    assert not identity_grant(people["penelaah"], case["report"])


def test_only_an_inspektur_may_decide(people, case):
    request_via_web(people, case)
    pending = IdentityRequest.objects.get()
    with pytest.raises(services.IdentityError):
        services.decide_identity(
            keyring_of(people["verifikator"]),
            pending,
            people["verifikator"],
            approve=True,
            reason="x",
        )


def test_different_inspektur_approves_and_the_requester_can_open_it(people, case):
    request_via_web(people, case)
    pending = decide_via_web(people, case, "inspektur2", "approve")
    requester = people["penelaah"]
    assert pending.state == "approved" and pending.decided_by_id == people["inspektur2"].pk
    assert identity_grant(requester, case["report"])
    assert sealing.open_identity(keyring_of(requester), case["report"]).name == IDENTITY_NAME


def test_after_approval_the_requester_sees_the_identity_page(people, case):
    client = request_via_web(people, case)
    decide_via_web(people, case, "inspektur", "approve")
    response = client.post(reverse("cases:identity_view", args=[number(case)]))
    assert response.status_code == 200
    assert IDENTITY_NAME.encode() in response.content


def test_denial_gives_no_key(people, case):
    request_via_web(people, case)
    pending = decide_via_web(people, case, "inspektur2", "deny")
    assert pending.state == "denied"
    assert not identity_grant(people["penelaah"], case["report"])
    with pytest.raises(NoAccess):
        sealing.open_identity(keyring_of(people["penelaah"]), case["report"])


def test_a_decided_request_cannot_be_decided_again(people, case):
    request_via_web(people, case)
    decide_via_web(people, case, "inspektur", "deny")
    pending = decide_via_web(people, case, "inspektur2", "approve")
    assert pending.state == "denied"
    assert not identity_grant(people["penelaah"], case["report"])


def test_the_release_reaches_only_the_requester(people, case):
    request_via_web(people, case)
    decide_via_web(people, case, "inspektur", "approve")
    holders = set(
        KeyGrant.objects.filter(
            report=case["report"], key_kind=KeyGrant.KeyKind.IDENTITY, user__isnull=False
        ).values_list("user__username", flat=True)
    )
    assert holders == {"inspektur", "inspektur2", "penelaah"}


# --- audit ---------------------------------------------------------------------------------------


def test_every_step_is_audited(people, case):
    client = request_via_web(people, case)
    decide_via_web(people, case, "inspektur2", "approve")
    client.post(reverse("cases:identity_view", args=[number(case)]))
    events = AuditEvent.objects.filter(verb__startswith="identity.").order_by("id")
    assert [(e.verb, e.actor.username) for e in events] == [
        ("identity.requested", "penelaah"),
        ("identity.approved", "inspektur2"),
        ("identity.viewed", "penelaah"),
    ]


def test_denial_is_audited(people, case):
    request_via_web(people, case)
    pending = decide_via_web(people, case, "inspektur2", "deny")
    event = AuditEvent.objects.get(verb="identity.denied")
    assert event.payload["request"] == str(pending.pk)
    assert event.target_id == str(case["report"].pk)


# --- the reporter is told (if the installation says so) ---------------------------------------


def _reporter_page(case) -> str:
    client = Client()
    client.post(reverse("intake:status_login"), {"access_code": case["receipt"].access_code})
    response = client.get(reverse("intake:status_report"))
    assert response.status_code == 200
    return response.content.decode()


def _notice_text() -> str:
    with translation.override("id"):
        return escape(translation.gettext(NOTICE))


@pytest.mark.parametrize("shown", [True, False])
def test_reporter_sees_the_release_notice_only_if_configured(people, case, shown):
    profile = OrganisationProfile.get()
    profile.show_identity_release_to_reporter = shown
    profile.save()
    request_via_web(people, case)
    decide_via_web(people, case, "inspektur2", "approve")
    notices = case["report"].messages.filter(
        author_kind=Message.Author.SYSTEM, kind=Message.Kind.NOTICE
    )
    assert notices.count() == (1 if shown else 0)
    assert (_notice_text() in _reporter_page(case)) is shown


def test_reporter_sees_no_notice_after_a_denial(people, case):
    request_via_web(people, case)
    decide_via_web(people, case, "inspektur2", "deny")
    assert _notice_text() not in _reporter_page(case)


def test_release_notice_is_translated_to_indonesian():
    """The reporter's page is in Bahasa Indonesia; the notice must be too."""
    assert po_catalog("id").get(NOTICE), "the release notice has no Indonesian msgstr"

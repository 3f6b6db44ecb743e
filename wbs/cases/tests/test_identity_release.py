"""Identity release (docs/design/product.md §5, ADR 0013): nobody holds a standing identity key.
A handler asks with a reason; k identity custodians other than the requester approve, each
releasing their share of the identity key to the requester; the requester's session combines
the shares. Every step is audited and alerted; the reporter is told when the installation says
so. The attacks on it (forged rows, one custodian alone, reused shares) are here too."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from conftest import make_staff
from wbs.accounts.models import Alert, Role
from wbs.audit.models import AuditEvent
from wbs.cases import identity, sealing
from wbs.cases.models import IdentityDecision, IdentityRequest
from wbs.cases.tests.helpers import (
    IDENTITY_NAME,
    REASON,
    approve_identity,
    assign,
    keyring_of,
    logged_in,
    po_catalog,
)
from wbs.directory.models import OrganisationProfile
from wbs.intake.tests.factories import submit
from wbs.vault import crypto, shares
from wbs.vault.keyring import NoAccess
from wbs.vault.models import KeyGrant, RecipientListing

pytestmark = pytest.mark.django_db

STEP = (
    "Your identity was opened for an officer handling your report, after %(k)d identity "
    "custodians approved the officer's reasoned request."
)
ASKED = (
    "An officer handling your report asked, with a reason, for your identity to be opened; "
    "%(k)d identity custodians other than that officer must each approve."
)
REFUSED = "An identity custodian refused the request: your identity stays sealed."


@pytest.fixture
def case(staff):
    report, receipt = submit(
        title="Laporan rahasia", identity=sealing.IdentityData(name=IDENTITY_NAME)
    )
    assign(report, staff["penelaah"], staff)
    return {"report": report, "receipt": receipt}


def number(case):
    return case["report"].registration_number


def request_via_web(staff, case, persona="penelaah", reason=REASON):
    client = logged_in(staff[persona])
    response = client.post(
        reverse("cases:identity_request", args=[number(case)]), {"reason": reason}
    )
    assert response.status_code == 302
    return client


def decide_via_web(staff, persona, decision, pending=None, reason="Keputusan."):
    pending = pending or IdentityRequest.objects.get()
    client = logged_in(staff[persona])
    url = reverse("cases:identity_decide", args=[pending.pk])
    response = client.post(url, {"decision": decision, "reason": reason})
    assert response.status_code in (302, 404)
    pending.refresh_from_db()
    return pending


def opens_for(user, report) -> bool:
    try:
        identity.open_identity(keyring_of(user), report, user)
    except identity.IdentityError:
        return False
    return True


# --- the request ---------------------------------------------------------------------------------


def test_request_with_a_reason_is_pending(staff, case):
    request_via_web(staff, case)
    pending = IdentityRequest.objects.get()
    assert (pending.state, pending.requester_id) == ("pending", staff["penelaah"].pk)


def test_request_reason_is_sealed_under_the_report_key_and_to_each_custodian(staff, case):
    request_via_web(staff, case)
    pending = IdentityRequest.objects.get()
    assert REASON.encode() not in bytes(pending.reason_ct)
    notes = {n.custodian.username: bytes(n.sealed) for n in pending.notes.all()}
    assert sorted(notes) == ["inspektur", "kustodian", "pj"]
    assert all(REASON.encode() not in blob for blob in notes.values())


def test_request_without_a_reason_is_refused(staff, case):
    request_via_web(staff, case, reason="")
    assert not IdentityRequest.objects.exists()


def test_second_pending_request_by_the_same_user_is_refused(staff, case):
    request_via_web(staff, case)
    request_via_web(staff, case)
    assert IdentityRequest.objects.count() == 1


def test_anonymous_report_has_no_identity_to_request(staff):
    report, _ = submit(title="Anonim")
    assign(report, staff["penelaah"], staff)
    with pytest.raises(identity.IdentityError):
        identity.request(keyring_of(staff["penelaah"]), report, staff["penelaah"], "x")


def test_a_penelaah_of_another_report_cannot_ask(staff, case):
    with pytest.raises(identity.IdentityError):
        identity.request(
            keyring_of(staff["penelaah_other"]), case["report"], staff["penelaah_other"], "x"
        )


def test_pending_request_opens_nothing(staff, case):
    client = request_via_web(staff, case)
    response = client.post(reverse("cases:identity_view", args=[number(case)]))
    assert response.status_code == 404
    assert IDENTITY_NAME.encode() not in response.content
    assert not opens_for(staff["penelaah"], case["report"])


def test_custodian_queue_shows_the_reason_even_without_the_report_key(staff, case):
    request_via_web(staff, case)
    custodian = staff["custodian"]
    assert not KeyGrant.objects.filter(user=custodian, key_kind="report").exists()
    response = logged_in(custodian).get(reverse("cases:identity_requests"))
    assert response.status_code == 200
    page = response.content.decode()
    assert number(case) in page and REASON in page
    assert IDENTITY_NAME not in page and "Laporan rahasia" not in page


def test_the_requesters_own_queue_does_not_offer_their_request(staff, case):
    request_via_web(staff, case, persona="inspektur")
    response = logged_in(staff["inspektur"]).get(reverse("cases:identity_requests"))
    assert number(case).encode() not in response.content


# --- the decision ------------------------------------------------------------------------------


def test_one_approval_is_not_enough(staff, case):
    request_via_web(staff, case)
    pending = decide_via_web(staff, "custodian", "approve")
    assert pending.state == "pending"
    assert pending.decisions.get().released_share
    assert not opens_for(staff["penelaah"], case["report"])


def test_k_approvals_release_the_identity_to_the_requester(staff, case):
    client = request_via_web(staff, case)
    decide_via_web(staff, "custodian", "approve")
    pending = decide_via_web(staff, "pj", "approve")
    assert pending.state == "approved" and pending.decided_by_id == staff["pj"].pk
    response = client.post(reverse("cases:identity_view", args=[number(case)]))
    assert response.status_code == 200
    assert IDENTITY_NAME.encode() in response.content


def test_after_release_nobody_else_opens_the_identity(staff, case):
    request_via_web(staff, case)
    decide_via_web(staff, "custodian", "approve")
    decide_via_web(staff, "pj", "approve")
    for persona in ("custodian", "pj", "inspektur", "verifikator"):
        assert not opens_for(staff[persona], case["report"])
        with pytest.raises(NoAccess):
            sealing.open_identity(keyring_of(staff[persona]), case["report"])
    # No whole identity key was sealed to any person.
    assert not KeyGrant.objects.filter(key_kind="identity", user__isnull=False).exists()


def test_the_requester_may_not_decide_their_own_request(staff, case):
    request_via_web(staff, case, persona="inspektur")
    pending = IdentityRequest.objects.get()
    with pytest.raises(identity.IdentityError):
        identity.decide(
            keyring_of(staff["inspektur"]), pending, staff["inspektur"], approve=True, reason="x"
        )
    decide_via_web(staff, "inspektur", "approve")
    assert not pending.decisions.exists()


def test_a_custodian_requester_needs_k_other_custodians(staff, case):
    request_via_web(staff, case, persona="inspektur")
    pending = decide_via_web(staff, "custodian", "approve")
    assert pending.state == "pending"
    pending = decide_via_web(staff, "pj", "approve")
    assert pending.state == "approved"
    assert opens_for(staff["inspektur"], case["report"])


def test_only_a_custodian_may_decide(staff, case):
    request_via_web(staff, case)
    pending = IdentityRequest.objects.get()
    for persona in ("verifikator", "penelaah_other", "admin"):
        with pytest.raises(identity.IdentityError):
            identity.decide(
                keyring_of(staff[persona]), pending, staff[persona], approve=True, reason="x"
            )
    assert not pending.decisions.exists()


def test_a_custodian_decides_once(staff, case):
    request_via_web(staff, case)
    decide_via_web(staff, "custodian", "approve")
    pending = IdentityRequest.objects.get()
    with pytest.raises(identity.IdentityError):
        identity.decide(
            keyring_of(staff["custodian"]), pending, staff["custodian"], approve=True, reason="x"
        )
    assert pending.decisions.count() == 1


def test_one_refusal_ends_the_request(staff, case):
    request_via_web(staff, case)
    decide_via_web(staff, "custodian", "approve")
    pending = decide_via_web(staff, "pj", "deny")
    assert pending.state == "denied"
    pending = decide_via_web(staff, "inspektur", "approve")
    assert pending.state == "denied" and pending.decisions.count() == 2
    assert not opens_for(staff["penelaah"], case["report"])


def test_the_requester_reads_the_custodians_reasons(staff, case):
    client = request_via_web(staff, case)
    decide_via_web(staff, "custodian", "deny", reason="ALASAN-TOLAK-Q7")
    page = client.get(reverse("cases:case", args=[number(case)])).content.decode()
    assert "ALASAN-TOLAK-Q7" in page
    other = logged_in(staff["verifikator"]).get(reverse("cases:case", args=[number(case)]))
    assert b"ALASAN-TOLAK-Q7" not in other.content


def test_a_custodian_who_joined_after_the_report_holds_no_share(staff, case, recovery):
    request_via_web(staff, case)
    late = make_staff("kustodian2", [Role.CUSTODIAN], approve_with=recovery["passphrase"])
    with pytest.raises(identity.IdentityError):
        identity.decide(
            keyring_of(late), IdentityRequest.objects.get(), late, approve=True, reason="x"
        )
    assert not IdentityDecision.objects.exists()


# --- insiders and forged rows ------------------------------------------------------------------


def test_a_role_written_into_the_database_decides_nothing(staff, case):
    """An administrator (or SQL) gives themself the custodian role: without a signed listing,
    their decision is refused and no share is released."""
    request_via_web(staff, case)
    forger = make_staff("penyusup", [Role.CUSTODIAN])
    pending = IdentityRequest.objects.get()
    with pytest.raises(identity.IdentityError):
        identity.decide(keyring_of(forger), pending, forger, approve=True, reason="x")


def test_a_forged_listing_is_refused_and_raises_the_alarm(staff, case):
    request_via_web(staff, case)
    forger = make_staff("penyusup", [Role.CUSTODIAN])
    genuine = RecipientListing.objects.filter(scope="custodian").first()
    RecipientListing.objects.create(
        user=forger,
        scope="custodian",
        public_key=forger.keypair.public_key,
        signer=genuine.signer,
        signature=genuine.signature,
    )
    pending = IdentityRequest.objects.get()
    with pytest.raises(identity.IdentityError):
        identity.decide(keyring_of(forger), pending, forger, approve=True, reason="x")
    assert AuditEvent.objects.filter(verb="security.listing_invalid").exists()
    assert Alert.objects.filter(verb="security.listing_invalid", recipient=staff["inspektur"])


def test_a_state_set_to_approved_by_sql_opens_nothing(staff, case):
    """A database writer marks the request approved and invents approvals: no share is real."""
    request_via_web(staff, case)
    pending = IdentityRequest.objects.get()
    requester_key = bytes(staff["penelaah"].keypair.public_key)
    for persona in ("custodian", "pj"):
        IdentityDecision.objects.create(
            request=pending,
            custodian=staff[persona],
            approved=True,
            released_share=crypto.seal(requester_key, b'{"report": "x"}'),
            note=b"",
            decided_on=pending.created_on,
        )
    IdentityRequest.objects.filter(pk=pending.pk).update(state="approved")
    assert not opens_for(staff["penelaah"], case["report"])


def test_shares_released_for_one_request_do_not_open_another(staff, case):
    request_via_web(staff, case)
    first = IdentityRequest.objects.get()
    approve_identity(first, [staff["custodian"], staff["pj"]])
    released = [bytes(d.released_share) for d in first.decisions.all()]
    second = IdentityRequest.objects.create(
        report=case["report"],
        requester=staff["penelaah"],
        created_on=first.created_on,
        reason_ct=first.reason_ct,
    )
    with pytest.raises(shares.ShareError):
        shares.combine(keyring_of(staff["penelaah"]), case["report"], second.pk, released)


def test_one_share_and_a_copy_of_it_do_not_make_the_key(staff, case):
    request_via_web(staff, case)
    row = IdentityRequest.objects.get()
    decide_via_web(staff, "custodian", "approve")
    blob = bytes(row.decisions.get().released_share)
    with pytest.raises(shares.ShareError):
        shares.combine(keyring_of(staff["penelaah"]), case["report"], row.pk, [blob, blob])


def test_a_custodians_share_alone_opens_nothing(staff, case):
    keyring = keyring_of(staff["custodian"])
    with pytest.raises(NoAccess):
        sealing.open_identity(keyring, case["report"])
    blob = KeyGrant.objects.get(user=staff["custodian"], key_kind="share").sealed_key
    share = crypto.unseal(keyring.private_key(), blob)
    assert IDENTITY_NAME.encode() not in share and len(share) < 400


# --- audit and alerts --------------------------------------------------------------------------


def test_every_step_is_audited_in_order(staff, case):
    client = request_via_web(staff, case)
    decide_via_web(staff, "custodian", "approve")
    decide_via_web(staff, "pj", "approve")
    client.post(reverse("cases:identity_view", args=[number(case)]))
    events = AuditEvent.objects.filter(verb__startswith="identity.").order_by("id")
    assert [(e.verb, e.actor.username) for e in events] == [
        ("identity.requested", "penelaah"),
        ("identity.approved", "kustodian"),
        ("identity.released", "pj"),
        ("identity.viewed", "penelaah"),
    ]
    assert all(e.target_id == str(case["report"].pk) for e in events)


def test_every_step_alerts_the_inspektur_and_the_custodians(staff, case):
    request_via_web(staff, case)
    decide_via_web(staff, "custodian", "deny")
    for persona in ("inspektur", "pj", "custodian"):
        verbs = set(Alert.objects.filter(recipient=staff[persona]).values_list("verb", flat=True))
        assert {"identity.requested", "identity.denied"} <= verbs
    assert not Alert.objects.filter(recipient=staff["admin"]).exists()


def test_alerts_hold_no_reason_and_no_identity(staff, case):
    request_via_web(staff, case)
    page = logged_in(staff["pj"]).get(reverse("accounts:alerts")).content.decode()
    assert "identitas" in page.lower() or "identity" in page.lower()
    assert REASON not in page and IDENTITY_NAME not in page


# --- the reporter is told (if the installation says so) ---------------------------------------


def _reporter_page(case) -> str:
    client = Client()
    client.post(reverse("intake:status_login"), {"access_code": case["receipt"].access_code})
    response = client.get(reverse("intake:status_report"))
    assert response.status_code == 200
    return response.content.decode()


def _step_text(k=2, msgid=STEP) -> str:
    with translation.override("id"):
        text = translation.gettext(msgid)
        return escape(text % {"k": k} if "%(k)d" in msgid else text)


@pytest.mark.parametrize("shown", [True, False])
def test_reporter_sees_the_release_only_if_configured(staff, case, shown):
    profile = OrganisationProfile.get()
    profile.show_identity_release_to_reporter = shown
    profile.save()
    request_via_web(staff, case)
    approve_identity(IdentityRequest.objects.get(), [staff["custodian"], staff["pj"]])
    page = _reporter_page(case)
    assert (_step_text() in page) is shown
    assert (_step_text(msgid=ASKED) in page) is shown
    assert _step_text(msgid=REFUSED) not in page


def test_reporter_sees_the_request_then_the_refusal(staff, case):
    request_via_web(staff, case)
    page = _reporter_page(case)
    assert _step_text(msgid=ASKED) in page
    assert _step_text() not in page and _step_text(msgid=REFUSED) not in page
    decide_via_web(staff, "custodian", "deny")
    page = _reporter_page(case)
    steps = page[page.index('class="identity-steps"') :]
    assert steps.index(_step_text(msgid=ASKED)) < steps.index(_step_text(msgid=REFUSED))
    assert _step_text() not in page


def test_release_step_is_translated_to_indonesian():
    for msgid in (STEP, ASKED, REFUSED):
        assert po_catalog("id").get(msgid), f"{msgid!r} has no Indonesian msgstr"

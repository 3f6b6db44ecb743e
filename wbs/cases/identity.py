"""Opening a reporter's identity: nobody holds a standing identity key. A handler of the report
asks with a reason; the identity custodians other than the requester decide; each approval
releases that custodian's share of the identity key to the requester (wbs.vault.shares), and
once k custodians have approved, the requester's session combines the shares and reads the
identity. One refusal ends the request. Every step is audited and alerted (content-free) to
the custodians and Inspekturs; the reporter sees the steps on the status page where the
installation says so."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wbs.accounts.alerts import alert
from wbs.accounts.models import Role
from wbs.audit import log
from wbs.directory.models import OrganisationProfile
from wbs.vault import listings, shares
from wbs.vault.keyring import NoAccess

from . import recipients, sealing
from .models import CustodianNote, IdentityDecision, IdentityRequest, Report
from .services import may_write


class IdentityError(Exception):
    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def request(keyring, report: Report, user, reason: str) -> IdentityRequest:
    """A handler of the report asks for the reporter's identity. Side effects: the request
    (reason sealed under the report key, and to each custodian), an audit event, alerts."""
    if not report.identity:
        raise IdentityError(_("This report was sent anonymously: there is no identity to release."))
    if not keyring.holds(report.pk) or not may_write(user, report):
        raise IdentityError(_("Only a handler of this report may ask for the identity."))
    if listings.listed_key(user) is None:
        raise IdentityError(_("Your key is not listed: an Inspektur must approve your role."))
    if report.identity_requests.filter(
        requester=user, state=IdentityRequest.State.PENDING
    ).exists():
        raise IdentityError(_("You have a pending request already."))
    with transaction.atomic():
        row = IdentityRequest(report=report, requester=user, created_on=timezone.localdate())
        row.reason.seal(keyring, reason)
        row.save(force_insert=True)
        CustodianNote.objects.bulk_create(
            CustodianNote(
                request=row, custodian_id=pk, sealed=shares.seal_note(key, row.pk, reason)
            )
            for pk, key in recipients.custodians().items()
            if pk != user.pk
        )
        alert("identity.requested", actor=user, target=report, payload={"request": str(row.pk)})
    return row


def _approvals(row) -> list[IdentityDecision]:
    return list(row.decisions.filter(approved=True).exclude(custodian_id=row.requester_id))


def decide(keyring, row: IdentityRequest, custodian, *, approve: bool, reason: str):
    """A custodian other than the requester decides. Approving releases their share to the
    requester; the k-th approval releases the identity. A refusal ends the request."""
    if not custodian.has_role(Role.CUSTODIAN) or custodian.pk not in recipients.custodians():
        raise IdentityError(_("Only a listed identity custodian may decide."))
    if custodian.pk == row.requester_id:
        raise IdentityError(_("Custodians other than you must decide on your own request."))
    requester_key = listings.listed_key(row.requester)
    if requester_key is None:
        raise IdentityError(_("The requester's key is no longer listed."))
    with transaction.atomic():
        # Row lock: two custodians deciding at once each see the other's decision.
        row = IdentityRequest.objects.select_for_update().select_related("report").get(pk=row.pk)
        if row.state != IdentityRequest.State.PENDING:
            raise IdentityError(_("This request has been decided already."))
        if row.decisions.filter(custodian=custodian).exists():
            raise IdentityError(_("You have decided on this request already."))
        released = None
        if approve:
            try:
                released = shares.release(keyring, row.report, row.pk, requester_key)
            except NoAccess:
                raise IdentityError(_("You hold no share of this report's identity key.")) from None
        today = timezone.localdate()
        IdentityDecision.objects.create(
            request=row,
            custodian=custodian,
            approved=approve,
            released_share=released,
            note=shares.seal_note(requester_key, row.pk, reason),
            decided_on=today,
        )
        verb = "identity.approved" if approve else "identity.denied"
        if not approve:
            row.state = IdentityRequest.State.DENIED
            # The shares released so far go: a refusal ends the request for good.
            row.decisions.exclude(released_share=None).update(released_share=None)
        elif len(_approvals(row)) >= settings.WBS_IDENTITY_QUORUM:
            row.state, verb = IdentityRequest.State.APPROVED, "identity.released"
        if row.state != IdentityRequest.State.PENDING:
            row.decided_by, row.decided_on = custodian, today
            row.save()
        alert(verb, actor=custodian, target=row.report, payload={"request": str(row.pk)})
    return row


def open_identity(keyring, report: Report, user):
    """The identity for the requester of an approved request: the released shares combine in
    this keyring (for this request only). Raises IdentityError otherwise. Audited."""
    row = report.identity_requests.filter(
        requester=user, state=IdentityRequest.State.APPROVED
    ).first()
    if row is None:
        raise IdentityError(_("The identity opens only after an approved request."))
    # A share cleared (a refusal) under a state written by SQL is no share.
    released = [bytes(d.released_share) for d in _approvals(row) if d.released_share]
    try:
        shares.combine(keyring, report, row.pk, released)
        identity = sealing.open_identity(keyring, report)
    except (shares.ShareError, NoAccess, ValueError):
        raise IdentityError(_("The released shares do not open this identity.")) from None
    log.record(verb="identity.viewed", actor=user, target=report, payload={"request": str(row.pk)})
    return identity


def panel(keyring, report: Report, user) -> dict:
    """What the case page shows of identity release for `user`."""
    has_identity = bool(report.identity)
    requests = list(
        report.identity_requests.select_related("requester", "decided_by").prefetch_related(
            "decisions__custodian"
        )
    )
    readable = keyring.holds(report.pk)
    rows = [
        {
            "row": r,
            "reason": r.reason.open(keyring) if readable else None,
            "decisions": list(r.decisions.all()),
            "notes": [shares.open_note(keyring, r.pk, d.note) for d in r.decisions.all()]
            if r.requester_id == user.pk
            else [],
        }
        for r in requests
    ]
    pending_mine = any(r.requester_id == user.pk and r.state == "pending" for r in requests)
    released_to_me = any(r.requester_id == user.pk and r.state == "approved" for r in requests)
    return {
        "has_identity": has_identity,
        "requests": rows,
        "released_to_me": released_to_me,
        "quorum": settings.WBS_IDENTITY_QUORUM,
        "can_request": has_identity
        and readable
        and not pending_mine
        and not released_to_me
        and may_write(user, report),
    }


def queue_for(keyring, custodian) -> list[dict]:
    """Pending requests a custodian may decide, with the reason sealed to them."""
    pending = (
        IdentityRequest.objects.filter(state=IdentityRequest.State.PENDING)
        .exclude(requester=custodian)
        .exclude(decisions__custodian=custodian)
        .select_related("report", "requester")
        .order_by("created_on")
    )
    notes = dict(
        CustodianNote.objects.filter(request__in=pending, custodian=custodian).values_list(
            "request_id", "sealed"
        )
    )
    return [
        {
            "row": r,
            "reason": shares.open_note(keyring, r.pk, notes[r.pk]) if r.pk in notes else None,
            "approvals": len(_approvals(r)),
        }
        for r in pending
    ]


def reporter_steps(report: Report) -> list[dict]:
    """What the reporter's status page says of identity requests, where the installation tells
    reporters (OrganisationProfile.show_identity_release_to_reporter): each request, refusal and
    release with its date, from the requests' states alone (no key is needed, and nothing sealed
    is shown)."""
    if not report.identity or not OrganisationProfile.get().show_identity_release_to_reporter:
        return []
    k = settings.WBS_IDENTITY_QUORUM
    steps = []
    for row in report.identity_requests.order_by("created_on"):
        steps.append(
            {
                "on": row.created_on,
                "text": _(
                    "An officer handling your report asked, with a reason, for your identity "
                    "to be opened; %(k)d identity custodians other than that officer must "
                    "each approve."
                )
                % {"k": k},
            }
        )
        if row.state == IdentityRequest.State.DENIED:
            steps.append(
                {
                    "on": row.decided_on,
                    "text": _(
                        "An identity custodian refused the request: your identity stays sealed."
                    ),
                }
            )
        elif row.state == IdentityRequest.State.APPROVED:
            steps.append(
                {
                    "on": row.decided_on,
                    "text": _(
                        "Your identity was opened for an officer handling your report, after "
                        "%(k)d identity custodians approved the officer's reasoned request."
                    )
                    % {"k": k},
                }
            )
    return steps

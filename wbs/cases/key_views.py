"""The Tim WBS's pages that move keys: identity requests and their decisions by the
custodians, the identity view for the requester, and role approvals signed with the
Inspektur's key (or the recovery passphrase).

Every view is behind staff_required (password + TOTP + keyring); reports are fetched through
inbox.report_for(), which gives 404 to anyone who may not see the report.
"""

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from wbs.accounts import services as accounts_services
from wbs.accounts.decorators import staff_required
from wbs.accounts.models import Role, RoleRequest

from . import forms as case_forms
from . import identity, inbox, roles
from .models import IdentityRequest

# --- identity release ------------------------------------------------------------------------

HANDLERS = (Role.VERIFIKATOR, Role.PENELAAH, Role.INSPEKTUR)


@staff_required(*HANDLERS)
@require_POST
def identity_request(request, number):
    report = inbox.report_for(request, number, need_key=True)
    form = case_forms.IdentityRequestForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason for the request."))
        return redirect("cases:case", number=report.registration_number)
    try:
        identity.request(request.keyring, report, request.user, form.cleaned_data["reason"])
    except identity.IdentityError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Your request has been sent to the identity custodians."))
    return redirect("cases:case", number=report.registration_number)


@staff_required(Role.CUSTODIAN)
@require_GET
def identity_requests(request):
    """The custodian's queue: requests waiting for their decision, with the reason."""
    return render(
        request,
        "cases/identity_requests.html",
        {
            "pending": identity.queue_for(request.keyring, request.user),
            "form": case_forms.IdentityDecisionForm(),
            "quorum": settings.WBS_IDENTITY_QUORUM,
        },
    )


@staff_required(Role.CUSTODIAN)
@require_POST
def identity_decide(request, request_id):
    row = get_object_or_404(IdentityRequest.objects.exclude(requester=request.user), pk=request_id)
    form = case_forms.IdentityDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a decision and give its reason."))
        return redirect("cases:identity_requests")
    try:
        identity.decide(
            request.keyring,
            row,
            request.user,
            approve=form.cleaned_data["decision"] == "approve",
            reason=form.cleaned_data["reason"],
        )
    except identity.IdentityError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Your decision has been recorded."))
    return redirect("cases:identity_requests")


@staff_required(*HANDLERS)
@require_POST
def identity_view(request, number):
    """The reporter's identity, for the requester of an approved request (audited)."""
    report = inbox.report_for(request, number, need_key=True)
    try:
        opened = identity.open_identity(request.keyring, report, request.user)
    except identity.IdentityError:
        raise Http404 from None
    return render(request, "cases/identity.html", {"report": report, "identity": opened})


# --- roles approved with the Inspektur's key ----------------------------------------------------


@staff_required(Role.INSPEKTUR)
@require_GET
def role_requests(request):
    return render(
        request,
        "cases/role_requests.html",
        {
            "pending": roles.with_fingerprints(roles.pending()),
            "root_pending": roles.with_fingerprints(roles.pending(RoleRequest.Decider.ROOT)),
            "root_form": case_forms.RootApprovalForm(),
        },
    )


@staff_required(Role.INSPEKTUR)
@require_POST
def role_request_decide(request, pk):
    row = get_object_or_404(roles.pending(decider=None), pk=pk)
    decision = request.POST.get("decision")
    fingerprint = request.POST.get("fingerprint", "")  # the one the page showed
    try:
        if decision == "approve_root":
            form = case_forms.RootApprovalForm(request.POST)
            passphrase = form.cleaned_data["passphrase"] if form.is_valid() else ""
            written = roles.approve_with_recovery(
                passphrase, row, fingerprint=fingerprint, acting=request.user
            )
            messages.success(
                request, _("Approved: %(n)d report keys sealed to them.") % {"n": written}
            )
        elif decision == "approve" and row.decider == RoleRequest.Decider.INSPEKTUR:
            sealed, missing = roles.approve(
                row, request.user, request.keyring, fingerprint=fingerprint
            )
            messages.success(
                request,
                _("Approved: %(n)d report keys sealed to them.") % {"n": sealed}
                + (
                    " "
                    + _(
                        "%(m)d open reports you cannot open yourself were left out: re-issue "
                        "them with Key recovery."
                    )
                    % {"m": missing}
                    if missing
                    else ""
                ),
            )
        elif decision == "deny":
            roles.deny(row, request.user)
            messages.success(request, _("The request has been denied."))
        else:
            messages.error(request, _("Choose a decision."))
    except roles.ApprovalError as exc:
        messages.error(request, exc.message)
    except accounts_services.RoleError as exc:
        messages.error(request, exc.message)
    return redirect("cases:role_requests")

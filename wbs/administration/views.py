"""The administrator's own screens: users and roles (two-person rule for case roles given to an
administrator), organisation profile and policies, retention and legal hold, system health; and
the Inspektur's key re-issue after a lost password. Master data tables (OPD, wilayah mapping,
categories, deadlines, holiday overrides, message templates) are edited in the Django admin at
/staf/admin/, linked from here. Nothing here shows report content."""

import datetime

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from wbs.accounts import services as accounts
from wbs.accounts.decorators import staff_required
from wbs.accounts.models import RECEIVING_ROLES, Role, RoleAssignment, RoleRequest
from wbs.accounts.pages import form_page
from wbs.audit import log
from wbs.cases import retention
from wbs.cases.inbox import visible_reports
from wbs.cases.models import Report
from wbs.directory import workdays
from wbs.directory.models import HolidayOverride, OrganisationProfile
from wbs.vault import listings, recovery

from . import forms, health

ADMIN = Role.ADMIN


@staff_required(ADMIN)
@require_GET
def index(request):
    return render(
        request,
        "administration/index.html",
        {
            "pending": RoleRequest.objects.filter(state="pending").count(),
        },
    )


@staff_required(ADMIN)
@require_GET
def users(request):
    people = (
        get_user_model()
        .objects.filter(kind="staff")
        .prefetch_related(Prefetch("role_assignments", queryset=RoleAssignment.objects.all()))
        .select_related("wilayah", "keypair")
        .order_by("username")
    )
    with_totp = set(TOTPDevice.objects.filter(confirmed=True).values_list("user_id", flat=True))
    rows = [
        {
            "user": u,
            "roles": [a.get_role_display() for a in u.role_assignments.all()],
            "totp": u.pk in with_totp,
        }
        for u in people
    ]
    return render(
        request,
        "administration/users.html",
        {
            "rows": rows,
            "requests": RoleRequest.objects.filter(state="pending").select_related(
                "user", "requested_by"
            ),
        },
    )


@staff_required(ADMIN)
@require_http_methods(["GET", "POST"])
def user_new(request):
    form = forms.NewUserForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        password = accounts.temporary_password()
        with transaction.atomic():
            user = accounts.create_staff_user(
                username=data["username"],
                password=password,
                roles=[],
                full_name=data["full_name"],
                email=data["email"],
                nip=data["nip"],
                jabatan=data["jabatan"],
                pangkat=data["pangkat"],
                wilayah=data["wilayah"],
                created_by=request.user,
            )
            # The password shown works once: the person chooses their own at the first
            # log-in, and every role waits for its decider (accounts.services).
            outcomes = {
                role: accounts.add_role(user, role, acting=request.user) for role in data["roles"]
            }
        return render(
            request,
            "administration/password_shown.html",
            {
                "person": user,
                "password": password,
                "requested": [Role(r).label for r, o in outcomes.items() if o == "requested"],
            },
        )
    return form_page(request, "administration/user_form.html", {"form": form, "new": True})


def _staff_user(pk):
    return get_object_or_404(get_user_model(), pk=pk, kind="staff")


@staff_required(ADMIN)
@require_http_methods(["GET", "POST"])
def user_edit(request, pk):
    person = _staff_user(pk)
    form = forms.UserForm(request.POST or None, instance=person)
    if request.method == "POST" and form.is_valid():
        changed = form.changed_data
        form.save()
        if "is_active" in changed and not person.is_active:
            accounts.deactivated(person, acting=request.user)
        elif "is_active" in changed:
            accounts.reactivated(person, acting=request.user)
        accounts.changed(person, changed, acting=request.user)
        messages.success(request, _("Saved."))
        if "is_active" in changed and person.is_active:
            messages.warning(
                request,
                _(
                    "The account is on again, without keys: its case roles wait for an "
                    "Inspektur's approval after the person's next log-in."
                ),
            )
        return redirect("administration:user_edit", pk=person.pk)
    return form_page(
        request,
        "administration/user_form.html",
        {
            "form": form,
            "person": person,
            "role_form": forms.RoleForm(),
            "roles": person.role_assignments.all(),
        },
    )


@staff_required(ADMIN)
@require_POST
def user_role(request, pk):
    person = _staff_user(pk)
    form = forms.RoleForm(request.POST)
    if form.is_valid():
        role = form.cleaned_data["role"]
        if request.POST.get("remove"):
            accounts.remove_role(person, role, acting=request.user)
            messages.success(request, _("Role removed."))
        else:
            try:
                outcome = accounts.add_role(person, role, acting=request.user)
            except accounts.RoleError as exc:
                messages.error(request, exc.message)
                return redirect("administration:user_edit", pk=person.pk)
            messages.success(
                request,
                {
                    "added": _("Role added."),
                    "exists": _("The user has this role already."),
                    "requested": _(
                        "The role waits for its approval: a case role for an Inspektur's key, "
                        "the Inspektur role for the recovery passphrase, the Administrator "
                        "role for a second administrator."
                    ),
                }[outcome],
            )
    return redirect("administration:user_edit", pk=person.pk)


@staff_required(ADMIN)
@require_POST
def role_request_decide(request, pk):
    row = get_object_or_404(RoleRequest, pk=pk, decider=RoleRequest.Decider.ADMIN)
    try:
        accounts.decide_role_request(
            row,
            acting=request.user,
            approve=request.POST.get("decision") == "approve",
            decider=RoleRequest.Decider.ADMIN,
        )
    except accounts.RoleError as exc:
        messages.error(request, exc.message)
    return redirect("administration:users")


@staff_required(ADMIN)
@require_POST
def user_reset_password(request, pk):
    person = _staff_user(pk)
    password = accounts.reset_password(person, acting=request.user)
    return render(
        request,
        "administration/password_shown.html",
        {"person": person, "password": password, "reset": True},
    )


@staff_required(ADMIN)
@require_POST
def user_reset_totp(request, pk):
    person = _staff_user(pk)
    accounts.reset_totp(person, acting=request.user)
    messages.success(
        request, _("The authenticator app was reset; the user enrols a new one at the next log-in.")
    )
    return redirect("administration:user_edit", pk=person.pk)


@staff_required(ADMIN)
@require_POST
def user_end_sessions(request, pk):
    person = _staff_user(pk)
    accounts.end_sessions(person, acting=request.user)
    messages.success(request, _("All sessions of this user have been ended."))
    return redirect("administration:user_edit", pk=person.pk)


@staff_required(ADMIN)
@require_http_methods(["GET", "POST"])
def settings_view(request):
    profile = OrganisationProfile.get()
    form = forms.ProfileForm(request.POST or None, request.FILES or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        form.save()
        log.record(
            verb="settings.changed", actor=request.user, payload={"fields": form.changed_data}
        )
        messages.success(request, _("Saved."))
        return redirect("administration:settings")
    return form_page(request, "administration/settings.html", {"form": form})


@staff_required(ADMIN)
@require_http_methods(["GET", "POST"])
def retention_view(request):
    hold_form = forms.LegalHoldForm(request.POST if "hold" in request.POST else None)
    purge_form = forms.PurgeForm(request.POST if "confirm" in request.POST else None)
    if request.method == "POST" and hold_form.is_bound and hold_form.is_valid():
        report = Report.objects.filter(
            registration_number__iexact=hold_form.cleaned_data["registration_number"].strip()
        ).first()
        if report is None:
            hold_form.add_error("registration_number", _("No report has this number."))
        else:
            retention.set_legal_hold(
                report,
                hold=hold_form.cleaned_data["hold"],
                reason=hold_form.cleaned_data["reason"],
                actor=request.user,
            )
            messages.success(request, _("Saved."))
            return redirect("administration:retention")
    if request.method == "POST" and purge_form.is_bound and purge_form.is_valid():
        count = retention.purge_expired(actor=request.user)
        messages.success(
            request,
            ngettext("%(n)d report destroyed.", "%(n)d reports destroyed.", count) % {"n": count},
        )
        return redirect("administration:retention")
    return form_page(
        request,
        "administration/retention.html",
        {
            "profile": OrganisationProfile.get(),
            "cutoff": retention.cutoff(),
            "expired": retention.expired().count(),
            "held": Report.objects.filter(legal_hold=True).only(
                "registration_number", "legal_hold_reason", "closed_on"
            ),
            "hold_form": hold_form,
            "purge_form": purge_form,
        },
    )


@staff_required(ADMIN)
@require_GET
def health_view(request):
    return render(request, "administration/health.html", {"checks": health.run_checks()})


@staff_required(ADMIN)
@require_GET
def holidays(request):
    try:
        year = int(request.GET.get("tahun", ""))
    except ValueError:
        year = datetime.date.today().year
    year = min(max(year, 2000), 2100)
    days = [datetime.date(year, 1, 1) + datetime.timedelta(i) for i in range(366)]
    rows = [
        {"date": d, "name": workdays.holiday_name(d)}
        for d in days
        if d.year == year and workdays.holiday_name(d)
    ]
    working = sum(1 for d in days if d.year == year and workdays.is_working_day(d))
    return render(
        request,
        "administration/holidays.html",
        {
            "year": year,
            "rows": rows,
            "working": working,
            "overrides": HolidayOverride.objects.filter(date__year=year),
        },
    )


@staff_required(Role.INSPEKTUR)
@require_http_methods(["GET", "POST"])
def regrant(request):
    """After a lost password the staff member has a new key pair: the Inspektur re-issues the
    keys they should hold from the recovery key's copies (passphrase needed; audited)."""
    form = forms.RegrantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        person = form.cleaned_data["user"]
        if listings.listed_key(person) is None:
            form.add_error(
                "user",
                _(
                    "This person is not listed for any key role: an Inspektur must approve "
                    "their role first (Role approvals); the approval gives them their keys."
                ),
            )
            return form_page(request, "administration/regrant.html", {"form": form})
        if person.roles & RECEIVING_ROLES:
            ids = Report.objects.values_list("pk", flat=True)
        else:
            ids = visible_reports(person).values_list("pk", flat=True)
        written = recovery.regrant_from_recovery(form.cleaned_data["passphrase"], person, ids)
        if written is None:
            form.add_error("passphrase", _("The recovery passphrase is not correct."))
            log.record(verb="recovery.failed", actor=request.user, target=person)
        else:
            log.record(
                verb="recovery.regranted",
                actor=request.user,
                target=person,
                payload={"grants": written},
            )
            messages.success(
                request,
                ngettext("%(n)d key re-issued.", "%(n)d keys re-issued.", written) % {"n": written},
            )
            return redirect("administration:regrant")
    return form_page(request, "administration/regrant.html", {"form": form})

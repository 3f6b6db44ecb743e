from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language
from django.views.decorators.http import require_GET, require_http_methods

from wbs.accounts.decorators import staff_required
from wbs.accounts.models import Role
from wbs.cases import versioning
from wbs.directory.models import OrganisationProfile

from . import dashboard
from .forms import DashboardFilterForm

FIGURE_ROLES = (Role.INSPEKTUR, Role.PENANGGUNG_JAWAB, Role.PEMBINA)


def must_suppress(user) -> bool:
    """The Pembina sees aggregated figures with small counts hidden; the Inspektur and the
    Penanggung Jawab see exact counts."""
    return not user.has_role(Role.INSPEKTUR, Role.PENANGGUNG_JAWAB)


@staff_required(*FIGURE_ROLES)
@require_GET
def dashboard_view(request):
    form = DashboardFilterForm(request.GET or None)
    profile = OrganisationProfile.get()
    filters = form.filters()
    suppress = must_suppress(request.user)
    key = (
        f"dashboard:{get_language()}:{timezone.localdate()}:{suppress}:"
        f"{profile.small_count_threshold}:{filters}"
    )
    data = versioning.cached(
        key,
        lambda: dashboard.build(
            filters, suppress=suppress, threshold=profile.small_count_threshold
        ),
    )
    return render(request, "monitoring/dashboard.html", {"form": form, "d": data})


def _file_response(content: bytes, filename: str, content_type: str):
    from django.http import HttpResponse
    from django.utils.http import content_disposition_header

    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response


PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@staff_required(Role.INSPEKTUR, Role.PENANGGUNG_JAWAB)
@require_GET
def recap(request):
    from . import services

    form = DashboardFilterForm(request.GET or None)
    fmt = "xlsx" if request.GET.get("format") == "xlsx" else "pdf"
    content, filename = services.recap(form.filters(), fmt=fmt, user=request.user)
    return _file_response(content, filename, PDF if fmt == "pdf" else XLSX)


@staff_required(Role.INSPEKTUR, Role.PENANGGUNG_JAWAB, Role.VERIFIKATOR)
@require_http_methods(["GET", "POST"])
def register(request):
    from django import forms as dj_forms
    from django.utils.translation import gettext_lazy as _

    from . import services

    class RegisterForm(DashboardFilterForm):
        include_text = dj_forms.BooleanField(
            label=_(
                "Include the title and description of reports I hold the key to "
                "(recorded in the audit trail)"
            ),
            required=False,
        )

    if request.method == "POST":
        form = RegisterForm(request.POST)
        if form.is_valid():
            content, filename = services.register(
                form.filters(),
                user=request.user,
                keyring=request.keyring,
                include_text=form.cleaned_data["include_text"],
            )
            return _file_response(content, filename, XLSX)
    else:
        form = RegisterForm(initial=request.GET.dict())
    return render(request, "monitoring/register.html", {"form": form})

"""Figures, exports, case documents and the audit trail for the people who answer for them.

Every view is behind staff_required with the roles it names; documents and exports are
produced by wbs.monitoring.services (numbered, audited) and served only as downloads."""

import uuid

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import get_language
from django.views.decorators.http import require_GET, require_http_methods

from wbs.accounts.decorators import staff_required
from wbs.accounts.models import Role
from wbs.audit.models import AuditEvent
from wbs.cases import versioning
from wbs.cases.inbox import CASE_ROLES, report_for
from wbs.cases.models import Report
from wbs.directory.models import OrganisationProfile

from . import audit_labels, dashboard, services
from .forms import AuditFilterForm, DashboardFilterForm, RegisterForm

FIGURE_ROLES = (Role.INSPEKTUR, Role.PENANGGUNG_JAWAB, Role.PEMBINA)
AUDIT_ROLES = (Role.INSPEKTUR, Role.PENANGGUNG_JAWAB, Role.PEMBINA, Role.ADMIN)
PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def must_suppress(user) -> bool:
    """The Pembina sees aggregated figures with small counts hidden; the Inspektur and the
    Penanggung Jawab see exact counts."""
    return not user.has_role(Role.INSPEKTUR, Role.PENANGGUNG_JAWAB)


def file_response(content: bytes, filename: str, content_type: str) -> HttpResponse:
    """A generated document as a download, never rendered from the application's origin."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response


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
    issued = (
        services.issued_recap(filters)
        if request.user.has_role(Role.INSPEKTUR, Role.PENANGGUNG_JAWAB)
        else None
    )
    return render(request, "monitoring/dashboard.html", {"form": form, "d": data, "issued": issued})


@staff_required(Role.INSPEKTUR, Role.PENANGGUNG_JAWAB)
@require_http_methods(["GET", "POST"])
def recap(request):
    """GET: the recap (the issued letter if this period has one, else a konsep without a
    number); POST: issue the numbered letter for the period in the query string."""
    form = DashboardFilterForm(request.GET or None)
    fmt = "xlsx" if request.GET.get("format") == "xlsx" else "pdf"
    content, filename = services.recap(
        form.filters(), fmt=fmt, user=request.user, issue=request.method == "POST"
    )
    return file_response(content, filename, PDF if fmt == "pdf" else XLSX)


@staff_required(Role.INSPEKTUR, Role.PENANGGUNG_JAWAB, Role.VERIFIKATOR)
@require_http_methods(["GET", "POST"])
def register(request):
    if request.method == "POST":
        form = RegisterForm(request.POST)
        if form.is_valid():
            content, filename = services.register(
                form.filters(),
                user=request.user,
                keyring=request.keyring,
                include_text=form.cleaned_data["include_text"],
            )
            return file_response(content, filename, XLSX)
    else:
        form = RegisterForm(initial=request.GET.dict())
    return render(request, "monitoring/register.html", {"form": form})


# --- case documents --------------------------------------------------------------------------


def _case_document(request, number, make):
    report = report_for(request, number)
    try:
        content, filename = make(request.keyring, report, request.user)
    except services.NotAvailable:
        raise Http404 from None
    return file_response(content, filename, PDF)


@staff_required(*CASE_ROLES)
@require_GET
def review_document(request, number):
    """The Lembar Telaahan of the approved telaahan."""
    return _case_document(request, number, services.review_document)


@staff_required(*CASE_ROLES)
@require_GET
def result_document(request, number):
    """The Laporan Hasil Pengaduan."""
    return _case_document(request, number, services.result_document)


# --- audit trail -----------------------------------------------------------------------------


def _uuid(value):
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


def _payload_lines(payload: dict) -> list[str]:
    """A payload as short lines; a master-data change as "field: old → new"."""
    lines = []
    for key, value in (payload or {}).items():
        if key == "changes" and isinstance(value, dict):
            lines += [f"{name}: {old or '—'} → {new or '—'}" for name, (old, new) in value.items()]
        else:
            lines.append(f"{key}: {value}")
    return lines


@staff_required(*AUDIT_ROLES)
@require_GET
def audit(request):
    form = AuditFilterForm(request.GET or None)
    qs = AuditEvent.objects.select_related("actor").order_by("-id")
    if form.is_valid():
        data = form.cleaned_data
        if data["verb"].endswith("."):  # a group: every action under it
            qs = qs.filter(verb__startswith=data["verb"])
        elif data["verb"]:
            qs = qs.filter(verb=data["verb"])
        if data["actor"]:
            qs = qs.filter(actor=data["actor"])
        if data["report"]:
            report = Report.objects.filter(registration_number__iexact=data["report"]).first()
            qs = qs.filter(target_type="report", target_id=str(report.pk) if report else "-")
        if data["date_from"]:
            qs = qs.filter(at__date__gte=data["date_from"])
        if data["date_to"]:
            qs = qs.filter(at__date__lte=data["date_to"])
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    report_ids = {e.target_id for e in page.object_list if e.target_type == "report"}
    numbers = dict(
        Report.objects.filter(pk__in=report_ids).values_list("pk", "registration_number")
    )
    rows = [
        {
            "event": e,
            "number": numbers.get(_uuid(e.target_id)),
            "label": audit_labels.label(e.verb),
            "details": _payload_lines(e.payload),
        }
        for e in page.object_list
    ]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "monitoring/audit.html",
        {"form": form, "page": page, "rows": rows, "query": query.urlencode()},
    )

from django import forms
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from wbs.accounts.decorators import staff_required
from wbs.accounts.models import Role
from wbs.cases.models import Report

from .models import AuditEvent


class AuditFilterForm(forms.Form):
    verb = forms.CharField(label=_("Action"), max_length=60, required=False)
    actor = forms.ModelChoiceField(
        label=_("Who"),
        required=False,
        empty_label=_("— all —"),
        queryset=get_user_model().objects.filter(kind="staff"),
    )
    report = forms.CharField(label=_("Registration number"), max_length=20, required=False)
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


@staff_required(Role.INSPEKTUR, Role.PENANGGUNG_JAWAB, Role.PEMBINA, Role.ADMIN)
@require_GET
def events(request):
    form = AuditFilterForm(request.GET or None)
    qs = AuditEvent.objects.select_related("actor").order_by("-id")
    if form.is_valid():
        data = form.cleaned_data
        if data["verb"]:
            qs = qs.filter(verb__startswith=data["verb"])
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
    rows = [{"event": e, "number": numbers.get(_uuid(e.target_id))} for e in page.object_list]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/events.html",
        {"form": form, "page": page, "rows": rows, "query": query.urlencode()},
    )


def _uuid(value):
    import uuid

    try:
        return uuid.UUID(value)
    except ValueError:
        return None

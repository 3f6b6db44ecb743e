import datetime

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from wbs.directory.forms import ALL, OrganisationFilterForm, date_field

from . import audit_labels
from .figures import Filters


class DashboardFilterForm(OrganisationFilterForm):
    field_order = ["year", "date_from", "date_to", "category", "unit", "wilayah"]

    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)
    date_from = date_field(_("From"))
    date_to = date_field(_("Until"))

    def filters(self) -> Filters:
        if not self.is_bound or not self.is_valid():
            return Filters()
        data = self.cleaned_data
        date_from, date_to = data["date_from"], data["date_to"]
        if data["year"]:
            date_from = date_from or datetime.date(data["year"], 1, 1)
            date_to = date_to or datetime.date(data["year"], 12, 31)
        return Filters(
            date_from=date_from,
            date_to=date_to,
            category_id=data["category"].pk if data["category"] else None,
            unit_id=data["unit"].pk if data["unit"] else None,
            wilayah_id=data["wilayah"].pk if data["wilayah"] else None,
        )


class RegisterForm(DashboardFilterForm):
    include_text = forms.BooleanField(
        label=_(
            "Include the title and description of reports I hold the key to "
            "(recorded in the audit trail)"
        ),
        required=False,
    )


class AuditFilterForm(forms.Form):
    verb = forms.ChoiceField(label=_("Action"), required=False)
    actor = forms.ModelChoiceField(
        label=_("Who"),
        required=False,
        empty_label=ALL,
        queryset=get_user_model().objects.filter(kind="staff"),
    )
    report = forms.CharField(label=_("Registration number"), max_length=20, required=False)
    date_from = date_field(_("From"))
    date_to = date_field(_("Until"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["verb"].choices = [("", ALL), *audit_labels.choices()]

import datetime

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from wbs.directory.models import Category, Unit, Wilayah

from .figures import Filters


class DashboardFilterForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    category = forms.ModelChoiceField(
        label=_("Category"),
        required=False,
        queryset=Category.objects.all(),
        empty_label=_("— all —"),
    )
    unit = forms.ModelChoiceField(
        label=_("Perangkat Daerah"),
        required=False,
        queryset=Unit.objects.all(),
        empty_label=_("— all —"),
    )
    wilayah = forms.ModelChoiceField(
        label=_("Irban area"),
        required=False,
        queryset=Wilayah.objects.all(),
        empty_label=_("— all —"),
    )

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

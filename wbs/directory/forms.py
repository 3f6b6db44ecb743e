"""Form fields that several screens share: filters over organisation data, dates."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Category, Unit, Wilayah

ALL = _("— all —")


def date_field(label, **kwargs) -> forms.DateField:
    """An optional date with the browser's date picker."""
    return forms.DateField(
        label=label, required=False, widget=forms.DateInput(attrs={"type": "date"}), **kwargs
    )


class OrganisationFilterForm(forms.Form):
    """Optional category, Perangkat Daerah and Irban area (the inbox, the dashboard)."""

    category = forms.ModelChoiceField(
        label=_("Category"), required=False, queryset=Category.objects.all(), empty_label=ALL
    )
    unit = forms.ModelChoiceField(
        label=_("Perangkat Daerah"), required=False, queryset=Unit.objects.all(), empty_label=ALL
    )
    wilayah = forms.ModelChoiceField(
        label=_("Irban area"), required=False, queryset=Wilayah.objects.all(), empty_label=ALL
    )

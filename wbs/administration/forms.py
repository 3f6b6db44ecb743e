from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from wbs.accounts.models import CASE_ROLES, Role
from wbs.accounts.services import MSG_SEPARATION
from wbs.directory.models import OrganisationProfile, Wilayah
from wbs.directory.validators import clean_nip


class UserForm(forms.ModelForm):
    class Meta:
        model = get_user_model()
        fields = [
            "username",
            "full_name",
            "email",
            "nip",
            "jabatan",
            "pangkat",
            "wilayah",
            "is_active",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["wilayah"].queryset = Wilayah.objects.all()
        self.fields["email"].help_text = _("For content-free notices that work is waiting.")

    def clean_nip(self):
        return clean_nip(self.cleaned_data.get("nip", ""))

    def clean_wilayah(self):
        wilayah = self.cleaned_data.get("wilayah")
        person = self.instance
        if (
            not wilayah
            and person.pk
            and person.role_assignments.filter(role=Role.PENELAAH).exists()
        ):
            raise forms.ValidationError(_("A Penelaah must belong to an Irban area."))
        return wilayah


class NewUserForm(UserForm):
    roles = forms.MultipleChoiceField(
        label=_("Roles"), choices=Role.choices, required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta(UserForm.Meta):
        fields = ["username", "full_name", "email", "nip", "jabatan", "pangkat", "wilayah"]

    def clean(self):
        data = super().clean()
        roles = set(data.get("roles", []))
        if Role.PENELAAH in roles and not data.get("wilayah"):
            self.add_error("wilayah", _("A Penelaah must belong to an Irban area."))
        if Role.ADMIN in roles and roles & CASE_ROLES:
            self.add_error("roles", MSG_SEPARATION)
        return data


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class ProfileForm(forms.ModelForm):
    class Meta:
        model = OrganisationProfile
        exclude: list[str] = []

    def clean_head_nip(self):
        return clean_nip(self.cleaned_data.get("head_nip", ""))

    def clean_number_pattern(self):
        pattern = self.cleaned_data["number_pattern"]
        try:
            pattern.format(klasifikasi="700", urut=1, unit="ITDA", tahun=2026)
        except (KeyError, ValueError, IndexError):
            raise forms.ValidationError(
                _("Use only {klasifikasi}, {urut}, {unit} and {tahun}.")
            ) from None
        return pattern


class LegalHoldForm(forms.Form):
    registration_number = forms.CharField(label=_("Registration number"), max_length=20)
    hold = forms.TypedChoiceField(
        label=_("Legal hold"),
        coerce=lambda v: v == "on",
        choices=[("on", _("Place on hold")), ("off", _("Release the hold"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(label=_("Reason (case number, letter)"), max_length=255)


class PurgeForm(forms.Form):
    confirm = forms.CharField(label=_("Type MUSNAHKAN to confirm"), max_length=20)

    def clean_confirm(self):
        if self.cleaned_data["confirm"].strip().upper() != "MUSNAHKAN":
            raise forms.ValidationError(_("Type MUSNAHKAN to confirm."))
        return "MUSNAHKAN"


class RegrantForm(forms.Form):
    user = forms.ModelChoiceField(
        label=_("Staff member (after a lost password)"),
        queryset=get_user_model().objects.filter(kind="staff", is_active=True),
    )
    passphrase = forms.CharField(
        label=_("Recovery passphrase"),
        max_length=80,
        strip=True,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
    )

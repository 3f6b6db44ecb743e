"""The reporter's forms. Every message is translatable; every field keeps what was typed when
another field is wrong."""

from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.forms import BaseFormSet, formset_factory
from django.utils.translation import gettext_lazy as _

from wbs.accounts.forms import password_field
from wbs.cases.limits import (
    ACCESS_CODE_TYPED_MAX,
    DESCRIPTION_MAX,
    DESCRIPTION_MIN,
    MAX_ACCUSED,
    MESSAGE_MAX,
    NAME_MAX,
    NIP_TYPED_MAX,
    PERIOD_MAX,
    RUPIAH_MAX,
    SHORT_MAX,
    TITLE_MAX,
)
from wbs.cases.models import IdentityMode, ReporterType
from wbs.directory.models import Category, OrganisationProfile, Unit
from wbs.directory.validators import clean_nip
from wbs.vault.uploads import MultipleFileField

from . import rules


def private_text(label, max_length, *, numeric=False, **kwargs) -> forms.CharField:
    """An optional field the browser must not remember (identity details)."""
    attrs = {"autocomplete": "off", **({"inputmode": "numeric"} if numeric else {})}
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=False,
        widget=forms.TextInput(attrs=attrs),
        **kwargs,
    )


class ReportForm(forms.Form):
    category = forms.ModelChoiceField(
        label=_("Category of violation"),
        queryset=Category.objects.filter(active=True),
        empty_label=_("— choose a category —"),
    )
    title = forms.CharField(
        label=_("Title of the report"),
        max_length=TITLE_MAX,
        help_text=_("A short summary, e.g. “Pungutan tidak resmi pada layanan KTP”."),
    )
    description = forms.CharField(
        label=_("What happened and how (modus)?"),
        max_length=DESCRIPTION_MAX,
        min_length=DESCRIPTION_MIN,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "Describe what happened, how it was done, who was involved and what you saw. "
            "Facts are more useful than opinions."
        ),
    )
    unit = forms.ModelChoiceField(
        label=_("Perangkat Daerah (OPD) where it happened"),
        queryset=Unit.objects.filter(active=True),
        empty_label=_("— choose a unit —"),
    )
    location = forms.CharField(
        label=_("Location"),
        max_length=SHORT_MAX,
        required=False,
        help_text=_("Office, address or place, if you know it."),
    )
    incident_date = forms.DateField(
        label=_("Date of the incident"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"],
    )
    incident_period = forms.CharField(
        label=_("Or the approximate period"),
        max_length=PERIOD_MAX,
        required=False,
        help_text=_("For example “Januari–Maret 2025” or “sejak 2024”."),
    )
    estimated_loss = forms.CharField(
        label=_("Estimated financial loss (Rupiah, optional)"),
        max_length=RUPIAH_MAX,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    reported_elsewhere = forms.TypedChoiceField(
        label=_("Have you reported this elsewhere?"),
        choices=[("no", _("No")), ("yes", _("Yes"))],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        initial="no",
    )
    reported_elsewhere_to = forms.CharField(
        label=_("If yes, where?"), max_length=SHORT_MAX, required=False
    )
    reporter_type = forms.ChoiceField(label=_("You are"), widget=forms.RadioSelect, choices=())
    identity_mode = forms.ChoiceField(
        label=_("Your identity"),
        choices=[
            (IdentityMode.ANONYMOUS, _("Anonymous — I do not give my identity")),
            (
                IdentityMode.CONFIDENTIAL,
                _(
                    "Confidential — I give my identity, sealed so that case handlers cannot "
                    "see it without an approved request"
                ),
            ),
        ],
        widget=forms.RadioSelect,
        initial=IdentityMode.ANONYMOUS,
    )
    identity_name = private_text(_("Name"), NAME_MAX)
    identity_nip = private_text(_("NIP (optional)"), NIP_TYPED_MAX, numeric=True)
    identity_unit = private_text(_("Your work unit"), SHORT_MAX)
    identity_contact = private_text(
        _("Contact (telephone or personal e-mail)"),
        SHORT_MAX,
        help_text=_("Do not give an office e-mail address: office mail may be read by others."),
    )
    attachments = MultipleFileField(
        label=_("Evidence (documents, photos, audio, video)"),
    )
    declaration = forms.BooleanField(
        label=_(
            "I declare that this report is true to the best of my knowledge and that I am not "
            "part of the act I report."
        ),
        error_messages={"required": rules.MSG_DECLARATION},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [
            (ReporterType.ASN, ReporterType.ASN.label),
            (ReporterType.NON_ASN, ReporterType.NON_ASN.label),
        ]
        if OrganisationProfile.get().public_may_report:
            choices.append((ReporterType.PUBLIC, ReporterType.PUBLIC.label))
        self.fields["reporter_type"].choices = choices

    def clean_identity_nip(self):
        return clean_nip(self.cleaned_data.get("identity_nip", ""))

    def clean_estimated_loss(self):
        return rules.parse_rupiah(self.cleaned_data.get("estimated_loss", ""))

    def clean_incident_date(self):
        return rules.check_incident_date(self.cleaned_data.get("incident_date"))

    def clean(self):
        data = super().clean()
        for name, message in rules.report_problems(data).items():
            self.add_error(name, message)
        return data


class AccusedForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=NAME_MAX, required=False)
    position = forms.CharField(label=_("Position (jabatan)"), max_length=NAME_MAX, required=False)
    unit = forms.CharField(label=_("Work unit"), max_length=SHORT_MAX, required=False)

    def clean(self):
        data = super().clean()
        problem = rules.person_problem(data)
        if problem:
            self.add_error("name", problem)
        return data


class BaseAccusedFormSet(BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        if not self.people():
            raise ValidationError(rules.MSG_NO_ACCUSED)

    def people(self) -> list[dict]:
        return rules.named_people([f.cleaned_data for f in self.forms])


AccusedFormSet = formset_factory(
    AccusedForm,
    formset=BaseAccusedFormSet,
    extra=1,
    max_num=MAX_ACCUSED,
    absolute_max=MAX_ACCUSED,
    validate_max=True,
)


class AccessCodeForm(forms.Form):
    access_code = forms.CharField(
        label=_("Access code (Kode Akses)"),
        max_length=ACCESS_CODE_TYPED_MAX,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Your message"),
        max_length=MESSAGE_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class EvidenceForm(forms.Form):
    attachments = MultipleFileField(label=_("Add evidence"))
    note = forms.CharField(
        label=_("Note about this evidence (optional)"),
        max_length=MESSAGE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReporterRegistrationForm(forms.Form):
    username = forms.RegexField(
        label=_("Username (an alias is fine)"),
        regex=r"^[A-Za-z0-9._-]{3,40}$",
        max_length=40,
        error_messages={"invalid": _("Use 3–40 letters, digits, dots, hyphens or underscores.")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none"}),
        help_text=_("Do not use your name or NIP if you want to stay anonymous."),
    )
    password1 = password_field(
        _("Password"),
        "new-password",
        help_text=_(
            "At least 8 characters; a long passphrase is best. If you forget it, your "
            "reports can still be followed with their Kode Akses."
        ),
    )
    password2 = password_field(_("Password again"), "new-password")
    name = private_text(_("Name (optional)"), NAME_MAX)
    nip = private_text(_("NIP (optional)"), NIP_TYPED_MAX, numeric=True)
    unit = private_text(_("Work unit (optional)"), SHORT_MAX)
    contact = private_text(_("Contact (optional)"), SHORT_MAX)
    email = forms.EmailField(
        label=_("E-mail for notices (optional)"),
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
        help_text=_(
            "If you give an address, we send a short notice without any content when there is "
            "news on your reports. The system then knows which reports belong to this "
            "account. Do not use an office address."
        ),
    )

    def clean_username(self):
        username = self.cleaned_data["username"]
        if get_user_model().objects.filter(username__iexact=username).exists():
            raise ValidationError(_("This username is taken; choose another."))
        return username

    def clean_nip(self):
        return clean_nip(self.cleaned_data.get("nip", ""))

    def clean(self):
        data = super().clean()
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("The two passwords differ."))
        elif p1:
            try:
                password_validation.validate_password(p1)
            except ValidationError as exc:
                self.add_error("password1", exc)
        return data

from django import forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

PASSWORD_MAX = 256  # typed passwords (the validator allows this much; more only costs CPU)


def password_field(label, autocomplete: str, **kwargs) -> forms.CharField:
    """A password as typed (never stripped), with the browser's autocomplete hint."""
    return forms.CharField(
        label=label,
        strip=False,
        max_length=PASSWORD_MAX,
        widget=forms.PasswordInput(attrs={"autocomplete": autocomplete}),
        **kwargs,
    )


class LoginForm(forms.Form):
    """Username and password: the staff's first step, and the registered reporter's log-in."""

    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
    )
    password = password_field(_("Password"), "current-password")


class TokenForm(forms.Form):
    token = forms.RegexField(
        label=_("6-digit code from your authenticator app"),
        regex=r"^\s*\d{6}\s*$",
        max_length=10,
        error_messages={"invalid": _("Enter the 6 digits shown by the app.")},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def clean_token(self):
        return self.cleaned_data["token"].strip()


class _UserForm(forms.Form):
    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)


class ConfirmPasswordForm(_UserForm):
    """The user's current password, asked again before a sensitive change."""

    current = password_field(_("Current password"), "current-password")

    def clean_current(self):
        if not self.user.check_password(self.cleaned_data["current"]):
            raise ValidationError(_("The current password is not correct."))
        return self.cleaned_data["current"]


class NewPasswordForm(_UserForm):
    """A new password, typed twice (the first log-in after a password set by somebody else)."""

    new1 = password_field(_("New password"), "new-password")
    new2 = password_field(_("New password again"), "new-password")

    def clean(self):
        data = super().clean()
        if data.get("new1") and data.get("new1") != data.get("new2"):
            self.add_error("new2", _("The two passwords differ."))
        elif data.get("new1") and self.user.check_password(data["new1"]):
            self.add_error("new1", _("Choose a password other than the one you were given."))
        elif data.get("new1"):
            try:
                password_validation.validate_password(data["new1"], self.user)
            except ValidationError as exc:
                self.add_error("new1", exc)
        return data


class PasswordChangeForm(ConfirmPasswordForm, NewPasswordForm):
    field_order = ["current", "new1", "new2"]

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class MaximumLengthValidator:
    """64 characters must be allowed (ASVS 6.2.9); refuse absurd lengths that only cost CPU."""

    def __init__(self, max_length: int = 256):
        self.max_length = max_length

    def validate(self, password, user=None):
        if len(password) > self.max_length:
            raise ValidationError(
                _("The password may be at most %(max)d characters long.")
                % {"max": self.max_length},
                code="password_too_long",
            )

    def get_help_text(self):
        return _("Up to %(max)d characters; a long passphrase is welcome.") % {
            "max": self.max_length
        }

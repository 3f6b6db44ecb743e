"""Indonesian identifiers typed by people: the NIP of a civil servant (PNS)."""

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_NIP = re.compile(r"^\d{18}$")


def clean_nip(value: str) -> str:
    """NIP PNS: 18 digits, typed with or without the usual spaces; "" when empty."""
    digits = re.sub(r"[\s.\-]", "", value or "")
    if not digits:
        return ""
    if not _NIP.match(digits):
        raise ValidationError(_("A NIP has exactly 18 digits (e.g. 19850715 201001 1 003)."))
    try:
        datetime.date(int(digits[0:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        raise ValidationError(
            _("The first 8 digits of a NIP are a birth date (YYYYMMDD).")
        ) from None
    if digits[14] not in "12":
        raise ValidationError(_("Digit 15 of a NIP is 1 (male) or 2 (female).")) from None
    return digits

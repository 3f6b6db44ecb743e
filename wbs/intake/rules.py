"""The rules of a report that the web form and the reporter API share, so that both refuse the
same things with the same Indonesian messages. Each rule takes plain values and names the
field (by the form's field names) that is wrong."""

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wbs.cases.models import IdentityMode

# Django's own text, translated by this project's catalogue (which takes precedence over
# Django's): every form and the API say "Isian ini wajib diisi." for a missing field.
MSG_REQUIRED = _("This field is required.")
IDENTITY_FIELDS = ("identity_name", "identity_nip", "identity_unit", "identity_contact")
MSG_NO_ACCUSED = _("Name at least one reported person (terlapor).")
MSG_ACCUSED_NAME = _("Give the name (or what you know of it) of this person.")
MSG_DECLARATION = _("Please tick the declaration to send the report.")


def parse_rupiah(value: str) -> int | None:
    """Accept “Rp1.000.000”, “1000000”, “1.000.000,00”; None when empty."""
    text = (value or "").strip()
    if not text:
        return None
    text = re.sub(r"(?i)^rp\.?\s*", "", text)
    text = re.sub(r",\d{1,2}$", "", text)
    digits = text.replace(".", "").replace(" ", "")
    if not digits.isdigit() or len(digits) > 16:
        raise ValidationError(_("Write the amount in Rupiah using digits only, e.g. 150000000."))
    return int(digits)


def check_incident_date(value: datetime.date | None) -> datetime.date | None:
    if value and value > timezone.localdate():
        raise ValidationError(_("The date cannot be in the future."))
    return value


def report_problems(data: dict) -> dict[str, str]:
    """Rules across fields of a report: form field name → message (empty when all hold).
    `data` as ReportForm.cleaned_data (missing keys count as empty)."""
    problems = {}
    if not data.get("incident_date") and not (data.get("incident_period") or "").strip():
        problems["incident_period"] = _("Give the date of the incident or an approximate period.")
    if (
        data.get("identity_mode") == IdentityMode.CONFIDENTIAL
        and not (data.get("identity_name") or "").strip()
    ):
        problems["identity_name"] = _("Give at least your name, or choose anonymous.")
    if data.get("identity_mode") == IdentityMode.ANONYMOUS and any(
        (data.get(name) or "").strip() for name in IDENTITY_FIELDS
    ):
        # Never drop what the reporter typed without a word: they choose.
        problems["identity_mode"] = _(
            "You chose Anonymous but filled in your identity. Empty the identity fields to stay "
            "anonymous, or choose Confidential to give it."
        )
    if data.get("reported_elsewhere") and not (data.get("reported_elsewhere_to") or "").strip():
        problems["reported_elsewhere_to"] = _("Say where you reported it.")
    return problems


def person_problem(person: dict) -> str | None:
    """A terlapor with a position or unit but no name."""
    if (person.get("position") or person.get("unit")) and not (person.get("name") or "").strip():
        return MSG_ACCUSED_NAME
    return None


def named_people(people: list[dict]) -> list[dict]:
    """The terlapor that carry a name (rows left empty are dropped)."""
    return [p for p in people if (p.get("name") or "").strip()]

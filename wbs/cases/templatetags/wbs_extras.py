from django import template
from django.utils.formats import date_format
from django.utils.html import format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from wbs.directory import formats

register = template.Library()


@register.filter
def get_item(mapping, key):
    return mapping.get(key)


@register.filter
def rupiah(value):
    """{{ amount|rupiah }} → Rp4.500.000 (an empty amount stays empty)."""
    if value in (None, ""):
        return ""
    try:
        return formats.rupiah(int(value))
    except (TypeError, ValueError):
        return value


@register.filter
def nip(value):
    """{{ nip|nip }} → 19850715 201001 1 003, as letters write it."""
    return formats.nip_grouped(value) if value else ""


@register.filter
def incident_when(details):
    """When it happened: the date, the period, or both kept apart ("3 Maret 2026 (periode:
    Maret 2026)"), never run together."""
    day = getattr(details, "incident_date_value", None)
    period = (getattr(details, "incident_period", "") or "").strip()
    day_text = date_format(day, "DATE_FORMAT") if day else ""
    if day_text and period:
        return _("%(date)s (period: %(period)s)") % {"date": day_text, "period": period}
    return day_text or period or "—"


@register.filter
def code_groups(value):
    """A code or registration number whose groups never break across lines: each group in a
    no-wrap span, a break allowed only after each hyphen."""
    groups = str(value or "").split("-")
    return format_html_join(
        SafeString("-<wbr>"), '<span class="code-group">{}</span>', ((group,) for group in groups)
    )

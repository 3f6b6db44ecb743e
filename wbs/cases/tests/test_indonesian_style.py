"""Numbers, dates and names as Indonesian letters write them, on screens too: Rupiah grouped
("Rp4.500.000"), a NIP grouped 8-6-1-3, a date and a period kept apart, and one date style for
Bahasa Indonesia in every screen and the Django admin (config/formats/id)."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format

from wbs.directory import formats
from wbs.intake.tests.factories import submit

from .helpers import logged_in

pytestmark = pytest.mark.django_db


def test_rupiah_is_grouped_with_full_stops():
    assert formats.rupiah(4500000) == "Rp4.500.000"
    assert formats.rupiah(0) == "Rp0"
    assert formats.rupiah(None) == "-"


def test_nip_is_grouped_eight_six_one_three():
    assert formats.nip_grouped("198507152010011003") == "19850715 201001 1 003"
    assert formats.nip_grouped("1234") == "1234"


def test_one_date_style_for_indonesian():
    moment = datetime.datetime(2026, 12, 3, 14, 30)
    with translation.override("id"):
        assert date_format(moment.date(), "DATE_FORMAT") == "3 Desember 2026"
        assert date_format(moment, "DATETIME_FORMAT") == "3 Desember 2026 14.30"


def test_the_django_admin_writes_dates_in_that_style(staff, palembang):
    from wbs.directory.models import HolidayOverride

    HolidayOverride.objects.create(
        date=datetime.date(2026, 12, 24), kind=HolidayOverride.Kind.HOLIDAY, name="Cuti bersama"
    )
    admin = logged_in(staff["admin"])
    page = admin.get(reverse("admin:directory_holidayoverride_changelist")).content.decode()
    assert "24 Desember 2026" in page


def _dd(html: str, css_class: str) -> str:
    match = re.search(rf'<dd class="{css_class}">(.*?)</dd>', html, re.S)
    assert match, css_class
    return " ".join(match.group(1).split())


@pytest.fixture
def detailed(staff):
    return submit(
        title="Laporan rinci",
        incident_date="2026-03-03",
        incident_period="Maret 2026",
        estimated_loss=4500000,
        reported_elsewhere=True,
        reported_elsewhere_to="Kejaksaan Negeri",
    )


def test_the_case_page_keeps_date_and_period_apart_and_groups_the_rupiah(staff, detailed):
    report, _receipt = detailed
    html = logged_in(staff["verifikator"]).get(f"/staf/laporan/{report.registration_number}/")
    html = html.content.decode()
    assert _dd(html, "incident-when") == "3 Maret 2026 (periode: Maret 2026)"
    assert "Rp4.500.000" in html


def test_the_reporter_sees_what_they_submitted(client, detailed):
    _report, receipt = detailed
    client.post(reverse("intake:status_login"), {"access_code": receipt.access_code})
    html = client.get(reverse("intake:status_report")).content.decode()
    assert _dd(html, "incident-when") == "3 Maret 2026 (periode: Maret 2026)"
    assert _dd(html, "estimated-loss") == "Rp4.500.000"
    assert _dd(html, "reported-elsewhere") == "Ya: Kejaksaan Negeri"


SAME_IN_BOTH = {"status", "e-mail", "logo", "ID", "id", "Perangkat Daerah"}


def test_the_django_admin_names_models_and_fields_in_indonesian():
    from wbs.accounts.admin_site import site

    untranslated = []
    for model in site._registry:
        names = [("model", model._meta.verbose_name), ("plural", model._meta.verbose_name_plural)]
        names += [(field.name, field.verbose_name) for field in model._meta.fields]
        for what, name in names:
            with translation.override("en"):
                english = str(name)
            with translation.override("id"):
                indonesian = str(name)
            if english == indonesian and english not in SAME_IN_BOTH:
                untranslated.append(f"{model.__name__}.{what}: {english}")
    assert untranslated == []

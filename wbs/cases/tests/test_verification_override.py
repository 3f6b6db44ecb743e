"""Issue 12 §3: forwarding to telaah requires the four verification checks ticked, or an
explicit override with a written reason, recorded and shown on the case page and in the Lembar
Telaahan."""

import pytest
from django.urls import reverse

from wbs.cases import services, workflow
from wbs.cases.models import Status
from wbs.cases.tests.helpers import CHECKS, REVIEW, keyring_of, put_in_state
from wbs.intake.tests.factories import submit
from wbs.monitoring.tests import fixtures as fx

pytestmark = pytest.mark.django_db
S = Status
OVERRIDE = "Bukti akan diserahkan langsung oleh pelapor kepada Irban I (ALASAN-7HV)."


def _forward_url(report):
    return reverse("cases:action", args=[report.registration_number, "forward"])


def _case_url(report):
    return reverse("cases:case", args=[report.registration_number])


@pytest.fixture
def report(staff):
    report, _ = submit(unit_name="Sekretariat Daerah")  # Irban I, the `penelaah` persona
    return put_in_state(report, S.VERIFIKASI)


def test_the_form_refuses_a_missing_check_without_a_reason_at_the_reason_field(
    staff, as_staff, report
):
    client = as_staff("verifikator")
    data = {**CHECKS, "handler": staff["penelaah"].pk}
    del data["has_evidence"]
    response = client.post(_forward_url(report), data)
    assert response.status_code == 400
    form = response.context["forms"]["forward"]
    [error] = form.errors["override_reason"]
    assert "Bukti awal tersedia" in error and "tulis di sini alasannya" in error
    page = response.content.decode()
    # The message stands next to the override field, which keeps the typed choices.
    field_at = page.index('name="override_reason"')
    field_end = page.index('<div class="field', field_at)
    assert "tulis di sini alasannya" in page[field_at:field_end]
    report.refresh_from_db()
    assert report.status == S.VERIFIKASI and not report.screenings.exists()


def test_an_override_reason_is_stored_and_shown_on_the_case_page(staff, as_staff, report):
    client = as_staff("verifikator")
    data = {**CHECKS, "handler": staff["penelaah"].pk, "override_reason": OVERRIDE}
    del data["has_evidence"]
    response = client.post(_forward_url(report), data)
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == S.DITELAAH
    page = as_staff("penelaah").get(_case_url(report)).content.decode()
    box = page[page.index('id="screen-h"') :]
    assert "Diteruskan tanpa keempat syarat. Alasan:" in box and OVERRIDE in box
    assert "✘ bukti tersedia" in box.lower()


def test_the_lembar_telaahan_carries_the_checks_and_the_override_reason(staff, as_staff, report):
    verifikator, penelaah, inspektur = staff["verifikator"], staff["penelaah"], staff["inspektur"]
    workflow.apply(
        report,
        "forward",
        actor=verifikator,
        keyring=keyring_of(verifikator),
        data={**CHECKS, "has_evidence": False, "handler": penelaah, "override_reason": OVERRIDE},
    )
    services.save_review(keyring_of(penelaah), report, penelaah, REVIEW)
    workflow.apply(report, "submit_review", actor=penelaah, keyring=keyring_of(penelaah))
    workflow.apply(report, "approve_review", actor=inspektur, keyring=keyring_of(inspektur))
    url = reverse("monitoring:review_document", args=[report.registration_number])
    text = fx.pdf_text(as_staff("inspektur").get(url).content)
    assert "Hasil Verifikasi" in text
    assert "Bukti permulaan ada: tidak" in text and "Unsur 4W+1H lengkap: ya" in text
    assert "Alasan Verifikator: " + OVERRIDE in text
    # Verification comes before the telaahan's own sections.
    assert text.index("Hasil Verifikasi") < text.index("A. Ringkasan Pengaduan")


def test_a_lembar_telaahan_after_a_full_check_names_no_override(staff, as_staff, report):
    verifikator, penelaah, inspektur = staff["verifikator"], staff["penelaah"], staff["inspektur"]
    workflow.apply(
        report,
        "forward",
        actor=verifikator,
        keyring=keyring_of(verifikator),
        data={**CHECKS, "handler": penelaah},
    )
    services.save_review(keyring_of(penelaah), report, penelaah, REVIEW)
    workflow.apply(report, "submit_review", actor=penelaah, keyring=keyring_of(penelaah))
    workflow.apply(report, "approve_review", actor=inspektur, keyring=keyring_of(inspektur))
    url = reverse("monitoring:review_document", args=[report.registration_number])
    text = fx.pdf_text(as_staff("inspektur").get(url).content)
    assert "Bukti permulaan ada: ya" in text and "Alasan Verifikator" not in text

"""Helpers to build reports in tests through the same services the pages use."""

from wbs.cases import sealing
from wbs.directory.models import Category, Unit
from wbs.intake import services


def form_data(**overrides) -> dict:
    unit = Unit.objects.get(name="Dinas Pendidikan")
    data = {
        "category": Category.objects.get(code="gratifikasi").pk,
        "title": "Pungutan pada layanan sertifikasi guru",
        "description": "Setiap guru diminta membayar Rp500.000 agar berkas sertifikasi diproses "
        "lebih cepat oleh petugas bagian kepegawaian.",
        "unit": unit.pk,
        "location": "Kantor Dinas Pendidikan, lantai 2",
        "incident_date": "2025-03-14",
        "incident_period": "",
        "estimated_loss": "Rp15.000.000",
        "reported_elsewhere": "no",
        "reported_elsewhere_to": "",
        "reporter_type": "asn",
        "identity_mode": "anonymous",
        "identity_name": "",
        "identity_nip": "",
        "identity_unit": "",
        "identity_contact": "",
        "declaration": "on",
        "accused-TOTAL_FORMS": "1",
        "accused-INITIAL_FORMS": "0",
        "accused-MIN_NUM_FORMS": "0",
        "accused-MAX_NUM_FORMS": "10",
        "accused-0-name": "Fulan bin Contoh",
        "accused-0-position": "Kepala Subbagian Kepegawaian",
        "accused-0-unit": "Dinas Pendidikan",
    }
    data.update(overrides)
    return data


def submit(
    *,
    title="Laporan uji",
    description="Uraian laporan uji yang cukup panjang.",
    identity=None,
    accused_name="Terlapor Uji",
    category="korupsi",
    unit_name="Dinas Pendidikan",
    uploads=None,
    reporter_user=None,
    reporter_keyring=None,
    **details,
):
    """Submit through intake.services and return (report, receipt). `details`: more fields
    of the sealed ReportDetails (incident_date, estimated_loss, reported_elsewhere…)."""
    from wbs.cases.models import Report

    unit = Unit.objects.get(name=unit_name)
    receipt = services.submit_report(
        category=Category.objects.get(code=category),
        unit=unit,
        reporter_type="asn",
        identity_mode="confidential" if identity else "anonymous",
        title=title,
        details=sealing.ReportDetails(
            description=description, **{"incident_period": "2025", **details}
        ),
        accused=[sealing.AccusedData(name=accused_name, position="Staf", unit=unit.name)],
        identity=identity,
        uploads=uploads or [],
        reporter_user=reporter_user,
        reporter_keyring=reporter_keyring,
    )
    return Report.objects.get(registration_number=receipt.registration_number), receipt

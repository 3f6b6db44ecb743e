"""The choices of a report's plain columns: its status and the simpler stage the reporter
sees, reporter types, identity modes, follow-up decisions, referrals and outcomes."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    DITERIMA = "DITERIMA", _("Received")
    VERIFIKASI = "VERIFIKASI", _("In verification")
    PERLU_KELENGKAPAN = "PERLU_KELENGKAPAN", _("Awaiting completion by the reporter")
    DITOLAK = "DITOLAK", _("Rejected")
    DITELAAH = "DITELAAH", _("In review (telaah)")
    MENUNGGU_PERSETUJUAN = "MENUNGGU_PERSETUJUAN", _("Awaiting approval")
    DIKEMBALIKAN = "DIKEMBALIKAN", _("Returned to the reviewer")
    DISETUJUI = "DISETUJUI", _("Approved")
    TINDAK_LANJUT = "TINDAK_LANJUT", _("Follow-up")
    LAPORAN_HASIL = "LAPORAN_HASIL", _("Result report")
    SELESAI = "SELESAI", _("Completed")


class PublicStage(models.TextChoices):
    """The simpler timeline the reporter sees (docs/design/product.md §4)."""

    DITERIMA = "diterima", _("Received")
    DIVERIFIKASI = "diverifikasi", _("Being verified")
    PERLU_DILENGKAPI = "perlu_dilengkapi", _("Needs completing")
    DITOLAK = "ditolak", _("Rejected")
    DITELAAH = "ditelaah", _("Under review")
    DITINDAKLANJUTI = "ditindaklanjuti", _("Being followed up")
    SELESAI = "selesai", _("Completed")


PUBLIC_STAGE_OF_STATUS = {
    Status.DITERIMA: PublicStage.DITERIMA,
    Status.VERIFIKASI: PublicStage.DIVERIFIKASI,
    Status.PERLU_KELENGKAPAN: PublicStage.PERLU_DILENGKAPI,
    Status.DITOLAK: PublicStage.DITOLAK,
    Status.DITELAAH: PublicStage.DITELAAH,
    Status.MENUNGGU_PERSETUJUAN: PublicStage.DITELAAH,
    Status.DIKEMBALIKAN: PublicStage.DITELAAH,
    Status.DISETUJUI: PublicStage.DITELAAH,
    Status.TINDAK_LANJUT: PublicStage.DITINDAKLANJUTI,
    Status.LAPORAN_HASIL: PublicStage.DITINDAKLANJUTI,
    Status.SELESAI: PublicStage.SELESAI,
}

OPEN_STATUSES = frozenset(Status) - {Status.DITOLAK, Status.SELESAI}

# The reporter's current stage while it runs ("Sedang diverifikasi"); past steps keep the
# stage's own label ("Diverifikasi").
ONGOING_LABELS = {
    PublicStage.DIVERIFIKASI: _("Verification in progress"),
    PublicStage.DITELAAH: _("Review in progress"),
    PublicStage.DITINDAKLANJUTI: _("Being followed up now"),
}


class ReporterType(models.TextChoices):
    ASN = "asn", _("ASN (PNS/PPPK)")
    NON_ASN = "non_asn", _("Non-ASN (honorer, contract staff)")
    PUBLIC = "masyarakat", _("Member of the public")


class IdentityMode(models.TextChoices):
    ANONYMOUS = "anonymous", _("Anonymous")
    CONFIDENTIAL = "confidential", _("Identity kept confidential")


class FollowUpDecision(models.TextChoices):
    SPECIAL_EXAMINATION = "pemeriksaan_khusus", _("Special examination (pemeriksaan khusus)")
    INVESTIGATIVE_AUDIT = "audit_investigatif", _("Investigative audit")
    TO_UNIT = "diteruskan_opd", _("Forwarded to the OPD / direct superior")
    TO_LAW_ENFORCEMENT = "dilimpahkan_aph", _("Referred to law enforcement (APH/KPK)")
    NOT_SUPERVISORY = "tidak_berkadar", _("Not a supervisory matter (tidak berkadar pengawasan)")


class Referral(models.TextChoices):
    LAW_ENFORCEMENT = "aph_kpk", _("APH / KPK")
    LAPOR = "sp4n_lapor", _("SP4N-LAPOR!")
    SUPERIOR = "atasan_bkpsdm", _("Direct superior / BKPSDM")
    OTHER = "lainnya", _("Other competent body")


class Outcome(models.TextChoices):
    PROVEN = "terbukti", _("Proven")
    NOT_PROVEN = "tidak_terbukti", _("Not proven")
    REFERRED = "dilimpahkan", _("Referred")
    INCOMPLETE = "tidak_lengkap", _("Closed as incomplete")
    REJECTED = "ditolak", _("Rejected at verification")


# The parts of the Laporan Hasil Pengaduan, in the letter's order: (key, heading). The form's
# field for the findings is `text` (wbs.cases.forms.ResultForm).
RESULT_SECTIONS = (
    ("dasar", _("Basis")),
    ("uraian", _("Brief description of the complaint")),
    ("hasil", _("Findings of the examination")),
    ("kesimpulan", _("Conclusion")),
    ("rekomendasi", _("Recommendations")),
)
_FORM_FIELD = {"hasil": "text"}


def result_content(data: dict) -> dict:
    """The sealed value of a Laporan Hasil from the form's cleaned data."""
    return {key: (data.get(_FORM_FIELD.get(key, key)) or "").strip() for key, _h in RESULT_SECTIONS}


def result_parts(content: dict) -> list[tuple]:
    """(heading, text) of each part that has text, in the letter's order."""
    return [(heading, content[key]) for key, heading in RESULT_SECTIONS if content.get(key)]


def result_sections(value) -> dict:
    """The parts of a stored Laporan Hasil; one made as a single text (before the parts) is
    its findings."""
    if isinstance(value, dict):
        return {key: str(value.get(key) or "") for key, _h in RESULT_SECTIONS}
    return {key: (str(value or "") if key == "hasil" else "") for key, _h in RESULT_SECTIONS}

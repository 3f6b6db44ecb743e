"""The report and what hangs off it. Plain columns hold only the metadata the workflow and the
figures need (confidentiality.md); every `*_ct` column is ciphertext written and read by
wbs.vault alone, bound to its table, field and row."""

import uuid

from django.conf import settings
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
    """The simpler timeline the reporter sees (product.md §4)."""

    DITERIMA = "diterima", _("Received")
    DIVERIFIKASI = "diverifikasi", _("Verified")
    PERLU_DILENGKAPI = "perlu_dilengkapi", _("Needs completing")
    DITOLAK = "ditolak", _("Rejected")
    DITELAAH = "ditelaah", _("Under review")
    DITINDAKLANJUTI = "ditindaklanjuti", _("Being followed up")
    SELESAI = "selesai", _("Completed")


PUBLIC_STAGE_OF_STATUS = {
    Status.DITERIMA: PublicStage.DITERIMA,
    Status.VERIFIKASI: PublicStage.DITERIMA,
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


class ReporterType(models.TextChoices):
    ASN = "asn", _("ASN (PNS/PPPK)")
    NON_ASN = "non_asn", _("Non-ASN (honorer, contract staff)")
    PUBLIC = "masyarakat", _("Member of the public")


class IdentityMode(models.TextChoices):
    ANONYMOUS = "anonymous", _("Anonymous")
    CONFIDENTIAL = "confidential", _("Identity kept confidential")


class Report(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    registration_number = models.CharField(_("registration number"), max_length=20, unique=True)
    status = models.CharField(
        _("status"), max_length=24, choices=Status.choices, default=Status.DITERIMA
    )
    category = models.ForeignKey(
        "directory.Category", verbose_name=_("category"), on_delete=models.PROTECT
    )
    unit = models.ForeignKey(
        "directory.Unit", verbose_name=_("Perangkat Daerah"), on_delete=models.PROTECT
    )
    wilayah = models.ForeignKey(
        "directory.Wilayah",
        verbose_name=_("Irban area"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    reporter_type = models.CharField(
        _("reporter type"), max_length=12, choices=ReporterType.choices
    )
    identity_mode = models.CharField(_("identity"), max_length=12, choices=IdentityMode.choices)
    # Dates only: a finer time could point at who was at which desk when (confidentiality.md).
    received_on = models.DateField(_("received on"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    updated_on = models.DateField(_("last activity"))
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handler"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_reports",
    )
    # Ciphertext (wbs.vault): title and the 4W+1H details under the report key; identity under
    # the identity key.
    title_ct = models.BinaryField()
    details_ct = models.BinaryField()
    identity_ct = models.BinaryField(null=True, blank=True)

    class Meta:
        ordering = ["-received_on", "registration_number"]
        indexes = [
            models.Index(fields=["status", "received_on"], name="report_status_received"),
            models.Index(fields=["received_on"], name="report_received"),
        ]
        verbose_name = _("report")
        verbose_name_plural = _("reports")

    def __str__(self) -> str:
        return self.registration_number

    @property
    def public_stage(self) -> str:
        return PUBLIC_STAGE_OF_STATUS[Status(self.status)]


class Accused(models.Model):
    """A terlapor. Name, position and unit are ciphertext under the report key."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="accused")
    position = models.PositiveSmallIntegerField()
    data_ct = models.BinaryField()

    class Meta:
        ordering = ["position"]
        verbose_name = _("reported person")
        verbose_name_plural = _("reported persons")

    def __str__(self) -> str:
        return f"Terlapor {self.position} of {self.report_id}"


class Message(models.Model):
    """A message between the reporter and the Tim WBS, or an internal note (never shown to the
    reporter). Only the day is kept, and `seq` orders the thread."""

    class Author(models.TextChoices):
        REPORTER = "reporter", _("Reporter")
        STAFF = "staff", _("Tim WBS")
        SYSTEM = "system", _("System")

    class Kind(models.TextChoices):
        MESSAGE = "message", _("Message")
        REQUEST = "request", _("Request for completion")
        NOTE = "note", _("Internal note")
        NOTICE = "notice", _("Notice")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="messages")
    seq = models.PositiveIntegerField()
    author_kind = models.CharField(max_length=10, choices=Author.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.MESSAGE)
    created_on = models.DateField()
    body_ct = models.BinaryField()

    class Meta:
        ordering = ["report", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["report", "seq"], name="message_seq_unique"),
        ]

    def __str__(self) -> str:
        return f"Message {self.seq} of {self.report_id}"

    @property
    def visible_to_reporter(self) -> bool:
        return self.kind != self.Kind.NOTE


class Attachment(models.Model):
    """Evidence. The original and the cleaned copy are ciphertext files in the attachment
    store under random names; the name, type and size are ciphertext in `meta_ct`."""

    class Source(models.TextChoices):
        REPORTER = "reporter", _("Reporter")
        STAFF = "staff", _("Tim WBS")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="attachments")
    source = models.CharField(max_length=10, choices=Source.choices)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_on = models.DateField()
    meta_ct = models.BinaryField()
    original_blob = models.CharField(max_length=80)
    cleaned_blob = models.CharField(max_length=80, blank=True)
    # SHA-256 of the stored ciphertext (never of the plaintext: that would let anyone holding a
    # known document confirm it was submitted).
    original_ct_sha256 = models.CharField(max_length=64)
    cleaned_ct_sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["report", "created_on", "id"]

    def __str__(self) -> str:
        return f"Attachment {self.id}"


class StatusChange(models.Model):
    """One row per status change (written only by wbs.cases.workflow)."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="history")
    from_status = models.CharField(max_length=24, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=24, choices=Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    on = models.DateField()
    # Whether this step appears on the reporter's timeline.
    public = models.BooleanField(default=True)

    class Meta:
        ordering = ["report", "id"]

    def __str__(self) -> str:
        return f"{self.report_id}: {self.from_status}→{self.to_status}"


def public_timeline(report: Report) -> list[dict]:
    """The reporter's timeline: published steps, consecutive repeats of a stage collapsed."""
    steps: list[dict] = []
    for change in report.history.filter(public=True).order_by("id"):
        stage = PUBLIC_STAGE_OF_STATUS[Status(change.to_status)]
        if steps and steps[-1]["stage"] == stage:
            continue
        steps.append({"stage": str(stage), "label": PublicStage(stage).label, "on": change.on})
    return steps

"""Letter numbers (nomor surat) for documents: one counter per document kind and year."""

from django.db import models, transaction
from django.utils.translation import gettext_lazy as _


class DocumentCounter(models.Model):
    kind = models.CharField(max_length=20)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "year"], name="one_counter_per_kind_year")
        ]
        verbose_name = _("document counter")

    def __str__(self) -> str:
        return f"{self.kind} {self.year}: {self.last}"

    @classmethod
    def next(cls, kind: str, year: int) -> int:
        with transaction.atomic():
            counter, _created = cls.objects.select_for_update().get_or_create(kind=kind, year=year)
            counter.last += 1
            counter.save(update_fields=["last"])
            return counter.last


class IssuedDocument(models.Model):
    """A numbered document that was issued: it keeps its number. A case document (Tanda Terima,
    Lembar Telaahan, Laporan Hasil) is one per report and kind; a recap is one per period and
    filter (`key`) and keeps the very letter that was issued (`content`: counts only, never
    report text), so downloading it again gives the same letter."""

    kind = models.CharField(max_length=20)
    report = models.ForeignKey(
        "cases.Report", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    key = models.CharField(max_length=200, blank=True, default="")
    number = models.CharField(max_length=80)
    issued_on = models.DateField(auto_now_add=True)
    issued_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    content = models.BinaryField(null=True, blank=True, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["report", "kind"],
                condition=models.Q(report__isnull=False),
                name="one_number_per_report_document",
            ),
            models.UniqueConstraint(
                fields=["kind", "key"],
                condition=models.Q(report__isnull=True) & ~models.Q(key=""),
                name="one_number_per_issued_letter",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.number}"

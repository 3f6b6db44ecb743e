"""Figures computed from plain metadata only (no decryption)."""

from dataclasses import dataclass

from django.db.models import Count, Q

from wbs.cases.models import Report, Status
from wbs.directory.models import OrganisationProfile


@dataclass(frozen=True)
class Figure:
    value: int
    suppressed: bool
    threshold: int

    def __str__(self) -> str:
        return f"<{self.threshold}" if self.suppressed else str(self.value)

    def as_json(self):
        return str(self) if self.suppressed else self.value


def suppress(value: int, *, threshold: int, enabled: bool = True) -> Figure:
    """Hide a positive count below the threshold (zero says nothing about anyone)."""
    hidden = enabled and 0 < value < threshold
    return Figure(value=value, suppressed=hidden, threshold=threshold)


def public_figures() -> dict[str, Figure]:
    """The landing page's figures (the seed's screen): received and handled; completed."""
    profile = OrganisationProfile.get()
    counts = Report.objects.aggregate(
        received=Count("pk"), completed=Count("pk", filter=Q(status=Status.SELESAI))
    )
    options = {
        "threshold": profile.small_count_threshold,
        "enabled": profile.suppress_public_small_counts,
    }
    return {
        "received": suppress(counts["received"], **options),
        "completed": suppress(counts["completed"], **options),
    }

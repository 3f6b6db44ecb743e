"""Figures (monev) computed from plain metadata only (no decryption), with indexed aggregates.

"Ditindaklanjuti" (followed up) counts reports that passed verification (forwarded for telaah
and every later state) plus rejected reports referred (dilimpahkan) to a competent body: each of
them received an action beyond screening. The seed's Tabel 1 reads: 2023: 179, 149, 83,24%.
"""

import datetime
from dataclasses import dataclass

from django.db import connection
from django.db.models import Aggregate, Count, FloatField, Q
from django.db.models.functions import ExtractMonth, ExtractYear

from wbs.cases.models import Report, Status, StatusChange
from wbs.directory.models import OrganisationProfile

S = Status
FOLLOWED_UP = Q(
    status__in=[
        S.DITELAAH,
        S.MENUNGGU_PERSETUJUAN,
        S.DIKEMBALIKAN,
        S.DISETUJUI,
        S.TINDAK_LANJUT,
        S.LAPORAN_HASIL,
        S.SELESAI,
    ]
) | (Q(status=S.DITOLAK) & ~Q(referral=""))
STAGES = [
    S.DITERIMA,
    S.VERIFIKASI,
    S.PERLU_KELENGKAPAN,
    S.DITELAAH,
    S.MENUNGGU_PERSETUJUAN,
    S.DIKEMBALIKAN,
    S.DISETUJUI,
    S.TINDAK_LANJUT,
    S.LAPORAN_HASIL,
]


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


# --- dashboard ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    category_id: int | None = None
    unit_id: int | None = None
    wilayah_id: int | None = None

    def q(self, prefix: str = "") -> Q:
        q = Q()
        if self.date_from:
            q &= Q(**{f"{prefix}received_on__gte": self.date_from})
        if self.date_to:
            q &= Q(**{f"{prefix}received_on__lte": self.date_to})
        for name in ("category_id", "unit_id", "wilayah_id"):
            if getattr(self, name):
                q &= Q(**{f"{prefix}{name}": getattr(self, name)})
        return q


def reports(filters: Filters):
    return Report.objects.filter(filters.q())


def table1(filters: Filters) -> list[dict]:
    """Per year: received, followed up, percentage (the seed's Tabel 1)."""
    rows = (
        reports(filters)
        .annotate(year=ExtractYear("received_on"))
        .values("year")
        .annotate(received=Count("pk"), followed=Count("pk", filter=FOLLOWED_UP))
        .order_by("year")
    )
    return [
        {**row, "percent": (row["followed"] * 100 / row["received"]) if row["received"] else 0}
        for row in rows
    ]


def counts_by(filters: Filters, field: str) -> dict:
    rows = reports(filters).values(field).annotate(n=Count("pk")).order_by()
    return {row[field]: row["n"] for row in rows}


def monthly(filters: Filters) -> dict[tuple[int, int], int]:
    rows = (
        reports(filters)
        .annotate(year=ExtractYear("received_on"), month=ExtractMonth("received_on"))
        .values("year", "month")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {(row["year"], row["month"]): row["n"] for row in rows}


def percentile_cont(ordered: list[int], fraction: float) -> float:
    """PostgreSQL's percentile_cont: linear interpolation between the closest ranks."""
    position = fraction * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


class _Percentile(Aggregate):
    function = "percentile_cont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression, fraction: float, **extra):
        super().__init__(expression, fraction=fraction, **extra)


def stage_times(filters: Filters) -> dict[str, dict]:
    """Working days spent per stage: median and 90th percentile, with the number of steps and
    the share finished within the deadline."""
    changes = StatusChange.objects.filter(filters.q("report__"), days_in_stage__isnull=False)
    base = changes.values("from_status").order_by()
    counts = base.annotate(
        n=Count("pk"),
        timed=Count("pk", filter=Q(on_time__isnull=False)),
        on_time=Count("pk", filter=Q(on_time=True)),
    )
    result = {
        row["from_status"]: {"n": row["n"], "timed": row["timed"], "on_time": row["on_time"]}
        for row in counts
    }
    if connection.vendor == "postgresql":
        rows = base.annotate(
            median=_Percentile("days_in_stage", 0.5), p90=_Percentile("days_in_stage", 0.9)
        )
        for row in rows:
            result[row["from_status"]].update(median=row["median"], p90=row["p90"])
    else:  # the embedded SQLite default: small data, computed here the same way
        values: dict[str, list[int]] = {}
        for status, days in changes.values_list("from_status", "days_in_stage"):
            values.setdefault(status, []).append(days)
        for status, days in values.items():
            days.sort()
            result[status].update(median=percentile_cont(days, 0.5), p90=percentile_cont(days, 0.9))
    for row in result.values():
        row["compliance"] = (row["on_time"] * 100 / row["timed"]) if row["timed"] else None
    return result

"""Figures (monev) computed from plain metadata only (no decryption), with indexed aggregates.

"Ditindaklanjuti" (followed up) counts reports that passed verification (forwarded for telaah
and every later state) plus rejected reports referred (dilimpahkan) to a competent body: each of
them received an action beyond screening. The seed's Tabel 1 reads: 2023: 179, 149, 83,24%.
"""

import datetime
from dataclasses import dataclass
from functools import cached_property

from django.db.models import BooleanField, Case, Count, Q, Value, When
from django.db.models.functions import ExtractMonth, ExtractYear
from django.utils import timezone

from wbs.cases.models import Report, Status, StatusChange
from wbs.directory import workdays
from wbs.directory.models import OrganisationProfile

S = Status
_ORDER = list(Status)
# Every status from "in telaah" on (the workflow's order).
FOLLOWED_STATUSES = frozenset(_ORDER[_ORDER.index(S.DITELAAH) :])
# The stages a report spends working days in: every status but the two closed ones.
STAGES = [status for status in _ORDER if status not in (S.DITOLAK, S.SELESAI)]


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


class Summary:
    """Every count of the dashboard from two GROUP BYs over the reports — (year, month, status,
    referred) and (category, unit, wilayah) — instead of one scan per table."""

    def __init__(self, filters: Filters):
        self.filters = filters

    @cached_property
    def by_time_status(self) -> list[tuple[int, int, str, bool, int]]:
        referred = Case(
            When(referral="", then=Value(False)), default=Value(True), output_field=BooleanField()
        )
        rows = (
            reports(self.filters)
            .annotate(
                year=ExtractYear("received_on"),
                month=ExtractMonth("received_on"),
                referred=referred,
            )
            .values_list("year", "month", "status", "referred")
            .annotate(n=Count("*"))
            .order_by()
        )
        return list(rows)

    @cached_property
    def by_place(self) -> list[tuple[int, int, int | None, int]]:
        rows = (
            reports(self.filters)
            .values_list("category_id", "unit_id", "wilayah_id")
            .annotate(n=Count("*"))
            .order_by()
        )
        return list(rows)

    def table1(self) -> list[dict]:
        years: dict[int, list[int]] = {}
        for year, _month, status, referred, n in self.by_time_status:
            row = years.setdefault(year, [0, 0])
            row[0] += n
            if status in FOLLOWED_STATUSES or (status == S.DITOLAK and referred):
                row[1] += n
        return [
            {
                "year": year,
                "received": received,
                "followed": followed,
                "percent": followed * 100 / received if received else 0,
            }
            for year, (received, followed) in sorted(years.items())
        ]

    def monthly(self) -> dict[tuple[int, int], int]:
        counts: dict[tuple[int, int], int] = {}
        for year, month, _status, _referred, n in self.by_time_status:
            counts[(year, month)] = counts.get((year, month), 0) + n
        return counts

    def counts_by(self, field: str) -> dict:
        counts: dict = {}
        if field == "status":
            for _y, _m, status, _r, n in self.by_time_status:
                counts[status] = counts.get(status, 0) + n
            return counts
        index = {"category_id": 0, "unit_id": 1, "wilayah_id": 2}[field]
        for row in self.by_place:
            counts[row[index]] = counts.get(row[index], 0) + row[3]
        return counts


def table1(filters: Filters) -> list[dict]:
    """Per year: received, followed up, percentage (the seed's Tabel 1)."""
    return Summary(filters).table1()


def counts_by(filters: Filters, field: str) -> dict:
    return Summary(filters).counts_by(field)


def monthly(filters: Filters) -> dict[tuple[int, int], int]:
    return Summary(filters).monthly()


def percentile_cont(ordered: list[int], fraction: float) -> float:
    """PostgreSQL's percentile_cont: linear interpolation between the closest ranks."""
    position = fraction * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def percentile_from_histogram(histogram: dict[int, int], fraction: float) -> float:
    """percentile_cont over values given as {value: how many times}."""
    total = sum(histogram.values())
    position = fraction * (total - 1)
    low_rank, high_rank = int(position), min(int(position) + 1, total - 1)
    values, seen = {}, 0
    for value in sorted(histogram):
        first, seen = seen, seen + histogram[value]
        for rank in (low_rank, high_rank):
            if first <= rank < seen:
                values[rank] = value
    low, high = values[low_rank], values[high_rank]
    return low + (high - low) * (position - low_rank)


FIRST_ANSWER = "first_answer"


def first_answer_times(filters: Filters, today: datetime.date | None = None) -> dict | None:
    """The first-answer clock (first message to the reporter, 30 hari kerja by default) as a
    stage row: working days from receipt to the first answer (median, 90th percentile) and the
    share answered by the deadline, counting a report still unanswered after its deadline as
    late. One GROUP BY over (received, answered, due) dates; None when no report has the
    clock."""
    today = today or timezone.localdate()
    rows = (
        Report.objects.filter(filters.q(), first_answer_due_on__isnull=False)
        .values_list("received_on", "first_answered_on", "first_answer_due_on")
        .annotate(n=Count("*"))
        .order_by()
    )
    row = {"n": 0, "timed": 0, "on_time": 0}
    histogram: dict[int, int] = {}
    rows = list(rows)
    answered_rows = [(received, answered) for received, answered, _due, _n in rows if answered]
    # Working days counted once over the whole range, not day by day for every row.
    ordinals = (
        workdays.working_day_ordinals(
            min(received for received, _answered in answered_rows),
            max(max(received, answered) for received, answered in answered_rows),
        )
        if answered_rows
        else {}
    )
    for received, answered, due, n in rows:
        if answered is None:
            if due < today:
                row["timed"] += n  # overdue and still unanswered: late
            continue
        row["n"] += n
        row["timed"] += n
        row["on_time"] += n if answered <= due else 0
        days = max(0, ordinals[answered] - ordinals[received]) if answered > received else 0
        histogram[days] = histogram.get(days, 0) + n
    if not row["timed"] and not row["n"]:
        return None
    row["median"] = percentile_from_histogram(histogram, 0.5) if histogram else None
    row["p90"] = percentile_from_histogram(histogram, 0.9) if histogram else None
    row["compliance"] = (row["on_time"] * 100 / row["timed"]) if row["timed"] else None
    return row


def stage_times(filters: Filters) -> dict[str, dict]:
    """Working days spent per stage: median and 90th percentile, with the number of steps and
    the share finished within the deadline. One GROUP BY (stage, days, on time) — an
    index-only scan without filters — then exact percentiles from the histogram."""
    rows = (
        StatusChange.objects.filter(filters.q("report__"), days_in_stage__isnull=False)
        .values_list("from_status", "days_in_stage", "on_time")
        .annotate(n=Count("*"))
        .order_by()
    )
    result: dict[str, dict] = {}
    histograms: dict[str, dict[int, int]] = {}
    for status, days, on_time, n in rows:
        row = result.setdefault(status, {"n": 0, "timed": 0, "on_time": 0})
        row["n"] += n
        if on_time is not None:
            row["timed"] += n
            row["on_time"] += n if on_time else 0
        histogram = histograms.setdefault(status, {})
        histogram[days] = histogram.get(days, 0) + n
    for status, row in result.items():
        row["median"] = percentile_from_histogram(histograms[status], 0.5)
        row["p90"] = percentile_from_histogram(histograms[status], 0.9)
        row["compliance"] = (row["on_time"] * 100 / row["timed"]) if row["timed"] else None
    return result

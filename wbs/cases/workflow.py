"""The state machine of a report (product.md §4). Nothing else assigns Report.status."""

from django.utils import timezone

from wbs.audit import log

from .models import Report, Status, StatusChange


def open_case(report: Report) -> None:
    """Record the receipt of a freshly saved report (status DITERIMA).

    Side effects: one StatusChange row (public) and one audit event. Runs in the submission's
    transaction."""
    StatusChange.objects.create(
        report=report, from_status="", to_status=Status.DITERIMA, on=timezone.localdate()
    )
    log.record(verb="report.submitted", actor_kind="reporter", target=report)


def reporter_replied(report: Report) -> None:
    """Hook for the reporter answering a request for completion (PERLU_KELENGKAPAN →
    VERIFIKASI); the full transition table arrives with the casework issue."""
    return None


def seed_history(reports: list[Report], *, rng) -> None:
    """Bulk history for seeded (fictional) reports: the DITERIMA row. Later states are added
    by the casework workflow."""
    StatusChange.objects.bulk_create(
        [
            StatusChange(report=r, from_status="", to_status=Status.DITERIMA, on=r.received_on)
            for r in reports
        ],
        batch_size=1000,
    )

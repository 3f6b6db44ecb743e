"""Retention and destruction (UU 27/2022): a closed report is destroyed when its retention
period has passed, unless it is on legal hold. Keys go first (crypto-shredding: the ciphertext
is unreadable from that moment), then the rows, then the ciphertext files. A destruction entry
without content stays in the audit trail."""

import datetime

from django.db import transaction
from django.utils import timezone

from wbs.audit import log
from wbs.directory.models import OrganisationProfile
from wbs.vault import files, grants

from . import versioning
from .evidence import blob_names
from .models import Attachment, Report, Status


def cutoff(today: datetime.date | None = None) -> datetime.date:
    today = today or timezone.localdate()
    years = OrganisationProfile.get().retention_years
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def expired(today: datetime.date | None = None):
    return Report.objects.filter(
        status__in=[Status.DITOLAK, Status.SELESAI],
        closed_on__lt=cutoff(today),
        legal_hold=False,
    )


def destroy(report: Report, *, actor=None) -> None:
    """Destroy one report. Side effects: its key grants and access code deleted, its rows
    deleted, its ciphertext files deleted after the commit, a `report.destroyed` audit event."""
    with transaction.atomic():
        report = Report.objects.select_for_update().get(pk=report.pk)
        if report.legal_hold:
            raise PermissionError("report is on legal hold")
        blobs = blob_names(Attachment.objects.filter(report=report))
        grants.shred(report)
        log.record(
            verb="report.destroyed",
            actor=actor,
            target=report,
            actor_kind="staff" if actor else "system",
            payload={
                "registration_number": report.registration_number,
                "received_on": report.received_on.isoformat(),
                "closed_on": report.closed_on.isoformat() if report.closed_on else None,
            },
        )
        report.delete()
        versioning.bump()
        transaction.on_commit(lambda: files.delete(blobs))


def purge_expired(*, actor=None, today: datetime.date | None = None) -> int:
    count = 0
    for report in expired(today).only("pk").iterator():
        destroy(report, actor=actor)
        count += 1
    return count


def set_legal_hold(report: Report, *, hold: bool, reason: str, actor) -> None:
    Report.objects.filter(pk=report.pk).update(legal_hold=hold, legal_hold_reason=reason)
    log.record(
        verb="report.legal_hold" if hold else "report.legal_hold_released",
        actor=actor,
        target=report,
        payload={"reason": reason},
    )

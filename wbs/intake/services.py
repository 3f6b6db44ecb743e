"""Writes on the reporter side: submission, reply, extra evidence. Each runs in one
transaction; if it fails, the ciphertext files it stored are removed again."""

import contextlib
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from wbs.audit import log
from wbs.cases import recipients, workflow
from wbs.cases import services as case_services
from wbs.cases.evidence import removing_on_failure, store_attachment
from wbs.cases.models import IdentityMode, Message, Report, ReporterNotice, Status
from wbs.cases.sealing import (
    AccusedData,
    IdentityData,
    NewReport,
    ReportDetails,
    add_message,
    seal_new_report,
)
from wbs.vault import codes, files, idempotency
from wbs.vault.keyring import Keyring
from wbs.vault.uploads import CheckedUpload


class StoreFull(recipients.NotAccepting):
    """The attachment store has no room: the submission was rolled back whole (its files
    removed); the sender is told nothing was stored and keeps what they typed."""


@dataclass
class Receipt:
    registration_number: str
    access_code: str
    replayed: bool = False  # the receipt of an earlier submission with the same key


def _unique_registration_number() -> str:
    for _attempt in range(20):
        number = codes.new_registration_number()
        if not Report.objects.filter(registration_number=number).exists():
            return number
    raise RuntimeError("could not find a free registration number")


def submit_report(
    *,
    category,
    unit,
    reporter_type: str,
    identity_mode: str,
    title: str,
    details: ReportDetails,
    accused: list[AccusedData],
    identity: IdentityData | None,
    uploads: list[CheckedUpload],
    reporter_user=None,
    reporter_keyring: Keyring | None = None,
    idempotency_key: str = "",
    fingerprint: str = "",
) -> Receipt:
    """Store a new report, encrypted, with its evidence. Returns the receipt (shown once).

    Side effects: Report, terlapor, grants, access code, attachments (ciphertext files), the
    DITERIMA history row and an audit event, all in one transaction. A registered reporter's
    keyring (`reporter_keyring`) learns the new report's keys. With an `idempotency_key`
    (wbs.vault.idempotency) the receipt is kept in the same transaction; a submission with a
    key already stored — even one committing right now — stores nothing and gets that
    receipt back (`Receipt.replayed`)."""
    if idempotency.valid(idempotency_key):
        earlier = replayed(idempotency_key, fingerprint)
        if earlier is not None:
            return earlier
    else:
        idempotency_key = ""
    recipients.check_accepting()  # outside the transaction: its alarm must stay
    keyring = Keyring()
    try:
        with _refused_when_full(), removing_on_failure() as stored, transaction.atomic():
            today = timezone.localdate()
            report = Report(
                registration_number=_unique_registration_number(),
                status=Status.DITERIMA,
                category=category,
                unit=unit,
                wilayah=unit.wilayah,
                reporter_type=reporter_type,
                identity_mode=identity_mode,
                received_on=today,
                updated_on=today,
            )
            code = seal_new_report(
                NewReport(report, title, details, accused, identity or None),
                keyring,
                reporter_user=reporter_user,
            )
            for upload in uploads:
                store_attachment(keyring, report, upload, source="reporter", stored_names=stored)
            workflow.open_case(report)
            if reporter_user is not None and reporter_user.notify_by_email:
                ReporterNotice.objects.create(report=report, user=reporter_user)
            if idempotency_key:
                idempotency.remember(idempotency_key, fingerprint, report.registration_number, code)
    except IntegrityError:
        earlier = replayed(idempotency_key, fingerprint) if idempotency_key else None
        if earlier is None:
            raise
        return earlier
    if reporter_keyring is not None:
        reporter_keyring.adopt(keyring)
    return Receipt(report.registration_number, code)


def replayed(idempotency_key: str, fingerprint: str) -> Receipt | None:
    """The receipt of the same submission already stored with this key, if any."""
    earlier = idempotency.remembered(idempotency_key, fingerprint)
    return Receipt(*earlier, replayed=True) if earlier else None


@contextlib.contextmanager
def _refused_when_full():
    """The attachment store's "no room" as this module's StoreFull (a NotAccepting), once the
    enclosed transaction has been rolled back and its files removed."""
    try:
        yield
    except files.StoreFull:
        raise StoreFull from None


def submit_cleaned(
    data: dict,
    people: list[dict],
    uploads,
    *,
    reporter_user=None,
    reporter_keyring=None,
    idempotency_key: str = "",
    fingerprint: str = "",
) -> Receipt:
    """submit_report() from the report form's cleaned data (the web form and the API share
    it): `data` as ReportForm.cleaned_data, `people` as AccusedFormSet.people()."""
    identity = None
    if data["identity_mode"] == IdentityMode.CONFIDENTIAL:
        identity = IdentityData(
            name=data["identity_name"].strip(),
            nip=data["identity_nip"],
            unit=data["identity_unit"].strip(),
            contact=data["identity_contact"].strip(),
        )
    details = ReportDetails(
        description=data["description"],
        location=data["location"],
        incident_date=data["incident_date"].isoformat() if data["incident_date"] else "",
        incident_period=data["incident_period"],
        estimated_loss=data["estimated_loss"],
        reported_elsewhere=data["reported_elsewhere"],
        reported_elsewhere_to=data["reported_elsewhere_to"] if data["reported_elsewhere"] else "",
    )
    return submit_report(
        category=data["category"],
        unit=data["unit"],
        reporter_type=data["reporter_type"],
        identity_mode=data["identity_mode"],
        title=data["title"],
        details=details,
        accused=[
            AccusedData(
                name=p["name"].strip(), position=p["position"].strip(), unit=p["unit"].strip()
            )
            for p in people
        ],
        identity=identity,
        uploads=uploads,
        reporter_user=reporter_user,
        reporter_keyring=reporter_keyring,
        idempotency_key=idempotency_key,
        fingerprint=fingerprint,
    )


def _locked(report: Report) -> Report:
    return Report.objects.select_for_update().get(pk=report.pk)


def add_reporter_message(keyring: Keyring, report: Report, body: str) -> Message:
    """The reporter writes to the Tim WBS. A case waiting for completion goes back to
    verification (workflow.reporter_replied); the case's last activity moves to today."""
    with transaction.atomic():
        report = _locked(report)
        message = add_message(keyring, report, body=body, author_kind=Message.Author.REPORTER)
        Report.objects.filter(pk=report.pk).update(updated_on=timezone.localdate())
        log.record(verb="reporter.message", actor_kind="reporter", target=report)
        case_services.reporter_news_arrived(report)
        workflow.reporter_replied(report)
    return message


def add_reporter_evidence(
    keyring: Keyring, report: Report, uploads: list[CheckedUpload], note: str
) -> int:
    """More evidence (and an optional note) from the reporter; like a message, it takes a case
    waiting for completion back to verification. Returns the number of files stored."""
    with _refused_when_full(), removing_on_failure() as stored, transaction.atomic():
        report = _locked(report)
        for upload in uploads:
            store_attachment(keyring, report, upload, source="reporter", stored_names=stored)
        if note:
            add_message(keyring, report, body=note, author_kind=Message.Author.REPORTER)
        Report.objects.filter(pk=report.pk).update(updated_on=timezone.localdate())
        log.record(
            verb="reporter.evidence",
            actor_kind="reporter",
            target=report,
            payload={"files": len(uploads)},
        )
        case_services.reporter_news_arrived(report)
        workflow.reporter_replied(report)
    return len(uploads)

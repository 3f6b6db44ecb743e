"""Writes on the reporter side: submission, reply, extra evidence. Each runs in one
transaction; if it fails, the ciphertext files it stored are removed again."""

import contextlib
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wbs.audit import log
from wbs.cases import workflow
from wbs.cases.models import Message, Report, Status
from wbs.vault import codes
from wbs.vault import reports as vault
from wbs.vault.filecheck import FileRejected
from wbs.vault.keyring import Keyring

from .models import ReporterNotice


class UploadProblem(Exception):
    """One or more files were refused; `messages` are for the reporter (no file names logged)."""

    def __init__(self, messages: list[str]):
        super().__init__("upload refused")
        self.messages = messages


@dataclass
class Receipt:
    registration_number: str
    access_code: str


def check_uploads(files, *, already_stored_bytes: int = 0) -> list[vault.CheckedUpload]:
    """Check every file by content and size. Raises UploadProblem listing each refusal."""
    problems: list[str] = []
    checked: list[vault.CheckedUpload] = []
    if len(files) > settings.WBS_MAX_FILES_PER_REQUEST:
        raise UploadProblem(
            [
                _("You can attach at most %(n)d files at a time.")
                % {"n": settings.WBS_MAX_FILES_PER_REQUEST}
            ]
        )
    total = already_stored_bytes
    max_mb = settings.WBS_MAX_FILE_BYTES // (1024 * 1024)
    for index, upload in enumerate(files, start=1):
        label = _("File %(n)d") % {"n": index}
        if getattr(upload, "too_large", False):
            problems.append(_("%(file)s is larger than %(mb)d MB.") % {"file": label, "mb": max_mb})
            continue
        total += upload.size
        try:
            checked.append(vault.inspect_upload(upload))
        except FileRejected as exc:
            problems.append(f"{label}: {exc.message}")
    if total > settings.WBS_MAX_REPORT_BYTES:
        problems.append(
            _("All evidence of one report together may be at most %(mb)d MB.")
            % {"mb": settings.WBS_MAX_REPORT_BYTES // (1024 * 1024)}
        )
    if problems:
        raise UploadProblem(problems)
    return checked


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
    details: vault.ReportDetails,
    accused: list[vault.AccusedData],
    identity: vault.IdentityData | None,
    uploads: list[vault.CheckedUpload],
    reporter_user=None,
    reporter_keyring: Keyring | None = None,
) -> Receipt:
    """Store a new report, encrypted, with its evidence. Returns the receipt (shown once).

    Side effects: Report, terlapor, grants, access code, attachments (ciphertext files), the
    DITERIMA history row and an audit event, all in one transaction."""
    stored: list[str] = []
    try:
        with transaction.atomic():
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
            keyring = Keyring()
            submission = vault.seal_new_report(
                report,
                title=title,
                details=details,
                accused=accused,
                identity=identity if identity else None,
                reporter_user=reporter_user,
                keyring=keyring,
            )
            for upload in uploads:
                vault.store_attachment(
                    keyring, report, upload, source="reporter", stored_names=stored
                )
            workflow.open_case(report)
            if reporter_user is not None and reporter_user.notify_by_email:
                ReporterNotice.objects.create(report=report, user=reporter_user)
    except BaseException:
        with contextlib.suppress(Exception):
            vault.delete_blobs(stored)
        raise
    if reporter_keyring is not None:
        for report_id in keyring.report_ids:
            entry = keyring._reports[report_id]
            reporter_keyring.add_report(report_id, rk=entry["rk"], ik=entry.get("ik"))
    return Receipt(report.registration_number, submission.access_code)


def _locked(report: Report) -> Report:
    return Report.objects.select_for_update().get(pk=report.pk)


def add_reporter_message(keyring: Keyring, report: Report, body: str) -> Message:
    """The reporter writes to the Tim WBS. If the case waits for completion, the workflow takes
    it back to verification (issue #3); here the message is stored and the case touched."""
    with transaction.atomic():
        report = _locked(report)
        message = vault.add_message(keyring, report, body=body, author_kind=Message.Author.REPORTER)
        Report.objects.filter(pk=report.pk).update(updated_on=timezone.localdate())
        log.record(verb="reporter.message", actor_kind="reporter", target=report)
        workflow.reporter_replied(report)
    return message


def add_reporter_evidence(
    keyring: Keyring, report: Report, uploads: list[vault.CheckedUpload], note: str
) -> int:
    stored: list[str] = []
    try:
        with transaction.atomic():
            report = _locked(report)
            for upload in uploads:
                vault.store_attachment(
                    keyring, report, upload, source="reporter", stored_names=stored
                )
            if note:
                vault.add_message(keyring, report, body=note, author_kind=Message.Author.REPORTER)
            Report.objects.filter(pk=report.pk).update(updated_on=timezone.localdate())
            log.record(
                verb="reporter.evidence",
                actor_kind="reporter",
                target=report,
                payload={"files": len(uploads)},
            )
            workflow.reporter_replied(report)
    except BaseException:
        with contextlib.suppress(Exception):
            vault.delete_blobs(stored)
        raise
    return len(uploads)


def stored_evidence_bytes(report: Report, keyring: Keyring) -> int:
    return sum(info.size for info in vault.attachment_infos(keyring, report.attachments.all()))

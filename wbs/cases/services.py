"""Casework writes and reads that are not status changes: messages, notes, the telaahan draft,
staff files, identity release. Status changes live in workflow.py only."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wbs.accounts.models import Role
from wbs.audit import log
from wbs.directory.models import OrganisationProfile
from wbs.vault import grants
from wbs.vault.keyring import NoAccess
from wbs.vault.uploads import check_uploads

from . import notifications
from .evidence import removing_on_failure, store_attachment
from .models import (
    Attachment,
    FollowUp,
    IdentityRequest,
    Message,
    Report,
    ResultReport,
    ReviewVersion,
    Status,
)
from .sealing import add_message

REVIEW_FIELDS = ("ringkasan", "fakta", "analisis", "indikasi", "dasar_hukum", "rekomendasi")


class IdentityError(Exception):
    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def may_write(user, report: Report) -> bool:
    """May send messages to the reporter: Verifikator, Inspektur, or the assigned Penelaah."""
    if user.has_role(Role.VERIFIKATOR, Role.INSPEKTUR):
        return True
    return user.has_role(Role.PENELAAH) and report.assignee_id == user.pk


def may_edit_review(user, report: Report) -> bool:
    return (
        user.has_role(Role.PENELAAH)
        and report.assignee_id == user.pk
        and report.status in (Status.DITELAAH, Status.DIKEMBALIKAN)
    )


def _locked(report: Report) -> Report:
    return Report.objects.select_for_update().get(pk=report.pk)


def staff_message(keyring, report: Report, user, body: str) -> Message:
    """A message the reporter sees. Side effects: first-answer date, audit event."""
    with transaction.atomic():
        report = _locked(report)
        message = add_message(
            keyring, report, body=body, author_kind=Message.Author.STAFF, author=user
        )
        today = timezone.localdate()
        updates = {"updated_on": today}
        if report.first_answered_on is None:
            updates["first_answered_on"] = today
        Report.objects.filter(pk=report.pk).update(**updates)
        log.record(verb="case.message_sent", actor=user, target=report)
        report_id = report.pk
        transaction.on_commit(lambda: notifications.reporter_news(report_id))
    return message


def staff_note(keyring, report: Report, user, body: str) -> Message:
    with transaction.atomic():
        report = _locked(report)
        message = add_message(
            keyring,
            report,
            body=body,
            author_kind=Message.Author.STAFF,
            author=user,
            kind=Message.Kind.NOTE,
        )
        log.record(verb="case.note_added", actor=user, target=report)
    return message


def store_staff_files(keyring, report: Report, user, files, *, purpose: str) -> Attachment | None:
    """Check and store files a staff member attaches (telaahan, Laporan Hasil); the first one's
    row, or None without files. Raises wbs.vault.uploads.UploadProblem. Audited."""
    if not files:
        return None
    uploads = check_uploads(files)
    with removing_on_failure() as stored, transaction.atomic():
        attachments = [
            store_attachment(
                keyring,
                report,
                upload,
                source=Attachment.Source.STAFF,
                uploaded_by=user,
                purpose=purpose,
                stored_names=stored,
            )
            for upload in uploads
        ]
        log.record(
            verb="case.files_added",
            actor=user,
            target=report,
            payload={"files": len(uploads), "purpose": purpose},
        )
    return attachments[0]


def save_review(keyring, report: Report, user, data: dict) -> ReviewVersion:
    """Save the telaahan draft: update the current draft, or start a new version after a
    submission or a return (earlier versions are kept)."""
    with transaction.atomic():
        report = _locked(report)
        latest = report.reviews.order_by("-version").first()
        if latest is not None and latest.state == ReviewVersion.State.DRAFT:
            review = latest
        else:
            review = ReviewVersion(
                report=report,
                version=(latest.version + 1) if latest else 1,
                author=user,
                created_on=timezone.localdate(),
            )
        review.author = user
        review.content.seal(keyring, {name: data.get(name, "") for name in REVIEW_FIELDS})
        review.save()
        log.record(
            verb="case.review_saved", actor=user, target=report, payload={"version": review.version}
        )
    return review


def open_reviews(keyring, report: Report) -> list[dict]:
    return [
        {
            "review": review,
            "content": review.content.open(keyring),
            "note": review.decision_note.open(keyring),
        }
        for review in report.reviews.select_related("author", "decided_by").order_by("-version")
    ]


def review_initial(keyring, report: Report) -> dict:
    latest = report.reviews.order_by("-version").first()
    return {} if latest is None else latest.content.open(keyring)


def open_follow_up(keyring, report: Report) -> dict | None:
    follow_up = FollowUp.objects.filter(report=report).select_related("decided_by").first()
    if follow_up is None:
        return None
    details = follow_up.details.open(keyring)
    try:
        st_date = datetime.date.fromisoformat(details.get("surat_tugas_date") or "")
    except ValueError:
        st_date = None
    return {"row": follow_up, "details": details, "surat_tugas_date": st_date}


def open_result(keyring, report: Report) -> dict | None:
    result = (
        ResultReport.objects.filter(report=report)
        .select_related("submitted_by", "verified_by", "approved_by")
        .first()
    )
    if result is None:
        return None
    return {"row": result, "text": result.text.open(keyring)}


def open_screenings(keyring, report: Report) -> list[dict]:
    return [
        {"row": s, "reason": s.reason.open(keyring)}
        for s in report.screenings.select_related("actor")
    ]


# --- identity release ------------------------------------------------------------------------


def request_identity(keyring, report: Report, user, reason: str) -> IdentityRequest:
    """A handler asks for the reporter's identity. Side effects: the request row (reason
    encrypted) and an audit event; the Inspektur sees it in their queue."""
    if not report.identity:
        raise IdentityError(
            gettext_lazy("This report was sent anonymously: there is no identity to release.")
        )
    if keyring.holds(report.pk, "identity"):
        raise IdentityError(gettext_lazy("You hold the identity key already."))
    if report.identity_requests.filter(
        requester=user, state=IdentityRequest.State.PENDING
    ).exists():
        raise IdentityError(gettext_lazy("You have a pending request already."))
    with transaction.atomic():
        identity_request = IdentityRequest(
            report=report, requester=user, created_on=timezone.localdate()
        )
        identity_request.reason.seal(keyring, reason)
        identity_request.save(force_insert=True)
        log.record(
            verb="identity.requested",
            actor=user,
            target=report,
            payload={"request": str(identity_request.pk)},
        )
    transaction.on_commit(
        lambda: notifications.work_waiting(notifications.users_with_roles([Role.INSPEKTUR]))
    )
    return identity_request


def decide_identity(
    keyring, identity_request: IdentityRequest, approver, *, approve: bool, reason: str
) -> IdentityRequest:
    """A different Inspektur approves (the identity key is sealed to the requester: the gate is
    cryptographic) or denies. Audited; the reporter is told of a release if the installation
    says so."""
    report = identity_request.report
    if not approver.has_role(Role.INSPEKTUR):
        raise IdentityError(gettext_lazy("Only an Inspektur may decide."))
    if approver.pk == identity_request.requester_id:
        raise IdentityError(gettext_lazy("A different Inspektur must decide on your own request."))
    with transaction.atomic():
        # Row lock: two Inspektur deciding at once — the second sees the first's decision.
        identity_request = IdentityRequest.objects.select_for_update().get(pk=identity_request.pk)
        if identity_request.state != IdentityRequest.State.PENDING:
            raise IdentityError(gettext_lazy("This request has been decided already."))
        identity_request.state = (
            IdentityRequest.State.APPROVED if approve else IdentityRequest.State.DENIED
        )
        identity_request.decided_by = approver
        identity_request.decided_on = timezone.localdate()
        identity_request.decision_reason.seal(keyring, reason)
        if approve:
            try:
                granted = grants.grant(
                    keyring,
                    report,
                    identity_request.requester,
                    grants.IDENTITY,
                    granted_by=approver,
                    reason="identity release",
                )
            except NoAccess:
                raise IdentityError(
                    gettext_lazy("You do not hold this report's identity key.")
                ) from None
            if not granted:
                raise IdentityError(gettext_lazy("The requester has no key pair."))
            if OrganisationProfile.get().show_identity_release_to_reporter:
                add_message(
                    keyring,
                    _locked(report),
                    body=_(
                        "Your identity has been disclosed to the officer handling your "
                        "report, with the Inspektur's approval, for the handling of the "
                        "report."
                    ),
                    author_kind=Message.Author.SYSTEM,
                    kind=Message.Kind.NOTICE,
                )
        identity_request.save()
        log.record(
            verb="identity.approved" if approve else "identity.denied",
            actor=approver,
            target=report,
            payload={
                "request": str(identity_request.pk),
                "requester": identity_request.requester_id,
            },
        )
    return identity_request


def identity_panel(keyring, report: Report, user) -> dict:
    """What the case page shows of identity release for `user`."""
    has_identity = bool(report.identity)
    holds_ik = has_identity and keyring.holds(report.pk, "identity")
    requests = list(report.identity_requests.select_related("requester", "decided_by"))
    readable = keyring.holds(report.pk)
    rows = [{"row": r, "reason": r.reason.open(keyring) if readable else None} for r in requests]
    pending_mine = any(r.requester_id == user.pk and r.state == "pending" for r in requests)
    return {
        "has_identity": has_identity,
        "holds_ik": holds_ik,
        "requests": rows,
        "can_request": has_identity
        and not holds_ik
        and readable
        and not pending_mine
        and may_write(user, report),
        "can_decide": user.has_role(Role.INSPEKTUR) and holds_ik,
    }

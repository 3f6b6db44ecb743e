"""Casework writes and reads that are not status changes: messages, notes, the telaahan draft,
staff files. Status changes live in workflow.py only; identity release in identity.py."""

import datetime

from django.db import transaction
from django.utils import timezone

from wbs.accounts.models import Role
from wbs.audit import log
from wbs.vault.uploads import check_uploads

from . import notifications, versioning
from .choices import result_parts, result_sections
from .evidence import removing_on_failure, store_attachment
from .models import (
    Attachment,
    FollowUp,
    Message,
    Report,
    ResultReport,
    ReviewVersion,
    Status,
)
from .sealing import add_message

REVIEW_FIELDS = ("ringkasan", "fakta", "analisis", "indikasi", "dasar_hukum", "rekomendasi")


def may_write(user, report: Report) -> bool:
    """May send messages to the reporter: Verifikator, Inspektur, or the assigned Penelaah."""
    if user.has_role(Role.VERIFIKATOR, Role.INSPEKTUR):
        return True
    return user.has_role(Role.PENELAAH) and report.assignee_id == user.pk


def handler_ids(report: Report) -> list[int]:
    """Who answers the reporter on this report and is told when they write: every active
    Verifikator, and the Penelaah it is assigned to (the Inspektur sees the queue)."""
    ids = notifications.users_with_roles([Role.VERIFIKATOR])
    if report.assignee_id and report.assignee.is_active:
        ids.append(report.assignee_id)
    return sorted(set(ids))


def reporter_news_arrived(report: Report) -> bool:
    """The reporter wrote or added evidence (inside their transaction): the report is marked
    "pesan baru" until a handler opens it, whatever its status (a closed report too), and its
    handlers get one content-free e-mail when the mark is set (not one per message). Returns
    whether the mark was new."""
    first = Report.objects.filter(pk=report.pk, reporter_news_on__isnull=True).update(
        reporter_news_on=timezone.localdate()
    )
    if first:
        versioning.bump()  # inbox counts cached under the old version would miss it
        ids = handler_ids(report)
        transaction.on_commit(lambda: notifications.reporter_wrote(ids))
    return bool(first)


def reporter_news_seen(user, keyring, report: Report):
    """A handler who can read the report opens its page: the "pesan baru" mark is cleared
    (audited). Returns the date the mark was set when this opening cleared it, else None.
    Someone who may not answer the reporter, or holds no key, leaves it for the handlers."""
    since = report.reporter_news_on
    if since is None or not may_write(user, report) or not keyring.holds(report.pk):
        return None
    cleared = Report.objects.filter(pk=report.pk, reporter_news_on=since).update(
        reporter_news_on=None
    )
    if not cleared:
        return None
    report.reporter_news_on = None
    versioning.bump()
    log.record(verb="case.reporter_news_seen", actor=user, target=report)
    return since


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
    content = result_sections(result.text.open(keyring))
    return {"row": result, "content": content, "parts": result_parts(content)}


def open_screenings(keyring, report: Report) -> list[dict]:
    return [
        {"row": s, "reason": s.reason.open(keyring), "override": s.override_reason.open(keyring)}
        for s in report.screenings.select_related("actor")
    ]


def forwarding_screening(keyring, report: Report) -> dict | None:
    """The screening of the report's last forward to telaah (opened), for the Lembar Telaahan."""
    rows = [s for s in open_screenings(keyring, report) if s["row"].decision == "forward"]
    return rows[-1] if rows else None

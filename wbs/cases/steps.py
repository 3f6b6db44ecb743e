"""What each step of the workflow does besides moving the status: screening records, grants,
the telaahan's state, follow-up and result records, messages to the reporter, stage clocks.

Called only by wbs.cases.workflow.apply(), inside its transaction with the report row locked
and after its checks; every function has the same signature and may raise TransitionError.
"""

import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wbs.accounts.models import Role
from wbs.directory import workdays
from wbs.directory.models import DeadlineRule
from wbs.vault import grants, listings

from .choices import result_content
from .models import (
    FollowUp,
    FollowUpDecision,
    Message,
    Outcome,
    Referral,
    ResultReport,
    ReviewVersion,
    Screening,
)
from .sealing import add_message


class TransitionError(Exception):
    """A move that the table does not allow, or a missing field. `message` is for people."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


CHECKLIST = ("complete_4w1h", "has_evidence", "within_jurisdiction", "accused_is_employee")


def deadline(stage: str, start: datetime.date) -> datetime.date | None:
    rule = DeadlineRule.objects.filter(stage=stage).first()
    if rule is None:
        return None
    return workdays.due_date(start, rule.days, rule.unit)


def _message_to_reporter(report, keyring, actor, text, kind=Message.Kind.NOTICE) -> None:
    if not text:
        return
    add_message(
        keyring, report, body=text, author_kind=Message.Author.STAFF, author=actor, kind=kind
    )
    if report.first_answered_on is None:
        report.first_answered_on = timezone.localdate()


def _screening(report, actor, data, decision, keyring) -> Screening:
    screening = Screening(
        report=report,
        actor=actor,
        on=timezone.localdate(),
        decision=decision,
        referral=data.get("referral", "") or "",
        **{name: bool(data.get(name)) for name in CHECKLIST},
    )
    screening.save()
    if data.get("reason") or data.get("override_reason"):
        # Sealed after the insert: the row id is part of the ciphertext's associated data.
        if data.get("reason"):
            screening.reason.seal(keyring, data["reason"])
        if data.get("override_reason"):
            screening.override_reason.seal(keyring, data["override_reason"])
        screening.save()
    return screening


def checks_missing(data) -> list[str]:
    """The verification checks (CHECKLIST) not ticked in `data`."""
    return [name for name in CHECKLIST if not data.get(name)]


# --- effects (run inside apply(), after the checks) ------------------------------------------


def start_verification(report, actor, keyring, data, today):
    pass  # the verification clock runs from receipt


def request_completion(report, actor, keyring, data, today):
    _screening(report, actor, data, Screening.Decision.REQUEST, keyring)
    _message_to_reporter(report, keyring, actor, data["message"], kind=Message.Kind.REQUEST)
    remaining = 0
    if report.stage_due_on:
        remaining = workdays.working_days_between(today, report.stage_due_on)
    report.paused_remaining_days = remaining
    report.clock_paused = True
    report.stage_due_on = deadline(DeadlineRule.Stage.COMPLETION, today)


def reporter_completed(report, actor, keyring, data, today):
    report.clock_paused = False
    report.stage_due_on = workdays.add_working_days(today, report.paused_remaining_days or 0)
    report.paused_remaining_days = None


def close_incomplete(report, actor, keyring, data, today):
    if actor is not None:
        _screening(report, actor, data, Screening.Decision.INCOMPLETE, keyring)
    report.outcome = Outcome.INCOMPLETE
    report.clock_paused = False
    report.paused_remaining_days = None


def reject(report, actor, keyring, data, today):
    _screening(report, actor, data, Screening.Decision.REJECT, keyring)
    report.referral = data.get("referral", "") or ""
    report.outcome = Outcome.REJECTED
    _message_to_reporter(report, keyring, actor, data.get("message", ""))


def forward(report, actor, keyring, data, today):
    # SOP: a report goes to telaah with the four verification checks ticked, or with the
    # Verifikator's written reason for forwarding without them (recorded, shown in the
    # Lembar Telaahan).
    if checks_missing(data) and not (data.get("override_reason") or "").strip():
        raise TransitionError(
            _(
                "Tick all four verification checks, or write why the report goes to telaah "
                "without them."
            )
        )
    if not checks_missing(data):
        data = {**data, "override_reason": ""}
    handler = data["handler"]
    if Role.PENELAAH not in handler.roles or handler.wilayah_id is None:
        raise TransitionError(_("The handler must be a Penelaah bound to an Irban area."))
    default_area = report.unit.wilayah_id
    if (
        handler.wilayah_id != default_area
        and not handler.wilayah.is_investigation
        and not (data.get("reason"))
    ):
        raise TransitionError(
            _("Give a reason for forwarding outside the Irban area that holds this OPD.")
        )
    _screening(report, actor, data, Screening.Decision.FORWARD, keyring)
    if not grants.grant(
        keyring, report, handler, scopes=[listings.HANDLER], granted_by=actor, reason="forward"
    ):
        raise TransitionError(
            _("The Penelaah's key is not listed yet: an Inspektur must approve their role.")
        )
    if report.assignee_id and report.assignee_id != handler.pk:
        grants.revoke(report, report.assignee)
    report.assignee = handler
    report.wilayah = handler.wilayah
    report.stage_due_on = deadline(DeadlineRule.Stage.REVIEW, today)
    _message_to_reporter(report, keyring, actor, data.get("message", ""))


def _current_review(report) -> ReviewVersion | None:
    return report.reviews.order_by("-version").first()


def submit_review(report, actor, keyring, data, today):
    review = _current_review(report)
    if review is None or review.state != ReviewVersion.State.DRAFT:
        raise TransitionError(_("Write the telaahan (a new draft) before sending it."))
    review.state = ReviewVersion.State.SUBMITTED
    review.save(update_fields=["state"])
    report.stage_due_on = deadline(DeadlineRule.Stage.APPROVAL, today)


def decide_review(state):
    def effect(report, actor, keyring, data, today):
        review = _current_review(report)
        if review is None or review.state != ReviewVersion.State.SUBMITTED:
            raise TransitionError(_("There is no telaahan waiting for a decision."))
        review.state = state
        review.decided_by = actor
        review.decided_on = today
        if data.get("notes"):
            review.decision_note.seal(keyring, data["notes"])
        review.save()
        if state == ReviewVersion.State.RETURNED:
            report.stage_due_on = deadline(DeadlineRule.Stage.REVIEW, today)
        else:
            report.stage_due_on = deadline(DeadlineRule.Stage.FOLLOW_UP, today)
        _message_to_reporter(report, keyring, actor, data.get("message", ""))

    return effect


def decide_follow_up(report, actor, keyring, data, today):
    decision = data["decision"]
    if decision not in FollowUpDecision.values:
        raise TransitionError(_("Choose a follow-up decision."))
    audit_like = decision in (
        FollowUpDecision.SPECIAL_EXAMINATION,
        FollowUpDecision.INVESTIGATIVE_AUDIT,
    )
    if audit_like and not (data.get("surat_tugas_number") and data.get("surat_tugas_date")):
        raise TransitionError(_("An examination or audit needs the Surat Tugas number and date."))
    if decision == FollowUpDecision.TO_LAW_ENFORCEMENT and not data.get("target"):
        raise TransitionError(_("Say to which body the report is referred."))
    follow_up = FollowUp(report=report, decision=decision, decided_by=actor, decided_on=today)
    follow_up.details.seal(
        keyring,
        {
            "surat_tugas_number": data.get("surat_tugas_number", ""),
            "surat_tugas_date": str(data.get("surat_tugas_date") or ""),
            "target": data.get("target", ""),
            "notes": data.get("notes", ""),
        },
    )
    FollowUp.objects.filter(report=report).delete()
    follow_up.save()
    report.follow_up_decision = decision
    if decision == FollowUpDecision.TO_LAW_ENFORCEMENT:
        report.referral = Referral.LAW_ENFORCEMENT
    report.stage_due_on = deadline(DeadlineRule.Stage.FOLLOW_UP, today)
    _message_to_reporter(report, keyring, actor, data.get("message", ""))


def submit_result(report, actor, keyring, data, today):
    result = ResultReport.objects.filter(report=report).first() or ResultReport(report=report)
    result.submitted_by = actor
    result.submitted_on = today
    result.verified_by = result.verified_on = None
    result.approved_by = result.approved_on = None
    result.text.seal(keyring, result_content(data))
    if data.get("attachment") is not None:
        result.attachment = data["attachment"]
    result.save()
    report.result_verified = False
    report.stage_due_on = deadline(DeadlineRule.Stage.RESULT, today)


def verify_result(report, actor, keyring, data, today):
    if report.result_verified:
        raise TransitionError(_("The result report is verified already."))
    ResultReport.objects.filter(report=report).update(verified_by=actor, verified_on=today)
    report.result_verified = True


def return_result(report, actor, keyring, data, today):
    if data.get("notes"):
        add_message(
            keyring,
            report,
            body=data["notes"],
            author_kind=Message.Author.STAFF,
            author=actor,
            kind=Message.Kind.NOTE,
        )
    report.result_verified = False
    report.stage_due_on = deadline(DeadlineRule.Stage.FOLLOW_UP, today)


def complete(report, actor, keyring, data, today):
    if not report.result_verified:
        raise TransitionError(_("The Verifikator must verify the result report first."))
    outcome = data["outcome"]
    if outcome not in (Outcome.PROVEN, Outcome.NOT_PROVEN, Outcome.REFERRED):
        raise TransitionError(_("Choose the outcome."))
    ResultReport.objects.filter(report=report).update(approved_by=actor, approved_on=today)
    report.outcome = outcome
    _message_to_reporter(report, keyring, actor, data["message"])

"""The state machine of a report (product.md §4). Nothing else assigns Report.status.

`TRANSITIONS` is the table: action → (from states, to state, roles allowed, fields required).
`apply()` is the one function that moves a report: in one transaction, with the report row
locked, it checks the table, runs the action's effect (screening record, grant, telaahan
state…), sets the status and the stage clock, writes the StatusChange row and the audit event,
and queues notifications for after the commit.
"""

import datetime
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wbs.accounts.models import Role
from wbs.audit import log
from wbs.directory import workdays
from wbs.directory.models import DeadlineRule, MessageTemplate
from wbs.vault import reports as vault

from . import versioning
from .models import (
    PUBLIC_STAGE_OF_STATUS,
    FollowUp,
    FollowUpDecision,
    Message,
    Outcome,
    Referral,
    Report,
    ResultReport,
    ReviewVersion,
    Screening,
    Status,
    StatusChange,
)

REPORTER = "reporter"  # pseudo-roles for moves made by the reporter or by the system
SYSTEM = "system"
S = Status


class TransitionError(Exception):
    """A move that the table does not allow, or a missing field. `message` is for people."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True)
class Transition:
    action: str
    label: str
    source: frozenset
    target: str
    roles: frozenset
    required: tuple[str, ...] = ()
    assignee_only: bool = False  # a Penelaah may act only on reports assigned to them
    effect: Callable | None = field(default=None, compare=False)


CHECKLIST = ("complete_4w1h", "has_evidence", "within_jurisdiction", "accused_is_employee")


def _deadline(stage: str, start: datetime.date) -> datetime.date | None:
    rule = DeadlineRule.objects.filter(stage=stage).first()
    if rule is None:
        return None
    return workdays.due_date(start, rule.days, rule.unit)


def _message_to_reporter(report, keyring, actor, text, kind=Message.Kind.NOTICE) -> None:
    if not text:
        return
    vault.add_message(
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
    if data.get("reason"):
        screening.reason_ct = vault.seal_value(
            keyring,
            report,
            table="screening",
            field="reason",
            pk=screening.pk,
            value=data["reason"],
        )
        screening.save(update_fields=["reason_ct"])
    return screening


# --- effects (run inside apply(), after the checks) ------------------------------------------


def _start_verification(report, actor, keyring, data, today):
    pass  # the verification clock runs from receipt


def _request_completion(report, actor, keyring, data, today):
    _screening(report, actor, data, Screening.Decision.REQUEST, keyring)
    _message_to_reporter(report, keyring, actor, data["message"], kind=Message.Kind.REQUEST)
    remaining = 0
    if report.stage_due_on:
        remaining = workdays.working_days_between(today, report.stage_due_on)
    report.paused_remaining_days = remaining
    report.clock_paused = True
    report.stage_due_on = _deadline(DeadlineRule.Stage.COMPLETION, today)


def _reporter_completed(report, actor, keyring, data, today):
    report.clock_paused = False
    report.stage_due_on = workdays.add_working_days(today, report.paused_remaining_days or 0)
    report.paused_remaining_days = None


def _close_incomplete(report, actor, keyring, data, today):
    if actor is not None:
        _screening(report, actor, data, Screening.Decision.INCOMPLETE, keyring)
    report.outcome = Outcome.INCOMPLETE
    report.clock_paused = False
    report.paused_remaining_days = None


def _reject(report, actor, keyring, data, today):
    _screening(report, actor, data, Screening.Decision.REJECT, keyring)
    report.referral = data.get("referral", "") or ""
    report.outcome = Outcome.REJECTED
    _message_to_reporter(report, keyring, actor, data.get("message", ""))


def _forward(report, actor, keyring, data, today):
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
    if not vault.grant_report_key(keyring, report, handler, granted_by=actor, reason="forward"):
        raise TransitionError(_("The handler has no key pair yet; they must log in once."))
    if report.assignee_id and report.assignee_id != handler.pk:
        vault.revoke_report_key(report, report.assignee)
    report.assignee = handler
    report.wilayah = handler.wilayah
    report.stage_due_on = _deadline(DeadlineRule.Stage.REVIEW, today)
    _message_to_reporter(report, keyring, actor, data.get("message", ""))


def _current_review(report) -> ReviewVersion | None:
    return report.reviews.order_by("-version").first()


def _submit_review(report, actor, keyring, data, today):
    review = _current_review(report)
    if review is None or review.state != ReviewVersion.State.DRAFT:
        raise TransitionError(_("Write the telaahan (a new draft) before sending it."))
    review.state = ReviewVersion.State.SUBMITTED
    review.save(update_fields=["state"])
    report.stage_due_on = _deadline(DeadlineRule.Stage.APPROVAL, today)


def _decide_review(state):
    def effect(report, actor, keyring, data, today):
        review = _current_review(report)
        if review is None or review.state != ReviewVersion.State.SUBMITTED:
            raise TransitionError(_("There is no telaahan waiting for a decision."))
        review.state = state
        review.decided_by = actor
        review.decided_on = today
        if data.get("notes"):
            review.decision_note_ct = vault.seal_value(
                keyring,
                report,
                table="review",
                field="decision_note",
                pk=review.pk,
                value=data["notes"],
            )
        review.save()
        if state == ReviewVersion.State.RETURNED:
            report.stage_due_on = _deadline(DeadlineRule.Stage.REVIEW, today)
        else:
            report.stage_due_on = _deadline(DeadlineRule.Stage.FOLLOW_UP, today)
        _message_to_reporter(report, keyring, actor, data.get("message", ""))

    return effect


def _decide_follow_up(report, actor, keyring, data, today):
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
    details = {
        "surat_tugas_number": data.get("surat_tugas_number", ""),
        "surat_tugas_date": str(data.get("surat_tugas_date") or ""),
        "target": data.get("target", ""),
        "notes": data.get("notes", ""),
    }
    follow_up.details_ct = vault.seal_value(
        keyring, report, table="follow_up", field="details", pk=report.pk, value=details
    )
    FollowUp.objects.filter(report=report).delete()
    follow_up.save()
    report.follow_up_decision = decision
    if decision == FollowUpDecision.TO_LAW_ENFORCEMENT:
        report.referral = Referral.LAW_ENFORCEMENT
    report.stage_due_on = _deadline(DeadlineRule.Stage.FOLLOW_UP, today)
    _message_to_reporter(report, keyring, actor, data.get("message", ""))


def _submit_result(report, actor, keyring, data, today):
    result = ResultReport.objects.filter(report=report).first() or ResultReport(report=report)
    result.submitted_by = actor
    result.submitted_on = today
    result.verified_by = result.verified_on = None
    result.approved_by = result.approved_on = None
    result.text_ct = vault.seal_value(
        keyring, report, table="result", field="text", pk=report.pk, value=data["text"]
    )
    if data.get("attachment") is not None:
        result.attachment = data["attachment"]
    result.save()
    report.result_verified = False
    report.stage_due_on = _deadline(DeadlineRule.Stage.RESULT, today)


def _verify_result(report, actor, keyring, data, today):
    if report.result_verified:
        raise TransitionError(_("The result report is verified already."))
    ResultReport.objects.filter(report=report).update(verified_by=actor, verified_on=today)
    report.result_verified = True


def _return_result(report, actor, keyring, data, today):
    if data.get("notes"):
        vault.add_message(
            keyring,
            report,
            body=data["notes"],
            author_kind=Message.Author.STAFF,
            author=actor,
            kind=Message.Kind.NOTE,
        )
    report.result_verified = False
    report.stage_due_on = _deadline(DeadlineRule.Stage.FOLLOW_UP, today)


def _complete(report, actor, keyring, data, today):
    if not report.result_verified:
        raise TransitionError(_("The Verifikator must verify the result report first."))
    outcome = data["outcome"]
    if outcome not in (Outcome.PROVEN, Outcome.NOT_PROVEN, Outcome.REFERRED):
        raise TransitionError(_("Choose the outcome."))
    ResultReport.objects.filter(report=report).update(approved_by=actor, approved_on=today)
    report.outcome = outcome
    _message_to_reporter(report, keyring, actor, data["message"])


def _row(
    action, label, source, target, roles, required=(), *, assignee_only=False, effect=None
) -> Transition:
    return Transition(
        action=action,
        label=label,
        source=frozenset(source),
        target=target,
        roles=frozenset(roles),
        required=tuple(required),
        assignee_only=assignee_only,
        effect=effect,
    )


V, P, I = Role.VERIFIKATOR, Role.PENELAAH, Role.INSPEKTUR  # noqa: E741
TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in [
        _row(
            "start_verification",
            _("Start verification"),
            [S.DITERIMA],
            S.VERIFIKASI,
            [V],
            effect=_start_verification,
        ),
        _row(
            "request_completion",
            _("Ask the reporter to complete"),
            [S.VERIFIKASI],
            S.PERLU_KELENGKAPAN,
            [V],
            ["message"],
            effect=_request_completion,
        ),
        _row(
            "reporter_completed",
            _("Reporter completed the report"),
            [S.PERLU_KELENGKAPAN],
            S.VERIFIKASI,
            [REPORTER, SYSTEM],
            effect=_reporter_completed,
        ),
        _row(
            "close_incomplete",
            _("Close as incomplete"),
            [S.PERLU_KELENGKAPAN],
            S.DITOLAK,
            [V, SYSTEM],
            effect=_close_incomplete,
        ),
        _row("reject", _("Reject"), [S.VERIFIKASI], S.DITOLAK, [V], ["reason"], effect=_reject),
        _row(
            "forward",
            _("Forward for review (telaah)"),
            [S.VERIFIKASI],
            S.DITELAAH,
            [V],
            ["handler"],
            effect=_forward,
        ),
        _row(
            "submit_review",
            _("Send the telaahan for approval"),
            [S.DITELAAH, S.DIKEMBALIKAN],
            S.MENUNGGU_PERSETUJUAN,
            [P],
            assignee_only=True,
            effect=_submit_review,
        ),
        _row(
            "return_review",
            _("Return the telaahan with notes"),
            [S.MENUNGGU_PERSETUJUAN],
            S.DIKEMBALIKAN,
            [I],
            ["notes"],
            effect=_decide_review("returned"),
        ),
        _row(
            "approve_review",
            _("Approve the telaahan"),
            [S.MENUNGGU_PERSETUJUAN],
            S.DISETUJUI,
            [I],
            effect=_decide_review("approved"),
        ),
        _row(
            "decide_follow_up",
            _("Decide the follow-up"),
            [S.DISETUJUI],
            S.TINDAK_LANJUT,
            [I],
            ["decision"],
            effect=_decide_follow_up,
        ),
        _row(
            "submit_result",
            _("Submit the Laporan Hasil Pengaduan"),
            [S.TINDAK_LANJUT],
            S.LAPORAN_HASIL,
            [P],
            ["text"],
            assignee_only=True,
            effect=_submit_result,
        ),
        _row(
            "verify_result",
            _("Verify the Laporan Hasil"),
            [S.LAPORAN_HASIL],
            S.LAPORAN_HASIL,
            [V],
            effect=_verify_result,
        ),
        _row(
            "return_result",
            _("Return the Laporan Hasil"),
            [S.LAPORAN_HASIL],
            S.TINDAK_LANJUT,
            [V, I],
            ["notes"],
            effect=_return_result,
        ),
        _row(
            "complete",
            _("Approve and complete"),
            [S.LAPORAN_HASIL],
            S.SELESAI,
            [I],
            ["outcome", "message"],
            effect=_complete,
        ),
    ]
}

# Who gets a "work is waiting" e-mail after each move (roles, or the assignee).
NOTIFY = {
    "reporter_completed": ("roles", [V]),
    "forward": ("assignee", None),
    "submit_review": ("roles", [I]),
    "return_review": ("assignee", None),
    "approve_review": ("assignee", None),
    "decide_follow_up": ("assignee", None),
    "submit_result": ("roles", [V]),
    "verify_result": ("roles", [I]),
    "return_result": ("assignee", None),
}


def _actor_roles(actor, actor_kind: str) -> frozenset:
    if actor_kind == REPORTER:
        return frozenset({REPORTER})
    if actor_kind == SYSTEM:
        return frozenset({SYSTEM})
    return actor.roles


def check(report: Report, action: str, actor, *, actor_kind: str = "staff") -> Transition:
    """The transition if `actor` may make it now; raises TransitionError otherwise."""
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise TransitionError(_("Unknown action."))
    if report.status not in transition.source:
        raise TransitionError(_("This step is not possible in the report's current state."))
    if not _actor_roles(actor, actor_kind) & transition.roles:
        raise TransitionError(_("Your role may not take this step."))
    if transition.assignee_only and actor_kind == "staff" and report.assignee_id != actor.pk:
        raise TransitionError(_("Only the assigned Penelaah may take this step."))
    if action == "close_incomplete" and (
        report.stage_due_on is None or report.stage_due_on >= timezone.localdate()
    ):
        raise TransitionError(_("The reporter's time to complete has not run out yet."))
    if action == "complete" and not report.result_verified:
        raise TransitionError(_("The Verifikator must verify the result report first."))
    if action == "verify_result" and report.result_verified:
        raise TransitionError(_("The result report is verified already."))
    return transition


def allowed_actions(report: Report, actor) -> list[Transition]:
    """The moves this staff user may make now (for the case page)."""
    allowed = []
    for action in TRANSITIONS:
        try:
            allowed.append(check(report, action, actor))
        except TransitionError:
            continue
    return [t for t in allowed if SYSTEM not in t.roles or len(t.roles) > 1]


def apply(
    report: Report,
    action: str,
    *,
    actor=None,
    actor_kind: str = "staff",
    keyring=None,
    data: dict | None = None,
) -> Report:
    """Make one move. Side effects, all in one transaction with the report row locked: the
    action's effect, the new status and stage clock, a StatusChange row, an audit event;
    after the commit, "work is waiting" e-mails. Raises TransitionError if not allowed."""
    data = data or {}
    with transaction.atomic():
        report = Report.objects.select_for_update().select_related("unit").get(pk=report.pk)
        transition = check(report, action, actor, actor_kind=actor_kind)
        missing = [name for name in transition.required if not data.get(name)]
        if missing:
            raise TransitionError(_("Fill in the required fields of this step."))
        today = timezone.localdate()
        before = report.status
        stage_start = report.stage_started_on or report.received_on
        days_in_stage = workdays.working_days_between(stage_start, today)
        on_time = None if report.stage_due_on is None else today <= report.stage_due_on
        if transition.effect is not None:
            transition.effect(
                report, actor if actor_kind == "staff" else None, keyring, data, today
            )
        report.status = transition.target
        report.updated_on = today
        if transition.target != before:
            report.stage_started_on = today
        if transition.target in (S.DITOLAK, S.SELESAI):
            report.closed_on = today
            report.stage_due_on = None
        report.save()
        public = (
            PUBLIC_STAGE_OF_STATUS[Status(transition.target)]
            != PUBLIC_STAGE_OF_STATUS[Status(before)]
        )
        StatusChange.objects.create(
            report=report,
            from_status=before,
            to_status=transition.target,
            action=action,
            actor=actor if actor_kind == "staff" else None,
            on=today,
            public=public,
            days_in_stage=days_in_stage,
            on_time=on_time,
        )
        payload = {"from": before, "to": transition.target}
        payload.update({k: bool(data.get(k)) for k in CHECKLIST if k in data})
        for key in ("referral", "decision", "outcome"):
            if data.get(key):
                payload[key] = data[key]
        if "handler" in data:
            payload["handler"] = data["handler"].pk
        log.record(
            verb=f"workflow.{action}",
            actor=actor if actor_kind == "staff" else None,
            actor_kind=actor_kind,
            target=report,
            payload=payload,
        )
        versioning.bump()
        _queue_notifications(report, action, reporter_news=public or bool(data.get("message")))
    return report


def _queue_notifications(report: Report, action: str, *, reporter_news: bool) -> None:
    from . import notifications

    if reporter_news:
        report_id = report.pk
        transaction.on_commit(lambda: notifications.reporter_news(report_id))
    rule = NOTIFY.get(action)
    if rule is None:
        return
    kind, roles = rule
    if kind == "assignee":
        user_ids = [report.assignee_id] if report.assignee_id else []
    else:
        user_ids = notifications.users_with_roles(roles)
    transaction.on_commit(lambda: notifications.work_waiting(user_ids))


# --- entry points used outside the table ------------------------------------------------------


def open_case(report: Report) -> None:
    """Record the receipt of a freshly saved report (status DITERIMA) and start its clocks.

    Side effects: one StatusChange row (public), one audit event, a notification to the
    Verifikators after the commit. Runs in the submission's transaction."""
    today = report.received_on
    report.stage_started_on = today
    report.stage_due_on = _deadline(DeadlineRule.Stage.VERIFICATION, today)
    report.first_answer_due_on = _deadline(DeadlineRule.Stage.FIRST_ANSWER, today)
    Report.objects.filter(pk=report.pk).update(
        stage_started_on=report.stage_started_on,
        stage_due_on=report.stage_due_on,
        first_answer_due_on=report.first_answer_due_on,
    )
    StatusChange.objects.create(
        report=report, from_status="", to_status=Status.DITERIMA, action="submitted", on=today
    )
    log.record(verb="report.submitted", actor_kind="reporter", target=report)
    versioning.bump()
    from . import notifications

    transaction.on_commit(lambda: notifications.work_waiting(notifications.users_with_roles([V])))


def reporter_replied(report: Report) -> None:
    """The reporter answered: a report waiting for completion goes back to verification."""
    if report.status == Status.PERLU_KELENGKAPAN:
        apply(report, "reporter_completed", actor_kind=REPORTER)


def close_expired_completion_requests(today: datetime.date | None = None) -> int:
    """Close reports whose reporter did not complete them in time (daily task)."""
    today = today or timezone.localdate()
    closed = 0
    for report in Report.objects.filter(status=Status.PERLU_KELENGKAPAN, stage_due_on__lt=today):
        try:
            apply(report, "close_incomplete", actor_kind=SYSTEM)
        except TransitionError:
            continue
        closed += 1
    return closed


def incomplete_reason_text() -> str:
    return MessageTemplate.text("incomplete")[1]


# --- seeding (demo data and benchmarks) -------------------------------------------------------

# Paths a fictional report takes; every state is the end of at least one path.
_PATHS = [
    [S.DITERIMA],
    [S.DITERIMA, S.VERIFIKASI],
    [S.DITERIMA, S.VERIFIKASI, S.PERLU_KELENGKAPAN],
    [S.DITERIMA, S.VERIFIKASI, S.DITOLAK],
    [S.DITERIMA, S.VERIFIKASI, S.PERLU_KELENGKAPAN, S.DITOLAK],
    [S.DITERIMA, S.VERIFIKASI, S.DITELAAH],
    [S.DITERIMA, S.VERIFIKASI, S.DITELAAH, S.MENUNGGU_PERSETUJUAN],
    [S.DITERIMA, S.VERIFIKASI, S.DITELAAH, S.MENUNGGU_PERSETUJUAN, S.DIKEMBALIKAN],
    [S.DITERIMA, S.VERIFIKASI, S.DITELAAH, S.MENUNGGU_PERSETUJUAN, S.DISETUJUI],
    [S.DITERIMA, S.VERIFIKASI, S.DITELAAH, S.MENUNGGU_PERSETUJUAN, S.DISETUJUI, S.TINDAK_LANJUT],
    [
        S.DITERIMA,
        S.VERIFIKASI,
        S.DITELAAH,
        S.MENUNGGU_PERSETUJUAN,
        S.DISETUJUI,
        S.TINDAK_LANJUT,
        S.LAPORAN_HASIL,
    ],
    [
        S.DITERIMA,
        S.VERIFIKASI,
        S.DITELAAH,
        S.MENUNGGU_PERSETUJUAN,
        S.DISETUJUI,
        S.TINDAK_LANJUT,
        S.LAPORAN_HASIL,
        S.SELESAI,
    ],
]
_ACTION_OF = {
    (t_src, t.target): t.action
    for t in TRANSITIONS.values()
    for t_src in t.source
    if SYSTEM not in t.roles or t.action == "close_incomplete"
}
_STAGE_OF_STATUS = {
    S.DITERIMA: DeadlineRule.Stage.VERIFICATION,
    S.VERIFIKASI: DeadlineRule.Stage.VERIFICATION,
    S.PERLU_KELENGKAPAN: DeadlineRule.Stage.COMPLETION,
    S.DITELAAH: DeadlineRule.Stage.REVIEW,
    S.DIKEMBALIKAN: DeadlineRule.Stage.REVIEW,
    S.MENUNGGU_PERSETUJUAN: DeadlineRule.Stage.APPROVAL,
    S.DISETUJUI: DeadlineRule.Stage.FOLLOW_UP,
    S.TINDAK_LANJUT: DeadlineRule.Stage.FOLLOW_UP,
    S.LAPORAN_HASIL: DeadlineRule.Stage.RESULT,
}


def _seed_path(rng, age_days: int) -> list:
    if age_days > 150:
        weights = [0, 0, 0, 8, 4, 1, 0, 0, 0, 2, 1, 30]
    elif age_days > 40:
        weights = [1, 1, 2, 3, 2, 3, 2, 1, 2, 4, 3, 8]
    else:
        weights = [6, 5, 3, 2, 0, 4, 2, 1, 1, 1, 0, 0]
    return rng.choices(_PATHS, weights=weights)[0]


def seed_history(
    reports: list[Report],
    *,
    rng,
    keyring,
    today: datetime.date,
    cover_every_state: bool = False,
) -> None:
    """Move freshly seeded (fictional) reports through the workflow in bulk: history rows,
    status, clocks, handler grants, telaahan, follow-up and result records. The same rules as
    apply(), written in bulk because 100,000 single transitions would take hours.
    `cover_every_state`: the first reports take each path once, so that every state holds
    some reports even in a small seed (the rest are drawn by age)."""
    from django.contrib.auth import get_user_model

    rules = {r.stage: r for r in DeadlineRule.objects.all()}
    penelaah_by_area: dict[int, list] = {}
    for user in get_user_model().objects.filter(
        kind="staff", is_active=True, role_assignments__role=Role.PENELAAH
    ):
        penelaah_by_area.setdefault(user.wilayah_id, []).append(user)
    inspektur = get_user_model().objects.filter(role_assignments__role=Role.INSPEKTUR).first()
    verifikator = get_user_model().objects.filter(role_assignments__role=Role.VERIFIKATOR).first()

    def due(stage, start):
        rule = rules.get(stage)
        return workdays.due_date(start, rule.days, rule.unit) if rule else None

    changes, reviews, follow_ups, results, grants = [], [], [], [], []
    for index, report in enumerate(reports):
        if cover_every_state and index < len(_PATHS):
            path = _PATHS[index]
        else:
            path = _seed_path(rng, (today - report.received_on).days)
        day = report.received_on
        report.first_answer_due_on = due(DeadlineRule.Stage.FIRST_ANSWER, day)
        changes.append(
            StatusChange(
                report=report, from_status="", to_status=S.DITERIMA, action="submitted", on=day
            )
        )
        stage_due = due(DeadlineRule.Stage.VERIFICATION, day)
        for before, after in itertools.pairwise(path):
            spent = rng.choice([1, 2, 2, 3, 3, 4, 5, 6, 8, 12])
            step = workdays.add_working_days(day, spent)
            if step > today:
                break
            day = step
            public = PUBLIC_STAGE_OF_STATUS[before] != PUBLIC_STAGE_OF_STATUS[after]
            changes.append(
                StatusChange(
                    report=report,
                    from_status=before,
                    to_status=after,
                    action=_ACTION_OF.get((before, after), ""),
                    on=day,
                    public=public,
                    days_in_stage=spent,
                    on_time=None if stage_due is None else day <= stage_due,
                )
            )
            report.status = after
            stage_due = due(_STAGE_OF_STATUS.get(after), day)
        status = report.status
        report.stage_started_on = day
        report.updated_on = day
        report.stage_due_on = due(_STAGE_OF_STATUS.get(status), day)
        if status == S.PERLU_KELENGKAPAN:
            report.clock_paused, report.paused_remaining_days = True, rng.randint(0, 2)
        if status in (S.DITOLAK, S.SELESAI):
            report.closed_on, report.stage_due_on = day, None
            report.first_answered_on = day
        reached = path.index(status)
        if status == S.DITOLAK:
            report.outcome = Outcome.INCOMPLETE if S.PERLU_KELENGKAPAN in path else Outcome.REJECTED
        if S.DITELAAH in path[: reached + 1]:
            candidates = penelaah_by_area.get(report.wilayah_id) or []
            if candidates:
                handler = rng.choice(candidates)
                report.assignee = handler
                grants.append((report, handler))
        if S.MENUNGGU_PERSETUJUAN in path[: reached + 1] and report.assignee:
            state = {
                S.MENUNGGU_PERSETUJUAN: ReviewVersion.State.SUBMITTED,
                S.DIKEMBALIKAN: ReviewVersion.State.RETURNED,
            }.get(status, ReviewVersion.State.APPROVED)
            review = ReviewVersion(
                report=report, version=1, author=report.assignee, created_on=day, state=state
            )
            review.content_ct = vault.seal_value(
                keyring,
                report,
                table="review",
                field="content",
                pk=review.pk,
                value={
                    "ringkasan": "Ringkasan laporan (data contoh).",
                    "fakta": "Fakta yang ditemukan (data contoh).",
                    "analisis": "Analisis (data contoh).",
                    "indikasi": "Indikasi pelanggaran.",
                    "dasar_hukum": "PP 94/2021 tentang Disiplin PNS.",
                    "rekomendasi": "Rekomendasi tindak lanjut (data contoh).",
                },
            )
            reviews.append(review)
        if S.TINDAK_LANJUT in path[: reached + 1] and inspektur and report.assignee:
            decision = rng.choice(FollowUpDecision.values)
            report.follow_up_decision = decision
            follow_up = FollowUp(
                report=report, decision=decision, decided_by=inspektur, decided_on=day
            )
            follow_up.details_ct = vault.seal_value(
                keyring,
                report,
                table="follow_up",
                field="details",
                pk=report.pk,
                value={
                    "surat_tugas_number": f"700.1.2.4/{rng.randint(1, 999)}/ITDA/{day.year}",
                    "surat_tugas_date": day.isoformat(),
                    "target": "",
                    "notes": "",
                },
            )
            follow_ups.append(follow_up)
        if S.LAPORAN_HASIL in path[: reached + 1] and report.assignee:
            result = ResultReport(report=report, submitted_by=report.assignee, submitted_on=day)
            if status == S.SELESAI:
                result.verified_by, result.verified_on = verifikator, day
                result.approved_by, result.approved_on = inspektur, day
                report.result_verified = True
                report.outcome = rng.choice([Outcome.PROVEN, Outcome.NOT_PROVEN, Outcome.REFERRED])
            result.text_ct = vault.seal_value(
                keyring,
                report,
                table="result",
                field="text",
                pk=report.pk,
                value="Laporan Hasil Pengaduan (data contoh).",
            )
            results.append(result)
    Report.objects.bulk_update(
        reports,
        [
            "status",
            "stage_started_on",
            "stage_due_on",
            "updated_on",
            "clock_paused",
            "paused_remaining_days",
            "closed_on",
            "first_answer_due_on",
            "first_answered_on",
            "outcome",
            "assignee",
            "follow_up_decision",
            "result_verified",
        ],
        batch_size=1000,
    )
    StatusChange.objects.bulk_create(changes, batch_size=2000)
    ReviewVersion.objects.bulk_create(reviews, batch_size=1000)
    FollowUp.objects.bulk_create(follow_ups, batch_size=1000)
    ResultReport.objects.bulk_create(results, batch_size=1000)
    vault.grant_report_keys_in_bulk(keyring, grants)
    versioning.bump()

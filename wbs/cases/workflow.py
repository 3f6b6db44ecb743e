"""The state machine of a report (docs/design/product.md §4). Nothing else assigns Report.status.

`TRANSITIONS` is the table: action → (from states, to state, roles allowed, fields required).
`apply()` is the one function that moves a report: in one transaction, with the report row
locked, it checks the table, runs the action's effect (screening record, grant, telaahan
state…), sets the status and the stage clock, writes the StatusChange row and the audit event,
and queues notifications for after the commit.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wbs.accounts.models import Role
from wbs.audit import log
from wbs.directory import workdays
from wbs.directory.models import DeadlineRule, MessageTemplate

from . import notifications, steps, versioning
from .models import (
    PUBLIC_STAGE_OF_STATUS,
    Report,
    Status,
    StatusChange,
)
from .steps import CHECKLIST, TransitionError, checks_missing

REPORTER = "reporter"  # pseudo-roles for moves made by the reporter or by the system
SYSTEM = "system"
S = Status


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
            effect=steps.start_verification,
        ),
        _row(
            "request_completion",
            _("Ask the reporter to complete"),
            [S.VERIFIKASI],
            S.PERLU_KELENGKAPAN,
            [V],
            ["message"],
            effect=steps.request_completion,
        ),
        _row(
            "reporter_completed",
            _("Reporter completed the report"),
            [S.PERLU_KELENGKAPAN],
            S.VERIFIKASI,
            [REPORTER, SYSTEM],
            effect=steps.reporter_completed,
        ),
        _row(
            "close_incomplete",
            _("Close as incomplete"),
            [S.PERLU_KELENGKAPAN],
            S.DITOLAK,
            [V, SYSTEM],
            effect=steps.close_incomplete,
        ),
        _row(
            "reject", _("Reject"), [S.VERIFIKASI], S.DITOLAK, [V], ["reason"], effect=steps.reject
        ),
        _row(
            "forward",
            _("Forward for review (telaah)"),
            [S.VERIFIKASI],
            S.DITELAAH,
            [V],
            ["handler"],
            effect=steps.forward,
        ),
        _row(
            "submit_review",
            _("Send the telaahan for approval"),
            [S.DITELAAH, S.DIKEMBALIKAN],
            S.MENUNGGU_PERSETUJUAN,
            [P],
            assignee_only=True,
            effect=steps.submit_review,
        ),
        _row(
            "return_review",
            _("Return the telaahan with notes"),
            [S.MENUNGGU_PERSETUJUAN],
            S.DIKEMBALIKAN,
            [I],
            ["notes"],
            effect=steps.decide_review("returned"),
        ),
        _row(
            "approve_review",
            _("Approve the telaahan"),
            [S.MENUNGGU_PERSETUJUAN],
            S.DISETUJUI,
            [I],
            effect=steps.decide_review("approved"),
        ),
        _row(
            "decide_follow_up",
            _("Decide the follow-up"),
            [S.DISETUJUI],
            S.TINDAK_LANJUT,
            [I],
            ["decision"],
            effect=steps.decide_follow_up,
        ),
        _row(
            "submit_result",
            _("Submit the Laporan Hasil Pengaduan"),
            [S.TINDAK_LANJUT],
            S.LAPORAN_HASIL,
            [P],
            ["text"],
            assignee_only=True,
            effect=steps.submit_result,
        ),
        _row(
            "verify_result",
            _("Verify the Laporan Hasil"),
            [S.LAPORAN_HASIL],
            S.LAPORAN_HASIL,
            [V],
            effect=steps.verify_result,
        ),
        _row(
            "return_result",
            _("Return the Laporan Hasil"),
            [S.LAPORAN_HASIL],
            S.TINDAK_LANJUT,
            [V, I],
            ["notes"],
            effect=steps.return_result,
        ),
        _row(
            "complete",
            _("Approve and complete"),
            [S.LAPORAN_HASIL],
            S.SELESAI,
            [I],
            ["outcome", "message"],
            effect=steps.complete,
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
        if data.get("override_reason") and checks_missing(data):
            payload["checks_overridden"] = True  # the reason itself is sealed, never logged
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
    report.stage_due_on = steps.deadline(DeadlineRule.Stage.VERIFICATION, today)
    report.first_answer_due_on = steps.deadline(DeadlineRule.Stage.FIRST_ANSWER, today)
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

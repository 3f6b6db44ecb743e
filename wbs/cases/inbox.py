"""Who sees which report, and the inbox queues and filters. Plain metadata only: nothing here
decrypts (titles are opened in the view, for grant holders, one page at a time).
`report_for()` is how every staff page fetches a report: 404 to anyone who may not see it."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from wbs.accounts.models import Role
from wbs.audit import log
from wbs.directory import workdays

from . import versioning
from .choices import OPEN_STATUSES
from .models import IdentityRequest, Report, Status

# Roles that see every report's metadata (content still needs a grant).
ALL_REPORT_ROLES = frozenset({Role.VERIFIKATOR, Role.INSPEKTUR, Role.PENANGGUNG_JAWAB})
# Roles with case pages (the Penelaah sees only the reports assigned to them).
CASE_ROLES = (Role.VERIFIKATOR, Role.PENELAAH, Role.INSPEKTUR, Role.PENANGGUNG_JAWAB)
S = Status


def visible_reports(user) -> QuerySet:
    """Reports whose case page `user` may open. Pembina and Administrator see none."""
    if not user.is_authenticated or not user.is_wbs_staff:
        return Report.objects.none()
    if user.roles & ALL_REPORT_ROLES:
        return Report.objects.all()
    if Role.PENELAAH in user.roles:
        return Report.objects.filter(assignee=user)
    return Report.objects.none()


def report_for(request, number, *, need_key: bool = False) -> Report:
    """The report if this user may see it (and, with `need_key`, holds its key); otherwise 404,
    and a refused look at an existing report is recorded (ASVS 16.3.2)."""
    report = (
        visible_reports(request.user)
        .select_related("category", "unit", "unit__wilayah", "wilayah", "assignee")
        .filter(registration_number=number)
        .first()
    )
    if report is None or (need_key and not request.keyring.holds(report.pk)):
        hidden = report or Report.objects.filter(registration_number=number).only("pk").first()
        if hidden is not None:
            log.record(
                verb="authz.denied",
                actor=request.user,
                target=hidden,
                payload={"view": request.resolver_match.url_name},
            )
        raise Http404
    return report


def may_use_inbox(user) -> bool:
    return bool(user.roles & (ALL_REPORT_ROLES | {Role.PENELAAH}))


@dataclass(frozen=True)
class Queue:
    """A named slice of the inbox: reports in `statuses` (all when None), optionally only those
    whose result report is (not) verified, or (`news`) those the reporter wrote to since a
    handler last opened them, in any status."""

    code: str
    label: str
    roles: frozenset
    statuses: frozenset | None = None
    verified: bool | None = None
    news: bool = False

    @property
    def condition(self) -> Q:
        q = Q() if self.statuses is None else Q(status__in=sorted(self.statuses))
        if self.verified is not None:
            q &= Q(result_verified=self.verified)
        if self.news:
            q &= Q(reporter_news_on__isnull=False)
        return q

    def holds(self, status: str, verified: bool) -> bool:
        """Whether a report of this status belongs here (news queues are counted apart)."""
        return (
            not self.news
            and (self.statuses is None or status in self.statuses)
            and (self.verified is None or verified == self.verified)
        )


V, P, I, PJ = Role.VERIFIKATOR, Role.PENELAAH, Role.INSPEKTUR, Role.PENANGGUNG_JAWAB  # noqa: E741
QUEUES = [
    Queue("pesan_baru", _("New from the reporter"), frozenset({V, I, P}), news=True),
    Queue("baru", _("New"), frozenset({V}), frozenset({S.DITERIMA})),
    Queue("verifikasi", _("In verification"), frozenset({V}), frozenset({S.VERIFIKASI})),
    Queue(
        "menunggu_pelapor",
        _("Waiting for the reporter"),
        frozenset({V}),
        frozenset({S.PERLU_KELENGKAPAN}),
    ),
    Queue(
        "verifikasi_lhp",
        _("Result reports to verify"),
        frozenset({V}),
        frozenset({S.LAPORAN_HASIL}),
        verified=False,
    ),
    Queue(
        "telaah", _("Telaahan to write"), frozenset({P}), frozenset({S.DITELAAH, S.DIKEMBALIKAN})
    ),
    Queue(
        "tindak_lanjut", _("Follow-up in progress"), frozenset({P}), frozenset({S.TINDAK_LANJUT})
    ),
    Queue(
        "persetujuan",
        _("Telaahan awaiting approval"),
        frozenset({I}),
        frozenset({S.MENUNGGU_PERSETUJUAN}),
    ),
    Queue(
        "putusan_tindak_lanjut", _("Follow-up to decide"), frozenset({I}), frozenset({S.DISETUJUI})
    ),
    Queue(
        "persetujuan_lhp",
        _("Result reports to approve"),
        frozenset({I}),
        frozenset({S.LAPORAN_HASIL}),
        verified=True,
    ),
    Queue("semua_terbuka", _("All open reports"), frozenset({V, I, PJ, P}), OPEN_STATUSES),
    Queue("semua", _("All reports"), frozenset({V, I, PJ, P})),
]
QUEUE_BY_CODE = {q.code: q for q in QUEUES}


def queues_for(user) -> list[Queue]:
    return [q for q in QUEUES if q.roles & user.roles]


def queue_for_user(user) -> QuerySet:
    """The open work that is this user's to do (digest and "assigned to me")."""
    reports = visible_reports(user)
    condition = Q(pk__in=[])
    for queue in queues_for(user):
        if queue.code not in ("semua", "semua_terbuka") and not queue.news:
            condition |= queue.condition
    if Role.PENELAAH in user.roles:
        condition &= Q(assignee=user) | ~Q(status__in=[S.DITELAAH, S.DIKEMBALIKAN, S.TINDAK_LANJUT])
    return reports.filter(condition)


def histogram(user) -> list[tuple[str, bool, int, int]]:
    """(status, result verified, count, count with a new reporter message) of the reports
    `user` sees: one small GROUP BY (an index-only scan of report_status_verified), cached per
    metadata version (a reporter message and its opening bump the version)."""
    scope = f"p{user.pk}" if not user.roles & ALL_REPORT_ROLES else "all"
    return versioning.cached(
        f"inbox-histogram:{scope}",
        lambda: list(
            visible_reports(user)
            .order_by()
            .values_list("status", "result_verified")
            .annotate(n=Count("*"), news=Count("reporter_news_on"))
        ),
    )


def visible_total(user, rows=None) -> int:
    """How many reports `user` sees (== visible_reports(user).count()); `rows`: the user's
    histogram when already at hand."""
    return sum(row[2] for row in (histogram(user) if rows is None else rows))


def queue_counts(user, rows=None) -> list[tuple[Queue, int]]:
    """Counts per queue from the status histogram, not one conditional count per queue over
    every report; `rows`: the user's histogram when already at hand."""
    queues = queues_for(user)
    counts = dict.fromkeys((q.code for q in queues), 0)
    for status, verified, n, news in histogram(user) if rows is None else rows:
        for q in queues:
            if q.news:
                counts[q.code] += news
            elif q.holds(status, verified):
                counts[q.code] += n
    return [(q, counts[q.code]) for q in queues]


def news_count(user) -> int:
    """Reports `user` sees that the reporter wrote to since a handler last opened them."""
    return visible_reports(user).filter(reporter_news_on__isnull=False).count()


def pending_identity_requests(custodian) -> int:
    """Pending identity requests this custodian may still decide (not their own, not decided
    by them yet)."""
    return (
        IdentityRequest.objects.filter(state=IdentityRequest.State.PENDING)
        .exclude(requester=custodian)
        .exclude(decisions__custodian=custodian)
        .count()
    )


def near_due_limit(today: datetime.date) -> datetime.date:
    return workdays.add_working_days(today, 2)


def _answer_pending() -> Q:
    """Open reports whose reporter has had no answer yet (the first-answer clock runs)."""
    return Q(
        first_answered_on__isnull=True,
        first_answer_due_on__isnull=False,
        status__in=sorted(OPEN_STATUSES),
    )


def overdue_q(today: datetime.date) -> Q:
    """Past a deadline: the stage clock (unless paused) or the first answer to the reporter."""
    return Q(stage_due_on__lt=today, clock_paused=False) | (
        _answer_pending() & Q(first_answer_due_on__lt=today)
    )


def due_by_q(limit: datetime.date, today: datetime.date | None = None) -> Q:
    """A deadline falls by `limit` (from `today` on when given: "due soon", not overdue)."""
    stage = Q(stage_due_on__lte=limit, stage_due_on__isnull=False, clock_paused=False)
    answer = _answer_pending() & Q(first_answer_due_on__lte=limit)
    if today is not None:
        stage &= Q(stage_due_on__gte=today)
        answer &= Q(first_answer_due_on__gte=today)
    return stage | answer


def answer_overdue(report, today: datetime.date) -> bool:
    return bool(
        report.first_answered_on is None
        and report.first_answer_due_on
        and report.first_answer_due_on < today
        and report.status in OPEN_STATUSES
    )


def answer_soon(report, today: datetime.date, near: datetime.date) -> bool:
    return bool(
        report.first_answered_on is None
        and report.first_answer_due_on
        and today <= report.first_answer_due_on <= near
        and report.status in OPEN_STATUSES
    )

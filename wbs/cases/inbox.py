"""Who sees which report, and the inbox queues and filters. Plain metadata only: nothing here
decrypts (titles are opened in the view, for grant holders, one page at a time)."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from wbs.accounts.models import Role
from wbs.directory import workdays

from .models import IdentityRequest, Report, Status

# Roles that see every report's metadata (content still needs a grant).
ALL_REPORT_ROLES = frozenset({Role.VERIFIKATOR, Role.INSPEKTUR, Role.PENANGGUNG_JAWAB})
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


def may_use_inbox(user) -> bool:
    return bool(user.roles & (ALL_REPORT_ROLES | {Role.PENELAAH}))


@dataclass(frozen=True)
class Queue:
    code: str
    label: str
    roles: frozenset
    condition: Q


QUEUES = [
    Queue("baru", _("New"), frozenset({Role.VERIFIKATOR}), Q(status=S.DITERIMA)),
    Queue(
        "verifikasi", _("In verification"), frozenset({Role.VERIFIKATOR}), Q(status=S.VERIFIKASI)
    ),
    Queue(
        "menunggu_pelapor",
        _("Waiting for the reporter"),
        frozenset({Role.VERIFIKATOR}),
        Q(status=S.PERLU_KELENGKAPAN),
    ),
    Queue(
        "verifikasi_lhp",
        _("Result reports to verify"),
        frozenset({Role.VERIFIKATOR}),
        Q(status=S.LAPORAN_HASIL, result_verified=False),
    ),
    Queue(
        "telaah",
        _("Telaahan to write"),
        frozenset({Role.PENELAAH}),
        Q(status__in=[S.DITELAAH, S.DIKEMBALIKAN]),
    ),
    Queue(
        "tindak_lanjut",
        _("Follow-up in progress"),
        frozenset({Role.PENELAAH}),
        Q(status=S.TINDAK_LANJUT),
    ),
    Queue(
        "persetujuan",
        _("Telaahan awaiting approval"),
        frozenset({Role.INSPEKTUR}),
        Q(status=S.MENUNGGU_PERSETUJUAN),
    ),
    Queue(
        "putusan_tindak_lanjut",
        _("Follow-up to decide"),
        frozenset({Role.INSPEKTUR}),
        Q(status=S.DISETUJUI),
    ),
    Queue(
        "persetujuan_lhp",
        _("Result reports to approve"),
        frozenset({Role.INSPEKTUR}),
        Q(status=S.LAPORAN_HASIL, result_verified=True),
    ),
    Queue(
        "semua_terbuka",
        _("All open reports"),
        frozenset({Role.VERIFIKATOR, Role.INSPEKTUR, Role.PENANGGUNG_JAWAB, Role.PENELAAH}),
        ~Q(status__in=[S.DITOLAK, S.SELESAI]),
    ),
    Queue(
        "semua",
        _("All reports"),
        frozenset({Role.VERIFIKATOR, Role.INSPEKTUR, Role.PENANGGUNG_JAWAB, Role.PENELAAH}),
        Q(),
    ),
]
QUEUE_BY_CODE = {q.code: q for q in QUEUES}


def queues_for(user) -> list[Queue]:
    return [q for q in QUEUES if q.roles & user.roles]


def queue_for_user(user) -> QuerySet:
    """The open work that is this user's to do (digest and "assigned to me")."""
    reports = visible_reports(user)
    condition = Q(pk__in=[])
    for queue in queues_for(user):
        if queue.code not in ("semua", "semua_terbuka"):
            condition |= queue.condition
    if Role.PENELAAH in user.roles:
        condition &= Q(assignee=user) | ~Q(status__in=[S.DITELAAH, S.DIKEMBALIKAN, S.TINDAK_LANJUT])
    return reports.filter(condition)


def queue_counts(user) -> list[tuple[Queue, int]]:
    """Counts per queue in one aggregate query."""
    queues = queues_for(user)
    counts = visible_reports(user).aggregate(
        **{q.code: Count("pk", filter=q.condition) for q in queues}
    )
    return [(q, counts[q.code]) for q in queues]


def pending_identity_requests() -> int:
    return IdentityRequest.objects.filter(state=IdentityRequest.State.PENDING).count()


def near_due_limit(today: datetime.date) -> datetime.date:
    return workdays.add_working_days(today, 2)

"""Fictional reports for the demo and the benchmarks, moved through the workflow in bulk.

The same rules as workflow.apply() — history rows, status, stage clocks, handler grants,
telaahan, follow-up and result records — written with one bulk insert per table, because
100,000 single transitions would take hours. Real encryption and real grants throughout.
"""

import datetime
import itertools

from django.contrib.auth import get_user_model

from wbs.accounts.models import Role
from wbs.directory import workdays
from wbs.directory.models import DeadlineRule
from wbs.vault import grants, listings

from . import versioning
from .models import (
    PUBLIC_STAGE_OF_STATUS,
    FollowUp,
    FollowUpDecision,
    Outcome,
    Report,
    ResultReport,
    ReviewVersion,
    Status,
    StatusChange,
)
from .workflow import SYSTEM, TRANSITIONS

S = Status


# Paths a fictional report takes; every state is the end of at least one path.
# The SOP's main line; every path below is a prefix of it or a side branch.
_MAIN = [
    S.DITERIMA,
    S.VERIFIKASI,
    S.DITELAAH,
    S.MENUNGGU_PERSETUJUAN,
    S.DISETUJUI,
    S.TINDAK_LANJUT,
    S.LAPORAN_HASIL,
    S.SELESAI,
]
_PATHS = [
    _MAIN[:1],
    _MAIN[:2],
    [S.DITERIMA, S.VERIFIKASI, S.PERLU_KELENGKAPAN],
    [S.DITERIMA, S.VERIFIKASI, S.DITOLAK],
    [S.DITERIMA, S.VERIFIKASI, S.PERLU_KELENGKAPAN, S.DITOLAK],
    _MAIN[:3],
    _MAIN[:4],
    [*_MAIN[:4], S.DIKEMBALIKAN],
    _MAIN[:5],
    _MAIN[:6],
    _MAIN[:7],
    _MAIN[:8],
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

    changes, reviews, follow_ups, results, handler_grants = [], [], [], [], []
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
                handler_grants.append((report, handler))
        if S.MENUNGGU_PERSETUJUAN in path[: reached + 1] and report.assignee:
            state = {
                S.MENUNGGU_PERSETUJUAN: ReviewVersion.State.SUBMITTED,
                S.DIKEMBALIKAN: ReviewVersion.State.RETURNED,
            }.get(status, ReviewVersion.State.APPROVED)
            review = ReviewVersion(
                report=report, version=1, author=report.assignee, created_on=day, state=state
            )
            review.content.seal(
                keyring,
                {
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
            follow_up.details.seal(
                keyring,
                {
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
            result.text.seal(keyring, "Laporan Hasil Pengaduan (data contoh).")
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
    grants.grant_in_bulk(keyring, handler_grants, scopes=[listings.HANDLER])
    versioning.bump()

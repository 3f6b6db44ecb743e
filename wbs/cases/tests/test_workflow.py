"""The transition table walked completely: every legal move by every allowed role succeeds;
every move from a wrong state and every wrong role is refused (docs/design/style.md habit 5)."""

import datetime

import pytest
from django.utils import timezone
from django.utils.translation import gettext

from conftest import PASSWORD
from wbs.accounts.models import Role
from wbs.audit.models import AuditEvent
from wbs.cases import sealing, workflow
from wbs.cases.models import (
    FollowUp,
    Message,
    Report,
    ResultReport,
    ReviewVersion,
    Status,
    StatusChange,
)
from wbs.cases.workflow import TRANSITIONS, TransitionError
from wbs.intake.tests.factories import submit
from wbs.vault import access, grants, keys, listings
from wbs.vault.keyring import Keyring

pytestmark = pytest.mark.django_db
S = Status
CHECKS = {
    "complete_4w1h": True,
    "has_evidence": True,
    "within_jurisdiction": True,
    "accused_is_employee": True,
}


def keyring_of(user):
    return Keyring(user_id=user.pk, private_key=keys.unlock_private_key(user, PASSWORD))


def put_in_state(report, status, **fields):
    """Test setup only: place a report in a state (the workflow itself is what is tested)."""
    Report.objects.filter(pk=report.pk).update(status=status, **fields)
    report.refresh_from_db()
    return report


def data_for(action, staff, report):
    if action == "request_completion":
        return {**CHECKS, "message": "Mohon lengkapi bukti."}
    if action == "reject":
        return {**CHECKS, "reason": "Bukan kewenangan Pemkot.", "referral": "aph_kpk"}
    if action == "forward":
        return {**CHECKS, "handler": staff["penelaah_for"](report)}
    if action in ("return_review", "return_result"):
        return {"notes": "Perbaiki analisis."}
    if action == "decide_follow_up":
        return {
            "decision": "pemeriksaan_khusus",
            "surat_tugas_number": "700/1/ITDA/2025",
            "surat_tugas_date": datetime.date(2025, 5, 2),
        }
    if action == "submit_result":
        return {"text": "Hasil pemeriksaan."}
    if action == "complete":
        return {"outcome": "terbukti", "message": "Laporan selesai."}
    return {}


def prepare(report, action, staff):
    """Make the side conditions of `action` true (a draft telaahan, a verified result…)."""
    penelaah = staff["penelaah"]
    if action in (
        "submit_review",
        "return_review",
        "approve_review",
        "submit_result",
        "decide_follow_up",
        "verify_result",
        "return_result",
        "complete",
    ):
        Report.objects.filter(pk=report.pk).update(assignee=penelaah)
        assert grants.grant(
            keyring_of(staff["verifikator"]),
            report,
            penelaah,
            scopes=[listings.HANDLER],
            granted_by=None,
            reason="test",
        )
    if action == "submit_review":
        from wbs.cases import services

        services.save_review(
            keyring_of(penelaah),
            report,
            penelaah,
            {
                "ringkasan": "r",
                "fakta": "f",
                "analisis": "a",
                "indikasi": "i",
                "dasar_hukum": "d",
                "rekomendasi": "k",
            },
        )
    if action in ("return_review", "approve_review"):
        review = ReviewVersion(
            report=report,
            version=1,
            author=penelaah,
            created_on=timezone.localdate(),
            state="submitted",
        )
        review.content.seal(keyring_of(penelaah), {})
        review.save()
    if action == "complete":
        Report.objects.filter(pk=report.pk).update(result_verified=True)
    if action == "close_incomplete":
        Report.objects.filter(pk=report.pk).update(
            stage_due_on=timezone.localdate() - datetime.timedelta(days=1)
        )
    report.refresh_from_db()


@pytest.fixture
def people(staff, recovery):
    from conftest import make_staff
    from wbs.directory.models import Wilayah

    irban4 = make_staff(
        "irban4",
        [Role.PENELAAH],
        wilayah=Wilayah.objects.get(code="irban-4"),
        approve_with=recovery["passphrase"],
    )
    staff = dict(staff)
    staff["irban4"] = irban4
    staff["penelaah_for"] = lambda report: irban4
    return staff


def actor_for(role, staff):
    return {
        Role.VERIFIKATOR: staff["verifikator"],
        Role.INSPEKTUR: staff["inspektur"],
        Role.PENELAAH: staff["penelaah"],
    }[role]


LEGAL = [
    (action, source, role)
    for action, t in TRANSITIONS.items()
    for source in t.source
    for role in t.roles
    if role not in (workflow.REPORTER, workflow.SYSTEM)
]


@pytest.mark.parametrize(("action", "source", "role"), LEGAL)
def test_every_legal_move_by_every_allowed_role(people, action, source, role):
    report, _ = submit()
    put_in_state(report, source)
    prepare(report, action, people)
    actor = actor_for(role, people)
    moved = workflow.apply(
        report,
        action,
        actor=actor,
        keyring=keyring_of(actor),
        data=data_for(action, people, report),
    )
    assert moved.status == TRANSITIONS[action].target


def _illegal_states(action):
    return [s for s in S if s not in TRANSITIONS[action].source]


ILLEGAL_STATE = [(a, s) for a in TRANSITIONS for s in _illegal_states(a)]


def allowed_actor(action, people):
    """(actor, actor_kind) that the table allows for `action`, so that only the state check
    can refuse the move."""
    roles = TRANSITIONS[action].roles
    for role in (Role.VERIFIKATOR, Role.INSPEKTUR, Role.PENELAAH):
        if role in roles:
            return actor_for(role, people), "staff"
    return None, (workflow.REPORTER if workflow.REPORTER in roles else workflow.SYSTEM)


@pytest.mark.parametrize(("action", "state"), ILLEGAL_STATE)
def test_every_move_from_a_wrong_state_is_refused(people, action, state):
    report, _ = submit()
    # Assigned to the Penelaah so the assignee rule cannot be what refuses the move.
    put_in_state(report, state, assignee=people["penelaah"])
    actor, kind = allowed_actor(action, people)
    with pytest.raises(TransitionError) as refused:
        workflow.apply(
            report,
            action,
            actor=actor,
            actor_kind=kind,
            keyring=keyring_of(actor) if actor else None,
            data=data_for(action, people, report),
        )
    assert str(refused.value) == gettext("This step is not possible in the report's current state.")
    report.refresh_from_db()
    assert report.status == state


ROLES = ["verifikator", "penelaah", "inspektur", "pj", "pembina", "admin"]
ROLE_OF = {
    "verifikator": Role.VERIFIKATOR,
    "penelaah": Role.PENELAAH,
    "inspektur": Role.INSPEKTUR,
    "pj": Role.PENANGGUNG_JAWAB,
    "pembina": Role.PEMBINA,
    "admin": Role.ADMIN,
}
WRONG_ROLE = [
    (action, persona)
    for action, t in TRANSITIONS.items()
    for persona in ROLES
    if ROLE_OF[persona] not in t.roles
]


@pytest.mark.parametrize(("action", "persona"), WRONG_ROLE)
def test_every_wrong_role_is_refused(people, action, persona):
    report, _ = submit()
    source = sorted(TRANSITIONS[action].source)[0]
    put_in_state(report, source)
    prepare(report, action, people)
    with pytest.raises(TransitionError):
        workflow.apply(
            report,
            action,
            actor=people[persona],
            keyring=Keyring(),
            data=data_for(action, people, report),
        )
    assert Report.objects.get(pk=report.pk).status == source


def test_reporter_and_system_moves_are_not_for_staff(people):
    report, _ = submit()
    put_in_state(report, S.PERLU_KELENGKAPAN)
    with pytest.raises(TransitionError):
        workflow.apply(report, "reporter_completed", actor=people["verifikator"])


def test_penelaah_not_assigned_is_refused(people):
    report, _ = submit()
    put_in_state(report, S.DITELAAH, assignee=people["penelaah_other"])
    with pytest.raises(TransitionError):
        workflow.apply(
            report,
            "submit_review",
            actor=people["penelaah"],
            keyring=keyring_of(people["penelaah"]),
        )


def test_missing_required_field_is_refused(people):
    report, _ = submit()
    put_in_state(report, S.VERIFIKASI)
    with pytest.raises(TransitionError):
        workflow.apply(
            report,
            "reject",
            actor=people["verifikator"],
            keyring=keyring_of(people["verifikator"]),
            data={"reason": ""},
        )


def test_a_move_writes_history_and_one_audit_event(people):
    report, _ = submit()
    before = AuditEvent.objects.count()
    workflow.apply(
        report,
        "start_verification",
        actor=people["verifikator"],
        keyring=keyring_of(people["verifikator"]),
    )
    assert StatusChange.objects.filter(report=report, action="start_verification").count() == 1
    assert AuditEvent.objects.count() == before + 1


def test_refused_move_writes_nothing(people):
    report, _ = submit()
    before = (AuditEvent.objects.count(), StatusChange.objects.count())
    with pytest.raises(TransitionError):
        workflow.apply(report, "approve_review", actor=people["inspektur"])
    assert (AuditEvent.objects.count(), StatusChange.objects.count()) == before


def test_status_is_read_only_in_the_admin():
    from django.contrib import admin

    from wbs.cases.admin import ReportAdmin

    assert "status" in ReportAdmin(Report, admin.site).get_readonly_fields(None)


# --- effects --------------------------------------------------------------------------------


def test_forward_seals_the_key_to_the_handler(people):
    report, _ = submit()
    put_in_state(report, S.VERIFIKASI)
    handler = people["irban4"]
    workflow.apply(
        report,
        "forward",
        actor=people["verifikator"],
        keyring=keyring_of(people["verifikator"]),
        data={**CHECKS, "handler": handler},
    )
    assert sealing.open_title(keyring_of(handler), report)


def test_forward_outside_the_area_needs_a_reason(people):
    report, _ = submit(unit_name="Dinas Pendidikan")  # Irban IV
    put_in_state(report, S.VERIFIKASI)
    with pytest.raises(TransitionError):
        workflow.apply(
            report,
            "forward",
            actor=people["verifikator"],
            keyring=keyring_of(people["verifikator"]),
            data={**CHECKS, "handler": people["penelaah"]},
        )  # Irban I


def test_forward_stores_the_checklist(people):
    report, _ = submit()
    put_in_state(report, S.VERIFIKASI)
    workflow.apply(
        report,
        "forward",
        actor=people["verifikator"],
        keyring=keyring_of(people["verifikator"]),
        data={
            **CHECKS,
            "has_evidence": False,
            "handler": people["irban4"],
            "override_reason": OVERRIDE,
        },
    )
    screening = report.screenings.get()
    assert screening.complete_4w1h and not screening.has_evidence


OVERRIDE = "ALASAN-TANPA-BUKTI-9KQ: bukti dijanjikan pelapor lewat Irban."


@pytest.mark.parametrize(
    "missing", ["complete_4w1h", "has_evidence", "within_jurisdiction", "accused_is_employee"]
)
def test_forward_without_a_check_and_without_a_reason_is_refused(people, missing):
    report, _ = submit()
    put_in_state(report, S.VERIFIKASI)
    with pytest.raises(TransitionError):
        workflow.apply(
            report,
            "forward",
            actor=people["verifikator"],
            keyring=keyring_of(people["verifikator"]),
            data={**CHECKS, missing: False, "handler": people["irban4"], "override_reason": "  "},
        )
    report.refresh_from_db()
    assert report.status == S.VERIFIKASI and not report.screenings.exists()


def test_forward_with_an_override_reason_records_it_sealed_and_audited(people):
    from wbs.audit.models import AuditEvent

    report, _ = submit()
    put_in_state(report, S.VERIFIKASI)
    workflow.apply(
        report,
        "forward",
        actor=people["verifikator"],
        keyring=keyring_of(people["verifikator"]),
        data={
            **CHECKS,
            "has_evidence": False,
            "handler": people["irban4"],
            "override_reason": OVERRIDE,
        },
    )
    report.refresh_from_db()
    assert report.status == S.DITELAAH
    screening = report.screenings.get()
    assert OVERRIDE.encode() not in bytes(screening.override_reason_ct)  # ciphertext only
    assert screening.override_reason.open(keyring_of(people["irban4"])) == OVERRIDE
    event = AuditEvent.objects.get(verb="workflow.forward", target_id=str(report.pk))
    assert event.payload["checks_overridden"] is True and event.payload["has_evidence"] is False
    assert OVERRIDE not in str(event.payload)


def test_forward_with_every_check_keeps_no_override_reason(people):
    report, _ = submit()
    put_in_state(report, S.VERIFIKASI)
    workflow.apply(
        report,
        "forward",
        actor=people["verifikator"],
        keyring=keyring_of(people["verifikator"]),
        data={**CHECKS, "handler": people["irban4"], "override_reason": "tidak perlu"},
    )
    assert report.screenings.get().override_reason_ct is None


def test_request_completion_pauses_the_clock_and_tells_the_reporter(people):
    report, _ = submit()
    put_in_state(report, S.VERIFIKASI)
    moved = workflow.apply(
        report,
        "request_completion",
        actor=people["verifikator"],
        keyring=keyring_of(people["verifikator"]),
        data={**CHECKS, "message": "Mohon lengkapi."},
    )
    assert moved.clock_paused
    assert report.messages.filter(kind=Message.Kind.REQUEST).count() == 1


def test_reporter_reply_returns_the_case_to_verification(people):
    from wbs.intake import services

    report, receipt = submit()
    put_in_state(report, S.VERIFIKASI)
    workflow.apply(
        report,
        "request_completion",
        actor=people["verifikator"],
        keyring=keyring_of(people["verifikator"]),
        data={**CHECKS, "message": "Mohon lengkapi."},
    )
    _report, keyring = access.open_with_access_code(receipt.access_code)
    services.add_reporter_message(keyring, report, "Ini bukti tambahannya.")
    report.refresh_from_db()
    assert report.status == S.VERIFIKASI and not report.clock_paused


def test_expired_completion_request_is_closed_by_the_daily_task(people):
    report, _ = submit()
    put_in_state(
        report, S.PERLU_KELENGKAPAN, stage_due_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    assert workflow.close_expired_completion_requests() == 1
    report.refresh_from_db()
    assert report.status == S.DITOLAK and report.outcome == "tidak_lengkap"


def test_completion_request_not_yet_expired_stays_open(people):
    report, _ = submit()
    put_in_state(
        report, S.PERLU_KELENGKAPAN, stage_due_on=timezone.localdate() + datetime.timedelta(days=3)
    )
    assert workflow.close_expired_completion_requests() == 0


def test_complete_needs_a_verified_result(people):
    report, _ = submit()
    put_in_state(report, S.LAPORAN_HASIL)
    with pytest.raises(TransitionError):
        workflow.apply(
            report,
            "complete",
            actor=people["inspektur"],
            keyring=keyring_of(people["inspektur"]),
            data={"outcome": "terbukti", "message": "x"},
        )


def test_follow_up_audit_needs_a_surat_tugas(people):
    report, _ = submit()
    put_in_state(report, S.DISETUJUI)
    with pytest.raises(TransitionError):
        workflow.apply(
            report,
            "decide_follow_up",
            actor=people["inspektur"],
            keyring=keyring_of(people["inspektur"]),
            data={"decision": "audit_investigatif"},
        )


def test_follow_up_details_are_encrypted(people):
    report, _ = submit()
    put_in_state(report, S.DISETUJUI)
    workflow.apply(
        report,
        "decide_follow_up",
        actor=people["inspektur"],
        keyring=keyring_of(people["inspektur"]),
        data={
            "decision": "pemeriksaan_khusus",
            "surat_tugas_number": "ST-NOMOR-UNIK",
            "surat_tugas_date": "2025-05-02",
        },
    )
    assert b"ST-NOMOR-UNIK" not in bytes(FollowUp.objects.get().details_ct)


def test_result_text_is_encrypted(people):
    report, _ = submit()
    put_in_state(report, S.TINDAK_LANJUT, assignee=people["penelaah"])
    assert grants.grant(
        keyring_of(people["verifikator"]),
        report,
        people["penelaah"],
        scopes=[listings.HANDLER],
        granted_by=None,
        reason="t",
    )
    workflow.apply(
        report,
        "submit_result",
        actor=people["penelaah"],
        keyring=keyring_of(people["penelaah"]),
        data={"text": "TEKS-HASIL-UNIK"},
    )
    assert b"TEKS-HASIL-UNIK" not in bytes(ResultReport.objects.get().text_ct)


# --- deadlines -----------------------------------------------------------------------------


def test_new_report_gets_a_verification_deadline_in_working_days(staff, monkeypatch):
    from wbs.directory import workdays

    monkeypatch.setattr(timezone, "localdate", lambda *a: datetime.date(2025, 3, 28))
    report, _ = submit()
    report.refresh_from_db()
    assert report.stage_due_on == workdays.add_working_days(datetime.date(2025, 3, 28), 3)
    assert report.stage_due_on == datetime.date(2025, 4, 10)


def test_reporter_pause_keeps_the_remaining_days(people, monkeypatch):
    days = iter(
        [
            datetime.date(2025, 5, 5),
            datetime.date(2025, 5, 5),
            datetime.date(2025, 5, 20),
            datetime.date(2025, 5, 20),
        ]
    )
    report, _ = submit()
    put_in_state(report, S.VERIFIKASI, stage_due_on=datetime.date(2025, 5, 7))
    monkeypatch.setattr(timezone, "localdate", lambda *a: next(days, datetime.date(2025, 5, 20)))
    workflow.apply(
        report,
        "request_completion",
        actor=people["verifikator"],
        keyring=keyring_of(people["verifikator"]),
        data={**CHECKS, "message": "m"},
    )
    workflow.apply(report, "reporter_completed", actor_kind=workflow.REPORTER)
    report.refresh_from_db()
    # 2 working days were left (6 and 7 May); counted again from 20 May: 21 and 22 May.
    assert report.stage_due_on == datetime.date(2025, 5, 22)

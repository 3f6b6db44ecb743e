"""Shared set-up for the Tim WBS test modules (access matrix, audit, identity, inbox…).

Everything goes through the real services; only the report's status is placed directly
(`put_in_state`), as in test_workflow.py."""

from django.test import Client

from conftest import PASSWORD, login_staff
from wbs.cases import sealing
from wbs.cases.models import IdentityRequest, Report, Status
from wbs.intake.tests.factories import submit
from wbs.vault import filecheck, grants, keys, listings, uploads
from wbs.vault.keyring import Keyring

# Plaintext markers: none of them may appear where the user holds no key, nor in the audit trail.
TITLE = "JUDUL-RAHASIA-7Q2"
IDENTITY_NAME = "NAMA-PELAPOR-K9X"
FILE_NAME = "bukti-BERKAS-3ZT.txt"
FILE_TEXT = b"Catatan pembayaran ISI-BERKAS-5MV tanggal 14 Maret 2025.\n"
REASON = "ALASAN-PERMINTAAN-8WD"
MESSAGE = "PESAN-STAF-4HJ"

# The HTTP method each staff view accepts.
METHOD = {
    "cases:home": "get",
    "cases:inbox": "get",
    "cases:identity_requests": "get",
    "cases:case": "get",
    "cases:action": "post",
    "cases:message": "post",
    "cases:note": "post",
    "cases:review": "post",
    "cases:download": "get",
    "cases:download_original": "post",
    "monitoring:review_document": "get",
    "monitoring:result_document": "get",
    "cases:identity_request": "post",
    "cases:identity_view": "post",
    "cases:identity_decide": "post",
    "cases:role_requests": "get",
    "cases:role_request_decide": "post",
    "monitoring:audit": "get",
    "monitoring:dashboard": "get",
    "monitoring:recap": "get",
    "monitoring:register": "get",
}


def keyring_of(user, password=PASSWORD) -> Keyring:
    """The keyring a log-in of `user` would hold (private and signing keys, no report yet)."""
    unlocked = keys.unlock(user, password)
    return Keyring(
        user_id=user.pk, private_key=unlocked.private_key, signing_key=unlocked.signing_key
    )


def put_in_state(report, status, **fields):
    """Test setup only: place a report in a state (the workflow itself is tested elsewhere)."""
    Report.objects.filter(pk=report.pk).update(status=status, **fields)
    report.refresh_from_db()
    return report


def checked_upload(name=FILE_NAME, data=FILE_TEXT):
    return uploads.CheckedUpload(name, filecheck.check_and_clean(data, name), data)


def confidential_report(*, title=TITLE, name=IDENTITY_NAME, with_file=True, **kwargs):
    """A report with a sealed identity (and an attachment): report-key grants go to the
    Verifikator and the Inspektur, identity-key shares to the custodians."""
    report, _receipt = submit(
        title=title,
        identity=sealing.IdentityData(name=name, nip="198001012005011001"),
        uploads=[checked_upload()] if with_file else None,
        **kwargs,
    )
    return report


def assign(report, penelaah, staff, status=Status.DITELAAH):
    """Hand the report to `penelaah` as a forward would: assignee, wilayah and a key grant."""
    put_in_state(report, status, assignee=penelaah, wilayah=penelaah.wilayah)
    granted = grants.grant(
        keyring_of(staff["verifikator"]),
        report,
        penelaah,
        scopes=[listings.HANDLER],
        granted_by=None,
        reason="test",
    )
    assert granted, "the Penelaah is not listed"
    return report


def with_documents(report, staff):
    """Give an assigned report an approved telaahan and a submitted Laporan Hasil, so that
    both PDF documents exist."""
    from wbs.cases import services, workflow
    from wbs.cases.models import ReviewVersion

    penelaah = staff["penelaah"]
    assign(report, penelaah, staff, status=Status.TINDAK_LANJUT)
    review = services.save_review(keyring_of(penelaah), report, penelaah, REVIEW)
    ReviewVersion.objects.filter(pk=review.pk).update(state=ReviewVersion.State.APPROVED)
    workflow.apply(
        report,
        "submit_result",
        actor=penelaah,
        keyring=keyring_of(penelaah),
        data={"text": "Hasil pemeriksaan."},
    )
    report.refresh_from_db()
    return report


def identity_request(report, requester, reason=REASON) -> IdentityRequest:
    from wbs.cases import identity

    return identity.request(keyring_of(requester), report, requester, reason)


def approve_identity(row, custodians, reason="Disetujui.") -> IdentityRequest:
    """Each of `custodians` approves the identity request with their own keyring."""
    from wbs.cases import identity

    for custodian in custodians:
        row = identity.decide(keyring_of(custodian), row, custodian, approve=True, reason=reason)
    return row


def logged_in(user) -> Client:
    return login_staff(Client(), user)


# --- workflow actions through the web ----------------------------------------------------------

CHECKS = {
    "complete_4w1h": "on",
    "has_evidence": "on",
    "within_jurisdiction": "on",
    "accused_is_employee": "on",
}
# action → (persona, source state, form data); data may name the markers above.
WEB_ACTIONS = {
    "start_verification": ("verifikator", Status.DITERIMA, {}),
    "request_completion": ("verifikator", Status.VERIFIKASI, {**CHECKS, "message": MESSAGE}),
    "close_incomplete": ("verifikator", Status.PERLU_KELENGKAPAN, {"reason": REASON}),
    "reject": ("verifikator", Status.VERIFIKASI, {**CHECKS, "reason": REASON, "message": MESSAGE}),
    "forward": ("verifikator", Status.VERIFIKASI, {**CHECKS, "reason": REASON}),
    "submit_review": ("penelaah", Status.DITELAAH, {}),
    "return_review": ("inspektur", Status.MENUNGGU_PERSETUJUAN, {"notes": REASON}),
    "approve_review": ("inspektur", Status.MENUNGGU_PERSETUJUAN, {"message": MESSAGE}),
    "decide_follow_up": (
        "inspektur",
        Status.DISETUJUI,
        {
            "decision": "pemeriksaan_khusus",
            "surat_tugas_number": "700/1/ITDA/2025",
            "surat_tugas_date": "2025-05-02",
            "notes": REASON,
            "message": MESSAGE,
        },
    ),
    "submit_result": (
        "penelaah",
        Status.TINDAK_LANJUT,
        {"text": MESSAGE, "kesimpulan": "Kesimpulan pemeriksaan."},
    ),
    "verify_result": ("verifikator", Status.LAPORAN_HASIL, {}),
    "return_result": ("verifikator", Status.LAPORAN_HASIL, {"notes": REASON}),
    "complete": ("inspektur", Status.LAPORAN_HASIL, {"outcome": "terbukti", "message": MESSAGE}),
}
REVIEW = {
    "ringkasan": "r",
    "fakta": "f",
    "analisis": "a",
    "indikasi": "i",
    "dasar_hukum": "d",
    "rekomendasi": "k",
}


def prepare_action(report, action, staff) -> tuple:
    """Put `report` where `action` is legal; returns (actor, form data)."""
    import datetime

    from django.utils import timezone

    from wbs.cases import services
    from wbs.cases.models import ReviewVersion

    persona, source, data = WEB_ACTIONS[action]
    penelaah = staff["penelaah"]
    fields = {}
    if action == "close_incomplete":
        fields["stage_due_on"] = timezone.localdate() - datetime.timedelta(days=1)
    if action == "complete":
        fields["result_verified"] = True
    if persona == "penelaah" or source not in (Status.DITERIMA, Status.VERIFIKASI):
        assign(report, penelaah, staff, status=source)
    put_in_state(report, source, **fields)
    if action == "submit_review":
        services.save_review(keyring_of(penelaah), report, penelaah, REVIEW)
    if action in ("return_review", "approve_review"):
        review = services.save_review(keyring_of(penelaah), report, penelaah, REVIEW)
        ReviewVersion.objects.filter(pk=review.pk).update(state=ReviewVersion.State.SUBMITTED)
    if action == "forward":
        data = {**data, "handler": penelaah.pk}
    return staff[persona], data


def po_catalog(language="id") -> dict[str, str]:
    """msgid → msgstr of locale/<language>/LC_MESSAGES/django.po (multi-line strings joined)."""
    import ast
    from pathlib import Path

    from django.conf import settings

    path = Path(settings.BASE_DIR) / "locale" / language / "LC_MESSAGES" / "django.po"
    catalog: dict[str, str] = {}
    current: dict[str, list[str]] = {}
    key = None

    def flush():
        if "msgid" in current and "msgstr" in current:
            catalog["".join(current["msgid"])] = "".join(current["msgstr"])

    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line.startswith("msgid "):
            flush()
            current, key = {"msgid": []}, "msgid"
            line = line[len("msgid ") :]
        elif line.startswith("msgstr "):
            key = "msgstr"
            current[key] = []
            line = line[len("msgstr ") :]
        elif not line.startswith('"'):
            key = None if not line else key
            continue
        if key and line.startswith('"'):
            current[key].append(ast.literal_eval(line))
    flush()
    return catalog

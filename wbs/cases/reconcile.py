"""The reconciler (`manage.py reconcile`, and part of `daily_tasks`): what the database and the
attachment store say about each other, and who can still open each report. It reports and
never deletes or changes anything by itself — each finding is for a person to look at (the
administrator manual, section 9, says what to do with each kind).

Findings:
- blobs without rows: files in the attachment store that no attachment row names (a crash
  between storing a file and committing its row, or a restore gone wrong); files younger than
  `RECENT` are left out, since a submission may be storing them right now;
- rows without blobs: attachment rows whose original or cleaned file is missing — and, with
  `digests=True`, files whose ciphertext no longer matches the SHA-256 kept in the row;
- reports only the recovery key can open: no active staff member holds their report key;
- grants to removed users: key grants still held by deactivated accounts.

Nothing here decrypts anything; the output names registration numbers, usernames and random
storage names only (never a file name, title or any report text)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef
from django.utils import timezone

from wbs.audit import log
from wbs.vault import files
from wbs.vault.models import KeyGrant

from .models import Attachment, Report

RECENT = datetime.timedelta(hours=1)
# Blobs the health check writes and removes at once (wbs.administration.health).
TRANSIENT_PREFIXES = ("health/",)


@dataclass
class Findings:
    blobs_without_rows: list[str] = field(default_factory=list)
    rows_without_blobs: list[tuple[str, str]] = field(default_factory=list)  # (number, blob)
    damaged_blobs: list[tuple[str, str]] = field(default_factory=list)  # (number, blob)
    recovery_only: list[str] = field(default_factory=list)  # registration numbers
    removed_user_grants: list[tuple[str, str]] = field(default_factory=list)  # (number, user)
    recent_blobs_skipped: int = 0

    @property
    def clean(self) -> bool:
        return not (
            self.blobs_without_rows
            or self.rows_without_blobs
            or self.damaged_blobs
            or self.recovery_only
            or self.removed_user_grants
        )

    def counts(self) -> dict[str, int]:
        return {
            "blobs_without_rows": len(self.blobs_without_rows),
            "rows_without_blobs": len(self.rows_without_blobs),
            "damaged_blobs": len(self.damaged_blobs),
            "recovery_only": len(self.recovery_only),
            "removed_user_grants": len(self.removed_user_grants),
        }


def run(*, digests: bool = False, record: bool = True) -> Findings:
    findings = Findings()
    _blobs(findings, digests=digests)
    _access(findings)
    if record:
        log.record(verb="system.reconciled", payload=findings.counts())
    return findings


def _blobs(findings: Findings, *, digests: bool) -> None:
    named: dict[str, tuple[str, str]] = {}  # blob → (registration number, expected digest)
    rows = Attachment.objects.values_list(
        "report__registration_number",
        "original_blob",
        "original_ct_sha256",
        "cleaned_blob",
        "cleaned_ct_sha256",
    )
    for number, original, original_digest, cleaned, cleaned_digest in rows.iterator():
        named[original] = (number, original_digest)
        if cleaned:
            named[cleaned] = (number, cleaned_digest)
    stored = set()
    store = files.storage()
    cutoff = timezone.now() - RECENT
    for name in files.list_names():
        if name.startswith(TRANSIENT_PREFIXES):
            continue
        stored.add(name)
        if name in named:
            continue
        if _modified(store, name) > cutoff:
            findings.recent_blobs_skipped += 1
            continue
        findings.blobs_without_rows.append(name)
    for name, (number, digest) in sorted(named.items(), key=lambda item: item[1][0]):
        if name not in stored:
            findings.rows_without_blobs.append((number, name))
        elif digests and files.ciphertext_digest(name) != digest:
            findings.damaged_blobs.append((number, name))
    findings.blobs_without_rows.sort()


def _modified(store, name: str) -> datetime.datetime:
    try:
        return store.get_modified_time(name)
    except (NotImplementedError, OSError):
        return datetime.datetime.min.replace(tzinfo=datetime.UTC)


def _access(findings: Findings) -> None:
    User = get_user_model()
    held_by_staff = KeyGrant.objects.filter(
        report=OuterRef("pk"),
        key_kind=KeyGrant.KeyKind.REPORT,
        user__kind=User.Kind.STAFF,
        user__is_active=True,
    )
    findings.recovery_only = list(
        Report.objects.filter(~Exists(held_by_staff))
        .order_by("registration_number")
        .values_list("registration_number", flat=True)
    )
    findings.removed_user_grants = list(
        KeyGrant.objects.filter(user__is_active=False)
        .order_by("report__registration_number", "user__username")
        .values_list("report__registration_number", "user__username")
        .distinct()
    )

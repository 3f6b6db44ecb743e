"""Submissions a client may safely send again (issue 11 §3, issue 9 §3). The report form and
the API take an idempotency key: random text the client makes up once per report (the form
carries one in a hidden field; an API client sends `Idempotency-Key`). When the submission is
stored, its receipt (registration number and access code) is kept, sealed under a key derived
from the idempotency key, in the same transaction as the report. A retry with the same key —
the answer was lost, the connection dropped after the commit, a double click — gets that same
receipt back, and no second report is made; a retry after a crash before the commit finds
nothing and submits normally. So every accepted submission is stored exactly once. The key is
paired with a fingerprint of the request (its fields, and its files' names and sizes): the same
key with other content — a form sent again after it was changed — is a new submission, never
answered with the receipt of another.

Only the client holds the idempotency key; the database holds a keyed hash of it (under the
pepper) and the sealed receipt, so neither someone reading the database nor an administrator
can get an access code from these rows. A receipt is replayed for `WINDOW` (15 minutes) after
the submission — long enough for any retry, short enough that a form page left on a shared
computer gives nothing later — and deleted after that (at the next submission, and by
`daily_tasks`)."""

from __future__ import annotations

import datetime
import json
import re

from django.db import transaction
from django.utils import timezone

from . import crypto
from .models import SubmissionReceipt

# At least 22 characters of the URL-safe alphabet (≥ 128 bits when random).
KEY_PATTERN = re.compile(r"[A-Za-z0-9_-]{22,128}")
WINDOW = datetime.timedelta(minutes=15)


def valid(key: str | None) -> bool:
    return bool(key) and KEY_PATTERN.fullmatch(key) is not None


def _lookup(key: str, fingerprint: str) -> str:
    return crypto.keyed_hash("idempotency-lookup", f"{key}\0{fingerprint}".encode())


def _box(key: str, fingerprint: str) -> bytes:
    return bytes.fromhex(crypto.keyed_hash("idempotency-box", f"{key}\0{fingerprint}".encode()))


def _ad(lookup: str) -> bytes:
    return crypto.aad("submission_receipt", "sealed", lookup)


def remember(key: str, fingerprint: str, registration_number: str, access_code: str) -> None:
    """Keep the receipt for `key` and the request's `fingerprint`, inside the caller's
    transaction. Raises IntegrityError when the same submission was stored meanwhile (the
    caller rolls back and replays)."""
    lookup = _lookup(key, fingerprint)
    payload = json.dumps({"number": registration_number, "code": access_code}).encode()
    purge()
    with transaction.atomic():
        SubmissionReceipt.objects.create(
            lookup=lookup,
            sealed=crypto.encrypt(_box(key, fingerprint), payload, ad=_ad(lookup)),
            created_at=timezone.now(),
        )


def remembered(key: str | None, fingerprint: str) -> tuple[str, str] | None:
    """(registration number, access code) of the submission stored with `key` and the same
    request `fingerprint`, or None."""
    if not valid(key):
        return None
    lookup = _lookup(key, fingerprint)
    row = SubmissionReceipt.objects.filter(
        lookup=lookup, created_at__gte=timezone.now() - WINDOW
    ).first()
    if row is None:
        return None
    try:
        payload = json.loads(
            crypto.decrypt(_box(key, fingerprint), bytes(row.sealed), ad=_ad(lookup))
        )
    except (ValueError, crypto.DecryptionError):
        return None
    return payload["number"], payload["code"]


def purge(now: datetime.datetime | None = None) -> int:
    cutoff = (now or timezone.now()) - WINDOW
    deleted, _by_model = SubmissionReceipt.objects.filter(created_at__lt=cutoff).delete()
    return deleted

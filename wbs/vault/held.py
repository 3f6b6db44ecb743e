"""Text held for its writer between a submit that arrived after their session expired and
their next log-in (issue 12 §2: typed work is never lost).

The text is encrypted with a fresh key that goes only into the writer's browser, as part of a
token (`<row id>.<key>`); the database keeps the ciphertext. Whoever reads the database or
administers the server holds no key to it; the writer's browser, once logged in again, gives
the token back and the text is opened once and deleted. Rows nobody came back for are purged
after WBS_HELD_TEXT_HOURS.
"""

import base64
import datetime
import json
import uuid

from django.conf import settings
from django.utils import timezone

from . import crypto
from .models import HeldText


def _ad(purpose: str, row_id) -> bytes:
    return crypto.aad("held", purpose, row_id)


def hold(purpose: str, payload: dict) -> str:
    """Keep `payload` (JSON-serialisable) encrypted; returns the token for the browser."""
    purge()
    key = crypto.new_key()
    row = HeldText(purpose=purpose)
    row.sealed = crypto.encrypt(key, json.dumps(payload).encode(), ad=_ad(purpose, row.id))
    row.save()
    return f"{row.id}.{base64.urlsafe_b64encode(key).decode()}"


def _open(token: str, purpose: str) -> tuple[HeldText, dict] | None:
    try:
        row_id, key_text = (token or "").split(".", 1)
        row_id = uuid.UUID(row_id)
        key = base64.urlsafe_b64decode(key_text.encode())
    except (ValueError, TypeError):
        return None
    row = HeldText.objects.filter(pk=row_id, purpose=purpose).first()
    if row is None:
        return None
    try:
        return row, json.loads(crypto.decrypt(key, bytes(row.sealed), ad=_ad(purpose, row.id)))
    except (ValueError, TypeError, crypto.DecryptionError):
        return None


def peek(token: str, purpose: str) -> dict | None:
    """The held payload, left in place."""
    opened = _open(token, purpose)
    return opened[1] if opened else None


def take(token: str, purpose: str) -> dict | None:
    """The held payload, deleted as it is read (None for a wrong or spent token)."""
    opened = _open(token, purpose)
    if opened is None:
        return None
    row, payload = opened
    row.delete()
    return payload


def purge(now: datetime.datetime | None = None) -> int:
    cutoff = (now or timezone.now()) - datetime.timedelta(hours=settings.WBS_HELD_TEXT_HOURS)
    deleted, _by_model = HeldText.objects.filter(created_at__lt=cutoff).delete()
    return deleted

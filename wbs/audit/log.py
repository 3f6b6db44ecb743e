"""The one way to write an audit event."""

import datetime

from django.utils import timezone

from .models import AuditEvent


def record(
    *,
    verb: str,
    actor=None,
    actor_kind: str | None = None,
    target=None,
    target_type: str = "",
    target_id: str = "",
    payload: dict | None = None,
) -> AuditEvent:
    """Append one event. Reporter events keep only the day (no precise timing is stored)."""
    if actor_kind is None:
        actor_kind = (
            AuditEvent.ActorKind.STAFF if actor is not None else AuditEvent.ActorKind.SYSTEM
        )
    if target is not None:
        target_type = target_type or target._meta.model_name
        target_id = target_id or str(target.pk)
    now = timezone.now()
    if actor_kind == AuditEvent.ActorKind.REPORTER:
        today = timezone.localdate(now)
        now = timezone.make_aware(datetime.datetime.combine(today, datetime.time()))
    return AuditEvent.objects.create(
        actor=actor if actor_kind == AuditEvent.ActorKind.STAFF else None,
        actor_kind=actor_kind,
        verb=verb,
        target_type=target_type,
        target_id=str(target_id),
        at=now,
        payload=payload or {},
    )

"""Append-only audit events. The payload never carries plaintext report data, codes, file names
or addresses; on PostgreSQL a trigger refuses UPDATE and DELETE (see the migration)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    class ActorKind(models.TextChoices):
        STAFF = "staff", _("Staff")
        REPORTER = "reporter", _("Reporter")
        SYSTEM = "system", _("System")

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
    )
    actor_kind = models.CharField(_("kind of actor"), max_length=10, choices=ActorKind.choices)
    verb = models.CharField(_("action"), max_length=60, db_index=True)
    target_type = models.CharField(_("kind of target"), max_length=40, blank=True)
    target_id = models.CharField(_("target"), max_length=64, blank=True, db_index=True)
    # Staff and system events keep the time; reporter events keep the day only.
    at = models.DateTimeField(_("time"), db_index=True)
    payload = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.verb} {self.target_type}:{self.target_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("audit events are append-only")

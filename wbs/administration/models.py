"""Administration records: role requests that need a second administrator, and backup runs."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wbs.accounts.models import Role


class RoleRequest(models.Model):
    """Granting a case-handling role to an administrator (themself included) needs a second
    administrator's approval (product.md §2)."""

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        DENIED = "denied", _("Denied")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    role = models.CharField(max_length=20, choices=Role.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"{self.role} for {self.user_id} ({self.state})"


class BackupRun(models.Model):
    """One run of `manage.py backup` (shown on the health page)."""

    created_at = models.DateTimeField(auto_now_add=True)
    location = models.CharField(max_length=500)
    reports = models.PositiveIntegerField(default=0)
    files = models.PositiveIntegerField(default=0)
    size_bytes = models.PositiveBigIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Backup {self.created_at:%Y-%m-%d %H:%M}"

"""Administration records: backup runs (shown on the health page)."""

from django.db import models


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

from django.conf import settings
from django.db import models


class ReporterNotice(models.Model):
    """A registered reporter who opted in to content-free e-mail about one of their reports.

    This row links the account to the report in the clear: it exists only with the reporter's
    explicit consent (the registration form says so), and holds nothing else."""

    report = models.ForeignKey("cases.Report", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["report", "user"], name="one_notice_per_report")
        ]

    def __str__(self) -> str:
        return f"Notice for report {self.report_id}"

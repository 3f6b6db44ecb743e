"""Content-free e-mail: staff learn only that work is waiting (no names, no content, no
registration number); registered reporters who opted in learn only that there is news.

Mail goes through the task queue (django-tasks, database backend) after the commit, so a failing
mail server never blocks or loses a workflow step: the task retries later.
"""

import datetime
import logging

from django.contrib.auth import get_user_model
from django.utils import timezone

from wbs.accounts import mail
from wbs.accounts.mail import send_templated
from wbs.directory import workdays

from .inbox import due_by_q, queue_for_user
from .models import ReporterNotice
from .recipients import staff_with_roles

logger = logging.getLogger("wbs.notifications")
__all__ = [
    "daily_digest",
    "reporter_news",
    "reporter_wrote",
    "send_templated",
    "users_with_roles",
    "work_waiting",
]


def users_with_roles(roles) -> list[int]:
    return list(staff_with_roles(roles).values_list("pk", flat=True))


def work_waiting(user_ids: list[int]) -> None:
    """Queue one 'work is waiting' e-mail per user (called after the commit)."""
    mail.queue(user_ids, "staff_work")


def reporter_wrote(user_ids: list[int]) -> None:
    """Queue one content-free 'the reporter wrote' e-mail per handler (after the commit)."""
    mail.queue(user_ids, "staff_reporter_news")


def reporter_news(report_id) -> None:
    """Queue a content-free notice for registered reporters who opted in (after the commit)."""
    for user_id in ReporterNotice.objects.filter(report_id=report_id).values_list(
        "user_id", flat=True
    ):
        try:
            send_templated.enqueue(user_id=user_id, code="reporter_notice", values={}, attempt=1)
        except Exception:
            logger.exception("could not queue a notification")


def daily_digest(today: datetime.date | None = None) -> int:
    """One digest per handler with overdue or near-due work (content-free: a count)."""
    today = today or timezone.localdate()
    soon = workdays.add_working_days(today, 2)
    queued = 0
    staff = get_user_model().objects.filter(kind="staff", is_active=True).exclude(email="")
    for user in staff:
        # Stage deadlines and the first answer to the reporter, like the inbox's flags.
        due = queue_for_user(user).filter(due_by_q(soon)).count()
        if due:
            send_templated.enqueue(
                user_id=user.pk, code="staff_digest", values={"jumlah": due}, attempt=1
            )
            queued += 1
    return queued

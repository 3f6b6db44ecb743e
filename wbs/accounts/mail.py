"""Content-free e-mail through the task queue (django-tasks, database backend), queued after
the commit: a failing mail server never blocks or loses a step; the task retries later. Texts
are the editable message templates; no content, name or registration number ever goes in."""

import datetime
import logging

from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.utils import timezone
from django_tasks import task

from wbs.directory.models import MessageTemplate, OrganisationProfile

logger = logging.getLogger("wbs.notifications")
RETRY_MINUTES = 15
MAX_ATTEMPTS = 8


@task()
def send_templated(*, user_id: int, code: str, values: dict, attempt: int = 1) -> str:
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.email or (user.kind == "reporter" and not user.notify_by_email):
        return "skipped"
    values = {"aplikasi": OrganisationProfile.get().app_name, **values}
    subject, body = MessageTemplate.text(code, **values)
    try:
        send_mail(subject, body, None, [user.email])
    except Exception:
        if attempt >= MAX_ATTEMPTS:
            logger.warning("notification given up after %d attempts", attempt)
            return "failed"
        logger.warning("mail server failed; notification retried in %d minutes", RETRY_MINUTES)
        send_templated.using(
            run_after=timezone.now() + datetime.timedelta(minutes=RETRY_MINUTES * attempt)
        ).enqueue(user_id=user_id, code=code, values=values, attempt=attempt + 1)
        return "retry"
    return "sent"


def queue(user_ids, code: str, values: dict | None = None) -> None:
    """One e-mail of template `code` per user (call after the commit)."""
    for user_id in set(user_ids):
        try:
            send_templated.enqueue(user_id=user_id, code=code, values=values or {}, attempt=1)
        except Exception:  # the queue itself is down: the step stands, the mail is lost
            logger.exception("could not queue a notification")

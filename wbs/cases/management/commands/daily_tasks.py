from wbs.cases import notifications, workflow
from wbs.cli import WbsCommand


class Command(WbsCommand):
    help = (
        "Run once a day (cron or a systemd timer): close reports whose reporter did not "
        "complete them in time, and queue the daily digest e-mails."
    )

    def handle(self, *args, **options):
        closed = workflow.close_expired_completion_requests()
        digests = notifications.daily_digest()
        self.stdout.write(f"Closed as incomplete: {closed}. Digests queued: {digests}.")

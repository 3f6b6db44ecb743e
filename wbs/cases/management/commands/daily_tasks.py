from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wbs.cases import notifications, workflow
from wbs.cli import WbsCommand
from wbs.vault import held, held_files


class Command(WbsCommand):
    help = gettext_lazy(
        "Run once a day (cron or a systemd timer): close reports whose reporter did not "
        "complete them in time, queue the daily digest e-mails, and delete text held after an "
        "expired session that nobody came back for."
    )

    def handle(self, *args, **options):
        closed = workflow.close_expired_completion_requests()
        digests = notifications.daily_digest()
        purged = held.purge() + held_files.purge()
        self.stdout.write(
            _(
                "Closed as incomplete: %(closed)s. Digests queued: %(digests)s. Held texts and "
                "files deleted: %(purged)s."
            )
            % {"closed": closed, "digests": digests, "purged": purged}
        )

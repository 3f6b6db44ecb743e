from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wbs.cases import notifications, reconcile, workflow
from wbs.cli import WbsCommand
from wbs.vault import held, held_files, idempotency


class Command(WbsCommand):
    help = gettext_lazy(
        "Run once a day (cron or a systemd timer): close reports whose reporter did not "
        "complete them in time, queue the daily digest e-mails, delete text held after an "
        "expired session that nobody came back for and receipts kept for retries, and "
        "reconcile the database with the attachment store (manage.py reconcile lists what it "
        "finds)."
    )

    def handle(self, *args, **options):
        closed = workflow.close_expired_completion_requests()
        digests = notifications.daily_digest()
        purged = held.purge() + held_files.purge() + idempotency.purge()
        findings = reconcile.run()
        self.stdout.write(
            _(
                "Closed as incomplete: %(closed)s. Digests queued: %(digests)s. Held texts and "
                "files deleted: %(purged)s."
            )
            % {"closed": closed, "digests": digests, "purged": purged}
        )
        if not findings.clean:
            self.stdout.write(
                _("The reconciler found problems: run manage.py reconcile to see them. %(counts)s")
                % {"counts": ", ".join(f"{k}={v}" for k, v in findings.counts().items() if v)}
            )

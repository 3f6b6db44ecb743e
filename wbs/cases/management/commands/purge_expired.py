from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wbs.cases import retention
from wbs.cli import WbsCommand


class Command(WbsCommand):
    help = gettext_lazy(
        "Destroy closed reports past the retention period that are not on legal hold: keys "
        "first (crypto-shredding), then rows and files. Run daily (cron)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args, dry_run, **options):
        if dry_run:
            count = retention.expired().count()
            self.stdout.write(
                _("%(count)s report(s) would be destroyed (cut-off %(date)s).")
                % {"count": count, "date": f"{retention.cutoff():%Y-%m-%d}"}
            )
            return
        count = retention.purge_expired()
        self.stdout.write(_("%(count)s report(s) destroyed.") % {"count": count})

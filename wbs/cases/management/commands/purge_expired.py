from wbs.cases import retention
from wbs.cli import WbsCommand


class Command(WbsCommand):
    help = (
        "Destroy closed reports past the retention period that are not on legal hold: keys "
        "first (crypto-shredding), then rows and files. Run daily (cron)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args, dry_run, **options):
        if dry_run:
            count = retention.expired().count()
            self.stdout.write(
                f"{count} report(s) would be destroyed (cut-off {retention.cutoff():%Y-%m-%d})."
            )
            return
        count = retention.purge_expired()
        self.stdout.write(f"{count} report(s) destroyed.")

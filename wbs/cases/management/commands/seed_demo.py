from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from wbs.cases.models import Report


class Command(BaseCommand):
    help = "Demo mode only: fill an empty installation with fictional reports."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=60)

    def handle(self, *args, count, **options):
        if not settings.DEMO:
            raise CommandError("Demo data exists only in demo mode (WBS_DEMO=True).")
        if Report.objects.exists():
            self.stdout.write("Reports exist already; no demo reports added.")
            return
        call_command("seed_reports", count=count, seed=2611, stdout=self.stdout)

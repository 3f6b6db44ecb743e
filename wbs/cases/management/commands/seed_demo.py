from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wbs.cases.models import Report
from wbs.cli import WbsCommand
from wbs.directory.models import OrganisationProfile

# A fictional signatory, so the demo's documents show a complete signature block. Only set
# where the profile has none: an administrator's own entry is never overwritten.
DEMO_SIGNATORY = {
    "head_title": "Inspektur Daerah Kota Palembang",
    "head_name": "Drs. Contoh Pejabat, M.Si. (fiktif)",
    "head_rank": "Pembina Utama Muda (IV/c)",
    "head_nip": "198507152010011003",
}


class Command(WbsCommand):
    help = gettext_lazy("Demo mode only: fill an empty installation with fictional reports.")

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=60)

    def handle(self, *args, count, **options):
        if not settings.DEMO:
            raise CommandError(
                _("Demo data exists only in demo mode (WBS_DEMO=True): use ./wbs-demo.")
            )
        profile = OrganisationProfile.get()
        if not profile.head_name:
            for name, value in DEMO_SIGNATORY.items():
                setattr(profile, name, value)
            profile.save()
        if Report.objects.exists():
            self.stdout.write(_("Reports exist already; no demo reports added."))
            return
        call_command("seed_reports", count=count, seed=2611, stdout=self.stdout)

import datetime
from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wbs.cli import WbsCommand
from wbs.monitoring import services
from wbs.monitoring.figures import Filters


class Command(WbsCommand):
    help = gettext_lazy("Write the Rekapitulasi Penanganan Pengaduan of a year as PDF or XLSX.")

    def add_arguments(self, parser):
        parser.add_argument("--year", required=True, type=int)
        parser.add_argument("--format", dest="fmt", choices=["pdf", "xlsx"], default="pdf")
        parser.add_argument("--output", required=True)

    def handle(self, *args, year, fmt, output, **options):
        if not 2000 <= year <= 2100:
            raise CommandError(_("--year must be between 2000 and 2100."))
        filters = Filters(date_from=datetime.date(year, 1, 1), date_to=datetime.date(year, 12, 31))
        content, _name = services.recap(filters, fmt=fmt)
        Path(output).write_bytes(content)
        self.stdout.write(
            _("Recap %(year)s written to %(path)s (%(size)s bytes).")
            % {"year": year, "path": output, "size": f"{len(content):,}"}
        )

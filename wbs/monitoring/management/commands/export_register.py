import argparse
import datetime
from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wbs.cli import WbsCommand
from wbs.monitoring import services
from wbs.monitoring.figures import Filters


def _date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        # ArgumentTypeError, not CommandError: argparse names the option (wbs/cli.py words it).
        raise argparse.ArgumentTypeError(
            _("%(value)s is not a date (YYYY-MM-DD)") % {"value": text}
        ) from None


class Command(WbsCommand):
    help = gettext_lazy(
        "Write the register of reports received in a period to an XLSX file (no identities)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="date_from", required=True, type=_date)
        parser.add_argument("--to", dest="date_to", required=True, type=_date)
        parser.add_argument("--output", required=True)

    def handle(self, *args, date_from, date_to, output, **options):
        if date_to < date_from:
            raise CommandError(_("--to is before --from."))
        content, _name = services.register(Filters(date_from=date_from, date_to=date_to))
        Path(output).write_bytes(content)
        self.stdout.write(
            _("Register written to %(path)s (%(size)s bytes).")
            % {"path": output, "size": f"{len(content):,}"}
        )

from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wbs.administration import backup
from wbs.cli import WbsCommand


class Command(WbsCommand):
    help = gettext_lazy(
        "Check a backup folder against its manifest (every file present and unchanged)."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder")

    def handle(self, *args, folder, **options):
        problems = backup.verify(Path(folder))
        if problems:
            for problem in problems:
                self.stderr.write(problem)
            raise CommandError(_("%(count)s problem(s) found") % {"count": len(problems)})
        self.stdout.write(_("The backup is complete and unchanged."))

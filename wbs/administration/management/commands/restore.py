from pathlib import Path

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wbs.administration import backup
from wbs.cli import WbsCommand


class Command(WbsCommand):
    help = gettext_lazy(
        "Restore a verified backup into an empty, migrated database and attachment store."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder")

    def handle(self, *args, folder, **options):
        result = backup.restore(Path(folder))  # a BackupError is a CommandError
        self.stdout.write(
            _("Restored %(reports)s reports and %(files)s files.")
            % {"reports": result["reports"], "files": result["attachments"]}
        )
        if not result["pepper_matches"]:
            self.stderr.write(
                _(
                    "Warning: WBS_PEPPER differs from the one in use at backup time: "
                    "reporters' access codes will not be found until it is set."
                )
            )

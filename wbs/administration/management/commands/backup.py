from pathlib import Path

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wbs.administration import backup
from wbs.cli import WbsCommand


class Command(WbsCommand):
    help = gettext_lazy(
        "Back up the database and the attachment store (ciphertext only) into a new folder."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", required=True, help=gettext_lazy("a new or empty folder"))

    def handle(self, *args, output, **options):
        manifest = backup.create(Path(output))  # a BackupError is a CommandError
        self.stdout.write(
            _(
                "Backup written to %(path)s: %(reports)s reports, %(files)s files. Keep the "
                "pepper (WBS_PEPPER) and the recovery passphrase elsewhere: they are not in the "
                "backup."
            )
            % {"path": output, "reports": manifest["reports"], "files": manifest["attachments"]}
        )

from pathlib import Path

from wbs.administration import backup
from wbs.cli import WbsCommand


class Command(WbsCommand):
    help = "Restore a verified backup into an empty, migrated database and attachment store."

    def add_arguments(self, parser):
        parser.add_argument("folder")

    def handle(self, *args, folder, **options):
        result = backup.restore(Path(folder))  # a BackupError is a CommandError
        self.stdout.write(
            f"Restored {result['reports']} reports and {result['attachments']} files."
        )
        if not result["pepper_matches"]:
            self.stderr.write(
                "Warning: WBS_PEPPER differs from the one in use at backup time: "
                "reporters' access codes will not be found until it is set."
            )

from pathlib import Path

from wbs.administration import backup
from wbs.cli import WbsCommand


class Command(WbsCommand):
    help = "Back up the database and the attachment store (ciphertext only) into a new folder."

    def add_arguments(self, parser):
        parser.add_argument("--output", required=True, help="a new or empty folder")

    def handle(self, *args, output, **options):
        manifest = backup.create(Path(output))  # a BackupError is a CommandError
        self.stdout.write(
            f"Backup written to {output}: {manifest['reports']} reports, "
            f"{manifest['attachments']} files. Keep the pepper (WBS_PEPPER) and "
            "the recovery passphrase elsewhere: they are not in the backup."
        )

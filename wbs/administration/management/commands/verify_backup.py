from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from wbs.administration import backup


class Command(BaseCommand):
    help = "Check a backup folder against its manifest (every file present and unchanged)."

    def add_arguments(self, parser):
        parser.add_argument("folder")

    def handle(self, *args, folder, **options):
        problems = backup.verify(Path(folder))
        if problems:
            for problem in problems:
                self.stderr.write(problem)
            raise CommandError(f"{len(problems)} problem(s) found")
        self.stdout.write("The backup is complete and unchanged.")

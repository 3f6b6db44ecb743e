import getpass

from django.core.management.base import BaseCommand, CommandError

from wbs.audit import log
from wbs.vault.recovery import rotate_recovery_key


class Command(BaseCommand):
    help = (
        "Replace the organisation recovery key (for instance when the printed passphrase may "
        "have been seen): every recovery copy is re-sealed to a new key pair, and the new "
        "passphrase is printed once. Needs the current passphrase."
    )

    def handle(self, *args, **options):
        current = getpass.getpass("Current recovery passphrase: ")
        result = rotate_recovery_key(current)
        if result is None:
            log.record(verb="recovery.rotation_failed")
            raise CommandError("The current recovery passphrase is not correct.")
        copies, passphrase = result
        log.record(verb="recovery.rotated", payload={"copies": copies})
        self.stdout.write(
            self.style.WARNING("NEW RECOVERY PASSPHRASE (shown once, stored nowhere):")
        )
        self.stdout.write(f"    {passphrase}")
        self.stdout.write(f"{copies} key copies re-sealed. Destroy the old printed passphrase.")

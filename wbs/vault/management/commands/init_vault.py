from django.core.management.base import BaseCommand

from wbs.vault.recovery import active_recovery_key, create_recovery_key


class Command(BaseCommand):
    help = (
        "Create the organisation recovery key pair (once). Prints the recovery passphrase one "
        "time: print it on paper and keep it in a safe. It is stored nowhere."
    )

    def handle(self, *args, **options):
        if active_recovery_key() is not None:
            self.stdout.write("The recovery key exists already; nothing to do.")
            return
        _key, passphrase = create_recovery_key()
        self.stdout.write(self.style.WARNING("RECOVERY PASSPHRASE (shown once, stored nowhere):"))
        self.stdout.write(f"    {passphrase}")
        self.stdout.write(
            "Print it and keep it in a safe. Without it, keys of staff who forget their "
            "password cannot be re-issued."
        )

from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wbs.cli import WbsCommand
from wbs.private_files import private_dir, write_private
from wbs.vault import signing
from wbs.vault.recovery import active_recovery_key, create_recovery_key

# In demo mode only: the passphrase is kept for `create_demo_users`, which approves the demo
# roles as the trust root would (in production it is printed once and stored nowhere).
DEMO_PASSPHRASE = "demo_recovery_passphrase"  # noqa: S105 - a file name  # nosec B105


def _local_file(name: str, value: str) -> Path:
    folder = private_dir(Path(settings.DATA_DIR) / "secrets")
    path = folder / name
    write_private(path, value + "\n")
    return path


class Command(WbsCommand):
    help = gettext_lazy(
        "Create the organisation recovery key and trust root (once). Prints the recovery "
        "passphrase one time (print it on paper and keep it in a safe; it is stored nowhere) "
        "and the trust-root fingerprint, to be pinned as WBS_TRUST_ROOT."
    )

    def handle(self, *args, **options):
        key = active_recovery_key()
        if key is not None:
            self.stdout.write(_("The recovery key exists already; nothing created."))
            if key.verify_key is None:
                self.stdout.write(
                    self.style.WARNING(
                        _(
                            "It has no trust root yet (made before ADR 0013): run "
                            "`manage.py upgrade_vault` with the recovery passphrase."
                        )
                    )
                )
                return
        else:
            key, passphrase = create_recovery_key()
            self.stdout.write(
                self.style.WARNING(_("RECOVERY PASSPHRASE (shown once, stored nowhere):"))
            )
            self.stdout.write(f"    {passphrase}")
            self.stdout.write(
                _(
                    "Print it and keep it in a safe. It approves Inspekturs, re-issues keys and "
                    "opens every report: keep it away from this server."
                )
            )
            if settings.DEMO:
                _local_file(DEMO_PASSPHRASE, passphrase)
        fingerprint = signing.fingerprint(key)
        self.stdout.write(
            _("Trust root fingerprint: %(fingerprint)s") % {"fingerprint": fingerprint}
        )
        path = signing.pin_locally(fingerprint)
        if path is not None:
            self.stdout.write(_("(demo/debug: pinned in %(path)s)") % {"path": path})
        elif signing.normalised(settings.WBS_TRUST_ROOT) != signing.normalised(fingerprint):
            self.stdout.write(
                self.style.WARNING(
                    _(
                        "Pin it: set WBS_TRUST_ROOT (or WBS_TRUST_ROOT_FILE) to this fingerprint "
                        "and restart. Until then no staff member receives a report key."
                    )
                )
            )

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wbs.audit import log
from wbs.cli import WbsCommand
from wbs.vault import signing
from wbs.vault.recovery import active_recovery_key, rotate_recovery_key


class Command(WbsCommand):
    help = gettext_lazy(
        "Replace the organisation recovery key and trust root (for instance when the printed "
        "passphrase may have been seen): every recovery copy is re-sealed to a new key pair, "
        "the certificates and root listings are signed again, and the new passphrase and "
        "fingerprint are printed once. Needs the current passphrase."
    )

    def handle(self, *args, **options):
        try:
            # What the old root vouches for is signed again: only while it is the pinned one
            # (otherwise every certificate and root listing would be dropped, unseen).
            signing.trusted_recovery_key()
        except signing.TrustRootMissing:
            raise CommandError(
                _(
                    "The trust root does not verify: pin the current fingerprint in "
                    "WBS_TRUST_ROOT first (init_vault or upgrade_vault print it), then rotate."
                )
            ) from None
        current = self.ask_secret(_("Current recovery passphrase: "))
        result = rotate_recovery_key(current)
        if result is None:
            log.record(verb="recovery.rotation_failed")
            raise CommandError(_("The current recovery passphrase is not correct."))
        copies, passphrase = result
        log.record(verb="recovery.rotated", payload={"copies": copies})
        self.stdout.write(
            self.style.WARNING(_("NEW RECOVERY PASSPHRASE (shown once, stored nowhere):"))
        )
        self.stdout.write(f"    {passphrase}")
        self.stdout.write(
            _("%(count)s key copies re-sealed. Destroy the old printed passphrase.")
            % {"count": copies}
        )
        fingerprint = signing.fingerprint(active_recovery_key())
        self.stdout.write(
            _("Trust root fingerprint: %(fingerprint)s") % {"fingerprint": fingerprint}
        )
        if signing.pin_locally(fingerprint) is not None:
            return
        self.stdout.write(
            self.style.WARNING(
                _(
                    "The trust root is new too: set WBS_TRUST_ROOT to this fingerprint and "
                    "restart now. Until then no staff member receives a new report key."
                )
            )
        )

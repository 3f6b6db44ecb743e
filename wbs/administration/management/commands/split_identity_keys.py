from django.conf import settings
from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wbs.audit import log
from wbs.cases import recipients
from wbs.cases.models import IdentityRequest
from wbs.cli import WbsCommand
from wbs.vault import recovery


class Command(WbsCommand):
    help = gettext_lazy(
        "Share every report's identity key anew among the identity custodians listed now "
        "(k of them needed, WBS_IDENTITY_QUORUM), from the recovery key's copies: after "
        "custodians join or leave. Earlier shares are replaced. Asks for the recovery passphrase."
    )

    def handle(self, *args, **options):
        custodians = recipients.custodians()
        k = settings.WBS_IDENTITY_QUORUM
        if len(custodians) < k:
            raise CommandError(
                _(
                    "%(listed)s custodians are listed and %(needed)s are needed: an Inspektur "
                    "must approve more custodians first."
                )
                % {"listed": len(custodians), "needed": k}
            )
        pending = IdentityRequest.objects.filter(state=IdentityRequest.State.PENDING).count()
        if pending:
            raise CommandError(
                _(
                    "%(count)s identity requests are still pending: shares released for them "
                    "come from the current split and would not combine with the new one. Let "
                    "the custodians decide them first."
                )
                % {"count": pending}
            )
        passphrase = self.ask_secret(_("Recovery passphrase: "))
        count = recovery.resplit_identity_keys(passphrase, custodians, k)
        if count is None:
            raise CommandError(_("The recovery passphrase is not correct."))
        log.record(
            verb="recovery.identity_keys_split",
            payload={"reports": count, "custodians": len(custodians), "k": k},
        )
        self.stdout.write(
            _("%(count)s identity keys shared among %(custodians)s custodians (%(needed)s needed).")
            % {"count": count, "custodians": len(custodians), "needed": k}
        )

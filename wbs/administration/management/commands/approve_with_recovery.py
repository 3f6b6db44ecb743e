from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wbs.accounts.models import RoleRequest, User
from wbs.cases import roles
from wbs.cli import WbsCommand


class Command(WbsCommand):
    help = gettext_lazy(
        "The trust root approves a person's pending case roles (above all the Inspektur role, "
        "which only the recovery passphrase can approve): the first Inspektur is certified so, "
        "and then approves everyone else with their own key. Asks for the recovery passphrase. "
        "The person must have logged in once with a password of their own, and reads you the "
        "key fingerprint from their own My account page: give it as --fingerprint."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument(
            "--fingerprint",
            required=True,
            help=gettext_lazy(
                "The key fingerprint the person read from their own My account page."
            ),
        )

    def handle(self, *args, username, fingerprint, **options):
        user = User.objects.filter(username=username, kind="staff", is_active=True).first()
        if user is None:
            raise CommandError(_("No active staff member %(name)s.") % {"name": username})
        pending = list(
            RoleRequest.objects.filter(user=user, state=RoleRequest.State.PENDING).exclude(
                decider=RoleRequest.Decider.ADMIN
            )
        )
        if not pending:
            raise CommandError(
                _(
                    "%(name)s has no pending case role: an administrator adds the role on the "
                    "Users and roles screen first."
                )
                % {"name": username}
            )
        names = ", ".join(str(row.get_role_display()) for row in pending)
        self.stdout.write(_("Pending for %(name)s: %(roles)s") % {"name": username, "roles": names})
        passphrase = self.ask_secret(_("Recovery passphrase: "))
        for row in pending:
            try:
                keys = roles.approve_with_recovery(passphrase, row, fingerprint=fingerprint)
            except roles.ApprovalError as exc:
                raise CommandError(str(exc)) from None
            self.stdout.write(
                _("Approved %(role)s: %(count)s report keys re-issued.")
                % {"role": row.get_role_display(), "count": keys}
            )

from django.core.management.base import CommandError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wbs.accounts.models import Role, RoleAssignment, User
from wbs.accounts.services import create_staff_user, temporary_password
from wbs.cli import WbsCommand


class Command(WbsCommand):
    help = gettext_lazy(
        "Create one of the first two system administrators (only while fewer than two are "
        "active: a further administrator is approved by a second one on the Users and roles "
        "screen). Prints a temporary password that works for one log-in: the administrator "
        "then chooses their own and enrols an authenticator."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--full-name", default="")
        parser.add_argument("--email", default="")

    @transaction.atomic
    def handle(self, *args, username, full_name, email, **options):
        if RoleAssignment.objects.filter(role=Role.ADMIN, user__is_active=True).count() >= 2:
            raise CommandError(
                _(
                    "Two administrators exist already: a further one is approved by a second "
                    "administrator on the Users and roles screen (/staf/administrasi/pengguna/)."
                )
            )
        if User.objects.filter(username=username).exists():
            raise CommandError(_("The username %(name)s is taken.") % {"name": username})
        password = temporary_password()
        create_staff_user(
            username=username,
            password=password,
            roles=[Role.ADMIN],
            full_name=full_name,
            email=email,
            temporary=True,
        )
        self.stdout.write(
            _("Administrator %(name)s created. Temporary password (one log-in):")
            % {"name": username}
        )
        self.stdout.write(f"    {password}")
        self.stdout.write(
            _(
                "Give it to the administrator in person. At /staf/masuk/ they choose their own "
                "password and enrol an authenticator app. Run this once more for the second "
                "administrator; from then on, each further one is approved by another."
            )
        )

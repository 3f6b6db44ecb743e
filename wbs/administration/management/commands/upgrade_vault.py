from django.conf import settings
from django.core.management.base import CommandError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wbs.accounts import services as accounts
from wbs.accounts.models import CASE_ROLES, Role, RoleAssignment, RoleRequest, User
from wbs.accounts.services import SCOPE_OF_ROLE
from wbs.audit import log
from wbs.cases import recipients
from wbs.cli import WbsCommand
from wbs.vault import keys, listings, recovery, signing
from wbs.vault.models import KeyGrant, RecipientListing, SigningCertificate, UserKeyPair


class Command(WbsCommand):
    help = gettext_lazy(
        "Bring an installation made before ADR 0013 to signed listings and shared identity "
        "keys, with the recovery passphrase: the recovery key gets its trust root (pin the "
        "fingerprint printed, restart, run again); then the Inspekturs are certified, everyone "
        "holding a key role now is listed by the root, identity keys are shared among the "
        "custodians, and no person keeps a whole identity key. Accounts that are both "
        "administrator and case handler, or wait for a re-approval, are reported and left "
        "unlisted. Refused once any listing exists: it runs once per installation."
    )

    def handle(self, *args, **options):
        passphrase = self.ask_secret(_("Recovery passphrase: "))
        opened = recovery.open_root(passphrase)
        if opened is None:
            raise CommandError(_("The recovery passphrase is not correct."))
        key = recovery.active_recovery_key()
        fingerprint = signing.fingerprint(key)
        self.stdout.write(
            _("Trust root fingerprint: %(fingerprint)s") % {"fingerprint": fingerprint}
        )
        try:
            signing.root_verify_key()
        except signing.TrustRootMissing:
            raise CommandError(
                _(
                    "Pin this fingerprint as WBS_TRUST_ROOT, restart the application, and run "
                    "upgrade_vault again."
                )
            ) from None
        if SigningCertificate.objects.exists() or RecipientListing.objects.exists():
            # Once only: after the upgrade a role takes effect by an approval (an Inspektur's
            # in-person check), never by a role row that a run of this command would sign.
            raise CommandError(
                _(
                    "This installation is upgraded already (signed listings exist): roles are "
                    "approved on Persetujuan Peran, and split_identity_keys shares identity keys "
                    "anew."
                )
            )
        self._upgrade(passphrase, opened.signing_key)

    @transaction.atomic
    def _upgrade(self, passphrase, root_seed):
        conflicts = set(
            RoleAssignment.objects.filter(role=Role.ADMIN)
            .filter(user__role_assignments__role__in=sorted(CASE_ROLES))
            .values_list("user__username", flat=True)
        )
        for username in sorted(conflicts):
            self.stdout.write(
                self.style.WARNING(
                    _(
                        "%(name)s is administrator and case handler: left unlisted. Remove one "
                        "of the two kinds of role on the Users and roles screen."
                    )
                    % {"name": username}
                )
            )
        certified = listed = waiting = 0
        people = User.objects.filter(
            kind="staff", is_active=True, role_assignments__role__in=list(SCOPE_OF_ROLE)
        ).distinct()
        for user in people.exclude(username__in=conflicts):
            pair = UserKeyPair.objects.filter(user=user).first()
            waits = RoleRequest.objects.filter(user=user, state=RoleRequest.State.PENDING)
            if (
                pair is None
                or not keys.is_bound(pair)
                or user.password_set_by_other
                or waits.filter(relist=True).exists()
            ):
                # Their key pair gets its signing key and binding at their next log-in; the
                # roles wait for an Inspektur's approval (an Inspektur's: the passphrase's).
                accounts.relist(user, acting=None)
                waiting += 1
                self.stdout.write(
                    _(
                        "%(name)s: log in once; their roles then wait on Persetujuan Peran (an "
                        "Inspektur: approve_with_recovery %(name)s)."
                    )
                    % {"name": user.username}
                )
                continue
            held = set(user.role_assignments.values_list("role", flat=True))
            if Role.INSPEKTUR in held:
                signing.certify(root_seed, user, bytes(pair.verify_key))
                certified += 1
            for scope in {SCOPE_OF_ROLE[r] for r in held if r in SCOPE_OF_ROLE}:
                listings.list_by_root(root_seed, user, scope)
                listed += 1
            self.stdout.write(
                _("%(name)s: listed (%(roles)s).")
                % {"name": user.username, "roles": ", ".join(sorted(held))}
            )
        # Nobody keeps a whole identity key: shared among the custodians (if enough are
        # listed) and always kept by the recovery key.
        from_people = KeyGrant.objects.filter(
            key_kind=KeyGrant.KeyKind.IDENTITY, user__isnull=False
        )
        removed = from_people.count()
        custodians = recipients.custodians()
        k = settings.WBS_IDENTITY_QUORUM
        shared = recovery.resplit_identity_keys(passphrase, custodians, k)
        log.record(
            verb="recovery.vault_upgraded",
            payload={"certified": certified, "listings": listed, "identity_grants": removed},
        )
        self.stdout.write(
            _(
                "%(certified)s Inspektur certified, %(listed)s listings signed, %(waiting)s "
                "people wait for their first log-in; %(removed)s whole identity keys taken from "
                "people; %(shared)s identity keys shared among %(custodians)s custodians "
                "(%(needed)s needed)."
            )
            % {
                "certified": certified,
                "listed": listed,
                "waiting": waiting,
                "removed": removed,
                "shared": shared,
                "custodians": len(custodians),
                "needed": k,
            }
        )
        if len(custodians) < k:
            self.stdout.write(
                self.style.WARNING(
                    _(
                        "Too few custodians: identities open only with the recovery key until an "
                        "Inspektur approves custodians and split_identity_keys is run."
                    )
                )
            )

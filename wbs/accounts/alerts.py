"""Alerts to the people who answer for keys: every Inspektur and identity custodian learns,
content-free, of each role change, approval, reset of a key holder's password or second factor,
identity request and decision — on the staff pages until acknowledged, by e-mail, and in the
audit trail with its actor."""

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wbs.audit import log

from . import mail
from .models import Alert, Role, User

# What an alert says (no report, no name of a reporter: only who did what to which account).
LABELS = {
    "role.requested": _("A role was requested for an account"),
    "role.added": _("A role was added to an account"),
    "role.removed": _("A role was removed from an account"),
    "role.approved": _("A role was approved"),
    "role.denied": _("A role request was denied"),
    "user.password_reset": _("A password was reset by an administrator"),
    "user.totp_reset": _("A second factor was reset by an administrator"),
    "user.deactivated": _("An account was switched off"),
    "user.reactivated": _("An account was switched on again"),
    "user.email_changed": _("The e-mail address of a case-role holder was changed"),
    "identity.requested": _("A reporter's identity was requested"),
    "identity.approved": _("An identity request was approved by a custodian"),
    "identity.released": _("A reporter's identity was released"),
    "identity.denied": _("An identity request was denied"),
    "security.listing_invalid": _("A recipient listing did not verify (possible tampering)"),
    "security.keypair_unbound": _(
        "A key pair did not verify at an approval (possible tampering): nothing was approved"
    ),
    "security.keypair_replaced": _(
        "A key pair was made or bound at a log-in: the account's case roles wait for an "
        "approval again"
    ),
    "security.login_attack": _(
        "Many wrong passwords or codes for a staff account from several places: the account "
        "stays open to its owner, each place is held back"
    ),
    "security.trust_root_invalid": _(
        "The recovery key does not match the pinned trust root: no report is accepted"
    ),
    "attachment.damaged": _(
        "An evidence file is damaged or missing in the attachment store: restore it from a "
        "backup (manage.py reconcile --digests lists it)"
    ),
}
WATCHERS = (Role.INSPEKTUR, Role.CUSTODIAN)
# Faults the administrators must fix (the installation, not a person) reach them too.
FOR_ADMINISTRATORS_TOO = {"security.trust_root_invalid", "attachment.damaged"}


def watchers():
    return User.objects.filter(
        kind="staff", is_active=True, role_assignments__role__in=WATCHERS
    ).distinct()


def alert(verb: str, *, actor=None, subject=None, target=None, payload=None) -> None:
    """Record `verb` in the audit trail and tell every watcher (in the caller's transaction;
    the e-mails leave after the commit)."""
    log.record(verb=verb, actor=actor, target=target or subject, payload=payload or {})
    recipients = list(watchers().values_list("pk", flat=True))
    if verb in FOR_ADMINISTRATORS_TOO:
        admins = User.objects.filter(
            kind="staff", is_active=True, role_assignments__role=Role.ADMIN
        ).values_list("pk", flat=True)
        recipients = sorted(set(recipients) | set(admins))
    Alert.objects.bulk_create(
        [Alert(recipient_id=pk, verb=verb, actor=actor, subject=subject) for pk in recipients]
    )
    transaction.on_commit(lambda: mail.queue(recipients, "staff_alert"))


def open_alerts(user):
    return Alert.objects.filter(recipient=user, acknowledged_at__isnull=True).select_related(
        "actor", "subject"
    )


def acknowledge(user, alert_ids=None) -> int:
    alerts = Alert.objects.filter(recipient=user, acknowledged_at__isnull=True)
    if alert_ids is not None:
        alerts = alerts.filter(Q(pk__in=alert_ids))
    return alerts.update(acknowledged_at=timezone.now())

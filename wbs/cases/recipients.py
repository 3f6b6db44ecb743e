"""Who receives a report's keys: the Verifikators and Inspekturs receive every new report's key,
the identity custodians a share each of its identity key, the organisation recovery key a copy
of both; a Penelaah receives a report's key when it is handed to them. In every case only a
person whose signed listing verifies (wbs.vault.listings) and who still holds the role; a
listing that does not verify raises an alarm."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache

from wbs.accounts.alerts import alert
from wbs.accounts.models import RECEIVING_ROLES, Role
from wbs.vault import listings, signing
from wbs.vault.grants import Recipients

ALARM_SECONDS = 3600


class NotAccepting(Exception):
    """The recovery key is not the pinned trust root (not configured, or replaced in the
    database): no report is accepted, since its keys would be sealed to a key nobody vouches
    for. Alerted once an hour."""


def staff_with_roles(roles):
    """Active staff holding any of `roles`."""
    return (
        get_user_model()
        .objects.filter(kind="staff", is_active=True, role_assignments__role__in=roles)
        .distinct()
    )


def _trust() -> listings.Trust:
    """Signatures count from the root and from certified keys of current Inspekturs only."""
    return listings.Trust.load(signers=staff_with_roles([Role.INSPEKTUR]).values("pk"))


def listed(scope: str, roles, trust: listings.Trust | None = None) -> dict[int, bytes]:
    """User id → signed public key of the active holders of `roles` listed for `scope`."""
    checked = listings.check(
        scope, users=staff_with_roles(roles).values("pk"), trust=trust or _trust()
    )
    for user_id in checked.invalid:
        # Once an hour per row: a forged or stale listing is an attack or a fault to look at.
        if cache.add(f"wbs:listing-alarm:{scope}:{user_id}", 1, ALARM_SECONDS):
            alert(
                "security.listing_invalid",
                subject=get_user_model().objects.filter(pk=user_id).first(),
                payload={"scope": scope, "user": user_id},
            )
    return checked.keys


def check_accepting() -> None:
    """Raises NotAccepting, and raises the alarm (once an hour), when the trust root does not
    verify. Call it outside the submission's transaction, so that the alarm stays."""
    try:
        signing.trusted_recovery_key()
    except signing.TrustRootMissing:
        if cache.add("wbs:trust-root-alarm", 1, ALARM_SECONDS):
            alert("security.trust_root_invalid")
        raise NotAccepting from None


def for_new_reports() -> Recipients:
    """Raises NotAccepting when the trust root does not verify (see check_accepting)."""
    try:
        recovery_key = signing.trusted_recovery_key()
    except signing.TrustRootMissing:
        raise NotAccepting from None
    trust = _trust()
    return Recipients(
        recovery=recovery_key,
        receivers=listed(listings.ALL, RECEIVING_ROLES, trust),
        custodians=listed(listings.CUSTODIAN, [Role.CUSTODIAN], trust),
        k=settings.WBS_IDENTITY_QUORUM,
    )


def handlers():
    """Penelaah a report may be handed to: listed for the handler scope."""
    ids = listed(listings.HANDLER, [Role.PENELAAH])
    return staff_with_roles([Role.PENELAAH]).filter(pk__in=list(ids))


def custodians() -> dict[int, bytes]:
    return listed(listings.CUSTODIAN, [Role.CUSTODIAN])

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
from wbs.vault import listings
from wbs.vault.grants import Recipients

ALARM_SECONDS = 3600


def staff_with_roles(roles):
    """Active staff holding any of `roles`."""
    return (
        get_user_model()
        .objects.filter(kind="staff", is_active=True, role_assignments__role__in=roles)
        .distinct()
    )


def listed(scope: str, roles) -> dict[int, bytes]:
    """User id → signed public key of the active holders of `roles` listed for `scope`."""
    checked = listings.check(scope, users=staff_with_roles(roles).values("pk"))
    for user_id in checked.invalid:
        # Once an hour per row: a forged or stale listing is an attack or a fault to look at.
        if cache.add(f"wbs:listing-alarm:{scope}:{user_id}", 1, ALARM_SECONDS):
            alert(
                "security.listing_invalid",
                subject=get_user_model().objects.filter(pk=user_id).first(),
                payload={"scope": scope, "user": user_id},
            )
    return checked.keys


def for_new_reports() -> Recipients:
    return Recipients.of(
        receivers=listed(listings.ALL, RECEIVING_ROLES),
        custodians=listed(listings.CUSTODIAN, [Role.CUSTODIAN]),
        k=settings.WBS_IDENTITY_QUORUM,
    )


def handlers():
    """Penelaah a report may be handed to: listed for the handler scope."""
    ids = listed(listings.HANDLER, [Role.PENELAAH])
    return staff_with_roles([Role.PENELAAH]).filter(pk__in=list(ids))


def custodians() -> dict[int, bytes]:
    return listed(listings.CUSTODIAN, [Role.CUSTODIAN])

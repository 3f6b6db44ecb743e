"""Who receives a new report's keys: the Verifikators and Inspekturs receive every report
(report key), the Inspekturs hold the identity key; the organisation recovery key keeps a copy of
both. The vault seals to the public keys named here."""

from django.contrib.auth import get_user_model

from wbs.accounts.models import RECEIVING_ROLES, Role
from wbs.vault.grants import Recipients


def staff_with_roles(roles):
    """Active staff holding any of `roles`."""
    return (
        get_user_model()
        .objects.filter(kind="staff", is_active=True, role_assignments__role__in=roles)
        .distinct()
    )


def for_new_reports() -> Recipients:
    return Recipients.of(
        receivers=staff_with_roles(RECEIVING_ROLES), holders=staff_with_roles([Role.INSPEKTUR])
    )

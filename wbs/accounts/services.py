"""Creating accounts: every staff user gets a key pair wrapped under their password."""

from django.contrib.auth import get_user_model
from django.db import transaction

from wbs.audit import log
from wbs.vault import keys

from .models import RoleAssignment


@transaction.atomic
def create_staff_user(
    *,
    username: str,
    password: str,
    roles: list[str],
    full_name: str = "",
    email: str = "",
    nip: str = "",
    jabatan: str = "",
    pangkat: str = "",
    wilayah=None,
    created_by=None,
):
    """Create a staff user with a key pair and roles. Side effects: audit events for the user
    and each role."""
    user = get_user_model().objects.create_user(
        username=username,
        password=password,
        email=email,
        kind="staff",
        full_name=full_name,
        nip=nip,
        jabatan=jabatan,
        pangkat=pangkat,
        wilayah=wilayah,
    )
    keys.create_user_keypair(user, password)
    for role in roles:
        RoleAssignment.objects.create(user=user, role=role)
    log.record(verb="user.created", actor=created_by, target=user, payload={"roles": sorted(roles)})
    return user

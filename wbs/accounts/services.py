"""Creating accounts: every staff user gets a key pair wrapped under their password."""

import secrets

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django_otp.plugins.otp_totp.models import TOTPDevice

from wbs.audit import log
from wbs.vault import keys

from .models import CASE_ROLES, Role, RoleAssignment, RoleRequest


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


class RoleError(Exception):
    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def needs_second_admin(user, role: str, acting, *, password_known: bool = False) -> bool:
    """A case-handling role for an administrator (or for oneself, or for an account whose
    password the acting administrator has just been shown — they could log in as it), or the
    administrator role for someone who handles cases, needs a second administrator's
    approval."""
    current = frozenset(user.role_assignments.values_list("role", flat=True))
    if role in CASE_ROLES:
        return password_known or Role.ADMIN in current or user.pk == acting.pk
    if role == Role.ADMIN:
        return bool(current & CASE_ROLES) or user.pk == acting.pk
    return False


@transaction.atomic
def add_role(user, role: str, *, acting, password_known: bool = False):
    """Give `user` a role, or file a request for a second administrator. Returns "added",
    "requested" or "exists". Audited. Raises RoleError for a Penelaah without an Irban area."""
    if RoleAssignment.objects.filter(user=user, role=role).exists():
        return "exists"
    if role == Role.PENELAAH and not user.wilayah_id:
        raise RoleError(gettext_lazy("A Penelaah must belong to an Irban area."))
    if needs_second_admin(user, role, acting, password_known=password_known):
        if not RoleRequest.objects.filter(user=user, role=role, state="pending").exists():
            RoleRequest.objects.create(user=user, role=role, requested_by=acting)
            log.record(verb="role.requested", actor=acting, target=user, payload={"role": role})
        return "requested"
    RoleAssignment.objects.create(user=user, role=role)
    log.record(verb="role.added", actor=acting, target=user, payload={"role": role})
    return "added"


@transaction.atomic
def remove_role(user, role: str, *, acting) -> bool:
    deleted, _ = RoleAssignment.objects.filter(user=user, role=role).delete()
    if deleted:
        log.record(verb="role.removed", actor=acting, target=user, payload={"role": role})
    return bool(deleted)


@transaction.atomic
def decide_role_request(request_row, *, acting, approve: bool):
    """A second administrator decides; the requester may not decide their own request, nor may
    the person who would receive the role."""
    # Row lock: two administrators deciding at once — the second sees the first's decision.
    request_row = type(request_row).objects.select_for_update().get(pk=request_row.pk)
    if request_row.state != "pending":
        raise RoleError(gettext_lazy("This request has been decided already."))
    if acting.pk in (request_row.requested_by_id, request_row.user_id):
        raise RoleError(gettext_lazy("A second administrator must decide this request."))
    request_row.state = "approved" if approve else "denied"
    request_row.decided_by = acting
    request_row.decided_at = timezone.now()
    request_row.save()
    if approve:
        RoleAssignment.objects.get_or_create(user=request_row.user, role=request_row.role)
    log.record(
        verb="role.approved" if approve else "role.denied",
        actor=acting,
        target=request_row.user,
        payload={"role": request_row.role},
    )
    return request_row


def temporary_password() -> str:
    return "-".join(secrets.token_urlsafe(4) for _ in range(4))


@transaction.atomic
def reset_password(user, *, acting) -> str:
    """Lost password: a temporary password and a NEW key pair. Grants sealed to the old key
    become unreadable until the Inspektur re-issues them from the recovery key. Ends the
    user's sessions. Audited. Two-factor log-in is still required."""
    password = temporary_password()
    user.set_password(password)
    user.save(update_fields=["password"])
    keys.create_user_keypair(user, password)
    user.end_all_sessions()
    log.record(verb="user.password_reset", actor=acting, target=user)
    return password


@transaction.atomic
def reset_totp(user, *, acting) -> None:
    TOTPDevice.objects.filter(user=user).delete()
    user.end_all_sessions()
    log.record(verb="user.totp_reset", actor=acting, target=user)


def end_sessions(user, *, acting) -> None:
    user.end_all_sessions()
    log.record(verb="user.sessions_ended", actor=acting, target=user)

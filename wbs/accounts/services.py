"""Accounts and roles. Separation of duties: the Administrator role never goes with a case
role. Who decides a role: a second administrator (Administrator), the trust root (Inspektur),
an Inspektur with their key (the other case roles; wbs.cases.roles signs the listing), nobody
(Pembina). A password set by somebody else must be replaced at the first log-in, and only then
is the key pair made (so whoever typed it gets no key)."""

import secrets

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django_otp.plugins.otp_totp.models import TOTPDevice

from wbs.audit import log
from wbs.vault import keys, listings
from wbs.vault.models import KeyGrant, RecipientListing, SigningCertificate

from .alerts import alert
from .models import CASE_ROLES, Role, RoleAssignment, RoleRequest

# The listing scope each role needs (wbs.vault.listings); the Penanggung Jawab holds no key.
SCOPE_OF_ROLE = {
    Role.VERIFIKATOR: listings.ALL,
    Role.INSPEKTUR: listings.ALL,
    Role.PENELAAH: listings.HANDLER,
    Role.CUSTODIAN: listings.CUSTODIAN,
}
MSG_SEPARATION = gettext_lazy(
    "An administrator never holds a case role, and a case-role holder is never an administrator."
)


class RoleError(Exception):
    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def decider_for(role: str) -> str | None:
    if role == Role.ADMIN:
        return RoleRequest.Decider.ADMIN
    if role == Role.INSPEKTUR:
        return RoleRequest.Decider.ROOT
    if role in CASE_ROLES:
        return RoleRequest.Decider.INSPEKTUR
    return None


def _breaks_separation(role: str, others: set) -> bool:
    return (role == Role.ADMIN and bool(others & CASE_ROLES)) or (
        role in CASE_ROLES and Role.ADMIN in others
    )


def check_separation(user, role: str, *, pending: bool = True) -> None:
    """Refuse the Administrator role next to a case role (held, or with `pending` requested),
    and the reverse."""
    others = set(user.role_assignments.values_list("role", flat=True))
    if pending:
        others |= set(
            RoleRequest.objects.filter(user=user, state=RoleRequest.State.PENDING)
            .exclude(role=role)
            .values_list("role", flat=True)
        )
    if _breaks_separation(role, others):
        raise RoleError(MSG_SEPARATION)


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
    temporary: bool | None = None,
):
    """Create a staff user. With a `temporary` password (by default when an administrator,
    `created_by`, typed or saw it) the account must choose its own at the first log-in and gets
    its key pair only then; otherwise (set-up code, the demo) the key pair is made now. `roles`
    are given directly: for code paths only; the screens go through add_role(). Audited."""
    temporary = created_by is not None if temporary is None else temporary
    if any(_breaks_separation(role, set(roles) - {role}) for role in roles):
        raise RoleError(MSG_SEPARATION)
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
        password_set_by_other=temporary,
    )
    if not temporary:
        keys.create_user_keypair(user, password)
    for role in roles:
        RoleAssignment.objects.create(user=user, role=role)
    log.record(verb="user.created", actor=created_by, target=user, payload={"roles": sorted(roles)})
    return user


def _has_active_admin() -> bool:
    return RoleAssignment.objects.filter(role=Role.ADMIN, user__is_active=True).exists()


@transaction.atomic
def add_role(user, role: str, *, acting):
    """Give `user` a role, or file the request its decider must approve. Returns "added",
    "requested" or "exists". Audited and alerted. Raises RoleError for a role that would break
    the separation of duties, or a Penelaah without an Irban area."""
    if RoleAssignment.objects.filter(user=user, role=role).exists():
        return "exists"
    check_separation(user, role)
    if role == Role.PENELAAH and not user.wilayah_id:
        raise RoleError(gettext_lazy("A Penelaah must belong to an Irban area."))
    decider = decider_for(role)
    if decider is None or (role == Role.ADMIN and not _has_active_admin()):
        RoleAssignment.objects.create(user=user, role=role)
        alert("role.added", actor=acting, subject=user, payload={"role": role})
        return "added"
    if not RoleRequest.objects.filter(user=user, role=role, state="pending").exists():
        RoleRequest.objects.create(user=user, role=role, requested_by=acting, decider=decider)
        alert("role.requested", actor=acting, subject=user, payload={"role": role})
    return "requested"


def relist(user, *, acting) -> None:
    """After a reset (or an upgrade, a reactivation, a replaced key pair): every key role the
    person holds, or was waiting for, waits for a new approval."""
    held = user.role_assignments.filter(role__in=list(SCOPE_OF_ROLE)).values_list("role", flat=True)
    # A request already pending was filed for the keys the person had then: it is a
    # re-approval now, decided with the new fingerprint in view.
    RoleRequest.objects.filter(
        user=user, role__in=list(SCOPE_OF_ROLE), state=RoleRequest.State.PENDING
    ).update(relist=True)
    for role in held:
        RoleRequest.objects.get_or_create(
            user=user,
            role=role,
            state=RoleRequest.State.PENDING,
            defaults={
                "requested_by": acting or user,  # set-up code: the person themself
                "decider": decider_for(role),
                "relist": True,
            },
        )


@transaction.atomic
def key_pair_replaced(user) -> None:
    """A log-in made a key pair for a person who had none, or bound one the row did not bind
    (made before bindings, or wrapped keys written by SQL under a password hash set there). For
    a person who holds or awaits a key role: grants and listings of the row go, every key role
    waits for an Inspektur's approval again (who compares the new fingerprint in person), and
    the Inspekturs and custodians are alerted. Nothing for an account without key roles."""
    key_roles = list(SCOPE_OF_ROLE)
    holds = user.role_assignments.filter(role__in=key_roles).exists()
    awaits = RoleRequest.objects.filter(
        user=user, role__in=key_roles, state=RoleRequest.State.PENDING
    )
    if not holds and not awaits.exists():
        return
    keys.forget_keys(user, keep_pair=True)
    relist(user, acting=None)
    alert("security.keypair_replaced", subject=user)


def _retire_signer(user, *, acting) -> None:
    """An Inspektur leaves: their certificates go, and everyone they listed waits for a new
    approval (a departed signer's approvals no longer give keys)."""
    verify_keys = [
        bytes(key).hex()
        for key in SigningCertificate.objects.filter(user=user).values_list("verify_key", flat=True)
    ]
    SigningCertificate.objects.filter(user=user).delete()
    signed = RecipientListing.objects.filter(signer__in=verify_keys).select_related("user")
    for listed in signed:
        relist(listed.user, acting=acting)
    # Their grants stay (existing reports remain readable); new keys wait for the new approval.
    signed.delete()


@transaction.atomic
def remove_role(user, role: str, *, acting) -> bool:
    """Take a role away: its listing goes at once, and with the last key role every grant.
    Audited and alerted."""
    deleted, _ = RoleAssignment.objects.filter(user=user, role=role).delete()
    if not deleted:
        return False
    remaining = set(user.role_assignments.values_list("role", flat=True))
    scope = SCOPE_OF_ROLE.get(role)
    if scope and scope not in {SCOPE_OF_ROLE.get(r) for r in remaining}:
        listings.unlist(user, [scope])
    if scope and not remaining & set(SCOPE_OF_ROLE):
        # With the last key role the key pair goes too (a new one is made at the next log-in):
        # a listing kept from before cannot be put back for the old public key.
        keys.forget_keys(user)
    if role == Role.INSPEKTUR:
        _retire_signer(user, acting=acting)
    if role == Role.CUSTODIAN:  # a former custodian keeps no share of any identity key
        KeyGrant.objects.filter(user=user, key_kind=KeyGrant.KeyKind.IDENTITY_SHARE).delete()
    RoleRequest.objects.filter(user=user, role=role, state="pending").update(state="denied")
    alert("role.removed", actor=acting, subject=user, payload={"role": role})
    return True


@transaction.atomic
def decide_role_request(request_row, *, acting, approve: bool, decider: str = "admin"):
    """Record a decision on a role request: locked (two deciders at once — the second sees
    the first's decision), by its kind of decider, never by its requester nor by the person
    who would receive the role. Approving gives the role; for a case role the caller
    (wbs.cases.roles) lists the person with the decider's key in the same transaction.
    Audited and alerted."""
    request_row = type(request_row).objects.select_for_update().get(pk=request_row.pk)
    if request_row.state != "pending":
        raise RoleError(gettext_lazy("This request has been decided already."))
    if request_row.decider != decider:
        raise RoleError(gettext_lazy("This request is not yours to decide."))
    if acting is not None and acting.pk in (request_row.requested_by_id, request_row.user_id):
        raise RoleError(gettext_lazy("Somebody else must decide this request."))
    if approve:
        check_separation(request_row.user, request_row.role, pending=False)
    request_row.state = "approved" if approve else "denied"
    request_row.decided_by = acting
    request_row.decided_at = timezone.now()
    request_row.save()
    if approve:
        RoleAssignment.objects.get_or_create(user=request_row.user, role=request_row.role)
    alert(
        "role.approved" if approve else "role.denied",
        actor=acting,
        subject=request_row.user,
        payload={"role": request_row.role, "relist": request_row.relist},
    )
    return request_row


def temporary_password() -> str:
    return "-".join(secrets.token_urlsafe(4) for _ in range(4))


@transaction.atomic
def reset_password(user, *, acting) -> str:
    """Lost password: a temporary password the person must replace at the next log-in, where
    a NEW key pair is made under their own. The old key pair, its grants and its listings go
    now; every key role waits for an approval again. Ends the user's sessions. Audited and
    alerted. Two-factor log-in is still required."""
    password = temporary_password()
    user.set_password(password)
    user.password_set_by_other = True
    user.save(update_fields=["password", "password_set_by_other"])
    keys.forget_keys(user)
    relist(user, acting=acting)
    user.end_all_sessions()
    alert("user.password_reset", actor=acting, subject=user)
    return password


@transaction.atomic
def reset_totp(user, *, acting) -> None:
    """A new authenticator at the next log-in. Whoever reset it might try the account: its
    grants and listings go now, and every key role waits for an approval again. Audited and
    alerted."""
    TOTPDevice.objects.filter(user=user).delete()
    keys.forget_keys(user, keep_pair=True)
    relist(user, acting=acting)
    user.end_all_sessions()
    alert("user.totp_reset", actor=acting, subject=user)


@transaction.atomic
def deactivated(user, *, acting) -> None:
    """An account switched off: its sessions end, its key pair, grants and listings go (should
    it be switched on again, its next log-in makes a new pair and the roles wait for their
    approval), and an Inspektur's approvals stop giving keys. Audited and alerted."""
    user.end_all_sessions()
    if user.role_assignments.filter(role=Role.INSPEKTUR).exists():
        _retire_signer(user, acting=acting)
    keys.forget_keys(user)
    alert("user.deactivated", actor=acting, subject=user)


def changed(user, fields, *, acting) -> None:
    """An administrator changed account fields. Audited; a change of the e-mail address of a
    key holder or watcher (where alerts and notices go) is alerted too."""
    log.record(verb="user.changed", actor=acting, target=user, payload={"fields": list(fields)})
    holds_keys = (
        user.role_assignments.filter(role__in=sorted(CASE_ROLES)).exists()
        or RoleRequest.objects.filter(
            user=user, role__in=sorted(CASE_ROLES), state=RoleRequest.State.PENDING
        ).exists()
    )
    if "email" in fields and holds_keys:
        alert("user.email_changed", actor=acting, subject=user)


@transaction.atomic
def reactivated(user, *, acting) -> None:
    """An account switched on again: a new key pair at the next log-in, and every key role
    waits for its approval again. Audited and alerted."""
    relist(user, acting=acting)
    alert("user.reactivated", actor=acting, subject=user)


def end_sessions(user, *, acting) -> None:
    user.end_all_sessions()
    log.record(verb="user.sessions_ended", actor=acting, target=user)


@transaction.atomic
def choose_password(user, password: str) -> keys.Unlocked:
    """The first log-in after a password set by somebody else: the person's own password, and
    a new key pair under it (any earlier one, known to whoever typed the old password, goes
    with its grants). Once only: a second session still on the page (started with the same
    temporary password) is refused with RoleError. Audited."""
    user = type(user).objects.select_for_update().get(pk=user.pk)
    if not user.password_set_by_other:
        raise RoleError(gettext_lazy("The password has been chosen already."))
    user.set_password(password)
    user.password_set_by_other = False
    user.save(update_fields=["password", "password_set_by_other"])
    keys.create_user_keypair(user, password)
    log.record(verb="auth.password_chosen", actor=user, target=user)
    return keys.unlock(user, password)

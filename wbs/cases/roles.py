"""A case role takes effect when it is approved with a key: an Inspektur's signing key for the
Verifikator, Penelaah, Penanggung Jawab and custodian roles; the trust root (the recovery
passphrase) for an Inspektur, who is certified at the same time. The approval signs the
person's listing and, in the same transaction, seals to them the report keys the role should
see now: every report for a Verifikator or an Inspektur, the open reports handed to a
Penelaah. Custodians receive shares of identity keys from then on (older ones are shared again
with `manage.py split_identity_keys`)."""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from wbs.accounts import services as accounts
from wbs.accounts.alerts import alert
from wbs.accounts.models import RECEIVING_ROLES, Role, RoleAssignment, RoleRequest
from wbs.audit import log
from wbs.vault import grants, keys, listings, recovery, signing
from wbs.vault.keyring import NoAccess
from wbs.vault.models import UserKeyPair

from .choices import OPEN_STATUSES
from .models import Report

BATCH = 1000


class ApprovalError(accounts.RoleError):
    pass


def pending(decider: str | None = RoleRequest.Decider.INSPEKTUR):
    """Pending role requests for `decider`; with None, those of an Inspektur and of the root."""
    rows = RoleRequest.objects.filter(state=RoleRequest.State.PENDING)
    if decider is None:
        rows = rows.filter(decider__in=[RoleRequest.Decider.INSPEKTUR, RoleRequest.Decider.ROOT])
    else:
        rows = rows.filter(decider=decider)
    return rows.select_related("user", "requested_by", "user__wilayah")


def with_fingerprints(requests) -> list:
    """Pending requests, each with `fingerprint`: the person's key fingerprint (None when their
    key pair row is missing or not theirs), to be compared with the one on their own screen;
    `unbound` when a row exists but is not theirs (changed in the database, or older)."""
    rows = list(requests)
    pairs = {p.user_id: p for p in UserKeyPair.objects.filter(user__in=[r.user_id for r in rows])}
    for row in rows:
        pair = pairs.get(row.user_id)
        row.fingerprint = keys.row_fingerprint(pair)
        row.unbound = pair is not None and row.fingerprint is None
    return rows


def _reports_for(user, role: str):
    """The reports whose keys the role should hold from its approval on: every report for a
    Verifikator or an Inspektur (as at submission), the open ones handed to a Penelaah."""
    if role in RECEIVING_ROLES:
        return Report.objects.all()
    if role == Role.PENELAAH:
        return Report.objects.filter(status__in=sorted(OPEN_STATUSES), assignee=user)
    return Report.objects.none()


def _unbound(user) -> ApprovalError:
    """A key pair row that is not its owner's: changed in the database (an attack to look
    at), or made before bindings and not used since. Alerted; nothing is approved."""
    alert("security.keypair_unbound", subject=user)
    return ApprovalError(
        _(
            "This person's key pair does not verify (it may have been changed in the "
            "database): nothing was approved. The person logs in once, then decide again."
        )
    )


def _ready(user) -> None:
    if user.password_set_by_other or not UserKeyPair.objects.filter(user=user).exists():
        raise ApprovalError(
            _(
                "This person has not logged in with a password of their own yet: approve the "
                "role after their first log-in."
            )
        )


def _seal_reports(keyring, user, role: str, scope: str) -> tuple[int, int]:
    """(keys sealed, reports the approving keyring could not open)."""
    sealed = missing = 0
    ids = list(_reports_for(user, role).values_list("pk", flat=True))
    for start in range(0, len(ids), BATCH):
        batch = list(Report.objects.filter(pk__in=ids[start : start + BATCH]).only("pk"))
        grants.preload(keyring, batch)
        written = grants.grant_in_bulk(
            keyring, [(report, user) for report in batch], scopes=[scope], reason="approval"
        )
        sealed += written
        missing += sum(1 for report in batch if not keyring.holds(report.pk))
    return sealed, missing


def _check_bound(user) -> UserKeyPair:
    pair = UserKeyPair.objects.filter(user=user).first()
    if pair is None or not keys.is_bound(pair):
        raise _unbound(user)
    return pair


def _check_fingerprint(user, fingerprint: str) -> None:
    """Inside the approval's transaction, with the key pair row locked: the keys signed for are
    the ones whose fingerprint the decider confirmed with the person (a reset and a new pair
    between the page and the click would otherwise be approved unseen)."""
    pair = UserKeyPair.objects.select_for_update().filter(user=user).first()
    if keys.row_fingerprint(pair) is None:
        raise ApprovalError(_("The person's key pair changed meanwhile: decide again."))
    if not keys.confirms(pair, fingerprint):
        raise ApprovalError(
            _(
                "The key fingerprint is not the person's current one (their keys changed "
                "after you checked it): nothing was approved. Compare it with them again."
            )
        )


def approve(request_row, inspektur, keyring, *, fingerprint: str) -> tuple[int, int]:
    """An Inspektur approves a case role with their key, for the key pair whose `fingerprint`
    they confirmed with the person. Returns (keys sealed, open reports the Inspektur could
    not open). Raises ApprovalError (nothing changes) when the person is not ready, their key
    pair row is not theirs or not the confirmed one, or the Inspektur's signing key is not
    certified by the trust root."""
    _ready(request_row.user)
    _check_bound(request_row.user)
    return _approve_with_key(request_row, inspektur, keyring, fingerprint)


@transaction.atomic
def _approve_with_key(request_row, inspektur, keyring, fingerprint) -> tuple[int, int]:
    _check_fingerprint(request_row.user, fingerprint)
    row = accounts.decide_role_request(
        request_row, acting=inspektur, approve=True, decider=RoleRequest.Decider.INSPEKTUR
    )
    scope = accounts.SCOPE_OF_ROLE.get(row.role)
    if scope is None:
        return 0, 0
    try:
        listings.list_member(keyring, row.user, scope)
    except listings.NotBound:  # changed between the check and now: refused, rolled back
        raise ApprovalError(_("The person's key pair changed meanwhile: decide again.")) from None
    except (listings.NotCertified, NoAccess):
        raise ApprovalError(
            _(
                "Your signing key is not certified by the organisation's trust root, so you "
                "cannot approve roles yet (see the manual: Sertifikasi Inspektur)."
            )
        ) from None
    return _seal_reports(keyring, row.user, row.role, scope)


def deny(request_row, inspektur) -> None:
    accounts.decide_role_request(
        request_row, acting=inspektur, approve=False, decider=request_row.decider
    )


def approve_with_recovery(passphrase: str, request_row, *, fingerprint: str, acting=None) -> int:
    """The trust root approves a role (the recovery passphrase holders, at `manage.py
    approve_with_recovery` or on an Inspektur's screen as `acting`), for the key pair whose
    `fingerprint` they confirmed with the person: an Inspektur role, or any case role where
    no certified Inspektur can. An Inspektur is certified. Keys of the reports the role should
    see are re-issued from the recovery copies. Returns the keys written; raises
    ApprovalError for a wrong passphrase, a person not ready or another key pair."""
    if request_row.decider == RoleRequest.Decider.ADMIN:
        raise ApprovalError(_("An administrator role is decided by a second administrator."))
    opened = recovery.open_root(passphrase) if passphrase else None
    if opened is None:
        log.record(verb="recovery.failed", actor=acting, target=request_row.user)
        raise ApprovalError(_("The recovery passphrase is not correct."))
    _ready(request_row.user)
    _check_bound(request_row.user)
    return _approve_as_root(passphrase, opened, request_row, acting, fingerprint)


@transaction.atomic
def _approve_as_root(passphrase, opened, request_row, acting, fingerprint) -> int:
    user = request_row.user
    _check_fingerprint(user, fingerprint)
    row = accounts.decide_role_request(
        request_row, acting=acting, approve=True, decider=request_row.decider
    )
    pair = UserKeyPair.objects.select_for_update().get(user=user)
    if not keys.is_bound(pair):  # changed between the check and now: refused, rolled back
        raise ApprovalError(_("The person's key pair changed meanwhile: decide again."))
    if row.role == Role.INSPEKTUR:
        signing.certify(opened.signing_key, user, bytes(pair.verify_key))
    scope = accounts.SCOPE_OF_ROLE.get(row.role)
    if scope is None:
        return 0
    listings.list_by_root(opened.signing_key, user, scope)
    ids = _reports_for(user, row.role).values_list("pk", flat=True)
    return recovery.regrant_from_recovery(passphrase, user, ids)


def grant_directly_with_recovery(passphrase: str, user, roles) -> None:
    """Set-up code (the demo, the benchmarks): give `user` each role and approve it as the
    trust root, in one go (a Pembina or Administrator role, which no key approves, directly)."""
    for role in roles:
        if accounts.decider_for(role) in (None, RoleRequest.Decider.ADMIN):
            accounts.check_separation(user, role)
            RoleAssignment.objects.get_or_create(user=user, role=role)
            continue
        row = RoleRequest.objects.create(
            user=user, role=role, requested_by=user, decider=accounts.decider_for(role)
        )
        pair = UserKeyPair.objects.filter(user=user).first()
        approve_with_recovery(passphrase, row, fingerprint=keys.row_fingerprint(pair) or "")

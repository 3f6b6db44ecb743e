"""Who holds a report's keys: grants (a report key or identity key sealed to one user's public
key, or to the organisation recovery key), their creation at submission, hand-over to a new
handler, removal, and crypto-shredding.

Callers pass report rows and users; which users receive which keys is decided by the domain
(wbs.cases.recipients) — this module only seals to the public keys it is given.
"""

from dataclasses import dataclass

from . import crypto
from .keyring import Keyring
from .keys import public_keys_of
from .models import AccessCode, KeyGrant, RecoveryKey
from .recovery import active_recovery_key

REPORT = KeyGrant.KeyKind.REPORT
IDENTITY = KeyGrant.KeyKind.IDENTITY


@dataclass(frozen=True)
class Recipients:
    """The public keys a new report's keys are sealed to: the recovery key (both keys), the
    receivers (report key) and the holders (identity key). Looked up once per submission, or
    once per batch."""

    recovery: RecoveryKey
    receivers: dict[int, bytes]
    holders: dict[int, bytes]

    @classmethod
    def of(cls, *, receivers, holders) -> "Recipients":
        recovery = active_recovery_key()
        if recovery is None:
            raise RuntimeError("no active recovery key: run `manage.py init_vault` first")
        return cls(recovery, public_keys_of(receivers), public_keys_of(holders))


def _new_report_grants(keyring: Keyring, report, to: Recipients) -> list[KeyGrant]:
    def grant(kind, public, *, user_id=None, reason=""):
        return KeyGrant(
            report=report,
            key_kind=kind,
            user_id=user_id,
            recovery_key=to.recovery if user_id is None else None,
            sealed_key=crypto.seal(public, keyring._key(report.pk, kind)),
            reason=reason,
        )

    grants = [grant(REPORT, to.recovery.public_key)]
    grants += [
        grant(REPORT, public, user_id=user_id, reason="new report")
        for user_id, public in to.receivers.items()
    ]
    if keyring.holds(report.pk, IDENTITY):
        grants.append(grant(IDENTITY, to.recovery.public_key))
        grants += [
            grant(IDENTITY, public, user_id=user_id, reason="inspektur")
            for user_id, public in to.holders.items()
        ]
    return grants


def seal_new_reports(keyring: Keyring, reports, to: Recipients) -> None:
    """Seal the keys of freshly saved reports (held by `keyring`) to their recipients."""
    rows = [grant for report in reports for grant in _new_report_grants(keyring, report, to)]
    KeyGrant.objects.bulk_create(rows, batch_size=2000)


def grant(keyring: Keyring, report, user, kind=REPORT, *, granted_by, reason: str) -> bool:
    """Seal the key of `kind` held by `keyring` to `user`; False if they have no key pair.
    Raises NoAccess when the keyring does not hold the key."""
    key = keyring._key(report.pk, kind)
    public = public_keys_of([user]).get(user.pk)
    if public is None:
        return False
    KeyGrant.objects.update_or_create(
        report=report,
        key_kind=kind,
        user=user,
        defaults={
            "sealed_key": crypto.seal(public, key),
            "granted_by": granted_by,
            "reason": reason,
        },
    )
    return True


def grant_in_bulk(keyring: Keyring, pairs, *, reason: str = "forward") -> None:
    """Seal report keys held by `keyring` to users, for many (report, user) pairs at once."""
    publics = public_keys_of({user for _report, user in pairs})
    rows = [
        KeyGrant(
            report=report,
            key_kind=REPORT,
            user=user,
            sealed_key=crypto.seal(publics[user.pk], keyring._key(report.pk, REPORT)),
            reason=reason,
        )
        for report, user in pairs
        if user.pk in publics
    ]
    KeyGrant.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)


def revoke(report, user) -> int:
    """Remove a user's grants on a report (report and identity keys)."""
    deleted, _ = KeyGrant.objects.filter(report=report, user=user).delete()
    return deleted


def holds_grant(user, report, kind=REPORT) -> bool:
    return KeyGrant.objects.filter(report=report, user=user, key_kind=kind).exists()


def preload(keyring: Keyring, reports) -> None:
    """Unseal the report keys of a page of reports with one query (inbox, register)."""
    if not keyring.has_private_key:
        return
    ids = [r.pk for r in reports]
    grants = KeyGrant.objects.filter(
        report_id__in=ids, user_id=keyring.user_id, key_kind=REPORT
    ).only("report_id", "key_kind", "sealed_key")
    keyring.preload(grants, report_ids=ids)


def shred(report) -> None:
    """Crypto-shredding: every sealed or wrapped copy of the report's keys is deleted. The
    reporters' own sealed vault items cannot be found by report (by design) and point nowhere
    once the report is gone."""
    KeyGrant.objects.filter(report=report).delete()
    AccessCode.objects.filter(report=report).delete()

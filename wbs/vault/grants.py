"""Who holds a report's keys: grants (a report key, or a share of the identity key, sealed to
one person's listed public key; whole copies of both sealed to the organisation recovery key),
their creation at submission, hand-over to a new handler, removal, and crypto-shredding.

A key is sealed to a person only through their signed listing (wbs.vault.listings): the public
key used is the one the listing's signature covers. Which listed people receive which keys is
decided by the domain (wbs.cases.recipients).
"""

from dataclasses import dataclass

from . import crypto, listings, shares
from .keyring import Keyring
from .models import AccessCode, KeyGrant, RecoveryKey

REPORT = KeyGrant.KeyKind.REPORT
IDENTITY = KeyGrant.KeyKind.IDENTITY


@dataclass(frozen=True)
class Recipients:
    """Where a new report's keys go: whole copies to the (trusted) recovery key; the report key
    to the receivers; the identity key in shares to the custodians, `k` of them needed (user id
    → listed public key). Looked up once per submission, or once per batch."""

    recovery: RecoveryKey
    receivers: dict[int, bytes]
    custodians: dict[int, bytes]
    k: int


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
        grants += shares.split(keyring, report.pk, to.custodians, to.k)
    return grants


def seal_new_reports(keyring: Keyring, reports, to: Recipients) -> None:
    """Seal the keys of freshly saved reports (held by `keyring`) to their recipients."""
    rows = [grant for report in reports for grant in _new_report_grants(keyring, report, to)]
    KeyGrant.objects.bulk_create(rows, batch_size=2000)


def grant(keyring: Keyring, report, user, *, scopes, granted_by, reason: str) -> bool:
    """Seal the report key held by `keyring` to `user`'s key as listed for one of `scopes`;
    False when no such listing verifies. Raises NoAccess when the keyring lacks the key."""
    key = keyring._key(report.pk, REPORT)
    public = listings.listed_key(user, scopes)
    if public is None:
        return False
    KeyGrant.objects.update_or_create(
        report=report,
        key_kind=REPORT,
        user=user,
        defaults={
            "sealed_key": crypto.seal(public, key),
            "granted_by": granted_by,
            "reason": reason,
        },
    )
    return True


def grant_in_bulk(keyring: Keyring, pairs, *, scopes, reason: str = "forward") -> int:
    """Seal report keys held by `keyring` to listed users, for many (report, user) pairs at
    once; reports the keyring cannot open are passed over. Returns the grants written."""
    users = {user for _report, user in pairs}
    publics = {}
    for scope in scopes:
        publics = {**listings.check(scope, users=users).keys, **publics}
    rows = [
        KeyGrant(
            report=report,
            key_kind=REPORT,
            user=user,
            sealed_key=crypto.seal(publics[user.pk], keyring._key(report.pk, REPORT)),
            reason=reason,
        )
        for report, user in pairs
        if user.pk in publics and keyring.holds(report.pk)
    ]
    KeyGrant.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)
    return len(rows)


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

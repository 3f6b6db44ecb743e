"""System health for the administrator: database, attachment store, task queue, cache, last
backup, disk space, key material, antivirus. Each check returns (name, ok, detail) and never
raises."""

import shutil
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import connection
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_tasks_db.models import DBTaskResult

from wbs.cases import recipients
from wbs.cases.models import Attachment
from wbs.vault import antivirus, signing
from wbs.vault.recovery import active_recovery_key

from .models import BackupRun


@dataclass
class Check:
    name: str
    ok: bool
    detail: str


def _database() -> Check:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return Check(_("Database"), True, connection.vendor)
    except Exception as exc:  # reported, not raised: this page must render when things fail
        return Check(_("Database"), False, type(exc).__name__)


def _storage() -> Check:
    storage = storages["attachments"]
    name = f"health/{uuid.uuid4().hex}"
    try:
        saved = storage.save(name, ContentFile(b"ok"))
        with storage.open(saved, "rb") as fh:
            ok = fh.read() == b"ok"
        storage.delete(saved)
        return Check(_("Attachment store"), ok, type(storage).__name__)
    except Exception as exc:
        return Check(_("Attachment store"), False, type(exc).__name__)


def _tasks() -> Check:
    try:
        due = DBTaskResult.objects.filter(status="READY").filter(
            Q(run_after__isnull=True) | Q(run_after__lte=timezone.now())
        )
        waiting = due.count()
        failed = DBTaskResult.objects.filter(status="FAILED").count()
        oldest = due.order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
        stale = oldest is not None and (timezone.now() - oldest).total_seconds() > 3600
        detail = _("%(w)d waiting, %(f)d failed") % {"w": waiting, "f": failed}
        if stale:
            detail += " — " + _("the oldest waits over an hour: is the worker running?")
        return Check(_("Task queue"), not stale, detail)
    except Exception as exc:
        return Check(_("Task queue"), False, type(exc).__name__)


def _cache() -> Check:
    key = f"health:{uuid.uuid4().hex}"
    try:
        cache.set(key, 1, 10)
        ok = cache.get(key) == 1
        cache.delete(key)
        backend = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
        return Check(_("Cache (rate limits)"), ok, backend)
    except Exception as exc:
        return Check(_("Cache (rate limits)"), False, type(exc).__name__)


def _backup() -> Check:
    last = BackupRun.objects.first()
    if last is None:
        return Check(_("Last backup"), False, _("never"))
    age = (timezone.now() - last.created_at).days
    return Check(
        _("Last backup"),
        age <= 2,
        f"{timezone.localtime(last.created_at):%Y-%m-%d %H:%M} ("
        + ngettext("%(n)d day ago", "%(n)d days ago", age) % {"n": age}
        + ")",
    )


def _disk() -> Check:
    try:
        usage = shutil.disk_usage(settings.DATA_DIR)
        free = usage.free / usage.total
        return Check(
            _("Disk space"),
            free > 0.1,
            _("%(free)s GB free of %(total)s GB")
            % {
                "free": number_format(usage.free / 1e9, 1),
                "total": number_format(usage.total / 1e9, 1),
            },
        )
    except OSError as exc:
        return Check(_("Disk space"), False, type(exc).__name__)


def _keys() -> Check:
    ok = active_recovery_key() is not None
    return Check(_("Recovery key"), ok, _("present") if ok else _("missing: run init_vault"))


def _trust_root() -> Check:
    name = _("Trust root (WBS_TRUST_ROOT)")
    try:
        signing.root_verify_key()
    except signing.TrustRootMissing:
        if not settings.WBS_TRUST_ROOT:
            return Check(name, False, _("not set: no staff member receives report keys"))
        return Check(name, False, _("does not match the recovery key: run init_vault"))
    return Check(name, True, _("pinned and matching the recovery key"))


def _custodians() -> Check:
    listed = len(recipients.custodians())
    k = settings.WBS_IDENTITY_QUORUM
    return Check(
        _("Identity custodians"),
        listed >= k,
        _("%(n)d listed, %(k)d needed to open an identity") % {"n": listed, "k": k}
        + (
            ""
            if listed >= k
            else " — " + _("new reports' identities can be opened only with the recovery key")
        ),
    )


def _antivirus() -> Check:
    answers = antivirus.ping()
    unscanned = Attachment.objects.filter(scan=Attachment.Scan.UNSCANNED).count()
    quarantined = Attachment.objects.filter(scan=Attachment.Scan.INFECTED).count()
    counts = _("%(u)d files not scanned, %(q)d quarantined") % {"u": unscanned, "q": quarantined}
    if answers is None:
        return Check(_("Antivirus (ClamAV)"), False, _("off: set WBS_CLAMAV") + "; " + counts)
    if not answers:
        return Check(_("Antivirus (ClamAV)"), False, _("not answering") + "; " + counts)
    return Check(_("Antivirus (ClamAV)"), True, _("answering") + "; " + counts)


def run_checks() -> list[Check]:
    return [
        _database(),
        _storage(),
        _tasks(),
        _cache(),
        _backup(),
        _disk(),
        _keys(),
        _trust_root(),
        _custodians(),
        _antivirus(),
    ]

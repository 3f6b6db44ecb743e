"""Backup and restore of the database and the attachment store — ciphertext only.

A backup is a folder: `database.json` (Django's dumpdata of every table that holds data),
`attachments/` (the ciphertext files, under their storage names) and `manifest.json` (format,
time, counts, the SHA-256 of every file, and a fingerprint of the pepper so a restore can tell
whether the right one is configured). Never in a backup: the pepper, the secret key, the
recovery passphrase (stored nowhere). Keep the pepper and the printed passphrase apart from the
backups."""

import hashlib
import json
import shutil
import tempfile
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.files.base import File
from django.core.files.storage import storages
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wbs.cases.evidence import blob_names
from wbs.cases.models import Attachment, Report
from wbs.directory.models import OrganisationProfile
from wbs.private_files import open_private, private_dir, restrict_tree, write_private
from wbs.vault.hashing import pepper_fingerprint

from .models import BackupRun

FORMAT = "wbs-backup/1"
EXCLUDE = ["contenttypes", "auth.permission", "sessions", "admin.logentry", "django_tasks_database"]


class BackupError(CommandError):
    """A backup or restore refused; a CommandError, so the commands print it and exit 1."""


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def create(output: Path) -> dict:
    """Write a backup into `output` (which must not exist or be empty)."""
    output = Path(output)
    if output.exists() and any(output.iterdir()):
        raise BackupError(_("%(folder)s is not empty.") % {"folder": output})
    # Private from the first byte (database.json holds password hashes and TOTP secrets).
    private_dir(output)
    private_dir(output / "attachments")
    open_private(output / "database.json").close()  # dumpdata then writes into a 0600 file
    with transaction.atomic():  # one consistent view of the data (REPEATABLE READ on PG)
        call_command("dumpdata", exclude=EXCLUDE, output=str(output / "database.json"), verbosity=0)
        names = blob_names(Attachment.objects.all())
        reports = Report.objects.count()
    storage = storages["attachments"]
    for name in names:
        target = output / "attachments" / name
        private_dir(target.parent)
        with storage.open(name, "rb") as src, open_private(target) as dst:
            shutil.copyfileobj(src, dst)
    _copy_logo(output)
    files = {
        str(p.relative_to(output)): _sha256(p) for p in sorted(output.rglob("*")) if p.is_file()
    }
    manifest = {
        "format": FORMAT,
        "created": timezone.now().isoformat(),
        "reports": reports,
        "attachments": len(names),
        "pepper_fingerprint": pepper_fingerprint(),
        "files": files,
    }
    write_private(output / "manifest.json", json.dumps(manifest, indent=1))
    restrict_tree(output)
    BackupRun.objects.create(
        location=str(output),
        reports=reports,
        files=len(names),
        size_bytes=sum(p.stat().st_size for p in output.rglob("*") if p.is_file()),
    )
    return manifest


def _copy_logo(output: Path) -> None:
    """The letterhead logo lives in the default (media) storage: keep it with the backup."""
    profile = OrganisationProfile.objects.filter(pk=1).first()
    if profile is None or not profile.logo:
        return
    target = output / "media" / profile.logo.name
    private_dir(target.parent)
    with profile.logo.open("rb") as src, open_private(target) as dst:
        shutil.copyfileobj(src, dst)


def _restore_media(folder: Path) -> None:
    root = folder / "media"
    if not root.exists():
        return
    storage = storages["default"]
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        name = str(path.relative_to(root))
        if not storage.exists(name):
            with path.open("rb") as fh:
                storage.save(name, File(fh))


def verify(folder: Path) -> list[str]:
    """Problems found (empty list: the backup is complete and unchanged, and every attachment
    file is the ciphertext its row names — a file damaged before the backup was taken is found
    too, though its checksum in the manifest matches)."""
    folder = Path(folder)
    try:
        manifest = json.loads((folder / "manifest.json").read_text())
    except (OSError, ValueError):
        return [_("manifest.json is missing or unreadable")]
    problems = []
    if manifest.get("format") != FORMAT:
        problems.append(_("unknown format %(format)r") % {"format": manifest.get("format")})
    listed = manifest.get("files", {})
    present = {
        str(p.relative_to(folder))
        for p in folder.rglob("*")
        if p.is_file() and p.name != "manifest.json"
    }
    for name in sorted(set(listed) - present):
        problems.append(_("missing: %(name)s") % {"name": name})
    for name in sorted(present - set(listed)):
        problems.append(_("not in the manifest: %(name)s") % {"name": name})
    for name in sorted(set(listed) & present):
        if _sha256(folder / name) != listed[name]:
            problems.append(_("checksum differs: %(name)s") % {"name": name})
    if "database.json" not in listed:
        problems.append(_("database.json is not in the manifest"))
    elif "database.json" in present:
        problems += _attachment_problems(folder)
    return problems


def _attachment_problems(folder: Path) -> list[str]:
    """Each attachment row's files against the SHA-256 of the ciphertext kept in the row."""
    try:
        rows = json.loads((folder / "database.json").read_text())
    except (OSError, ValueError):
        return [_("database.json is unreadable")]
    problems = []
    for row in rows:
        if row.get("model") != "cases.attachment":
            continue
        fields = row.get("fields", {})
        for blob_field, digest_field in (
            ("original_blob", "original_ct_sha256"),
            ("cleaned_blob", "cleaned_ct_sha256"),
        ):
            blob = fields.get(blob_field)
            if not blob:
                continue
            path = folder / "attachments" / blob
            if not path.is_file():
                problems.append(_("attachment file missing: %(name)s") % {"name": blob})
            elif _sha256(path) != fields.get(digest_field):
                problems.append(
                    _("attachment file is not the one its row names (damaged): %(name)s")
                    % {"name": blob}
                )
    return problems


# Models that moved between apps: a backup written before the move names them by their old
# label (the rows are the same; migrations moved the tables).
MOVED_MODELS = {
    "administration.rolerequest": "accounts.rolerequest",
    "intake.reporternotice": "cases.reporternotice",
}


def _current_labels(dump: Path, scratch: Path) -> Path:
    """The dump with moved models under their current labels (a copy in `scratch` when any
    label changed; the backup itself is never modified)."""
    rows = json.loads(dump.read_text())
    if not any(row.get("model") in MOVED_MODELS for row in rows):
        return dump
    for row in rows:
        row["model"] = MOVED_MODELS.get(row["model"], row["model"])
    relabelled = scratch / "database.json"
    relabelled.write_text(json.dumps(rows))
    return relabelled


def restore(folder: Path) -> dict:
    """Load a verified backup into an empty, migrated database and attachment store."""
    folder = Path(folder)
    problems = verify(folder)
    if problems:
        raise BackupError(
            _("The backup does not verify: %(problems)s") % {"problems": "; ".join(problems[:5])}
        )
    if Report.objects.exists() or get_user_model().objects.exists():
        raise BackupError(_("The database is not empty: restore needs a fresh, migrated one."))
    manifest = json.loads((folder / "manifest.json").read_text())
    storage = storages["attachments"]
    root = folder / "attachments"
    written = []
    try:
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            name = str(path.relative_to(root))
            if storage.exists(name):
                raise BackupError(
                    _("The attachment store already holds %(name)s.") % {"name": name}
                )
            with path.open("rb") as fh:
                saved = storage.save(name, File(fh))
            if saved != name:
                raise BackupError(_("The attachment store renamed %(name)s.") % {"name": name})
            written.append(name)
        with tempfile.TemporaryDirectory() as scratch:
            dump = _current_labels(folder / "database.json", Path(scratch))
            with transaction.atomic():
                call_command("loaddata", str(dump), verbosity=0)
        _restore_media(folder)
    except BaseException:
        for name in written:
            storage.delete(name)
        raise
    return {
        "reports": manifest["reports"],
        "attachments": len(written),
        "pepper_matches": manifest.get("pepper_fingerprint") == pepper_fingerprint(),
    }

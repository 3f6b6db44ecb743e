from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wbs.cases import reconcile
from wbs.cli import WbsCommand


class Command(WbsCommand):
    help = gettext_lazy(
        "Compare the database with the attachment store and check who can still open each "
        "report: files without rows, rows without files (and, with --digests, files whose "
        "ciphertext changed), reports only the recovery key opens, key grants held by "
        "deactivated accounts. Reports only: nothing is deleted or changed."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--digests",
            action="store_true",
            help=gettext_lazy("Also read every file and compare its SHA-256 (slower)."),
        )
        parser.add_argument(
            "--strict",
            action="store_true",
            help=gettext_lazy("End with exit status 1 when anything was found (for monitoring)."),
        )

    def handle(self, *args, digests=False, strict=False, **options):
        findings = reconcile.run(digests=digests)
        sections = [
            (
                _("Files in the attachment store that no row names"),
                findings.blobs_without_rows,
                _("compare with the last backup before deleting anything"),
            ),
            (
                _("Attachment rows whose file is missing"),
                [f"{number}: {blob}" for number, blob in findings.rows_without_blobs],
                _("restore the file from a backup (manage.py verify_backup lists it)"),
            ),
            (
                _("Files whose ciphertext no longer matches its row"),
                [f"{number}: {blob}" for number, blob in findings.damaged_blobs],
                _("restore the file from a backup; the file store may be failing"),
            ),
            (
                _("Reports that only the recovery key can open"),
                findings.recovery_only,
                _("re-issue the keys with approve_with_recovery (manual, section 11)"),
            ),
            (
                _("Key grants held by deactivated accounts"),
                [f"{number}: {user}" for number, user in findings.removed_user_grants],
                _("reassign the reports; the grants go when the accounts are removed"),
            ),
        ]
        for title, items, advice in sections:
            self.stdout.write(f"{title}: {len(items)}")
            for item in items[:50]:
                self.stdout.write(f"  - {item}")
            if len(items) > 50:
                self.stdout.write("  " + _("… and %(n)d more") % {"n": len(items) - 50})
            if items:
                self.stdout.write("  " + _("What to do: %(advice)s") % {"advice": advice})
        if findings.recent_blobs_skipped:
            self.stdout.write(
                _("Files stored in the last hour, not checked yet: %(n)d")
                % {"n": findings.recent_blobs_skipped}
            )
        if findings.clean:
            self.stdout.write(_("Nothing to reconcile."))
        elif strict:
            raise CommandError(_("The reconciler found problems (listed above)."))

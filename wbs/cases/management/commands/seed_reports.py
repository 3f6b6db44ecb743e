"""Create N realistic, fictional reports through the vault (real encryption, real grants),
spread over 2024–2026, categories and OPD. Bulk inserts keep N = 100,000 practical."""

import datetime
import random
import time

from django.core.management.base import CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wbs.cases import demo, seeding
from wbs.cases.models import IdentityMode, Report, ReporterType
from wbs.cases.sealing import AccusedData, IdentityData, NewReport, ReportDetails, seal_new_reports
from wbs.cli import WbsCommand
from wbs.directory.models import Category, Unit
from wbs.vault import access, codes
from wbs.vault.keyring import Keyring

BATCH = 500


class Command(WbsCommand):
    help = gettext_lazy("Create N fictional reports (demo data and benchmarks).")

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, required=True)
        parser.add_argument("--seed", type=int, default=None)
        parser.add_argument(
            "--codes",
            dest="with_codes",
            type=int,
            default=3,
            help=gettext_lazy("How many reports get an access code (printed)."),
        )

    def handle(self, *args, count, seed, with_codes, **options):
        if count < 1:
            raise CommandError(_("--count must be at least 1."))
        rng = random.Random(seed)  # noqa: S311 - fictional demo content  # nosec B311
        categories = list(Category.objects.filter(active=True))
        units = list(Unit.objects.filter(active=True).select_related("wilayah"))
        if not categories or not units:
            raise CommandError(_("Load the organisation data first: manage.py load_palembang"))
        used = set(Report.objects.values_list("registration_number", flat=True))
        today = timezone.localdate()
        start, end = datetime.date(2024, 1, 2), min(datetime.date(2026, 12, 31), today)
        span = max((end - start).days, 1)
        printed = []
        began = time.monotonic()
        for offset in range(0, count, BATCH):
            items = []
            for _n in range(offset, min(offset + BATCH, count)):
                received = start + datetime.timedelta(days=rng.randrange(span))
                category, unit = rng.choice(categories), rng.choice(units)
                number = codes.new_registration_number(received)
                while number in used:
                    number = codes.new_registration_number(received)
                used.add(number)
                fake = demo.fake_report(rng, category.code, received.year)
                with_identity = rng.random() < 0.3
                report = Report(
                    registration_number=number,
                    category=category,
                    unit=unit,
                    wilayah=unit.wilayah,
                    reporter_type=rng.choice(
                        [ReporterType.ASN, ReporterType.ASN, ReporterType.NON_ASN]
                    ),
                    identity_mode=IdentityMode.CONFIDENTIAL
                    if with_identity
                    else IdentityMode.ANONYMOUS,
                    received_on=received,
                    updated_on=received,
                )
                items.append(
                    NewReport(
                        report=report,
                        title=fake["title"],
                        details=ReportDetails(
                            description=fake["description"],
                            location=unit.name,
                            incident_period=str(received.year),
                            estimated_loss=fake["loss"],
                        ),
                        accused=[
                            AccusedData(name=a["name"], position=a["position"], unit=unit.name)
                            for a in fake["accused"]
                        ],
                        identity=IdentityData(
                            name=f"Pelapor {rng.choice(demo.FIRST)}", unit=rng.choice(units).name
                        )
                        if with_identity
                        else None,
                    )
                )
            with transaction.atomic():
                keyring = Keyring()
                seal_new_reports(items, keyring)
                # Argon2id is paid only for the few reports whose access codes are printed.
                with_code = [item.report for item in items[: max(with_codes - offset, 0)]]
                issued = access.issue_access_codes(keyring, with_code)
                seeding.seed_history(
                    [item.report for item in items],
                    rng=rng,
                    keyring=keyring,
                    today=today,
                    cover_every_state=offset == 0,
                )
            printed += [
                (report.registration_number, code)
                for report, code in zip(with_code, issued, strict=True)
            ]
            if count >= 5000:
                self.stdout.write(
                    f"  {min(offset + BATCH, count)}/{count} ({time.monotonic() - began:.0f} s)"
                )
        self.stdout.write(
            _("Created %(count)s fictional reports in %(seconds)s s.")
            % {"count": count, "seconds": f"{time.monotonic() - began:.1f}"}
        )
        for number, code in printed:
            self.stdout.write(
                "  "
                + _("demo report %(number)s: access code %(code)s")
                % {"number": number, "code": code}
            )

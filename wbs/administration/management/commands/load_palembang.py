from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wbs.audit import acting, log
from wbs.cli import WbsCommand
from wbs.directory import palembang
from wbs.directory.models import (
    Category,
    DeadlineRule,
    MessageTemplate,
    OrganisationProfile,
    Unit,
    Wilayah,
)


class Command(WbsCommand):
    help = gettext_lazy(
        "Load Kota Palembang's organisation data. Idempotent: only missing rows are created, so "
        "running it again never undoes an administrator's edits (mapping, names, deadlines)."
    )

    @transaction.atomic
    def handle(self, *args, **options):
        # One summary event in the audit trail instead of one per created row (the rows are
        # the installation's starting data; later edits are audited field by field).
        models = (Wilayah, Unit, Category, DeadlineRule, MessageTemplate, OrganisationProfile)
        before = {m._meta.model_name: m.objects.count() for m in models}
        with acting.quiet():
            self._load()
        created = {
            m._meta.model_name: m.objects.count() - before[m._meta.model_name] for m in models
        }
        if any(created.values()):
            log.record(
                verb="masterdata.loaded", payload={"source": "load_palembang", "created": created}
            )
        self.stdout.write(
            _(
                "Palembang: %(wilayah)s wilayah, %(units)s units, %(categories)s categories, "
                "%(deadlines)s deadlines."
            )
            % {
                "wilayah": Wilayah.objects.count(),
                "units": Unit.objects.count(),
                "categories": Category.objects.count(),
                "deadlines": DeadlineRule.objects.count(),
            }
        )

    def _load(self):
        wilayah = {}
        for order, (code, name, short, investigation) in enumerate(palembang.WILAYAH):
            wilayah[code], _ = Wilayah.objects.get_or_create(
                code=code,
                defaults={
                    "name": name,
                    "short_name": short,
                    "is_investigation": investigation,
                    "order": order,
                },
            )
        order = 0
        for name, short, kind, code in palembang.UNITS:
            order += 1
            Unit.objects.get_or_create(
                name=name,
                defaults={
                    "short_name": short,
                    "kind": kind,
                    "wilayah": wilayah[code],
                    "mapping_assumed": True,
                    "order": order,
                },
            )
        for kecamatan, code in palembang.KECAMATAN_WILAYAH.items():
            order += 1
            Unit.objects.get_or_create(
                name=f"Kecamatan {kecamatan}",
                defaults={
                    "short_name": f"Kec. {kecamatan}",
                    "kind": Unit.Kind.KECAMATAN,
                    "wilayah": wilayah[code],
                    "mapping_assumed": True,
                    "order": order,
                },
            )
        for order, (code, name, description) in enumerate(palembang.CATEGORIES):
            Category.objects.get_or_create(
                code=code, defaults={"name": name, "description": description, "order": order}
            )
        for stage, days, unit, basis in palembang.DEADLINES:
            # Keep an administrator's later edits: only create missing rows.
            DeadlineRule.objects.get_or_create(
                stage=stage,
                defaults={"days": days, "unit": unit, "legal_basis": basis, "assumed": True},
            )
        for code, (subject, body) in palembang.TEMPLATES.items():
            MessageTemplate.objects.get_or_create(
                code=code, defaults={"subject": subject, "body": body}
            )
        if not OrganisationProfile.objects.filter(pk=1).exists():
            OrganisationProfile.objects.create(pk=1, **palembang.PROFILE)

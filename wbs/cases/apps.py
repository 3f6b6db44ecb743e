from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "wbs.cases"
    label = "cases"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from wbs.directory import models as directory

        from . import versioning

        # Figures and inbox counts show names and mappings of the organisation data and count
        # deadlines in working days: an edit to any of them makes the cached ones stale.
        def bump(**kwargs):
            versioning.bump()

        # weak=False: `bump` is local to this method and would otherwise be collected.
        for model in (
            directory.Wilayah,
            directory.Unit,
            directory.Category,
            directory.DeadlineRule,
            directory.HolidayOverride,
        ):
            post_save.connect(
                bump, sender=model, weak=False, dispatch_uid=f"wbs-version-{model.__name__}"
            )
            post_delete.connect(
                bump, sender=model, weak=False, dispatch_uid=f"wbs-version-del-{model.__name__}"
            )

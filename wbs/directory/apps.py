from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "wbs.directory"
    label = "directory"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from . import workdays
        from .models import HolidayOverride

        def _clear(**kwargs):
            workdays.clear_cache()

        post_save.connect(_clear, sender=HolidayOverride, dispatch_uid="workdays-save")
        post_delete.connect(_clear, sender=HolidayOverride, dispatch_uid="workdays-delete")

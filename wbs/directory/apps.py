from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


def _clear_workday_cache(**kwargs):
    # Imported when an override changes, not when this module is: the working-day calendar
    # reads the models, which the app registry has not loaded yet at that point.
    from . import workdays

    workdays.clear_cache()


class DirectoryConfig(AppConfig):
    name = "wbs.directory"
    label = "directory"

    def ready(self):
        for signal, uid in ((post_save, "workdays-save"), (post_delete, "workdays-delete")):
            signal.connect(
                _clear_workday_cache, sender="directory.HolidayOverride", dispatch_uid=uid
            )

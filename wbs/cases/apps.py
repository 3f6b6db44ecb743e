from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save

from . import versioning

# Figures and inbox counts show names and mappings of the organisation data and count deadlines
# in working days: an edit to any of these makes the cached ones stale.
VERSIONED_ORGANISATION_DATA = (
    "directory.Wilayah",
    "directory.Unit",
    "directory.Category",
    "directory.DeadlineRule",
    "directory.HolidayOverride",
)


def _bump(**kwargs):
    versioning.bump()


class CasesConfig(AppConfig):
    name = "wbs.cases"
    label = "cases"

    def ready(self):
        for label in VERSIONED_ORGANISATION_DATA:
            post_save.connect(_bump, sender=label, dispatch_uid=f"wbs-version-{label}")
            post_delete.connect(_bump, sender=label, dispatch_uid=f"wbs-version-del-{label}")

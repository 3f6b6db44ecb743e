from django.contrib import admin

from wbs.accounts.admin_site import ReadOnlyModelAdmin, site
from wbs.vault.fields import SealedField

from .models import Report


@admin.register(Report, site=site)
class ReportAdmin(ReadOnlyModelAdmin):
    """Metadata only, read-only: status changes go through wbs.cases.workflow alone, and no
    sealed column is shown (not even as ciphertext)."""

    list_display = ["registration_number", "status", "category", "unit", "received_on"]
    list_filter = ["status", "category"]

    def get_exclude(self, request, obj=None):
        return [f.name for f in self.model._meta.fields if isinstance(f, SealedField)]

    def get_readonly_fields(self, request, obj=None):
        excluded = set(self.get_exclude(request, obj))
        return [f.name for f in self.model._meta.fields if f.name not in excluded]

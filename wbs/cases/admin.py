from django.contrib import admin

from wbs.accounts.admin_site import ReadOnlyModelAdmin, site

from .models import Report


@admin.register(Report, site=site)
class ReportAdmin(ReadOnlyModelAdmin):
    """Metadata only, read-only: status changes go through wbs.cases.workflow alone."""

    list_display = ["registration_number", "status", "category", "unit", "received_on"]
    list_filter = ["status", "category"]
    exclude = ["title_ct", "details_ct", "identity_ct"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields if not f.name.endswith("_ct")]

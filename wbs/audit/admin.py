from django.contrib import admin

from wbs.accounts.admin_site import ReadOnlyModelAdmin, site

from .models import AuditEvent


@admin.register(AuditEvent, site=site)
class AuditEventAdmin(ReadOnlyModelAdmin):
    list_display = ["at", "actor", "actor_kind", "verb", "target_type", "target_id"]
    list_filter = ["actor_kind", "verb"]

"""The Django admin for master data (organisation data) and a read-only view of the audit
trail, for the Administrator Sistem role only (wbs.accounts.admin_site). Registered here, at
the top of the house, so that the apps they belong to know nothing of the administration."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from wbs.accounts.admin_site import ReadOnlyModelAdmin, RoleModelAdmin, site
from wbs.audit.models import AuditEvent
from wbs.directory.models import (
    Category,
    DeadlineRule,
    HolidayOverride,
    MessageTemplate,
    OrganisationProfile,
    Unit,
    Wilayah,
)

from .forms import ProfileForm


@admin.register(AuditEvent, site=site)
class AuditEventAdmin(ReadOnlyModelAdmin):
    list_display = ["at", "actor", "actor_kind", "verb", "target_type", "target_id"]
    list_filter = ["actor_kind", "verb"]


@admin.register(Wilayah, site=site)
class WilayahAdmin(RoleModelAdmin):
    list_display = ["short_name", "name", "is_investigation", "order"]


@admin.register(Unit, site=site)
class UnitAdmin(RoleModelAdmin):
    list_display = ["name", "kind", "wilayah", "mapping_assumed", "active"]
    list_filter = ["kind", "wilayah", "mapping_assumed", "active"]
    search_fields = ["name", "short_name"]

    def changelist_view(self, request, extra_context=None):
        extra_context = extra_context or {}
        extra_context["title"] = _(
            "Perangkat Daerah (the OPD→wilayah mapping marked “assumed” awaits confirmation)"
        )
        return super().changelist_view(request, extra_context)


@admin.register(Category, site=site)
class CategoryAdmin(RoleModelAdmin):
    list_display = ["name", "code", "active", "order"]


@admin.register(DeadlineRule, site=site)
class DeadlineRuleAdmin(RoleModelAdmin):
    list_display = ["stage", "days", "unit", "assumed", "legal_basis"]


@admin.register(HolidayOverride, site=site)
class HolidayOverrideAdmin(RoleModelAdmin):
    list_display = ["date", "kind", "name"]


@admin.register(OrganisationProfile, site=site)
class OrganisationProfileAdmin(RoleModelAdmin):
    # The settings screen's form, so its checks (number pattern, NIP) hold here too: a bad
    # pattern saved here would break every numbered document.
    form = ProfileForm

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not OrganisationProfile.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(MessageTemplate, site=site)
class MessageTemplateAdmin(RoleModelAdmin):
    list_display = ["code", "subject"]

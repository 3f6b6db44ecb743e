from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from wbs.accounts.admin_site import RoleModelAdmin, site
from wbs.administration.forms import ProfileForm

from .models import (
    Category,
    DeadlineRule,
    HolidayOverride,
    MessageTemplate,
    OrganisationProfile,
    Unit,
    Wilayah,
)


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

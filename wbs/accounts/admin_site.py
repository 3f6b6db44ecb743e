"""The Django admin, for master data only, behind the same two-factor staff session and only for
the Administrator Sistem role. Reports and audit events appear read-only: the admin is not a
second, unaudited path to change a case."""

from django.contrib import admin
from django.shortcuts import redirect

from .models import Role


def _is_admin_user(request) -> bool:
    user = request.user
    return bool(
        user.is_authenticated
        and getattr(user, "is_wbs_staff", False)
        and user.is_verified()
        and request.session.get("wbs_kind") == "staff"
        and user.has_role(Role.ADMIN)
    )


class WbsAdminSite(admin.AdminSite):
    site_header = "WBS — Administrasi data induk"
    site_title = "WBS"
    index_title = "Data induk"
    login_template = None

    def has_permission(self, request):
        return _is_admin_user(request)

    def login(self, request, extra_context=None):
        return redirect("accounts:staff_login")


class RoleModelAdmin(admin.ModelAdmin):
    """Full rights for the Administrator Sistem role (Django's own permission table unused)."""

    def has_module_permission(self, request):
        return _is_admin_user(request)

    def has_view_permission(self, request, obj=None):
        return _is_admin_user(request)

    def has_add_permission(self, request):
        return _is_admin_user(request)

    def has_change_permission(self, request, obj=None):
        return _is_admin_user(request)

    def has_delete_permission(self, request, obj=None):
        return _is_admin_user(request)


class ReadOnlyModelAdmin(RoleModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]


site = WbsAdminSite(name="wbsadmin")

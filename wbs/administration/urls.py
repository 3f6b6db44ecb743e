from django.urls import path

from . import views

app_name = "administration"

urlpatterns = [
    path("", views.index, name="index"),
    path("pengguna/", views.users, name="users"),
    path("pengguna/baru/", views.user_new, name="user_new"),
    path("pengguna/<int:pk>/", views.user_edit, name="user_edit"),
    path("pengguna/<int:pk>/peran/", views.user_role, name="user_role"),
    path("pengguna/<int:pk>/reset-sandi/", views.user_reset_password, name="user_reset_password"),
    path("pengguna/<int:pk>/reset-2fa/", views.user_reset_totp, name="user_reset_totp"),
    path("pengguna/<int:pk>/akhiri-sesi/", views.user_end_sessions, name="user_end_sessions"),
    path("permintaan-peran/<int:pk>/", views.role_request_decide, name="role_request_decide"),
    path("pengaturan/", views.settings_view, name="settings"),
    path("retensi/", views.retention_view, name="retention"),
    path("kesehatan/", views.health_view, name="health"),
    path("hari-libur/", views.holidays, name="holidays"),
    path("pemulihan-kunci/", views.regrant, name="regrant"),
]

from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("masuk/", views.staff_login, name="staff_login"),
    path("masuk/sandi-baru/", views.choose_password, name="choose_password"),
    path("masuk/kode/", views.staff_otp, name="staff_otp"),
    path("masuk/daftar-2fa/", views.staff_otp_enroll, name="staff_otp_enroll"),
    path("keluar/", views.staff_logout, name="staff_logout"),
    path("masih-di-sini/", views.still_here, name="still_here"),
    path("akun/sandi/", views.password_change, name="password_change"),
    path("akun/2fa/", views.otp_reset, name="otp_reset"),
    path("pemberitahuan/", views.alerts_view, name="alerts"),
]

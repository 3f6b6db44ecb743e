from django.urls import path

from . import views

app_name = "monitoring"

urlpatterns = [
    path("", views.dashboard_view, name="dashboard"),
    path("rekap/", views.recap, name="recap"),
    path("register/", views.register, name="register"),
]

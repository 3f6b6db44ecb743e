from django.urls import path

from . import views

app_name = "monitoring"

urlpatterns = [
    path("dasbor/", views.dashboard_view, name="dashboard"),
    path("dasbor/rekap/", views.recap, name="recap"),
    path("dasbor/register/", views.register, name="register"),
    path("audit/", views.audit, name="audit"),
    path(
        "laporan/<str:number>/dokumen/lembar-telaahan.pdf",
        views.review_document,
        name="review_document",
    ),
    path(
        "laporan/<str:number>/dokumen/laporan-hasil.pdf",
        views.result_document,
        name="result_document",
    ),
]

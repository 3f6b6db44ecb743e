from django.urls import path

from . import key_views, views

app_name = "cases"

urlpatterns = [
    path("", views.home, name="home"),
    path("kotak-masuk/", views.inbox_view, name="inbox"),
    path("identitas/", key_views.identity_requests, name="identity_requests"),
    path("laporan/<str:number>/", views.case, name="case"),
    path("laporan/<str:number>/aksi/<slug:action>/", views.action, name="action"),
    path("laporan/<str:number>/pesan/", views.message, name="message"),
    path("laporan/<str:number>/catatan/", views.note, name="note"),
    path("laporan/<str:number>/telaahan/", views.review, name="review"),
    path("laporan/<str:number>/lampiran/<uuid:attachment_id>/", views.download, name="download"),
    path(
        "laporan/<str:number>/lampiran/<uuid:attachment_id>/asli/",
        views.download_original,
        name="download_original",
    ),
    path(
        "laporan/<str:number>/identitas/minta/", key_views.identity_request, name="identity_request"
    ),
    path("laporan/<str:number>/identitas/lihat/", key_views.identity_view, name="identity_view"),
    path(
        "identitas/<uuid:request_id>/putuskan/", key_views.identity_decide, name="identity_decide"
    ),
    path("peran/", key_views.role_requests, name="role_requests"),
    path("peran/<int:pk>/", key_views.role_request_decide, name="role_request_decide"),
]

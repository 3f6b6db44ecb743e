from django.urls import path

from . import account_views, api, views

app_name = "intake"

urlpatterns = [
    path("", views.home, name="home"),
    path("lapor/", views.report_new, name="report_new"),
    path("lapor/tanda-terima/", views.receipt, name="receipt"),
    path("lapor/tanda-terima.pdf", views.receipt_pdf, name="receipt_pdf"),
    path("status/tanda-terima.pdf", views.status_receipt_pdf, name="status_receipt_pdf"),
    path("status/", views.status_login, name="status_login"),
    path("status/laporan/", views.status_report, name="status_report"),
    path("status/pesan/", views.status_message, name="status_message"),
    path("status/bukti/", views.status_evidence, name="status_evidence"),
    path("keluar/", views.status_logout, name="status_logout"),
    path("akun/daftar/", account_views.register, name="account_register"),
    path("akun/masuk/", account_views.account_login, name="account_login"),
    path("akun/", account_views.account_home, name="account_home"),
    path("akun/laporan/<uuid:report_id>/", views.status_report, name="account_report"),
    path(
        "akun/laporan/<uuid:report_id>/tanda-terima.pdf",
        views.status_receipt_pdf,
        name="account_report_receipt",
    ),
    path(
        "akun/laporan/<uuid:report_id>/pesan/", views.status_message, name="account_report_message"
    ),
    path(
        "akun/laporan/<uuid:report_id>/bukti/",
        views.status_evidence,
        name="account_report_evidence",
    ),
]

api_urlpatterns = [
    path("health", api.health, name="health"),
    path("openapi.json", api.openapi, name="openapi"),
    path("public/figures", api.public_figures_view, name="public_figures"),
    path("public/categories", api.public_categories, name="public_categories"),
    path("public/units", api.public_units, name="public_units"),
    path("reports", api.create_report, name="reports"),
    path("reporter/session", api.reporter_session, name="reporter_session"),
    path("reporter/report", api.reporter_report, name="reporter_report"),
    path("reporter/messages", api.reporter_messages, name="reporter_messages"),
    path("reporter/attachments", api.reporter_attachments, name="reporter_attachments"),
]

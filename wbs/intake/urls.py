import functools

from django.urls import path
from django.utils.translation import gettext as _

from . import account_views, api, views
from .errors import error_response

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


def _json_405(view):
    """Ninja answers a wrong method with a plain-text 405; the API answers in its JSON shape."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if response.status_code == 405 and not response.get("Content-Type", "").startswith(
            "application/json"
        ):
            allowed = response.get("Allow", "")
            response = error_response(request, 405, _("This method is not allowed here."), "")
            response["Allow"] = allowed
        return response

    wrapper.csrf_exempt = True
    return wrapper


api_urlpatterns = [
    path("openapi.json", _json_405(api.openapi_document), name="openapi"),
    *(
        path(str(p.pattern), _json_405(p.callback), name=p.name)
        for p in api.api.urls[0]
        if p.name != "api-root"
    ),
]

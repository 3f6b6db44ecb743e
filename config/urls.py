from django.urls import include, path
from django.views.i18n import set_language

from wbs.accounts.admin_site import site as admin_site
from wbs.intake.urls import api_urlpatterns

urlpatterns = [
    path("", include("wbs.intake.urls")),
    path("api/v1/", include((api_urlpatterns, "api"))),
    path("i18n/setlang/", set_language, name="set_language"),
    path("staf/", include("wbs.accounts.urls")),
    path("staf/", include("wbs.cases.urls")),
    path("staf/", include("wbs.monitoring.urls")),
    path("staf/administrasi/", include("wbs.administration.urls")),
    path("staf/admin/", admin_site.urls),
]

handler400 = "wbs.intake.errors.bad_request"
handler403 = "wbs.intake.errors.permission_denied"
handler404 = "wbs.intake.errors.page_not_found"
handler500 = "wbs.intake.errors.server_error"
